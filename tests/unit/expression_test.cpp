#include "expression.h"

#include <gtest/gtest.h>

using namespace custclass::config;

namespace {

ExprScope test_scope() {
    ExprScope scope;
    scope.feature_type = [](std::string_view name) -> std::optional<ValueType> {
        if (const FeatureInfo* f = find_feature(name)) return f->type;
        if (name == "engagement") return ValueType::Number;
        if (name.starts_with("channel_share:")) return ValueType::Number;
        return std::nullopt;
    };
    scope.feature_names = [] { return feature_names(); };
    scope.is_score = [](std::string_view id) { return id == "engagement"; };
    return scope;
}

std::vector<ExprError> check(const std::string& text) {
    auto parsed = parse_expression(text);
    if (parsed.error) return {*parsed.error};
    return check_expression(*parsed.expr, test_scope(), ValueType::Boolean);
}

}  // namespace

TEST(ParseExpression, FollowsThePrecedenceOfTheGrammar) {
    auto p = parse_expression("a or b and not c");
    ASSERT_TRUE(p.expr);
    EXPECT_EQ(p.expr->kind, ExprKind::Or);
    EXPECT_EQ(p.expr->args[1]->kind, ExprKind::And);
    EXPECT_EQ(p.expr->args[1]->args[1]->kind, ExprKind::Not);
    auto q = parse_expression("1 + 2 * 3 >= 7");
    ASSERT_TRUE(q.expr);
    EXPECT_EQ(q.expr->kind, ExprKind::Compare);
    EXPECT_EQ(q.expr->args[0]->args[1]->arith, ArithOp::Mul);
}

TEST(ParseExpression, KeywordsAreCaseInsensitive) {
    EXPECT_TRUE(check("frequency >= 1 AND NOT (recency_days IS NULL) Or TRUE").empty());
}

TEST(ParseExpression, SyntaxErrorsPointAtTheToken) {
    auto p = parse_expression("frequency >= 3 and and");
    ASSERT_TRUE(p.error);
    EXPECT_EQ(p.error->offset, 19u);
    EXPECT_EQ(p.error->message, "expected a value, a name or `(`, found `and`");
    auto q = parse_expression("frequency = 3");
    ASSERT_TRUE(q.error);
    EXPECT_EQ(q.error->offset, 10u);
    EXPECT_EQ(q.error->hint, "write `==` to compare");
    auto r = parse_expression("district == 'Wan Chai");
    ASSERT_TRUE(r.error);
    EXPECT_EQ(r.error->message, "unterminated string");
    EXPECT_EQ(r.error->offset, 12u);
    auto s = parse_expression("1 < 2 < 3");
    ASSERT_TRUE(s.error);
    EXPECT_EQ(s.error->message, "comparisons cannot be chained");
}

TEST(ParseExpression, VeryLongExpressionsAreAnErrorNotACrash) {
    std::string chain = "frequency > 0";
    for (int i = 0; i < 1000; ++i) chain += " and frequency > 0";
    auto p = parse_expression(chain);
    ASSERT_TRUE(p.error);
    EXPECT_EQ(p.error->message, "the expression is too long (over 2000 tokens)");
}

TEST(ParseExpression, DeepNestingIsAnErrorNotACrash) {
    const std::string deep = std::string(150, '(') + "true" + std::string(150, ')');
    auto p = parse_expression(deep);
    ASSERT_TRUE(p.error);
    EXPECT_EQ(p.error->message, "the expression is nested too deeply");
}

TEST(CheckExpression, UnknownFeatureSuggestsTheNearestName) {
    const auto errors = check("frequncy >= 3");
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_EQ(errors[0].message, "unknown feature `frequncy`");
    EXPECT_EQ(errors[0].hint, "did you mean `frequency`?");
    EXPECT_EQ(errors[0].offset, 0u);
}

TEST(CheckExpression, TypesAreCheckedAtLoadTime) {
    auto errors = check("district >= 3");
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_EQ(errors[0].message, "cannot compare a text with a number");
    errors = check("frequency + district > 1");
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_EQ(errors[0].message, "arithmetic needs numbers, but this is a text");
    EXPECT_EQ(errors[0].offset, 12u);
    errors = check("frequency");
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_EQ(errors[0].message, "a rule must be a boolean, but this is a number");
    errors = check("frequency in ['a', 2]");
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_EQ(errors[0].message, "this list item is a text, but the value tested is a number");
}

TEST(CheckExpression, ReportsEveryErrorNotOnlyTheFirst) {
    const auto errors = check("frequncy > 1 and monetry > 2 and district > 3");
    ASSERT_EQ(errors.size(), 3u);
    EXPECT_EQ(errors[0].offset, 0u);
    EXPECT_EQ(errors[1].offset, 17u);
    EXPECT_EQ(errors[2].message, "cannot compare a text with a number");
}

TEST(CheckExpression, FunctionsCheckTheirArguments) {
    EXPECT_TRUE(check("coalesce(recency_days, 999) > 30").empty());
    EXPECT_TRUE(check("days_since(date('2026-01-01')) > 30").empty());
    EXPECT_TRUE(check("contains(lower(district), 'wan')").empty());
    EXPECT_TRUE(check("score('engagement') >= 10 and channel_share('online') > 0.5").empty());
    EXPECT_TRUE(check("'skincare' in interests").empty());
    auto errors = check("date('2026-02-30') < date('2026-03-01')");
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_EQ(errors[0].message, "`2026-02-30` is not a valid date");
    errors = check("abs(1, 2) > 0");
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_EQ(errors[0].message, "`abs` takes 1 argument, not 2");
    errors = check("lowr(district) == 'x'");
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_EQ(errors[0].hint, "did you mean `lower`?");
    errors = check("score('engagment') > 1");
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_EQ(errors[0].message, "unknown score `engagment`");
}

TEST(FeaturesRead, ListsEachFeatureOnce) {
    auto p = parse_expression("frequency > 1 and (frequency < 5 or monetary > 100)");
    ASSERT_TRUE(p.expr);
    ASSERT_TRUE(check_expression(*p.expr, test_scope(), ValueType::Boolean).empty());
    EXPECT_EQ(features_read(*p.expr), (std::vector<std::string>{"frequency", "monetary"}));
}
