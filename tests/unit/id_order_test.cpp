// The order the store is handed a run's customers in (id_order.h): the ids' byte order, exactly
// as std::sort of the ids gives it, for ids that differ in their first bytes (UUIDs), that share
// them (long codes), numbers written as text, bytes past 0x7f, embedded NULs and empty ids;
// nothing to reorder when the ids are in that order already. And a run stores every
// customer's assignments whatever order its ids come in.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <numeric>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "demo_data.h"
#include "engine.h"
#include "id_order.h"
#include "test_database.h"

using namespace custclass;
using custclass::plugin::rows_in_id_order;

namespace {

// The rows in std::sort's order of their ids (ids distinct).
std::vector<std::uint32_t> sorted_rows(const std::vector<std::string>& ids) {
    std::vector<std::uint32_t> rows(ids.size());
    std::iota(rows.begin(), rows.end(), 0u);
    std::sort(rows.begin(), rows.end(), [&](std::uint32_t a, std::uint32_t b) { return ids[a] < ids[b]; });
    return rows;
}

void expect_in_id_order(const std::vector<std::string>& ids) {
    const std::vector<std::uint32_t> rows = rows_in_id_order(ids);
    if (std::is_sorted(ids.begin(), ids.end())) {
        EXPECT_TRUE(rows.empty());
        return;
    }
    EXPECT_EQ(rows, sorted_rows(ids));
}

std::string random_text(std::mt19937_64& random, std::size_t length, std::string_view alphabet) {
    std::string s;
    for (std::size_t i = 0; i < length; ++i) s += alphabet[random() % alphabet.size()];
    return s;
}

}  // namespace

TEST(IdOrder, IdsInOrderAreLeftAsTheyAre) {
    EXPECT_TRUE(rows_in_id_order({}).empty());
    EXPECT_TRUE(rows_in_id_order({"C000001"}).empty());
    EXPECT_TRUE(rows_in_id_order({"C000001", "C000002", "C000010", "C1000000"}).empty());
}

TEST(IdOrder, NumbersWrittenAsTextComeInByteOrder) {
    std::vector<std::string> ids;
    for (int i = 1; i <= 1000; ++i) ids.push_back(std::to_string(i));
    const std::vector<std::uint32_t> rows = rows_in_id_order(ids);
    ASSERT_EQ(rows.size(), ids.size());
    EXPECT_EQ(ids[rows[0]], "1");
    EXPECT_EQ(ids[rows[1]], "10");
    EXPECT_EQ(ids[rows[2]], "100");
    EXPECT_EQ(ids[rows[3]], "1000");
    EXPECT_EQ(ids[rows[4]], "101");
    EXPECT_EQ(ids[rows.back()], "999");
    expect_in_id_order(ids);
}

// Ids in a few ascending runs (ids added to a table in order, then some more; numbers as text)
// are merged run by run, more runs are sorted by radix: the same order either way.
TEST(IdOrder, IdsInAscendingRunsComeInByteOrder) {
    std::mt19937_64 random(20261208);
    for (const std::size_t runs : {2u, 3u, 7u, 63u, 64u, 65u, 200u}) {
        std::vector<std::string> ids;
        for (std::size_t k = 0; k < runs; ++k) {
            std::vector<std::string> run;
            const std::size_t n = 1 + random() % 300;
            for (std::size_t i = 0; i < n; ++i) run.push_back("C" + std::to_string(random() % 100000) + "-" + std::to_string(k));
            std::sort(run.begin(), run.end());
            run.erase(std::unique(run.begin(), run.end()), run.end());  // ids are distinct
            ids.insert(ids.end(), run.begin(), run.end());
        }
        expect_in_id_order(ids);
    }
    // One id out of place at the end, as the benchmark's C1000000 after C999999.
    std::vector<std::string> ids;
    for (int i = 1; i <= 100000; ++i) {
        std::string n = std::to_string(i);
        ids.push_back("C" + std::string(n.size() < 5 ? 5 - n.size() : 0, '0') + n);
    }
    const std::vector<std::uint32_t> rows = rows_in_id_order(ids);
    ASSERT_EQ(rows.size(), ids.size());
    EXPECT_EQ(ids[rows[9999]], "C10000");
    EXPECT_EQ(ids[rows[10000]], "C100000");
    EXPECT_EQ(ids[rows[10001]], "C10001");
    expect_in_id_order(ids);
}

TEST(IdOrder, OrdersAsStdSortOfTheIds) {
    std::mt19937_64 random(20261207);
    const std::string hex = "0123456789abcdef";
    const std::string bytes = std::string("\0\x01 AZaz09-_\x7f\x80\xc3\xa9\xff", 17);
    for (int trial = 0; trial < 200; ++trial) {
        const std::size_t n = random() % 3000;
        std::vector<std::string> ids;
        for (std::size_t i = 0; i < n; ++i) {
            switch (trial % 4) {
                case 0:  // UUIDs: distinct in their first bytes
                    ids.push_back(random_text(random, 8, hex) + "-" + random_text(random, 4, hex) + "-4" +
                                  random_text(random, 3, hex) + "-" + random_text(random, 12, hex));
                    break;
                case 1:  // one long prefix, then a few bytes: every id ties on its first 8
                    ids.push_back("customer-" + random_text(random, 1 + random() % 4, hex));
                    break;
                case 2:  // short ids and prefixes of one another, any byte, embedded NULs
                    ids.push_back(random_text(random, random() % 10, bytes));
                    break;
                default:  // ids shorter than, equal to and longer than 8 bytes
                    ids.push_back(random_text(random, 6 + random() % 5, "ab"));
            }
        }
        std::sort(ids.begin(), ids.end());
        ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
        if (trial % 5 != 0) std::shuffle(ids.begin(), ids.end(), random);
        expect_in_id_order(ids);
    }
}

namespace {

// A store's assignments of its one run: customer id -> "classification=segment" lines.
std::map<std::string, std::vector<std::string>> stored(const std::string& path) {
    std::map<std::string, std::vector<std::string>> out;
    for (const auto& row : test::stored_assignments(path)) out[row[0]].push_back(row[1] + "=" + row[2]);
    return out;
}

}  // namespace

// The demo shop twice: its own codes (C000001, … in row order), and the same customers renamed
// so that their ids come in no order at all (a scrambled prefix before the code). Every
// customer, over several blocks of rows, gets the same assignments under either name, in the
// first-match and the all-matches classifications alike.
TEST(IdOrder, ARunStoresTheSameAssignmentsWhateverOrderItsIdsComeIn) {
    const auto dir = test::fresh_directory("custclass-id-order");
    datagen::DemoOptions demo;
    demo.customers = 5000;
    datagen::write_sqlite_demo((dir / "ordered.sqlite").string(), demo);
    std::filesystem::copy_file(dir / "ordered.sqlite", dir / "scrambled.sqlite");
    test::execute_sql((dir / "scrambled.sqlite").string(),
                      "UPDATE customer SET code = printf('%08x', (id * 2654435761) % 4294967296) || '-' || code");
    for (const std::string name : {"ordered", "scrambled"}) {
        test::write_file(dir / (name + ".yaml"), test::demo_engine_config(name + ".sqlite", name + "-store.sqlite"));
        auto engine = plugin::Engine::open_file((dir / (name + ".yaml")).string(), "");
        plugin::RunRequest request;
        request.as_of = config::parse_day("2026-11-30");
        engine->run(request);
    }
    const auto ordered = stored((dir / "ordered-store.sqlite").string());
    const auto scrambled = stored((dir / "scrambled-store.sqlite").string());
    ASSERT_GT(ordered.size(), 4000u);
    ASSERT_EQ(scrambled.size(), ordered.size());
    std::size_t multiple = 0;  // customers in more than one segment of a classification
    for (const auto& [id, rows] : scrambled) {
        const std::string code = id.substr(id.find('-') + 1);
        const auto it = ordered.find(code);
        ASSERT_NE(it, ordered.end()) << id;
        ASSERT_EQ(rows, it->second) << id;
        std::set<std::string> classifications;
        for (const auto& r : rows) classifications.insert(r.substr(0, r.find('=')));
        if (classifications.size() < rows.size()) ++multiple;
    }
    EXPECT_GT(multiple, 0u);
    // The renamed customers were read in an order the store's key does not have.
    std::vector<std::string> read_order;
    for (const auto& row : test::query_rows((dir / "scrambled.sqlite").string(), "SELECT code FROM customer ORDER BY id"))
        read_order.push_back(row[0]);
    EXPECT_FALSE(rows_in_id_order(read_order).empty());
    std::filesystem::remove_all(dir);
}
