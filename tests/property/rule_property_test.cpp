// Property test of the rule language: random well-typed rules over random feature tables, run by
// the compiled, column-at-a-time evaluator (plugin/rule_program, through a RuleSet loaded from
// YAML text like any other) and by a per-customer tree-walking interpreter written here from the
// definitions of RULES.md section 3 and the decisions recorded in README.md. They must agree for
// every customer on every rule, on scores and tiers, and on first-match assignment.
//
// The generator builds its own syntax tree and prints it with as few parentheses as precedence
// allows (sometimes more), keywords in random case, numbers in several spellings and strings in
// either quote — so the interpreter runs the tree the generator meant, and a parser that groups
// differently shows up as a disagreement too.
//
// Semantics the interpreter implements (RULES.md section 3, README.md "Decisions recorded"):
//   - a comparison, `in`, `not in` or `between` with a null operand is false;
//   - `not` negates the truth value (null counts as not true); `and`/`or` combine truth values;
//   - `is [not] null` tests for null; arithmetic with null, and division by zero, give null;
//   - coalesce: the first non-null argument; min/max ignore nulls (null when all are null);
//   - date − date is a number of days; date ± n moves the date by n days (n is a whole number
//     here: RULES.md does not say what a fraction of a day does); days_since(d) = as_of − d;
//   - lower() lower-cases ASCII letters; contains() is case-sensitive;
//   - a score is the sum of the points whose rule holds; its tier is the highest tier whose
//     threshold it reaches, else `cold`.
// One choice RULES.md leaves open: contains() with a null operand is taken to be false (like a
// comparison), not null; it only shows through `contains(...) is null`.
//
// Reproduce a failure: the message names the run seed and the seed of the failing rule set;
// CUSTCLASS_PROPERTY_SET_SEED=<that seed> runs that one set alone. CUSTCLASS_PROPERTY_SEED and
// CUSTCLASS_PROPERTY_SETS change the run; CUSTCLASS_PROPERTY_PRINT=1 prints every rule set.
#include <gtest/gtest.h>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <variant>
#include <vector>

#include "civil_time.h"
#include "rule_program.h"
#include "rule_set.h"
#include "yaml_document.h"

using namespace custclass;
using config::CompareOp;
using config::Day;
using config::ValueType;

namespace {

const Day kAsOf = *config::parse_day("2026-11-30");

// ------------------------------------------------------------------------------- values --

struct DayValue {
    Day day;
};
using TextList = std::vector<std::string>;
// null, number, text, boolean, date, list of text
using Value = std::variant<std::monostate, double, std::string, bool, DayValue, TextList>;

bool is_null(const Value& v) { return std::holds_alternative<std::monostate>(v); }
bool truth(const Value& v) { return std::holds_alternative<bool>(v) && std::get<bool>(v); }

std::string show(const Value& v) {
    std::ostringstream out;
    out.precision(17);
    switch (v.index()) {
        case 0: return "null";
        case 1: out << std::get<double>(v); return out.str();
        case 2: return "'" + std::get<std::string>(v) + "'";
        case 3: return std::get<bool>(v) ? "true" : "false";
        case 4: return "date(" + config::format_day(std::get<DayValue>(v).day) + ")";
        default: {
            std::string s = "[";
            for (const auto& item : std::get<TextList>(v)) s += (s.size() > 1 ? ", '" : "'") + item + "'";
            return s + "]";
        }
    }
}

// ----------------------------------------------------------------------------- features --

struct Feature {
    std::string column;  // the feature table's name: `recency_days`, `channel_share:online`
    ValueType type;
    bool whole = false;  // holds whole numbers only (usable to move a date)
    std::vector<std::string> spellings;  // how a rule may name it
};

std::vector<Feature> catalog_features() {
    using T = ValueType;
    std::vector<Feature> f = {
        {"recency_days", T::Number, true, {}},  {"frequency", T::Number, true, {}},
        {"monetary", T::Number, false, {}},     {"avg_order_value", T::Number, false, {}},
        {"tenure_days", T::Number, true, {}},   {"orders_total", T::Number, true, {}},
        {"returns_rate", T::Number, false, {}}, {"r_score", T::Number, true, {}},
        {"f_score", T::Number, true, {}},       {"m_score", T::Number, true, {}},
        {"age", T::Number, true, {}},           {"signup_days", T::Number, true, {}},
        {"rfm", T::Text, false, {}},            {"pareto_class", T::Text, false, {}},
        {"age_band", T::Text, false, {}},       {"gender", T::Text, false, {}},
        {"district", T::Text, false, {}},       {"income_band", T::Text, false, {}},
        {"lead_source", T::Text, false, {}},    {"is_prospect", T::Boolean, false, {}},
        {"marketing_consent", T::Boolean, false, {}},
        {"interests", T::TextList, false, {}},
    };
    for (auto& x : f) x.spellings = {x.column};
    f.push_back({"channel_share:online", T::Number, false,
                 {"channel_share('online')", "channel_share(\"online\")"}});
    f.push_back({"channel_share:app", T::Number, false, {"channel_share('app')"}});
    return f;
}

// Text values: ties, empty text, case variants, quotes and backslashes, non-ASCII.
const std::vector<std::string>& text_pool(const std::string& feature) {
    static const std::vector<std::string> rfm = {"545", "111", "555", "545", "155"};
    static const std::vector<std::string> pareto = {"A", "B", "C"};
    static const std::vector<std::string> bands = {"<25", "25-34", "35-44", "45-54", "55-64", "65+"};
    static const std::vector<std::string> gender = {"F", "M", "f", ""};
    static const std::vector<std::string> district = {"Sha Tin", "sha tin", "Wan Chai", "Tai Po",
                                                      "O'Brien", "back\\slash", "沙田", "Sha Tin 沙田"};
    static const std::vector<std::string> income = {"low", "mid", "high", "MID"};
    static const std::vector<std::string> lead = {"web", "Web", "referral", "", "walk-in"};
    static const std::vector<std::string> interests = {"skincare", "Skincare", "travel", "wine", ""};
    static const std::vector<std::string> tiers = {"hot", "warm", "cold", "lukewarm"};
    if (feature == "rfm") return rfm;
    if (feature == "pareto_class") return pareto;
    if (feature == "age_band") return bands;
    if (feature == "gender") return gender;
    if (feature == "district") return district;
    if (feature == "income_band") return income;
    if (feature == "lead_source") return lead;
    if (feature == "interests") return interests;
    return tiers;
}

const std::vector<double> kWholeValues = {0, 1, 2, 3, 5, -1, 7, 30, 90, 365, 400, 3};
const std::vector<double> kNumberValues = {0, 1, 2, 3, -1, -2.5, 0.5, 0.1, 12.25, 100, 1e6, 0.25};
const std::vector<double> kLiteralValues = {0, 1, 2, 3, 4, 5, 7, 10, 30, 90, 0.5, 0.1, 2.25, 12.5, 100, 1000, 1e6};

// --------------------------------------------------------------------------- syntax tree --

enum class Op {
    Number, Text, Boolean, Null, Date, Feature,
    Negate, Not, And, Or, Compare, InLiterals, InList, Between, IsNull,
    Add, Sub, Mul, Div, Coalesce, Min, Max, Abs, Lower, Contains, DaysSince,
};

struct Node {
    Op op;
    ValueType type = ValueType::Null;  // as the type checker infers it: Null when always null
    double number = 0;
    std::string text;       // text literal; a feature's spelling
    bool flag = false;      // boolean literal; `not in`; `is not null`
    Day day = 0;
    int feature = -1;
    CompareOp compare = CompareOp::Eq;
    std::vector<std::unique_ptr<Node>> kids;  // operands; InLiterals: the value, then the items
};
using NodeP = std::unique_ptr<Node>;

NodeP make(Op op, ValueType type) {
    auto n = std::make_unique<Node>();
    n->op = op;
    n->type = type;
    return n;
}

// The type coalesce/min/max take: that of their first argument that is not always null.
ValueType common_type(const Node& n) {
    for (const auto& k : n.kids)
        if (k->type != ValueType::Null) return k->type;
    return ValueType::Null;
}

// ----------------------------------------------------------------------------- generator --

class Generator {
public:
    Generator(std::mt19937_64& rng, const std::vector<Feature>& features, std::size_t usable)
        : rng_(rng), features_(features), usable_(usable) {}

    // A rule: a boolean expression that is not the bare null literal.
    NodeP rule(int depth) { return boolean(depth, true); }

private:
    int pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng_); }
    bool chance(double p) { return std::bernoulli_distribution(p)(rng_); }
    template <typename T>
    const T& any(const std::vector<T>& v) { return v[static_cast<std::size_t>(pick(static_cast<int>(v.size())))]; }

    NodeP feature_of(ValueType type, bool whole = false) {
        std::vector<int> fits;
        for (std::size_t i = 0; i < usable_; ++i)
            if (features_[i].type == type && (!whole || features_[i].whole))
                fits.push_back(static_cast<int>(i));
        if (type == ValueType::Text && !hint_.empty() && chance(0.5))  // the hinted feature
            for (int i : fits)
                if (features_[static_cast<std::size_t>(i)].column == hint_) fits = {i};
        if (fits.empty()) return nullptr;
        auto n = make(Op::Feature, type);
        n->feature = any(fits);
        n->text = any(features_[static_cast<std::size_t>(n->feature)].spellings);
        return n;
    }
    NodeP null_literal() { return make(Op::Null, ValueType::Null); }
    NodeP number_literal(bool whole = false) {
        auto n = make(Op::Number, ValueType::Number);
        n->number = whole ? pick(40) : any(kLiteralValues);
        return n;
    }
    NodeP text_literal() {
        static const std::vector<std::string> extra = {"zzz", "", "Tin", "tin", "'", "\\", "a", "5"};
        auto n = make(Op::Text, ValueType::Text);
        static const std::vector<std::string> features = {"rfm", "pareto_class", "age_band", "gender",
                                                          "district", "income_band", "lead_source",
                                                          "interests", "tiers"};
        n->text = chance(0.15)                   ? any(extra)
                  : !hint_.empty() && chance(0.8) ? any(text_pool(hint_))
                                                  : any(text_pool(any(features)));
        return n;
    }
    NodeP date_literal() {
        auto n = make(Op::Date, ValueType::Date);
        n->day = kAsOf - 1500 + pick(1600);
        return n;
    }
    NodeP with_kids(Op op, ValueType type, std::vector<NodeP> kids) {
        auto n = make(op, type);
        n->kids = std::move(kids);
        return n;
    }
    template <typename F>
    std::vector<NodeP> several(int min, int max, bool strict, F&& make_one) {
        std::vector<NodeP> kids;
        const int count = min + pick(max - min + 1);
        for (int i = 0; i < count; ++i) kids.push_back(make_one(false));
        if (strict) kids[static_cast<std::size_t>(pick(count))] = make_one(true);
        return kids;
    }
    // coalesce, min, max: typed by their arguments.
    template <typename F>
    NodeP variadic(Op op, int min, bool strict, F&& make_one) {
        auto n = make(op, ValueType::Null);
        n->kids = several(min, 3, strict, make_one);
        // min/max of nothing but `null` literals is a validation error (it has no type).
        if ((op == Op::Min || op == Op::Max) &&
            std::all_of(n->kids.begin(), n->kids.end(), [](const NodeP& k) { return k->op == Op::Null; }))
            n->kids[0] = make_one(true);
        n->type = common_type(*n);
        return n;
    }

    NodeP number(int depth, bool strict) {
        if (depth <= 0 || chance(0.3)) {
            if (!strict && chance(0.08)) return null_literal();
            if (chance(0.35)) return number_literal();
            return feature_of(ValueType::Number);
        }
        const int d = depth - 1;
        auto num = [&](bool s) { return number(d, s); };
        switch (pick(9)) {
            case 0: return with_kids(Op::Negate, ValueType::Number, vec(number(d, false)));
            case 1: return with_kids(any(std::vector<Op>{Op::Add, Op::Sub, Op::Mul, Op::Div}),
                                     ValueType::Number, vec(number(d, false), number(d, false)));
            case 2: return with_kids(any(std::vector<Op>{Op::Add, Op::Sub}), ValueType::Number,
                                     vec(number(d, false), number(d, false)));
            case 3: return with_kids(Op::Sub, ValueType::Number, vec(date(d, true), date(d, true)));
            case 4: return with_kids(Op::Abs, ValueType::Number, vec(number(d, false)));
            case 5: return variadic(chance(0.5) ? Op::Min : Op::Max, 2, strict, num);
            case 6: return variadic(Op::Coalesce, 1, strict, num);
            case 7: return with_kids(Op::DaysSince, ValueType::Number, vec(date(d, false)));
            default: return number(0, strict);
        }
    }
    // A whole number of days (or null) to move a date by.
    NodeP days(int depth) {
        switch (pick(depth > 0 ? 6 : 4)) {
            case 0: return number_literal(true);
            case 1: return feature_of(ValueType::Number, true);
            case 2: return chance(0.5) ? null_literal() : feature_of(ValueType::Number, true);
            case 3: return with_kids(Op::Negate, ValueType::Number, vec(number_literal(true)));
            default:
                return with_kids(chance(0.5) ? Op::Add : Op::Sub, ValueType::Number,
                                 vec(feature_of(ValueType::Number, true), number_literal(true)));
        }
    }
    NodeP date(int depth, bool strict) {
        if (depth <= 0 || chance(0.35)) {
            if (!strict && chance(0.1)) return null_literal();
            if (chance(0.5)) return date_literal();
            return with_kids(chance(0.5) ? Op::Add : Op::Sub, ValueType::Date,
                             vec(date_literal(), feature_of(ValueType::Number, true)));
        }
        const int d = depth - 1;
        auto day = [&](bool s) { return date(d, s); };
        switch (pick(4)) {
            case 0:
            case 1: return with_kids(chance(0.5) ? Op::Add : Op::Sub, ValueType::Date,
                                     vec(date(d, true), days(d)));
            case 2: return variadic(chance(0.5) ? Op::Min : Op::Max, 2, strict, day);
            default: return variadic(Op::Coalesce, 1, strict, day);
        }
    }
    NodeP text(int depth, bool strict) {
        if (depth <= 0 || chance(0.5)) {
            if (!strict && chance(0.08)) return null_literal();
            if (chance(0.4)) return text_literal();
            return feature_of(ValueType::Text);
        }
        const int d = depth - 1;
        if (chance(0.5)) return with_kids(Op::Lower, ValueType::Text, vec(text(d, false)));
        return variadic(Op::Coalesce, 1, strict, [&](bool s) { return text(d, s); });
    }
    NodeP list(int depth) {
        if (depth > 0 && chance(0.15))
            return with_kids(Op::Coalesce, ValueType::TextList,
                             vec(feature_of(ValueType::TextList), feature_of(ValueType::TextList)));
        if (chance(0.08)) return null_literal();
        return feature_of(ValueType::TextList);
    }
    NodeP of_type(ValueType type, int depth) {
        switch (type) {
            case ValueType::Number: return number(depth, false);
            case ValueType::Text: return text(depth, false);
            case ValueType::Date: return date(depth, false);
            case ValueType::Boolean: return boolean(depth, false);
            default: return list(depth);
        }
    }
    NodeP literal_of(ValueType type) {
        if (chance(0.1)) return null_literal();
        if (type == ValueType::Number) return number_literal();
        if (type == ValueType::Text) return text_literal();
        auto n = make(Op::Boolean, ValueType::Boolean);
        n->flag = chance(0.5);
        return n;
    }

    NodeP boolean(int depth, bool strict) {
        if (depth <= 0 || chance(0.1)) {
            if (!strict && chance(0.06)) return null_literal();
            if (chance(0.15)) {
                auto n = make(Op::Boolean, ValueType::Boolean);
                n->flag = chance(0.5);
                return n;
            }
            return feature_of(ValueType::Boolean);
        }
        const int d = depth - 1;
        using T = ValueType;
        switch (pick(12)) {
            case 0: return with_kids(Op::Not, T::Boolean, vec(boolean(d, false)));
            case 1:
            case 2:
                return with_kids(chance(0.5) ? Op::And : Op::Or, T::Boolean,
                                 vec(boolean(d, false), boolean(d, false)));
            case 3:
            case 4:
            case 5: {
                const T type = any(std::vector<T>{T::Number, T::Number, T::Number, T::Text, T::Text,
                                                  T::Date, T::Date, T::Boolean});
                TextHint hint(*this, type == T::Text ? any_text_feature() : hint_);
                auto n = with_kids(Op::Compare, T::Boolean, vec(of_type(type, d), of_type(type, d)));
                n->compare = type == T::Boolean ? (chance(0.5) ? CompareOp::Eq : CompareOp::Ne)
                                                : static_cast<CompareOp>(pick(6));
                return n;
            }
            case 6: {
                const T type = any(std::vector<T>{T::Number, T::Text, T::Text, T::Boolean});
                TextHint hint(*this, type == T::Text ? any_text_feature() : hint_);
                auto n = make(Op::InLiterals, T::Boolean);
                n->flag = chance(0.4);
                n->kids.push_back(of_type(type, d));
                const int items = 1 + pick(4);
                for (int i = 0; i < items; ++i) n->kids.push_back(literal_of(type));
                return n;
            }
            case 7: {
                TextHint hint(*this, "interests");
                auto n = with_kids(Op::InList, T::Boolean, vec(text(d, false), list(d)));
                n->flag = chance(0.4);
                return n;
            }
            case 8: {
                const T type = any(std::vector<T>{T::Number, T::Text, T::Date});
                TextHint hint(*this, type == T::Text ? any_text_feature() : hint_);
                return with_kids(Op::Between, T::Boolean,
                                 vec(of_type(type, d), of_type(type, d), of_type(type, d)));
            }
            case 9: {
                const T type = any(std::vector<T>{T::Number, T::Text, T::Date, T::Boolean, T::TextList});
                auto n = with_kids(Op::IsNull, T::Boolean, vec(of_type(type, d)));
                n->flag = chance(0.5);
                return n;
            }
            case 10: {
                TextHint hint(*this, any_text_feature());
                return with_kids(Op::Contains, T::Boolean, vec(text(d, false), text(d, false)));
            }
            default:
                return variadic(Op::Coalesce, 1, strict, [&](bool s) { return boolean(d, s); });
        }
    }

    static std::vector<NodeP> vec(NodeP a) {
        std::vector<NodeP> v;
        v.push_back(std::move(a));
        return v;
    }
    static std::vector<NodeP> vec(NodeP a, NodeP b) {
        auto v = vec(std::move(a));
        v.push_back(std::move(b));
        return v;
    }
    static std::vector<NodeP> vec(NodeP a, NodeP b, NodeP c) {
        auto v = vec(std::move(a), std::move(b));
        v.push_back(std::move(c));
        return v;
    }

    // While generating a test on text: the text feature whose values its literals come from,
    // so that comparisons can hold (`district == 'Sha Tin'`, not `district == '65+'`).
    struct TextHint {
        Generator& g;
        std::string saved;
        TextHint(Generator& gen, std::string hint) : g(gen), saved(std::move(gen.hint_)) {
            g.hint_ = std::move(hint);
        }
        ~TextHint() { g.hint_ = std::move(saved); }
    };
    std::string any_text_feature() {
        static const std::vector<std::string> names = {"rfm", "pareto_class", "age_band", "gender",
                                                       "district", "income_band", "lead_source"};
        return any(names);
    }

    std::mt19937_64& rng_;
    const std::vector<Feature>& features_;
    std::size_t usable_;  // features_[0, usable_) may be read
    std::string hint_;
};

// ------------------------------------------------------------------------------- printer --

// Precedence levels of RULES.md's grammar: or, and, not, test, sum, product, unary, atom.
int precedence(const Node& n) {
    switch (n.op) {
        case Op::Or: return 1;
        case Op::And: return 2;
        case Op::Not: return 3;
        case Op::Compare: case Op::InLiterals: case Op::InList: case Op::Between: case Op::IsNull:
            return 4;
        case Op::Add: case Op::Sub: return 5;
        case Op::Mul: case Op::Div: return 6;
        case Op::Negate: return 7;
        default: return 8;
    }
}

class Printer {
public:
    explicit Printer(std::mt19937_64& rng) : rng_(rng) {}

    std::string print(const Node& n, int min_precedence = 1) {
        std::string s = body(n);
        if (precedence(n) < min_precedence || chance(0.06)) s = "(" + s + ")";
        return s;
    }

private:
    bool chance(double p) { return std::bernoulli_distribution(p)(rng_); }

    // Keywords are case-insensitive.
    std::string kw(std::string word) {
        const int style = std::uniform_int_distribution<int>(0, 5)(rng_);
        if (style == 4)
            for (auto& c : word) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        if (style == 5) word[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(word[0])));
        return " " + word + " ";
    }
    std::string keyword_alone(const std::string& word) {
        std::string s = kw(word);
        return s.substr(1, s.size() - 2);
    }
    std::string sym(const char* op) { return chance(0.3) ? op : std::string(" ") + op + " "; }

    std::string number(double v) {
        char buf[64];
        const int style = std::uniform_int_distribution<int>(0, 3)(rng_);
        std::to_chars_result r{};
        if (style == 1) r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
        else if (style == 2) r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed);
        else r = std::to_chars(buf, buf + sizeof buf, v);
        std::string s(buf, r.ptr);
        if (style == 3 && s.size() > 1 && s[0] == '0' && s[1] == '.') s.erase(0, 1);  // .5
        return s;
    }
    std::string quoted(const std::string& text) {
        const char q = chance(0.7) ? '\'' : '"';
        std::string s(1, q);
        for (char c : text) {
            if (c == q || c == '\\') s += '\\';
            s += c;
        }
        return s + q;
    }
    std::string call(const char* name, const Node& n, std::size_t from = 0) {
        std::string s = std::string(name) + "(";
        for (std::size_t i = from; i < n.kids.size(); ++i)
            s += (i > from ? sym(",") : "") + print(*n.kids[i]);
        return s + ")";
    }
    std::string binary(const Node& n, const char* op, int left, int right) {
        return print(*n.kids[0], left) + sym(op) + print(*n.kids[1], right);
    }

    std::string body(const Node& n) {
        switch (n.op) {
            case Op::Number: return number(n.number);
            case Op::Text: return quoted(n.text);
            case Op::Boolean: return keyword_alone(n.flag ? "true" : "false");
            case Op::Null: return keyword_alone("null");
            case Op::Date: return "date(" + quoted(config::format_day(n.day)) + ")";
            case Op::Feature: return n.text;
            case Op::Negate: return "-" + print(*n.kids[0], 7);
            case Op::Not: return keyword_alone("not") + " " + print(*n.kids[0], 3);
            case Op::And: return print(*n.kids[0], 2) + kw("and") + print(*n.kids[1], 3);
            case Op::Or: return print(*n.kids[0], 1) + kw("or") + print(*n.kids[1], 2);
            case Op::Compare: {
                static const char* ops[] = {"==", "!=", "<", "<=", ">", ">="};
                return binary(n, ops[static_cast<int>(n.compare)], 5, 5);
            }
            case Op::InLiterals: {
                std::string s = print(*n.kids[0], 5) + (n.flag ? kw("not") + keyword_alone("in") + " "
                                                                : kw("in"));
                s += "[";
                for (std::size_t i = 1; i < n.kids.size(); ++i)
                    s += (i > 1 ? sym(",") : "") + print(*n.kids[i]);
                return s + "]";
            }
            case Op::InList:
                return print(*n.kids[0], 5) +
                       (n.flag ? kw("not") + keyword_alone("in") + " " : kw("in")) +
                       print(*n.kids[1], 5);
            case Op::Between:
                return print(*n.kids[0], 5) + kw("between") + print(*n.kids[1], 5) + kw("and") +
                       print(*n.kids[2], 5);
            case Op::IsNull:
                return print(*n.kids[0], 5) + kw("is") + (n.flag ? keyword_alone("not") + " " : "") +
                       keyword_alone("null");
            case Op::Add: return binary(n, "+", 5, 6);
            case Op::Sub: return binary(n, "-", 5, 6);
            case Op::Mul: return binary(n, "*", 6, 7);
            case Op::Div: return binary(n, "/", 6, 7);
            case Op::Coalesce: return call("coalesce", n);
            case Op::Min: return call("min", n);
            case Op::Max: return call("max", n);
            case Op::Abs: return call("abs", n);
            case Op::Lower: return call("lower", n);
            case Op::Contains: return call("contains", n);
            case Op::DaysSince: return call("days_since", n);
        }
        return "?";
    }

    std::mt19937_64& rng_;
};

// --------------------------------------------------------------------------- interpreter --

using Row = std::vector<Value>;  // one customer: a value per feature

template <typename T>
bool compare(CompareOp op, const T& a, const T& b) {
    switch (op) {
        case CompareOp::Eq: return a == b;
        case CompareOp::Ne: return a != b;
        case CompareOp::Lt: return a < b;
        case CompareOp::Le: return a <= b;
        case CompareOp::Gt: return a > b;
        case CompareOp::Ge: return a >= b;
    }
    return false;
}

bool equal(const Value& a, const Value& b) {
    if (is_null(a) || is_null(b)) return false;
    if (a.index() != b.index()) return false;
    switch (a.index()) {
        case 1: return std::get<double>(a) == std::get<double>(b);
        case 2: return std::get<std::string>(a) == std::get<std::string>(b);
        case 3: return std::get<bool>(a) == std::get<bool>(b);
        case 4: return std::get<DayValue>(a).day == std::get<DayValue>(b).day;
        default: return false;
    }
}

// `a op b` for two values of one ordered type (numbers, text, dates) or booleans; false with null.
bool compare_values(CompareOp op, const Value& a, const Value& b) {
    if (is_null(a) || is_null(b)) return false;
    switch (a.index()) {
        case 1: return compare(op, std::get<double>(a), std::get<double>(b));
        case 2: return compare(op, std::get<std::string>(a), std::get<std::string>(b));
        case 3: return compare(op, std::get<bool>(a), std::get<bool>(b));
        case 4: return compare(op, std::get<DayValue>(a).day, std::get<DayValue>(b).day);
        default: return false;
    }
}

Value eval(const Node& n, const Row& row) {
    switch (n.op) {
        case Op::Number: return n.number;
        case Op::Text: return n.text;
        case Op::Boolean: return n.flag;
        case Op::Null: return {};
        case Op::Date: return DayValue{n.day};
        case Op::Feature: return row[static_cast<std::size_t>(n.feature)];
        case Op::Negate: {
            const Value v = eval(*n.kids[0], row);
            return is_null(v) ? Value{} : Value{-std::get<double>(v)};
        }
        case Op::Not: return !truth(eval(*n.kids[0], row));
        case Op::And: return truth(eval(*n.kids[0], row)) && truth(eval(*n.kids[1], row));
        case Op::Or: return truth(eval(*n.kids[0], row)) || truth(eval(*n.kids[1], row));
        case Op::Compare:
            return compare_values(n.compare, eval(*n.kids[0], row), eval(*n.kids[1], row));
        case Op::InLiterals: {
            const Value v = eval(*n.kids[0], row);
            if (is_null(v)) return false;
            bool found = false;
            for (std::size_t i = 1; i < n.kids.size(); ++i) found |= equal(v, eval(*n.kids[i], row));
            return found != n.flag;
        }
        case Op::InList: {
            const Value v = eval(*n.kids[0], row);
            const Value list = eval(*n.kids[1], row);
            if (is_null(v) || is_null(list)) return false;
            const auto& items = std::get<TextList>(list);
            const bool found =
                std::find(items.begin(), items.end(), std::get<std::string>(v)) != items.end();
            return found != n.flag;
        }
        case Op::Between: {
            const Value v = eval(*n.kids[0], row);
            const Value lo = eval(*n.kids[1], row);
            const Value hi = eval(*n.kids[2], row);
            return compare_values(CompareOp::Ge, v, lo) && compare_values(CompareOp::Le, v, hi);
        }
        case Op::IsNull: return is_null(eval(*n.kids[0], row)) != n.flag;
        case Op::Add: case Op::Sub: case Op::Mul: case Op::Div: {
            const Value a = eval(*n.kids[0], row);
            const Value b = eval(*n.kids[1], row);
            if (is_null(a) || is_null(b)) return {};
            if (n.kids[0]->type == ValueType::Date) {
                const Day d = std::get<DayValue>(a).day;
                if (n.kids[1]->type == ValueType::Date)  // days between two dates
                    return static_cast<double>(d) - static_cast<double>(std::get<DayValue>(b).day);
                const auto by = static_cast<Day>(std::get<double>(b));  // a whole number here
                return DayValue{n.op == Op::Add ? d + by : d - by};
            }
            const double x = std::get<double>(a), y = std::get<double>(b);
            switch (n.op) {
                case Op::Add: return x + y;
                case Op::Sub: return x - y;
                case Op::Mul: return x * y;
                default: return y == 0 ? Value{} : Value{x / y};
            }
        }
        case Op::Coalesce:
            for (const auto& k : n.kids)
                if (Value v = eval(*k, row); !is_null(v)) return v;
            return {};
        case Op::Min: case Op::Max: {
            Value best;
            for (const auto& k : n.kids) {
                const Value v = eval(*k, row);
                if (is_null(v)) continue;
                if (is_null(best) || compare_values(n.op == Op::Min ? CompareOp::Lt : CompareOp::Gt, v, best))
                    best = v;
            }
            return best;
        }
        case Op::Abs: {
            const Value v = eval(*n.kids[0], row);
            return is_null(v) ? Value{} : Value{std::abs(std::get<double>(v))};
        }
        case Op::Lower: {
            const Value v = eval(*n.kids[0], row);
            if (is_null(v)) return {};
            std::string s = std::get<std::string>(v);
            for (auto& c : s)
                if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
            return s;
        }
        case Op::Contains: {
            const Value t = eval(*n.kids[0], row);
            const Value part = eval(*n.kids[1], row);
            if (is_null(t) || is_null(part)) return false;
            return std::get<std::string>(t).find(std::get<std::string>(part)) != std::string::npos;
        }
        case Op::DaysSince: {
            const Value d = eval(*n.kids[0], row);
            if (is_null(d)) return {};
            return static_cast<double>(kAsOf) - static_cast<double>(std::get<DayValue>(d).day);
        }
    }
    return {};
}

// --------------------------------------------------------------------------- one rule set --

struct ScoreSpec {
    std::string id;
    std::size_t value_feature, tier_feature;  // where the score and its tier sit in a Row
    std::vector<std::pair<NodeP, double>> points;
    std::vector<std::string> point_texts;
    std::vector<std::pair<std::string, double>> tiers;  // by descending threshold
};

struct Outcome {
    std::size_t rules = 0, customers = 0, evaluations = 0, failures = 0;
    std::size_t true_evaluations = 0;  // how often a rule held
    std::size_t splitting_rules = 0;   // rules true for some customers and false for others
};

void indent_rule(std::ostringstream& yaml, const std::string& key_indent, const std::string& text) {
    // A literal block scalar: no escaping, the rule text exactly as printed.
    yaml << key_indent << "when: |-\n" << key_indent << "  " << text << "\n";
}

std::string number_text(double v) {
    char buf[64];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    return std::string(buf, r.ptr);
}

Value random_value(std::mt19937_64& rng, const Feature& f) {
    auto chance = [&](double p) { return std::bernoulli_distribution(p)(rng); };
    auto pick = [&](std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng); };
    if (chance(0.15)) return {};
    switch (f.type) {
        case ValueType::Number: {
            if (f.column.starts_with("channel_share") || f.column == "returns_rate") {
                static const std::vector<double> shares = {0, 0.25, 0.5, 1, 0.1, 0.5};
                return shares[pick(shares.size())];
            }
            if (f.column.ends_with("_score")) return static_cast<double>(1 + pick(5));
            const auto& pool = f.whole ? kWholeValues : kNumberValues;
            return pool[pick(pool.size())];
        }
        case ValueType::Text: {
            const auto& pool = text_pool(f.column);
            return pool[pick(pool.size())];
        }
        case ValueType::Boolean: return chance(0.5);
        case ValueType::TextList: {
            TextList list;
            const std::size_t n = pick(4);  // empty lists too
            const auto& pool = text_pool("interests");
            for (std::size_t i = 0; i < n; ++i) list.push_back(pool[pick(pool.size())]);
            return list;
        }
        default: return {};
    }
}

void fill_column(plugin::Column& c, const std::vector<Row>& rows, std::size_t f) {
    for (std::size_t r = 0; r < rows.size(); ++r) {
        const Value& v = rows[r][f];
        switch (c.type) {
            case ValueType::Number:
                c.numbers[r] = is_null(v) ? plugin::kNullNumber : std::get<double>(v);
                break;
            case ValueType::Text:
                c.codes[r] = is_null(v) ? plugin::kNullCode : c.intern(std::get<std::string>(v));
                break;
            case ValueType::Boolean:
                c.booleans[r] = is_null(v) ? plugin::kNullBool : std::get<bool>(v);
                break;
            case ValueType::TextList:
                c.list_null[r] = is_null(v);
                if (!is_null(v))
                    for (const auto& item : std::get<TextList>(v)) c.codes.push_back(c.intern(item));
                c.offsets[r + 1] = static_cast<std::uint32_t>(c.codes.size());
                break;
            default: break;
        }
    }
}

std::string describe_row(const std::vector<Feature>& features, const Row& row) {
    std::string s;
    for (std::size_t f = 0; f < features.size(); ++f)
        s += (s.empty() ? "" : ", ") + features[f].column + "=" + show(row[f]);
    return s;
}

Outcome run_set(std::uint64_t run_seed, std::uint64_t set_seed) {
    std::mt19937_64 rng(set_seed);
    auto pick = [&](int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng); };
    const std::string where = "run seed " + std::to_string(run_seed) + ", rule set seed " +
                              std::to_string(set_seed) + " (CUSTCLASS_PROPERTY_SET_SEED=" +
                              std::to_string(set_seed) + " runs it alone)";
    Outcome out;
    Printer printer(rng);

    // Features: the catalog's, then each score and its tier.
    std::vector<Feature> features = catalog_features();
    const std::size_t catalog_count = features.size();
    std::vector<ScoreSpec> scores;
    static const std::vector<std::string> score_ids = {"eng", "loy"};
    const int score_count = pick(3);
    for (int s = 0; s < score_count; ++s) {
        ScoreSpec spec;
        spec.id = score_ids[static_cast<std::size_t>(s)];
        // A score's points read the catalog and the scores before it.
        Generator gen(rng, features, features.size());
        const int points = 1 + pick(4);
        for (int p = 0; p < points; ++p) {
            static const std::vector<double> adds = {20, 10, 2.5, -5.5, 0, 1};
            NodeP rule = gen.rule(1 + pick(3));
            spec.point_texts.push_back(printer.print(*rule));
            spec.points.emplace_back(std::move(rule), adds[static_cast<std::size_t>(pick(6))]);
        }
        static const std::vector<std::pair<std::string, double>> all_tiers = {
            {"hot", 30}, {"warm", 10}, {"lukewarm", 2.5}, {"cool", -3}};
        for (const auto& t : all_tiers)
            if (pick(2) == 0) spec.tiers.push_back(t);
        spec.value_feature = features.size();
        features.push_back({spec.id, ValueType::Number, false, {spec.id, "score('" + spec.id + "')"}});
        spec.tier_feature = features.size();
        features.push_back({spec.id + "_tier", ValueType::Text, false, {spec.id + "_tier"}});
        scores.push_back(std::move(spec));
    }

    // Rules read everything, scores included.
    Generator gen(rng, features, features.size());
    const int rule_count = 25 + pick(20);
    std::vector<NodeP> rules;
    std::vector<std::string> texts;
    for (int r = 0; r < rule_count; ++r) {
        rules.push_back(gen.rule(2 + pick(3)));
        texts.push_back(printer.print(*rules.back()));
    }

    // The rule set as a consultant would write it; scores in reverse order of dependency.
    std::ostringstream yaml;
    yaml << "custclass: 1\nname: property\nversion: \"1\"\n";
    if (!scores.empty()) yaml << "scores:\n";
    for (auto it = scores.rbegin(); it != scores.rend(); ++it) {
        yaml << "  - id: " << it->id << "\n    points:\n";
        for (std::size_t p = 0; p < it->points.size(); ++p) {
            yaml << "      - add: " << number_text(it->points[p].second) << "\n";
            indent_rule(yaml, "        ", it->point_texts[p]);
        }
        if (!it->tiers.empty()) {
            yaml << "    tiers: {";
            for (std::size_t t = 0; t < it->tiers.size(); ++t)
                yaml << (t ? ", " : "") << it->tiers[t].first << ": " << number_text(it->tiers[t].second);
            yaml << "}\n";
        }
    }
    yaml << "classifications:\n";
    for (const char* mode : {"all_matches", "first_match"}) {
        yaml << "  - id: " << (mode[0] == 'a' ? "every" : "first") << "\n    mode: " << mode
             << "\n    segments:\n";
        for (int r = 0; r < rule_count; ++r) {
            yaml << "      - id: r" << r << "\n";
            indent_rule(yaml, "        ", texts[static_cast<std::size_t>(r)]);
        }
    }

    if (std::getenv("CUSTCLASS_PROPERTY_PRINT")) std::printf("# %s\n%s\n", where.c_str(), yaml.str().c_str());
    config::Diagnostics diagnostics;
    auto doc = config::YamlDocument::parse(yaml.str(), "property.yaml", diagnostics);
    std::optional<config::RuleSet> rule_set;
    if (doc) rule_set = config::load_rule_set(*doc, diagnostics);
    if (!rule_set) {
        ADD_FAILURE() << where << ": a generated, well-typed rule set does not load:\n"
                      << diagnostics.to_string() << "\n" << yaml.str();
        ++out.failures;
        return out;
    }

    // The customers.
    const std::size_t customers = pick(6) == 0 ? 1025 + static_cast<std::size_t>(pick(2000))
                                               : 1 + static_cast<std::size_t>(pick(1000));
    std::vector<Row> rows(customers, Row(features.size()));
    for (auto& row : rows)
        for (std::size_t f = 0; f < catalog_count; ++f) row[f] = random_value(rng, features[f]);
    std::vector<std::string> ids;
    for (std::size_t r = 0; r < customers; ++r) ids.push_back("c" + std::to_string(r));
    plugin::FeatureTable table(ids);
    for (std::size_t f = 0; f < catalog_count; ++f)
        fill_column(table.add(features[f].column, features[f].type), rows, f);

    // The interpreter: scores first, in the order generated (each reads only earlier ones).
    for (auto& row : rows)
        for (const auto& s : scores) {
            double total = 0;
            for (const auto& [rule, add] : s.points)
                if (truth(eval(*rule, row))) total += add;
            std::string tier = "cold";
            for (const auto& [id, min] : s.tiers)
                if (total >= min) {
                    tier = id;
                    break;
                }
            row[s.value_feature] = total;
            row[s.tier_feature] = tier;
        }

    // The compiled evaluator.
    plugin::RuleProgram program(*rule_set, kAsOf);
    std::vector<plugin::ClassificationResult> results;
    try {
        results = program.run(table);
    } catch (const std::exception& e) {
        ADD_FAILURE() << where << ": RuleProgram::run threw: " << e.what() << "\n" << yaml.str();
        ++out.failures;
        return out;
    }

    const std::size_t kMaxReports = 8;
    auto report = [&](const std::string& what, std::size_t row) {
        if (++out.failures > kMaxReports) return;
        ADD_FAILURE() << where << ": " << what << "\ncustomer c" << row << " of " << customers
                      << ": " << describe_row(features, rows[row]);
    };

    // Scores and tiers.
    for (const auto& s : scores) {
        const plugin::Column* value = table.find(s.id);
        const plugin::Column* tier = table.find(s.id + "_tier");
        if (!value || !tier) {
            report("score `" + s.id + "` was not computed", 0);
            continue;
        }
        for (std::size_t r = 0; r < customers; ++r) {
            const Value expected_value = rows[r][s.value_feature];
            const Value expected_tier = rows[r][s.tier_feature];
            const double got = value->numbers[r];
            const std::string got_tier = tier->codes[r] == plugin::kNullCode
                                             ? "<null>"
                                             : tier->dictionary[static_cast<std::size_t>(tier->codes[r])];
            if (got != std::get<double>(expected_value) || got_tier != std::get<std::string>(expected_tier)) {
                std::string points;
                for (const auto& t : s.point_texts) points += "\n  when: " + t;
                report("score `" + s.id + "`: expected " + show(expected_value) + " (" +
                           show(expected_tier) + "), evaluator gave " + number_text(got) + " ('" +
                           got_tier + "')" + points, r);
            }
        }
    }

    // Every rule for every customer; then first-match assignment.
    const auto& every = results.at(0);
    const auto& first = results.at(1);
    std::vector<std::int32_t> expected_segment(customers, -1);
    std::vector<std::uint64_t> expected_counts(static_cast<std::size_t>(rule_count), 0);
    for (int s = 0; s < rule_count; ++s) {
        const auto su = static_cast<std::size_t>(s);
        std::size_t held = 0;
        for (std::size_t r = 0; r < customers; ++r) {
            const bool expected = truth(eval(*rules[su], rows[r]));
            ++out.evaluations;
            held += expected;
            if (expected && expected_segment[r] < 0) expected_segment[r] = s;
            expected_counts[su] += expected;
            const bool got = every.matches.at(su).at(r) == 1;
            if (got != expected)
                report("rule r" + std::to_string(s) + ": " + texts[su] + "\nexpected " +
                           (expected ? "true" : "false") + ", the compiled evaluator gave " +
                           (got ? "true" : "false"),
                       r);
        }
        out.true_evaluations += held;
        out.splitting_rules += held > 0 && held < customers;
    }
    for (std::size_t r = 0; r < customers; ++r)
        if (first.segment.at(r) != expected_segment[r])
            report("first match: expected segment " + std::to_string(expected_segment[r]) +
                       ", got " + std::to_string(first.segment[r]),
                   r);
    EXPECT_EQ(every.counts, expected_counts) << where;
    EXPECT_EQ(first.unclassified, static_cast<std::uint64_t>(std::count(
                                      expected_segment.begin(), expected_segment.end(), -1)))
        << where;

    // Explanations evaluate the same rules one row at a time.
    for (int k = 0; k < 3 && customers > 0; ++k) {
        const auto r = static_cast<std::size_t>(pick(static_cast<int>(customers)));
        const auto explained = program.explain(table, r);
        const auto& seg = explained["classifications"]["first"]["segment"];
        const std::string expected =
            expected_segment[r] < 0 ? "null" : "\"r" + std::to_string(expected_segment[r]) + "\"";
        if (seg.dump() != expected) report("explain: segment " + seg.dump() + ", expected " + expected, r);
    }

    out.rules = static_cast<std::size_t>(rule_count) + [&] {
        std::size_t n = 0;
        for (const auto& s : scores) n += s.points.size();
        return n;
    }();
    out.customers = customers;
    if (out.failures > kMaxReports)
        ADD_FAILURE() << where << ": " << out.failures - kMaxReports << " more disagreements not shown";
    return out;
}

std::uint64_t env_number(const char* name, std::uint64_t fallback) {
    const char* v = std::getenv(name);
    return v && *v ? std::strtoull(v, nullptr, 10) : fallback;
}

}  // namespace

TEST(RuleProperty, CompiledEvaluatorAgreesWithTheInterpreterOfRulesMd) {
    const std::uint64_t run_seed = env_number("CUSTCLASS_PROPERTY_SEED", 20261130);
    const std::uint64_t sets = env_number("CUSTCLASS_PROPERTY_SETS", 300);
    std::vector<std::uint64_t> set_seeds;
    if (const std::uint64_t only = env_number("CUSTCLASS_PROPERTY_SET_SEED", 0)) {
        set_seeds.push_back(only);
    } else {
        std::mt19937_64 rng(run_seed);
        for (std::uint64_t i = 0; i < sets; ++i) set_seeds.push_back(rng());
    }
    Outcome total;
    for (const std::uint64_t seed : set_seeds) {
        const Outcome o = run_set(run_seed, seed);
        total.rules += o.rules;
        total.customers += o.customers;
        total.evaluations += o.evaluations;
        total.failures += o.failures;
        total.true_evaluations += o.true_evaluations;
        total.splitting_rules += o.splitting_rules;
        if (total.failures > 40) break;  // enough to go on
    }
    std::printf("property run seed %llu: %zu rule sets, %zu rules, %zu customers, %zu evaluations "
                "compared (%.0f%% true; %zu rules split the customers), %zu disagreements\n",
                static_cast<unsigned long long>(run_seed), set_seeds.size(), total.rules,
                total.customers, total.evaluations,
                100.0 * static_cast<double>(total.true_evaluations) /
                    static_cast<double>(std::max<std::size_t>(total.evaluations, 1)),
                total.splitting_rules, total.failures);
    EXPECT_GE(total.rules, set_seeds.size() == 1 ? 25u : 8000u);
}
