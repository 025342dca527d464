// The customer index: every id found at its position, absent ids not found, the first repeated
// id named, and ids that differ only slightly (case, length, a trailing byte) kept apart.
#include "customer_index.h"
#include "feature_table.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace custclass::adapters {
namespace {

TEST(CustomerIndex, FindsEveryIdAtItsPosition) {
    std::vector<std::string> ids;
    for (int i = 0; i < 100000; ++i) ids.push_back("C" + std::to_string(i * 7919 % 1000003));
    ids.push_back("a-very-long-customer-identifier-beyond-small-strings");
    ids.push_back("");
    ids.push_back(std::string("nul\0inside", 10));
    CustomerIndex index;
    ASSERT_FALSE(index.build(ids));
    for (std::size_t i = 0; i < ids.size(); ++i) ASSERT_EQ(index.find(ids[i]), i) << ids[i];
    EXPECT_FALSE(index.find("c0"));  // case matters
    EXPECT_FALSE(index.find("C"));
    EXPECT_FALSE(index.find("nul"));
    EXPECT_FALSE(index.find("C1000003"));
    EXPECT_FALSE(index.find("a-very-long-customer-identifier-beyond-small-string"));
}

TEST(CustomerIndex, NamesTheFirstRepeatedId) {
    CustomerIndex index;
    EXPECT_EQ(index.build({"a", "b", "c", "b", "a"}), 3u);
    CustomerIndex none;
    EXPECT_FALSE(none.build({}));
    EXPECT_FALSE(none.find("a"));
}

// A repeated id is found at its first position, and the ids after it are indexed too (the
// feature table's ids, whose builder refuses repeats anyway, rely on it in tests and fuzzing).
// The ids may be moved with their vector.
TEST(CustomerIndex, KeepsIndexingPastARepeatAndFollowsAMovedVector) {
    std::vector<std::string> ids = {"a", "b", "a", "c", "d"};
    CustomerIndex index;
    EXPECT_EQ(index.build(ids), 2u);
    const std::vector<std::string> moved = std::move(ids);
    EXPECT_EQ(index.find("a"), 0u);
    EXPECT_EQ(index.find("c"), 3u);
    EXPECT_EQ(index.find("d"), 4u);
    EXPECT_FALSE(index.find("e"));
}

// An index over a copy of the ids finds them in the copy, with the original gone (the feature
// table takes the run's index this way when it keeps every customer).
TEST(CustomerIndex, OverACopyFindsTheCopysIds) {
    std::vector<std::string> copy;
    CustomerIndex over_copy;
    {
        std::vector<std::string> ids;
        for (int i = 0; i < 5000; ++i) ids.push_back("customer-with-a-long-id-" + std::to_string(i));
        CustomerIndex index;
        ASSERT_FALSE(index.build(ids));
        copy = ids;
        over_copy = index.over_copy(copy);
        for (std::string& id : ids) id.assign(id.size(), '#');  // the original's ids change, then go
    }
    for (std::size_t i = 0; i < copy.size(); ++i) ASSERT_EQ(over_copy.find(copy[i]), i) << copy[i];
    EXPECT_FALSE(over_copy.find("customer-with-a-long-id-5000"));
}

// An index narrowed to the customers a run keeps finds each kept id at its new position, past
// the slots of those left out (ids after them in a probe run stay found), and no id left out;
// narrowing an index over repeated ids is refused.
TEST(CustomerIndex, OverASubsetFindsTheKeptIdsAndNoneLeftOut) {
    std::vector<std::string> ids;
    for (int i = 0; i < 100000; ++i) ids.push_back("C" + std::to_string(i * 7919 % 1000003));
    CustomerIndex index;
    ASSERT_FALSE(index.build(ids));
    for (const int every : {1, 2, 3, 1000}) {
        std::vector<std::uint32_t> kept;
        std::vector<std::string> subset;
        for (std::uint32_t i = 0; i < ids.size(); ++i)
            if (i % static_cast<std::uint32_t>(every) == 0 || i % 7 == 3) {
                kept.push_back(i);
                subset.push_back(ids[i]);
            }
        const CustomerIndex narrowed = index.over_subset(subset, kept, ids.size());
        for (std::size_t r = 0; r < subset.size(); ++r) ASSERT_EQ(narrowed.find(subset[r]), r) << subset[r];
        std::size_t left_out = 0;
        for (std::uint32_t i = 0; i < ids.size(); ++i)
            if (!(i % static_cast<std::uint32_t>(every) == 0 || i % 7 == 3)) {
                ASSERT_FALSE(narrowed.find(ids[i])) << ids[i];
                ++left_out;
            }
        EXPECT_EQ(left_out + subset.size(), ids.size());
        EXPECT_FALSE(narrowed.find("C1000003"));
    }
    CustomerIndex repeated;
    const std::vector<std::string> with_repeat = {"a", "b", "a"};
    EXPECT_EQ(repeated.build(with_repeat), 2u);
    EXPECT_THROW(repeated.over_subset({"a"}, {0}, 3), std::logic_error);
    EXPECT_THROW(index.over_subset({"x"}, {100000}, ids.size()), std::logic_error);
}

// A run's table of the customers it keeps: their ids copied in row order while the index is
// narrowed to them on another thread (2 threads) or after (1): the same table either way, each
// kept id at its row, none left out found (ids short and long: inline and on the heap).
TEST(CustomerIndex, ATableOfTheKeptCustomersIsTheSameOnOneAndTwoThreads) {
    std::vector<std::string> ids;
    for (int i = 0; i < 60000; ++i)
        ids.push_back((i % 3 ? "C" : "customer-with-a-long-id-") + std::to_string(i * 7919 % 1000003));
    CustomerIndex index;
    ASSERT_FALSE(index.build(ids));
    std::vector<std::uint32_t> kept;
    for (std::uint32_t i = 0; i < ids.size(); ++i)
        if (i % 5 != 2) kept.push_back(i);
    for (const unsigned threads : {1u, 2u}) {
        const plugin::FeatureTable table(ids, index, kept, threads);
        ASSERT_EQ(table.rows(), kept.size());
        for (std::size_t r = 0; r < kept.size(); ++r) {
            ASSERT_EQ(table.customer_ids()[r], ids[kept[r]]);
            ASSERT_EQ(table.row_of(ids[kept[r]]), r) << ids[kept[r]];
        }
        for (std::uint32_t i = 2; i < ids.size(); i += 5) ASSERT_FALSE(table.row_of(ids[i])) << ids[i];
    }
}

}  // namespace
}  // namespace custclass::adapters
