// Turning the text values of one canonical row into a parsed row, the same way for every source
// (the SOCI source reads text from the database; the host-push source receives text through the
// ABI): identifiers normalised, timestamps, exact money, flags, UTF-8 checked, and every problem
// an error naming the table, the key, the column and the value.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "canonical_rows.h"
#include "feature_catalog.h"
#include "source.h"
#include "value_parsing.h"

namespace custclass::adapters {

struct TextBatch;  // row_stream.h

struct ColumnSpec {
    std::string name;
    bool required;
};

inline std::vector<ColumnSpec> columns_of(config::CanonicalTable table) {
    using config::CanonicalTable;
    switch (table) {
        case CanonicalTable::Customers:
            return {{"customer_id", true},  {"created_at", false}, {"birth_date", false},
                    {"gender", false},      {"district", false},   {"income_band", false},
                    {"email", false},       {"phone", false},      {"lead_source", false},
                    {"is_prospect", false}, {"interests", false},  {"marketing_consent", false},
                    {"opted_out", false},   {"transfer_consent", false}};
        case CanonicalTable::Orders:
            return {{"order_id", true}, {"customer_id", true}, {"ordered_at", true},
                    {"amount", true},   {"channel", false}};
        case CanonicalTable::OrderLines:
            return {{"order_id", true}, {"product_id", true}, {"category", false},
                    {"amount", true}};
        case CanonicalTable::Referrals:
            return {{"referrer_id", true}, {"referee_id", true}, {"referred_at", false}};
        case CanonicalTable::OptOuts:
            return {{"customer_id", false}, {"email", false}, {"phone", false}};
        case CanonicalTable::Interactions:
            return {{"customer_id", true}, {"kind", true}, {"keyword", false}, {"at", true}};
    }
    return {};
}

// One row of a mapped table while it is parsed: the values of the wanted columns (absent
// columns and SQL NULLs alike are nullopt) and what to call it in an error. A value may come as
// text (`values`) or, from a SQLite read (TextBatch, Cells::Numbers), as the whole number or
// REAL the database holds (set_number): its text is then written only when something asks for
// it (value()), and money(), flag() and the identifier checks use the number itself where that
// gives exactly what its text would.
class RowView {
public:
    // `origin` says where the rows come from ("query at custclass.yaml:12", "pushed by the host").
    RowView(std::string_view table, std::string origin) : table_(table), origin_(std::move(origin)) {}

    std::vector<std::optional<std::string_view>> values;  // by the table's column spec order; nullopt = NULL
    std::string key;                          // the row's key, once known
    std::size_t index = 0;                    // the row's position in its batch

    // Gives the row `columns` columns, all NULL, none a number.
    void reset(std::size_t columns) {
        values.assign(columns, std::nullopt);
        numbers_.assign(columns, Number{});
        timestamps_.assign(columns, config::TimestampParser{});
    }
    // The column's value as text (nullopt: NULL), or as a number its text is not written for yet.
    void set_text(std::size_t column, std::optional<std::string_view> v) {
        values[column] = v;
        numbers_[column].kind = Kind::Text;
    }
    void set_number(std::size_t column, bool real, std::int64_t bits) {
        values[column] = std::string_view();
        numbers_[column] = {real ? Kind::Real : Kind::Integer, bits};
    }
    // The row's key is the value of `column` (normalised, as an identifier), for the errors'
    // "key `…`" without copying it for every row; `key`, when set, wins.
    void key_from(std::size_t column) { key_column_ = static_cast<int>(column); }
    void clear_key() {
        key.clear();
        key_column_ = -1;
    }

    // The value as text (nullopt: NULL).
    std::optional<std::string_view> value(std::size_t column) const {
        if (column >= numbers_.size() || numbers_[column].kind == Kind::Text) return values[column];
        return number_text(column);
    }
    // Whether the column holds something: not NULL, not empty text (a number always does).
    bool has_value(std::size_t column) const {
        if (column < numbers_.size() && numbers_[column].kind != Kind::Text) return true;
        return values[column] && !values[column]->empty();
    }

    [[noreturn]] void fail(std::string_view column, const std::string& problem) const;

    std::optional<std::string> text(std::size_t column, std::string_view name) const {
        std::optional<std::string> out;
        text_into(column, name, out);
        return out;
    }

    std::optional<config::Timestamp> timestamp(std::size_t column, std::string_view name) const {
        const auto v = value(column);
        if (!v || v->empty()) return std::nullopt;
        const auto t = column < timestamps_.size() ? timestamps_[column](*v) : config::parse_timestamp(*v);
        if (!t) fail(name, "`" + std::string(*v) + "` is not a date or timestamp (expected YYYY-MM-DD[ HH:MM[:SS]])");
        return t;
    }

    std::optional<config::Day> day(std::size_t column, std::string_view name) const {
        const auto t = timestamp(column, name);
        if (!t) return std::nullopt;
        std::int64_t d = t->seconds / 86400;
        if (t->seconds % 86400 < 0) --d;
        return static_cast<config::Day>(d);
    }

    // A required identifier, normalised.
    std::string id(std::size_t column, std::string_view name) const {
        return std::string(checked_id(column, name));
    }
    // The same into `out` (its memory reused).
    void id_into(std::size_t column, std::string_view name, std::string& out) const {
        out.assign(checked_id(column, name));
    }
    // Checks what id() checks, keeping nothing (a whole number always passes).
    void check_id(std::size_t column, std::string_view name) const {
        if (is_integer(column)) return;
        checked_id(column, name);
    }

    // text() into `out` (its memory reused).
    void text_into(std::size_t column, std::string_view name, std::optional<std::string>& out) const {
        const auto v = value(column);
        if (!v) {
            out.reset();
            return;
        }
        if (!valid_utf8(*v)) fail(name, "the value is not valid UTF-8");
        if (out)
            out->assign(*v);
        else
            out.emplace(*v);
    }

    std::int64_t money(std::size_t column, std::string_view name, int decimals) const {
        if (const auto minor = number_money(column, decimals)) return *minor;
        const auto v = value(column);
        if (!v) fail(name, "the amount is NULL");
        const auto minor = parse_money(*v, decimals);
        if (!minor) fail(name, "`" + std::string(*v) + "` is not an amount");
        return *minor;
    }

    std::optional<bool> flag(std::size_t column, std::string_view name) const {
        if (is_integer(column) && (numbers_[column].bits == 0 || numbers_[column].bits == 1))
            return numbers_[column].bits == 1;
        const auto v = value(column);
        if (!v || v->empty()) return std::nullopt;
        const auto b = parse_flag(*v);
        if (!b) fail(name, "`" + std::string(*v) + "` is not a true/false value (expected 1/0, true/false)");
        return b;
    }

private:
    enum class Kind : std::uint8_t { Text, Integer, Real };
    struct Number {
        Kind kind = Kind::Text;
        std::int64_t bits = 0;  // an Integer's value, a Real's bits
    };

    bool is_integer(std::size_t column) const {
        return column < numbers_.size() && numbers_[column].kind == Kind::Integer;
    }
    // A number's text, written into the column's scratch buffer.
    std::string_view number_text(std::size_t column) const;
    // A number's amount in minor units when it is exactly what parse_money gives for its text;
    // nullopt otherwise (text, NULL, or a number whose text has to be parsed).
    std::optional<std::int64_t> number_money(std::size_t column, int decimals) const;

    // A required identifier, normalised: a part of the value.
    std::string_view checked_id(std::size_t column, std::string_view name) const {
        const auto v = value(column);
        if (!v || v->empty()) fail(name, "the identifier is NULL or empty");
        if (!valid_utf8(*v)) fail(name, "the value is not valid UTF-8");
        return normalised_id(*v);
    }

    std::string table_;
    std::string origin_;
    std::vector<Number> numbers_;  // [column]; empty: every value is text
    int key_column_ = -1;
    mutable std::vector<std::string> scratch_;  // [column]: a number's text, once asked for
    mutable std::vector<config::TimestampParser> timestamps_;  // [column]: its last date kept
};

// A customer row from a RowView with the columns of columns_of(Customers) followed, from
// `first_attribute` up to `attributes_end` (default: the last column), by `attr_<name>` columns.
CustomerRow parse_customer(RowView& row, const std::vector<ColumnSpec>& spec,
                           std::size_t first_attribute, std::size_t attributes_end = SIZE_MAX);
// The same into `c`, every field written (a row of an earlier batch is reused, its strings
// keeping their memory).
void parse_customer_into(RowView& row, const std::vector<ColumnSpec>& spec, std::size_t first_attribute,
                         std::size_t attributes_end, CustomerRow& c);
// An order row from the columns of columns_of(Orders); nullopt for an order without a customer
// (a guest sale), which the caller counts. `customer_column`: what the second column is called in
// errors (a source reading the customers' keys puts `customer_key` there, ADAPTERS.md).
std::optional<OrderRow> parse_order(RowView& row, int currency_decimals,
                                    std::string_view customer_column = "customer_id");
// The same into `o`, every field written (a row of an earlier batch is reused); false for an
// order without a customer. `customer_id` false: the customer column is checked but not kept
// (o.customer_id left empty, for the caller to name the customer otherwise). `order_id` false:
// the same for the order's id (o.order_id left empty; an error still names the order by it).
bool parse_order_into(RowView& row, int currency_decimals, std::string_view customer_column, OrderRow& o,
                      bool customer_id = true, bool order_id = true);

// The batch columns of an order's values (columns_of(Orders)'s order; channel -1: not mapped).
struct OrderColumns {
    std::size_t order_id, customer, ordered_at, amount;
    int channel;
};
// An order's values as parse_order_into makes them, for a row of the usual values only.
struct UsualOrder {
    Timestamp ordered_at;
    std::int64_t amount = 0;
    std::optional<std::string_view> channel;  // a part of the batch
};
// Row `row` of a batch (TextBatch, Cells::Numbers) read straight from its cells, without a
// RowView, when its values are the usual ones: a whole-number order id; a customer that is a
// whole number or non-empty valid UTF-8 text; a timestamp as text that `timestamps` parses; an
// amount the database holds as a number whose text parse_money would read exactly; a channel
// as valid UTF-8 text, or none. Then exactly what parse_order_into(…, false, false) makes of the
// row. nullopt for any other row: parse_order_into parses it, with its errors.
std::optional<UsualOrder> usual_order(const TextBatch& batch, std::size_t row, const OrderColumns& columns,
                                      int currency_decimals, config::TimestampParser& timestamps);

}  // namespace custclass::adapters
