#include "push_source.h"

#include "canonical_row_parser.h"

namespace custclass::adapters {

namespace {

// A RowView over pushed values, for the shared parsers.
struct PushedRow {
    PushedRow(const char* table, const PushedValues& values, std::size_t columns)
        : row(table, "pushed by the host") {
        if (values.size() > columns)
            throw DataError(std::string("table `") + table + "`: a pushed record has " +
                            std::to_string(values.size()) + " values, at most " +
                            std::to_string(columns) + " are known");
        storage.resize(columns);
        row.values.assign(columns, std::nullopt);
        for (std::size_t i = 0; i < values.size(); ++i)
            if (values[i]) {
                storage[i] = *values[i];
                row.values[i] = storage[i];
            }
    }
    std::vector<std::string> storage;
    RowView row;
};

template <typename Row>
void in_batches(const std::vector<Row>& rows, const std::function<void(std::span<const Row>)>& sink) {
    constexpr std::size_t kBatch = 4096;
    for (std::size_t at = 0; at < rows.size(); at += kBatch)
        sink(std::span<const Row>(rows.data() + at, std::min(kBatch, rows.size() - at)));
}

}  // namespace

void PushSource::add_customer(const PushedValues& values) {
    const auto spec = columns_of(config::CanonicalTable::Customers);
    PushedRow r("customers", values, spec.size());
    customers_.push_back(parse_customer(r.row, spec, spec.size()));
}

void PushSource::add_order(const PushedValues& values) {
    PushedRow r("orders", values, columns_of(config::CanonicalTable::Orders).size());
    if (auto o = parse_order(r.row, decimals_))
        orders_.push_back(std::move(*o));
    else
        ++counts_.orders_without_customer;
}

void PushSource::add_order_line(const PushedValues& values) {
    PushedRow r("order_lines", values, columns_of(config::CanonicalTable::OrderLines).size());
    Line line;
    line.order_id = r.row.id(0, "order_id");
    r.row.key = line.order_id;
    line.product_id = r.row.id(1, "product_id");
    line.category = r.row.text(2, "category");
    line.amount = r.row.money(3, "amount", decimals_);
    lines_.push_back(std::move(line));
}

void PushSource::read_customers(const std::vector<std::string>& attributes,
                                const std::function<void(CustomerBatch)>& sink) {
    if (!attributes.empty())
        throw DataError("the rule set reads `attr." + attributes.front() +
                        "`, which the host-push source does not carry");
    in_batches(customers_, sink);
}

void PushSource::read_orders(const std::function<void(OrderBatch)>& sink) {
    in_batches(orders_, sink);
}

bool PushSource::has_table(config::CanonicalTable table) const {
    using config::CanonicalTable;
    return table == CanonicalTable::Customers || table == CanonicalTable::Orders ||
           table == CanonicalTable::OrderLines;
}

void PushSource::read_order_lines(const std::function<void(OrderLineBatch)>& sink) {
    // Lines are joined to their orders here, as the database joins them for the SOCI source.
    std::unordered_map<std::string_view, const OrderRow*> by_id;
    by_id.reserve(orders_.size());
    for (const auto& o : orders_) by_id.emplace(o.order_id, &o);
    std::vector<OrderLineRow> batch;
    for (const Line& line : lines_) {
        const auto it = by_id.find(line.order_id);
        if (it == by_id.end()) continue;  // a line of a guest sale or of no pushed order
        batch.push_back({it->second->customer_id, it->second->ordered_at, it->second->amount,
                         line.product_id, line.category, line.amount});
        if (batch.size() == 4096) {
            sink(batch);
            batch.clear();
        }
    }
    if (!batch.empty()) sink(batch);
}

void PushSource::read_referrals(const std::function<void(ReferralBatch)>&) {
    throw DataError("the host-push source carries no `referrals` table");
}

void PushSource::read_opt_outs(const std::function<void(OptOutBatch)>&) {
    throw DataError("the host-push source carries no `opt_outs` table");
}

void PushSource::read_enrichment(const std::string& table, const std::string&,
                                 const std::vector<std::string>&,
                                 const std::function<void(const std::vector<std::optional<std::string>>&)>&) {
    throw DataError("the enrichment table `" + table +
                    "` is a query, and the host-push source has no database to run it on; use a CSV file");
}

}  // namespace custclass::adapters
