#include "engine.h"

#include <gtest/gtest.h>

#include "errors.h"
#include "test_database.h"

using namespace custclass;
using custclass::test::TestDatabase;

namespace {

std::unique_ptr<plugin::Engine> engine_for(const TestDatabase& db, const std::string& rules) {
    return plugin::Engine::open_file(db.write_config(rules), "");
}

plugin::RunRequest as_of(const std::string& day) {
    plugin::RunRequest r;
    r.as_of = config::parse_day(day);
    return r;
}

const std::string kHeader = "custclass: 1\nname: t\nversion: \"1\"\n";

void add_three_customers(TestDatabase& db) {
    // heavy: 3 purchases; once: 1 purchase; never: none.
    db.add({{"heavy", "2026-01-01", "", "F"}, {"once", "2026-01-01"}, {"never", "2026-01-01"}},
           {{"1", "heavy", "2026-11-01", "10"},
            {"2", "heavy", "2026-11-02", "10"},
            {"3", "heavy", "2026-11-03", "10"},
            {"4", "once", "2026-11-04", "10"}});
}

}  // namespace

TEST(RuleProgram, FirstMatchCountsSegmentsAndUnclassified) {
    TestDatabase db;
    add_three_customers(db);
    auto e = engine_for(db, kHeader +
                                "classifications:\n  - id: v\n    segments:\n"
                                "      - id: many\n        when: frequency >= 2\n"
                                "      - id: some\n        when: frequency >= 1\n");
    const auto summary = e->run(as_of("2026-11-30"));
    EXPECT_EQ(summary["customers"], 3);
    EXPECT_EQ(summary["classifications"]["v"]["segments"]["many"], 1);
    EXPECT_EQ(summary["classifications"]["v"]["segments"]["some"], 1);
    EXPECT_EQ(summary["classifications"]["v"]["unclassified"], 1);
    EXPECT_EQ(summary["as_of"], "2026-11-30");
    EXPECT_EQ(summary["status"], "succeeded");
    EXPECT_TRUE(summary["ruleset"]["hash"].get<std::string>().starts_with("sha256:"));
}

TEST(RuleProgram, NullSemantics) {
    TestDatabase db;
    add_three_customers(db);
    // For `never`, recency_days is null: comparisons are false, `not` of them true.
    auto e = engine_for(db, kHeader +
                                "classifications:\n  - id: v\n    mode: all_matches\n    segments:\n"
                                "      - id: cmp\n        when: recency_days > 5 or recency_days <= 5\n"
                                "      - id: ne\n        when: recency_days != 1000\n"
                                "      - id: negated\n        when: not (recency_days > 5)\n"
                                "      - id: isnull\n        when: recency_days is null\n"
                                "      - id: arith\n        when: (recency_days + 1) is null\n"
                                "      - id: divzero\n        when: (frequency / 0) is null\n"
                                "      - id: notin\n        when: gender not in ['F']\n"
                                "      - id: between\n        when: recency_days between 0 and 1000\n"
                                "      - id: coalesced\n        when: coalesce(recency_days, -1) == -1\n");
    const auto r = e->classify("never", as_of("2026-11-30"));
    std::vector<std::string> matched;
    for (const auto& m : r["classifications"]["v"]["matched"]) matched.push_back(m["segment"]);
    EXPECT_EQ(matched, (std::vector<std::string>{"negated", "isnull", "arith", "divzero", "coalesced"}));
    const auto heavy = e->classify("heavy", as_of("2026-11-30"));
    std::vector<std::string> heavy_matched;
    for (const auto& m : heavy["classifications"]["v"]["matched"]) heavy_matched.push_back(m["segment"]);
    EXPECT_EQ(heavy_matched, (std::vector<std::string>{"cmp", "ne", "divzero", "between"}));
}

TEST(RuleProgram, ScoresAddPointsAndTiersAreFeatures) {
    TestDatabase db;
    add_three_customers(db);
    auto e = engine_for(db, kHeader +
                                "scores:\n  - id: eng\n    points:\n"
                                "      - when: frequency >= 1\n        add: 10\n"
                                "      - when: frequency >= 3\n        add: 15\n"
                                "    tiers: {hot: 25, warm: 10}\n"
                                "classifications:\n  - id: v\n    segments:\n"
                                "      - id: hot\n        when: eng_tier == 'hot'\n"
                                "      - id: warm\n        when: score('eng') >= 10\n"
                                "      - id: cold\n        when: eng_tier == 'cold'\n");
    const auto summary = e->run(as_of("2026-11-30"));
    EXPECT_EQ(summary["classifications"]["v"]["segments"],
              nlohmann::ordered_json({{"hot", 1}, {"warm", 1}, {"cold", 1}}));
    EXPECT_EQ(summary["scores"]["eng"]["tiers"], nlohmann::ordered_json({{"hot", 1}, {"warm", 1}, {"cold", 1}}));
    const auto r = e->classify("heavy", as_of("2026-11-30"));
    EXPECT_EQ(r["scores"]["eng"]["value"], 25);
    EXPECT_EQ(r["scores"]["eng"]["tier"], "hot");
}

TEST(RuleProgram, ExplanationNamesTheRuleThatHeldAndTheConditionThatFailed) {
    TestDatabase db;
    add_three_customers(db);
    auto e = engine_for(db, kHeader +
                                "classifications:\n  - id: v\n    segments:\n"
                                "      - id: big\n        when: frequency >= 1 and monetary >= 20 and recency_days < 100\n"
                                "      - id: small\n        when: frequency >= 1\n");
    e->run(as_of("2026-11-30"));
    const auto r = e->classify("once", as_of("2026-11-30"));
    const auto& v = r["classifications"]["v"];
    EXPECT_EQ(v["segment"], "small");
    ASSERT_EQ(v["matched"].size(), 1u);
    EXPECT_EQ(v["matched"][0]["rule"], "frequency >= 1");
    EXPECT_EQ(v["matched"][0]["features"], nlohmann::ordered_json({{"frequency", 1}}));
    ASSERT_EQ(v["not_matched"].size(), 1u);
    EXPECT_EQ(v["not_matched"][0]["segment"], "big");
    EXPECT_EQ(v["not_matched"][0]["failed_condition"], "monetary >= 20");
    EXPECT_EQ(v["not_matched"][0]["features"],
              nlohmann::ordered_json({{"frequency", 1}, {"monetary", 10}, {"recency_days", 26}}));
}

TEST(RuleProgram, UnknownCustomerIsNotFound) {
    TestDatabase db;
    add_three_customers(db);
    auto e = engine_for(db, kHeader + "classifications:\n  - id: v\n    segments:\n      - id: a\n        when: true\n");
    EXPECT_THROW(e->classify("nobody", as_of("2026-11-30")), plugin::NotFound);
}

TEST(RuleProgram, CancelledRunKeepsThePreviousResults) {
    TestDatabase db;
    add_three_customers(db);
    auto e = engine_for(db, kHeader + "classifications:\n  - id: v\n    segments:\n      - id: a\n        when: frequency >= 1\n");
    e->run(as_of("2026-11-30"));
    auto cancel = as_of("2026-11-30");
    cancel.progress = [](const char*, std::uint64_t, std::uint64_t) { return false; };
    EXPECT_THROW(e->run(cancel), plugin::Cancelled);
    EXPECT_EQ(e->classify("once", as_of("2026-11-30"))["classifications"]["v"]["segment"], "a");
}
