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
    const char* name;
    bool required;
};

const std::vector<ColumnSpec>& columns_of(CanonicalTable table) {
    static const std::vector<ColumnSpec> customers = {
        {"customer_id", true}, {"created_at", false},  {"birth_date", false},
        {"gender", false},     {"district", false},    {"income_band", false},
        {"email", false},      {"phone", false},       {"lead_source", false},
        {"is_prospect", false}, {"interests", false},  {"marketing_consent", false}};
    static const std::vector<ColumnSpec> orders = {{"order_id", true},
                                                   {"customer_id", true},
                                                   {"ordered_at", true},
                                                   {"amount", true},
                                                   {"channel", false}};
    static const std::vector<ColumnSpec> none;
    switch (table) {
        case CanonicalTable::Customers: return customers;
        case CanonicalTable::Orders: return orders;
        default: return none;
    }
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

class SociSource final : public Source {
public:
    explicit SociSource(const config::SourceConfig& config)
        : config_(config), dialect_(dialect_of_backend(config.backend)) {}

    void read_customers(const std::function<void(CustomerBatch)>& sink) override {
        std::vector<CustomerRow> batch;
        batch.reserve(kBatchRows);
        read_table(CanonicalTable::Customers, [&](RowView& row, bool flush) {
            if (flush) {
                if (!batch.empty()) sink(batch);
                batch.clear();
                return;
            }
            CustomerRow c;
            const std::string* id = row.raw(0);
            if (!id || id->empty()) row.fail("customer_id", "the customer id is NULL or empty");
            c.customer_id = normalise_id(*id);
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
            batch.push_back(std::move(c));
            if (batch.size() == kBatchRows) {
                sink(batch);
                batch.clear();
            }
        });
    }

    void read_orders(const std::function<void(OrderBatch)>& sink) override {
        std::vector<OrderRow> batch;
        batch.reserve(kBatchRows);
        read_table(CanonicalTable::Orders, [&](RowView& row, bool flush) {
            if (flush) {
                if (!batch.empty()) sink(batch);
                batch.clear();
                return;
            }
            OrderRow o;
            const std::string* id = row.raw(0);
            if (!id || id->empty()) row.fail("order_id", "the order id is NULL or empty");
            o.order_id = normalise_id(*id);
            row.key = o.order_id;
            const std::string* customer = row.raw(1);
            if (!customer || customer->empty()) {
                ++counts_.orders_without_customer;
                return;
            }
            o.customer_id = normalise_id(*customer);
            const auto at = row.timestamp(2, "ordered_at");
            if (!at) row.fail("ordered_at", "the order has no date");
            o.ordered_at = *at;
            const std::string* amount = row.raw(3);
            if (!amount) row.fail("amount", "the amount is NULL");
            const auto minor = parse_money(*amount, config_.currency_decimals);
            if (!minor) row.fail("amount", "`" + *amount + "` is not an amount");
            o.amount = *minor;
            o.channel = row.text(4, "channel");
            batch.push_back(std::move(o));
            if (batch.size() == kBatchRows) {
                sink(batch);
                batch.clear();
            }
        });
    }

    ReadCounts counts() const override { return counts_; }

private:
    soci::session& session() {
        if (!session_) session_ = connect({config_.connection, config_.password_env});
        return *session_;
    }

    // Runs the mapped query of `table` and calls `row_fn` for each row, then once with flush.
    void read_table(CanonicalTable table, const std::function<void(RowView&, bool)>& row_fn) {
        const std::string table_name(config::table_name(table));
        const auto q = config_.queries.find(table);
        if (q == config_.queries.end())
            throw DataError("no query maps the `" + table_name + "` table");
        const std::string& origin = q->second.origin;
        soci::session& sql = session();

        // Which of the wanted columns does the mapped query return?
        const auto& spec = columns_of(table);
        std::vector<std::string> present;
        try {
            soci::row probe;
            soci::statement st = (sql.prepare << wrap_query(dialect_, q->second.sql, "*") +
                                                     " WHERE 1 = 0",
                                  soci::into(probe));
            st.execute(true);
            for (std::size_t i = 0; i < probe.size(); ++i)
                present.push_back(probe.get_properties(i).get_name());
        } catch (const soci::soci_error& e) {
            throw DatabaseError("the query for the `" + table_name + "` table (at " + origin +
                                ") failed: " + e.what());
        }
        std::vector<int> source_column(spec.size(), -1);
        std::string projection;
        int next = 0;
        for (std::size_t i = 0; i < spec.size(); ++i) {
            const auto it = std::find_if(present.begin(), present.end(), [&](const std::string& p) {
                return lower(p) == spec[i].name;
            });
            if (it == present.end()) {
                if (!spec[i].required) continue;
                std::string have;
                for (const auto& p : present) have += (have.empty() ? "" : ", ") + p;
                throw DataError("the query for the `" + table_name + "` table (at " + origin +
                                ") has no column `" + spec[i].name +
                                "`; it returns: " + have +
                                ". Name the column with `AS " + spec[i].name + "`");
            }
            if (!projection.empty()) projection += ", ";
            projection += text_column(dialect_, *it);
            source_column[i] = next++;
        }

        RowView row(table_name, origin);
        row.values.assign(spec.size(), nullptr);
        try {
            stream_query(sql, dialect_, wrap_query(dialect_, q->second.sql, projection),
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
                                 row_fn(row, false);
                             }
                         });
        } catch (const DatabaseError& e) {
            throw DatabaseError("reading the `" + table_name + "` table (query at " + origin +
                                ") failed: " + e.what());
        }
        row_fn(row, true);
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
