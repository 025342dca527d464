#include "canonical_row_parser.h"

#include <algorithm>
#include <bit>
#include <cmath>

#include "row_stream.h"

namespace custclass::adapters {

void RowView::fail(std::string_view column, const std::string& problem) const {
    std::string named = key;
    if (named.empty() && key_column_ >= 0)
        if (const auto v = value(static_cast<std::size_t>(key_column_)); v && valid_utf8(*v))
            named = normalised_id(*v);
    throw DataError("table `" + std::string(table_) + "`" +
                    (named.empty() ? std::string() : ", key `" + named + "`") + ", column `" +
                    std::string(column) + "`: " + problem + " (" + origin_ + ")");
}

std::string_view RowView::number_text(std::size_t column) const {
    if (scratch_.size() < numbers_.size()) scratch_.resize(numbers_.size());
    char text[kNumberText];
    const Number& n = numbers_[column];
    const std::size_t size =
        adapters::number_text(n.kind == Kind::Real ? TextBatch::Cell::Real : TextBatch::Cell::Integer, n.bits, text);
    return scratch_[column].assign(text, size);
}

namespace {

// The amount in minor units of a number a SQLite read hands as one (a whole number, or a REAL's
// bits), when it is exactly what parse_money gives for the number's text; nullopt otherwise
// (its text has to be parsed).
std::optional<std::int64_t> money_of_number(bool real, std::int64_t bits, int decimals) {
    if (decimals < 0 || decimals > 6) return std::nullopt;
    constexpr std::int64_t kPowers[] = {1, 10, 100, 1000, 10000, 100000, 1000000};
    const std::int64_t scale = kPowers[decimals];
    if (!real) {
        // Its text is its digits: parse_money's one pass scales them when, scaled, they are at
        // most 18 digits.
        const std::int64_t limit = 1000000000000000000 / scale;  // 10^(18 - decimals)
        if (bits <= -limit || bits >= limit) return std::nullopt;
        return bits * scale;
    }
    if (decimals <= 4) {
        // v is the double nearest m / 10^decimals (m and 10^decimals are exact doubles and the
        // division rounds correctly) with |m| < 10^15: then SQLite's text of v, its 15
        // significant digits, is that decimal (v is within half a unit in the 53rd bit of it,
        // far less than half a unit of its 15th digit), without an exponent (10^-4 <= |v| <
        // 10^15, or 0), and parse_money reads it back as m.
        const double v = std::bit_cast<double>(bits);
        const double m = std::nearbyint(v * static_cast<double>(scale));
        if (!(std::fabs(m) < 1e15) || m / static_cast<double>(scale) != v) return std::nullopt;
        return static_cast<std::int64_t>(m);
    }
    return std::nullopt;
}

}  // namespace

std::optional<std::int64_t> RowView::number_money(std::size_t column, int decimals) const {
    if (column >= numbers_.size() || numbers_[column].kind == Kind::Text) return std::nullopt;
    return money_of_number(numbers_[column].kind == Kind::Real, numbers_[column].bits, decimals);
}

void parse_customer_into(RowView& row, const std::vector<ColumnSpec>& spec, std::size_t first_attribute,
                         std::size_t attributes_end, CustomerRow& c) {
    row.id_into(0, "customer_id", c.customer_id);
    row.key = c.customer_id;
    c.created_at = row.timestamp(1, "created_at");
    c.birth_date = row.day(2, "birth_date");
    row.text_into(3, "gender", c.gender);
    row.text_into(4, "district", c.district);
    row.text_into(5, "income_band", c.income_band);
    row.text_into(6, "email", c.email);
    row.text_into(7, "phone", c.phone);
    row.text_into(8, "lead_source", c.lead_source);
    c.is_prospect = row.flag(9, "is_prospect");
    row.text_into(10, "interests", c.interests);
    c.marketing_consent = row.flag(11, "marketing_consent");
    c.opted_out = row.flag(12, "opted_out");
    row.text_into(13, "transfer_consent", c.transfer_consent);
    const std::size_t end = std::min(attributes_end, spec.size());
    c.attributes.resize(end > first_attribute ? end - first_attribute : 0);
    for (std::size_t i = first_attribute; i < end; ++i)
        row.text_into(i, spec[i].name, c.attributes[i - first_attribute]);
}

CustomerRow parse_customer(RowView& row, const std::vector<ColumnSpec>& spec,
                           std::size_t first_attribute, std::size_t attributes_end) {
    CustomerRow c;
    parse_customer_into(row, spec, first_attribute, attributes_end, c);
    return c;
}

bool parse_order_into(RowView& row, int currency_decimals, std::string_view customer_column, OrderRow& o,
                      bool customer_id, bool order_id) {
    if (order_id) {
        row.id_into(0, "order_id", o.order_id);
        row.key = o.order_id;
    } else {
        row.check_id(0, "order_id");
        row.key_from(0);
        o.order_id.clear();
    }
    if (!row.has_value(1)) return false;
    if (customer_id)
        row.id_into(1, customer_column, o.customer_id);
    else {
        row.check_id(1, customer_column);
        o.customer_id.clear();
    }
    o.customer_row = OrderRow::kNoRow;
    const auto at = row.timestamp(2, "ordered_at");
    if (!at) row.fail("ordered_at", "the order has no date");
    o.ordered_at = *at;
    o.amount = row.money(3, "amount", currency_decimals);
    row.text_into(4, "channel", o.channel);
    return true;
}

std::optional<OrderRow> parse_order(RowView& row, int currency_decimals,
                                    std::string_view customer_column) {
    OrderRow o;
    if (!parse_order_into(row, currency_decimals, customer_column, o)) return std::nullopt;
    return o;
}

std::optional<UsualOrder> usual_order(const TextBatch& batch, std::size_t row, const OrderColumns& columns,
                                      int currency_decimals, config::TimestampParser& timestamps) {
    using Cell = TextBatch::Cell;
    const auto cell = [&](std::size_t column) { return batch.cells[column][row]; };
    // The checks of parse_order_into, as it makes them of such cells.
    if (cell(columns.order_id) != Cell::Integer) return std::nullopt;
    const Cell customer = cell(columns.customer);
    if (customer != Cell::Integer &&
        !(customer == Cell::Text && !batch.value(columns.customer, row).empty() &&
          valid_utf8(batch.value(columns.customer, row))))
        return std::nullopt;
    UsualOrder o;
    std::optional<std::string_view> channel;
    if (columns.channel >= 0) {
        const auto c = static_cast<std::size_t>(columns.channel);
        if (cell(c) == Cell::Text) {
            if (!valid_utf8(batch.value(c, row))) return std::nullopt;
            o.channel = batch.value(c, row);
        } else if (cell(c) != Cell::Null) {
            return std::nullopt;
        }
    }
    const Cell amount = cell(columns.amount);
    if (amount != Cell::Integer && amount != Cell::Real) return std::nullopt;
    const auto minor = money_of_number(amount == Cell::Real, batch.numbers[columns.amount][row], currency_decimals);
    if (!minor) return std::nullopt;
    o.amount = *minor;
    if (cell(columns.ordered_at) != Cell::Text) return std::nullopt;
    const auto at = timestamps(batch.value(columns.ordered_at, row));
    if (!at) return std::nullopt;
    o.ordered_at = *at;
    return o;
}

}  // namespace custclass::adapters
