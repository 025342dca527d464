// A least-significant-digit radix sort of (value, row) pairs by value, for the rankings of a
// million customers (r/f/m scores), where std::sort's comparisons took most of the ranking.
// Stable: pairs given in increasing row order come out exactly as std::sort of the pairs puts
// them (by value, then by row). Only the bytes in which the values differ are passed over: two
// for days or counts, three or four for amounts.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

namespace custclass::plugin {

using ValueRow = std::pair<std::int64_t, std::uint32_t>;

// Sorts `pairs` by value, stably; `scratch` is working memory (resized as needed).
void radix_sort_by_value(std::vector<ValueRow>& pairs, std::vector<ValueRow>& scratch);

}  // namespace custclass::plugin
