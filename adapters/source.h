// A source of canonical rows: the SOCI source over the host's database, or the rows a host
// pushed (push_source). The engine asks for each table once per run and receives it in batches.
#pragma once

#include <functional>
#include <memory>
#include <stdexcept>
#include <string>

#include "canonical_rows.h"
#include "feature_catalog.h"

namespace custclass::adapters {

// The database could not be reached or a statement failed.
class DatabaseError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// The host's data cannot be used as it is; the message names the table, the key and the value.
class DataError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// The orders of a run read and totalled per customer on a thread of the source's own while the
// caller reads the customers (Source::total_orders_ahead).
class OrderTotalsAhead {
public:
    // Stops the read when it is still going, and waits for it.
    virtual ~OrderTotalsAhead() = default;
    // After read_customers: waits for the read, rethrows its error, and calls `sink` with the
    // totals of each customer of that read that has orders, as read_order_totals would (named by
    // CustomerOrderTotals::customer_row where the source knows the customer's position in that
    // read, else by its id). The orders of no customer are counted in the source's counts()
    // (orders_without_customer, orders_of_unknown_customer). At most once.
    virtual void finish(const std::function<void(OrderTotalsBatch)>& sink) = 0;
};

class Source {
public:
    virtual ~Source() = default;
    // Calls `sink` with consecutive batches of rows until the table is read. An exception thrown
    // by the sink (a cancellation) stops the read and propagates.
    // `attributes`: the names of the `attr_<name>` columns to read into CustomerRow::attributes.
    virtual void read_customers(const std::vector<std::string>& attributes,
                                const std::function<void(CustomerBatch)>& sink) = 0;
    virtual void read_orders(const std::function<void(OrderBatch)>& sink) = 0;
    // The orders as read_orders gives them, except that an order may name its customer by
    // OrderRow::customer_row (its customer's position among the rows the last read_customers
    // delivered) with `customer_id` left empty, where the source knows that position without
    // looking the id up, and OrderRow::order_id may be left empty (the id is still checked,
    // and named in errors). For the engine's run, which reads the customers, then their orders.
    virtual void read_orders_of_customers_read(const std::function<void(OrderBatch)>& sink) {
        read_orders(sink);
    }
    // Pushdown aggregation: whether the database can total the orders per customer for this
    // request exactly as the engine would, and the totals (one row per customer id as the
    // database returns it; several may normalise to one id).
    virtual bool can_total_orders(const OrderTotalsRequest&) { return false; }
    virtual void read_order_totals(const OrderTotalsRequest&,
                                   const std::function<void(OrderTotalsBatch)>&) {
        throw DataError("this source cannot total orders in the database");
    }
    // Starts reading the orders and totalling them per customer as `request` asks, on threads of
    // the source's own, for the caller to read the customers meanwhile (read_customers, once)
    // and then take the totals (OrderTotalsAhead::finish); nullptr when the source cannot read
    // both at once (then the caller reads the orders after the customers). The totals are
    // exactly those the engine folds from read_orders_of_customers_read.
    virtual std::unique_ptr<OrderTotalsAhead> total_orders_ahead(const OrderTotalsRequest&) { return nullptr; }
    // Optional tables: call only when has_table says the source provides them.
    virtual bool has_table(config::CanonicalTable table) const = 0;
    virtual void read_order_lines(const std::function<void(OrderLineBatch)>& sink) = 0;
    virtual void read_referrals(const std::function<void(ReferralBatch)>& sink) = 0;
    virtual void read_opt_outs(const std::function<void(OptOutBatch)>& sink) = 0;
    // The interactions (ADAPTERS.md): a source that maps them overrides this and says so in
    // has_table(Interactions).
    virtual void read_interactions(const std::function<void(InteractionBatch)>& sink) {
        (void)sink;
        throw DataError("this source carries no `interactions` table");
    }
    // Runs an enrichment query on the source database; each row holds `columns` in that order
    // (nullopt for NULL).
    virtual void read_enrichment(
        const std::string& table, const std::string& query, const std::vector<std::string>& columns,
        const std::function<void(const std::vector<std::optional<std::string>>&)>& sink) = 0;
    virtual ReadCounts counts() const = 0;

    // Minimisation (PRIVACY.md check 2): later reads of the customers table load only these
    // canonical columns (customer_id always; `attr_*` columns are asked for by name anyway).
    // Empty: every column again. The host-push source keeps what the host pushed.
    virtual void restrict_customer_columns(std::vector<std::string> columns) { (void)columns; }
    // The canonical customer columns the mapping provides that the last read of the customers
    // left out under that restriction.
    virtual std::vector<std::string> unread_customer_columns() const { return {}; }

    // Threads a read may use: with 2 or more, a source may run its queries and parse their rows
    // ahead of the caller on a thread of its own (read_ahead.h). Sinks are always called on the calling
    // thread, in the order of the rows. Default 1.
    virtual void set_threads(unsigned threads) { (void)threads; }

    // The hooks: restricts every later read to these customers (their rows, their orders and
    // order lines, the referrals they made), read with parameterised queries; opt-outs and
    // enrichment tables stay whole. Empty: every customer again. A source that cannot
    // restrict its reads (rows a host pushed) throws DataError.
    virtual void restrict_to_customers(std::vector<std::string> customer_ids) {
        (void)customer_ids;
        throw DataError("this source cannot read one customer at a time");
    }
};

}  // namespace custclass::adapters
