// The rule expression language of RULES.md section 3: parsing into a typed syntax tree, and
// type checking against the features a rule set can read. The tree keeps each node's place in
// the source text, so errors point at the bad token and explanations quote the sub-condition.
// Evaluation lives in plugin/rule_program (compiled, column-at-a-time).
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "feature_catalog.h"

namespace custclass::config {

enum class ExprKind {
    Number,   // literal: number
    Text,     // literal: text
    Boolean,  // literal: boolean
    Null,     // literal: null
    DateLit,  // date("YYYY-MM-DD"), folded at load time into a day number
    Feature,  // a feature read (name resolved: `frequency`, `channel_share:online`, a score id)
    Call,     // a row function: coalesce, min, max, abs, lower, contains, days_since
    List,     // [a, b, ...]
    Negate,   // -x
    Not,
    And,
    Or,
    Compare,  // a <op> b
    In,       // a [not] in list-or-sum
    Between,  // a between b and c
    IsNull,   // a is [not] null
    Arith,    // a (+ - * /) b
};

enum class CompareOp { Eq, Ne, Lt, Le, Gt, Ge };
enum class ArithOp { Add, Sub, Mul, Div };

struct Expr {
    ExprKind kind = ExprKind::Null;
    ValueType type = ValueType::Null;
    std::size_t offset = 0;  // where the node starts in the expression text
    std::size_t length = 0;  // how many characters it spans
    double number = 0;       // Number, DateLit (the day)
    std::string text;        // Text literal
    bool boolean = false;    // Boolean literal
    std::string name;        // Feature: the feature; Call: the function
    CompareOp compare = CompareOp::Eq;
    ArithOp arith = ArithOp::Add;
    bool negated = false;    // In: `not in`; IsNull: `is not null`
    std::vector<std::unique_ptr<Expr>> args;
};

struct ExprError {
    std::size_t offset = 0;  // in the expression text
    std::string message;
    std::string hint;
};

// Parses one expression. On a syntax error, `expr` is null and `error` says where.
struct ParsedExpr {
    std::unique_ptr<Expr> expr;
    std::optional<ExprError> error;
};
ParsedExpr parse_expression(std::string_view text);

// What identifiers mean while type checking.
struct ExprScope {
    // The type of a plain feature name (a catalog feature, a score or a score tier), or nullopt.
    std::function<std::optional<ValueType>(std::string_view)> feature_type;
    // Names offered as suggestions for a misspelt identifier.
    std::function<std::vector<std::string>()> feature_names;
    // Whether `id` is a score of the rule set (for `score(id)`).
    std::function<bool(std::string_view)> is_score;
};

// Type-checks and resolves `expr` in place (sets every node's type; turns identifiers and
// `share(...)`, `channel_share(...)`, `score(...)`, `date(...)` into Feature/DateLit nodes).
// Reports every error found; `expected` is the type the whole expression must have.
std::vector<ExprError> check_expression(Expr& expr, const ExprScope& scope, ValueType expected);

// The features an expression reads, in order of first appearance, without repeats.
std::vector<std::string> features_read(const Expr& expr);

}  // namespace custclass::config
