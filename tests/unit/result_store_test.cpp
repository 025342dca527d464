#include "result_store.h"
#include "source.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "engine.h"
#include "errors.h"
#include "test_database.h"
#include "../stored_runs.h"

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
    // custclass_meta, _rulesets, _runs, _run_segments, _run_members, _audit_log,
    // _referral_rewards and _live_overrides; the assignments and the live assignments are views.
    EXPECT_EQ(query(db, "SELECT count(*) FROM sqlite_master WHERE name LIKE 'custclass_%' AND type = 'table'"), "8");
    EXPECT_EQ(query(db, "SELECT type FROM sqlite_master WHERE name = 'custclass_live_assignments'"), "view");
    EXPECT_EQ(query(db, "SELECT type FROM sqlite_master WHERE name = 'custclass_assignments'"), "view");
}

// Schema 5 turns the live table into a view over the latest run and the hooks' overrides. A
// store written by an older plugin keeps what its live table showed: the latest run's rows,
// a customer a hook re-classified since, and one a hook found gone. The next run replaces all.
TEST(ResultStore, TheLiveTableOfAnOlderStoreBecomesTheViewWithTheHooksChangesKept) {
    TestDatabase db;
    adapters::ResultStore store({"sqlite3://db=" + db.db_path(), ""});
    store.migrate(4);
    ASSERT_EQ(store.schema_version(), 4);
    test::execute_sql(
        db.db_path(),
        "INSERT INTO custclass_runs (run_id, run_seq, ruleset_hash, as_of, started_at, finished_at, status, customers) VALUES"
        " ('r1', 1, 'h', '2026-10-31', 't0', '2026-11-01T00:00:00Z', 'succeeded', 3),"
        " ('r2', 2, 'h', '2026-11-30', 't1', '2026-12-01T00:00:00Z', 'succeeded', 4),"
        " ('r3', 3, 'h', '2026-11-30', 't2', '2026-12-01T01:00:00Z', 'failed', 0);"
        "INSERT INTO custclass_assignments (run_id, customer_id, classification, segment) VALUES"
        " ('r1', 'a', 'v', 'old'), ('r1', 'b', 'v', 'old'),"
        " ('r2', 'a', 'v', 'top'), ('r2', 'a', 'tags', 'big'), ('r2', 'b', 'v', NULL),"
        " ('r2', 'c', 'v', 'top'), ('r2', 'd', 'v', 'low');"
        // What publishing r2 wrote, then the hooks: b re-classified, c gone.
        "INSERT INTO custclass_live_assignments (customer_id, classification, segment, run_id, updated_at) VALUES"
        " ('a', 'v', 'top', 'r2', '2026-12-01T00:00:00Z'), ('a', 'tags', 'big', 'r2', '2026-12-01T00:00:00Z'),"
        " ('b', 'v', 'top', 'r2', '2026-12-02T09:00:00Z'), ('b', 'tags', 'big', 'r2', '2026-12-02T09:00:00Z'),"
        " ('d', 'v', 'low', 'r2', '2026-12-01T00:00:00Z');");
    const std::string live =
        "SELECT group_concat(customer_id || ':' || classification || ':' || coalesce(segment, '-') || ':' || "
        "run_id || ':' || updated_at, ' ') FROM (SELECT * FROM custclass_live_assignments "
        "ORDER BY customer_id, classification)";
    const std::string before = query(db, live);
    store.migrate();
    EXPECT_EQ(store.schema_version(), adapters::ResultStore::latest_schema_version());
    EXPECT_EQ(query(db, "SELECT type FROM sqlite_master WHERE name = 'custclass_live_assignments'"), "view");
    EXPECT_EQ(query(db, live), before);
    EXPECT_EQ(before,
              "a:tags:big:r2:2026-12-01T00:00:00Z a:v:top:r2:2026-12-01T00:00:00Z "
              "b:tags:big:r2:2026-12-02T09:00:00Z b:v:top:r2:2026-12-02T09:00:00Z d:v:low:r2:2026-12-01T00:00:00Z");
    std::vector<std::string> c_live;
    for (const auto& r : store.read_live_assignments_of("c")) c_live.push_back(r.classification);
    EXPECT_TRUE(c_live.empty());

    // A hook after the upgrade, then a run: the run's rows replace everything.
    store.replace_live_assignments("d", "r2", {{"v", std::nullopt}});
    EXPECT_EQ(query(db, "SELECT coalesce(segment, '-') FROM custclass_live_assignments WHERE customer_id = 'd'"), "-");
    adapters::RunRecord run;
    run.run_id = "r4";
    run.ruleset_hash = "h";
    run.as_of = "2026-12-01";
    run.started_at = "t3";
    run.finished_at = "2026-12-02T00:00:00Z";
    run.status = "succeeded";
    run.customers = 1;
    adapters::StoredRuleSet rules;
    rules.hash = "h";
    rules.name = "t";
    rules.version = "1";
    rules.yaml = "x";
    store.publish(rules, run, [](const adapters::AssignmentSink& sink) { sink("c", "v", std::string_view("top")); },
                  "test");
    EXPECT_EQ(query(db, live), "c:v:top:r4:2026-12-02T00:00:00Z");
    EXPECT_EQ(query(db, "SELECT count(*) FROM custclass_live_overrides"), "0");
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

// Publishing a run's assignments and rewards straight through the store, as the engine does.
namespace {

using Assignment = std::tuple<std::string, std::string, std::optional<std::string>>;

using custclass::test::kStoredRules;
using custclass::test::succeeded_run;

// Writes `rows` through the store's sink.
std::function<void(const adapters::AssignmentSink&)> writing(const std::vector<Assignment>& rows) {
    return [&rows](const adapters::AssignmentSink& sink) {
        for (const auto& [customer, classification, segment] : rows)
            sink(customer, classification, segment ? std::optional<std::string_view>(*segment) : std::nullopt);
    };
}

void publish(adapters::ResultStore& store, const adapters::RunRecord& run,
             const std::vector<Assignment>& rows,
             const std::vector<adapters::ReferralReward>& rewards = {}) {
    store.publish(kStoredRules, run, writing(rows), "test", rewards);
}

std::vector<Assignment> read_back(adapters::ResultStore& store, const std::string& run_id) {
    std::vector<Assignment> out;
    store.read_assignments(run_id, [&](std::string_view customer, std::string_view classification,
                                       std::optional<std::string_view> segment) {
        out.emplace_back(std::string(customer), std::string(classification),
                         segment ? std::optional<std::string>(*segment) : std::nullopt);
    });
    std::sort(out.begin(), out.end());
    return out;
}

adapters::ReferralReward reward(const std::string& referee, const std::string& referrer,
                                std::optional<std::string> referred_on) {
    adapters::ReferralReward r;
    r.referee_id = referee;
    r.referrer_id = referrer;
    r.referred_on = std::move(referred_on);
    r.first_purchase = "2026-11-02";
    return r;
}

// Values that SQL text, COPY's text format or a C string would get wrong.
const std::vector<std::string> kAwkward = {
    "O'Brien",      "back\\slash",  "tab\there",   "line\nbreak", "carriage\rreturn",
    "\\N",          "NULL",         "",            "陳大文",      "emoji 😀",
    "trailing  ",   "'; DROP TABLE custclass_runs; --", "\\.",     "quote \" and \\'"};

}  // namespace

TEST(ResultStore, ManyAssignmentsAreWrittenAndReadBackExactly) {
    TestDatabase db;
    adapters::ResultStore store({"sqlite3://db=" + db.db_path(), ""});
    store.migrate();
    std::vector<Assignment> rows;
    // 20,000 customers: five batches of member rows, made on a thread of their own, the later
    // ones refilling the rows of earlier ones (ids of other lengths in the same strings).
    std::size_t unclassified = 0;
    for (int i = 0; i < 20000; ++i) {
        const std::string customer = "C" + std::to_string(i * 37);
        unclassified += i % 7 == 0;
        rows.emplace_back(customer, "value", i % 7 == 0 ? std::nullopt
                                                         : std::optional<std::string>("s" + std::to_string(i % 5)));
        if (i % 3 == 0) rows.emplace_back(customer, "tags", "t" + std::to_string(i % 11));
    }
    std::sort(rows.begin(), rows.end());
    publish(store, succeeded_run("r1", "2026-11-30T01:00:00Z"), rows);
    EXPECT_EQ(read_back(store, "r1"), rows);
    EXPECT_EQ(query(db, "SELECT count(*) FROM custclass_assignments"), std::to_string(rows.size()));
    EXPECT_EQ(query(db, "SELECT count(*) FROM custclass_live_assignments WHERE run_id = 'r1'"),
              std::to_string(rows.size()));
    EXPECT_EQ(query(db, "SELECT count(*) FROM custclass_assignments WHERE segment IS NULL"),
              std::to_string(unclassified));
    EXPECT_EQ(store.latest_succeeded_run()->run_id, "r1");
    // A whole number of SQLite's batches (256 rows), and a single row.
    std::vector<Assignment> whole(rows.begin(), rows.begin() + 1024);
    publish(store, succeeded_run("r2", "2026-12-01T01:00:00Z"), whole);
    EXPECT_EQ(read_back(store, "r2"), whole);
    publish(store, succeeded_run("r3", "2026-12-02T01:00:00Z"), {rows[5]});
    EXPECT_EQ(read_back(store, "r3"), std::vector<Assignment>{rows[5]});
    EXPECT_EQ(query(db, "SELECT count(*) FROM custclass_live_assignments"), "1");
}

TEST(ResultStore, QuotesBackslashesControlCharactersNonAsciiAndNullSegmentsRoundTrip) {
    TestDatabase db;
    adapters::ResultStore store({"sqlite3://db=" + db.db_path(), ""});
    store.migrate();
    std::vector<Assignment> rows;
    std::vector<adapters::ReferralReward> rewards;
    for (std::size_t i = 0; i < kAwkward.size(); ++i) {
        const std::string& v = kAwkward[i];
        rows.emplace_back(v, "v", v);                             // the same text in every column
        rows.emplace_back(v, "unclassified", std::nullopt);       // NULL, not "" nor "\N"
        rows.emplace_back("c" + std::to_string(i), v, "x" + v);
        rewards.push_back(reward(v, "by " + v, i % 2 ? std::nullopt : std::optional<std::string>(v)));
    }
    std::sort(rows.begin(), rows.end());
    publish(store, succeeded_run("r1", "2026-11-30T01:00:00Z"), rows, rewards);
    EXPECT_EQ(read_back(store, "r1"), rows);
    EXPECT_EQ(query(db, "SELECT count(*) FROM custclass_assignments WHERE segment IS NULL"),
              std::to_string(kAwkward.size()));
    EXPECT_EQ(query(db, "SELECT count(*) FROM custclass_assignments WHERE segment = ''"), "1");
    for (const std::string& v : kAwkward) {
        SCOPED_TRACE(v);
        const auto live = store.read_live_assignments_of(v);
        ASSERT_EQ(live.size(), 2u);
        EXPECT_EQ(live[0].classification, "unclassified");
        EXPECT_EQ(live[0].segment, std::nullopt);
        EXPECT_EQ(live[1].segment, v);
        const auto granted = store.read_referral_rewards(std::nullopt, v);
        ASSERT_EQ(granted.size(), 1u);
        EXPECT_EQ(granted[0].referee_id, v);
        EXPECT_EQ(granted[0].referrer_id, "by " + v);
        EXPECT_EQ(granted[0].run_id, "r1");
        EXPECT_EQ(granted[0].rewarded_at, "2026-11-30T01:00:00Z");
    }
    EXPECT_EQ(query(db, "SELECT count(*) FROM custclass_referral_rewards WHERE referred_on IS NULL"),
              std::to_string(kAwkward.size() / 2));
}

TEST(ResultStore, AFailureMidWriteLeavesTheStoreWithoutTheRun) {
    TestDatabase db;
    adapters::ResultStore store({"sqlite3://db=" + db.db_path(), ""});
    store.migrate();
    publish(store, succeeded_run("r1", "2026-11-30T01:00:00Z"), {{"a", "v", "x"}},
            {reward("a", "b", "2026-11-01")});

    // The second run rewards `a` again, after 5,000 assignments, among 300 other rewards (in the
    // first batch of them): the referral-reward primary key stops it.
    std::vector<Assignment> rows;
    for (int i = 0; i < 5000; ++i) rows.emplace_back("c" + std::to_string(i), "v", "y");
    std::vector<adapters::ReferralReward> rewards;
    for (int i = 0; i < 300; ++i) rewards.push_back(reward("c" + std::to_string(i), "x", std::nullopt));
    rewards[10] = reward("a", "c3", "2026-11-20");
    try {
        publish(store, succeeded_run("r2", "2026-12-01T01:00:00Z"), rows, rewards);
        FAIL() << "a referee was rewarded twice";
    } catch (const adapters::DatabaseError& e) {
        const std::string message = e.what();
        EXPECT_NE(message.find("result store: publishing the run failed"), std::string::npos) << message;
        EXPECT_NE(message.find("writing custclass_referral_rewards: UNIQUE constraint failed: "
                               "custclass_referral_rewards.referee_id"),
                  std::string::npos)
            << message;
    }
    EXPECT_FALSE(store.find_run("r2"));
    EXPECT_EQ(store.latest_succeeded_run()->run_id, "r1");
    EXPECT_EQ(query(db, "SELECT count(*) FROM custclass_assignments"), "1");
    EXPECT_EQ(query(db, "SELECT group_concat(DISTINCT run_id) FROM custclass_live_assignments"), "r1");
    EXPECT_EQ(query(db, "SELECT group_concat(referee_id) FROM custclass_referral_rewards"), "a");
    EXPECT_EQ(query(db, "SELECT count(*) FROM custclass_audit_log"), "1");

    // An exception from the caller in the middle of the assignments: nothing either.
    EXPECT_THROW(store.publish(
                     kStoredRules, succeeded_run("r3", "2026-12-02T01:00:00Z"),
                     [](const adapters::AssignmentSink& sink) {
                         for (int i = 0; i < 3000; ++i) sink("c" + std::to_string(i), "v", "z");
                         throw std::runtime_error("the engine stopped");
                     },
                     "test"),
                 std::runtime_error);
    EXPECT_FALSE(store.find_run("r3"));
    EXPECT_EQ(query(db, "SELECT count(*) FROM custclass_assignments"), "1");

    // The record asked for once the assignments are written (the engine makes it meanwhile):
    // an exception from there, after 3000 rows, leaves nothing either, and comes out as it is.
    bool written = false, asked = false;
    EXPECT_THROW(store.publish(
                     kStoredRules,
                     [&](const adapters::AssignmentSink& sink) {
                         for (int i = 0; i < 3000; ++i) sink("c" + std::to_string(i), "v", "z");
                         written = true;
                     },
                     [&]() -> adapters::ResultStore::Publication {
                         EXPECT_TRUE(written);
                         asked = true;
                         throw std::range_error("the summary failed");
                     },
                     "test"),
                 std::range_error);
    EXPECT_TRUE(asked);
    EXPECT_FALSE(store.find_run("r3"));
    EXPECT_EQ(query(db, "SELECT count(*) FROM custclass_assignments"), "1");
    EXPECT_EQ(query(db, "SELECT count(*) FROM custclass_run_members"), "1");

    // The same store publishes the next run, its record and rewards given once its rows are.
    store.publish(kStoredRules, writing(rows),
                  [&] {
                      return adapters::ResultStore::Publication{succeeded_run("r4", "2026-12-03T01:00:00Z"),
                                                                {reward("c1", "c2", std::nullopt)}};
                  },
                  "test");
    EXPECT_EQ(store.latest_succeeded_run()->run_id, "r4");
    EXPECT_EQ(read_back(store, "r4").size(), 5000u);
    EXPECT_EQ(query(db, "SELECT count(*) FROM custclass_live_assignments WHERE run_id = 'r4'"), "5000");
}

// Schema 6 keeps a run's assignments as a row per customer with flags over the run's codes. A
// store written before keeps every row of every run, as custclass_assignments (now a view) and
// custclass_live_assignments showed them; runs that shared a number are numbered apart.
TEST(ResultStore, TheAssignmentsOfAnOlderStoreMoveIntoTheCompactTablesUnchanged) {
    TestDatabase db;
    adapters::ResultStore store({"sqlite3://db=" + db.db_path(), ""});
    store.migrate(5);
    ASSERT_EQ(store.schema_version(), 5);
    test::execute_sql(
        db.db_path(),
        "INSERT INTO custclass_runs (run_id, run_seq, ruleset_hash, as_of, started_at, finished_at, status, customers) VALUES"
        " ('r1', 1, 'h', '2026-10-31', 't0', '2026-11-01T00:00:00Z', 'succeeded', 3),"
        " ('r0', 1, 'h', '2026-10-30', 't0', '2026-10-31T00:00:00Z', 'failed', 0),"
        " ('r2', 2, 'h', '2026-11-30', 't1', '2026-12-01T00:00:00Z', 'succeeded', 4);"
        "INSERT INTO custclass_assignments (run_id, customer_id, classification, segment) VALUES"
        " ('r1', 'a', 'v', 'old'), ('r1', 'b', 'v', ''), ('r1', 'A', 'v', NULL),"
        " ('r2', 'a', 'v', 'top'), ('r2', 'b', 'tags', 'big'), ('r2', 'a', 'tags', 'big'),"
        " ('r2', 'a', 'tags', 'new'), ('r2', 'b', 'v', NULL), ('r2', 'c', 'v', 'top'), ('r2', 'd', 'v', '');"
        "INSERT INTO custclass_live_overrides (customer_id, classification, segment, run_id, updated_at) VALUES"
        " ('c', NULL, NULL, 'r2', '2026-12-02T09:00:00Z'), ('d', 'v', 'top', 'r2', '2026-12-02T09:00:00Z');");
    const std::string all =
        "SELECT group_concat(run_id || ':' || customer_id || ':' || classification || ':' || "
        "coalesce('=' || segment, '-'), ' ') FROM (SELECT * FROM custclass_assignments "
        "ORDER BY run_id, customer_id, classification, segment)";
    const std::string live =
        "SELECT group_concat(customer_id || ':' || classification || ':' || coalesce('=' || segment, '-') || "
        "':' || run_id || ':' || updated_at, ' ') FROM (SELECT * FROM custclass_live_assignments "
        "ORDER BY customer_id, classification, segment)";
    const std::string all_before = query(db, all), live_before = query(db, live);
    ASSERT_EQ(live_before,
              "a:tags:=big:r2:2026-12-01T00:00:00Z a:tags:=new:r2:2026-12-01T00:00:00Z "
              "a:v:=top:r2:2026-12-01T00:00:00Z b:tags:=big:r2:2026-12-01T00:00:00Z "
              "b:v:-:r2:2026-12-01T00:00:00Z d:v:=top:r2:2026-12-02T09:00:00Z");

    store.migrate();
    EXPECT_EQ(store.schema_version(), adapters::ResultStore::latest_schema_version());
    EXPECT_EQ(query(db, all), all_before);
    EXPECT_EQ(query(db, live), live_before);
    EXPECT_EQ(query(db, "SELECT group_concat(run_id || '=' || run_seq, ' ') FROM "
                        "(SELECT * FROM custclass_runs ORDER BY run_seq)"),
              "r0=1 r1=2 r2=3");
    // One row per customer and run; every code of a run is one of its pairs.
    EXPECT_EQ(query(db, "SELECT count(*) FROM custclass_run_members"), "7");
    EXPECT_EQ(query(db, "SELECT count(*) FROM custclass_run_segments WHERE run_seq = 3"), "5");
    std::vector<std::string> r1;
    store.read_assignments("r1", [&](std::string_view c, std::string_view k, std::optional<std::string_view> s) {
        r1.push_back(std::string(c) + ":" + std::string(k) + ":" + (s ? "=" + std::string(*s) : "-"));
    });
    std::sort(r1.begin(), r1.end());
    EXPECT_EQ(r1, (std::vector<std::string>{"A:v:-", "a:v:=old", "b:v:="}));
    const auto history = store.read_customer_history("a");
    ASSERT_EQ(history.size(), 4u);
    EXPECT_EQ(history[0].run_id, "r1");
    EXPECT_EQ(history[0].as_of, "2026-10-31");
    EXPECT_EQ(history[3].segment, "top");

    // The next run after the upgrade.
    publish(store, succeeded_run("r3", "2026-12-02T10:00:00Z"),
            {{"b", "v", "top"}, {"b", "tags", std::nullopt}, {"c", "v", ""}});
    EXPECT_EQ(query(db, "SELECT run_seq FROM custclass_runs WHERE run_id = 'r3'"), "4");
    EXPECT_EQ(query(db, live), "b:tags:-:r3:2026-12-02T10:00:00Z b:v:=top:r3:2026-12-02T10:00:00Z "
                               "c:v:=:r3:2026-12-02T10:00:00Z");
    // The run's number, written once into the members' and the codes' statements
    // (BulkInsert::FixedInteger), is each of their rows' and stored as a number, as the migrated
    // rows' are.
    EXPECT_EQ(query(db, "SELECT group_concat(DISTINCT typeof(run_seq) || ':' || run_seq) FROM custclass_run_members "
                        "WHERE run_seq = 4"),
              "integer:4");
    EXPECT_EQ(query(db, "SELECT count(*) FROM custclass_run_members WHERE run_seq = 4"), "2");
    EXPECT_EQ(query(db, "SELECT group_concat(DISTINCT typeof(run_seq)) FROM custclass_run_members"), "integer");
    EXPECT_EQ(query(db, "SELECT count(*) FROM custclass_run_segments WHERE run_seq = 4 AND typeof(run_seq) = 'integer'"),
              query(db, "SELECT count(*) FROM custclass_run_segments WHERE run_seq = 4"));
    EXPECT_NE(query(db, "SELECT count(*) FROM custclass_run_segments WHERE run_seq = 4"), "0");
}

// The rows of one customer come together; one that comes back later is refused (the members'
// key), and nothing of the run is kept.
TEST(ResultStore, ACustomerWhoseAssignmentsComeApartIsRefused) {
    TestDatabase db;
    adapters::ResultStore store({"sqlite3://db=" + db.db_path(), ""});
    store.migrate();
    publish(store, succeeded_run("r1", "2026-11-30T01:00:00Z"), {{"a", "v", "x"}});
    try {
        publish(store, succeeded_run("r2", "2026-12-01T01:00:00Z"),
                {{"a", "v", "x"}, {"b", "v", "y"}, {"a", "tags", "z"}});
        FAIL() << "a customer's rows apart were taken";
    } catch (const adapters::DatabaseError& e) {
        EXPECT_NE(std::string(e.what()).find("custclass_run_members"), std::string::npos) << e.what();
    }
    EXPECT_FALSE(store.find_run("r2"));
    EXPECT_EQ(query(db, "SELECT group_concat(run_id) FROM custclass_assignments"), "r1");
}

// A damaged row says which run and customer it is, rather than inventing assignments.
TEST(ResultStore, DamagedSegmentFlagsAreAnErrorNamingTheRunAndTheCustomer) {
    TestDatabase db;
    adapters::ResultStore store({"sqlite3://db=" + db.db_path(), ""});
    store.migrate();
    publish(store, succeeded_run("r1", "2026-11-30T01:00:00Z"), {{"a", "v", "x"}, {"b", "v", "y"}});
    const auto read_error = [&] {
        try {
            store.read_assignments("r1", [](std::string_view, std::string_view, std::optional<std::string_view>) {});
        } catch (const adapters::DatabaseError& e) {
            return std::string(e.what());
        }
        return std::string("no error");
    };
    test::execute_sql(db.db_path(), "UPDATE custclass_run_members SET segment_flags = '0x1' WHERE customer_id = 'b'");
    EXPECT_NE(read_error().find("run `r1`, customer `b`: segment flags hold a character other than 0 and 1"),
              std::string::npos)
        << read_error();
    test::execute_sql(db.db_path(), "UPDATE custclass_run_members SET segment_flags = '0001' WHERE customer_id = 'b'");
    EXPECT_NE(read_error().find("run `r1`, customer `b`: code 4 is not among the run's codes"), std::string::npos)
        << read_error();
}
