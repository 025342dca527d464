#include "canonical_row_parser.h"

#include <algorithm>

namespace custclass::adapters {

CustomerRow parse_customer(RowView& row, const std::vector<ColumnSpec>& spec,
                           std::size_t first_attribute, std::size_t attributes_end) {
    CustomerRow c;
    c.customer_id = row.id(0, "customer_id");
    row.key = c.customer_id;
    c.created_at = row.timestamp(1, "created_at");
    c.birth_date = row.day(2, "birth_date");
    c.gender = row.text(3, "gender");
    c.district = row.text(4, "district");
    c.income_band = row.text(5, "income_band");
    c.email = row.text(6, "email");
    c.phone = row.text(7, "phone");
    c.lead_source = row.text(8, "lead_source");
    c.is_prospect = row.flag(9, "is_prospect");
    c.interests = row.text(10, "interests");
    c.marketing_consent = row.flag(11, "marketing_consent");
    c.opted_out = row.flag(12, "opted_out");
    c.transfer_consent = row.text(13, "transfer_consent");
    for (std::size_t i = first_attribute; i < std::min(attributes_end, spec.size()); ++i)
        c.attributes.push_back(row.text(i, spec[i].name));
    return c;
}

bool parse_order_into(RowView& row, int currency_decimals, std::string_view customer_column, OrderRow& o,
                      bool customer_id) {
    row.id_into(0, "order_id", o.order_id);
    row.key = o.order_id;
    const auto& customer = row.raw(1);
    if (!customer || customer->empty()) return false;
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

}  // namespace custclass::adapters
