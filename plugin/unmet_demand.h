// Unmet demand: market information for checking whether the products meet the demand. Two lists
// per segment: the interests its members expressed (interest keywords, search terms) that no
// category they buy serves, and the categories whose buyers in the segment fell between two runs.
// The caller counts the people (distinct members of the segment) per keyword and per category;
// this file decides which keyword a category serves and ranks the lists, leaving out cells of
// fewer than k people (the privacy policy's small-cell threshold, `min_count`).
//
// Keywords and category names are UTF-8 and are compared in their normalise_keyword() form
// (keyword_targeting.h): ASCII-only lower-casing, ASCII punctuation and whitespace separating
// words, Chinese and other non-ASCII text kept as is (so a Chinese keyword and a Chinese category
// name serve each other only as whole words between ASCII separators, or through the explicit map).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace custclass::plugin {

// ---------------------------------------------------------------------------------------------
// Which categories serve a keyword

// Whether a product category serves an expressed interest. With the category name and the keyword
// normalised (normalise_keyword), the category serves the keyword when
//   - keyword_matches(keyword, category): the keyword's words are a run of whole words of the
//     category name ("skin" is served by "Skin Care"; "care" too), or
//   - keyword_matches(category, keyword): the category name's words are a run of whole words of
//     the keyword ("vitamin c serum" is served by "Serum"), or
//   - the explicit map (from the rule set) lists the category for exactly that keyword: for
//     interests no category name contains, such as "skincare" or "护肤" for "Skin Care".
// Words are whole: "serums" is not served by "serum" without the explicit map. A keyword or
// category name that normalises to "" is served by / serves nothing.
class CategoryServes {
public:
    // explicit_map: keyword -> the categories that serve it. Keys and categories are normalised;
    // keys that normalise to the same form are merged; empty (after normalising) keys and
    // categories are ignored. An empty map leaves only the name rules. Never fails. (Pass a typed
    // map: with one braced entry, CategoryServes({{"k", {"c"}}}) is ambiguous with the copy
    // constructor.)
    explicit CategoryServes(std::map<std::string, std::vector<std::string>> explicit_map);

    // Whether `category` serves `keyword` (both as written; see the class comment). Never fails.
    bool serves(std::string_view category, std::string_view keyword) const;

    // The same for a category name and a keyword already normalised (normalise_keyword), to save
    // normalising them again for each pair. Never fails.
    bool serves_normalised(std::string_view category, std::string_view keyword) const;

private:
    // normalised keyword -> normalised categories listed for it
    std::map<std::string, std::set<std::string, std::less<>>, std::less<>> explicit_;
};

// ---------------------------------------------------------------------------------------------
// Unmet interests

// A keyword with the number of people who expressed it: for a caller that gathers its counts as a
// list before building the map that unmet_interests() takes.
struct ExpressedInterest {
    std::string keyword;
    std::uint64_t people = 0;
};

// An interest of a segment that no category its members bought serves.
struct UnmetInterest {
    std::string keyword;       // as given in `expressed`
    std::uint64_t people = 0;  // distinct members of the segment who expressed it
    double share = 0;          // people / segment_size; 0 when segment_size is 0
};

// The interests a segment expressed that no category it buys serves. `expressed`: keyword ->
// number of distinct members of the segment who expressed it (interests or search terms in the
// window), counted by the caller (best by normalised keyword: distinct people cannot be added up
// afterwards; keys are listed as given). `bought`: the categories the segment's members purchased
// in the window. A keyword is listed when its people >= min_count (min_count 0 or 1: every
// keyword), no category of `bought` serves it (serves.serves), and it normalises to something
// (a key such as "!!!" names no interest and is skipped). share = people / segment_size when
// segment_size > 0, else 0 (size unknown). Order: people descending, then keyword ascending (byte
// order). Throws std::invalid_argument, naming the keyword, when segment_size > 0 and a keyword's
// people exceed it (the counts cannot then come from that segment).
std::vector<UnmetInterest> unmet_interests(const std::map<std::string, std::uint64_t>& expressed,
                                           const std::set<std::string>& bought,
                                           const CategoryServes& serves, std::uint64_t segment_size,
                                           std::uint64_t min_count);

// ---------------------------------------------------------------------------------------------
// Falling categories

// A category whose buyers in a segment fell between two runs.
struct FallingCategory {
    std::string category;
    std::uint64_t buyers_before = 0;  // exact, >= min_count
    std::uint64_t buyers_after = 0;   // exact when 0 or >= min_count; 0 when after_suppressed
    // (buyers_after - buyers_before) / buyers_before, in [-1, 0). When after_suppressed: the
    // smallest fall consistent with the suppression, (min_count - 1 - buyers_before) /
    // buyers_before (the true after lies in 1 .. min_count - 1, so the category fell at least
    // this much), so that neither the number nor the order reveals the hidden count.
    double change = 0;
    // The later count is a small cell (1 .. min_count - 1) and is not shown.
    bool after_suppressed = false;
};

// The categories whose buyers in a segment fell between two runs. `before` and `after`: category
// -> number of distinct members of the segment who bought it in that run's window (the caller's
// counts); categories are compared exactly as given; a category missing from `after` had 0 buyers
// then, one missing from `before` cannot have fallen. A category is listed when after < before and
// before >= min_count (an earlier cell below k is not shown at all). Its later count is reported
// exactly when it is 0 or >= min_count; otherwise (a small cell) after_suppressed is set,
// buyers_after is 0 and change is the bound described at FallingCategory::change. Order: change
// ascending (the biggest fall first), then buyers_before descending, then category ascending
// (byte order). Never fails.
std::vector<FallingCategory> falling_categories(const std::map<std::string, std::uint64_t>& before,
                                                const std::map<std::string, std::uint64_t>& after,
                                                std::uint64_t min_count);

}  // namespace custclass::plugin
