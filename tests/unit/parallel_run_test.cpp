// Both cores (PERFORMANCE.md, issue #10): a run on 4 threads assigns every customer exactly
// as a run on 1 thread does, on the demo shop's data with the shipped rule set. The data is
// large enough for both the feature columns and the rule blocks to be split 3 and 4 ways.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "demo_data.h"
#include "engine.h"
#include "parallel_rows.h"
#include "test_database.h"

using namespace custclass;
using Json = nlohmann::ordered_json;

namespace {

TEST(ParallelRows, SplitsIntoAlignedRangesCoveringEveryRowOnce) {
    for (const std::size_t rows : {0u, 1u, 1023u, 1024u, 1025u, 5000u, 70000u}) {
        for (const unsigned threads : {1u, 2u, 3u, 4u, 16u}) {
            std::vector<int> seen(rows, 0);
            std::vector<std::pair<std::size_t, std::size_t>> ranges(plugin::row_parts(rows, threads, 1024));
            plugin::parallel_rows(rows, threads, 1024, [&](std::size_t part, std::size_t first, std::size_t last) {
                ranges[part] = {first, last};
                for (std::size_t r = first; r < last; ++r) ++seen[r];
            });
            for (std::size_t r = 0; r < rows; ++r) ASSERT_EQ(seen[r], 1) << rows << " rows, " << threads << " threads";
            for (std::size_t p = 0; p < ranges.size(); ++p) {
                EXPECT_EQ(ranges[p].first % 1024, 0u);
                if (p + 1 < ranges.size()) {
                    EXPECT_EQ(ranges[p].second, ranges[p + 1].first);
                }
            }
            EXPECT_LE(ranges.size(), std::max(1u, threads));
        }
    }
}

TEST(ParallelRows, RethrowsTheFirstFailureAfterEveryPartEnded) {
    std::vector<int> done(4, 0);
    EXPECT_THROW(plugin::parallel_rows(4096, 4, 1024,
                                       [&](std::size_t part, std::size_t, std::size_t) {
                                           done[part] = 1;
                                           if (part >= 2) throw std::runtime_error("part " + std::to_string(part));
                                       }),
                 std::runtime_error);
    EXPECT_EQ(done, std::vector<int>(4, 1));
}

TEST(ParallelRun, FourThreadsAssignEveryCustomerAsOneThreadDoes) {
    const auto dir = test::fresh_directory("custclass-threads");
    datagen::DemoOptions demo;
    demo.customers = 40000;
    datagen::write_sqlite_demo((dir / "demo.sqlite").string(), demo);
    Json counts[2];
    for (const unsigned threads : {1u, 4u}) {
        const std::string name = "threads" + std::to_string(threads);
        test::write_file(dir / (name + ".yaml"), test::demo_engine_config("demo.sqlite", name + ".sqlite"));
        auto engine = plugin::Engine::open_file((dir / (name + ".yaml")).string(), "");
        plugin::RunRequest request;
        request.as_of = config::parse_day("2026-11-30");
        request.threads = threads;
        const Json summary = engine->run(request);
        counts[threads == 1 ? 0 : 1] = summary["classifications"];
        ASSERT_GT(summary["customers"].get<int>(), 30000);
    }
    EXPECT_EQ(counts[0], counts[1]);
    const auto one = test::stored_assignments((dir / "threads1.sqlite").string());
    const auto four = test::stored_assignments((dir / "threads4.sqlite").string());
    ASSERT_GT(one.size(), 60000u);
    ASSERT_EQ(one.size(), four.size());
    for (std::size_t i = 0; i < one.size(); ++i) ASSERT_EQ(one[i], four[i]) << "assignment " << i;
    std::filesystem::remove_all(dir);
}

}  // namespace
