// Customer files, comparisons and the rule review on a fixture small enough to work out by hand
// (the figures in the comments), through the engine with its SQLite store.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <cmath>
#include <fstream>
#include <sstream>

#include "engine.h"
#include "errors.h"
#include "run_comparison.h"
#include "segment_profiles.h"
#include "test_database.h"

using namespace custclass;
using custclass::test::TestDatabase;
using custclass::test::write_file;
using Json = nlohmann::ordered_json;

namespace {

const std::string kRules =
    "custclass: 1\nname: t\nversion: \"1\"\nclassifications:\n"
    "  - id: v\n    label: Value\n    segments:\n"
    "      - id: big\n        when: monetary >= 100\n"
    "      - id: small\n        when: frequency >= 1\n";

plugin::RunRequest as_of(const std::string& day) {
    plugin::RunRequest r;
    r.as_of = config::parse_day(day);
    return r;
}

std::string read_file(const std::string& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

// a: 100 and 50 (big); b: 40; c: 30 and a return of 10 (small); d: no order (unclassified).
// Lines: a skincare 60 + 50, tea 40; b tea 40; c skincare 10, tea 20 (the return has none).
class Fixture {
public:
    explicit Fixture(int k) {
        db.add({{"a", "2026-01-01", "", "", "Kowloon"},
                {"b", "2026-01-01", "", "", "Kowloon"},
                {"c", "2026-01-01", "", "", "Sha Tin"},
                {"d", "2026-01-01", "", "", "Sha Tin"}},
               {{"o1", "a", "2026-11-02 10:00:00", "100", "store"},
                {"o2", "a", "2026-11-03 15:30:00", "50", "online"},
                {"o3", "b", "2026-11-04 10:00:00", "40", "store"},
                {"o4", "c", "2026-11-05 20:00:00", "30", "store"},
                {"o5", "c", "2026-11-06 20:00:00", "-10", "store"}});
        sqlite3* handle = nullptr;
        sqlite3_open(db.db_path().c_str(), &handle);
        sqlite3_exec(handle,
                     "CREATE TABLE line (sale TEXT, product TEXT, category TEXT, amount NUMERIC);"
                     "INSERT INTO line VALUES ('o1','P1','Skincare',60),('o1','P2','tea',40),"
                     "('o2','P1','skincare',50),('o3','P3','tea',40),('o4','P1','skincare',10),"
                     "('o4','P3','tea',20);",
                     nullptr, nullptr, nullptr);
        sqlite3_close(handle);
        db.write_config(kRules);
        std::string policy = read_file(std::string(CUSTCLASS_SOURCE_DIR) + "/config/privacy/pdpo.yaml");
        const auto at = policy.find("small_cell_k: 5");
        policy.replace(at, 15, "small_cell_k: " + std::to_string(k));
        // The rule set's version approved for production runs (PRIVACY.md check 13).
        policy.replace(policy.find("approvals: []"), 13,
                       "approvals:\n  - {scope: rule_set, subject: \"t 1\", who: dpo, when: \"2026-11-01\", "
                       "why: tests}");
        write_file(db.dir() / "policy.yaml", policy);
        std::string config = read_file((db.dir() / "custclass.yaml").string());
        config.replace(config.find("rules: rules.yaml"), 17,
                       "rules: rules.yaml\nprivacy: policy.yaml");
        config.replace(config.find("    orders:"), 11,
                       "    order_lines: >-\n"
                       "      SELECT sale AS order_id, product AS product_id, category, amount FROM line\n"
                       "    orders:");
        write_file(db.dir() / "custclass.yaml", config);
        engine = plugin::Engine::open_file((db.dir() / "custclass.yaml").string(), "");
    }
    TestDatabase db;
    std::unique_ptr<plugin::Engine> engine;
};

const Json& segment(const Json& doc, const std::string& id) {
    for (const auto& s : doc["classifications"][0]["segments"])
        if (s["id"] == id) return s;
    throw std::runtime_error("no segment " + id);
}

}  // namespace

TEST(Percentile, InterpolatesLinearlyBetweenTheClosestRanks) {
    EXPECT_DOUBLE_EQ(plugin::percentile({20, 40}, 0.1), 22);
    EXPECT_DOUBLE_EQ(plugin::percentile({20, 40}, 0.5), 30);
    EXPECT_DOUBLE_EQ(plugin::percentile({1, 2, 3, 4, 5}, 0.9), 4.6);
    EXPECT_DOUBLE_EQ(plugin::percentile({7}, 0.9), 7);
}

TEST(PopulationStabilityIndex, FloorsEmptyBinsAndGivesTheVerdict) {
    // shares (0.25, 0, 0.75) -> (0.25, 0.5, 0.25): 0.4999 ln(5000) + (-0.5) ln(1/3).
    const double expected = 0.4999 * std::log(0.5 / 0.0001) - 0.5 * std::log(0.25 / 0.75);
    EXPECT_NEAR(plugin::population_stability_index({1, 0, 3}, {1, 2, 1}), expected, 1e-12);
    EXPECT_DOUBLE_EQ(plugin::population_stability_index({5, 5}, {5, 5}), 0);
    EXPECT_STREQ(plugin::drift_verdict(0.099), "stable");
    EXPECT_STREQ(plugin::drift_verdict(0.25), "moderate");
    EXPECT_STREQ(plugin::drift_verdict(0.26), "major");
}

TEST(CustomerFiles, SizesSharesStatisticsAndLiftAsWorkedOutByHand) {
    Fixture f(1);
    f.engine->run(as_of("2026-11-30"));
    const Json doc = f.engine->profiles("");
    EXPECT_EQ(doc["population"]["customers"], 4);
    EXPECT_DOUBLE_EQ(doc["population"]["revenue"].get<double>(), 210);  // 150 + 40 + 20
    EXPECT_EQ(doc["classifications"][0]["unclassified"]["customers"], 1);

    const Json& big = segment(doc, "big");
    EXPECT_EQ(big["customers"], 1);
    EXPECT_DOUBLE_EQ(big["share_of_customers"].get<double>(), 0.25);
    EXPECT_DOUBLE_EQ(big["share_of_revenue"].get<double>(), 0.714286);  // 150 / 210
    // a's lines: skincare 110 of 150 (population 120 of 220), tea 40 of 150 (population 100).
    ASSERT_EQ(big["top_categories"].size(), 2u);
    EXPECT_EQ(big["top_categories"][0]["category"], "skincare");
    EXPECT_DOUBLE_EQ(big["top_categories"][0]["share"].get<double>(), 0.733333);
    EXPECT_DOUBLE_EQ(big["top_categories"][0]["population_share"].get<double>(), 0.545455);
    EXPECT_DOUBLE_EQ(big["top_categories"][0]["lift"].get<double>(), 1.344444);
    EXPECT_DOUBLE_EQ(big["top_categories"][1]["lift"].get<double>(), 0.586667);
    EXPECT_EQ(big["top_products"][0]["product_id"], "P1");
    EXPECT_DOUBLE_EQ(big["top_products"][0]["amount"].get<double>(), 110);
    EXPECT_EQ(big["top_products"][0]["lines"], 2);
    // One purchase in store, one online: the tie goes to the first name.
    EXPECT_EQ(big["preferred_channel"], "online");
    EXPECT_EQ(big["purchases_by_weekday"][0]["day"], "Mon");
    EXPECT_EQ(big["purchases_by_weekday"][0]["purchases"], 1);  // 2026-11-02
    EXPECT_EQ(big["purchases_by_weekday"][1]["purchases"], 1);  // 2026-11-03
    EXPECT_EQ(big["purchases_by_weekday"][2]["purchases"], 0);
    EXPECT_EQ(big["purchases_by_hour"][10]["purchases"], 1);
    EXPECT_EQ(big["purchases_by_hour"][15]["purchases"], 1);

    const Json& small = segment(doc, "small");
    EXPECT_EQ(small["customers"], 2);
    // monetary of b and c: 40 and 20 (30 less a return of 10).
    const Json& monetary = small["numeric"]["monetary"];
    EXPECT_DOUBLE_EQ(monetary["mean"].get<double>(), 30);
    EXPECT_DOUBLE_EQ(monetary["median"].get<double>(), 30);
    EXPECT_DOUBLE_EQ(monetary["p10"].get<double>(), 22);
    EXPECT_DOUBLE_EQ(monetary["p90"].get<double>(), 38);
    EXPECT_DOUBLE_EQ(small["numeric"]["frequency"]["mean"].get<double>(), 1);  // a return is no purchase
    // Lines of b and c: skincare 10, tea 60 of 70.
    EXPECT_EQ(small["top_categories"][0]["category"], "tea");
    EXPECT_DOUBLE_EQ(small["top_categories"][0]["lift"].get<double>(), 1.885714);
    EXPECT_DOUBLE_EQ(small["top_categories"][1]["lift"].get<double>(), 0.261905);
    const Json& district = small["text"]["district"]["values"];
    ASSERT_EQ(district.size(), 2u);
    EXPECT_EQ(district[0]["value"], "Kowloon");
    EXPECT_DOUBLE_EQ(district[0]["share"].get<double>(), 0.5);

    // The concentration curve: 150, 40, 20 of 210; the top third brings 71%, so 80% needs two.
    const Json& curve = doc["population"]["revenue_concentration"];
    EXPECT_EQ(curve["customers"], 3);
    EXPECT_DOUBLE_EQ(curve["share_of_customers_for_80_percent"].get<double>(), 0.666667);
}

TEST(CustomerFiles, GroupsUnderKAreSuppressed) {
    Fixture f(2);
    f.engine->run(as_of("2026-11-30"));
    const Json doc = f.engine->profiles("");
    const Json& big = segment(doc, "big");  // one customer, under k = 2
    EXPECT_TRUE(big["suppressed"].get<bool>());
    EXPECT_TRUE(big["customers"].is_null());
    EXPECT_FALSE(big.contains("numeric"));
    const Json& small = segment(doc, "small");  // two customers: shown, but each district has one
    EXPECT_FALSE(small["suppressed"].get<bool>());
    // Kowloon and Sha Tin have one customer each: neither is listed; together they make `other`.
    EXPECT_TRUE(small["text"]["district"]["values"].empty());
    EXPECT_EQ(small["text"]["district"]["other"], 2);
    EXPECT_TRUE(small["top_products"].empty() || small["top_products"][0]["buyers"].get<int>() >= 2);
    EXPECT_TRUE(doc["classifications"][0]["unclassified"]["customers"].is_null());
}

TEST(CustomerFiles, NeedAStoredRun) {
    Fixture f(1);
    EXPECT_THROW(f.engine->profiles(""), plugin::NotFound);
    EXPECT_THROW(f.engine->profiles("no-such-run"), plugin::NotFound);
}

TEST(RunComparison, MigrationMatrixAndPsiBetweenTwoDates) {
    Fixture f(1);
    // As of 2026-11-03: a has bought 100 + 50 (big); b, c and d nothing yet (unclassified).
    const Json first = f.engine->run(as_of("2026-11-03"));
    const Json second = f.engine->run(as_of("2026-11-30"));
    const Json doc = f.engine->compare("", "");
    EXPECT_EQ(doc["from"]["run_id"], first["run_id"]);
    EXPECT_EQ(doc["to"]["run_id"], second["run_id"]);
    const Json& v = doc["classifications"][0];
    // sizes: big 1 -> 1, small 0 -> 2, unclassified 3 -> 1
    EXPECT_EQ(v["sizes"][0]["before"], 1);
    EXPECT_EQ(v["sizes"][1]["before"], 0);
    EXPECT_EQ(v["sizes"][1]["after"], 2);
    EXPECT_EQ(v["sizes"][2]["before"], 3);
    EXPECT_EQ(v["sizes"][2]["after"], 1);
    const Json expected_matrix = Json::parse("[[1,0,0,0],[0,0,0,0],[0,2,1,0],[0,0,0,0]]");
    EXPECT_EQ(v["migration"]["counts"], expected_matrix);
    EXPECT_EQ(v["migration"]["rows"], Json::parse(R"j(["big","small","(unclassified)","(new)"])j"));
    EXPECT_EQ(v["migration"]["columns"], Json::parse(R"j(["big","small","(unclassified)","(gone)"])j"));
    const double psi = 0.4999 * std::log(0.5 / 0.0001) - 0.5 * std::log(0.25 / 0.75);
    EXPECT_NEAR(v["psi"].get<double>(), psi, 1e-6);
    EXPECT_EQ(v["drift"], "major");
    // Feature shifts: big's frequency 2 -> 2, monetary 150 -> 150; small has no earlier member.
    EXPECT_DOUBLE_EQ(v["feature_shifts"][0]["means"]["monetary"]["before"].get<double>(), 150);
    EXPECT_TRUE(v["feature_shifts"][1]["means"]["monetary"].is_null());
    // Only one run before the first: nothing to compare it with.
    EXPECT_THROW(f.engine->compare("", first["run_id"].get<std::string>()), plugin::NotFound);
}

TEST(RuleReview, MatchedFirstMatchedShadowedAndFindings) {
    Fixture f(1);
    f.engine->run(as_of("2026-11-03"));
    f.engine->run(as_of("2026-11-30"));
    const Json doc = f.engine->review("");
    const Json& v = doc["classifications"][0];
    // frequency >= 1 holds for a, b and c; a is taken by big first.
    EXPECT_EQ(v["segments"][1]["matched"], 3);
    EXPECT_EQ(v["segments"][1]["first_matched"], 2);
    EXPECT_EQ(v["segments"][1]["shadowed"], 1);
    EXPECT_EQ(v["unclassified"], 1);
    EXPECT_EQ(v["stability"]["drift"], "major");
    bool unclassified = false, drift = false;
    for (const auto& finding : doc["findings"]) {
        unclassified = unclassified || finding["kind"] == "unclassified";
        drift = drift || finding["kind"] == "drift";
    }
    EXPECT_TRUE(unclassified);
    EXPECT_TRUE(drift);
}

TEST(WhatIf, ComparesTheCandidateOnTheSameDataAndWritesNothing) {
    Fixture f(1);
    write_file(f.db.dir() / "candidate.yaml",
               "custclass: 1\nname: t\nversion: \"2\"\nclassifications:\n"
               "  - id: v\n    segments:\n"
               "      - id: big\n        when: monetary >= 30\n"
               "      - id: small\n        when: frequency >= 1\n");
    const Json doc = f.engine->whatif((f.db.dir() / "candidate.yaml").string(), as_of("2026-11-30"));
    const Json& v = doc["classifications"][0];
    EXPECT_EQ(v["sizes"][0]["before"], 1);  // big: a
    EXPECT_EQ(v["sizes"][0]["after"], 2);   // big: a and b (c has 20)
    EXPECT_EQ(v["migration"]["counts"][1][0], 1);  // b: small -> big
    EXPECT_EQ(doc["rule_counts"]["candidate"][0]["segments"][0]["matched"], 2);
    EXPECT_THROW(f.engine->profiles(""), plugin::NotFound);  // no run was written
}
