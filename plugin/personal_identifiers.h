// Personal identifiers in free text (PRIVACY.md, checks 9 and 3): Hong Kong identity card (HKID)
// numbers whose check digit verifies, Hong Kong phone numbers and e-mail addresses, found as byte
// spans in UTF-8 text. Its place in the data flow is at the two ends: on the way out, every text
// the plugin writes (exports, reports, profiles, diagnostics, the data access document) is to
// pass through mask_personal_identifiers(), so that a number a clerk typed into a note or a
// comment never leaves with it (check 9, DPP4); on the way in, when a rule set is loaded, a field
// whose values are HKID numbers (is_valid_hkid) must not be read by a rule, group key or output
// column, and the rule set is refused (check 3, Code of Practice on the Identity Card Number).
// The output writers and the rule loader call in here; this file knows nothing of them.
//
// What is found (matching is on ASCII characters, and on the full-width brackets below as whole
// characters; anything else, Chinese text included, only ever sits around a match, so a span
// never splits a multi-byte UTF-8 character):
//
//   HKID    one or two letters (any case), six digits, then the check character (a digit or A/a)
//           either directly ("A1234563", "g123456a") or in round brackets, optionally after one
//           space: "A123456(3)", "A123456 (3)", and with the full-width brackets of Chinese
//           text, "A123456（3）" (U+FF08, U+FF09; the whole three-byte characters are in the span).
//           Only numbers whose check character verifies are reported; an HKID with a wrong check
//           digit is left alone. Not preceded by an ASCII letter or digit; the form without
//           brackets is not followed by one either. Not found: a space between the letters and
//           the digits ("A 123456(3)"), a missing closing bracket.
//   Phone   eight digits, the first 2-9, written "91234567", "9123 4567" or "9123-4567" (one
//           space or hyphen between the halves, nothing else), optionally after the country code
//           written "+852", "(+852)", "852", "(852)" or "00852", itself optionally followed by one
//           space or hyphen: "+852 9123 4567", "(+852)9123-4567", "852-91234567",
//           "00852 2345 6789". A number that is part of something longer is not reported: it must
//           not be preceded or followed by an ASCII letter or digit, nor preceded by "+", "#" or
//           "$" (a foreign country code, a reference number, an amount), nor joined to a digit by
//           one of "-", ".", "_" (a longer number, a date, a decimal: "2026-1130-0042",
//           "3.91234567"), nor joined to a letter by "-", "_" or "/" (a code: "ORD-91234567").
//           A space or a slash between digits is not a joiner: "23456789/91234567" and
//           "91234567 98765432" are two numbers each, and "+44 20 7946 0958" has its last eight
//           digits reported; masking a little more than a Hong Kong phone number is preferred to
//           leaving one visible. An eight-digit date such as "20261130" cannot be told from the
//           number 2026 1130 and is reported.
//   E-mail  local@domain: the local part is the longest run of ASCII letters, digits and
//           ". _ % + -" before the "@" (leading dots dropped); the domain is the longest run of
//           ASCII letters, digits, "." and "-" after it (trailing dots and hyphens dropped, so the
//           full stop of a sentence is not taken), of at least two dot-separated labels, none
//           empty or beginning or ending with "-", the last of at least two letters only. Not
//           found: quoted local parts, IP-address domains, names outside ASCII.
//
// Spans never overlap: where two matches do (a phone number run into an e-mail's local part),
// the one that starts first is widened to cover both, so that masking leaves no part of either
// visible.
//
// A hand-written scanner rather than std::regex: every output text passes through here, and
// std::regex (libstdc++) is slow, allocates per match and recurses deeply on long inputs; the
// boundary rules above (joiners, the check digit, full-width brackets) are also easier to read as
// code than as one regular expression. The scan is linear: each attempt looks at a bounded number
// of bytes, and the e-mail expansions stop at "@".
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace custclass::plugin {

// PRIVACY.md's HKID check digit, exactly: upper-cased, spaces and round brackets removed, the
// text must be one or two letters, six digits and a check character 0-9 or A that equals
// (11 - S mod 11) mod 11 (10 written A), S being the sum over the eight characters before it of
// value x weight (weights 9..2; A=10 .. Z=35, digits their value, a one-letter prefix padded on
// the left with a space worth 36).
bool is_valid_hkid(std::string_view text);

enum class IdentifierKind { hkid, phone, email };

// "hkid", "phone", "email" (for reports: how many of each were masked).
std::string_view identifier_kind_name(IdentifierKind kind);

// The fixed text a span is replaced with: "[HKID]", "[PHONE]", "[EMAIL]".
std::string_view mask_token(IdentifierKind kind);

struct FoundIdentifier {
    std::size_t offset = 0;  // in bytes, from the start of the text
    std::size_t length = 0;  // in bytes
    IdentifierKind kind = IdentifierKind::hkid;
    // A phone number in E.164 ("+85291234567", by adapters::normalise_phone) and an e-mail
    // address lower-cased (adapters::normalise_email), as opt-outs are matched (check 6). Empty
    // for an HKID: no copy of a government identifier is handed on (check 3).
    std::string normalised;

    bool operator==(const FoundIdentifier&) const = default;
};

// Every personal identifier in `text` (see above), in order, none overlapping another.
std::vector<FoundIdentifier> find_personal_identifiers(std::string_view text);

// `text` with every span find_personal_identifiers() reports replaced by its mask_token(); all
// other bytes unchanged.
std::string mask_personal_identifiers(std::string_view text);

}  // namespace custclass::plugin
