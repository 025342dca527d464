// libFuzzer target: any bytes as a rule. A rule that parses and type-checks (against every
// catalog feature) is a rule the loader accepts, so the compiled evaluator (plugin/rule_program)
// must then run it over a small feature table — nulls, zeros, negative and huge numbers, empty
// text and empty lists — and explain it for every row, without throwing, crashing or hitting
// undefined behaviour. Inputs that do not check are skipped: fuzz_expression covers those. So
// are inputs that are not UTF-8: explanations are JSON, which must be UTF-8, and keeping other
// bytes out of a rule set is the loader's job (see tests/property/regression_test.cpp).
#include <cstddef>
#include <cstdint>
#include <exception>
#include <string>

#include "fuzz_scope.h"
#include "rule_program.h"

using namespace custclass;
using config::ValueType;
using custclass::fuzz::broken;

namespace {

constexpr std::size_t kRows = 6;

// Well-formed UTF-8 (RFC 3629): no overlong forms, surrogates or code points past U+10FFFF.
bool valid_utf8(std::string_view s) {
    for (std::size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        const std::size_t n = c < 0x80 ? 1 : c >= 0xC2 && c <= 0xDF ? 2 : (c >> 4) == 0xE ? 3
                              : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
        if (n == 0 || i + n > s.size()) return false;
        std::uint32_t cp = n == 1 ? c : c & (0x7F >> n);
        for (std::size_t k = 1; k < n; ++k) {
            const auto t = static_cast<unsigned char>(s[i + k]);
            if ((t & 0xC0) != 0x80) return false;
            cp = (cp << 6) | (t & 0x3F);
        }
        if ((n == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
            (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
            return false;
        i += n;
    }
    return true;
}

void fill(plugin::Column& c, std::size_t row, int variant) {
    switch (c.type) {
        case ValueType::Number: {
            static const double values[] = {plugin::kNullNumber, 0, 3, -2.5, 1e300, 45};
            c.numbers[row] = values[variant];
            break;
        }
        case ValueType::Text: {
            static const char* const values[] = {nullptr, "", "F", "Sha Tin", "545", "A"};
            c.codes[row] = values[variant] ? c.intern(values[variant]) : plugin::kNullCode;
            break;
        }
        case ValueType::Boolean: c.booleans[row] = static_cast<std::uint8_t>(variant % 3); break;
        case ValueType::Date: c.days[row] = variant == 0 ? plugin::kNullDay : 20000 + variant; break;
        case ValueType::TextList: {
            c.list_null[row] = variant == 0;
            if (variant >= 2) c.codes.push_back(c.intern("skincare"));
            if (variant >= 3) c.codes.push_back(c.intern(""));
            c.offsets[row + 1] = static_cast<std::uint32_t>(c.codes.size());
            break;
        }
        case ValueType::Null: break;
    }
}

// A table with every feature the rule reads, each row a different mix of values.
plugin::FeatureTable table_for(const std::vector<std::string>& reads) {
    std::vector<std::string> ids;
    for (std::size_t r = 0; r < kRows; ++r) ids.push_back("c" + std::to_string(r));
    plugin::FeatureTable table(std::move(ids));
    static const config::ExprScope scope = custclass::fuzz::catalog_scope();
    for (const auto& name : reads) {
        plugin::Column& c = table.add(name, *scope.feature_type(name));
        for (std::size_t r = 0; r < kRows; ++r)
            fill(c, r, static_cast<int>((r + name.size()) % kRows));
    }
    return table;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    static const config::ExprScope scope = custclass::fuzz::catalog_scope();
    if (!valid_utf8(text)) return -1;
    config::ParsedExpr parsed = config::parse_expression(text);
    if (!parsed.expr) return -1;
    if (!config::check_expression(*parsed.expr, scope, ValueType::Boolean).empty()) return -1;

    const std::vector<std::string> reads = config::features_read(*parsed.expr);
    config::RuleSet rules;
    rules.name = "fuzz";
    rules.version = "1";
    for (const auto mode : {config::ClassificationMode::FirstMatch,
                            config::ClassificationMode::AllMatches}) {
        config::Segment segment;
        segment.id = "s";
        segment.when.text = text;
        segment.when.reads = reads;
        segment.when.expr = mode == config::ClassificationMode::FirstMatch
                                ? std::move(parsed.expr)
                                : config::parse_expression(text).expr;
        if (mode == config::ClassificationMode::AllMatches)
            (void)config::check_expression(*segment.when.expr, scope, ValueType::Boolean);
        config::Classification c;
        c.id = mode == config::ClassificationMode::FirstMatch ? "first" : "all";
        c.mode = mode;
        c.segments.push_back(std::move(segment));
        rules.classifications.push_back(std::move(c));
    }
    plugin::FeatureTable table = table_for(reads);
    try {
        plugin::RuleProgram program(rules, config::parse_day("2026-11-30").value());
        const auto results = program.run(table);
        if (results.size() != 2 || results[0].segment.size() != kRows ||
            results[1].matches.size() != 1)
            broken("run() gave results of the wrong shape", text);
        for (std::size_t r = 0; r < kRows; ++r) {
            if ((results[0].segment[r] == 0) != (results[1].matches[0][r] == 1))
                broken("first-match and all-matches disagree on a single rule", text);
            (void)program.explain(table, r).dump();
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "\n*** %s\n", e.what());
        broken("a rule that type-checks does not evaluate", text);
    }
    return 0;
}
