// The real UCI Online Retail transactions of December 2010 (../shared/data/online-retail-2010-12,
// see its README), loaded as they are into SQLite, PostgreSQL and MariaDB (every column as
// written: CustomerID like `17850.0`, cancellations with InvoiceNo `C…` and negative quantities),
// mapped with the generic preset (one order per invoice, amount = SUM(Quantity * UnitPrice) in the
// database) and classified as of 2010-12-23 with a 30-day window. The counts of the data README
// and the r/f/m scores of every customer are checked against a computation written here from the
// CSV files, without the engine's code (and, on PostgreSQL, against SQL window functions too).
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <soci/soci.h>

#include "civil_time.h"
#include "engine.h"
#include "integration_support.h"

using namespace custclass;
using namespace custclass::integration;

namespace {

const std::filesystem::path kDataDir =
    std::filesystem::path(CUSTCLASS_TEST_DATA_DIR) / "online-retail-2010-12";
constexpr const char* kAsOf = "2010-12-23";

// ---- The CSV files, read without the engine -------------------------------------------------

struct Line {
    std::string invoice, stock_code, description;
    std::string quantity;    // as written, e.g. "6", "-1"
    std::string date;        // "2010-12-01 08:26:00"
    std::string unit_price;  // as written, e.g. "2.55", "2.1", "0.0"
    std::string customer;    // as written, e.g. "17850.0"; "" when missing
    std::string country;
};

// One record of RFC 4180 CSV (quoted fields, "" inside quotes); the files have no line breaks
// inside fields.
std::vector<std::string> split_csv(const std::string& line) {
    std::vector<std::string> fields(1);
    bool quoted = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (quoted) {
            if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
                fields.back() += '"';
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                fields.back() += c;
            }
        } else if (c == '"') {
            quoted = true;
        } else if (c == ',') {
            fields.emplace_back();
        } else if (c != '\r') {
            fields.back() += c;
        }
    }
    return fields;
}

const std::vector<Line>& retail_lines() {
    static const std::vector<Line> lines = [] {
        std::vector<std::filesystem::path> files;
        for (const auto& e : std::filesystem::directory_iterator(kDataDir))
            if (e.path().extension() == ".csv") files.push_back(e.path());
        std::sort(files.begin(), files.end());
        std::vector<Line> out;
        for (const auto& f : files) {
            std::ifstream in(f);
            std::string text;
            std::getline(in, text);  // header
            if (text.rfind("InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country", 0) != 0)
                throw std::runtime_error("unexpected header in " + f.string());
            while (std::getline(in, text)) {
                if (text.empty()) continue;
                auto v = split_csv(text);
                if (v.size() != 8) throw std::runtime_error("bad record in " + f.string() + ": " + text);
                out.push_back({v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7]});
            }
        }
        return out;
    }();
    return lines;
}

// "2.55" -> 255, "2.1" -> 210, "13541.33" -> 1354133 (the prices have at most two decimals).
std::int64_t price_cents(const std::string& text) {
    const auto point = text.find('.');
    const std::string whole = text.substr(0, point);
    std::string frac = point == std::string::npos ? "" : text.substr(point + 1);
    if (frac.size() > 2) throw std::runtime_error("price with more than two decimals: " + text);
    while (frac.size() < 2) frac += '0';
    return std::stoll(whole) * 100 + std::stoll(frac);
}

int day_number(const std::string& timestamp) {
    const int y = std::stoi(timestamp.substr(0, 4));
    const unsigned m = static_cast<unsigned>(std::stoi(timestamp.substr(5, 2)));
    const unsigned d = static_cast<unsigned>(std::stoi(timestamp.substr(8, 2)));
    return static_cast<int>(
        std::chrono::sys_days{std::chrono::year{y} / std::chrono::month{m} / std::chrono::day{d}}
            .time_since_epoch()
            .count());
}

// What RULES.md section 4 says the features are, computed directly from the CSV lines.
struct Expected {
    struct Customer {
        int purchases = 0;           // invoices with amount > 0 (all are in the 30-day window)
        std::int64_t cents = 0;      // sum of all invoice amounts, cancellations included
        int last_purchase_day = -1;  // -1: none
        std::optional<int> recency, r_score, f_score, m_score;
    };
    std::map<std::string, Customer> customers;  // by id without the ".0"
    int invoices = 0;
    int invoices_without_customer = 0;
};

const Expected& expected() {
    static const Expected result = [] {
        Expected e;
        struct Invoice {
            std::string customer;
            std::string first_timestamp;
            std::int64_t cents = 0;
        };
        std::map<std::string, Invoice> invoices;
        for (const Line& l : retail_lines()) {
            Invoice& inv = invoices[l.invoice];
            if (inv.first_timestamp.empty() || l.date < inv.first_timestamp) inv.first_timestamp = l.date;
            inv.customer = l.customer;
            inv.cents += std::stoll(l.quantity) * price_cents(l.unit_price);
        }
        const int as_of = day_number(kAsOf);
        for (const auto& [no, inv] : invoices) {
            ++e.invoices;
            if (inv.customer.empty()) {
                ++e.invoices_without_customer;
                continue;
            }
            std::string id = inv.customer;
            if (id.size() > 2 && id.ends_with(".0")) id.resize(id.size() - 2);
            Expected::Customer& c = e.customers[id];
            const int day = day_number(inv.first_timestamp);
            EXPECT_LE(day, as_of);
            EXPECT_GT(day, as_of - 30);  // every invoice is in the window
            c.cents += inv.cents;
            if (inv.cents > 0) {
                ++c.purchases;
                c.last_purchase_day = std::max(c.last_purchase_day, day);
            }
        }
        // Scores among active customers: 1 + floor(5 w / n), w = active customers strictly worse.
        std::vector<Expected::Customer*> active;
        for (auto& [id, c] : e.customers)
            if (c.purchases >= 1) {
                c.recency = as_of - c.last_purchase_day;
                active.push_back(&c);
            }
        const long n = static_cast<long>(active.size());
        for (Expected::Customer* c : active) {
            long wr = 0, wf = 0, wm = 0;
            for (const Expected::Customer* o : active) {
                wr += *o->recency > *c->recency;
                wf += o->purchases < c->purchases;
                wm += o->cents < c->cents;
            }
            c->r_score = static_cast<int>(1 + 5 * wr / n);
            c->f_score = static_cast<int>(1 + 5 * wf / n);
            c->m_score = static_cast<int>(1 + 5 * wm / n);
        }
        return e;
    }();
    return result;
}

// ---- Loading the data into a database as it is -----------------------------------------------

void load_retail(ScratchDatabase& db) {
    switch (db.backend()) {
        case Backend::SQLite:
            db.exec("CREATE TABLE online_retail (InvoiceNo TEXT NOT NULL, StockCode TEXT, "
                    "Description TEXT, Quantity INTEGER, InvoiceDate TEXT, UnitPrice REAL, "
                    "CustomerID TEXT, Country TEXT)");
            break;
        case Backend::PostgreSQL:
            db.exec("CREATE TABLE online_retail (InvoiceNo varchar(10) NOT NULL, "
                    "StockCode varchar(20), Description varchar(64), Quantity integer, "
                    "InvoiceDate timestamp, UnitPrice numeric(10,2), CustomerID numeric(8,1), "
                    "Country varchar(40))");
            break;
        case Backend::MariaDB:
            db.exec("CREATE TABLE online_retail (InvoiceNo VARCHAR(10) NOT NULL, "
                    "StockCode VARCHAR(20), Description VARCHAR(64), Quantity INT, "
                    "InvoiceDate DATETIME, UnitPrice DECIMAL(10,2), CustomerID DECIMAL(8,1), "
                    "Country VARCHAR(40))");
            break;
    }
    std::vector<std::vector<std::string>> rows;
    rows.reserve(retail_lines().size());
    for (const Line& l : retail_lines())
        rows.push_back({db.literal(l.invoice), db.literal(l.stock_code), db.literal(l.description),
                        l.quantity, db.literal(l.date), l.unit_price,
                        l.customer.empty() ? "NULL" : (db.backend() == Backend::SQLite
                                                           ? db.literal(l.customer)
                                                           : l.customer),
                        db.literal(l.country)});
    db.insert("online_retail",
              {"InvoiceNo", "StockCode", "Description", "Quantity", "InvoiceDate", "UnitPrice",
               "CustomerID", "Country"},
              rows, 1000);
}

// The generic mapping, the same SQL on every backend.
const char* kCustomersQuery =
    "SELECT CustomerID AS customer_id, MIN(InvoiceDate) AS created_at\n"
    "FROM online_retail\n"
    "WHERE CustomerID IS NOT NULL\n"
    "GROUP BY CustomerID";
// One order per invoice. On SQLite UnitPrice is REAL and the sum carries binary rounding noise far
// below half a cent, which the engine's rounding to cents removes; PostgreSQL and MariaDB sum in
// their exact decimal types.
const char* kOrdersQuery =
    "SELECT InvoiceNo AS order_id, MIN(CustomerID) AS customer_id,\n"
    "       MIN(InvoiceDate) AS ordered_at, SUM(Quantity * UnitPrice) AS amount\n"
    "FROM online_retail\n"
    "GROUP BY InvoiceNo";

const char* kRules = R"(custclass: 1
name: online-retail
version: "1"
window_days: 30
time_zone: Europe/London
classifications:
  - id: value
    segments:
      - id: champions
        when: r_score >= 4 and f_score >= 4 and m_score >= 4
      - id: at_risk
        when: r_score <= 2 and f_score >= 3
      - id: others
        when: "true"
)";

std::optional<int> as_int(const nlohmann::ordered_json& v) {
    if (v.is_null()) return std::nullopt;
    const double d = v.get<double>();
    EXPECT_EQ(d, std::floor(d));
    return static_cast<int>(d);
}

void check_backend(Backend backend) {
    ScratchDatabase db(backend, "retail");
    load_retail(db);

    // The data as loaded: the facts of the data README.
    EXPECT_EQ(db.scalar("SELECT COUNT(*) FROM online_retail"), "42481");
    EXPECT_EQ(db.scalar("SELECT COUNT(DISTINCT InvoiceNo) FROM online_retail"), "2025");
    EXPECT_EQ(db.scalar("SELECT COUNT(DISTINCT CustomerID) FROM online_retail"), "948");
    EXPECT_EQ(db.scalar("SELECT COUNT(*) FROM online_retail WHERE CustomerID IS NULL"), "15631");
    EXPECT_EQ(db.scalar("SELECT COUNT(*) FROM online_retail WHERE InvoiceNo LIKE 'C%'"), "728");
    EXPECT_EQ(db.scalar("SELECT COUNT(*) FROM online_retail WHERE InvoiceNo LIKE 'C%' AND "
                        "Quantity >= 0"),
              "0");

    TempDir dir;
    const std::string config =
        write_engine_config(dir.path(), db.connection(), kCustomersQuery, kOrdersQuery, kRules);
    const FeatureDump dump = dump_features(
        config, kAsOf, {"frequency", "monetary", "recency_days", "r_score", "f_score", "m_score"});

    const Expected& exp = expected();
    ASSERT_EQ(exp.customers.size(), 948u);  // the README's count, from the CSV
    EXPECT_EQ(dump.customers_read, 948u);
    EXPECT_EQ(dump.customers.size(), 948u);
    EXPECT_TRUE(dump.excluded.empty());
    // Every invoice without a CustomerID is a guest order; nothing else is left out.
    EXPECT_EQ(dump.data_quality, (std::map<std::string, std::uint64_t>{
                                     {"orders_without_customer",
                                      static_cast<std::uint64_t>(exp.invoices_without_customer)}}));

    // Invoices with an amount > 0 (purchases) per customer, as the data README counts them.
    std::map<int, int> distribution;
    int ten_or_more = 0, active = 0;
    for (const auto& [id, f] : dump.customers) {
        const int frequency = *as_int(f["frequency"]);
        if (frequency >= 10)
            ++ten_or_more;
        else if (frequency >= 1)
            ++distribution[frequency];
        active += frequency >= 1;
    }
    EXPECT_EQ(distribution,
              (std::map<int, int>{{1, 622}, {2, 169}, {3, 50}, {4, 23}, {5, 9}, {6, 4}, {8, 2}, {9, 1}}));
    EXPECT_EQ(ten_or_more, 5);
    EXPECT_EQ(active, 885);

    // Every customer's features and scores against the independent computation.
    int mismatches = 0;
    for (const auto& [id, e] : exp.customers) {
        const auto it = dump.customers.find(id);
        if (it == dump.customers.end()) {
            ADD_FAILURE() << "customer " << id << " missing";
            continue;
        }
        const auto& f = it->second;
        const bool ok = as_int(f["frequency"]) == e.purchases &&
                        std::llround(f["monetary"].get<double>() * 100) == e.cents &&
                        as_int(f["recency_days"]) == e.recency &&
                        as_int(f["r_score"]) == e.r_score && as_int(f["f_score"]) == e.f_score &&
                        as_int(f["m_score"]) == e.m_score;
        if (!ok && ++mismatches <= 10)
            ADD_FAILURE() << "customer " << id << ": engine " << f.dump() << "; expected frequency "
                          << e.purchases << ", monetary cents " << e.cents << ", recency "
                          << (e.recency ? std::to_string(*e.recency) : "null") << ", scores "
                          << (e.r_score ? std::to_string(*e.r_score) : "null") << "/"
                          << (e.f_score ? std::to_string(*e.f_score) : "null") << "/"
                          << (e.m_score ? std::to_string(*e.m_score) : "null");
    }
    EXPECT_EQ(mismatches, 0);

    // The full run through the engine sees the same customers.
    auto engine = plugin::Engine::open_file(config, "");
    plugin::RunRequest request;
    request.as_of = *config::parse_day(kAsOf);
    const auto summary = engine->run(request);
    EXPECT_EQ(summary["customers"], 948);
    std::uint64_t classified = 0;
    for (const auto& [seg, count] : summary["classifications"]["value"]["segments"].items())
        classified += count.get<std::uint64_t>();
    EXPECT_EQ(classified, 948u);
}

// The store's assignments of one run of the `value` classification: customer -> segment ("" for
// unclassified), read with SQL, not through the engine.
std::map<std::string, std::string> stored_segments(ScratchDatabase& db, const std::string& run_id) {
    std::map<std::string, std::string> out;
    soci::rowset<soci::row> rows = (db.session().prepare
                                    << "SELECT customer_id, segment FROM custclass_assignments "
                                       "WHERE classification = 'value' AND run_id = '" + run_id + "'");
    for (const soci::row& row : rows)
        out[row.get<std::string>(0)] =
            row.get_indicator(1) == soci::i_null ? std::string() : row.get<std::string>(1);
    return out;
}

}  // namespace

// Classified as of 2010-12-09 and as of 2010-12-23: the comparison's migration matrix holds, cell
// for cell, the moves between the two runs' stored assignments (so its rows and columns sum to
// both runs' sizes), and its PSI is the one computed here from those sizes.
TEST(OnlineRetail, ComparisonOfTwoDatesAgreesWithTheStoredAssignments) {
    ScratchDatabase db(Backend::SQLite, "retail_compare");
    load_retail(db);
    TempDir dir;
    const std::string config =
        write_engine_config(dir.path(), db.connection(), kCustomersQuery, kOrdersQuery, kRules);
    auto engine = plugin::Engine::open_file(config, "");
    plugin::RunRequest request;
    request.as_of = *config::parse_day("2010-12-09");
    const auto first = engine->run(request);
    request.as_of = *config::parse_day("2010-12-23");
    const auto second = engine->run(request);
    const auto doc = engine->compare("", "");
    const auto before = stored_segments(db, first["run_id"].get<std::string>());
    const auto after = stored_segments(db, second["run_id"].get<std::string>());
    // Customers created by their first invoice: those who first bought after the 9th are new.
    EXPECT_EQ(doc["from"]["customers"].get<std::size_t>(), before.size());
    EXPECT_EQ(doc["to"]["customers"].get<std::size_t>(), after.size());
    EXPECT_LT(before.size(), after.size());

    const auto& value = doc["classifications"][0];
    ASSERT_EQ(value["id"], "value");
    const auto& rows = value["migration"]["rows"];
    const auto& columns = value["migration"]["columns"];
    auto label = [](const std::string& segment) { return segment.empty() ? std::string("(unclassified)") : segment; };
    std::map<std::pair<std::string, std::string>, std::uint64_t> moves;
    for (const auto& [customer, segment] : after) {
        const auto it = before.find(customer);
        moves[{it == before.end() ? "(new)" : label(it->second), label(segment)}]++;
    }
    for (const auto& [customer, segment] : before)
        if (!after.count(customer)) moves[{label(segment), "(gone)"}]++;
    const std::int64_t k = doc["k"].get<std::int64_t>();
    std::uint64_t compared = 0;
    for (std::size_t r = 0; r < rows.size(); ++r)
        for (std::size_t c = 0; c < columns.size(); ++c) {
            const auto expected = moves[{rows[r].get<std::string>(), columns[c].get<std::string>()}];
            const auto& cell = value["migration"]["counts"][r][c];
            if (expected > 0 && expected < static_cast<std::uint64_t>(k)) {
                EXPECT_TRUE(cell.is_null()) << rows[r] << " -> " << columns[c] << " is under k";
                continue;
            }
            EXPECT_EQ(cell.get<std::uint64_t>(), expected) << rows[r] << " -> " << columns[c];
            ++compared;
        }
    EXPECT_GT(compared, 4u);

    // PSI from the sizes of the stored runs: segments in the later run's order, then unclassified.
    std::vector<double> p, q;
    for (const auto& size : value["sizes"]) {
        const std::string segment = size["segment"].is_null() ? "" : size["segment"].get<std::string>();
        double b = 0, a = 0;
        for (const auto& [_, s] : before) b += s == segment;
        for (const auto& [_, s] : after) a += s == segment;
        p.push_back(b / static_cast<double>(before.size()));
        q.push_back(a / static_cast<double>(after.size()));
    }
    double psi = 0;
    for (std::size_t i = 0; i < p.size(); ++i) {
        const double pi = std::max(p[i], 0.0001), qi = std::max(q[i], 0.0001);
        psi += (qi - pi) * std::log(qi / pi);
    }
    EXPECT_NEAR(value["psi"].get<double>(), psi, 1e-5);
    EXPECT_EQ(value["drift"], psi < 0.1 ? "stable" : psi <= 0.25 ? "moderate" : "major");
}

TEST(OnlineRetail, ExpectedValuesFromTheCsvMatchTheDataReadme) {
    const Expected& e = expected();
    EXPECT_EQ(retail_lines().size(), 42481u);
    EXPECT_EQ(e.invoices, 2025);
    EXPECT_EQ(e.customers.size(), 948u);
    std::map<int, int> distribution;
    for (const auto& [id, c] : e.customers)
        if (c.purchases >= 1) ++distribution[std::min(c.purchases, 10)];
    EXPECT_EQ(distribution, (std::map<int, int>{{1, 622}, {2, 169}, {3, 50}, {4, 23}, {5, 9},
                                                {6, 4}, {8, 2}, {9, 1}, {10, 5}}));
}

TEST(OnlineRetail, SqliteScoresMatchTheIndependentComputation) { check_backend(Backend::SQLite); }

TEST(OnlineRetail, PostgresqlScoresMatchTheIndependentComputation) {
    check_backend(Backend::PostgreSQL);
}

TEST(OnlineRetail, MariadbScoresMatchTheIndependentComputation) { check_backend(Backend::MariaDB); }

// A second independent computation of the scores: SQL window functions over the raw table on
// PostgreSQL, which must agree with the C++ one above (and so with the engine).
TEST(OnlineRetail, PostgresqlWindowFunctionsAgreeWithTheIndependentComputation) {
    ScratchDatabase db(Backend::PostgreSQL, "retail_sql");
    load_retail(db);
    const std::string sql = R"(
WITH invoice AS (
  SELECT InvoiceNo, MIN(CustomerID) AS customer, MIN(InvoiceDate)::date AS day,
         SUM(Quantity * UnitPrice) AS amount
  FROM online_retail GROUP BY InvoiceNo),
customer AS (
  SELECT customer::bigint::text AS id,
         COUNT(*) FILTER (WHERE amount > 0) AS frequency,
         SUM(amount) AS monetary,
         DATE ')" + std::string(kAsOf) + R"(' - MAX(day) FILTER (WHERE amount > 0) AS recency
  FROM invoice WHERE customer IS NOT NULL GROUP BY customer),
active AS (SELECT * FROM customer WHERE frequency >= 1)
SELECT id,
       1 + 5 * (RANK() OVER (ORDER BY recency DESC) - 1) / COUNT(*) OVER () AS r_score,
       1 + 5 * (RANK() OVER (ORDER BY frequency) - 1) / COUNT(*) OVER () AS f_score,
       1 + 5 * (RANK() OVER (ORDER BY monetary) - 1) / COUNT(*) OVER () AS m_score
FROM active)";
    soci::rowset<soci::row> rows = (db.session().prepare << sql);
    const Expected& e = expected();
    int n = 0;
    for (const soci::row& r : rows) {
        ++n;
        const std::string id = r.get<std::string>(0);
        const auto it = e.customers.find(id);
        ASSERT_NE(it, e.customers.end()) << id;
        EXPECT_EQ(static_cast<int>(r.get<long long>(1)), it->second.r_score) << id;
        EXPECT_EQ(static_cast<int>(r.get<long long>(2)), it->second.f_score) << id;
        EXPECT_EQ(static_cast<int>(r.get<long long>(3)), it->second.m_score) << id;
    }
    EXPECT_EQ(n, 885);
}
