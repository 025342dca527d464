// The demo data generator (host/demo_data/demo_data.h): determinism, the counts it promises, the
// invariants of the demo host schema that the engine relies on (lines sum to totals, returns are
// negative and follow a sale, orders inside the window, referrals point back in time, interactions
// inside their customers' lives), the realism that gives segments a spread and the analyses of
// POTENTIAL.md something to find, and the mapping onto the canonical tables.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "demo_data.h"

namespace custclass::datagen {
namespace {

// A unique path in the test temporary directory (tests may run in parallel processes).
std::string temp_db(const std::string& name) {
    return (std::filesystem::path(::testing::TempDir()) /
            ("datagen_" + name + "_" + std::to_string(::getpid()) + ".sqlite"))
        .string();
}

class Db {
  public:
    explicit Db(const std::string& path) {
        if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
            throw std::runtime_error("cannot open " + path);
        }
    }
    ~Db() { sqlite3_close_v2(db_); }
    Db(const Db&) = delete;
    Db& operator=(const Db&) = delete;

    // Every row of a query, each value as text ("NULL" for NULL).
    std::vector<std::vector<std::string>> rows(const std::string& sql,
                                               std::vector<std::string>* columns = nullptr) const {
        sqlite3_stmt* stmt = nullptr;
        if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
            throw std::runtime_error(std::string(sqlite3_errmsg(db_)) + " in: " + sql);
        }
        std::unique_ptr<sqlite3_stmt, decltype(&sqlite3_finalize)> guard(stmt, sqlite3_finalize);
        const int n = sqlite3_column_count(stmt);
        if (columns) {
            for (int i = 0; i < n; ++i) columns->push_back(sqlite3_column_name(stmt, i));
        }
        std::vector<std::vector<std::string>> out;
        int rc;
        while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
            auto& row = out.emplace_back();
            for (int i = 0; i < n; ++i) {
                const auto* text = sqlite3_column_text(stmt, i);
                row.push_back(text ? reinterpret_cast<const char*>(text) : "NULL");
            }
        }
        if (rc != SQLITE_DONE) throw std::runtime_error(sqlite3_errmsg(db_));
        return out;
    }

    std::int64_t number(const std::string& sql) const { return std::stoll(rows(sql).at(0).at(0)); }
    std::string text(const std::string& sql) const { return rows(sql).at(0).at(0); }

    // FNV-1a over every row of a table in rowid order, values with their storage class.
    std::uint64_t checksum(const std::string& table) const {
        sqlite3_stmt* stmt = nullptr;
        const std::string sql = "SELECT * FROM " + table + " ORDER BY rowid";
        if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
            throw std::runtime_error(sqlite3_errmsg(db_));
        }
        std::unique_ptr<sqlite3_stmt, decltype(&sqlite3_finalize)> guard(stmt, sqlite3_finalize);
        std::uint64_t hash = 14695981039346656037ULL;
        auto feed = [&hash](const unsigned char* bytes, int size) {
            for (int i = 0; i < size; ++i) hash = (hash ^ bytes[i]) * 1099511628211ULL;
        };
        while (sqlite3_step(stmt) == SQLITE_ROW) {
            for (int i = 0; i < sqlite3_column_count(stmt); ++i) {
                const unsigned char type = static_cast<unsigned char>(sqlite3_column_type(stmt, i));
                feed(&type, 1);
                feed(sqlite3_column_text(stmt, i), sqlite3_column_bytes(stmt, i));
            }
        }
        return hash;
    }

  private:
    sqlite3* db_ = nullptr;
};

const std::vector<std::string> kTables = {"district", "customer",    "product_category",
                                          "product",  "sales_order", "sales_order_line",
                                          "referral", "opt_out",     "interaction"};

std::map<std::string, std::uint64_t> checksums(const std::string& path) {
    Db db(path);
    std::map<std::string, std::uint64_t> out;
    for (const auto& table : kTables) out[table] = db.checksum(table);
    return out;
}

// The default demo (5,000 customers), written once for the tests that only read it.
class DemoDatabase : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        path_ = temp_db("default");
        counts_ = write_sqlite_demo(path_, DemoOptions{});
    }
    static void TearDownTestSuite() { std::filesystem::remove(path_); }

    static inline std::string path_;
    static inline DemoCounts counts_;
    Db db_{path_};
};

TEST(DemoDataDeterminism, SameSeedGivesTheSameContent) {
    DemoOptions opts;
    opts.customers = 1500;
    const std::string a = temp_db("same_a");
    const std::string b = temp_db("same_b");
    const DemoCounts first = write_sqlite_demo(a, opts);
    const DemoCounts second = write_sqlite_demo(b, opts);
    EXPECT_EQ(first.orders, second.orders);
    EXPECT_EQ(first.lines, second.lines);
    EXPECT_EQ(checksums(a), checksums(b));
    std::filesystem::remove(a);
    std::filesystem::remove(b);
}

TEST(DemoDataDeterminism, DifferentSeedGivesDifferentContent) {
    DemoOptions opts;
    opts.customers = 1500;
    const std::string a = temp_db("seed_a");
    const std::string b = temp_db("seed_b");
    write_sqlite_demo(a, opts);
    opts.seed += 1;
    write_sqlite_demo(b, opts);
    const auto sums_a = checksums(a);
    const auto sums_b = checksums(b);
    for (const char* table :
         {"customer", "product", "sales_order", "sales_order_line", "interaction"}) {
        EXPECT_NE(sums_a.at(table), sums_b.at(table)) << table;
    }
    // The reference tables do not depend on the seed.
    EXPECT_EQ(sums_a.at("district"), sums_b.at("district"));
    std::filesystem::remove(a);
    std::filesystem::remove(b);
}

TEST(DemoDataDeterminism, GeneratingTwiceInOneProcessGivesTheSameCounts) {
    // No hidden state survives between runs (a static table, a global stream).
    DemoOptions opts;
    opts.customers = 300;
    const std::string path = temp_db("twice");
    const DemoCounts first = write_sqlite_demo(path, opts);
    const auto sums = checksums(path);
    const DemoCounts second = write_sqlite_demo(path, opts);
    EXPECT_EQ(first.orders, second.orders);
    EXPECT_EQ(sums, checksums(path));
    std::filesystem::remove(path);
}

TEST_F(DemoDatabase, CountsAreWhatWasAskedAndWhatTheTablesHold) {
    EXPECT_EQ(counts_.customers, 5000u);
    EXPECT_EQ(db_.number("SELECT count(*) FROM customer"), 5000);
    EXPECT_EQ(db_.number("SELECT count(*) FROM sales_order"),
              static_cast<std::int64_t>(counts_.orders));
    EXPECT_EQ(db_.number("SELECT count(*) FROM sales_order_line"),
              static_cast<std::int64_t>(counts_.lines));
    EXPECT_EQ(db_.number("SELECT count(*) FROM sales_order WHERE kind = 'return'"),
              static_cast<std::int64_t>(counts_.returns));
    EXPECT_EQ(db_.number("SELECT count(*) FROM referral"),
              static_cast<std::int64_t>(counts_.referrals));
    EXPECT_EQ(db_.number("SELECT count(*) FROM opt_out"),
              static_cast<std::int64_t>(counts_.opt_outs));
    EXPECT_EQ(db_.number("SELECT count(DISTINCT customer_id) FROM sales_order"),
              static_cast<std::int64_t>(counts_.buyers));
    EXPECT_EQ(db_.number("SELECT count(*) FROM product"),
              static_cast<std::int64_t>(counts_.products));
    EXPECT_EQ(db_.number("SELECT count(*) FROM interaction"),
              static_cast<std::int64_t>(counts_.interactions));
    const std::map<std::string, std::size_t> by_kind = {{"visit", counts_.visits},
                                                        {"search", counts_.searches},
                                                        {"signup", counts_.signups},
                                                        {"email_open", counts_.email_opens},
                                                        {"click", counts_.clicks}};
    std::size_t kinds_total = 0;
    for (const auto& [kind, count] : by_kind) {
        EXPECT_GT(count, 0u) << kind;
        EXPECT_EQ(db_.number("SELECT count(*) FROM interaction WHERE kind = '" + kind + "'"),
                  static_cast<std::int64_t>(count))
            << kind;
        kinds_total += count;
    }
    EXPECT_EQ(kinds_total, counts_.interactions);

    // Orders per customer who buys: 10 asked for.
    const double per_buyer =
        static_cast<double>(counts_.orders) / static_cast<double>(counts_.buyers);
    EXPECT_GT(per_buyer, 9.0);
    EXPECT_LT(per_buyer, 11.0);
    // About 3% returns, 10% leads, 2% opt-outs, a few percent referred, a few hundred products.
    const double returns =
        static_cast<double>(counts_.returns) / static_cast<double>(counts_.orders);
    EXPECT_GT(returns, 0.02);
    EXPECT_LT(returns, 0.04);
    EXPECT_NEAR(db_.number("SELECT count(*) FROM customer WHERE is_lead = 1"), 500, 100);
    EXPECT_NEAR(static_cast<double>(counts_.opt_outs), 100, 40);
    EXPECT_NEAR(static_cast<double>(counts_.referrals), 200, 80);
    EXPECT_GE(counts_.products, 200u);
    EXPECT_LE(counts_.products, 600u);
    // Two to four interactions per customer: enough to score, cheap at a million customers.
    const double per_customer =
        static_cast<double>(counts_.interactions) / static_cast<double>(counts_.customers);
    EXPECT_GT(per_customer, 2.0);
    EXPECT_LT(per_customer, 4.0);
}

TEST(DemoDataCounts, OrdersPerCustomerFollowsTheOption) {
    for (double asked : {2.0, 25.0}) {
        DemoOptions opts;
        opts.customers = 2000;
        opts.orders_per_customer = asked;
        const std::string path = temp_db("per_customer");
        const DemoCounts counts = write_sqlite_demo(path, opts);
        const double per_buyer =
            static_cast<double>(counts.orders) / static_cast<double>(counts.buyers);
        EXPECT_NEAR(per_buyer, asked, asked * 0.15) << "asked " << asked;
        std::filesystem::remove(path);
    }
}

TEST(DemoDataCounts, ZeroCustomersGiveReferenceTablesOnly) {
    DemoOptions opts;
    opts.customers = 0;
    const std::string path = temp_db("empty");
    const DemoCounts counts = write_sqlite_demo(path, opts);
    EXPECT_EQ(counts.customers, 0u);
    EXPECT_EQ(counts.orders, 0u);
    Db db(path);
    EXPECT_EQ(db.number("SELECT count(*) FROM district"), 18);
    EXPECT_EQ(db.number("SELECT count(*) FROM sales_order"), 0);
    EXPECT_EQ(db.number("SELECT count(*) FROM interaction"), 0);
    EXPECT_EQ(counts.interactions, 0u);
    std::filesystem::remove(path);
}

TEST_F(DemoDatabase, EveryOrderHasLinesThatSumExactlyToItsTotal) {
    EXPECT_EQ(db_.number("SELECT count(*) FROM sales_order o WHERE NOT EXISTS "
                         "(SELECT 1 FROM sales_order_line l WHERE l.order_id = o.id)"),
              0);
    EXPECT_EQ(
        db_.number(
            "SELECT count(*) FROM sales_order o WHERE CAST(round(o.total * 100) AS INTEGER) <> "
            "(SELECT sum(CAST(round(l.amount * 100) AS INTEGER)) FROM sales_order_line l "
            "WHERE l.order_id = o.id)"),
        0);
    // Amounts carry at most two decimals.
    EXPECT_EQ(db_.number("SELECT count(*) FROM sales_order_line WHERE abs(amount * 100 - "
                         "round(amount * 100)) > 1e-6"),
              0);
}

TEST_F(DemoDatabase, SalesArePositiveAndReturnsNegative) {
    EXPECT_EQ(db_.number("SELECT count(*) FROM sales_order WHERE kind NOT IN ('sale', 'return')"),
              0);
    EXPECT_EQ(db_.number("SELECT count(*) FROM sales_order WHERE kind = 'sale' AND total <= 0"), 0);
    EXPECT_EQ(db_.number("SELECT count(*) FROM sales_order WHERE kind = 'return' AND total >= 0"),
              0);
    EXPECT_EQ(db_.number(
                  "SELECT count(*) FROM sales_order_line l JOIN sales_order o ON o.id = l.order_id "
                  "WHERE o.kind = 'return' AND (l.quantity >= 0 OR l.amount >= 0)"),
              0);
    EXPECT_EQ(db_.number(
                  "SELECT count(*) FROM sales_order_line l JOIN sales_order o ON o.id = l.order_id "
                  "WHERE o.kind = 'sale' AND (l.quantity <= 0 OR l.amount <= 0)"),
              0);
}

TEST_F(DemoDatabase, EveryReturnGivesBackPartOfAnEarlierSaleOfTheSameCustomer) {
    // Some earlier sale of the customer holds every returned product in at least that quantity.
    EXPECT_EQ(db_.number(R"sql(
        SELECT count(*) FROM sales_order r WHERE r.kind = 'return' AND NOT EXISTS (
          SELECT 1 FROM sales_order s
          WHERE s.customer_id = r.customer_id AND s.kind = 'sale' AND s.ordered_at < r.ordered_at
            AND s.channel = r.channel AND -r.total <= s.total
            AND NOT EXISTS (
              SELECT 1 FROM sales_order_line rl WHERE rl.order_id = r.id AND NOT EXISTS (
                SELECT 1 FROM sales_order_line sl
                WHERE sl.order_id = s.id AND sl.product_id = rl.product_id
                  AND sl.quantity >= -rl.quantity AND sl.amount >= -rl.amount)))
    )sql"),
              0);
    // Some are exact full refunds, some partial.
    const std::int64_t full = db_.number(R"sql(
        SELECT count(*) FROM sales_order r WHERE r.kind = 'return' AND EXISTS (
          SELECT 1 FROM sales_order s WHERE s.customer_id = r.customer_id AND s.kind = 'sale'
            AND s.ordered_at < r.ordered_at AND s.total = -r.total))sql");
    EXPECT_GT(full, static_cast<std::int64_t>(counts_.returns) / 5);
    EXPECT_LT(full, static_cast<std::int64_t>(counts_.returns));
}

TEST_F(DemoDatabase, HoldsTheEighteenDistrictsOfHongKong) {
    const std::map<std::string, std::string> expected = {
        {"Central and Western", "Hong Kong Island"},
        {"Wan Chai", "Hong Kong Island"},
        {"Eastern", "Hong Kong Island"},
        {"Southern", "Hong Kong Island"},
        {"Yau Tsim Mong", "Kowloon"},
        {"Sham Shui Po", "Kowloon"},
        {"Kowloon City", "Kowloon"},
        {"Wong Tai Sin", "Kowloon"},
        {"Kwun Tong", "Kowloon"},
        {"Kwai Tsing", "New Territories"},
        {"Tsuen Wan", "New Territories"},
        {"Tuen Mun", "New Territories"},
        {"Yuen Long", "New Territories"},
        {"North", "New Territories"},
        {"Tai Po", "New Territories"},
        {"Sha Tin", "New Territories"},
        {"Sai Kung", "New Territories"},
        {"Islands", "New Territories"},
    };
    std::map<std::string, std::string> actual;
    for (const auto& row : db_.rows("SELECT name, region FROM district")) actual[row[0]] = row[1];
    EXPECT_EQ(actual, expected);
    // Customers live in every one of them, more in the populous ones.
    EXPECT_EQ(db_.number("SELECT count(DISTINCT district_id) FROM customer"), 18);
    EXPECT_GT(
        db_.number("SELECT count(*) FROM customer c JOIN district d ON d.id = c.district_id "
                   "WHERE d.name = 'Sha Tin'"),
        2 * db_.number("SELECT count(*) FROM customer c JOIN district d ON d.id = c.district_id "
                       "WHERE d.name = 'Wan Chai'"));
}

TEST_F(DemoDatabase, OrdersStayInsideTheWindow) {
    EXPECT_GE(db_.text("SELECT min(ordered_at) FROM sales_order"), "2024-12-01 00:00:00");
    EXPECT_LE(db_.text("SELECT max(ordered_at) FROM sales_order"), "2026-11-30 23:59:59");
    // They fill it: the first and the last week both have orders.
    EXPECT_LT(db_.text("SELECT min(ordered_at) FROM sales_order"), "2024-12-08");
    EXPECT_GT(db_.text("SELECT max(ordered_at) FROM sales_order"), "2026-11-23");
}

TEST(DemoDataWindow, AnotherWindowIsRespected) {
    DemoOptions opts;
    opts.customers = 500;
    opts.first_day = "2023-02-10";
    opts.last_day = "2023-05-31";
    const std::string path = temp_db("window");
    write_sqlite_demo(path, opts);
    Db db(path);
    EXPECT_GE(db.text("SELECT min(ordered_at) FROM sales_order"), "2023-02-10 00:00:00");
    EXPECT_LE(db.text("SELECT max(ordered_at) FROM sales_order"), "2023-05-31 23:59:59");
    EXPECT_LE(db.text("SELECT max(created_at) FROM customer"), "2023-05-31 23:59:59");
    EXPECT_GT(db.number("SELECT count(*) FROM interaction WHERE kind = 'search'"), 0);
    EXPECT_LE(db.text("SELECT max(at) FROM interaction"), "2023-05-31 23:59:59");
    EXPECT_GE(db.text("SELECT min(at) FROM interaction WHERE kind <> 'signup'"),
              "2023-02-10 00:00:00");
    std::filesystem::remove(path);
}

TEST_F(DemoDatabase, OrderIdsFollowTimeAndNobodyBuysBeforeSigningUp) {
    EXPECT_EQ(db_.number("SELECT count(*) FROM sales_order a JOIN sales_order b ON b.id = a.id + 1 "
                         "WHERE b.ordered_at < a.ordered_at"),
              0);
    EXPECT_EQ(
        db_.number("SELECT count(*) FROM sales_order o JOIN customer c ON c.id = o.customer_id "
                   "WHERE o.ordered_at < c.created_at"),
        0);
    EXPECT_EQ(
        db_.number("SELECT count(*) FROM sales_order o JOIN customer c ON c.id = o.customer_id "
                   "WHERE c.is_lead = 1"),
        0);
    EXPECT_EQ(db_.number(
                  "SELECT count(*) FROM sales_order o LEFT JOIN customer c ON c.id = o.customer_id "
                  "WHERE c.id IS NULL"),
              0);
    // Customer ids follow creation time, as an auto-increment key does.
    EXPECT_EQ(db_.number("SELECT count(*) FROM customer a JOIN customer b ON b.id = a.id + 1 "
                         "WHERE b.created_at <= a.created_at"),
              0);
    // Part of the base existed before the window.
    EXPECT_NEAR(db_.number("SELECT count(*) FROM customer WHERE created_at < '2024-12-01'"), 1750,
                250);
}

TEST_F(DemoDatabase, ReferralsPointBackInTimeToExistingCustomers) {
    EXPECT_GT(db_.number("SELECT count(*) FROM referral"), 0);
    EXPECT_EQ(db_.number("SELECT count(*) FROM referral r "
                         "LEFT JOIN customer a ON a.id = r.referrer_id "
                         "LEFT JOIN customer b ON b.id = r.referee_id "
                         "WHERE a.id IS NULL OR b.id IS NULL OR a.created_at >= b.created_at "
                         "OR r.referred_at < b.created_at"),
              0);
    EXPECT_EQ(db_.number("SELECT count(*) FROM referral r JOIN customer b ON b.id = r.referee_id "
                         "WHERE b.lead_source <> 'referral'"),
              0);
    EXPECT_EQ(db_.number("SELECT count(DISTINCT referee_id) FROM referral"),
              db_.number("SELECT count(*) FROM referral"));
    // A few key persons refer several people.
    EXPECT_GE(
        db_.number("SELECT max(n) FROM (SELECT count(*) n FROM referral GROUP BY referrer_id)"), 3);
}

TEST_F(DemoDatabase, OptOutsAreRecordedByIdEmailOrPhoneAsTyped) {
    EXPECT_GT(db_.number("SELECT count(*) FROM opt_out WHERE customer_id IS NOT NULL"), 0);
    EXPECT_GT(
        db_.number("SELECT count(*) FROM opt_out WHERE customer_id IS NULL AND email IS NOT NULL"),
        0);
    EXPECT_GT(
        db_.number("SELECT count(*) FROM opt_out WHERE customer_id IS NULL AND phone IS NOT NULL"),
        0);
    EXPECT_GT(db_.number("SELECT count(*) FROM opt_out WHERE email <> lower(email)"), 0);
    // Every e-mail opt-out but the strangers' matches a customer once lower-cased.
    EXPECT_EQ(db_.number("SELECT count(*) FROM opt_out o WHERE o.email IS NOT NULL "
                         "AND o.email NOT LIKE 'subscriber%' AND NOT EXISTS "
                         "(SELECT 1 FROM customer c WHERE c.email = lower(o.email))"),
              0);
    // Every phone opt-out matches a customer once reduced to its eight digits.
    EXPECT_EQ(db_.number("SELECT count(*) FROM opt_out o WHERE o.phone IS NOT NULL AND NOT EXISTS "
                         "(SELECT 1 FROM customer c WHERE replace(c.phone, ' ', '') = "
                         "'+852' || substr(replace(replace(o.phone, ' ', ''), '+852', ''), 1, 8))"),
              0);
    EXPECT_EQ(db_.number("SELECT count(*) FROM opt_out o JOIN customer c ON c.id = o.customer_id "
                         "WHERE o.opted_out_at < c.created_at"),
              0);
}

TEST_F(DemoDatabase, ValuesHaveTheDocumentedFormats) {
    EXPECT_EQ(db_.text("SELECT code FROM customer WHERE id = 1"), "C000001");
    EXPECT_EQ(db_.number("SELECT count(DISTINCT code) FROM customer"), 5000);
    EXPECT_EQ(
        db_.number(
            "SELECT count(*) FROM customer WHERE gender IS NOT NULL AND gender NOT IN ('F', 'M')"),
        0);
    EXPECT_GT(db_.number("SELECT count(*) FROM customer WHERE gender IS NULL"), 0);
    EXPECT_EQ(
        db_.number(
            "SELECT count(*) FROM customer WHERE income_band IS NOT NULL AND income_band NOT IN "
            "('<20k', '20-40k', '40-60k', '60-100k', '100k+')"),
        0);
    EXPECT_GT(db_.number("SELECT count(*) FROM customer WHERE income_band IS NULL"), 0);
    EXPECT_EQ(db_.number("SELECT count(*) FROM customer WHERE birth_date IS NOT NULL AND "
                         "(birth_date NOT GLOB '[12][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]' OR "
                         "date(birth_date) IS NULL)"),
              0);
    EXPECT_GT(db_.number("SELECT count(*) FROM customer WHERE birth_date IS NULL"), 0);
    EXPECT_EQ(db_.number("SELECT count(*) FROM customer WHERE phone IS NOT NULL AND "
                         "phone NOT GLOB '+852 [569][0-9][0-9][0-9] [0-9][0-9][0-9][0-9]'"),
              0);
    EXPECT_EQ(db_.number("SELECT count(DISTINCT phone) FROM customer"),
              db_.number("SELECT count(phone) FROM customer"));
    EXPECT_EQ(db_.number("SELECT count(DISTINCT email) FROM customer"),
              db_.number("SELECT count(email) FROM customer"));
    EXPECT_EQ(db_.number("SELECT count(*) FROM customer WHERE lead_source NOT IN "
                         "('store', 'website', 'referral', 'social', 'event')"),
              0);
    EXPECT_EQ(
        db_.number("SELECT count(*) FROM customer WHERE interests IS NOT NULL AND "
                   "(interests <> lower(interests) OR interests GLOB '* *' OR interests = '')"),
        0);
    const std::string timestamp =
        "[12][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9] [0-2][0-9]:[0-5][0-9]:[0-5][0-9]";
    EXPECT_EQ(
        db_.number("SELECT count(*) FROM customer WHERE created_at NOT GLOB '" + timestamp + "'"),
        0);
    EXPECT_EQ(db_.number("SELECT count(*) FROM sales_order WHERE ordered_at NOT GLOB '" +
                         timestamp + "' OR datetime(ordered_at) <> ordered_at"),
              0);
    EXPECT_EQ(
        db_.number(
            "SELECT count(*) FROM sales_order WHERE channel NOT IN ('store', 'online', 'app') "
            "OR (channel = 'store') <> (store_code IS NOT NULL)"),
        0);
    EXPECT_EQ(
        db_.number(
            "SELECT count(*) FROM product WHERE price NOT GLOB '*[0-9].[0-9][0-9]' OR price <= 0"),
        0);
    EXPECT_EQ(db_.number("SELECT count(*) FROM product_category"), 10);
    EXPECT_EQ(db_.number("SELECT count(*) FROM product_category WHERE name <> lower(name)"), 0);
}

TEST_F(DemoDatabase, ValueIsHeavyTailedAndLifecyclesDiffer) {
    // The best fifth of buyers brings more than half of the revenue.
    const double top_share = std::stod(db_.text(R"sql(
        WITH per AS (SELECT customer_id, sum(total) m FROM sales_order GROUP BY customer_id),
        ranked AS (SELECT m, row_number() OVER (ORDER BY m DESC) rk, count(*) OVER () n FROM per)
        SELECT sum(CASE WHEN rk <= n / 5 THEN m ELSE 0 END) / sum(m) FROM ranked)sql"));
    EXPECT_GT(top_share, 0.5);
    // Regulars who stopped buying half a year before the end, and newcomers of the last quarter.
    EXPECT_GT(
        db_.number("SELECT count(*) FROM (SELECT customer_id FROM sales_order GROUP BY customer_id "
                   "HAVING count(*) >= 5 AND max(ordered_at) < '2026-06-01')"),
        100);
    EXPECT_GT(
        db_.number("SELECT count(*) FROM (SELECT customer_id FROM sales_order GROUP BY customer_id "
                   "HAVING min(ordered_at) >= '2026-09-01')"),
        100);
    // Customers who never bought besides the leads: the dormant part of the old base.
    EXPECT_GT(db_.number("SELECT count(*) FROM customer c WHERE is_lead = 0 AND NOT EXISTS "
                         "(SELECT 1 FROM sales_order o WHERE o.customer_id = c.id)"),
              100);
}

TEST_F(DemoDatabase, ShoppingFollowsTheSeasonsAndTheClock) {
    auto orders_between = [this](const std::string& from, const std::string& to) {
        return db_.number(
            "SELECT count(*) FROM sales_order WHERE kind = 'sale' AND ordered_at >= '" + from +
            "' AND ordered_at < '" + to + "'");
    };
    // The three weeks before the Lunar New Year (2026-02-17) against the three after.
    EXPECT_GT(orders_between("2026-01-27", "2026-02-17"),
              orders_between("2026-02-17", "2026-03-10") * 5 / 4);
    // Christmas shopping against early autumn, per day.
    EXPECT_GT(orders_between("2025-12-01", "2025-12-25") * 20,
              orders_between("2025-09-01", "2025-09-21") * 24 * 5 / 4);
    // Saturdays against Tuesdays.
    EXPECT_GT(
        db_.number("SELECT count(*) FROM sales_order WHERE strftime('%w', ordered_at) = '6'"),
        db_.number("SELECT count(*) FROM sales_order WHERE strftime('%w', ordered_at) = '2'") * 5 /
            4);
    // Stores trade between 10:00 and 23:00; online orders come in at night too.
    EXPECT_EQ(db_.number("SELECT count(*) FROM sales_order WHERE channel = 'store' AND "
                         "(ordered_at < substr(ordered_at, 1, 11) || '10' OR ordered_at >= "
                         "substr(ordered_at, 1, 11) || '23')"),
              0);
    EXPECT_GT(db_.number("SELECT count(*) FROM sales_order WHERE channel = 'online' AND "
                         "substr(ordered_at, 12, 2) IN ('00', '01')"),
              0);
}

TEST_F(DemoDatabase, CategoryPreferencesDependOnGender) {
    auto cosmetics_share = [this](const std::string& gender) {
        return std::stod(db_.text(
            "SELECT sum(CASE WHEN pc.name = 'cosmetics' THEN l.amount ELSE 0 END) / sum(l.amount) "
            "FROM sales_order_line l JOIN sales_order o ON o.id = l.order_id "
            "JOIN customer c ON c.id = o.customer_id JOIN product p ON p.id = l.product_id "
            "JOIN product_category pc ON pc.id = p.category_id WHERE o.kind = 'sale' AND c.gender "
            "= '" +
            gender + "'"));
    };
    EXPECT_GT(cosmetics_share("F"), 3 * cosmetics_share("M"));
}

TEST_F(DemoDatabase, InteractionsHaveTheCanonicalKindsAndStayInsideTheirCustomersLives) {
    std::set<std::string> kinds;
    for (const auto& row : db_.rows("SELECT DISTINCT kind FROM interaction")) kinds.insert(row[0]);
    EXPECT_EQ(kinds, (std::set<std::string>{"visit", "search", "signup", "email_open", "click"}));
    // A keyword is the search term of a search, lower case, and nothing else has one.
    EXPECT_EQ(db_.number("SELECT count(*) FROM interaction WHERE (kind = 'search') <> "
                         "(keyword IS NOT NULL) OR keyword = '' OR keyword <> lower(keyword)"),
              0);
    const std::string timestamp =
        "[12][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9] [0-2][0-9]:[0-5][0-9]:[0-5][0-9]";
    EXPECT_EQ(db_.number("SELECT count(*) FROM interaction WHERE at NOT GLOB '" + timestamp +
                         "' OR datetime(at) <> at"),
              0);
    // Nothing after the last day of the orders, nothing before the customer existed; sign-ups
    // go back with the customers, the rest stays inside the order window.
    EXPECT_LE(db_.text("SELECT max(at) FROM interaction"), "2026-11-30 23:59:59");
    EXPECT_GT(db_.text("SELECT max(at) FROM interaction"), "2026-11-23");
    EXPECT_GE(db_.text("SELECT min(at) FROM interaction WHERE kind <> 'signup'"),
              "2024-12-01 00:00:00");
    EXPECT_EQ(db_.number("SELECT count(*) FROM interaction i LEFT JOIN customer c ON "
                         "c.id = i.customer_id WHERE c.id IS NULL OR i.at < c.created_at"),
              0);
    // Ids follow time, as an event log's do.
    EXPECT_EQ(db_.number("SELECT count(*) FROM interaction a JOIN interaction b ON b.id = a.id + 1 "
                         "WHERE b.at < a.at"),
              0);
    // Prospects visit and search; buyers search too.
    EXPECT_GT(db_.number("SELECT count(DISTINCT i.customer_id) FROM interaction i JOIN customer c "
                         "ON c.id = i.customer_id WHERE c.is_lead = 1 AND i.kind = 'visit'"),
              250);
    EXPECT_GT(db_.number("SELECT count(DISTINCT i.customer_id) FROM interaction i WHERE i.kind = "
                         "'search' AND EXISTS (SELECT 1 FROM sales_order o WHERE o.customer_id = "
                         "i.customer_id)"),
              500);
}

TEST_F(DemoDatabase, SignUpsAreTheWebsiteAndSocialMediaCustomersAtTheirCreation) {
    EXPECT_EQ(db_.number("SELECT count(*) FROM interaction WHERE kind = 'signup'"),
              db_.number("SELECT count(*) FROM customer WHERE lead_source IN "
                         "('website', 'social')"));
    EXPECT_EQ(db_.number("SELECT count(*) FROM interaction i JOIN customer c ON c.id = "
                         "i.customer_id WHERE i.kind = 'signup' AND (i.at <> c.created_at OR "
                         "c.lead_source NOT IN ('website', 'social'))"),
              0);
    // E-mail list growth: prospects who signed up with an address and consent, in most months
    // of the window, from both sources.
    const auto months = db_.rows(
        "SELECT substr(i.at, 1, 7), count(*) FROM interaction i JOIN customer c ON c.id = "
        "i.customer_id WHERE i.kind = 'signup' AND c.is_lead = 1 AND c.email IS NOT NULL AND "
        "c.marketing_consent = 1 AND i.at >= '2024-12-01' GROUP BY 1");
    EXPECT_GE(months.size(), 20u);
    EXPECT_EQ(db_.number("SELECT count(DISTINCT c.lead_source) FROM interaction i JOIN customer c "
                         "ON c.id = i.customer_id WHERE i.kind = 'signup' AND c.is_lead = 1"),
              2);
}

TEST_F(DemoDatabase, MarketingEmailsReachSubscribersAndRecentBuyersOpenMore) {
    // Opened and clicked only by customers with consent and an address, never after opting out.
    EXPECT_EQ(db_.number("SELECT count(*) FROM interaction i JOIN customer c ON c.id = "
                         "i.customer_id WHERE i.kind IN ('email_open', 'click') AND "
                         "(c.marketing_consent = 0 OR c.email IS NULL)"),
              0);
    EXPECT_EQ(db_.number("SELECT count(*) FROM interaction i JOIN opt_out o ON o.customer_id = "
                         "i.customer_id WHERE i.kind IN ('email_open', 'click') AND "
                         "i.at > o.opted_out_at"),
              0);
    EXPECT_GT(db_.number("SELECT count(*) FROM interaction WHERE kind = 'email_open'"),
              2 * db_.number("SELECT count(*) FROM interaction WHERE kind = 'click'"));
    // Opens per subscriber in the last quarter: buyers of that quarter against subscribers who
    // bought nothing in the last half year.
    auto opens_per_subscriber = [this](const std::string& who) {
        return std::stod(db_.text(
            "SELECT 1.0 * (SELECT count(*) FROM interaction i JOIN customer c ON c.id = "
            "i.customer_id WHERE i.kind = 'email_open' AND i.at >= '2026-09-01' AND " +
            who + ") / (SELECT count(*) FROM customer c WHERE c.marketing_consent = 1 AND " +
            "c.email IS NOT NULL AND " + who + ")"));
    };
    const double recent = opens_per_subscriber(
        "EXISTS (SELECT 1 FROM sales_order o WHERE o.customer_id = c.id AND "
        "o.ordered_at >= '2026-09-01')");
    const double lapsed = opens_per_subscriber(
        "c.is_lead = 0 AND NOT EXISTS (SELECT 1 FROM sales_order o WHERE o.customer_id = c.id "
        "AND o.ordered_at >= '2026-06-01')");
    EXPECT_GT(recent, 2 * lapsed) << recent << " against " << lapsed;
}

TEST_F(DemoDatabase, SearchesShowInterestsProductsUnmetDemandAndTrends) {
    // Every search term names a product or is somebody's interest.
    EXPECT_EQ(db_.number("SELECT count(DISTINCT keyword) FROM interaction i WHERE kind = 'search' "
                         "AND NOT EXISTS (SELECT 1 FROM product p WHERE instr(lower(p.name), "
                         "i.keyword) > 0) AND NOT EXISTS (SELECT 1 FROM customer c WHERE "
                         "instr(',' || c.interests || ',', ',' || i.keyword || ',') > 0)"),
              0);
    EXPECT_GT(db_.number("SELECT count(DISTINCT keyword) FROM interaction WHERE kind = 'search'"),
              100);
    // Unmet demand: searches for what no category or product serves.
    for (const char* unserved : {"pets", "travel", "photography", "baby", "gardening"}) {
        const std::string term = std::string("'") + unserved + "'";
        EXPECT_GT(db_.number("SELECT count(*) FROM interaction WHERE kind = 'search' AND "
                             "keyword = " +
                             term),
                  20)
            << unserved;
        EXPECT_EQ(
            db_.number("SELECT (SELECT count(*) FROM product WHERE instr(lower(name), " + term +
                       ") > 0) + (SELECT count(*) FROM product_category WHERE "
                       "instr(name, " +
                       term + ") > 0)"),
            0)
            << unserved;
    }
    // Trends between two runs a month apart: the last 30 days against the 30 before.
    auto searches = [this](const std::string& keyword, const std::string& from,
                           const std::string& to) {
        return db_.number("SELECT count(*) FROM interaction WHERE kind = 'search' AND keyword = '" +
                          keyword + "' AND at >= '" + from + "' AND at < '" + to + "'");
    };
    for (const char* rising : {"air purifier", "collagen", "pets"}) {
        const std::int64_t last = searches(rising, "2026-11-01", "2026-12-01");
        const std::int64_t before = searches(rising, "2026-10-02", "2026-11-01");
        EXPECT_GT(last * 10, before * 13) << rising << ": " << last << " after " << before;
    }
    // An ordinary term does not (searches of the whole shop grow a little over the season).
    EXPECT_LT(searches("sneakers", "2026-11-01", "2026-12-01"),
              searches("sneakers", "2026-10-02", "2026-11-01") * 13 / 10 + 5);
    // Face masks fade: the last two months against the two months eight months before the end.
    EXPECT_LT(searches("face masks", "2026-10-01", "2026-12-01") * 2,
              searches("face masks", "2026-04-01", "2026-06-01"));
    // Searches of online sales name what was bought.
    EXPECT_GT(db_.number("SELECT count(*) FROM interaction i WHERE kind = 'search' AND EXISTS "
                         "(SELECT 1 FROM sales_order o JOIN sales_order_line l ON l.order_id = "
                         "o.id JOIN product p ON p.id = l.product_id WHERE o.customer_id = "
                         "i.customer_id AND o.ordered_at > i.at AND o.ordered_at < "
                         "datetime(i.at, '+40 minutes') AND instr(lower(p.name), i.keyword) > 0)"),
              100);
}

// The block under `queries:`: table name -> SQL.
std::map<std::string, std::string> parse_queries(const std::string& yaml) {
    std::map<std::string, std::string> queries;
    std::string current;
    std::size_t start = 0;
    while (start < yaml.size()) {
        const std::size_t end = yaml.find('\n', start);
        const std::string line = yaml.substr(start, end - start);
        start = end == std::string::npos ? yaml.size() : end + 1;
        if (line.rfind("      ", 0) == 0) {
            queries[current] += line.substr(6) + "\n";
        } else if (line.rfind("    ", 0) == 0 && line.size() > 7 &&
                   line.substr(line.size() - 3) == ": |") {
            current = line.substr(4, line.size() - 7);
        }
    }
    return queries;
}

TEST_F(DemoDatabase, GenericQueriesRunAndProduceTheCanonicalColumns) {
    const std::string yaml = demo_generic_queries_yaml();
    ASSERT_EQ(yaml.rfind("  queries:\n", 0), 0u);
    const std::map<std::string, std::vector<std::string>> expected = {
        {"customers",
         {"customer_id", "customer_key", "created_at", "birth_date", "gender", "district",
          "income_band", "email", "phone", "lead_source", "is_prospect", "interests",
          "marketing_consent"}},
        // The orders name their customer by its key (ADAPTERS.md `customer_key`): no join.
        {"orders", {"order_id", "customer_key", "ordered_at", "amount", "channel"}},
        {"order_lines",
         {"order_id", "product_id", "product_name", "category", "quantity", "amount"}},
        {"referrals", {"referrer_id", "referee_id", "referred_at"}},
        {"opt_outs", {"customer_id", "email", "phone", "opted_out_at"}},
        {"interactions", {"customer_id", "kind", "keyword", "at"}},
    };
    const auto queries = parse_queries(yaml);
    ASSERT_EQ(queries.size(), expected.size());
    const std::map<std::string, std::string> source_table = {
        {"customers", "customer"}, {"orders", "sales_order"}, {"order_lines", "sales_order_line"},
        {"referrals", "referral"}, {"opt_outs", "opt_out"},   {"interactions", "interaction"}};
    for (const auto& [table, columns] : expected) {
        ASSERT_TRUE(queries.count(table)) << table;
        std::vector<std::string> actual;
        const auto rows = db_.rows(queries.at(table), &actual);
        EXPECT_EQ(actual, columns) << table;
        EXPECT_EQ(static_cast<std::int64_t>(rows.size()),
                  db_.number("SELECT count(*) FROM " + source_table.at(table)))
            << table;
    }
    // Identifiers come out as the host's codes, districts and categories as names.
    const auto customer = db_.rows(queries.at("customers") + " LIMIT 1").at(0);
    EXPECT_EQ(customer[0], "C000001");
    EXPECT_NE(customer[5].find_first_not_of("0123456789"), std::string::npos);
    // Every order's key is the key of exactly one customer.
    EXPECT_EQ(db_.number("SELECT count(*) - count(DISTINCT customer_key) FROM (" + queries.at("customers") + ")"), 0);
    EXPECT_EQ(db_.number("SELECT count(*) FROM (" + queries.at("orders") + ") o LEFT JOIN (" +
                         queries.at("customers") + ") c ON c.customer_key = o.customer_key WHERE c.customer_id IS NULL"),
              0);
    const auto line = db_.rows(queries.at("order_lines") + " LIMIT 1").at(0);
    EXPECT_EQ(line[1].find('-'), 3u);  // a SKU such as SKN-0001
    const auto interaction = db_.rows(queries.at("interactions") + " LIMIT 1").at(0);
    EXPECT_EQ(interaction[0].rfind('C', 0), 0u);
}

TEST(DemoDataOptions, InvalidOptionsAreRefusedAndLeaveAnExistingFileAlone) {
    const std::string path = temp_db("invalid");
    { std::ofstream(path) << "not a database"; }
    auto refused = [&](const DemoOptions& opts) {
        EXPECT_THROW(write_sqlite_demo(path, opts), std::runtime_error);
        EXPECT_TRUE(std::filesystem::exists(path));
    };
    DemoOptions bad_date;
    bad_date.first_day = "2025-02-30";
    refused(bad_date);
    DemoOptions not_a_date;
    not_a_date.last_day = "30/11/2026";
    refused(not_a_date);
    DemoOptions backwards;
    backwards.first_day = "2026-12-01";
    refused(backwards);
    DemoOptions too_few_orders;
    too_few_orders.orders_per_customer = 0.5;
    refused(too_few_orders);
    try {
        write_sqlite_demo(path, bad_date);
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("2025-02-30"), std::string::npos) << e.what();
    }
    std::filesystem::remove(path);
}

TEST(DemoDataOptions, AnExistingFileIsReplaced) {
    const std::string path = temp_db("replace");
    { std::ofstream(path) << "not a database"; }
    DemoOptions opts;
    opts.customers = 50;
    write_sqlite_demo(path, opts);
    Db db(path);
    EXPECT_EQ(db.number("SELECT count(*) FROM customer"), 50);
    std::filesystem::remove(path);
}

TEST(DemoDataOptions, AnUnwritablePathIsAClearError) {
    DemoOptions opts;
    opts.customers = 10;
    const std::string path = "/nonexistent-directory/demo.sqlite";
    try {
        write_sqlite_demo(path, opts);
        FAIL() << "no exception";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
    }
    EXPECT_FALSE(std::filesystem::exists(path));
}

}  // namespace
}  // namespace custclass::datagen
