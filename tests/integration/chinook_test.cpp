// The Chinook sample store (../shared/data/chinook): the SQLite file as shipped (PascalCase tables)
// and the PostgreSQL script loaded with psql (snake_case tables), each mapped with the generic
// preset. The data README's facts (59 customers, 412 invoices, totals 2328.60) must come out of
// the engine on both, and every feature must be the same on both.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <string>

#include "integration_support.h"

using namespace custclass::integration;

namespace {

const std::filesystem::path kChinookDir = std::filesystem::path(CUSTCLASS_TEST_DATA_DIR) / "chinook";

const char* kSqliteCustomers =
    "SELECT CustomerId AS customer_id, Country AS district, Email AS email, Phone AS phone\n"
    "FROM Customer";
const char* kSqliteOrders =
    "SELECT InvoiceId AS order_id, CustomerId AS customer_id, InvoiceDate AS ordered_at,\n"
    "       Total AS amount, BillingCountry AS channel\n"
    "FROM Invoice";
const char* kPgCustomers =
    "SELECT customer_id, country AS district, email, phone FROM customer";
const char* kPgOrders =
    "SELECT invoice_id AS order_id, customer_id, invoice_date AS ordered_at, total AS amount,\n"
    "       billing_country AS channel\n"
    "FROM invoice";

std::string rules(int window_days) {
    return "custclass: 1\nname: chinook\nversion: \"1\"\nwindow_days: " +
           std::to_string(window_days) +
           "\nclassifications:\n"
           "  - id: value\n"
           "    segments:\n"
           "      - id: champions\n"
           "        when: r_score >= 4 and f_score >= 4 and m_score >= 4\n"
           "      - id: others\n"
           "        when: \"true\"\n";
}

// Chinook_PostgreSql.sql as shipped, fed to psql, except that it goes into our scratch database
// instead of dropping and creating `chinook` (so that tests may run in parallel).
void load_chinook_postgresql(ScratchDatabase& db, const TempDir& dir) {
    std::string sql = read_text(kChinookDir / "Chinook_PostgreSql.sql");
    for (const char* statement :
         {"DROP DATABASE IF EXISTS chinook;", "CREATE DATABASE chinook;", "\\c chinook;"}) {
        const auto at = sql.find(statement);
        ASSERT_NE(at, std::string::npos) << statement;
        ASSERT_EQ(sql.find(statement, at + 1), std::string::npos) << statement;
        sql.replace(at, std::string(statement).size(), "");
    }
    const std::filesystem::path log = dir.path() / "psql.log";
    const std::string command = "'" + required_env("CUSTCLASS_TEST_PSQL") +
                                "' -X -q -v ON_ERROR_STOP=1 -h " +
                                required_env("CUSTCLASS_TEST_PG_HOST") + " -p " +
                                required_env("CUSTCLASS_TEST_PG_PORT") + " -U postgres -d " +
                                db.name() + " -f - >'" + log.string() + "' 2>&1";
    FILE* psql = ::popen(command.c_str(), "w");
    ASSERT_NE(psql, nullptr) << command;
    const std::size_t written = std::fwrite(sql.data(), 1, sql.size(), psql);
    const int status = ::pclose(psql);
    ASSERT_EQ(written, sql.size());
    ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
        << command << "\n" << read_text(log);
}

struct Totals {
    std::size_t customers = 0;
    long invoices = 0;      // sum of orders_total
    long long cents = 0;    // sum of monetary
};

Totals totals_of(const FeatureDump& dump) {
    Totals t;
    t.customers = dump.customers.size();
    for (const auto& [id, f] : dump.customers) {
        t.invoices += std::lround(f["orders_total"].get<double>());
        t.cents += std::llround(f["monetary"].get<double>() * 100);
    }
    return t;
}

const std::vector<std::string> kChannels = {"usa", "Canada", "brazil"};

// As of 2025-12-31 with a window of 10 years every invoice (2021-01-01 .. 2025-12-22) counts.
constexpr const char* kAsOf = "2025-12-31";

}  // namespace

TEST(Chinook, SqliteFileGivesTheReadmeCounts) {
    TempDir dir;
    const std::string config = write_engine_config(
        dir.path(), "sqlite3://db=" + (kChinookDir / "Chinook_Sqlite.sqlite").string(),
        kSqliteCustomers, kSqliteOrders, rules(3650));
    const FeatureDump dump = dump_features(config, kAsOf, all_features(kChannels));
    const Totals t = totals_of(dump);
    EXPECT_EQ(t.customers, 59u);
    EXPECT_EQ(t.invoices, 412);
    EXPECT_EQ(t.cents, 232860);
    EXPECT_TRUE(dump.data_quality.empty());
    EXPECT_TRUE(dump.excluded.empty());
}

TEST(Chinook, PostgresqlScriptGivesTheReadmeCounts) {
    ScratchDatabase db(Backend::PostgreSQL, "chinook");
    TempDir dir;
    load_chinook_postgresql(db, dir);
    const std::string config =
        write_engine_config(dir.path(), db.connection(), kPgCustomers, kPgOrders, rules(3650));
    const FeatureDump dump = dump_features(config, kAsOf, all_features(kChannels));
    const Totals t = totals_of(dump);
    EXPECT_EQ(t.customers, 59u);
    EXPECT_EQ(t.invoices, 412);
    EXPECT_EQ(t.cents, 232860);
    EXPECT_TRUE(dump.data_quality.empty());
    EXPECT_TRUE(dump.excluded.empty());
}

TEST(Chinook, SameFeaturesOnSqliteAndPostgresql) {
    ScratchDatabase db(Backend::PostgreSQL, "chinook_same");
    TempDir dir;
    load_chinook_postgresql(db, dir);
    const std::filesystem::path sqlite_dir = dir.path() / "sqlite", pg_dir = dir.path() / "pg";
    std::filesystem::create_directories(sqlite_dir);
    std::filesystem::create_directories(pg_dir);
    // A one-year window (RFM spread) and a ten-year one (everything counts).
    for (int window : {365, 3650}) {
        SCOPED_TRACE("window_days " + std::to_string(window));
        const FeatureDump a = dump_features(
            write_engine_config(sqlite_dir,
                                "sqlite3://db=" + (kChinookDir / "Chinook_Sqlite.sqlite").string(),
                                kSqliteCustomers, kSqliteOrders, rules(window)),
            kAsOf, all_features(kChannels));
        const FeatureDump b = dump_features(
            write_engine_config(pg_dir, db.connection(), kPgCustomers, kPgOrders, rules(window)),
            kAsOf, all_features(kChannels));
        ASSERT_EQ(a.customers.size(), 59u);
        ASSERT_EQ(b.customers.size(), a.customers.size());
        EXPECT_EQ(b.excluded, a.excluded);
        EXPECT_EQ(b.data_quality, a.data_quality);
        int active = 0;
        for (const auto& [id, features] : a.customers) {
            const auto it = b.customers.find(id);
            ASSERT_NE(it, b.customers.end()) << id;
            EXPECT_EQ(it->second, features)
                << "customer " << id << "\nsqlite: " << features.dump() << "\npostgresql: "
                << it->second.dump();
            active += !features["r_score"].is_null();
        }
        EXPECT_GT(active, 0);
    }
}
