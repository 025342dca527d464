// Keyword targeting: a campaign's keywords matched against what customers and prospects said they
// care about (their `interests`) and what they searched for (`interactions.keyword`), giving the
// target lists of a campaign; and the keywords trending up between two runs, for search-engine and
// promotion planning. This file holds the text side only (normalising, matching, ranking): the
// caller reads the interests and search terms and counts the people.
//
// Text is UTF-8. Normalising works byte by byte and never alters or splits a byte >= 0x80, so
// valid UTF-8 stays valid and Chinese (and any other non-ASCII) text is kept as is. Lower-casing is
// ASCII-only: "SERUM" and "serum" are the same keyword, "ÉTÉ" and "été" are not. Only ASCII
// punctuation, whitespace and control characters separate words: a non-ASCII character, including
// full-width punctuation such as "，" and the ideographic space U+3000, counts as a letter. Since
// Chinese is written without spaces, a Chinese keyword matches only a text in which it stands as a
// whole word between ASCII separators ("护肤" matches "护肤 精华" and "护肤", not "面部护肤品"):
// list the Chinese variants as keywords of their own.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace custclass::plugin {

// ---------------------------------------------------------------------------------------------
// Matching

// The normalised form of a keyword or search term: ASCII letters lower-cased; every run of bytes
// that are not letters or digits (ASCII letters and digits, and every byte >= 0x80, count as
// letters; everything else below 0x80 — punctuation, whitespace, control characters — does not)
// replaced by one space; no space at either end. "  Vitamin-C  Serum!" -> "vitamin c serum",
// "Women's" -> "women s", "维生素C 精华" -> "维生素c 精华". Empty (or all punctuation) input gives
// "". Never fails.
std::string normalise_keyword(std::string_view text);

// Whether a campaign keyword matches a text (an interest or a search term): with both normalised,
// the keyword's words appear in the text's words as a contiguous run of whole words. "serum"
// matches "Vitamin C Serum" but not "serums"; "c serum" matches "vitamin-c serum" but not
// "serum c"; a keyword matches itself. A keyword that normalises to "" matches nothing (not even
// ""). Never fails.
bool keyword_matches(std::string_view keyword, std::string_view text);

// Many keywords against many texts (a million customers' interests and search terms against a
// campaign's twenty keywords): the keywords are normalised once, and indexed by their first word,
// so that a text costs one normalisation plus one look-up per word of the text. matches() agrees
// with keyword_matches() on every keyword and text. Immutable after construction; matches() may be
// called from several threads at once.
class KeywordMatcher {
public:
    // The campaign's keywords, in the order the indices of matches() refer to. Duplicates (also
    // after normalising) are kept and match together; keywords that normalise to "" match nothing.
    explicit KeywordMatcher(std::vector<std::string> keywords);

    // The indices (into keywords()) of the keywords that match `text`, in ascending order, each
    // once; empty when none does.
    std::vector<std::size_t> matches(std::string_view text) const;

    // The keywords as given to the constructor (not normalised).
    const std::vector<std::string>& keywords() const { return keywords_; }

private:
    std::vector<std::string> keywords_;
    std::vector<std::string> normalised_;  // normalise_keyword(keywords_[i])
    // (first word of a non-empty normalised keyword, its index), sorted by word then index
    std::vector<std::pair<std::string, std::size_t>> by_first_word_;
};

// ---------------------------------------------------------------------------------------------
// Trends

// A keyword with the number of people who expressed it in the earlier and the later period.
struct KeywordCount {
    std::string keyword;
    std::uint64_t before = 0;  // people in the earlier period (0 when the keyword was absent)
    std::uint64_t after = 0;   // people in the later period
    double growth = 0;         // (after + 1) / (before + 1), > 1 for a listed keyword
};

// The keywords trending up between two periods (two runs' windows). `before` and `after` map a
// keyword to the number of people (distinct customers) who expressed it in that period, as counted
// by the caller; keywords are compared exactly as given, so the caller counts by
// normalise_keyword() (distinct people cannot be added up afterwards). A keyword missing from
// `before` has before = 0; keywords only in `before` cannot trend up.
//
// A keyword is listed when it trends up (after > before) and after >= min_count (cells of fewer
// than k people are not shown; min_count 0 or 1 lists every keyword that trends up). growth =
// (after + 1) / (before + 1), so that a new keyword does not divide by zero and a keyword growing
// from 0 to 1 person does not outrank one growing from 100 to 300. Order: growth descending (equal
// ratios give equal doubles, division being correctly rounded), then after descending, then
// keyword ascending (byte order). At most `top` keywords, the first in that order (0 = all).
// Never fails.
std::vector<KeywordCount> trending_keywords(const std::map<std::string, std::uint64_t>& before,
                                            const std::map<std::string, std::uint64_t>& after,
                                            std::uint64_t min_count, std::size_t top);

}  // namespace custclass::plugin
