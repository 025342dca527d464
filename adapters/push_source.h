// The host-push source: for hosts that will not let the plugin read their database, the host
// pushes customers, orders and order lines through the ABI (custclass_feed_*). Values arrive as
// text and are parsed exactly as the SOCI source parses what it reads, so the same data gives
// the same features and segments whichever way it came in. The rows are kept compactly until the
// feed ends, then read by the engine like any other source.
#pragma once

#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "source.h"

namespace custclass::adapters {

// One pushed record: its values as text (nullopt for none), in the column order of
// columns_of(table).
using PushedValues = std::vector<std::optional<std::string>>;

class PushSource final : public Source {
public:
    explicit PushSource(int currency_decimals) : decimals_(currency_decimals) {}

    // Each parses and keeps one record; a bad value throws DataError naming the table, the key,
    // the column and the value, and nothing of that record is kept.
    void add_customer(const PushedValues& values);
    void add_order(const PushedValues& values);
    void add_order_line(const PushedValues& values);

    // What has been kept so far, to undo a batch that failed part-way.
    struct Mark {
        std::size_t customers, orders, lines, orders_without_customer;
    };
    Mark mark() const {
        return {customers_.size(), orders_.size(), lines_.size(), counts_.orders_without_customer};
    }
    void rollback(const Mark& m) {
        customers_.resize(m.customers);
        orders_.resize(m.orders);
        lines_.resize(m.lines);
        counts_.orders_without_customer = m.orders_without_customer;
    }

    std::size_t customers() const { return customers_.size(); }
    std::size_t orders() const { return orders_.size(); }
    std::size_t order_lines() const { return lines_.size(); }

    void read_customers(const std::vector<std::string>& attributes,
                        const std::function<void(CustomerBatch)>& sink) override;
    void read_orders(const std::function<void(OrderBatch)>& sink) override;
    bool has_table(config::CanonicalTable table) const override;
    void read_order_lines(const std::function<void(OrderLineBatch)>& sink) override;
    void read_referrals(const std::function<void(ReferralBatch)>& sink) override;
    void read_opt_outs(const std::function<void(OptOutBatch)>& sink) override;
    void read_enrichment(
        const std::string& table, const std::string& query, const std::vector<std::string>& columns,
        const std::function<void(const std::vector<std::optional<std::string>>&)>& sink) override;
    ReadCounts counts() const override { return counts_; }

private:
    struct Line {
        std::string order_id;
        std::string product_id;
        std::optional<std::string> category;
        std::int64_t amount = 0;
    };

    int decimals_;
    std::vector<CustomerRow> customers_;
    std::vector<OrderRow> orders_;
    std::vector<Line> lines_;
    ReadCounts counts_;
};

}  // namespace custclass::adapters
