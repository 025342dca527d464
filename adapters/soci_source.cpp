#include "soci_source.h"

#include <soci/soci.h>

#include <algorithm>
#include <cctype>
#include <vector>

#include "row_stream.h"
#include "soci_connection.h"
#include "sql_dialect.h"
#include "value_parsing.h"

namespace custclass::adapters {

namespace {

using config::CanonicalTable;

constexpr std::size_t kBatchRows = 4096;

struct ColumnSpec {
    std::string name;
    bool required;
};

std::vector<ColumnSpec> columns_of(CanonicalTable table) {
    switch (table) {
        case CanonicalTable::Customers:
            return {{"customer_id", true},  {"created_at", false}, {"birth_date", false},
                    {"gender", false},      {"district", false},   {"income_band", false},
                    {"email", false},       {"phone", false},      {"lead_source", false},
                    {"is_prospect", false}, {"interests", false},  {"marketing_consent", false},
                    {"opted_out", false}};
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

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

// One row of a mapped table while it is parsed: the values of the wanted columns (absent
// columns and SQL NULLs alike are nullopt) and what to call it in an error.
class RowView {
public:
    RowView(std::string_view table, const std::string& origin) : table_(table), origin_(origin) {}

    std::vector<const std::string*> values;  // by the table's column spec order; null = NULL
    std::string key;                          // the row's key, once known

    const std::string* raw(std::size_t column) const { return values[column]; }

    [[noreturn]] void fail(std::string_view column, const std::string& problem) const {
        throw DataError("table `" + std::string(table_) + "`" +
                        (key.empty() ? std::string() : ", key `" + key + "`") + ", column `" +
                        std::string(column) + "`: " + problem + " (query at " + origin_ + ")");
    }

    std::optional<std::string> text(std::size_t column, std::string_view name) const {
        const std::string* v = values[column];
        if (!v) return std::nullopt;
        if (!valid_utf8(*v)) fail(name, "the value is not valid UTF-8");
        return *v;
    }

    std::optional<config::Timestamp> timestamp(std::size_t column, std::string_view name) const {
        const std::string* v = values[column];
        if (!v || v->empty()) return std::nullopt;
        const auto t = config::parse_timestamp(*v);
        if (!t) fail(name, "`" + *v + "` is not a date or timestamp (expected YYYY-MM-DD[ HH:MM[:SS]])");
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
        const std::string* v = values[column];
        if (!v || v->empty()) fail(name, "the identifier is NULL or empty");
        if (!valid_utf8(*v)) fail(name, "the value is not valid UTF-8");
        return normalise_id(*v);
    }

    std::int64_t money(std::size_t column, std::string_view name, int decimals) const {
        const std::string* v = values[column];
        if (!v) fail(name, "the amount is NULL");
        const auto minor = parse_money(*v, decimals);
        if (!minor) fail(name, "`" + *v + "` is not an amount");
        return *minor;
    }

    std::optional<bool> flag(std::size_t column, std::string_view name) const {
        const std::string* v = values[column];
        if (!v || v->empty()) return std::nullopt;
        const auto b = parse_flag(*v);
        if (!b) fail(name, "`" + *v + "` is not a true/false value (expected 1/0, true/false)");
        return b;
    }

private:
    std::string_view table_;
    const std::string& origin_;
};

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
        scan(CanonicalTable::Customers, mapped(CanonicalTable::Customers), spec, [&](RowView& row) {
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
            for (std::size_t i = first_attribute; i < spec.size(); ++i)
                c.attributes.push_back(row.text(i, spec[i].name));
            out.add(std::move(c));
        });
        out.flush();
    }

    void read_orders(const std::function<void(OrderBatch)>& sink) override {
        Batcher<OrderRow> out(sink);
        scan(CanonicalTable::Orders, mapped(CanonicalTable::Orders),
             columns_of(CanonicalTable::Orders), [&](RowView& row) {
                 OrderRow o;
                 o.order_id = row.id(0, "order_id");
                 row.key = o.order_id;
                 const std::string* customer = row.raw(1);
                 if (!customer || customer->empty()) {
                     ++counts_.orders_without_customer;
                     return;
                 }
                 o.customer_id = row.id(1, "customer_id");
                 const auto at = row.timestamp(2, "ordered_at");
                 if (!at) row.fail("ordered_at", "the order has no date");
                 o.ordered_at = *at;
                 o.amount = row.money(3, "amount", config_.currency_decimals);
                 o.channel = row.text(4, "channel");
                 out.add(std::move(o));
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
        RowView row(m.table, m.origin);
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
