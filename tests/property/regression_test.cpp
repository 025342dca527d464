// Regression tests for what the property test and the fuzz targets (tests/fuzz) found: each is a
// rule set the loader accepts, and what RULES.md or README.md says must then happen. A test here
// fails until the engine is fixed; its name says what is expected.
#include <gtest/gtest.h>

#include <string>

#include "civil_time.h"
#include "rule_program.h"
#include "rule_set.h"
#include "yaml_document.h"

using namespace custclass;

namespace {

const config::Day kAsOf = *config::parse_day("2026-11-30");

std::optional<config::RuleSet> load(const std::string& yaml, config::Diagnostics& d) {
    auto doc = config::YamlDocument::parse(yaml, "rules.yaml", d);
    if (!doc) return std::nullopt;
    return config::load_rule_set(*doc, d);
}

std::string one_rule(const std::string& when, const std::string& label = "A") {
    return "custclass: 1\nname: t\nversion: \"1\"\nclassifications:\n  - id: v\n"
           "    mode: all_matches\n    segments:\n      - id: a\n        label: " + label +
           "\n        when: \"" + when + "\"\n";
}

// A table of three customers: recency_days null, 0 and 5; district null, 'Sha Tin', ''.
plugin::FeatureTable three_customers() {
    plugin::FeatureTable table({"c0", "c1", "c2"});
    auto& recency = table.add("recency_days", config::ValueType::Number);
    recency.numbers = {plugin::kNullNumber, 0, 5};
    auto& district = table.add("district", config::ValueType::Text);
    district.codes = {plugin::kNullCode, district.intern("Sha Tin"), district.intern("")};
    return table;
}

// The rule either fails validation, or evaluates to "no match" for every customer: a value
// that is always null is never true, and comparing with null is false (RULES.md section 3).
void expect_rejected_or_never_true(const std::string& when) {
    config::Diagnostics d;
    const auto rules = load(one_rule(when), d);
    if (!rules) {
        SUCCEED() << "rejected: " << d.to_string();
        return;
    }
    plugin::FeatureTable table = three_customers();
    plugin::RuleProgram program(*rules, kAsOf);
    try {
        const auto results = program.run(table);
        EXPECT_EQ(results.at(0).counts.at(0), 0u) << when;
    } catch (const std::exception& e) {
        ADD_FAILURE() << "`" << when << "` passes validation, but RuleProgram::run throws: "
                      << e.what();
    }
}

}  // namespace

// min/max of nulls only are typed null by the checker, which then accepts them where text or a
// truth value is expected; the compiled node only evaluates as a number or a date.
TEST(RuleRegression, MinOfNullsComparedWithTextIsRejectedOrFalse) {
    expect_rejected_or_never_true("min(null, null) == 'Sha Tin'");
}

TEST(RuleRegression, MaxOfNullsAsAWholeRuleIsRejectedOrFalse) {
    expect_rejected_or_never_true("max(null, null)");
}

TEST(RuleRegression, MinOfNullsAsATruthValueIsRejectedOrFalse) {
    expect_rejected_or_never_true("not min(null, null) and false");
}

TEST(RuleRegression, MaxOfNullsAsTextArgumentIsRejectedOrFalse) {
    expect_rejected_or_never_true("contains(max(null, null), 'a')");
}

TEST(RuleRegression, MinOfNullsAsAListIsRejectedOrFalse) {
    expect_rejected_or_never_true("'a' in min(null, null)");
}

// The same shapes with a value of the right type work: the control for the tests above.
TEST(RuleRegression, CoalesceOfNullsComparedWithTextIsFalse) {
    expect_rejected_or_never_true("coalesce(null, null) == 'Sha Tin'");
    expect_rejected_or_never_true("min(null, null) == 3");
}

// A rule set that is not UTF-8 (here Latin-1: `Café`, `\xff`) passes validation, and then every
// explanation of it fails: explanations are JSON, and JSON text must be UTF-8. A YAML stream is
// Unicode text, so strict validation should reject the file.
TEST(RuleRegression, RuleSetThatIsNotUtf8IsRejectedOrExplainable) {
    config::Diagnostics d;
    const auto rules = load(one_rule("district != 'Sha Tin \xff'", "Caf\xe9"), d);
    if (!rules) {
        EXPECT_TRUE(d.has_errors());
        return;
    }
    plugin::FeatureTable table = three_customers();
    plugin::RuleProgram program(*rules, kAsOf);
    (void)program.run(table);
    try {
        (void)program.explain(table, 1).dump();
    } catch (const std::exception& e) {
        ADD_FAILURE() << "a rule set with invalid UTF-8 loads without a diagnostic, and its "
                         "explanation cannot be serialised: "
                      << e.what();
    }
}
