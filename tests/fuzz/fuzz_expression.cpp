// libFuzzer target: any bytes as a rule expression (RULES.md section 3). parse_expression must
// give a syntax tree or an error, never crash, hang, leak or hit undefined behaviour; every node
// and every error must point inside the text (explanations quote `text.substr(offset, length)`).
// check_expression, against every catalog feature, must then either report errors inside the
// text or type the tree: the root has the type asked for, every test and logical node is boolean,
// and every feature read is one the scope knows.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_scope.h"

using namespace custclass::config;
using custclass::fuzz::broken;

namespace {

void check_spans(const Expr& e, std::string_view text) {
    if (e.offset > text.size() || e.length > text.size() - e.offset)
        broken("a node spans beyond the text", text);
    for (const auto& a : e.args) {
        if (!a) broken("a null argument", text);
        check_spans(*a, text);
    }
}

bool is_test(ExprKind k) {
    return k == ExprKind::Not || k == ExprKind::And || k == ExprKind::Or ||
           k == ExprKind::Compare || k == ExprKind::In || k == ExprKind::Between ||
           k == ExprKind::IsNull;
}

void check_types(const Expr& e, const ExprScope& scope, std::string_view text) {
    if (is_test(e.kind) && e.type != ValueType::Boolean)
        broken("a test or logical node is not boolean", text);
    if (e.kind == ExprKind::Feature) {
        const auto type = scope.feature_type(e.name);
        if (!type) broken("a checked tree reads an unknown feature", text);
        if (*type != e.type) broken("a feature node has another type than its feature", text);
    }
    if (e.kind == ExprKind::DateLit && e.type != ValueType::Date)
        broken("a date literal is not a date", text);
    for (const auto& a : e.args) check_types(*a, scope, text);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    static const ExprScope scope = custclass::fuzz::catalog_scope();

    ParsedExpr parsed = parse_expression(text);
    if (!parsed.expr) {
        if (!parsed.error) broken("neither a tree nor an error", text);
        if (parsed.error->offset > text.size()) broken("a syntax error beyond the text", text);
        return 0;
    }
    if (parsed.error) broken("both a tree and an error", text);
    check_spans(*parsed.expr, text);

    // As a rule (boolean) and as a number; check_expression rewrites the tree, so parse again.
    for (const ValueType expected : {ValueType::Boolean, ValueType::Number}) {
        ParsedExpr p = expected == ValueType::Boolean ? std::move(parsed) : parse_expression(text);
        if (!p.expr) broken("the same text parsed differently", text);
        const auto errors = check_expression(*p.expr, scope, expected);
        for (const auto& e : errors) {
            if (e.offset > text.size()) broken("a type error beyond the text", text);
            if (e.message.empty()) broken("a type error without a message", text);
        }
        check_spans(*p.expr, text);
        if (!errors.empty()) continue;
        if (p.expr->type != expected && p.expr->type != ValueType::Null)
            broken("a checked tree has another type than asked for", text);
        check_types(*p.expr, scope, text);
        for (const auto& name : features_read(*p.expr))
            if (!scope.feature_type(name)) broken("features_read names an unknown feature", text);
    }
    return 0;
}
