#include "rule_program.h"
#include "parallel_rows.h"
#include "text.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <stdexcept>

namespace custclass::plugin {

using config::ArithOp;
using config::CompareOp;
using config::Expr;
using config::ExprKind;

namespace {

constexpr std::size_t kBlock = 1024;

struct Block {
    std::size_t begin = 0;
    std::size_t size = 0;
};

// A text value during evaluation: a pointer to a string that outlives the block, or null.
using TextValue = const std::string*;

// A list value: codes into a dictionary, or null (dictionary == nullptr).
struct ListValue {
    const std::int32_t* begin = nullptr;
    const std::int32_t* end = nullptr;
    const std::vector<std::string>* dictionary = nullptr;
};

[[noreturn]] void wrong_type(const char* what) {
    throw std::logic_error(std::string("rule program: node evaluated as ") + what);
}

}  // namespace

// One operator of a compiled expression. Each evaluates a block of rows into a typed output
// buffer through the method of its result type.
class VecNode {
public:
    VecNode(const Expr& e) : expr(e) {}
    virtual ~VecNode() = default;
    virtual void numbers(const Block&, double*) { wrong_type("number"); }
    // Booleans: 0 false, 1 true, kNullBool null; logic treats null as not true.
    virtual void bools(const Block&, std::uint8_t*) { wrong_type("boolean"); }
    virtual void texts(const Block&, TextValue*) { wrong_type("text"); }
    virtual void days(const Block&, std::int32_t*) { wrong_type("date"); }
    virtual void lists(const Block&, ListValue*) { wrong_type("list"); }
    // The numbers of a block read in place, when the node is a column (no copy); else null.
    virtual const double* number_view(const Block&) { return nullptr; }
    // Text as codes of a column's dictionary, when the node is a column; else null.
    virtual const Column* text_column() const { return nullptr; }

    const Expr& expr;
    std::vector<std::unique_ptr<VecNode>> children;
};

namespace {

// The rows a node's buffers hold: a block, or the table's rows when it has fewer (a hook's one
// customer: a compiled rule set's buffers of whole blocks were about a megabyte, allocated and
// freed twice a hook). Set by compile() for the nodes it makes, on its thread.
thread_local std::size_t t_buffer_rows = kBlock;

// Scratch buffers for a node's operands.
template <class T>
struct Buf {
    std::vector<T> v = std::vector<T>(t_buffer_rows);
};
using NumberBuf = Buf<double>;
using BoolBuf = Buf<std::uint8_t>;
using TextBuf = Buf<TextValue>;
using DayBuf = Buf<std::int32_t>;

// ------------------------------------------------------------------------------- literals --

class NullLiteral final : public VecNode {
public:
    using VecNode::VecNode;
    void numbers(const Block& b, double* out) override { std::fill_n(out, b.size, kNullNumber); }
    void bools(const Block& b, std::uint8_t* out) override { std::fill_n(out, b.size, kNullBool); }
    void texts(const Block& b, TextValue* out) override { std::fill_n(out, b.size, nullptr); }
    void days(const Block& b, std::int32_t* out) override { std::fill_n(out, b.size, kNullDay); }
    void lists(const Block& b, ListValue* out) override { std::fill_n(out, b.size, ListValue{}); }
};

class NumberLiteral final : public VecNode {
public:
    using VecNode::VecNode;
    void numbers(const Block& b, double* out) override { std::fill_n(out, b.size, expr.number); }
};

class BoolLiteral final : public VecNode {
public:
    using VecNode::VecNode;
    void bools(const Block& b, std::uint8_t* out) override {
        std::fill_n(out, b.size, static_cast<std::uint8_t>(expr.boolean));
    }
};

class TextLiteral final : public VecNode {
public:
    using VecNode::VecNode;
    void texts(const Block& b, TextValue* out) override { std::fill_n(out, b.size, &expr.text); }
};

class DateLiteral final : public VecNode {
public:
    using VecNode::VecNode;
    void days(const Block& b, std::int32_t* out) override {
        std::fill_n(out, b.size, static_cast<std::int32_t>(expr.number));
    }
};

// ------------------------------------------------------------------------------- features --

class FeatureRead final : public VecNode {
public:
    FeatureRead(const Expr& e, const Column& c) : VecNode(e), column(c) {}
    const double* number_view(const Block& b) override { return column.numbers.data() + b.begin; }
    const Column* text_column() const override {
        return column.type == ValueType::Text ? &column : nullptr;
    }
    void numbers(const Block& b, double* out) override {
        std::copy_n(column.numbers.data() + b.begin, b.size, out);
    }
    void bools(const Block& b, std::uint8_t* out) override {
        std::copy_n(column.booleans.data() + b.begin, b.size, out);
    }
    void days(const Block& b, std::int32_t* out) override {
        std::copy_n(column.days.data() + b.begin, b.size, out);
    }
    void texts(const Block& b, TextValue* out) override {
        for (std::size_t i = 0; i < b.size; ++i) {
            const std::int32_t code = column.codes[b.begin + i];
            out[i] = code == kNullCode ? nullptr : &column.dictionary[static_cast<std::size_t>(code)];
        }
    }
    void lists(const Block& b, ListValue* out) override {
        for (std::size_t i = 0; i < b.size; ++i) {
            const std::size_t r = b.begin + i;
            out[i] = column.list_null[r]
                         ? ListValue{}
                         : ListValue{column.codes.data() + column.offsets[r],
                                     column.codes.data() + column.offsets[r + 1],
                                     &column.dictionary};
        }
    }
    const Column& column;
};

// ------------------------------------------------------------------------------ arithmetic --

class Negate final : public VecNode {
public:
    using VecNode::VecNode;
    void numbers(const Block& b, double* out) override {
        children[0]->numbers(b, out);
        for (std::size_t i = 0; i < b.size; ++i) out[i] = -out[i];
    }
};

class Arith final : public VecNode {
public:
    using VecNode::VecNode;
    void numbers(const Block& b, double* out) override {
        if (expr.args[0]->type == ValueType::Date) {  // date − date: days between
            children[0]->days(b, x.v.data());
            children[1]->days(b, y.v.data());
            for (std::size_t i = 0; i < b.size; ++i)
                out[i] = x.v[i] == kNullDay || y.v[i] == kNullDay ? kNullNumber
                                                                  : double(x.v[i]) - double(y.v[i]);
            return;
        }
        children[0]->numbers(b, out);
        children[1]->numbers(b, n.v.data());
        const double* r = n.v.data();
        switch (expr.arith) {
            case ArithOp::Add: for (std::size_t i = 0; i < b.size; ++i) out[i] += r[i]; break;
            case ArithOp::Sub: for (std::size_t i = 0; i < b.size; ++i) out[i] -= r[i]; break;
            case ArithOp::Mul: for (std::size_t i = 0; i < b.size; ++i) out[i] *= r[i]; break;
            case ArithOp::Div:
                for (std::size_t i = 0; i < b.size; ++i)
                    out[i] = r[i] == 0 ? kNullNumber : out[i] / r[i];  // x / 0 is null
                break;
        }
    }
    void days(const Block& b, std::int32_t* out) override {  // date ± number of days
        children[0]->days(b, out);
        children[1]->numbers(b, n.v.data());
        const double sign = expr.arith == ArithOp::Sub ? -1 : 1;
        for (std::size_t i = 0; i < b.size; ++i) {
            // A day outside ±10 million days of 1970 is no date: null.
            const double moved = out[i] == kNullDay || is_null(n.v[i])
                                     ? kNullNumber
                                     : double(out[i]) + sign * std::floor(n.v[i]);
            out[i] = is_null(moved) || std::abs(moved) > 1e7 ? kNullDay
                                                             : static_cast<std::int32_t>(moved);
        }
    }
    NumberBuf n;
    DayBuf x, y;
};

// ---------------------------------------------------------------------------------- logic --

class Not final : public VecNode {
public:
    using VecNode::VecNode;
    void bools(const Block& b, std::uint8_t* out) override {
        children[0]->bools(b, out);
        for (std::size_t i = 0; i < b.size; ++i) out[i] = out[i] != 1;
    }
};

class AndOr final : public VecNode {
public:
    using VecNode::VecNode;
    void bools(const Block& b, std::uint8_t* out) override {
        children[0]->bools(b, out);
        children[1]->bools(b, r.v.data());
        if (expr.kind == ExprKind::And)
            for (std::size_t i = 0; i < b.size; ++i) out[i] = (out[i] == 1) & (r.v[i] == 1);
        else
            for (std::size_t i = 0; i < b.size; ++i) out[i] = (out[i] == 1) | (r.v[i] == 1);
    }
    BoolBuf r;
};

// ----------------------------------------------------------------------------- comparison --

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

// The type both operands are evaluated as (a null literal takes the other side's type).
ValueType operand_type(const Expr& a, const Expr& b) {
    return a.type != ValueType::Null ? a.type : b.type;
}

class Compare final : public VecNode {
public:
    Compare(const Expr& e) : VecNode(e), type(operand_type(*e.args[0], *e.args[1])) {}
    void bools(const Block& b, std::uint8_t* out) override {
        const CompareOp op = expr.compare;
        switch (type) {
            case ValueType::Number: {
                const double* l = children[0]->number_view(b);
                if (!l) {
                    children[0]->numbers(b, x.v.data());
                    l = x.v.data();
                }
                // A column against a constant: compare with the scalar.
                if (expr.args[1]->kind == ExprKind::Number) {
                    const double r = expr.args[1]->number;
                    switch (op) {
                        case CompareOp::Eq: for (std::size_t i = 0; i < b.size; ++i) out[i] = l[i] == r; break;
                        case CompareOp::Ne: for (std::size_t i = 0; i < b.size; ++i) out[i] = (l[i] < r) | (l[i] > r); break;
                        case CompareOp::Lt: for (std::size_t i = 0; i < b.size; ++i) out[i] = l[i] < r; break;
                        case CompareOp::Le: for (std::size_t i = 0; i < b.size; ++i) out[i] = l[i] <= r; break;
                        case CompareOp::Gt: for (std::size_t i = 0; i < b.size; ++i) out[i] = l[i] > r; break;
                        case CompareOp::Ge: for (std::size_t i = 0; i < b.size; ++i) out[i] = l[i] >= r; break;
                    }
                    return;
                }
                const double* r = children[1]->number_view(b);
                if (!r) {
                    children[1]->numbers(b, y.v.data());
                    r = y.v.data();
                }
                // NaN (null) compares false under every operator, != included.
                switch (op) {
                    case CompareOp::Eq: for (std::size_t i = 0; i < b.size; ++i) out[i] = l[i] == r[i]; break;
                    case CompareOp::Ne: for (std::size_t i = 0; i < b.size; ++i) out[i] = (l[i] < r[i]) | (l[i] > r[i]); break;
                    case CompareOp::Lt: for (std::size_t i = 0; i < b.size; ++i) out[i] = l[i] < r[i]; break;
                    case CompareOp::Le: for (std::size_t i = 0; i < b.size; ++i) out[i] = l[i] <= r[i]; break;
                    case CompareOp::Gt: for (std::size_t i = 0; i < b.size; ++i) out[i] = l[i] > r[i]; break;
                    case CompareOp::Ge: for (std::size_t i = 0; i < b.size; ++i) out[i] = l[i] >= r[i]; break;
                }
                return;
            }
            case ValueType::Date:
                children[0]->days(b, dx.v.data());
                children[1]->days(b, dy.v.data());
                for (std::size_t i = 0; i < b.size; ++i)
                    out[i] = dx.v[i] != kNullDay && dy.v[i] != kNullDay &&
                             compare(op, dx.v[i], dy.v[i]);
                return;
            case ValueType::Text:
                // A column (in)equal to a constant: compare dictionary codes, not strings.
                if (const Column* col = children[0]->text_column();
                    col && expr.args[1]->kind == ExprKind::Text &&
                    (op == CompareOp::Eq || op == CompareOp::Ne)) {
                    const std::int32_t want = col->code_of(expr.args[1]->text);
                    const std::int32_t* codes = col->codes.data() + b.begin;
                    if (op == CompareOp::Eq)
                        for (std::size_t i = 0; i < b.size; ++i)
                            out[i] = want != kNullCode && codes[i] == want;
                    else
                        for (std::size_t i = 0; i < b.size; ++i)
                            out[i] = codes[i] != kNullCode && codes[i] != want;
                    return;
                }
                children[0]->texts(b, tx.v.data());
                children[1]->texts(b, ty.v.data());
                for (std::size_t i = 0; i < b.size; ++i)
                    out[i] = tx.v[i] && ty.v[i] && compare(op, *tx.v[i], *ty.v[i]);
                return;
            case ValueType::Boolean:
                children[0]->bools(b, bx.v.data());
                children[1]->bools(b, out);
                for (std::size_t i = 0; i < b.size; ++i)
                    out[i] = bx.v[i] != kNullBool && out[i] != kNullBool &&
                             compare(op, bx.v[i], out[i]);
                return;
            default:  // null compared with null
                std::fill_n(out, b.size, 0);
        }
    }
    ValueType type;
    NumberBuf x, y;
    DayBuf dx, dy;
    TextBuf tx, ty;
    BoolBuf bx;
};

// `a [not] in [literals]`: a null operand gives false either way.
class InLiterals final : public VecNode {
public:
    InLiterals(const Expr& e) : VecNode(e) {
        for (const auto& item : e.args[1]->args) {
            if (item->kind == ExprKind::Number) numbers_.push_back(item->number);
            if (item->kind == ExprKind::Text) texts_.push_back(item->text);
            if (item->kind == ExprKind::Boolean) bools_.push_back(item->boolean);
        }
    }
    void bools(const Block& b, std::uint8_t* out) override {
        const bool neg = expr.negated;
        switch (expr.args[0]->type) {
            case ValueType::Number:
                children[0]->numbers(b, x.v.data());
                for (std::size_t i = 0; i < b.size; ++i) {
                    const double v = x.v[i];
                    out[i] = !is_null(v) &&
                             (std::find(numbers_.begin(), numbers_.end(), v) != numbers_.end()) != neg;
                }
                return;
            case ValueType::Text:
                if (const Column* col = children[0]->text_column()) {
                    // Which dictionary codes are in the list, worked out once.
                    if (member_.size() != col->dictionary.size()) {
                        member_.assign(col->dictionary.size(), 0);
                        for (const auto& text : texts_)
                            if (const std::int32_t c = col->code_of(text); c != kNullCode)
                                member_[static_cast<std::size_t>(c)] = 1;
                    }
                    const std::int32_t* codes = col->codes.data() + b.begin;
                    for (std::size_t i = 0; i < b.size; ++i)
                        out[i] = codes[i] != kNullCode &&
                                 (member_[static_cast<std::size_t>(codes[i])] != 0) != neg;
                    return;
                }
                children[0]->texts(b, t.v.data());
                for (std::size_t i = 0; i < b.size; ++i)
                    out[i] = t.v[i] &&
                             (std::find(texts_.begin(), texts_.end(), *t.v[i]) != texts_.end()) != neg;
                return;
            case ValueType::Boolean:
                children[0]->bools(b, out);
                for (std::size_t i = 0; i < b.size; ++i)
                    out[i] = out[i] != kNullBool &&
                             (std::find(bools_.begin(), bools_.end(), out[i] == 1) != bools_.end()) != neg;
                return;
            default:
                std::fill_n(out, b.size, 0);
        }
    }
    std::vector<double> numbers_;
    std::vector<std::string> texts_;
    std::vector<bool> bools_;
    std::vector<std::uint8_t> member_;  // by dictionary code, for a text column
    NumberBuf x;
    TextBuf t;
};

// `text [not] in list-valued expression` (e.g. 'skincare' in interests).
class InList final : public VecNode {
public:
    using VecNode::VecNode;
    void bools(const Block& b, std::uint8_t* out) override {
        children[0]->texts(b, t.v.data());
        children[1]->lists(b, l.data());
        for (std::size_t i = 0; i < b.size; ++i) {
            const ListValue& list = l[i];
            if (!t.v[i] || !list.dictionary) {
                out[i] = 0;
                continue;
            }
            bool found = false;
            for (const std::int32_t* c = list.begin; c != list.end && !found; ++c)
                found = (*list.dictionary)[static_cast<std::size_t>(*c)] == *t.v[i];
            out[i] = found != expr.negated;
        }
    }
    TextBuf t;
    std::vector<ListValue> l = std::vector<ListValue>(t_buffer_rows);
};

class Between final : public VecNode {
public:
    using VecNode::VecNode;
    void bools(const Block& b, std::uint8_t* out) override {
        ValueType type = ValueType::Null;
        for (const auto& a : expr.args)
            if (a->type != ValueType::Null) type = a->type;
        switch (type) {
            case ValueType::Number:
                children[0]->numbers(b, v.v.data());
                children[1]->numbers(b, lo.v.data());
                children[2]->numbers(b, hi.v.data());
                for (std::size_t i = 0; i < b.size; ++i)
                    out[i] = (v.v[i] >= lo.v[i]) & (v.v[i] <= hi.v[i]);
                return;
            case ValueType::Date:
                children[0]->days(b, dv.v.data());
                children[1]->days(b, dlo.v.data());
                children[2]->days(b, dhi.v.data());
                for (std::size_t i = 0; i < b.size; ++i)
                    out[i] = dv.v[i] != kNullDay && dlo.v[i] != kNullDay && dhi.v[i] != kNullDay &&
                             dv.v[i] >= dlo.v[i] && dv.v[i] <= dhi.v[i];
                return;
            case ValueType::Text:
                children[0]->texts(b, tv.v.data());
                children[1]->texts(b, tlo.v.data());
                children[2]->texts(b, thi.v.data());
                for (std::size_t i = 0; i < b.size; ++i)
                    out[i] = tv.v[i] && tlo.v[i] && thi.v[i] && *tv.v[i] >= *tlo.v[i] &&
                             *tv.v[i] <= *thi.v[i];
                return;
            default:
                std::fill_n(out, b.size, 0);
        }
    }
    NumberBuf v, lo, hi;
    DayBuf dv, dlo, dhi;
    TextBuf tv, tlo, thi;
};

class IsNull final : public VecNode {
public:
    using VecNode::VecNode;
    void bools(const Block& b, std::uint8_t* out) override {
        const bool neg = expr.negated;
        switch (expr.args[0]->type) {
            case ValueType::Number:
                children[0]->numbers(b, n.v.data());
                for (std::size_t i = 0; i < b.size; ++i) out[i] = is_null(n.v[i]) != neg;
                return;
            case ValueType::Boolean:
                children[0]->bools(b, out);
                for (std::size_t i = 0; i < b.size; ++i) out[i] = (out[i] == kNullBool) != neg;
                return;
            case ValueType::Date:
                children[0]->days(b, d.v.data());
                for (std::size_t i = 0; i < b.size; ++i) out[i] = (d.v[i] == kNullDay) != neg;
                return;
            case ValueType::Text:
                children[0]->texts(b, t.v.data());
                for (std::size_t i = 0; i < b.size; ++i) out[i] = (t.v[i] == nullptr) != neg;
                return;
            case ValueType::TextList:
                children[0]->lists(b, l.data());
                for (std::size_t i = 0; i < b.size; ++i) out[i] = (l[i].dictionary == nullptr) != neg;
                return;
            case ValueType::Null:
                std::fill_n(out, b.size, static_cast<std::uint8_t>(!neg));
                return;
        }
    }
    NumberBuf n;
    DayBuf d;
    TextBuf t;
    std::vector<ListValue> l = std::vector<ListValue>(t_buffer_rows);
};

// ------------------------------------------------------------------------------ functions --

// coalesce(a, b, …): the first non-null argument.
class Coalesce final : public VecNode {
public:
    using VecNode::VecNode;
    void numbers(const Block& b, double* out) override {
        children[0]->numbers(b, out);
        for (std::size_t k = 1; k < children.size(); ++k) {
            children[k]->numbers(b, n.v.data());
            for (std::size_t i = 0; i < b.size; ++i)
                if (is_null(out[i])) out[i] = n.v[i];
        }
    }
    void bools(const Block& b, std::uint8_t* out) override {
        children[0]->bools(b, out);
        for (std::size_t k = 1; k < children.size(); ++k) {
            children[k]->bools(b, x.v.data());
            for (std::size_t i = 0; i < b.size; ++i)
                if (out[i] == kNullBool) out[i] = x.v[i];
        }
    }
    void texts(const Block& b, TextValue* out) override {
        children[0]->texts(b, out);
        for (std::size_t k = 1; k < children.size(); ++k) {
            children[k]->texts(b, t.v.data());
            for (std::size_t i = 0; i < b.size; ++i)
                if (!out[i]) out[i] = t.v[i];
        }
    }
    void days(const Block& b, std::int32_t* out) override {
        children[0]->days(b, out);
        for (std::size_t k = 1; k < children.size(); ++k) {
            children[k]->days(b, d.v.data());
            for (std::size_t i = 0; i < b.size; ++i)
                if (out[i] == kNullDay) out[i] = d.v[i];
        }
    }
    void lists(const Block& b, ListValue* out) override {
        children[0]->lists(b, out);
        for (std::size_t k = 1; k < children.size(); ++k) {
            children[k]->lists(b, l.data());
            for (std::size_t i = 0; i < b.size; ++i)
                if (!out[i].dictionary) out[i] = l[i];
        }
    }
    NumberBuf n;
    BoolBuf x;
    TextBuf t;
    DayBuf d;
    std::vector<ListValue> l = std::vector<ListValue>(t_buffer_rows);
};

// min(…) / max(…): nulls are ignored; null only when every argument is null.
class MinMax final : public VecNode {
public:
    using VecNode::VecNode;
    void numbers(const Block& b, double* out) override {
        const bool is_max = expr.name == "max";
        children[0]->numbers(b, out);
        for (std::size_t k = 1; k < children.size(); ++k) {
            children[k]->numbers(b, n.v.data());
            for (std::size_t i = 0; i < b.size; ++i) {
                const double v = n.v[i];
                if (is_null(v)) continue;
                if (is_null(out[i]) || (is_max ? v > out[i] : v < out[i])) out[i] = v;
            }
        }
    }
    void days(const Block& b, std::int32_t* out) override {
        const bool is_max = expr.name == "max";
        children[0]->days(b, out);
        for (std::size_t k = 1; k < children.size(); ++k) {
            children[k]->days(b, d.v.data());
            for (std::size_t i = 0; i < b.size; ++i) {
                const std::int32_t v = d.v[i];
                if (v == kNullDay) continue;
                if (out[i] == kNullDay || (is_max ? v > out[i] : v < out[i])) out[i] = v;
            }
        }
    }
    NumberBuf n;
    DayBuf d;
};

class Abs final : public VecNode {
public:
    using VecNode::VecNode;
    void numbers(const Block& b, double* out) override {
        children[0]->numbers(b, out);
        for (std::size_t i = 0; i < b.size; ++i) out[i] = std::abs(out[i]);
    }
};

// lower(text): ASCII letters lower-cased (other characters unchanged).
class Lower final : public VecNode {
public:
    using VecNode::VecNode;
    void texts(const Block& b, TextValue* out) override {
        children[0]->texts(b, t.v.data());
        for (std::size_t i = 0; i < b.size; ++i) {
            if (!t.v[i]) {
                out[i] = nullptr;
                continue;
            }
            std::string& s = store[i];
            s = config::ascii_lower(*t.v[i]);
            out[i] = &s;
        }
    }
    TextBuf t;
    std::vector<std::string> store = std::vector<std::string>(t_buffer_rows);
};

class Contains final : public VecNode {
public:
    using VecNode::VecNode;
    void bools(const Block& b, std::uint8_t* out) override {
        children[0]->texts(b, x.v.data());
        children[1]->texts(b, y.v.data());
        for (std::size_t i = 0; i < b.size; ++i)
            out[i] = x.v[i] && y.v[i] && x.v[i]->find(*y.v[i]) != std::string::npos;
    }
    TextBuf x, y;
};

class DaysSince final : public VecNode {
public:
    DaysSince(const Expr& e, Day as_of) : VecNode(e), as_of_(as_of) {}
    void numbers(const Block& b, double* out) override {
        children[0]->days(b, d.v.data());
        for (std::size_t i = 0; i < b.size; ++i)
            out[i] = d.v[i] == kNullDay ? kNullNumber : double(as_of_) - double(d.v[i]);
    }
    Day as_of_;
    DayBuf d;
};

// --------------------------------------------------------------------------------- compile --

std::unique_ptr<VecNode> compile(const Expr& e, const FeatureTable& table, Day as_of) {
    std::unique_ptr<VecNode> node;
    switch (e.kind) {
        case ExprKind::Number: node = std::make_unique<NumberLiteral>(e); break;
        case ExprKind::Text: node = std::make_unique<TextLiteral>(e); break;
        case ExprKind::Boolean: node = std::make_unique<BoolLiteral>(e); break;
        case ExprKind::Null: node = std::make_unique<NullLiteral>(e); break;
        case ExprKind::DateLit: node = std::make_unique<DateLiteral>(e); break;
        case ExprKind::Feature: {
            const Column* column = table.find(e.name);
            if (!column)
                throw std::logic_error("rule program: feature `" + e.name + "` was not computed");
            return std::make_unique<FeatureRead>(e, *column);
        }
        case ExprKind::List: node = std::make_unique<NullLiteral>(e); break;
        case ExprKind::Negate: node = std::make_unique<Negate>(e); break;
        case ExprKind::Not: node = std::make_unique<Not>(e); break;
        case ExprKind::And:
        case ExprKind::Or: node = std::make_unique<AndOr>(e); break;
        case ExprKind::Compare: node = std::make_unique<Compare>(e); break;
        case ExprKind::In:
            if (e.args[1]->kind == ExprKind::List) {
                node = std::make_unique<InLiterals>(e);
                node->children.push_back(compile(*e.args[0], table, as_of));
                return node;
            }
            node = std::make_unique<InList>(e);
            break;
        case ExprKind::Between: node = std::make_unique<Between>(e); break;
        case ExprKind::IsNull: node = std::make_unique<IsNull>(e); break;
        case ExprKind::Arith: node = std::make_unique<Arith>(e); break;
        case ExprKind::Call:
            if (e.name == "coalesce") node = std::make_unique<Coalesce>(e);
            else if (e.name == "min" || e.name == "max") node = std::make_unique<MinMax>(e);
            else if (e.name == "abs") node = std::make_unique<Abs>(e);
            else if (e.name == "lower") node = std::make_unique<Lower>(e);
            else if (e.name == "contains") node = std::make_unique<Contains>(e);
            else if (e.name == "days_since") node = std::make_unique<DaysSince>(e, as_of);
            else throw std::logic_error("rule program: unknown function `" + e.name + "`");
            break;
    }
    if (e.kind != ExprKind::List)
        for (const auto& a : e.args) node->children.push_back(compile(*a, table, as_of));
    return node;
}

// What an interaction point gives for its weighed count of interactions: `add` per interaction,
// capped at `max`.
double interaction_points(const config::ScorePoints& p, double weighed) {
    const double points = p.add * weighed;
    return p.max ? std::min(points, *p.max) : points;
}

// One point of a score for one row: a condition point with whether it held, an interaction
// point with the weighed count of interactions; each with the points it gave.
nlohmann::ordered_json point_json(const config::ScorePoints& p, bool held, const FeatureTable& table,
                                  std::size_t row) {
    if (!p.interaction)
        return {{"when", p.when.text}, {"add", p.add}, {"held", held}, {"points", held ? p.add : 0.0}};
    const Column* count = table.find(p.interaction->feature());
    const double weighed = count ? count->numbers[row] : 0.0;
    nlohmann::ordered_json point = {{"interaction", p.interaction->kind}};
    if (!p.interaction->keyword.empty()) point["keyword"] = p.interaction->keyword;
    if (p.interaction->half_life_days) point["decay_half_life_days"] = *p.interaction->half_life_days;
    point["add"] = p.add;
    if (p.max) point["max"] = *p.max;
    point["interactions"] = weighed;
    point["points"] = interaction_points(p, weighed);
    return point;
}

// The index of the first tier whose threshold `value` reaches; score.tiers.size(): none (cold).
std::size_t tier_index(const config::Score& score, double value) {
    for (std::size_t t = 0; t < score.tiers.size(); ++t)
        if (value >= score.tiers[t].min) return t;
    return score.tiers.size();
}

// The name of tier index `t` (tier_index): below every threshold, "cold" (RULES.md: "else cold").
std::string_view tier_name(const config::Score& score, std::size_t t) {
    return t < score.tiers.size() ? std::string_view(score.tiers[t].id) : std::string_view("cold");
}

// Evaluates a boolean node for one row.
bool holds(VecNode& node, std::size_t row) {
    std::uint8_t v = 0;
    node.bools(Block{row, 1}, &v);
    return v == 1;
}

// The sub-condition that made `node` false for `row`: into `and`s, the first false operand.
const VecNode& failing_part(VecNode& node, std::size_t row) {
    if (node.expr.kind == ExprKind::And)
        for (auto& child : node.children)
            if (!holds(*child, row)) return failing_part(*child, row);
    return node;
}

nlohmann::ordered_json feature_values(const config::Condition& c, const FeatureTable& table,
                              std::size_t row) {
    nlohmann::ordered_json values = nlohmann::ordered_json::object();
    for (const auto& name : c.reads)
        if (const Column* col = table.find(name)) values[name] = col->json_value(row);
    return values;
}

std::string source_text(const config::Condition& c, const Expr& e) {
    return c.text.substr(e.offset, e.length);
}

}  // namespace

RuleProgram::RuleProgram(const config::RuleSet& rules, Day as_of) : rules_(rules), as_of_(as_of) {}
RuleProgram::~RuleProgram() = default;

std::unique_ptr<VecNode> RuleProgram::compile_condition(const config::Condition& c,
                                                        const FeatureTable& table) const {
    if (!c.expr) throw std::logic_error("rule program: a condition was not compiled");
    // Buffers of the rows a block of this table can have (restored after: compile_condition
    // may be called for another table meanwhile, on another thread it has its own value).
    const std::size_t before = t_buffer_rows;
    t_buffer_rows = std::max<std::size_t>(1, std::min(kBlock, table.rows()));
    try {
        auto node = compile(*c.expr, table, as_of_);
        t_buffer_rows = before;
        return node;
    } catch (...) {
        t_buffer_rows = before;
        throw;
    }
}

std::vector<std::uint8_t> RuleProgram::evaluate(const config::Condition& condition,
                                             const FeatureTable& table) const {
    const std::size_t n = table.rows();
    std::vector<std::uint8_t> out(n, 0);
    auto node = compile_condition(condition, table);
    for (std::size_t begin = 0; begin < n; begin += kBlock) {
        const Block b{begin, std::min(kBlock, n - begin)};
        node->bools(b, out.data() + begin);
    }
    for (auto& v : out) v = v == 1;
    return out;
}

std::vector<ClassificationResult> RuleProgram::run(FeatureTable& table, bool count_every_rule,
                                                  unsigned threads) {
    const std::size_t n = table.rows();
    const std::size_t parts = row_parts(n, threads, kBlock);

    // Scores, in dependency order: each becomes a number column and a tier column. Every part
    // compiles its own nodes (they hold the buffers of their blocks) and adds the points of its
    // rows, in the order of the points: the same sums as on one thread.
    for (const auto& score : rules_.scores) {
        std::vector<double> total(n, 0.0);
        parallel_rows(n, threads, kBlock, [&](std::size_t, std::size_t first, std::size_t last) {
            std::array<std::uint8_t, kBlock> truth{};
            for (const auto& p : score.points) {
                if (p.interaction) {
                    const Column* count = table.find(p.interaction->feature());
                    if (!count)
                        throw std::logic_error("rule program: the interactions of a score point were not computed");
                    for (std::size_t r = first; r < last; ++r) total[r] += interaction_points(p, count->numbers[r]);
                    continue;
                }
                auto node = compile_condition(p.when, table);
                for (std::size_t begin = first; begin < last; begin += kBlock) {
                    const Block b{begin, std::min(kBlock, last - begin)};
                    node->bools(b, truth.data());
                    for (std::size_t i = 0; i < b.size; ++i)
                        if (truth[i] == 1) total[begin + i] += p.add;
                }
            }
        });
        // Each row's tier by its index (the tiers', then cold), each tier's text interned on its
        // first row: the codes of interning row by row, without hashing a text per row.
        Column& tier = table.add(score.id + "_tier", ValueType::Text);
        constexpr std::int32_t unset = kNullCode - 1;
        std::vector<std::int32_t> tier_code(score.tiers.size() + 1, unset);
        for (std::size_t r = 0; r < n; ++r) {
            const std::size_t t = tier_index(score, total[r]);
            if (tier_code[t] == unset) tier_code[t] = tier.intern(tier_name(score, t));
            tier.codes[r] = tier_code[t];
        }
        table.add(score.id, ValueType::Number).numbers = std::move(total);
    }

    // The classifications: every part assigns the segments of its rows and counts, per rule,
    // the rows where it held; the counts are added up after.
    const auto& classifications = rules_.classifications;
    std::vector<ClassificationResult> results(classifications.size());
    for (std::size_t c = 0; c < classifications.size(); ++c) {
        const auto& cls = classifications[c];
        auto& res = results[c];
        res.counts.assign(cls.segments.size(), 0);
        if (count_every_rule) res.matched.assign(cls.segments.size(), 0);
        if (cls.mode == config::ClassificationMode::FirstMatch)
            res.segment.assign(n, -1);
        else
            res.matches.assign(cls.segments.size(), std::vector<std::uint8_t>(n, 0));
    }
    // [part][classification][segment]: rows where the segment's rule held; [part][classification]:
    // rows of an all_matches classification where none held.
    std::vector<std::vector<std::vector<std::uint64_t>>> held(parts);
    std::vector<std::vector<std::uint64_t>> unmatched(parts, std::vector<std::uint64_t>(classifications.size(), 0));
    parallel_rows(n, threads, kBlock, [&](std::size_t part, std::size_t first, std::size_t last) {
        std::array<std::uint8_t, kBlock> truth{}, any{};
        held[part].resize(classifications.size());
        for (std::size_t c = 0; c < classifications.size(); ++c) {
            const auto& cls = classifications[c];
            auto& res = results[c];
            auto& counted = held[part][c];
            counted.assign(cls.segments.size(), 0);
            std::vector<std::unique_ptr<VecNode>> nodes;
            for (const auto& seg : cls.segments) nodes.push_back(compile_condition(seg.when, table));
            for (std::size_t begin = first; begin < last; begin += kBlock) {
                const Block b{begin, std::min(kBlock, last - begin)};
                if (cls.mode == config::ClassificationMode::FirstMatch) {
                    std::size_t open = b.size;  // rows of the block without a segment yet
                    std::int32_t* seg = res.segment.data() + begin;
                    for (std::size_t s = 0; s < nodes.size() && (open > 0 || count_every_rule); ++s) {
                        nodes[s]->bools(b, truth.data());
                        std::uint64_t count = 0;
                        for (std::size_t i = 0; i < b.size; ++i)
                            if (truth[i] == 1) {
                                ++count;
                                if (seg[i] < 0) {
                                    seg[i] = static_cast<std::int32_t>(s);
                                    --open;
                                }
                            }
                        counted[s] += count;
                    }
                } else {
                    any.fill(0);
                    for (std::size_t s = 0; s < nodes.size(); ++s) {
                        nodes[s]->bools(b, truth.data());
                        std::uint8_t* matches = res.matches[s].data() + begin;
                        std::uint64_t count = 0;  // in a register: `matches` may alias `counted`
                        for (std::size_t i = 0; i < b.size; ++i) {
                            const std::uint8_t m = truth[i] == 1;
                            matches[i] = m;
                            count += m;
                            any[i] |= m;
                        }
                        counted[s] += count;
                    }
                    std::uint64_t none = 0;
                    for (std::size_t i = 0; i < b.size; ++i) none += !any[i];
                    unmatched[part][c] += none;
                }
            }
        }
    });
    for (std::size_t c = 0; c < classifications.size(); ++c) {
        auto& res = results[c];
        if (classifications[c].mode == config::ClassificationMode::FirstMatch) {
            for (std::int32_t s : res.segment) {
                if (s < 0)
                    ++res.unclassified;
                else
                    ++res.counts[static_cast<std::size_t>(s)];
            }
            if (count_every_rule)
                for (const auto& p : held)
                    for (std::size_t s = 0; s < res.matched.size(); ++s) res.matched[s] += p[c][s];
        } else {
            for (std::size_t p = 0; p < parts; ++p) {
                for (std::size_t s = 0; s < res.counts.size(); ++s) res.counts[s] += held[p][c][s];
                res.unclassified += unmatched[p][c];
            }
            if (count_every_rule) res.matched = res.counts;
        }
    }
    return results;
}

nlohmann::ordered_json RuleProgram::explain(const FeatureTable& table, std::size_t row) const {
    nlohmann::ordered_json classifications = nlohmann::ordered_json::object();
    for (const auto& cls : rules_.classifications) {
        const bool first = cls.mode == config::ClassificationMode::FirstMatch;
        nlohmann::ordered_json matched = nlohmann::ordered_json::array();
        nlohmann::ordered_json not_matched = nlohmann::ordered_json::array();
        nlohmann::ordered_json segment = nullptr;
        for (const auto& seg : cls.segments) {
            auto node = compile_condition(seg.when, table);
            if (holds(*node, row)) {
                matched.push_back({{"segment", seg.id},
                                   {"label", seg.label},
                                   {"rule", seg.when.text},
                                   {"features", feature_values(seg.when, table, row)}});
                if (segment.is_null()) segment = seg.id;
                if (first) break;
            } else {
                const VecNode& failed = failing_part(*node, row);
                not_matched.push_back({{"segment", seg.id},
                                       {"rule", seg.when.text},
                                       {"failed_condition", source_text(seg.when, failed.expr)},
                                       {"features", feature_values(seg.when, table, row)}});
            }
        }
        classifications[cls.id] = {{"label", cls.label},
                                   {"mode", first ? "first_match" : "all_matches"},
                                   {"segment", segment},
                                   {"matched", std::move(matched)},
                                   {"not_matched", std::move(not_matched)}};
    }
    nlohmann::ordered_json scores = nlohmann::ordered_json::object();
    for (const auto& score : rules_.scores) {
        const Column* value = table.find(score.id);
        const Column* tier = table.find(score.id + "_tier");
        nlohmann::ordered_json points = nlohmann::ordered_json::array();
        for (const auto& p : score.points) {
            if (p.interaction) {
                points.push_back(point_json(p, false, table, row));
                continue;
            }
            auto node = compile_condition(p.when, table);
            points.push_back(point_json(p, holds(*node, row), table, row));
        }
        scores[score.id] = {{"value", value ? value->json_value(row) : nlohmann::ordered_json()},
                            {"tier", tier ? tier->json_value(row) : nlohmann::ordered_json()},
                            {"points", std::move(points)}};
    }
    return {{"classifications", std::move(classifications)}, {"scores", std::move(scores)}};
}

ScorePointsExplainer::ScorePointsExplainer(const RuleProgram& program, const config::Score& score,
                                           const FeatureTable& table)
    : score_(score), table_(table) {
    for (const auto& p : score.points)
        held_.push_back(p.interaction ? std::vector<std::uint8_t>() : program.evaluate(p.when, table));
}

nlohmann::ordered_json ScorePointsExplainer::points(std::size_t row) const {
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (std::size_t i = 0; i < score_.points.size(); ++i) {
        const auto& p = score_.points[i];
        out.push_back(point_json(p, !p.interaction && held_[i][row] != 0, table_, row));
    }
    return out;
}

}  // namespace custclass::plugin
