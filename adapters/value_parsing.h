// The one place that turns host values, read as text from any backend, into typed values:
// exact money, booleans, identifiers. Each returns nullopt for a value it cannot parse; the
// caller names the table, key and column in the error.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "utf8.h"

namespace custclass::adapters {

using config::valid_utf8;

// A decimal amount ("1234.5", "-0.10", "12", "1.5e3") in minor units with `decimals` places,
// rounded half away from zero beyond them. Exact: no binary floating point is involved.
std::optional<std::int64_t> parse_money(std::string_view text, int decimals);

// A number as a host column or an enrichment table holds it ("12", "-3.5", "+1e3"), surrounding
// white space allowed; nullopt for anything else, and for infinities and NaN.
std::optional<double> parse_number(std::string_view text);

// 1/0, t/f, true/false, yes/no, y/n (any case), as databases write booleans.
std::optional<bool> parse_flag(std::string_view text);

// An identifier as text: trimmed, and a whole number written as a decimal ("17850.0", as
// spreadsheets and some exports write integer keys) without its zero fraction.
std::string normalise_id(std::string_view text);
// The same as a part of `text` (no copy).
std::string_view normalised_id(std::string_view text);

// An e-mail address as opt-outs are matched: trimmed and its ASCII letters lower-cased (other
// bytes as they are, whatever the process's locale); nullopt when empty.
std::optional<std::string> normalise_email(std::string_view text);
// The same into `out` (its memory reused); false when empty.
bool normalise_email_into(std::string_view text, std::string& out);

// A phone number in E.164 ("+85291234567"): separators dropped, "00" read as "+", and a number
// without a country code given `default_country` (852, Hong Kong). nullopt when it holds no
// digits or characters other than digits, spaces, dots, dashes, parentheses and a "+" at the
// start or after opening brackets ("(+852) 9123-4567").
std::optional<std::string> normalise_phone(std::string_view text,
                                           std::string_view default_country = "852");
// The same into `out` (its memory reused); false for nullopt.
bool normalise_phone_into(std::string_view text, std::string& out, std::string_view default_country = "852");

// ASCII letters lower-cased (categories, channels and keywords are matched this way).
std::string lower(std::string_view text);


}  // namespace custclass::adapters
