// Which categories serve a keyword, the unmet interests of a segment and its falling categories
// (see unmet_demand.h for the definitions).
#include "unmet_demand.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "keyword_targeting.h"

namespace custclass::plugin {

namespace {

// Whether the normalised, non-empty `needle` is a run of whole words of the normalised `hay`: the
// same test as keyword_matches() without normalising again.
bool whole_words_in(std::string_view needle, std::string_view hay) {
    if (needle.empty() || needle.size() > hay.size()) return false;
    for (std::size_t pos = hay.find(needle); pos != std::string_view::npos;
         pos = hay.find(needle, pos + 1)) {
        const bool starts = pos == 0 || hay[pos - 1] == ' ';
        const bool ends = pos + needle.size() == hay.size() || hay[pos + needle.size()] == ' ';
        if (starts && ends) return true;
    }
    return false;
}

}  // namespace

CategoryServes::CategoryServes(std::map<std::string, std::vector<std::string>> explicit_map) {
    for (auto& [keyword, categories] : explicit_map) {
        std::string key = normalise_keyword(keyword);
        if (key.empty()) continue;
        for (const auto& category : categories) {
            std::string value = normalise_keyword(category);
            if (!value.empty()) explicit_[key].insert(std::move(value));
        }
    }
}

bool CategoryServes::serves(std::string_view category, std::string_view keyword) const {
    return serves_normalised(normalise_keyword(category), normalise_keyword(keyword));
}

bool CategoryServes::serves_normalised(std::string_view category, std::string_view keyword) const {
    if (category.empty() || keyword.empty()) return false;
    if (whole_words_in(keyword, category) || whole_words_in(category, keyword)) return true;
    const auto listed = explicit_.find(keyword);
    return listed != explicit_.end() && listed->second.find(category) != listed->second.end();
}

std::vector<UnmetInterest> unmet_interests(const std::map<std::string, std::uint64_t>& expressed,
                                           const std::set<std::string>& bought,
                                           const CategoryServes& serves, std::uint64_t segment_size,
                                           std::uint64_t min_count) {
    std::vector<std::string> categories;
    categories.reserve(bought.size());
    for (const auto& category : bought) {
        std::string normalised = normalise_keyword(category);
        if (!normalised.empty()) categories.push_back(std::move(normalised));
    }
    std::vector<UnmetInterest> out;
    for (const auto& [keyword, people] : expressed) {
        if (segment_size > 0 && people > segment_size)
            throw std::invalid_argument(
                "unmet_interests: keyword \"" + keyword + "\": " + std::to_string(people) +
                " people, more than the segment's " + std::to_string(segment_size));
        if (people < min_count) continue;
        const std::string normalised = normalise_keyword(keyword);
        if (normalised.empty()) continue;
        const bool served =
            std::any_of(categories.begin(), categories.end(), [&](const std::string& category) {
                return serves.serves_normalised(category, normalised);
            });
        if (served) continue;
        UnmetInterest row;
        row.keyword = keyword;
        row.people = people;
        row.share = segment_size > 0
                        ? static_cast<double>(people) / static_cast<double>(segment_size)
                        : 0.0;
        out.push_back(std::move(row));
    }
    // `expressed` is in keyword order already; a stable sort on people keeps it within ties.
    std::stable_sort(out.begin(), out.end(), [](const UnmetInterest& a, const UnmetInterest& b) {
        return a.people > b.people;
    });
    return out;
}

std::vector<FallingCategory> falling_categories(const std::map<std::string, std::uint64_t>& before,
                                                const std::map<std::string, std::uint64_t>& after,
                                                std::uint64_t min_count) {
    std::vector<FallingCategory> out;
    for (const auto& [category, earlier] : before) {
        const auto found = after.find(category);
        const std::uint64_t later = found == after.end() ? 0 : found->second;
        if (later >= earlier || earlier < min_count) continue;
        FallingCategory row;
        row.category = category;
        row.buyers_before = earlier;
        const double b = static_cast<double>(earlier);
        if (later == 0 || later >= min_count) {
            row.buyers_after = later;
            row.change = (static_cast<double>(later) - b) / b;
        } else {
            // 1 <= later < min_count <= earlier: report the smallest fall the hidden count allows.
            row.after_suppressed = true;
            row.change = (static_cast<double>(min_count - 1) - b) / b;
        }
        out.push_back(std::move(row));
    }
    std::sort(out.begin(), out.end(), [](const FallingCategory& a, const FallingCategory& b) {
        if (a.change != b.change) return a.change < b.change;
        if (a.buyers_before != b.buyers_before) return a.buyers_before > b.buyers_before;
        return a.category < b.category;
    });
    return out;
}

}  // namespace custclass::plugin
