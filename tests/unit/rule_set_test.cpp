#include "rule_set.h"

#include <gtest/gtest.h>

#include "validation.h"
#include "yaml_document.h"

using namespace custclass::config;

namespace {

Diagnostics load(const std::string& yaml) {
    Diagnostics d;
    auto doc = YamlDocument::parse(yaml, "rules.yaml", d);
    if (doc) load_rule_set(*doc, d);
    return d;
}

const std::string kHeader = "custclass: 1\nname: test\nversion: \"1\"\n";

}  // namespace

TEST(RuleSet, LoadsTheShippedDefaultRuleSet) {
    const RuleSet rs = load_rule_set_file(CUSTCLASS_SOURCE_DIR "/config/rulesets/hk-retail.yaml");
    EXPECT_EQ(rs.name, "hk-retail");
    ASSERT_EQ(rs.classifications.size(), 3u);
    EXPECT_EQ(rs.classifications[0].segments.size(), 11u);
    EXPECT_EQ(rs.scores.size(), 1u);
}

TEST(RuleSet, UnknownKeyIsAnErrorAtItsPositionWithASuggestion) {
    const Diagnostics d = load(kHeader + "windw_days: 30\nclassifications:\n  - id: v\n    segments:\n      - id: a\n        when: true\n");
    ASSERT_EQ(d.error_count(), 1u);
    EXPECT_EQ(d.items()[0].to_string(),
              "rules.yaml:4:1: error: unknown key `windw_days` in the rule set (did you mean `window_days`?)");
}

TEST(RuleSet, DuplicateKeyIsAnError) {
    const Diagnostics d = load(kHeader + "classifications:\n  - id: v\n    segments:\n      - id: a\n        when: true\n        when: false\n");
    ASSERT_EQ(d.error_count(), 1u);
    EXPECT_EQ(d.items()[0].line, 9);
    EXPECT_EQ(d.items()[0].column, 9);
    EXPECT_EQ(d.items()[0].message, "duplicate key `when` in a segment");
}

TEST(RuleSet, ExpressionErrorPointsInsideThePlainScalar) {
    const Diagnostics d = load(kHeader + "classifications:\n  - id: v\n    segments:\n      - id: a\n        when: frequency >= 3 and frequncy < 9\n");
    ASSERT_EQ(d.error_count(), 1u);
    EXPECT_EQ(d.items()[0].to_string(),
              "rules.yaml:8:34: error: unknown feature `frequncy` (did you mean `frequency`?)");
}

TEST(RuleSet, ExpressionErrorPointsInsideAQuotedScalar) {
    const Diagnostics d = load(kHeader + "classifications:\n  - id: v\n    segments:\n      - id: a\n        when: \"monetary > 'x'\"\n");
    ASSERT_EQ(d.error_count(), 1u);
    EXPECT_EQ(d.items()[0].line, 8);
    EXPECT_EQ(d.items()[0].column, 16);
    EXPECT_EQ(d.items()[0].message, "cannot compare a number with a text");
}

TEST(RuleSet, ExpressionErrorPointsInsideABlockScalar) {
    const Diagnostics d = load(kHeader + "classifications:\n  - id: v\n    segments:\n      - id: a\n        when: |\n          frequency >= 3\n            and monetry > 100\n");
    ASSERT_EQ(d.error_count(), 1u);
    EXPECT_EQ(d.items()[0].line, 10);
    EXPECT_EQ(d.items()[0].column, 17);
}

TEST(RuleSet, ReportsEveryProblemInOnePass) {
    const Diagnostics d = load("custclass: 2\nname: Bad Name\nversion: \"1\"\nwindow_days: abc\ntime_zone: Asia/Hongkong_\nclassifications:\n  - id: v\n    mode: any\n    segments:\n      - id: a\n        when: 1\n      - id: a\n        when: true\n");
    EXPECT_EQ(d.error_count(), 7u) << d.to_string();
}

TEST(RuleSet, ScoreCycleIsAnErrorThatNamesIt) {
    const Diagnostics d = load(kHeader +
                               "scores:\n  - id: a\n    points:\n      - when: score('b') > 1\n        add: 1\n"
                               "  - id: b\n    points:\n      - when: a > 1\n        add: 1\n"
                               "classifications:\n  - id: v\n    segments:\n      - id: x\n        when: a_tier == 'hot'\n");
    ASSERT_EQ(d.error_count(), 1u) << d.to_string();
    EXPECT_EQ(d.items()[0].message, "the scores read each other in a cycle: a → b → a");
}

TEST(RuleSet, ScoresAreOrderedSoThatAScoreFollowsThoseItReads) {
    Diagnostics d;
    auto doc = YamlDocument::parse(kHeader +
                                       "scores:\n  - id: total\n    points:\n      - when: base >= 10\n        add: 5\n"
                                       "  - id: base\n    points:\n      - when: frequency >= 1\n        add: 10\n"
                                       "classifications:\n  - id: v\n    segments:\n      - id: x\n        when: total >= 5\n",
                                   "rules.yaml", d);
    ASSERT_TRUE(doc);
    auto rs = load_rule_set(*doc, d);
    ASSERT_TRUE(rs) << d.to_string();
    ASSERT_EQ(rs->scores.size(), 2u);
    EXPECT_EQ(rs->scores[0].id, "base");
    EXPECT_EQ(rs->scores[1].id, "total");
}

TEST(RuleSet, InvalidYamlIsReportedWithItsPosition) {
    const Diagnostics d = load("custclass: 1\nclassifications: [\n");
    ASSERT_EQ(d.error_count(), 1u);
    EXPECT_EQ(d.items()[0].file, "rules.yaml");
    EXPECT_GT(d.items()[0].line, 0);
    EXPECT_TRUE(d.items()[0].message.starts_with("invalid YAML: ")) << d.items()[0].message;
}
