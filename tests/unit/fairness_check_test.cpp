// The fairness check (PRIVACY.md check 14) on hand-made tables and results, every share worked out
// by hand: a disparity strictly over the threshold is a finding, groups under k take no part and
// their sizes never appear, null attributes form no group, the unclassified are a bin of their own.
#include "fairness_check.h"

#include <gtest/gtest.h>

#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

using namespace custclass;
using plugin::ClassificationResult;
using plugin::fairness_check;
using plugin::FeatureTable;
using json = nlohmann::ordered_json;

namespace {

using Values = std::vector<std::optional<std::string>>;

// Runs of one value: {{"F", 3}, {std::nullopt, 2}} is F, F, F, null, null.
Values runs(std::initializer_list<std::pair<std::optional<std::string>, int>> list) {
    Values v;
    for (const auto& [value, n] : list) v.insert(v.end(), static_cast<std::size_t>(n), value);
    return v;
}

std::vector<std::int32_t> segment_runs(std::initializer_list<std::pair<std::int32_t, int>> list) {
    std::vector<std::int32_t> v;
    for (const auto& [segment, n] : list) v.insert(v.end(), static_cast<std::size_t>(n), segment);
    return v;
}

FeatureTable table_of(std::size_t rows) {
    std::vector<std::string> ids;
    for (std::size_t i = 0; i < rows; ++i) ids.push_back("c" + std::to_string(i));
    return FeatureTable(std::move(ids));
}

void add_text(FeatureTable& table, const std::string& name, const Values& values) {
    ASSERT_EQ(values.size(), table.rows());
    plugin::Column& column = table.add(name, config::ValueType::Text);
    for (std::size_t r = 0; r < values.size(); ++r)
        if (values[r]) column.codes[r] = column.intern(*values[r]);
}

config::Classification classification(const std::string& id, config::ClassificationMode mode,
                                      const std::vector<std::string>& segments) {
    config::Classification c;
    c.id = id;
    c.mode = mode;
    for (const auto& s : segments) {
        config::Segment seg;
        seg.id = s;
        c.segments.push_back(std::move(seg));
    }
    return c;
}

config::RuleSet one_classification(config::Classification c) {
    config::RuleSet rules;
    rules.classifications.push_back(std::move(c));
    return rules;
}

ClassificationResult first_match(std::vector<std::int32_t> segment, std::size_t segments) {
    ClassificationResult r;
    r.counts.assign(segments, 0);
    for (const std::int32_t s : segment)
        if (s < 0)
            ++r.unclassified;
        else
            ++r.counts[static_cast<std::size_t>(s)];
    r.segment = std::move(segment);
    return r;
}

ClassificationResult all_matches(std::vector<std::vector<std::uint8_t>> matches) {
    ClassificationResult r;
    for (const auto& m : matches) {
        std::uint64_t n = 0;
        for (const auto x : m) n += x;
        r.counts.push_back(n);
    }
    r.matches = std::move(matches);
    return r;
}

// gender F: 10 customers, M: 10. Segment `a` (0) holds 9 F and 7 M, `b` (1) 1 F and 3 M: shares
// a 0.9 / 0.7, b 0.1 / 0.3, disparity 0.2 in both; nobody unclassified.
struct NinetySeventy {
    FeatureTable table = table_of(20);
    config::RuleSet rules = one_classification(
        classification("value", config::ClassificationMode::FirstMatch, {"a", "b"}));
    std::vector<ClassificationResult> results;
    NinetySeventy() {
        add_text(table, "gender", runs({{"F", 10}, {"M", 10}}));
        results.push_back(first_match(segment_runs({{0, 9}, {1, 1}, {0, 7}, {1, 3}}), 2));
    }
};

}  // namespace

TEST(FairnessCheck, ADisparityEqualToTheThresholdIsNotOverIt) {
    // 0.9 − 0.7 is exactly 0.2, though in doubles it is 0.20000000000000007.
    NinetySeventy f;
    const json doc = fairness_check(f.rules, f.table, f.results, 0.2, 5);
    EXPECT_EQ(doc["findings"], json::array());
    EXPECT_EQ(doc["max_disparity"], 0.2);
    EXPECT_EQ(doc["k"], 5);
    EXPECT_EQ(doc["checked"], json::parse(R"([{"classification": "value", "attribute": "gender",
                                               "groups": 2, "suppressed": []}])"));
    EXPECT_EQ(doc["not_checked"], json::parse(R"([{"attribute": "age_band",
                                                   "reason": "the run did not read age_band"}])"));
    EXPECT_EQ(fairness_check(f.rules, f.table, f.results, 0.2001, 5)["findings"], json::array());
}

TEST(FairnessCheck, ADisparityJustOverTheThresholdIsAFinding) {
    NinetySeventy f;
    const json doc = fairness_check(f.rules, f.table, f.results, 0.1999, 5);
    ASSERT_EQ(doc["findings"].size(), 2u);
    EXPECT_EQ(doc["findings"][0], json::parse(R"j({
        "classification": "value", "attribute": "gender", "segment": "a", "disparity": 0.2,
        "highest": {"group": "F", "share": 0.9}, "lowest": {"group": "M", "share": 0.7},
        "message": "segment `a` of `value` holds 90% of customers of gender F but 70% of M (disparity 0.2 > 0.1999)"})j"));
    EXPECT_EQ(doc["findings"][1]["segment"], "b");
    EXPECT_EQ(doc["findings"][1]["highest"], json::parse(R"({"group": "M", "share": 0.3})"));
    EXPECT_EQ(doc["findings"][1]["lowest"], json::parse(R"({"group": "F", "share": 0.1})"));
}

TEST(FairnessCheck, SharesAreComparedUnroundedAndShownRounded) {
    // F: 8 customers, 5 in `champions` (0.625); M: 12, 5 in it (0.41666…): disparity 0.208333….
    FeatureTable table = table_of(20);
    add_text(table, "gender", runs({{"F", 8}, {"M", 12}}));
    add_text(table, "age_band", Values(20, std::string("25-34")));
    const auto rules = one_classification(
        classification("value", config::ClassificationMode::FirstMatch, {"champions"}));
    const std::vector<ClassificationResult> results{
        first_match(segment_runs({{0, 5}, {-1, 3}, {0, 5}, {-1, 7}}), 1)};

    // The unclassified (F 3 of 8, 0.375; M 7 of 12, 0.58333…) differ by the same 0.208333….
    const json doc = fairness_check(rules, table, results, 0.2083, 5);
    ASSERT_EQ(doc["findings"].size(), 2u);
    const json& champions = doc["findings"][0];
    EXPECT_EQ(champions["segment"], "champions");
    EXPECT_EQ(champions["disparity"], 0.2083);  // rounded, yet over 0.2083 unrounded
    EXPECT_EQ(champions["highest"], json::parse(R"({"group": "F", "share": 0.625})"));
    EXPECT_EQ(champions["lowest"], json::parse(R"({"group": "M", "share": 0.4167})"));
    EXPECT_EQ(champions["message"],
              "segment `champions` of `value` holds 63% of customers of gender F but 42% of M "
              "(disparity 0.20833 > 0.2083)");
    EXPECT_EQ(fairness_check(rules, table, results, 0.2084, 5)["findings"], json::array());
    // One age band only: nothing to compare it with.
    EXPECT_EQ(doc["checked"][1], json::parse(R"({"classification": "value", "attribute": "age_band",
                                                 "groups": 1, "suppressed": []})"));
}

TEST(FairnessCheck, AGroupUnderKTakesNoPartAndItsSizeNeverAppears) {
    // F 10 (5 in `a`), M 10 (4 in `a`), X 3 (all in `a`). Without X the disparities are 0.1 (`a`:
    // 0.5 vs 0.4; unclassified: 0.5 vs 0.6); with it, 1.0 − 0.4 and 0.6 − 0.
    FeatureTable table = table_of(23);
    add_text(table, "gender", runs({{"F", 10}, {"M", 10}, {"X", 3}}));
    const auto rules =
        one_classification(classification("value", config::ClassificationMode::FirstMatch, {"a"}));
    const std::vector<ClassificationResult> results{
        first_match(segment_runs({{0, 5}, {-1, 5}, {0, 4}, {-1, 6}, {0, 3}}), 1)};

    const json doc = fairness_check(rules, table, results, 0.2, 5);
    EXPECT_EQ(doc["findings"], json::array());
    EXPECT_EQ(doc["checked"], json::parse(R"([{"classification": "value", "attribute": "gender",
                                               "groups": 2, "suppressed": ["X"]}])"));
    EXPECT_EQ(doc.dump().find('3'), std::string::npos) << doc.dump();
    // With k = 3 the same X is a group, and the one `a` favours most and leaves unclassified least.
    const json with_x = fairness_check(rules, table, results, 0.2, 3);
    EXPECT_EQ(with_x["checked"][0]["groups"], 3);
    ASSERT_EQ(with_x["findings"].size(), 2u);
    EXPECT_EQ(with_x["findings"][0]["highest"], json::parse(R"({"group": "X", "share": 1.0})"));
    EXPECT_EQ(with_x["findings"][0]["lowest"], json::parse(R"({"group": "M", "share": 0.4})"));
    EXPECT_EQ(with_x["findings"][1]["lowest"], json::parse(R"({"group": "X", "share": 0.0})"));
}

TEST(FairnessCheck, FewerThanTwoGroupsOfKAreNothingToCompare) {
    FeatureTable table = table_of(13);
    add_text(table, "gender", runs({{"F", 10}, {"M", 3}}));
    const auto rules =
        one_classification(classification("value", config::ClassificationMode::FirstMatch, {"a"}));
    const std::vector<ClassificationResult> results{
        first_match(segment_runs({{0, 10}, {-1, 3}}), 1)};
    const json doc = fairness_check(rules, table, results, 0.2, 5);
    EXPECT_EQ(doc["findings"], json::array());
    EXPECT_EQ(doc["checked"][0]["groups"], 1);
    EXPECT_EQ(doc["checked"][0]["suppressed"], json::parse(R"(["M"])"));
}

TEST(FairnessCheck, CustomersWithANullAttributeFormNoGroup) {
    // F 5 (3 in `a`), M 5 (1 in `a`), 6 with no gender, all in `a`. As a group of their own the
    // nulls would hold share 1.0.
    FeatureTable table = table_of(16);
    add_text(table, "gender", runs({{"F", 5}, {"M", 5}, {std::nullopt, 6}}));
    const auto rules =
        one_classification(classification("value", config::ClassificationMode::FirstMatch, {"a"}));
    const std::vector<ClassificationResult> results{
        first_match(segment_runs({{0, 3}, {-1, 2}, {0, 1}, {-1, 4}, {0, 6}}), 1)};
    const json doc = fairness_check(rules, table, results, 0.2, 5);
    EXPECT_EQ(doc["checked"][0]["groups"], 2);
    EXPECT_EQ(doc["checked"][0]["suppressed"], json::array());
    ASSERT_EQ(doc["findings"].size(), 2u);  // `a`: 0.6 vs 0.2; unclassified: 0.8 vs 0.4
    EXPECT_EQ(doc["findings"][0]["highest"], json::parse(R"({"group": "F", "share": 0.6})"));
    EXPECT_EQ(doc["findings"][0]["lowest"], json::parse(R"({"group": "M", "share": 0.2})"));
    EXPECT_EQ(doc["findings"][0]["disparity"], 0.4);
}

TEST(FairnessCheck, TheUnclassifiedOfAFirstMatchClassificationAreABin) {
    // age band 25-34: 10 customers, 8 in `a`, 2 unclassified; 65+: 10, 4 in `a`, 6 unclassified.
    FeatureTable table = table_of(20);
    add_text(table, "age_band", runs({{"25-34", 10}, {"65+", 10}}));
    const auto rules =
        one_classification(classification("value", config::ClassificationMode::FirstMatch, {"a"}));
    const std::vector<ClassificationResult> results{
        first_match(segment_runs({{0, 8}, {-1, 2}, {0, 4}, {-1, 6}}), 1)};
    const json doc = fairness_check(rules, table, results, 0.2, 5);
    ASSERT_EQ(doc["findings"].size(), 2u);
    EXPECT_EQ(doc["findings"][0]["segment"], "a");
    EXPECT_EQ(doc["findings"][0]["message"],
              "segment `a` of `value` holds 80% of customers of age band 25-34 but 40% of 65+ "
              "(disparity 0.4 > 0.2)");
    EXPECT_EQ(doc["findings"][1], json::parse(R"j({
        "classification": "value", "attribute": "age_band", "segment": null, "disparity": 0.4,
        "highest": {"group": "65+", "share": 0.6}, "lowest": {"group": "25-34", "share": 0.2},
        "message": "`value` leaves 60% of customers of age band 65+ unclassified but 20% of 25-34 (disparity 0.4 > 0.2)"})j"));
    EXPECT_EQ(doc["not_checked"], json::parse(R"([{"attribute": "gender",
                                                   "reason": "the run did not read gender"}])"));
}

TEST(FairnessCheck, AllMatchesCountsMembershipOfEverySegmentAndHasNoUnclassifiedBin) {
    // F rows 0-4, M rows 5-9. `vip`: F 0-3 (0.8), M 5 (0.2). `lapsed`: F 0 (0.2), M 5-6 (0.4).
    // No tag at all: F 4 (0.2), M 7-9 (0.6): a first-match bin would be a finding, this is none.
    FeatureTable table = table_of(10);
    add_text(table, "gender", runs({{"F", 5}, {"M", 5}}));
    const auto rules = one_classification(
        classification("tags", config::ClassificationMode::AllMatches, {"vip", "lapsed"}));
    const std::vector<ClassificationResult> results{all_matches({
        {1, 1, 1, 1, 0, 1, 0, 0, 0, 0},
        {1, 0, 0, 0, 0, 1, 1, 0, 0, 0},
    })};
    const json doc = fairness_check(rules, table, results, 0.2, 5);
    ASSERT_EQ(doc["findings"].size(), 1u);
    EXPECT_EQ(doc["findings"][0]["segment"], "vip");
    EXPECT_EQ(doc["findings"][0]["disparity"], 0.6);
    EXPECT_EQ(doc["findings"][0]["message"],
              "segment `vip` of `tags` holds 80% of customers of gender F but 20% of M "
              "(disparity 0.6 > 0.2)");
}

TEST(FairnessCheck, AnAttributeTheRunDidNotReadIsNotChecked) {
    FeatureTable table = table_of(10);
    table.add("age_band", config::ValueType::Number);  // not text: not a band
    const auto rules =
        one_classification(classification("value", config::ClassificationMode::FirstMatch, {"a"}));
    const std::vector<ClassificationResult> results{first_match(segment_runs({{0, 10}}), 1)};
    const json doc = fairness_check(rules, table, results, 0.2, 5);
    EXPECT_EQ(doc["checked"], json::array());
    EXPECT_EQ(doc["findings"], json::array());
    EXPECT_EQ(doc["not_checked"], json::parse(R"([
        {"attribute": "gender", "reason": "the run did not read gender"},
        {"attribute": "age_band", "reason": "age_band is not a text feature"}])"));
}

TEST(FairnessCheck, ChecksEveryClassificationForEveryAttribute) {
    FeatureTable table = table_of(10);
    add_text(table, "gender", runs({{"F", 5}, {"M", 5}}));
    add_text(table, "age_band", runs({{"<25", 5}, {std::nullopt, 5}}));
    config::RuleSet rules;
    rules.classifications.push_back(
        classification("value", config::ClassificationMode::FirstMatch, {"a"}));
    rules.classifications.push_back(
        classification("tags", config::ClassificationMode::AllMatches, {"t"}));
    const std::vector<ClassificationResult> results{
        first_match(segment_runs({{0, 10}}), 1), all_matches({std::vector<std::uint8_t>(10, 1)})};
    const json doc = fairness_check(rules, table, results, 0.2, 5);
    EXPECT_EQ(doc["checked"], json::parse(R"([
        {"classification": "value", "attribute": "gender", "groups": 2, "suppressed": []},
        {"classification": "value", "attribute": "age_band", "groups": 1, "suppressed": []},
        {"classification": "tags", "attribute": "gender", "groups": 2, "suppressed": []},
        {"classification": "tags", "attribute": "age_band", "groups": 1, "suppressed": []}])"));
    EXPECT_EQ(doc["findings"], json::array());
    EXPECT_EQ(doc["not_checked"], json::array());
}

TEST(FairnessCheck, ResultsThatDoNotFitTheRulesAreRefused) {
    FeatureTable table = table_of(4);
    add_text(table, "gender", runs({{"F", 2}, {"M", 2}}));
    const auto rules =
        one_classification(classification("value", config::ClassificationMode::FirstMatch, {"a"}));
    EXPECT_THROW(fairness_check(rules, table, {}, 0.2, 5), std::invalid_argument);
    EXPECT_THROW(fairness_check(rules, table, {first_match(segment_runs({{0, 3}}), 1)}, 0.2, 5),
                 std::invalid_argument);
    EXPECT_THROW(fairness_check(rules, table, {first_match(segment_runs({{1, 4}}), 1)}, 0.2, 5),
                 std::invalid_argument);
}
