#include "expression.h"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "civil_time.h"
#include "nearest_name.h"
#include "text.h"

namespace custclass::config {

namespace {

// ----------------------------------------------------------------------------------- lexer --

enum class Tok {
    End, Number, String, Ident, LParen, RParen, LBracket, RBracket, Comma,
    Plus, Minus, Star, Slash, Eq, Ne, Lt, Le, Gt, Ge,
    And, Or, Not, In, Between, Is, Null, True, False,
};

struct Token {
    Tok kind = Tok::End;
    std::size_t offset = 0;
    std::size_t length = 0;
    std::string text;  // identifier, or string contents without quotes
    double number = 0;
};

struct SyntaxError {
    ExprError error;
};

std::string lower(std::string_view s) { return ascii_lower(s); }

std::string describe(const Token& t, std::string_view src) {
    if (t.kind == Tok::End) return "the end of the expression";
    // Appended piece by piece: `"`" + std::string(...)` inlines basic_string::insert, on which
    // g++ 12 at -O3 reports a false -Wrestrict (GCC bug 105329).
    std::string out;
    out.reserve(t.length + 2);
    out += '`';
    out += src.substr(t.offset, t.length);
    out += '`';
    return out;
}

std::vector<Token> tokenize(std::string_view s) {
    std::vector<Token> out;
    std::size_t i = 0;
    auto ident_char = [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.';
    };
    while (true) {
        while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
        Token t;
        t.offset = i;
        if (out.size() >= 2000)
            throw SyntaxError{{i, "the expression is too long (over 2000 tokens)",
                               "split it into several rules or scores"}};
        if (i == s.size()) {
            out.push_back(t);
            return out;
        }
        const char c = s[i];
        if (std::isdigit(static_cast<unsigned char>(c)) ||
            (c == '.' && i + 1 < s.size() && std::isdigit(static_cast<unsigned char>(s[i + 1])))) {
            std::size_t j = i;
            while (j < s.size() && (std::isdigit(static_cast<unsigned char>(s[j])) || s[j] == '.'))
                ++j;
            if (j < s.size() && (s[j] == 'e' || s[j] == 'E')) {
                std::size_t k = j + 1;
                if (k < s.size() && (s[k] == '+' || s[k] == '-')) ++k;
                if (k < s.size() && std::isdigit(static_cast<unsigned char>(s[k]))) {
                    j = k;
                    while (j < s.size() && std::isdigit(static_cast<unsigned char>(s[j]))) ++j;
                }
            }
            const auto [ptr, ec] = std::from_chars(s.data() + i, s.data() + j, t.number);
            if (ec != std::errc() || ptr != s.data() + j)
                throw SyntaxError{{i, "malformed number `" + std::string(s.substr(i, j - i)) + "`",
                                   ""}};
            if (j < s.size() && (std::isalpha(static_cast<unsigned char>(s[j])) || s[j] == '_'))
                throw SyntaxError{{j, "unexpected `" + std::string(1, s[j]) + "` after a number",
                                   "put a space or an operator between a number and a name"}};
            t.kind = Tok::Number;
            t.length = j - i;
            i = j;
        } else if (c == '\'' || c == '"') {
            std::size_t j = i + 1;
            std::string text;
            while (j < s.size() && s[j] != c) {
                if (s[j] == '\\' && j + 1 < s.size()) ++j;
                text += s[j++];
            }
            if (j == s.size())
                throw SyntaxError{{i, "unterminated string", std::string("close it with ") + c}};
            t.kind = Tok::String;
            t.text = std::move(text);
            t.length = j + 1 - i;
            i = j + 1;
        } else if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
            std::size_t j = i;
            while (j < s.size() && ident_char(s[j])) ++j;
            t.text = std::string(s.substr(i, j - i));
            t.length = j - i;
            const std::string word = lower(t.text);
            if (word == "and") t.kind = Tok::And;
            else if (word == "or") t.kind = Tok::Or;
            else if (word == "not") t.kind = Tok::Not;
            else if (word == "in") t.kind = Tok::In;
            else if (word == "between") t.kind = Tok::Between;
            else if (word == "is") t.kind = Tok::Is;
            else if (word == "null") t.kind = Tok::Null;
            else if (word == "true") t.kind = Tok::True;
            else if (word == "false") t.kind = Tok::False;
            else t.kind = Tok::Ident;
            i = j;
        } else {
            auto two = [&](char next) { return i + 1 < s.size() && s[i + 1] == next; };
            t.length = 1;
            switch (c) {
                case '(': t.kind = Tok::LParen; break;
                case ')': t.kind = Tok::RParen; break;
                case '[': t.kind = Tok::LBracket; break;
                case ']': t.kind = Tok::RBracket; break;
                case ',': t.kind = Tok::Comma; break;
                case '+': t.kind = Tok::Plus; break;
                case '-': t.kind = Tok::Minus; break;
                case '*': t.kind = Tok::Star; break;
                case '/': t.kind = Tok::Slash; break;
                case '=':
                    if (!two('='))
                        throw SyntaxError{{i, "`=` is not an operator", "write `==` to compare"}};
                    t.kind = Tok::Eq;
                    t.length = 2;
                    break;
                case '!':
                    if (!two('='))
                        throw SyntaxError{{i, "`!` is not an operator", "write `not` or `!=`"}};
                    t.kind = Tok::Ne;
                    t.length = 2;
                    break;
                case '<':
                    t.kind = two('=') ? Tok::Le : Tok::Lt;
                    t.length = two('=') ? 2 : 1;
                    if (two('>'))
                        throw SyntaxError{{i, "`<>` is not an operator", "write `!=`"}};
                    break;
                case '>':
                    t.kind = two('=') ? Tok::Ge : Tok::Gt;
                    t.length = two('=') ? 2 : 1;
                    break;
                case '&':
                case '|':
                    throw SyntaxError{{i, "`" + std::string(1, c) + "` is not an operator",
                                       c == '&' ? "write `and`" : "write `or`"}};
                default: {
                    // Show the whole UTF-8 character, not its first byte.
                    std::size_t len = 1;
                    const auto u = static_cast<unsigned char>(c);
                    if (u >= 0xF0) len = 4;
                    else if (u >= 0xE0) len = 3;
                    else if (u >= 0xC0) len = 2;
                    throw SyntaxError{{i, "unexpected character `" + std::string(s.substr(i, len)) + "`",
                                       ""}};
                }
            }
            i += t.length;
        }
        out.push_back(std::move(t));
    }
}

// ---------------------------------------------------------------------------------- parser --

class Parser {
public:
    Parser(std::string_view src, std::vector<Token> tokens) : src_(src), toks_(std::move(tokens)) {}

    std::unique_ptr<Expr> parse() {
        auto e = parse_or();
        if (peek().kind != Tok::End)
            fail(peek(), "unexpected " + describe(peek(), src_) + " after a complete expression",
                 "join conditions with `and` or `or`");
        return e;
    }

private:
    const Token& peek() const { return toks_[pos_]; }
    const Token& take() { return toks_[pos_ < toks_.size() - 1 ? pos_++ : pos_]; }
    bool accept(Tok k) {
        if (peek().kind != k) return false;
        take();
        return true;
    }
    [[noreturn]] void fail(const Token& t, std::string message, std::string hint = {}) const {
        throw SyntaxError{{t.offset, std::move(message), std::move(hint)}};
    }
    void expect(Tok k, std::string_view what) {
        if (peek().kind != k)
            fail(peek(), "expected " + std::string(what) + ", found " + describe(peek(), src_));
        take();
    }

    static std::unique_ptr<Expr> node(ExprKind kind, std::size_t offset) {
        auto e = std::make_unique<Expr>();
        e->kind = kind;
        e->offset = offset;
        return e;
    }
    void close(Expr& e) const {
        const Token& last = toks_[pos_ == 0 ? 0 : pos_ - 1];
        e.length = last.offset + last.length - e.offset;
    }
    std::unique_ptr<Expr> binary(ExprKind kind, std::unique_ptr<Expr> a, std::unique_ptr<Expr> b) {
        auto e = node(kind, a->offset);
        e->args.push_back(std::move(a));
        e->args.push_back(std::move(b));
        close(*e);
        return e;
    }

    // Nesting deeper than this is refused rather than risking the stack.
    static constexpr int kMaxDepth = 100;
    struct Depth {
        Parser& p;
        explicit Depth(Parser& parser) : p(parser) {
            if (++p.depth_ > kMaxDepth)
                p.fail(p.peek(), "the expression is nested too deeply",
                       "split it into simpler rules or scores");
        }
        ~Depth() { --p.depth_; }
    };

    std::unique_ptr<Expr> parse_or() {
        Depth depth(*this);
        auto left = parse_and();
        while (accept(Tok::Or)) left = binary(ExprKind::Or, std::move(left), parse_and());
        return left;
    }
    std::unique_ptr<Expr> parse_and() {
        auto left = parse_not();
        while (accept(Tok::And)) left = binary(ExprKind::And, std::move(left), parse_not());
        return left;
    }
    std::unique_ptr<Expr> parse_not() {
        if (peek().kind == Tok::Not) {
            Depth depth(*this);
            auto e = node(ExprKind::Not, take().offset);
            e->args.push_back(parse_not());
            close(*e);
            return e;
        }
        return parse_test();
    }
    std::unique_ptr<Expr> parse_test() {
        auto left = parse_sum();
        const Token& t = peek();
        switch (t.kind) {
            case Tok::Eq: case Tok::Ne: case Tok::Lt: case Tok::Le: case Tok::Gt: case Tok::Ge: {
                take();
                auto e = binary(ExprKind::Compare, std::move(left), parse_sum());
                e->compare = t.kind == Tok::Eq   ? CompareOp::Eq
                             : t.kind == Tok::Ne ? CompareOp::Ne
                             : t.kind == Tok::Lt ? CompareOp::Lt
                             : t.kind == Tok::Le ? CompareOp::Le
                             : t.kind == Tok::Gt ? CompareOp::Gt
                                                 : CompareOp::Ge;
                reject_chained_comparison();
                return e;
            }
            case Tok::Not:
            case Tok::In: {
                const bool negated = accept(Tok::Not);
                expect(Tok::In, "`in` after `not`");
                auto e = binary(ExprKind::In, std::move(left), parse_sum());
                e->negated = negated;
                return e;
            }
            case Tok::Between: {
                take();
                auto e = node(ExprKind::Between, left->offset);
                e->args.push_back(std::move(left));
                e->args.push_back(parse_sum());
                expect(Tok::And, "`and` in `between … and …`");
                e->args.push_back(parse_sum());
                close(*e);
                return e;
            }
            case Tok::Is: {
                take();
                auto e = node(ExprKind::IsNull, left->offset);
                e->negated = accept(Tok::Not);
                expect(Tok::Null, "`null` after `is`");
                e->args.push_back(std::move(left));
                close(*e);
                return e;
            }
            default:
                return left;
        }
    }
    void reject_chained_comparison() const {
        switch (peek().kind) {
            case Tok::Eq: case Tok::Ne: case Tok::Lt: case Tok::Le: case Tok::Gt: case Tok::Ge:
                fail(peek(), "comparisons cannot be chained",
                     "write `a < b and b < c`, or `b between a and c`");
            default:
                break;
        }
    }
    std::unique_ptr<Expr> parse_sum() {
        auto left = parse_prod();
        while (peek().kind == Tok::Plus || peek().kind == Tok::Minus) {
            const bool plus = take().kind == Tok::Plus;
            left = binary(ExprKind::Arith, std::move(left), parse_prod());
            left->arith = plus ? ArithOp::Add : ArithOp::Sub;
        }
        return left;
    }
    std::unique_ptr<Expr> parse_prod() {
        auto left = parse_unary();
        while (peek().kind == Tok::Star || peek().kind == Tok::Slash) {
            const bool star = take().kind == Tok::Star;
            left = binary(ExprKind::Arith, std::move(left), parse_unary());
            left->arith = star ? ArithOp::Mul : ArithOp::Div;
        }
        return left;
    }
    std::unique_ptr<Expr> parse_unary() {
        if (peek().kind == Tok::Minus) {
            Depth depth(*this);
            auto e = node(ExprKind::Negate, take().offset);
            e->args.push_back(parse_unary());
            close(*e);
            return e;
        }
        return parse_atom();
    }
    std::unique_ptr<Expr> parse_list() {
        auto e = node(ExprKind::List, take().offset);
        if (!accept(Tok::RBracket)) {
            do {
                e->args.push_back(parse_or());
            } while (accept(Tok::Comma));
            expect(Tok::RBracket, "`,` or `]` in a list");
        }
        close(*e);
        return e;
    }
    std::unique_ptr<Expr> parse_atom() {
        const Token& t = peek();
        switch (t.kind) {
            case Tok::Number: {
                auto e = node(ExprKind::Number, t.offset);
                e->number = take().number;
                close(*e);
                return e;
            }
            case Tok::String: {
                auto e = node(ExprKind::Text, t.offset);
                e->text = take().text;
                close(*e);
                return e;
            }
            case Tok::True:
            case Tok::False: {
                auto e = node(ExprKind::Boolean, t.offset);
                e->boolean = take().kind == Tok::True;
                close(*e);
                return e;
            }
            case Tok::Null: {
                auto e = node(ExprKind::Null, take().offset);
                close(*e);
                return e;
            }
            case Tok::LBracket:
                return parse_list();
            case Tok::LParen: {
                take();
                auto e = parse_or();
                expect(Tok::RParen, "`)`");
                return e;
            }
            case Tok::Ident: {
                const Token& name = take();
                if (accept(Tok::LParen)) {
                    auto e = node(ExprKind::Call, name.offset);
                    e->name = name.text;
                    if (!accept(Tok::RParen)) {
                        do {
                            e->args.push_back(parse_or());
                        } while (accept(Tok::Comma));
                        expect(Tok::RParen, "`,` or `)` in the arguments of `" + name.text + "`");
                    }
                    close(*e);
                    return e;
                }
                auto e = node(ExprKind::Feature, name.offset);
                e->name = name.text;
                close(*e);
                return e;
            }
            default:
                fail(t, "expected a value, a name or `(`, found " + describe(t, src_));
        }
    }

    std::string_view src_;
    std::vector<Token> toks_;
    std::size_t pos_ = 0;
    int depth_ = 0;
};

// ----------------------------------------------------------------------------- type check --

class Checker {
public:
    explicit Checker(const ExprScope& scope) : scope_(scope) {}
    std::vector<ExprError> errors;

    // Returns the node's type (Null when unknown after an error, so no cascade of errors).
    ValueType check(Expr& e) {
        e.type = infer(e);
        return e.type;
    }

    void require(Expr& e, ValueType want, std::string_view context) {
        const ValueType got = check(e);
        if (got == want || got == ValueType::Null) return;
        error(e, std::string(context) + " must be " + article(want) + ", but this is " +
                     article(got));
    }

private:
    static std::string article(ValueType t) {
        const std::string n(type_name(t));
        return (n[0] == 'a' || n[0] == 'e' || n[0] == 'i' || n[0] == 'o' || n[0] == 'u' ? "an "
                                                                                         : "a ") +
               n;
    }
    void error(const Expr& e, std::string message, std::string hint = {}) {
        errors.push_back({e.offset, std::move(message), std::move(hint)});
    }
    static bool comparable(ValueType a, ValueType b) {
        return a == ValueType::Null || b == ValueType::Null || a == b;
    }
    static bool ordered(ValueType t) {
        return t == ValueType::Number || t == ValueType::Date || t == ValueType::Text ||
               t == ValueType::Null;
    }

    ValueType infer(Expr& e) {
        switch (e.kind) {
            case ExprKind::Number: return ValueType::Number;
            case ExprKind::Text: return ValueType::Text;
            case ExprKind::Boolean: return ValueType::Boolean;
            case ExprKind::Null: return ValueType::Null;
            case ExprKind::DateLit: return ValueType::Date;
            case ExprKind::Feature: return feature(e);
            case ExprKind::Call: return call(e);
            case ExprKind::List: {
                for (auto& item : e.args) {
                    if (item->kind != ExprKind::Text && item->kind != ExprKind::Number &&
                        item->kind != ExprKind::Null && item->kind != ExprKind::Boolean)
                        error(*item, "a list holds literal values only");
                    check(*item);
                }
                return ValueType::Null;  // a list is only an operand of `in`; see In below
            }
            case ExprKind::Negate:
                require(*e.args[0], ValueType::Number, "the operand of `-`");
                return ValueType::Number;
            case ExprKind::Not:
                require(*e.args[0], ValueType::Boolean, "the operand of `not`");
                return ValueType::Boolean;
            case ExprKind::And:
            case ExprKind::Or: {
                const char* op = e.kind == ExprKind::And ? "`and`" : "`or`";
                require(*e.args[0], ValueType::Boolean, std::string("each side of ") + op);
                require(*e.args[1], ValueType::Boolean, std::string("each side of ") + op);
                return ValueType::Boolean;
            }
            case ExprKind::Compare: {
                const ValueType a = check(*e.args[0]);
                const ValueType b = check(*e.args[1]);
                reject_list(*e.args[0]);
                reject_list(*e.args[1]);
                if (!comparable(a, b)) {
                    error(e, "cannot compare " + article(a) + " with " + article(b));
                } else if (e.compare != CompareOp::Eq && e.compare != CompareOp::Ne &&
                           (!ordered(a) || !ordered(b))) {
                    error(e, "only numbers, dates and text can be ordered, not " +
                                 article(a == ValueType::Null ? b : a));
                } else if (a == ValueType::TextList || b == ValueType::TextList) {
                    error(e, "a list of text cannot be compared",
                          "test membership with `'value' in list`");
                }
                return ValueType::Boolean;
            }
            case ExprKind::In: {
                const ValueType a = check(*e.args[0]);
                reject_list(*e.args[0]);
                Expr& right = *e.args[1];
                if (right.kind == ExprKind::List) {
                    check(right);
                    for (auto& item : right.args)
                        if (!comparable(a, item->type))
                            error(*item, "this list item is " + article(item->type) +
                                             ", but the value tested is " + article(a));
                    right.type = a == ValueType::Null ? ValueType::Null : a;
                } else {
                    const ValueType b = check(right);
                    if (b != ValueType::TextList && b != ValueType::Null)
                        error(right, "the right side of `in` must be a list, but this is " +
                                         article(b),
                              "write `x in ['a', 'b']` or `'a' in interests`");
                    else if (a != ValueType::Text && a != ValueType::Null)
                        error(*e.args[0], "only text can be looked up in a list of text, not " +
                                              article(a));
                }
                return ValueType::Boolean;
            }
            case ExprKind::Between: {
                const ValueType a = check(*e.args[0]);
                const ValueType lo = check(*e.args[1]);
                const ValueType hi = check(*e.args[2]);
                if (!comparable(a, lo) || !comparable(a, hi) || !comparable(lo, hi))
                    error(e, "`between` needs three values of one type");
                else if (!ordered(a) || !ordered(lo) || !ordered(hi))
                    error(e, "`between` needs numbers, dates or text");
                return ValueType::Boolean;
            }
            case ExprKind::IsNull:
                check(*e.args[0]);
                reject_list(*e.args[0]);
                return ValueType::Boolean;
            case ExprKind::Arith: {
                const ValueType a = check(*e.args[0]);
                const ValueType b = check(*e.args[1]);
                reject_list(*e.args[0]);
                reject_list(*e.args[1]);
                if (e.arith == ArithOp::Sub && a == ValueType::Date && b == ValueType::Date)
                    return ValueType::Number;  // days between two dates
                if ((e.arith == ArithOp::Add || e.arith == ArithOp::Sub) && a == ValueType::Date &&
                    (b == ValueType::Number || b == ValueType::Null))
                    return ValueType::Date;  // a date moved by a number of days
                for (int i = 0; i < 2; ++i) {
                    const ValueType t = e.args[static_cast<std::size_t>(i)]->type;
                    if (t != ValueType::Number && t != ValueType::Null)
                        error(*e.args[static_cast<std::size_t>(i)],
                              "arithmetic needs numbers, but this is " + article(t));
                }
                return ValueType::Number;
            }
        }
        return ValueType::Null;
    }

    void reject_list(const Expr& e) {
        if (e.kind == ExprKind::List)
            error(e, "a list literal can only stand on the right of `in`");
    }

    ValueType feature(Expr& e) {
        if (const auto type = scope_.feature_type(e.name)) return *type;
        std::string hint = did_you_mean(e.name, scope_.feature_names());
        error(e, "unknown feature `" + e.name + "`", std::move(hint));
        return ValueType::Null;
    }

    static std::vector<std::string> function_names() {
        return {"share",  "channel_share", "coalesce", "min",  "max",       "abs",
                "lower",  "contains",      "date",     "days_since", "score"};
    }

    bool arity(Expr& e, std::size_t min, std::size_t max) {
        if (e.args.size() >= min && e.args.size() <= max) return true;
        std::string want = min == max ? std::to_string(min)
                           : max == SIZE_MAX ? "at least " + std::to_string(min)
                                             : std::to_string(min) + " to " + std::to_string(max);
        error(e, "`" + e.name + "` takes " + want + " argument" + (max == 1 || (min == 1 && max == SIZE_MAX) ? "" : "s") +
                     ", not " + std::to_string(e.args.size()));
        return false;
    }

    // `fn('literal')` → the literal, or an error.
    std::optional<std::string> literal_argument(Expr& e, std::string_view what) {
        if (!arity(e, 1, 1)) return std::nullopt;
        const Expr& arg = *e.args[0];
        if (arg.kind != ExprKind::Text) {
            error(arg, "the argument of `" + e.name + "` must be " + std::string(what) +
                           " written in quotes");
            return std::nullopt;
        }
        return arg.text;
    }

    ValueType call(Expr& e) {
        const std::string& fn = e.name;
        if (fn == "share" || fn == "channel_share") {
            const auto arg = literal_argument(e, fn == "share" ? "a category" : "a channel");
            if (!arg) return ValueType::Null;
            const std::string key = FeatureCall{fn, *arg}.name();
            const auto type = scope_.feature_type(key);
            if (!type) {
                error(e, "feature `" + fn + "(…)` is not available",
                      "its source table is not mapped or not supported by this version");
                return ValueType::Null;
            }
            e.kind = ExprKind::Feature;
            e.name = key;
            e.args.clear();
            return *type;
        }
        if (fn == "score") {
            const auto arg = literal_argument(e, "a score id");
            if (!arg) return ValueType::Null;
            if (!scope_.is_score(*arg)) {
                error(*e.args[0], "unknown score `" + *arg + "`",
                      did_you_mean(*arg, scope_.feature_names()));
                return ValueType::Null;
            }
            e.kind = ExprKind::Feature;
            e.name = *arg;
            e.args.clear();
            return ValueType::Number;
        }
        if (fn == "date") {
            const auto arg = literal_argument(e, "a date YYYY-MM-DD");
            if (!arg) return ValueType::Null;
            const auto day = parse_day(*arg);
            if (!day) {
                error(*e.args[0], "`" + *arg + "` is not a valid date",
                      "write it as YYYY-MM-DD, e.g. date('2026-01-31')");
                return ValueType::Null;
            }
            e.kind = ExprKind::DateLit;
            e.number = *day;
            e.args.clear();
            return ValueType::Date;
        }
        if (fn == "coalesce" || fn == "min" || fn == "max") {
            if (!arity(e, fn == "coalesce" ? 1 : 2, SIZE_MAX)) return ValueType::Null;
            ValueType common = ValueType::Null;
            for (auto& arg : e.args) {
                const ValueType t = check(*arg);
                reject_list(*arg);
                if (t == ValueType::Null) continue;
                if (common == ValueType::Null) {
                    common = t;
                } else if (t != common) {
                    error(*arg, "the arguments of `" + fn + "` must all be of one type; this is " +
                                    article(t) + ", an earlier one " + article(common));
                }
            }
            if (fn != "coalesce" && common != ValueType::Number && common != ValueType::Date &&
                common != ValueType::Null)
                error(e, "`" + fn + "` takes numbers or dates, not " + article(common));
            else if (fn != "coalesce" && common == ValueType::Null)
                error(e, "`" + fn + "` needs at least one argument that is not `null`");
            return common;
        }
        if (fn == "abs") {
            if (arity(e, 1, 1)) require(*e.args[0], ValueType::Number, "the argument of `abs`");
            return ValueType::Number;
        }
        if (fn == "lower") {
            if (arity(e, 1, 1)) require(*e.args[0], ValueType::Text, "the argument of `lower`");
            return ValueType::Text;
        }
        if (fn == "contains") {
            if (arity(e, 2, 2)) {
                require(*e.args[0], ValueType::Text, "the first argument of `contains`");
                require(*e.args[1], ValueType::Text, "the second argument of `contains`");
            }
            return ValueType::Boolean;
        }
        if (fn == "days_since") {
            if (arity(e, 1, 1)) require(*e.args[0], ValueType::Date, "the argument of `days_since`");
            return ValueType::Number;
        }
        error(e, "unknown function `" + fn + "`", did_you_mean(fn, function_names()));
        return ValueType::Null;
    }

    const ExprScope& scope_;
};

void collect(const Expr& e, std::vector<std::string>& out) {
    if (e.kind == ExprKind::Feature &&
        std::find(out.begin(), out.end(), e.name) == out.end())
        out.push_back(e.name);
    for (const auto& a : e.args) collect(*a, out);
}

}  // namespace

ParsedExpr parse_expression(std::string_view text) {
    ParsedExpr result;
    try {
        Parser parser(text, tokenize(text));
        result.expr = parser.parse();
    } catch (const SyntaxError& e) {
        result.error = e.error;
    }
    return result;
}

std::vector<ExprError> check_expression(Expr& expr, const ExprScope& scope, ValueType expected) {
    Checker checker(scope);
    checker.require(expr, expected, "a rule");
    if (expr.kind == ExprKind::Null && expected == ValueType::Boolean)
        checker.errors.push_back({expr.offset, "a rule cannot be `null`", "write `true` or `false`"});
    return std::move(checker.errors);
}

std::vector<std::string> features_read(const Expr& expr) {
    std::vector<std::string> out;
    collect(expr, out);
    return out;
}

}  // namespace custclass::config
