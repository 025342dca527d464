#include "test_database.h"

#include <sqlite3.h>
#include <unistd.h>

#include <fstream>
#include <random>
#include <stdexcept>

#include "demo_data.h"

namespace custclass::test {

namespace {

void exec(sqlite3* db, const std::string& sql) {
    char* error = nullptr;
    if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
        std::string message = error ? error : "?";
        sqlite3_free(error);
        throw std::runtime_error("sqlite: " + message + " in: " + sql);
    }
}

std::string text_or_null(const std::string& s) {
    if (s.empty()) return "NULL";
    std::string out = "'";
    for (char c : s) {
        if (c == '\'') out += '\'';
        out += c;
    }
    return out + "'";
}

}  // namespace

void execute_sql(const std::string& db_path, const std::string& sql) {
    sqlite3* db = nullptr;
    if (sqlite3_open(db_path.c_str(), &db) != SQLITE_OK) {
        sqlite3_close(db);
        throw std::runtime_error("sqlite: cannot open " + db_path);
    }
    try {
        exec(db, sql);
    } catch (...) {
        sqlite3_close(db);
        throw;
    }
    sqlite3_close(db);
}

std::vector<std::vector<std::string>> query_rows(const std::string& db_path, const std::string& sql) {
    sqlite3* db = nullptr;
    sqlite3_stmt* st = nullptr;
    auto fail = [&](const std::string& what) {
        const std::string message = what + ": " + (db ? sqlite3_errmsg(db) : "?") + " in: " + sql;
        sqlite3_finalize(st);
        sqlite3_close(db);
        return std::runtime_error("sqlite: " + message);
    };
    if (sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) throw fail("cannot open " + db_path);
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) throw fail("cannot prepare");
    std::vector<std::vector<std::string>> rows;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        auto& row = rows.emplace_back();
        for (int c = 0; c < sqlite3_column_count(st); ++c) {
            const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(st, c));
            row.emplace_back(text ? text : "(null)");
        }
    }
    if (rc != SQLITE_DONE) throw fail("cannot read");
    sqlite3_finalize(st);
    sqlite3_close(db);
    return rows;
}

std::filesystem::path fresh_directory(const std::string& name) {
    const auto dir = std::filesystem::temp_directory_path() / (name + "-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    return dir;
}

std::string demo_engine_config(const std::string& db_file, const std::string& store_file) {
    return "custclass: 1\nsource:\n  preset: generic\n  connection: \"sqlite3://db=" + db_file + "\"\n" +
           datagen::demo_generic_queries_yaml() + "store:\n  connection: \"sqlite3://db=" + store_file +
           "\"\nrules: " + CUSTCLASS_SOURCE_DIR + "/config/rulesets/hk-retail.yaml\n";
}

std::vector<std::vector<std::string>> stored_assignments(const std::string& store_path) {
    return query_rows(store_path,
                      "SELECT customer_id, classification, COALESCE(segment, '(none)') "
                      "FROM custclass_assignments ORDER BY 1, 2, 3");
}

const std::string kShopRules =
    "custclass: 1\nname: t\nversion: \"1\"\nwindow_days: 60\nclassifications:\n"
    "  - id: value\n    segments:\n"
    "      - id: top\n        when: r_score >= 4 and m_score >= 4\n"
    "      - id: online\n        when: channel_share('online') >= 0.5\n"
    "      - id: buyer\n        when: frequency >= 1\n"
    "  - id: where\n    mode: all_matches\n    segments:\n"
    "      - id: sha_tin\n        when: district == 'Sha Tin'\n"
    "      - id: young\n        when: age < 30\n";

SampleShop sample_shop() {
    SampleShop shop;
    for (int i = 0; i < 60; ++i) {
        const std::string id = "c" + std::to_string(i);
        shop.customers.push_back({id, "2026-01-0" + std::to_string(1 + i % 9),
                                  i % 3 ? "1990-05-0" + std::to_string(1 + i % 7) : "", i % 2 ? "F" : "M",
                                  i % 4 ? "Sha Tin" : "Eastern"});
        for (int k = 0; k < i % 7; ++k)
            shop.orders.push_back({id + "-" + std::to_string(k), id,
                                   "2026-11-" + std::to_string(10 + k) + " 1" + std::to_string(k) + ":00:00",
                                   std::to_string(10 + i * k) + "." + std::to_string(k) + "5",
                                   k % 2 ? "online" : "store"});
    }
    shop.orders.push_back({"guest", "", "2026-11-20", "99"});
    shop.orders.push_back({"refund", "c5", "2026-11-21", "-10.05"});
    return shop;
}

plugin::RunRequest run_request(const std::string& day, bool dry_run) {
    plugin::RunRequest r;
    r.as_of = config::parse_day(day);
    r.dry_run = dry_run;
    return r;
}

void write_file(const std::filesystem::path& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary);
    out << text;
    if (!out) throw std::runtime_error("cannot write " + path.string());
}

TestDatabase::TestDatabase() {
    std::random_device rd;
    dir_ = std::filesystem::temp_directory_path() /
           ("custclass-test-" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(dir_);
    sqlite3* db = nullptr;
    if (sqlite3_open(db_path().c_str(), &db) != SQLITE_OK) throw std::runtime_error("sqlite open");
    exec(db,
         "CREATE TABLE customer(id TEXT PRIMARY KEY, created TEXT, birth TEXT, gender TEXT, "
         "district TEXT, interests TEXT);"
         "CREATE TABLE sale(id TEXT, customer TEXT, at TEXT, total NUMERIC, channel TEXT);");
    sqlite3_close(db);
}

TestDatabase::~TestDatabase() {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
}

void TestDatabase::add(const std::vector<TestCustomer>& customers,
                       const std::vector<TestOrder>& orders) {
    sqlite3* db = nullptr;
    if (sqlite3_open(db_path().c_str(), &db) != SQLITE_OK) throw std::runtime_error("sqlite open");
    std::string sql = "BEGIN;";
    for (const auto& c : customers)
        sql += "INSERT INTO customer VALUES(" + text_or_null(c.id) + "," +
               text_or_null(c.created_at) + "," + text_or_null(c.birth_date) + "," +
               text_or_null(c.gender) + "," + text_or_null(c.district) + "," +
               text_or_null(c.interests) + ");";
    for (const auto& o : orders)
        sql += "INSERT INTO sale VALUES(" + text_or_null(o.id) + "," +
               text_or_null(o.customer_id) + "," + text_or_null(o.ordered_at) + "," +
               (o.amount.empty() ? "NULL" : o.amount) + "," + text_or_null(o.channel) + ");";
    sql += "COMMIT;";
    exec(db, sql);
    sqlite3_close(db);
}

std::string TestDatabase::write_config(const std::string& rules_yaml) const {
    write_file(dir_ / "rules.yaml", rules_yaml);
    write_file(dir_ / "custclass.yaml",
               "custclass: 1\n"
               "source:\n"
               "  preset: generic\n"
               "  connection: \"sqlite3://db=shop.sqlite\"\n"
               "  queries:\n"
               "    customers: >-\n"
               "      SELECT id AS customer_id, created AS created_at, birth AS birth_date,\n"
               "      gender, district, interests FROM customer\n"
               "    orders: >-\n"
               "      SELECT id AS order_id, customer AS customer_id, at AS ordered_at,\n"
               "      total AS amount, channel FROM sale\n"
               "rules: rules.yaml\n");
    return (dir_ / "custclass.yaml").string();
}

}  // namespace custclass::test
