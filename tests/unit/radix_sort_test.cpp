// The radix sort of the rankings (radix_sort.h) puts (value, row) pairs given in row order exactly
// where std::sort of the pairs puts them, whatever the values: negative, past 32 bits, all equal,
// differing in one byte only or in all eight.
#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <random>

#include "radix_sort.h"

using custclass::plugin::radix_sort_by_value;
using custclass::plugin::ValueRow;

namespace {

std::vector<ValueRow> in_row_order(const std::vector<std::int64_t>& values) {
    std::vector<ValueRow> pairs;
    for (std::size_t i = 0; i < values.size(); ++i) pairs.emplace_back(values[i], static_cast<std::uint32_t>(i));
    return pairs;
}

void expect_as_std_sort(const std::vector<std::int64_t>& values) {
    std::vector<ValueRow> expected = in_row_order(values);
    std::sort(expected.begin(), expected.end());
    std::vector<ValueRow> sorted = in_row_order(values), scratch;
    radix_sort_by_value(sorted, scratch);
    ASSERT_EQ(sorted, expected) << values.size() << " values";
}

}  // namespace

TEST(RadixSort, SortsAsStdSortOfThePairs) {
    std::mt19937_64 random(20261207);
    constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();
    constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
    for (int trial = 0; trial < 300; ++trial) {
        const std::size_t n = random() % 2000;
        std::vector<std::int64_t> values(n);
        for (auto& v : values) {
            switch (trial % 6) {
                case 0: v = static_cast<std::int64_t>(random() % 7); break;                // many ties
                case 1: v = static_cast<std::int64_t>(random() % 4000) - 2000; break;      // days, signed
                case 2: v = static_cast<std::int64_t>(random() % 100000000); break;        // amounts
                case 3: v = static_cast<std::int64_t>(random()); break;                    // all 64 bits
                case 4: v = random() % 2 ? kMin : kMax; break;                             // the extremes
                default: v = static_cast<std::int64_t>(random() % 3) << 40; break;         // one high byte
            }
        }
        expect_as_std_sort(values);
    }
}

TEST(RadixSort, LeavesNoneOneAndEqualValuesInRowOrder) {
    expect_as_std_sort({});
    expect_as_std_sort({-5});
    expect_as_std_sort(std::vector<std::int64_t>(1000, 42));
    expect_as_std_sort({3, -1, 3, -1, 0, std::numeric_limits<std::int64_t>::min(), 0});
}
