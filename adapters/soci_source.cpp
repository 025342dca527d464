#include "soci_source.h"

#include <soci/soci.h>

#include <algorithm>
#include <cctype>
#include <vector>

#include "canonical_row_parser.h"
#include "row_stream.h"
#include "soci_connection.h"
#include "sql_dialect.h"
#include "value_parsing.h"

namespace custclass::adapters {

namespace {

using config::CanonicalTable;

constexpr std::size_t kBatchRows = 4096;

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

// Collects parsed rows into batches for a sink.
template <typename Row>
class Batcher {
public:
    explicit Batcher(const std::function<void(std::span<const Row>)>& sink) : sink_(sink) {
        rows_.reserve(kBatchRows);
    }
    void add(Row row) {
        rows_.push_back(std::move(row));
        if (rows_.size() == kBatchRows) flush();
    }
    void flush() {
        if (!rows_.empty()) sink_(rows_);
        rows_.clear();
    }

private:
    const std::function<void(std::span<const Row>)>& sink_;
    std::vector<Row> rows_;
};

class SociSource final : public Source {
public:
    explicit SociSource(const config::SourceConfig& config)
        : config_(config), dialect_(dialect_of_backend(config.backend)) {}

    bool has_table(CanonicalTable table) const override { return config_.queries.count(table) > 0; }

    void read_customers(const std::vector<std::string>& attributes,
                        const std::function<void(CustomerBatch)>& sink) override {
        auto spec = columns_of(CanonicalTable::Customers);
        const std::size_t first_attribute = spec.size();
        for (const auto& a : attributes) spec.push_back({"attr_" + a, true});
        Batcher<CustomerRow> out(sink);
        scan(CanonicalTable::Customers, mapped(CanonicalTable::Customers), spec,
             [&](RowView& row) { out.add(parse_customer(row, spec, first_attribute)); });
        out.flush();
    }

    void read_orders(const std::function<void(OrderBatch)>& sink) override {
        Batcher<OrderRow> out(sink);
        scan(CanonicalTable::Orders, mapped(CanonicalTable::Orders),
             columns_of(CanonicalTable::Orders), [&](RowView& row) {
                 if (auto o = parse_order(row, config_.currency_decimals))
                     out.add(std::move(*o));
                 else
                     ++counts_.orders_without_customer;
             });
        out.flush();
    }

    // Lines are read joined to their orders by the database, so that memory does not grow
    // with the number of orders.
    void read_order_lines(const std::function<void(OrderLineBatch)>& sink) override {
        const Mapped lines = mapped(CanonicalTable::OrderLines);
        const Mapped orders = mapped(CanonicalTable::Orders);
        const auto line_cols = resolve(lines, columns_of(CanonicalTable::OrderLines));
        const auto order_cols = resolve(orders, columns_of(CanonicalTable::Orders));
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
        Batcher<OrderLineRow> out(sink);
        scan(CanonicalTable::OrderLines, joined, spec, [&](RowView& row) {
            const std::string* customer = row.raw(0);
            if (!customer || customer->empty()) return;  // a guest sale, counted with the orders
            OrderLineRow line;
            line.customer_id = row.id(0, "customer_id");
            line.product_id = row.id(3, "product_id");
            row.key = line.product_id;
            const auto at = row.timestamp(1, "ordered_at");
            if (!at) row.fail("ordered_at", "the order has no date");
            line.ordered_at = *at;
            line.order_amount = row.money(2, "amount", config_.currency_decimals);
            line.category = row.text(4, "category");
            line.amount = row.money(5, "amount", config_.currency_decimals);
            out.add(std::move(line));
        });
        out.flush();
    }

    void read_referrals(const std::function<void(ReferralBatch)>& sink) override {
        Batcher<ReferralRow> out(sink);
        scan(CanonicalTable::Referrals, mapped(CanonicalTable::Referrals),
             columns_of(CanonicalTable::Referrals), [&](RowView& row) {
                 ReferralRow r;
                 r.referrer_id = row.id(0, "referrer_id");
                 row.key = r.referrer_id;
                 r.referee_id = row.id(1, "referee_id");
                 r.referred_at = row.timestamp(2, "referred_at");
                 out.add(std::move(r));
             });
        out.flush();
    }

    void read_opt_outs(const std::function<void(OptOutBatch)>& sink) override {
        const Mapped m = mapped(CanonicalTable::OptOuts);
        const auto present = resolve(m, columns_of(CanonicalTable::OptOuts));
        if (std::all_of(present.begin(), present.end(), [](const auto& c) { return c.empty(); }))
            throw DataError("the query for the `opt_outs` table (at " + m.origin +
                            ") has none of the columns `customer_id`, `email`, `phone`");
        Batcher<OptOutRow> out(sink);
        scan(CanonicalTable::OptOuts, m, columns_of(CanonicalTable::OptOuts), [&](RowView& row) {
            OptOutRow o;
            if (row.raw(0) && !row.raw(0)->empty()) o.customer_id = row.id(0, "customer_id");
            o.email = row.text(1, "email");
            o.phone = row.text(2, "phone");
            out.add(std::move(o));
        });
        out.flush();
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

private:
    struct Mapped {
        std::string table;
        std::string sql;
        std::string origin;
    };

    soci::session& session() {
        if (!session_) session_ = connect({config_.connection, config_.password_env});
        return *session_;
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
        std::vector<std::string> present;
        try {
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

    // Runs the mapped query and calls `row_fn` for each row, the values in `spec` order.
    void scan(CanonicalTable, const Mapped& m, const std::vector<ColumnSpec>& spec,
              const std::function<void(RowView&)>& row_fn) {
        const auto names = resolve(m, spec);
        std::vector<int> source_column(spec.size(), -1);
        std::string projection;
        int next = 0;
        for (std::size_t i = 0; i < spec.size(); ++i) {
            if (names[i].empty()) continue;
            if (!projection.empty()) projection += ", ";
            projection += text_column(dialect_, names[i]);
            source_column[i] = next++;
        }
        RowView row(m.table, "query at " + m.origin);
        row.values.assign(spec.size(), nullptr);
        try {
            stream_query(session(), dialect_, wrap_query(dialect_, m.sql, projection),
                         static_cast<std::size_t>(next), kBatchRows, [&](const TextBatch& batch) {
                             for (std::size_t r = 0; r < batch.rows; ++r) {
                                 row.key.clear();
                                 for (std::size_t i = 0; i < spec.size(); ++i) {
                                     const int c = source_column[i];
                                     const auto col = static_cast<std::size_t>(c);
                                     row.values[i] = c < 0 || batch.null[col][r]
                                                         ? nullptr
                                                         : &batch.values[col][r];
                                 }
                                 row_fn(row);
                             }
                         });
        } catch (const DatabaseError& e) {
            throw DatabaseError("reading the `" + m.table + "` table (query at " + m.origin +
                                ") failed: " + e.what());
        }
    }

    config::SourceConfig config_;
    Dialect dialect_;
    std::unique_ptr<soci::session> session_;
    ReadCounts counts_;
};

}  // namespace

std::unique_ptr<Source> make_soci_source(const config::SourceConfig& config) {
    return std::make_unique<SociSource>(config);
}

}  // namespace custclass::adapters
