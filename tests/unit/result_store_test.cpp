#include "result_store.h"
#include "source.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "engine.h"
#include "errors.h"
#include "test_database.h"

using namespace custclass;
using custclass::test::TestDatabase;
using custclass::test::write_file;

namespace {

const std::string kRules =
    "custclass: 1\nname: t\nversion: \"1\"\nclassifications:\n"
    "  - id: v\n    segments:\n      - id: buyer\n        when: frequency >= 1\n"
    "  - id: tags\n    mode: all_matches\n    segments:\n"
    "      - id: any\n        when: true\n      - id: big\n        when: monetary > 15\n";

plugin::RunRequest as_of(const std::string& day) {
    plugin::RunRequest r;
    r.as_of = config::parse_day(day);
    return r;
}

// One value of a query on the test database, as text ("" for NULL).
std::string query(const TestDatabase& db, const std::string& sql) {
    sqlite3* handle = nullptr;
    sqlite3_open(db.db_path().c_str(), &handle);
    sqlite3_stmt* st = nullptr;
    std::string out = "<error>";
    if (sqlite3_prepare_v2(handle, sql.c_str(), -1, &st, nullptr) == SQLITE_OK) {
        out = "";
        if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
            out = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
    }
    sqlite3_finalize(st);
    sqlite3_close(handle);
    return out;
}

void add_data(TestDatabase& db) {
    db.add({{"a", "2026-01-01"}, {"b", "2026-01-01"}, {"c", "2026-01-01"}},
           {{"1", "a", "2026-11-01", "10"}, {"2", "a", "2026-11-02", "10"}, {"3", "b", "2026-11-03", "5"}});
}

}  // namespace

TEST(ResultStore, MigrationsCreateTheSchemaOnceAndRecordItsVersion) {
    TestDatabase db;
    adapters::ResultStore store({"sqlite3://db=" + db.db_path(), ""});
    EXPECT_EQ(store.schema_version(), 0);
    store.migrate();
    store.migrate();
    EXPECT_EQ(store.schema_version(), adapters::ResultStore::latest_schema_version());
    EXPECT_EQ(query(db, "SELECT count(*) FROM sqlite_master WHERE name LIKE 'custclass_%' AND type = 'table'"), "7");  // with custclass_meta and custclass_referral_rewards
}

TEST(ResultStore, ARunPublishesItsAssignmentsTheLiveTableAndAnAuditEntry) {
    TestDatabase db;
    add_data(db);
    auto e = plugin::Engine::open_file(db.write_config(kRules), "");
    auto request = as_of("2026-11-30");
    request.actor = "nightly-job";
    const auto summary = e->run(request);
    const std::string id = summary["run_id"];
    EXPECT_EQ(query(db, "SELECT status FROM custclass_runs WHERE run_id = '" + id + "'"), "succeeded");
    EXPECT_EQ(query(db, "SELECT customers FROM custclass_runs"), "3");
    // first_match: one row per customer (c unclassified: NULL); all_matches: one per match.
    EXPECT_EQ(query(db, "SELECT count(*) FROM custclass_assignments WHERE classification = 'v'"), "3");
    EXPECT_EQ(query(db, "SELECT count(*) FROM custclass_assignments WHERE classification = 'v' AND segment IS NULL"), "1");
    EXPECT_EQ(query(db, "SELECT count(*) FROM custclass_assignments WHERE classification = 'tags'"), "4");
    EXPECT_EQ(query(db, "SELECT segment FROM custclass_live_assignments WHERE customer_id = 'a' AND classification = 'v'"), "buyer");
    EXPECT_EQ(query(db, "SELECT count(*) FROM custclass_live_assignments"), "7");
    EXPECT_EQ(query(db, "SELECT actor || ':' || action || ':' || subject FROM custclass_audit_log"), "nightly-job:run:" + id);
    EXPECT_EQ(query(db, "SELECT name || ' ' || version FROM custclass_rulesets"), "t 1");
    EXPECT_NE(query(db, "SELECT yaml_text FROM custclass_rulesets").find("frequency >= 1"), std::string::npos);
}

TEST(ResultStore, ADryRunWritesNothing) {
    TestDatabase db;
    add_data(db);
    auto e = plugin::Engine::open_file(db.write_config(kRules), "");
    auto request = as_of("2026-11-30");
    request.dry_run = true;
    const auto summary = e->run(request);
    EXPECT_EQ(summary["dry_run"], true);
    EXPECT_EQ(query(db, "SELECT count(*) FROM sqlite_master WHERE name LIKE 'custclass_%'"), "0");
}

TEST(ResultStore, ChangedRuleSetUnderTheSameVersionIsRefusedAndTheStoreKeepsThePreviousRun) {
    TestDatabase db;
    add_data(db);
    const std::string first = plugin::Engine::open_file(db.write_config(kRules), "")
                                  ->run(as_of("2026-11-30"))["run_id"];
    std::string changed = kRules;
    changed.replace(changed.find("frequency >= 1"), 14, "frequency >= 2");
    auto e = plugin::Engine::open_file(db.write_config(changed), "");
    try {
        e->run(as_of("2026-11-30"));
        FAIL() << "the changed rule set was accepted";
    } catch (const adapters::RuleSetConflict& err) {
        EXPECT_NE(std::string(err.what()).find("give it a new `version`"), std::string::npos) << err.what();
    }
    EXPECT_EQ(query(db, "SELECT count(*) FROM custclass_runs"), "1");
    adapters::ResultStore store({"sqlite3://db=" + db.db_path(), ""});
    EXPECT_EQ(store.latest_succeeded_run()->run_id, first);
    // With a new version it runs, and becomes the latest.
    changed.replace(changed.find("version: \"1\""), 12, "version: \"2\"");
    const std::string second = plugin::Engine::open_file(db.write_config(changed), "")
                                   ->run(as_of("2026-11-30"))["run_id"];
    EXPECT_EQ(store.latest_succeeded_run()->run_id, second);
    EXPECT_EQ(query(db, "SELECT segment FROM custclass_live_assignments WHERE customer_id = 'b' AND classification = 'v'"), "");
}

TEST(ResultStore, CancelledAndFailedRunsAreRecordedAndLeaveThePreviousRunCurrent) {
    TestDatabase db;
    add_data(db);
    const std::string config = db.write_config(kRules);
    const std::string first = plugin::Engine::open_file(config, "")->run(as_of("2026-11-30"))["run_id"];
    auto cancel = as_of("2026-11-30");
    cancel.progress = [](const char* phase, std::uint64_t, std::uint64_t) {
        return std::string(phase) != "rules";  // cancel after everything was computed
    };
    EXPECT_THROW(plugin::Engine::open_file(config, "")->run(cancel), plugin::Cancelled);
    // Bad data makes the next run fail.
    db.add({}, {{"4", "a", "not a date", "10"}});
    EXPECT_THROW(plugin::Engine::open_file(config, "")->run(as_of("2026-11-30")), adapters::DataError);
    EXPECT_EQ(query(db, "SELECT group_concat(status, ',') FROM (SELECT status FROM custclass_runs ORDER BY run_seq)"),
              "succeeded,cancelled,failed");
    adapters::ResultStore store({"sqlite3://db=" + db.db_path(), ""});
    EXPECT_EQ(store.latest_succeeded_run()->run_id, first);
    EXPECT_EQ(query(db, "SELECT count(DISTINCT run_id) FROM custclass_assignments"), "1");
    EXPECT_EQ(query(db, "SELECT DISTINCT run_id FROM custclass_live_assignments"), first);
    EXPECT_NE(query(db, "SELECT message FROM custclass_runs WHERE status = 'failed'").find("not a date"), std::string::npos);
}

TEST(ResultStore, AStoreInAnotherDatabase) {
    TestDatabase db;
    add_data(db);
    write_file(db.dir() / "rules.yaml", kRules);
    write_file(db.dir() / "custclass.yaml",
               "custclass: 1\nsource:\n  connection: \"sqlite3://db=shop.sqlite\"\n  queries:\n"
               "    customers: SELECT id AS customer_id, created AS created_at FROM customer\n"
               "    orders: SELECT id AS order_id, customer AS customer_id, at AS ordered_at, total AS amount FROM sale\n"
               "store:\n  connection: \"sqlite3://db=results.sqlite\"\nrules: rules.yaml\n");
    plugin::Engine::open_file((db.dir() / "custclass.yaml").string(), "")->run(as_of("2026-11-30"));
    EXPECT_EQ(query(db, "SELECT count(*) FROM sqlite_master WHERE name LIKE 'custclass_%'"), "0");
    adapters::ResultStore store({"sqlite3://db=" + (db.dir() / "results.sqlite").string(), ""});
    ASSERT_TRUE(store.latest_succeeded_run());
    EXPECT_EQ(store.latest_succeeded_run()->customers, 3u);
}
