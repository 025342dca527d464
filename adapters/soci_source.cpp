#include "soci_source.h"

#include <soci/soci.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <exception>
#include <map>
#include <memory>
#include <thread>
#include <vector>

#include "canonical_row_parser.h"
#include "customer_index.h"
#include "customer_keys.h"
#include "keyed_order_totals.h"
#include "preset_sql.h"
#include "read_ahead.h"
#include "row_stream.h"
#include "soci_connection.h"
#include "sql_dialect.h"
#include "value_parsing.h"

namespace custclass::adapters {

namespace {

using config::CanonicalTable;

constexpr std::size_t kBatchRows = 4096;
// Rows per fetch of a read restricted to a few customers (the hooks): a full batch's buffers
// cost more to set up than the read itself.
constexpr std::size_t kScopedBatchRows = 64;


// Collects parsed rows into batches, each handed to `emit` (which may swap it for another
// vector: read_ahead.h).
template <typename Row>
class Batcher {
public:
    using Emit = std::function<void(std::vector<Row>&)>;
    // `expected`: how many rows to make room for at first (a hook's read of one customer
    // expects a few; a full read a whole batch).
    Batcher(const Emit& emit, std::size_t expected) : emit_(emit), expected_(std::min(expected, kBatchRows)) {
        rows_.reserve(expected_);
    }
    void add(Row row) {
        next() = std::move(row);
        commit();
    }
    // The row to fill in place, one of an earlier batch's when there is one (its strings keep
    // their memory): every field must be written. commit() keeps it in the batch; without
    // commit() the next call returns it again.
    Row& next() {
        if (n_ == rows_.size()) {
            if (rows_.capacity() == 0) rows_.reserve(expected_);
            rows_.emplace_back();
        }
        return rows_[n_];
    }
    void commit() {
        if (++n_ == kBatchRows) flush();
    }
    void flush() {
        if (n_ == 0) return;
        rows_.resize(n_);
        emit_(rows_);  // which may have swapped it for another batch's rows (read ahead)
        n_ = 0;
    }

private:
    const Emit& emit_;
    std::size_t expected_;
    std::vector<Row> rows_;
    std::size_t n_ = 0;  // rows of the batch filled
};

class SociSource final : public Source {
public:
    explicit SociSource(const config::SourceConfig& config)
        : config_(render_preset_queries(config)), dialect_(dialect_of_backend(config.backend)) {}

    bool has_table(CanonicalTable table) const override { return config_.queries.count(table) > 0; }
    void set_threads(unsigned threads) override { threads_ = threads; }

    void read_customers(const std::vector<std::string>& attributes,
                        const std::function<void(CustomerBatch)>& sink) override {
        auto spec = columns_of(CanonicalTable::Customers);
        const std::size_t first_attribute = spec.size();
        for (const auto& a : attributes) spec.push_back({"attr_" + a, true});
        const std::size_t attributes_end = spec.size();
        // When the orders name their customers by key, the keys are taken from this read for the
        // read of the orders that follows (no second pass over the customers for them).
        keys_.reset();
        std::unique_ptr<CustomerKeys> keys;
        if (keys_in_customers()) {
            keys = std::make_unique<CustomerKeys>();
            spec.push_back({"customer_key", false});
        }
        // Minimisation: the columns nobody reads are not selected (they read as NULL).
        std::vector<bool> skip(spec.size(), false);
        unread_.clear();
        if (!customer_columns_.empty()) {
            const Mapped m = mapped(CanonicalTable::Customers);
            const auto present = resolve(m, spec);
            for (std::size_t i = 1; i < first_attribute; ++i)
                if (std::find(customer_columns_.begin(), customer_columns_.end(), spec[i].name) ==
                    customer_columns_.end()) {
                    skip[i] = true;
                    if (!present[i].empty()) unread_.push_back(spec[i].name);
                }
        }
        std::uint32_t position = 0;  // of the customer in this read
        read_rows<CustomerRow>(sink, [&](Batcher<CustomerRow>& out) {
            scan(CanonicalTable::Customers, mapped(CanonicalTable::Customers), spec,
                 [&](RowView& row) {
                     CustomerRow& c = out.next();
                     parse_customer_into(row, spec, first_attribute, attributes_end, c);
                     if (keys) add_key(*keys, row, attributes_end, c.customer_id, position);
                     ++position;
                     out.commit();
                 }, 0, nullptr, &skip);
        });
        if (keys) {
            keys->index(mapped(CanonicalTable::Customers).origin);
            keys_ = std::move(keys);
        }
    }

    // Whether a read of the customers should keep their keys for the orders: the orders name
    // their customers by key and the customers query returns it. (Otherwise the orders' read
    // reports what is missing.)
    bool keys_in_customers() {
        if (!has_table(CanonicalTable::Orders)) return false;
        try {
            return orders_by_key() &&
                   !resolve(mapped(CanonicalTable::Customers), {{"customer_key", false}})[0].empty();
        } catch (const DataError&) {
            return false;
        }
    }

    void restrict_customer_columns(std::vector<std::string> columns) override {
        customer_columns_ = std::move(columns);
    }
    std::vector<std::string> unread_customer_columns() const override { return unread_; }

    void read_orders(const std::function<void(OrderBatch)>& sink) override { read_orders(sink, false); }
    void read_orders_of_customers_read(const std::function<void(OrderBatch)>& sink) override {
        read_orders(sink, true);
    }

    // `of_customers_read` (read_orders_of_customers_read): an order whose customer's position in
    // the last read of the customers is known names it by that (OrderRow::customer_row) instead
    // of the id, and the orders' ids are checked but not kept.
    void read_orders(const std::function<void(OrderBatch)>& sink, bool of_customers_read) {
        const bool keyed = orders_by_key();
        const std::unique_ptr<CustomerKeys> taken = keyed ? take_customer_keys() : nullptr;
        const CustomerKeys& keys = taken ? *taken : kNoKeys;
        if (keyed && !scope_.empty() && keys.empty()) return;  // none of the customers asked for
        const bool by_position = of_customers_read && keyed && keys.positions_known();
        // The keys of a batch looked up in one pass, before its rows are parsed.
        std::vector<CustomerKeys::Match> matches;
        const ColumnPass lookups{1, [&](const TextBatch& batch, std::size_t column) {
                                     matches.resize(batch.rows);
                                     for (std::size_t r = 0; r < batch.rows; ++r) {
                                         char scratch[kNumberText];
                                         if (batch.cells[column][r] == TextBatch::Cell::Integer)
                                             matches[r] = keys.match_number(batch.numbers[column][r]);
                                         else if (const auto text = batch.text(column, r, scratch))
                                             matches[r] = keys.match_raw(*text);
                                         else
                                             matches[r] = {};
                                     }
                                 }};
        read_rows<OrderRow>(sink, [&](Batcher<OrderRow>& out) {
            scan(CanonicalTable::Orders, mapped(CanonicalTable::Orders), order_columns(keyed),
                 [&](RowView& row) {
                     OrderRow& o = out.next();
                     if (!parse_order_into(row, config_.currency_decimals, keyed ? "customer_key" : "customer_id",
                                           o, !by_position, !of_customers_read)) {
                         ++counts_.orders_without_customer;
                         return;
                     }
                     // The key to the customer, on this (the parsing) thread.
                     if (keyed) {
                         const CustomerKeys::Match& match = matches[row.index];
                         if (match.entry == CustomerKeys::kNone) {
                             ++counts_.orders_of_unknown_customer;
                             return;
                         }
                         if (by_position)
                             o.customer_row = match.position;
                         else
                             o.customer_id = keys.id(match.entry);
                     }
                     out.commit();
                 }, 1, keyed ? &keys.keys() : nullptr, nullptr, keyed ? &lookups : nullptr);
        });
    }

    // SQLite, whose whole-table reads each run on a connection of their own: the orders are read
    // and folded by key (KeyedOrderTotals) while the customers are read, when the orders name
    // their customers by key and the customers query returns it (the keys then come with the
    // customers, ADAPTERS.md). Anything else, or anything that fails here, reads the orders after
    // the customers, where its errors come in their order.
    std::unique_ptr<OrderTotalsAhead> total_orders_ahead(const OrderTotalsRequest& request) override {
        if (threads_ < 2 || dialect_ != Dialect::SQLite || !scope_.empty() || !has_table(CanonicalTable::Orders) ||
            request.channels.size() > OrderFolding::kMaskChannels)
            return nullptr;
        try {
            if (!keys_in_customers() || !reads_on_own_connection(session(), dialect_)) return nullptr;
            auto ahead = std::make_unique<TotalsAhead>(*this, plan_scan(mapped(CanonicalTable::Orders), order_columns(true)),
                                                       request);
            beside_orders_ = true;
            return ahead;
        } catch (const std::exception&) {
            return nullptr;
        }
    }

    bool can_total_orders(const OrderTotalsRequest& request) override {
        // `read: auto` streams the rows from every database, folded one batch ahead: PostgreSQL's
        // through COPY cost a quarter of what the database takes to total them, MariaDB's through
        // mysql_use_result an eighth (bench/RESULTS.md, P2: at 10M orders 14.4 s against 49–53 s,
        // and a full MariaDB run 8.8 s against 74 s). Only `read: pushdown` asks the database.
        if (config_.read != config::ReadMode::Pushdown || dialect_ == Dialect::SQLite || !scope_.empty())
            return false;
        if (day_expression(request).empty())
            throw DataError("`read: pushdown` needs the `ordered_at` column of the orders query (at " +
                            mapped(CanonicalTable::Orders).origin +
                            ") to be a date or timestamp type; it is text: use `read: scan`");
        return true;
    }

    void read_order_totals(const OrderTotalsRequest& request,
                           const std::function<void(OrderTotalsBatch)>& sink) override {
        const Mapped orders = mapped(CanonicalTable::Orders);
        const bool keyed = orders_by_key();
        const std::unique_ptr<CustomerKeys> taken = keyed ? take_customer_keys() : nullptr;
        const CustomerKeys& keys = taken ? *taken : kNoKeys;
        const auto cols = resolve(orders, order_columns(keyed));
        auto col = [&](std::size_t i) { return "o." + quote_identifier(dialect_, cols[i]); };
        const std::string scale = "1" + std::string(static_cast<std::size_t>(config_.currency_decimals), '0');
        const std::string amount =
            dialect_ == Dialect::MySQL
                ? "ROUND(CAST(" + col(3) + " AS DECIMAL(65,10)) * " + scale + ")"
                : "ROUND(CAST(" + col(3) + " AS NUMERIC) * " + scale + ")";
        const std::string channel = cols[4].empty() ? "NULL" : col(4);
        const std::string inner = "SELECT " + col(1) + " AS cid, " + day_expression(request) +
                                  " AS d, " + amount + " AS a, " + channel + " AS ch FROM (" +
                                  strip_query(orders.sql) + "\n) o";
        const std::string as_of = std::to_string(request.as_of);
        const std::string in_time = "d <= " + as_of;
        const std::string in_window = in_time + " AND d > " + std::to_string(request.window_start);
        auto count_if = [](const std::string& cond) {
            return "SUM(CASE WHEN " + cond + " THEN 1 ELSE 0 END)";
        };
        std::string select =
            "SELECT cid, COUNT(*), " + count_if("d > " + as_of) + ", MIN(CASE WHEN " + in_time +
            " THEN d END), MIN(CASE WHEN " + in_time + " AND a > 0 THEN d END), MAX(CASE WHEN " +
            in_time + " AND a > 0 THEN d END), " + count_if(in_time + " AND a > 0") + ", " +
            count_if(in_window + " AND a > 0") + ", " + count_if(in_window) + ", " +
            count_if(in_window + " AND a < 0") + ", SUM(CASE WHEN " + in_window +
            " AND a > 0 THEN a ELSE 0 END), SUM(CASE WHEN " + in_window + " THEN a ELSE 0 END), " +
            count_if("a IS NULL") + ", " + count_if("d IS NULL") + ", MAX(CASE WHEN " + in_time +
            " THEN d END)";
        for (const auto& ch : request.channels)
            select += ", " + count_if(in_window + " AND a > 0 AND LOWER(ch) = " + sql_literal(dialect_, ch));
        select += " FROM (" + inner + ") t GROUP BY cid";
        const std::size_t ncols = 15 + request.channels.size();
        std::vector<CustomerOrderTotals> batch;
        auto integer = [&](const TextBatch& b, std::size_t c, std::size_t r) -> std::int64_t {
            if (b.is_null(c, r)) return 0;
            const auto v = parse_money(b.value(c, r), 0);
            if (!v) throw DataError("the database returned `" + std::string(b.value(c, r)) + "` as a count or sum");
            return *v;
        };
        auto day = [&](const TextBatch& b, std::size_t c, std::size_t r) -> Day {
            return b.is_null(c, r) ? INT32_MIN : static_cast<Day>(integer(b, c, r));
        };
        try {
            stream_query(session(), dialect_, select, ncols, kBatchRows, [&](const TextBatch& b) {
                batch.clear();
                for (std::size_t r = 0; r < b.rows; ++r) {
                    CustomerOrderTotals t;
                    if (!b.is_null(0, r)) {
                        if (!valid_utf8(b.value(0, r)))
                            throw DataError(std::string("table `orders`, column `") +
                                            (keyed ? "customer_key" : "customer_id") +
                                            "`: a value is not valid UTF-8 (query at " + orders.origin + ")");
                        t.customer_id = normalise_id(b.value(0, r));
                        if (keyed && !t.customer_id.empty()) {
                            const std::string* id = keys.id_of(t.customer_id);
                            if (!id) {
                                counts_.orders_of_unknown_customer += static_cast<std::uint64_t>(integer(b, 1, r));
                                continue;
                            }
                            t.customer_id = *id;
                        }
                    }
                    const std::string who = t.customer_id.empty() ? "orders without a customer"
                                                                  : "the orders of customer `" + t.customer_id + "`";
                    if (integer(b, 12, r) > 0)
                        throw DataError("table `orders`: " + who + " include an amount that is NULL (query at " +
                                        orders.origin + ")");
                    if (integer(b, 13, r) > 0)
                        throw DataError("table `orders`: " + who + " include an order with no date (query at " +
                                        orders.origin + ")");
                    t.orders_all = static_cast<std::uint64_t>(integer(b, 1, r));
                    t.orders_after_as_of = static_cast<std::uint64_t>(integer(b, 2, r));
                    t.totals.first_order = day(b, 3, r);
                    t.totals.first_purchase = day(b, 4, r);
                    t.totals.last_purchase = day(b, 5, r);
                    t.totals.last_order = day(b, 14, r);
                    t.totals.purchases_total = static_cast<std::uint32_t>(integer(b, 6, r));
                    t.totals.purchases_window = static_cast<std::uint32_t>(integer(b, 7, r));
                    t.totals.orders_window = static_cast<std::uint32_t>(integer(b, 8, r));
                    t.totals.returns_window = static_cast<std::uint32_t>(integer(b, 9, r));
                    t.totals.purchase_amount_window = integer(b, 10, r);
                    t.totals.net_amount_window = integer(b, 11, r);
                    for (std::size_t k = 0; k < request.channels.size(); ++k)
                        t.channel_purchases.push_back(static_cast<std::uint32_t>(integer(b, 15 + k, r)));
                    batch.push_back(std::move(t));
                }
                sink(batch);
            });
        } catch (const DatabaseError& e) {
            throw DatabaseError("totalling the `orders` table in the database (query at " + orders.origin +
                                ") failed: " + e.what() + "; `read: scan` reads the rows instead");
        }
    }

    // Lines are read joined to their orders by the database, so that memory does not grow
    // with the number of orders.
    void read_order_lines(const std::function<void(OrderLineBatch)>& sink) override {
        const Mapped lines = mapped(CanonicalTable::OrderLines);
        const Mapped orders = mapped(CanonicalTable::Orders);
        const bool keyed = orders_by_key();
        const std::unique_ptr<CustomerKeys> taken = keyed ? take_customer_keys() : nullptr;
        const CustomerKeys& keys = taken ? *taken : kNoKeys;
        if (keyed && !scope_.empty() && keys.empty()) return;
        const auto line_cols = resolve(lines, columns_of(CanonicalTable::OrderLines));
        const auto order_cols = resolve(orders, order_columns(keyed));
        auto l = [&](std::size_t i) {
            return line_cols[i].empty() ? std::string("NULL")
                                        : "l." + quote_identifier(dialect_, line_cols[i]);
        };
        auto o = [&](std::size_t i) { return "o." + quote_identifier(dialect_, order_cols[i]); };
        Mapped joined;
        joined.table = "order_lines";
        joined.origin = lines.origin;
        joined.sql = "SELECT " + o(1) + " AS customer_id, " + o(2) + " AS ordered_at, " + o(3) +
                     " AS order_amount, " + l(1) + " AS product_id, " + l(2) + " AS category, " +
                     l(3) + " AS amount FROM (" + strip_query(lines.sql) + "\n) l JOIN (" +
                     strip_query(orders.sql) + "\n) o ON " + l(0) + " = " + o(0);
        const std::vector<ColumnSpec> spec = {{"customer_id", false}, {"ordered_at", true},
                                              {"order_amount", true}, {"product_id", true},
                                              {"category", true},     {"amount", true}};
        // Lines of an order of no known customer are left out (the order is counted).
        const auto to_ids = [&](std::vector<OrderLineRow>& rows) {
            std::uint64_t unknown = 0;
            keys.to_ids(rows, unknown);
        };
        read_rows<OrderLineRow>(
            sink,
            [&](Batcher<OrderLineRow>& out) {
                scan(CanonicalTable::OrderLines, joined, spec, [&](RowView& row) {
                    if (!row.has_value(0)) return;  // a guest sale, counted with the orders
                    OrderLineRow line;
                    line.customer_id = row.id(0, keyed ? "customer_key" : "customer_id");
                    line.product_id = row.id(3, "product_id");
                    row.key = line.product_id;
                    const auto at = row.timestamp(1, "ordered_at");
                    if (!at) row.fail("ordered_at", "the order has no date");
                    line.ordered_at = *at;
                    line.order_amount = row.money(2, "amount", config_.currency_decimals);
                    line.category = row.text(4, "category");
                    line.amount = row.money(5, "amount", config_.currency_decimals);
                    out.add(std::move(line));
                }, 0, keyed ? &keys.keys() : nullptr);
            },
            keyed ? to_ids : std::function<void(std::vector<OrderLineRow>&)>());
    }

    void read_referrals(const std::function<void(ReferralBatch)>& sink) override {
        read_rows<ReferralRow>(sink, [&](Batcher<ReferralRow>& out) {
            scan(CanonicalTable::Referrals, mapped(CanonicalTable::Referrals),
                 columns_of(CanonicalTable::Referrals), [&](RowView& row) {
                     ReferralRow r;
                     r.referrer_id = row.id(0, "referrer_id");
                     row.key = r.referrer_id;
                     r.referee_id = row.id(1, "referee_id");
                     r.referred_at = row.timestamp(2, "referred_at");
                     out.add(std::move(r));
                 }, 0);
        });
    }

    void read_interactions(const std::function<void(InteractionBatch)>& sink) override {
        read_rows<InteractionRow>(sink, [&](Batcher<InteractionRow>& out) {
            scan(CanonicalTable::Interactions, mapped(CanonicalTable::Interactions),
                 columns_of(CanonicalTable::Interactions), [&](RowView& row) {
                     InteractionRow i;
                     i.customer_id = row.id(0, "customer_id");
                     row.key = i.customer_id;
                     const auto kind = row.text(1, "kind");
                     if (!kind || kind->empty()) row.fail("kind", "the interaction has no kind");
                     i.kind = lower(*kind);
                     i.keyword = row.text(2, "keyword");
                     const auto at = row.timestamp(3, "at");
                     if (!at) row.fail("at", "the interaction has no time");
                     i.at = *at;
                     out.add(std::move(i));
                 }, 0);
        });
    }

    void read_opt_outs(const std::function<void(OptOutBatch)>& sink) override {
        const Mapped m = mapped(CanonicalTable::OptOuts);
        const auto present = resolve(m, columns_of(CanonicalTable::OptOuts));
        if (std::all_of(present.begin(), present.end(), [](const auto& c) { return c.empty(); }))
            throw DataError("the query for the `opt_outs` table (at " + m.origin +
                            ") has none of the columns `customer_id`, `email`, `phone`");
        read_rows<OptOutRow>(sink, [&](Batcher<OptOutRow>& out) {
            scan(CanonicalTable::OptOuts, m, columns_of(CanonicalTable::OptOuts), [&](RowView& row) {
                OptOutRow o;
                if (row.has_value(0)) o.customer_id = row.id(0, "customer_id");
                o.email = row.text(1, "email");
                o.phone = row.text(2, "phone");
                out.add(std::move(o));
            });
        });
    }

    void read_enrichment(
        const std::string& table, const std::string& query, const std::vector<std::string>& columns,
        const std::function<void(const std::vector<std::optional<std::string>>&)>& sink) override {
        Mapped m{"enrich." + table, query, "the enrichment table `" + table + "` of the rule set"};
        std::vector<ColumnSpec> spec;
        for (const auto& c : columns) spec.push_back({c, true});
        std::vector<std::optional<std::string>> values(columns.size());
        scan(CanonicalTable::Customers, m, spec, [&](RowView& row) {
            for (std::size_t i = 0; i < columns.size(); ++i) values[i] = row.text(i, columns[i]);
            sink(values);
        });
    }

    ReadCounts counts() const override { return counts_; }

    // How many rows a read is expected to give, to size its buffers.
    std::size_t expected_rows() const { return scope_.empty() ? kBatchRows : kScopedBatchRows; }

    void restrict_to_customers(std::vector<std::string> customer_ids) override {
        scope_ = std::move(customer_ids);
        keys_.reset();
    }

private:
    struct Mapped {
        std::string table;
        std::string sql;
        std::string origin;
    };

    soci::session& session() {
        if (!session_) {
            // A host preset's tables are checked before anything is read.
            auto session = connect({config_.connection, config_.password_env});
            check_preset_objects(*session, dialect_, config_);
            session_ = std::move(session);
        }
        return *session_;
    }

    // Hands the rows `produce` parses into the batcher it is given to `sink`, in batches. With 2
    // or more threads the query and the parsing run on a thread of their own, up to two batches
    // ahead of the sink (read_ahead.h); the sink always runs on the calling thread.
    // `prepare`, when given, changes each batch before the sink sees it, on the calling thread
    // (work that would make the reading thread the slower one).
    template <typename Row>
    void read_rows(const std::function<void(std::span<const Row>)>& sink,
                   const std::function<void(Batcher<Row>&)>& produce,
                   const std::function<void(std::vector<Row>&)>& prepare = nullptr) {
        const typename Batcher<Row>::Emit deliver = [&](std::vector<Row>& rows) {
            if (prepare) prepare(rows);
            sink(rows);
        };
        if (!reads_ahead()) {
            Batcher<Row> out(deliver, expected_rows());
            produce(out);
            out.flush();
            return;
        }
        read_ahead<std::vector<Row>>(
            [&](const typename Batcher<Row>::Emit& emit) {
                Batcher<Row> out(emit, kBatchRows);
                produce(out);
                out.flush();
            },
            deliver);
    }

    // ADAPTERS.md `customer_key`: whether the orders query names each order's customer by the
    // host's own key for it (which the customers query maps beside `customer_id`), so that the
    // query needs no join to the customers for their ids. `customer_key` wins when both are there.
    bool orders_by_key() {
        const Mapped orders = mapped(CanonicalTable::Orders);
        const auto present = resolve(orders, {{"customer_id", false}, {"customer_key", false}});
        if (!present[1].empty()) return true;
        if (present[0].empty())
            throw DataError("the query for the `orders` table (at " + orders.origin +
                            ") has no column `customer_id` (nor `customer_key`). Name the column with "
                            "`AS customer_id`, or `AS customer_key` for the host's own key of the "
                            "customer that the customers query also returns");
        return false;
    }

    // The orders' columns, the second being the customer's key when the orders carry it.
    static std::vector<ColumnSpec> order_columns(bool keyed) {
        auto spec = columns_of(CanonicalTable::Orders);
        if (keyed) spec[1] = {"customer_key", true};
        return spec;
    }

    // The key in column `column` of a customers row, of the customer `id` at `position` in
    // its read; none (NULL or empty): no order can name this customer by it.
    static void add_key(CustomerKeys& keys, RowView& row, std::size_t column, const std::string& id,
                        std::uint32_t position = CustomerKeys::kNoPosition) {
        if (!row.has_value(column)) return;
        keys.add(row.id(column, "customer_key"), id, position);
    }
    inline static const CustomerKeys kNoKeys{};

    // The customers' keys for a read of the orders or order lines: those the read of the
    // customers just kept (once: the memory goes with the read that takes them), or read now.
    std::unique_ptr<CustomerKeys> take_customer_keys() {
        if (keys_) return std::move(keys_);
        auto keys = std::make_unique<CustomerKeys>();
        read_customer_keys(*keys);
        return keys;
    }

    // Reads every customer's key from the customers query (only the customers asked for, under
    // a scope): one pass over two columns, which the orders are then matched against in memory.
    void read_customer_keys(CustomerKeys& out) {
        const Mapped customers = mapped(CanonicalTable::Customers);
        const std::vector<ColumnSpec> spec = {{"customer_id", true}, {"customer_key", false}};
        if (resolve(customers, spec)[1].empty())
            throw DataError("the query for the `orders` table (at " + mapped(CanonicalTable::Orders).origin +
                            ") names each order's customer by `customer_key`, and the query for the "
                            "`customers` table (at " + customers.origin +
                            ") has no `customer_key` column: return there the key the orders refer to");
        scan(CanonicalTable::Customers, customers, spec, [&](RowView& row) {
            const std::string id = row.id(0, "customer_id");
            row.key = id;
            add_key(out, row, 1, id);
        }, 0);
        out.index(customers.origin);
    }

    // The SQL giving an order's day (days since 1970-01-01) exactly as the engine computes it
    // (the date in the rule set's zone of a zoned timestamp; the date as written otherwise), or
    // "" when the column's type does not allow it (text: its format is only known row by row).
    std::string day_expression(const OrderTotalsRequest& request) {
        if (!day_expression_cache_.empty()) return day_expression_cache_;
        const Mapped orders = mapped(CanonicalTable::Orders);
        const auto cols = resolve(orders, order_columns(orders_by_key()));
        const std::string at = "o." + quote_identifier(dialect_, cols[2]);
        const std::string from = " FROM (" + strip_query(orders.sql) + "\n) o";
        std::string type;
        try {
            if (dialect_ == Dialect::PostgreSQL) {
                soci::indicator ind = soci::i_null;
                session() << "SELECT pg_typeof(" + at + ")::text" + from + " LIMIT 1", soci::into(type, ind);
                if (type == "timestamp with time zone")
                    day_expression_cache_ = "((" + at + " AT TIME ZONE " +
                                            sql_literal(dialect_, request.time_zone) +
                                            ")::date - DATE '1970-01-01')";
                else if (type == "timestamp without time zone" || type == "date")
                    day_expression_cache_ = "(" + at + "::date - DATE '1970-01-01')";
            } else if (dialect_ == Dialect::MySQL) {
                soci::row probe;
                soci::statement st = (session().prepare << "SELECT " + at + from + " LIMIT 0", soci::into(probe));
                st.execute(true);
                // DATETIME, DATE and TIMESTAMP (shown in the session's zone, as the scan reads it).
                if (probe.size() == 1 && probe.get_properties(0).get_data_type() == soci::dt_date)
                    day_expression_cache_ = "DATEDIFF(" + at + ", '1970-01-01')";
            }
        } catch (const soci::soci_error& e) {
            throw DatabaseError("the query for the `orders` table (at " + orders.origin + ") failed: " + e.what());
        }
        return day_expression_cache_;
    }

    Mapped mapped(CanonicalTable table) const {
        const std::string name(config::table_name(table));
        const auto q = config_.queries.find(table);
        if (q == config_.queries.end()) throw DataError("no query maps the `" + name + "` table");
        return {name, q->second.sql, q->second.origin};
    }

    // The actual name of each wanted column in the query's result ("" when absent); a missing
    // required column is an error naming the table, the query and the column.
    std::vector<std::string> resolve(const Mapped& m, const std::vector<ColumnSpec>& spec) {
        std::vector<std::string>& present = columns_cache_[m.sql];
        if (present.empty()) try {
            soci::row probe;
            soci::statement st =
                (session().prepare << wrap_query(dialect_, m.sql, "*") + " WHERE 1 = 0",
                 soci::into(probe));
            st.execute(true);
            for (std::size_t i = 0; i < probe.size(); ++i)
                present.push_back(probe.get_properties(i).get_name());
        } catch (const soci::soci_error& e) {
            throw DatabaseError("the query for the `" + m.table + "` table (at " + m.origin +
                                ") failed: " + e.what());
        }
        std::vector<std::string> names;
        for (const auto& column : spec) {
            const auto it = std::find_if(present.begin(), present.end(), [&](const std::string& p) {
                return lower(p) == column.name;
            });
            if (it == present.end() && column.required) {
                std::string have;
                for (const auto& p : present) have += (have.empty() ? "" : ", ") + p;
                throw DataError("the query for the `" + m.table + "` table (at " + m.origin +
                                ") has no column `" + column.name + "`; it returns: " + have +
                                ". Name the column with `AS " + column.name + "`");
            }
            names.push_back(it == present.end() ? std::string() : *it);
        }
        return names;
    }

    // Runs the mapped query and calls `row_fn` for each row, the values in `spec` order. With
    // a customer scope (the hooks), only the rows whose column spec[scope_column] is one of the
    // scope's customer ids (or of `scope_values`, the keys of those customers, when given), with
    // the values bound as parameters.
    // Called with a batch and the batch's column of spec column `column` before row_fn gets
    // its rows, RowView::index being a row's position in them: a column's lookups done in one
    // pass, where the memory they read is fetched for many rows at once instead of one row's
    // at a time (an order's customer key). A number in the batch is still the number
    // (TextBatch::cells, numbers; TextBatch::text writes it).
    struct ColumnPass {
        std::size_t column;
        std::function<void(const TextBatch&, std::size_t)> pass;
    };

    // A query ready to run: the mapped query with the columns found (resolve), and where each
    // column of the spec is in its result (-1: absent, read as NULL).
    struct ScanPlan {
        Mapped mapped;
        std::vector<std::string> names;  // by spec column; "" when absent or skipped
        std::vector<int> source_column;  // by spec column
        std::size_t columns = 0;         // the query's result columns
        std::string query;               // the whole table's
    };

    ScanPlan plan_scan(const Mapped& m, const std::vector<ColumnSpec>& spec, const std::vector<bool>* skip = nullptr) {
        ScanPlan plan{m, resolve(m, spec), std::vector<int>(spec.size(), -1), 0, {}};
        if (skip)
            for (std::size_t i = 0; i < plan.names.size(); ++i)
                if ((*skip)[i]) plan.names[i].clear();
        std::string projection;
        for (std::size_t i = 0; i < spec.size(); ++i) {
            if (plan.names[i].empty()) continue;
            if (!projection.empty()) projection += ", ";
            // As they are: every reader hands a value over as the database's own text of it
            // (row_stream.h), never converted by the column's declared type.
            projection += quote_identifier(dialect_, plan.names[i]);
            plan.source_column[i] = static_cast<int>(plan.columns++);
        }
        plan.query = wrap_query(dialect_, m.sql, projection);
        return plan;
    }

    void scan(CanonicalTable, const Mapped& m, const std::vector<ColumnSpec>& spec,
              const std::function<void(RowView&)>& row_fn, int scope_column = -1,
              const std::vector<std::string>* scope_values = nullptr,
              const std::vector<bool>* skip = nullptr, const ColumnPass* column_pass = nullptr) {
        const ScanPlan plan = plan_scan(m, spec, skip);
        if (scope_column < 0 || scope_.empty()) {
            run_scan(session(), plan, row_fn, column_pass, reads_ahead());
            return;
        }
        const std::vector<std::string>& values = scope_values ? *scope_values : scope_;
        std::string query = plan.query + " WHERE " + quote_identifier(dialect_, "custclass_q") + "." +
                            quote_identifier(dialect_, plan.names[static_cast<std::size_t>(scope_column)]) + " IN (";
        // Each database's own placeholders (row_stream.h, query_bound).
        for (std::size_t i = 0; i < values.size(); ++i) {
            if (i) query += ", ";
            switch (dialect_) {
                case Dialect::SQLite: query += ":p" + std::to_string(i); break;
                case Dialect::PostgreSQL: query += "$" + std::to_string(i + 1); break;
                case Dialect::MySQL: query += "?"; break;
            }
        }
        query += ")";
        RowDelivery delivery(plan, row_fn, column_pass);
        try {
            query_bound(session(), query, values, plan.columns, kScopedBatchRows, delivery.fn, &prepared_reads_);
        } catch (const DatabaseError& e) {
            throw read_failed(plan, e);
        }
    }

    // Hands each row of a batch of a plan's query to `row_fn` as a RowView.
    class RowDelivery {
        const ScanPlan& plan_;

    public:
        RowView row;
        std::function<void(TextBatch&)> fn;  // refers to `row`: neither copied nor moved
        RowDelivery(const RowDelivery&) = delete;
        RowDelivery& operator=(const RowDelivery&) = delete;
        // Only the rows asked for (row_of), no `fn`.
        explicit RowDelivery(const ScanPlan& plan) : plan_(plan), row(plan.mapped.table, "query at " + plan.mapped.origin) {
            row.reset(plan.source_column.size());
        }
        RowDelivery(const ScanPlan& plan, const std::function<void(RowView&)>& row_fn, const ColumnPass* column_pass)
            : RowDelivery(plan) {
            const int pass_column = column_pass ? plan.source_column[column_pass->column] : -1;
            fn = [this, &row_fn, column_pass, pass_column](TextBatch& batch) {
                if (pass_column >= 0) column_pass->pass(batch, static_cast<std::size_t>(pass_column));
                for (std::size_t r = 0; r < batch.rows; ++r) row_fn(row_of(batch, r));
            };
        }
        // `row` as row `r` of `batch`.
        RowView& row_of(const TextBatch& batch, std::size_t r) {
            row.index = r;
            row.clear_key();
            for (std::size_t i = 0; i < plan_.source_column.size(); ++i) {
                const int c = plan_.source_column[i];
                if (c < 0) continue;  // absent: NULL from reset()
                const auto col = static_cast<std::size_t>(c);
                // A number's text only when the parsing asks for it (RowView::value).
                switch (batch.cells[col][r]) {
                    case TextBatch::Cell::Integer: row.set_number(i, false, batch.numbers[col][r]); break;
                    case TextBatch::Cell::Real: row.set_number(i, true, batch.numbers[col][r]); break;
                    case TextBatch::Cell::Null: row.set_text(i, std::nullopt); break;
                    case TextBatch::Cell::Text: row.set_text(i, batch.value(col, r)); break;
                }
            }
            return row;
        }
    };

    static DatabaseError read_failed(const ScanPlan& plan, const DatabaseError& e) {
        return DatabaseError("reading the `" + plan.mapped.table + "` table (query at " + plan.mapped.origin +
                             ") failed: " + e.what());
    }

    // Runs a plan's whole-table query on `sql` and calls `row_fn` for each row. It and
    // scan_batches touch nothing of the source but its settings (the read of the orders beside
    // the customers runs scan_batches on a thread of its own, told to read ahead).
    void run_scan(soci::session& sql, const ScanPlan& plan, const std::function<void(RowView&)>& row_fn,
                  const ColumnPass* column_pass, bool ahead) const {
        RowDelivery delivery(plan, row_fn, column_pass);
        scan_batches(sql, plan, delivery.fn, ahead);
    }

    // The same, each batch of the query's values (TextBatch, Cells::Numbers) to `batch_fn`;
    // `ahead`: the stepping on a thread of its own.
    void scan_batches(soci::session& sql, const ScanPlan& plan, const std::function<void(TextBatch&)>& batch_fn,
                      bool ahead) const {
        try {
            if (ahead) {
                // The database's stepping (and its values' copy into the batch) on a thread of its
                // own, one batch ahead of `batch_fn` (the parsing, on the thread that called scan):
                // under read_rows that is itself a thread ahead of the folding, so a whole read
                // runs on three threads, which the two cores share by load (on SQLite the stepping
                // thread alone was the slower of two).
                read_ahead<TextBatch>(
                    [&](const std::function<void(TextBatch&)>& emit) {
                        stream_query(sql, dialect_, plan.query, plan.columns, kBatchRows, emit, Cells::Numbers);
                    },
                    batch_fn);
            } else {
                stream_query(sql, dialect_, plan.query, plan.columns, kBatchRows, batch_fn, Cells::Numbers);
            }
        } catch (const DatabaseError& e) {
            throw read_failed(plan, e);
        }
    }

    // The orders read on a thread of its own (total_orders_ahead), which runs a plan made
    // before it starts and touches nothing else of the source until finish() has joined it.
    class TotalsAhead final : public OrderTotalsAhead {
    public:
        TotalsAhead(SociSource& source, ScanPlan plan, const OrderTotalsRequest& request)
            : source_(source), sql_(source.session()), plan_(std::move(plan)), totals_(request),
              thread_([this] { read(); }) {}
        ~TotalsAhead() override {
            stop_ = true;
            if (thread_.joinable()) thread_.join();
            source_.beside_orders_ = false;
        }

        void finish(const std::function<void(OrderTotalsBatch)>& sink) override {
            if (!thread_.joinable()) throw std::logic_error("the orders' totals were taken already");
            thread_.join();
            source_.beside_orders_ = false;
            if (failure_) std::rethrow_exception(failure_);
            const std::unique_ptr<CustomerKeys> keys = source_.take_customer_keys();
            std::uint64_t unknown = 0;
            totals_.deliver(*keys, sink, unknown);
            source_.counts_.orders_without_customer += without_customer_;
            source_.counts_.orders_of_unknown_customer += unknown;
        }

    private:
        struct Stopped {};

        // An order as the folding thread takes it: its accumulator, its day in the run's zone,
        // its amount and the channels it counts in (OrderFolding::channel_mask).
        struct KeyedOrder {
            std::int64_t amount;
            std::uint32_t slot;
            Day day;
            std::uint64_t channels;
        };
        using KeyedOrders = std::vector<KeyedOrder>;
        // How many rows ahead the memory of a row's accumulator is asked for: the orders of a
        // batch name their customers in no order, so that each would miss the cache in turn.
        static constexpr std::size_t kAhead = 16;

        // Stepped, parsed and folded on three threads: the database's stepping one batch ahead
        // of the parsing (scan_batches), the parsing one batch ahead of the folding (this one).
        void read() {
            try {
                read_ahead<KeyedOrders>([&](const std::function<void(KeyedOrders&)>& emit) { parse(emit); },
                                        [&](KeyedOrders& batch) {
                                            if (stop_) throw Stopped{};
                                            // Each order's accumulator asked for kAhead orders
                                            // before it is folded (KeyedOrderTotals::prefetch).
                                            const std::size_t n = batch.size();
                                            for (std::size_t i = 0; i < n; ++i) {
                                                if (i + kAhead < n) totals_.prefetch(batch[i + kAhead].slot);
                                                const KeyedOrder& o = batch[i];
                                                totals_.add(o.slot, o.day, o.amount, o.channels);
                                            }
                                        });
            } catch (const Stopped&) {
            } catch (...) {
                failure_ = std::current_exception();
            }
        }

        // Parses each batch of the orders' values into KeyedOrders. First each row's accumulator,
        // found for the whole batch in one pass (the memory it reads fetched for many rows at
        // once). Then a row of the usual values straight from the batch's cells (usual_order);
        // any other goes through parse_order_into, with its errors, as the read of the orders
        // after the customers parses it.
        void parse(const std::function<void(KeyedOrders&)>& emit) {
            const OrderFolding& folding = totals_.folding();
            const int decimals = source_.config_.currency_decimals;
            const std::vector<int>& at_column = plan_.source_column;  // by order_columns(true)
            const OrderColumns columns{static_cast<std::size_t>(at_column[0]), static_cast<std::size_t>(at_column[1]),
                                       static_cast<std::size_t>(at_column[2]), static_cast<std::size_t>(at_column[3]),
                                       at_column[4]};
            RowDelivery rows(plan_);
            config::TimestampParser timestamps;
            OrderRow parsed;
            std::vector<std::uint32_t> slots;
            KeyedOrders out;
            source_.scan_batches(sql_, plan_, [&](TextBatch& batch) {
                if (stop_) throw Stopped{};
                slots.resize(batch.rows);
                const std::vector<TextBatch::Cell>& key_cells = batch.cells[columns.customer];
                const std::vector<std::int64_t>& keys = batch.numbers[columns.customer];
                for (std::size_t r = 0; r < batch.rows; ++r) {
                    if (r + kAhead < batch.rows && key_cells[r + kAhead] == TextBatch::Cell::Integer)
                        totals_.prefetch_key(keys[r + kAhead]);
                    char scratch[kNumberText];
                    if (key_cells[r] == TextBatch::Cell::Integer)
                        slots[r] = totals_.of_number(keys[r]);
                    else if (const auto text = batch.text(columns.customer, r, scratch); text && !text->empty())
                        slots[r] = totals_.of_text(*text);
                    // else no customer: parse_order_into says so
                }
                out.clear();
                for (std::size_t r = 0; r < batch.rows; ++r) {
                    if (const auto o = usual_order(batch, r, columns, decimals, timestamps)) {
                        out.push_back({o->amount, slots[r], folding.day_of(o->ordered_at),
                                       o->channel ? folding.channel_mask(*o->channel) : 0});
                        continue;
                    }
                    if (!parse_order_into(rows.row_of(batch, r), decimals, "customer_key", parsed, false, false)) {
                        ++without_customer_;
                        continue;
                    }
                    out.push_back({parsed.amount, slots[r], folding.day_of(parsed.ordered_at),
                                   parsed.channel ? folding.channel_mask(*parsed.channel) : 0});
                }
                emit(out);
            }, true);
        }

        SociSource& source_;
        soci::session& sql_;
        const ScanPlan plan_;
        KeyedOrderTotals totals_;
        std::uint64_t without_customer_ = 0;
        std::exception_ptr failure_;
        std::atomic<bool> stop_{false};
        std::thread thread_;  // last: started once everything above is there
    };

    // Whether a read on the calling thread runs ahead on threads of its own: with set_threads(2)
    // or more, except beside the orders' read ahead (total_orders_ahead, until its finish()).
    // There the customers' read (and the opt-outs') runs on the calling thread alone: on two
    // cores its three threads and the orders' three shared them by turns, and the orders'
    // stepping thread, whose end ends the reads, had ~55% of a core while the customers were
    // read. Alone on the calling thread the customers' read ends as soon, and the orders'
    // stepping has ~70% (bench/RESULTS.md, the eleventh pass).
    bool reads_ahead() const { return threads_ >= 2 && !beside_orders_; }

    config::SourceConfig config_;
    Dialect dialect_;
    unsigned threads_ = 1;  // set_threads: 2 or more reads one batch ahead
    bool beside_orders_ = false;  // a TotalsAhead is reading (set and cleared on the calling thread)
    std::unique_ptr<soci::session> session_;
    // The scoped reads' statements kept prepared (SQLite): destroyed before the session.
    PreparedReads prepared_reads_;
    std::string day_expression_cache_;
    // The columns each query returns, by its SQL: probed once per source.
    std::map<std::string, std::vector<std::string>> columns_cache_;
    std::vector<std::string> scope_;  // the hooks' customers; empty: all
    std::unique_ptr<CustomerKeys> keys_;  // kept by read_customers for take_customer_keys()
    std::vector<std::string> customer_columns_;  // minimisation; empty: every column
    std::vector<std::string> unread_;            // mapped and left out by the last customers read
    ReadCounts counts_;
};

}  // namespace

std::unique_ptr<Source> make_soci_source(const config::SourceConfig& config) {
    return std::make_unique<SociSource>(config);
}

}  // namespace custclass::adapters
