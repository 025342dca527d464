// Requests about one customer (PRIVACY.md checks 15, 16, 17) and the purge of the plugin's run
// history (check 8), through the engine on a small SQLite host database: a data access export
// lists what the plugin holds and is logged first, with its deadline; an erasure leaves no row of
// any custclass_ table that mentions the customer; neither happens when the audit log cannot be
// written.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <atomic>
#include <cstdlib>
#include <ctime>
#include <thread>

#include "engine.h"
#include "errors.h"
#include "population_cuts.h"
#include "pseudonym.h"
#include "result_store.h"
#include "source.h"
#include "test_database.h"
#include "../stored_runs.h"

using namespace custclass;
using custclass::test::TestDatabase;
using custclass::test::write_file;
using Json = nlohmann::ordered_json;

namespace {

// A distinctive id, so that a LIKE over every column finds it and nothing else.
const std::string kId = "ERASE-ME-7";

plugin::RunRequest as_of(const std::string& day, const std::string& actor = "custclass") {
    plugin::RunRequest r;
    r.as_of = config::parse_day(day);
    r.actor = actor;
    return r;
}

using Rows = std::vector<std::vector<std::string>>;

// Every row of a query on the database, each value as text ("" for NULL).
Rows select(const std::string& db, const std::string& sql) {
    sqlite3* handle = nullptr;
    EXPECT_EQ(sqlite3_open(db.c_str(), &handle), SQLITE_OK);
    sqlite3_stmt* st = nullptr;
    Rows rows;
    const int rc = sqlite3_prepare_v2(handle, sql.c_str(), -1, &st, nullptr);
    EXPECT_EQ(rc, SQLITE_OK) << sql << ": " << sqlite3_errmsg(handle);
    while (rc == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW) {
        std::vector<std::string> row;
        for (int c = 0; c < sqlite3_column_count(st); ++c) {
            const unsigned char* text = sqlite3_column_text(st, c);
            row.emplace_back(text ? reinterpret_cast<const char*>(text) : "");
        }
        rows.push_back(std::move(row));
    }
    sqlite3_finalize(st);
    sqlite3_close(handle);
    return rows;
}

std::string value(const std::string& db, const std::string& sql) {
    const Rows rows = select(db, sql);
    return rows.empty() || rows.front().empty() ? std::string() : rows.front().front();
}

void exec(const std::string& db, const std::string& sql) { test::execute_sql(db, sql); }

// "table.column: n rows" for every column of every custclass_ table whose text mentions
// `needle`; empty when none does.
std::vector<std::string> mentions(const std::string& db, const std::string& needle) {
    std::vector<std::string> found;
    for (const auto& table : select(db,
                                    "SELECT name FROM sqlite_master WHERE type = 'table' AND "
                                    "name LIKE 'custclass!_%' ESCAPE '!' ORDER BY name")) {
        for (const auto& column :
             select(db, "SELECT name FROM pragma_table_info('" + table[0] + "')")) {
            const std::string n = value(db, "SELECT count(*) FROM " + table[0] + " WHERE CAST(" +
                                                column[0] + " AS TEXT) LIKE '%" + needle + "%'");
            if (n != "0") found.push_back(table[0] + "." + column[0] + ": " + n + " rows");
        }
    }
    return found;
}

// The number of custclass_ tables: the scan above must see them all.
std::string table_count(const std::string& db) {
    return value(db,
                 "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name LIKE "
                 "'custclass!_%' ESCAPE '!'");
}

// Today (UTC) plus `days`, as YYYY-MM-DD.
std::string utc_day_after(int days) {
    return config::format_day(static_cast<config::Day>(std::time(nullptr) / 86400) + days);
}

const char* kNoAuditTrigger =
    "CREATE TRIGGER no_audit BEFORE INSERT ON custclass_audit_log "
    "BEGIN SELECT RAISE(ABORT, 'the audit log cannot be written'); END";

const char* kRules =
    "custclass: 1\nname: t\nversion: \"1\"\nclassifications:\n"
    "  - id: v\n    label: Value\n    segments:\n"
    "      - id: big\n        when: monetary >= 100\n"
    "      - id: small\n        when: frequency >= 1\n"
    "  - id: rank\n    label: Rank\n    segments:\n"
    "      - id: top\n        when: m_score >= 4 and pareto_class == 'A'\n";

// a: 150, b: 40, ERASE-ME-7: 30, e: 20 (d: no order). Pareto (total 240): a, b and ERASE-ME-7
// in A (190 of 240 ahead of e, under 80 %), e in B: ERASE-ME-7 is the last customer of class A,
// so every run's cut points name it.
class CustomerDataRequests : public ::testing::Test {
protected:
    void SetUp() override {
        db.add({{"a", "2026-01-01"},
                {"b", "2026-01-01"},
                {kId, "2026-01-01"},
                {"d", "2026-01-01"},
                {"e", "2026-01-01"}},
               {{"o1", "a", "2026-11-02 10:00:00", "100"},
                {"o2", "a", "2026-11-03 15:30:00", "50"},
                {"o3", "b", "2026-11-04 10:00:00", "40"},
                {"o4", kId, "2026-11-05 20:00:00", "30"},
                {"o5", "e", "2026-11-06 20:00:00", "20"}});
        engine = plugin::Engine::open_file(db.write_config(kRules), "");
    }

    // A run of another engine on the same store whose customers query lists ERASE-ME-7 twice:
    // it fails, and its message (in custclass_runs and in the audit log) quotes the id.
    void failed_run_naming_the_customer() {
        write_file(
            db.dir() / "duplicate.yaml",
            "custclass: 1\nsource:\n  preset: generic\n  connection: \"sqlite3://db=shop.sqlite\"\n"
            "  queries:\n"
            "    customers: >-\n"
            "      SELECT id AS customer_id, created AS created_at FROM customer\n"
            "      UNION ALL SELECT id, created FROM customer WHERE id = '" +
                kId +
                "'\n"
                "    orders: SELECT id AS order_id, customer AS customer_id, at AS ordered_at, "
                "total AS amount, channel FROM sale\n"
                "rules: rules.yaml\n");
        auto other = plugin::Engine::open_file((db.dir() / "duplicate.yaml").string(), "");
        EXPECT_THROW(other->run(as_of("2026-11-30")), adapters::DataError);
        ASSERT_EQ(
            value(
                db.db_path(),
                "SELECT count(*) FROM custclass_runs WHERE status = 'failed' AND message LIKE '%`" +
                    kId + "`%'"),
            "1");
    }

    // Referral rewards as a full run over a `referrals` table records them (the table exists
    // once the store is migrated): a → ERASE-ME-7 and ERASE-ME-7 → e name the customer, a → b
    // does not.
    void rewards_naming_the_customer(const std::string& run_id) {
        exec(db.db_path(),
             "INSERT INTO custclass_referral_rewards (referee_id, referrer_id, referred_on, "
             "first_purchase, run_id, rewarded_at) VALUES "
             "('" + kId + "', 'a', '2025-12-01', '2026-11-05', '" + run_id + "', '2026-11-30T10:00:00Z'), "
             "('e', '" + kId + "', NULL, '2026-11-06', '" + run_id + "', '2026-11-30T10:00:00Z'), "
             "('b', 'a', NULL, '2026-11-04', '" + run_id + "', '2026-11-30T10:00:00Z')");
    }

    std::string count(const std::string& sql) { return value(db.db_path(), sql); }

    TestDatabase db;
    std::unique_ptr<plugin::Engine> engine;
};

TEST_F(CustomerDataRequests,
       AnExportListsTheHistoryLiveAssignmentsAndAuditEntriesAndIsLoggedFirst) {
    const Json first = engine->run(as_of("2026-11-30"));
    const Json second = engine->run(as_of("2026-12-01"));

    const Json doc = engine->data_access_export(kId, as_of("2026-12-01", "dpo@example.hk"));
    EXPECT_EQ(doc["customer_id"], kId);
    const std::string deadline = utc_day_after(40);
    EXPECT_EQ(doc["deadline"], deadline);
    EXPECT_TRUE(doc["policy"].is_null());  // the test engine has no privacy policy

    // Its segment in every stored run, in run order.
    const Json& history = doc["history"];
    ASSERT_EQ(history.size(), 4u);
    EXPECT_EQ(history[0]["run_id"], first["run_id"]);
    EXPECT_EQ(history[0]["as_of"], "2026-11-30");
    EXPECT_EQ(history[0]["classification"], "rank");
    EXPECT_TRUE(history[0]["segment"].is_null());  // unclassified: m_score 2 (30 beats only 20)
    EXPECT_EQ(history[1]["classification"], "v");
    EXPECT_EQ(history[1]["segment"], "small");
    EXPECT_EQ(history[2]["run_id"], second["run_id"]);
    EXPECT_EQ(history[3]["as_of"], "2026-12-01");

    // The live table, from the second run.
    const Json& live = doc["live_assignments"];
    ASSERT_EQ(live.size(), 2u);
    EXPECT_EQ(live[0]["classification"], "rank");
    EXPECT_EQ(live[1]["segment"], "small");
    EXPECT_EQ(live[1]["run_id"], second["run_id"]);

    // Its current segments, from the host's data, with the explanation.
    EXPECT_EQ(doc["current"]["customer_id"], kId);
    EXPECT_EQ(doc["current"]["classifications"]["v"]["segment"], "small");
    EXPECT_FALSE(doc["current"]["classifications"]["v"]["matched"].empty());

    // The request itself: in the document's audit entries, and in the store.
    ASSERT_EQ(doc["audit"].size(), 1u);
    EXPECT_EQ(doc["audit"][0]["entry_id"], doc["request_entry_id"]);
    EXPECT_EQ(doc["audit"][0]["action"], "data_access_request");
    EXPECT_EQ(doc["audit"][0]["actor"], "dpo@example.hk");
    EXPECT_NE(doc["audit"][0]["detail"].get<std::string>().find("deadline " + deadline),
              std::string::npos);
    const Rows logged = select(db.db_path(),
                               "SELECT actor, detail FROM custclass_audit_log WHERE "
                               "action = 'data_access_request' AND subject = '" +
                                   kId + "'");
    ASSERT_EQ(logged.size(), 1u);
    EXPECT_EQ(logged[0][0], "dpo@example.hk");
    EXPECT_NE(logged[0][1].find(deadline), std::string::npos);

    // A second request lists the first one too.
    const Json again = engine->data_access_export(kId, as_of("2026-12-01"));
    ASSERT_EQ(again["audit"].size(), 2u);
    EXPECT_EQ(again["audit"][1]["entry_id"], again["request_entry_id"]);

    // No referral rewards yet.
    EXPECT_EQ(again["referral_rewards"], Json::array());
}

TEST_F(CustomerDataRequests, AnExportListsTheReferralRewardsNamingTheCustomer) {
    const Json run = engine->run(as_of("2026-11-30"));
    rewards_naming_the_customer(run["run_id"].get<std::string>());
    const Json doc = engine->data_access_export(kId, as_of("2026-11-30"));
    // By the referee's first purchase: as referee (2026-11-05), then as referrer (2026-11-06).
    const Json expected = Json::parse(R"([
        {"role": "referee", "referee_id": ")" + kId + R"(", "referrer_id": "a", "referred_on": "2025-12-01",
         "first_purchase": "2026-11-05", "run_id": ")" + run["run_id"].get<std::string>() + R"(",
         "rewarded_at": "2026-11-30T10:00:00Z"},
        {"role": "referrer", "referee_id": "e", "referrer_id": ")" + kId + R"(", "referred_on": null,
         "first_purchase": "2026-11-06", "run_id": ")" + run["run_id"].get<std::string>() + R"(",
         "rewarded_at": "2026-11-30T10:00:00Z"}])");
    EXPECT_EQ(doc["referral_rewards"], expected);

    // A customer the plugin holds nothing else on, named only by a reward, is no NotFound.
    exec(db.db_path(), "INSERT INTO custclass_referral_rewards (referee_id, referrer_id, referred_on, "
                       "first_purchase, run_id, rewarded_at) VALUES ('gone', 'a', NULL, '2026-11-01', '" +
                           run["run_id"].get<std::string>() + "', '2026-11-30T10:00:00Z')");
    const Json gone = engine->data_access_export("gone", as_of("2026-11-30"));
    EXPECT_TRUE(gone["current"].is_null());
    ASSERT_EQ(gone["referral_rewards"].size(), 1u);
    EXPECT_EQ(gone["referral_rewards"][0]["role"], "referee");
}

TEST_F(CustomerDataRequests, AnExportOfACustomerTheHostNoLongerHasStillListsWhatThePluginHolds) {
    engine->run(as_of("2026-11-30"));
    exec(db.db_path(), "DELETE FROM sale WHERE customer = '" + kId +
                           "'; DELETE FROM customer WHERE id = '" + kId + "'");
    auto fresh = plugin::Engine::open_file((db.dir() / "custclass.yaml").string(), "");
    const Json doc = fresh->data_access_export(kId, as_of("2026-11-30"));
    EXPECT_TRUE(doc["current"].is_null());
    EXPECT_EQ(doc["history"].size(), 2u);
    EXPECT_EQ(doc["live_assignments"].size(), 2u);
}

TEST_F(CustomerDataRequests, AnExportOfACustomerNobodyHoldsIsNotFoundButLogged) {
    engine->run(as_of("2026-11-30"));
    EXPECT_THROW(engine->data_access_export("nobody", as_of("2026-11-30")), plugin::NotFound);
    EXPECT_EQ(count("SELECT count(*) FROM custclass_audit_log WHERE action = 'data_access_request' "
                    "AND subject = 'nobody'"),
              "1");
    EXPECT_THROW(engine->data_access_export("  ", as_of("2026-11-30")), plugin::InvalidArgument);
}

TEST_F(CustomerDataRequests, AnAuditLogThatCannotBeWrittenBlocksTheExport) {
    engine->run(as_of("2026-11-30"));
    exec(db.db_path(), kNoAuditTrigger);
    const std::string entries = count("SELECT count(*) FROM custclass_audit_log");
    Json doc;
    EXPECT_THROW(doc = engine->data_access_export(kId, as_of("2026-11-30")),
                 adapters::DatabaseError);
    EXPECT_TRUE(doc.is_null());
    EXPECT_EQ(count("SELECT count(*) FROM custclass_audit_log"), entries);
    // Once the log can be written again, so can the export.
    exec(db.db_path(), "DROP TRIGGER no_audit");
    EXPECT_EQ(engine->data_access_export(kId, as_of("2026-11-30"))["history"].size(), 2u);
}

TEST_F(CustomerDataRequests, AnErasureLeavesNoRowThatMentionsTheCustomer) {
    const Json first = engine->run(as_of("2026-11-30"));
    rewards_naming_the_customer(first["run_id"].get<std::string>());
    failed_run_naming_the_customer();
    engine->run(as_of("2026-12-01"));
    engine->data_access_export(kId, as_of("2026-12-01"));
    engine->data_access_export(kId, as_of("2026-12-01"));
    engine->reclassify(kId, std::nullopt, as_of("2026-12-01"));  // a hook: live rows and hooked_
    ASSERT_GE(std::stoi(table_count(db.db_path())),
              6);  // meta, rule sets, runs, assignments, live, audit
    ASSERT_FALSE(mentions(db.db_path(), kId).empty());
    // Both runs' cut points name it.
    ASSERT_EQ(
        count("SELECT count(*) FROM custclass_runs WHERE population_json LIKE '%" + kId + "%'"),
        "2");

    const Json erased = engine->erase_customer(kId, as_of("2026-12-01", "dpo@example.hk"));
    EXPECT_EQ(mentions(db.db_path(), kId), std::vector<std::string>{});
    EXPECT_EQ(erased["customer_id"], kId);
    EXPECT_EQ(erased["removed"]["assignments"], 4);
    EXPECT_EQ(erased["removed"]["live_assignments"], 2);
    EXPECT_EQ(erased["removed"]["audit_entries"], 2);
    EXPECT_EQ(erased["removed"]["cut_points"], 2);
    EXPECT_EQ(erased["removed"]["messages"], 2);  // the failed run's message and its audit entry
    EXPECT_EQ(erased["removed"]["referral_rewards"], 2);  // as referee and as referrer
    // a → b stays; the reward it granted as referrer stays without its id (its referee is not
    // rewarded twice); the one it got as referee goes.
    EXPECT_EQ(count("SELECT count(*) FROM custclass_referral_rewards"), "2");
    EXPECT_EQ(count("SELECT count(*) FROM custclass_referral_rewards WHERE referrer_id = '(erased)'"), "1");
    EXPECT_TRUE(erased["tombstone"]["subject"].is_null());  // no policy, no pseudonym key

    // The tombstone: who asked, what was removed, about nobody named.
    const Rows tombstone = select(db.db_path(),
                                  "SELECT actor, subject IS NULL, detail FROM custclass_audit_log "
                                  "WHERE action = 'erasure' AND entry_id = '" +
                                      erased["tombstone"]["entry_id"].get<std::string>() + "'");
    ASSERT_EQ(tombstone.size(), 1u);
    EXPECT_EQ(tombstone[0][0], "dpo@example.hk");
    EXPECT_EQ(tombstone[0][1], "1");
    EXPECT_NE(tombstone[0][2].find("4 assignments"), std::string::npos);

    // The cut points still read, and place the erased boundary first among equal amounts.
    for (const auto& row :
         select(db.db_path(),
                "SELECT population_json FROM custclass_runs WHERE population_json IS NOT NULL")) {
        const auto cuts = plugin::PopulationCuts::from_json(nlohmann::json::parse(row[0]));
        ASSERT_TRUE(cuts.pareto && cuts.pareto->last_a);
        EXPECT_EQ(cuts.pareto->last_a->customer_id, "");
        EXPECT_EQ(cuts.pareto->last_a->monetary, 3000);
        EXPECT_EQ(*cuts.pareto->pareto_class(3001, "zz"), std::string("A"));
        EXPECT_EQ(*cuts.pareto->pareto_class(3000, "a"), std::string("B"));
    }

    // Nothing cached: a lookup and a hook read the host's data (which still hold the customer)
    // and the store again.
    EXPECT_EQ(engine->classify(kId, as_of("2026-12-01"))["classifications"]["v"]["segment"],
              "small");
    EXPECT_EQ(count("SELECT count(*) FROM custclass_assignments WHERE customer_id = '" + kId + "'"),
              "0");
    EXPECT_NO_THROW(engine->reclassify("b", std::nullopt, as_of("2026-12-01")));
}

TEST_F(CustomerDataRequests, ARunAfterAnErasureClassifiesTheCustomerAgainOnlyIfTheHostStillHasIt) {
    const Json before = engine->run(as_of("2026-11-30"));
    engine->erase_customer(kId, as_of("2026-11-30"));
    const Json after = engine->run(as_of("2026-11-30"));
    EXPECT_EQ(after["customers"], before["customers"]);
    const Rows again = select(
        db.db_path(),
        "SELECT DISTINCT run_id FROM custclass_assignments WHERE customer_id = '" + kId + "'");
    ASSERT_EQ(again.size(), 1u);
    EXPECT_EQ(again[0][0], after["run_id"].get<std::string>());
    EXPECT_EQ(
        count("SELECT count(*) FROM custclass_live_assignments WHERE customer_id = '" + kId + "'"),
        "2");

    // The host erases it first: nothing comes back.
    exec(db.db_path(), "DELETE FROM sale WHERE customer = '" + kId +
                           "'; DELETE FROM customer WHERE id = '" + kId + "'");
    engine->erase_customer(kId, as_of("2026-11-30"));
    engine->run(as_of("2026-11-30"));
    EXPECT_EQ(mentions(db.db_path(), kId), std::vector<std::string>{});
    EXPECT_THROW(engine->classify(kId, as_of("2026-11-30")), plugin::NotFound);
}

TEST_F(CustomerDataRequests, AnAuditLogThatCannotBeWrittenBlocksTheErasure) {
    engine->run(as_of("2026-11-30"));
    engine->data_access_export(kId, as_of("2026-11-30"));
    exec(db.db_path(), kNoAuditTrigger);
    const auto held = mentions(db.db_path(), kId);
    ASSERT_FALSE(held.empty());
    EXPECT_THROW(engine->erase_customer(kId, as_of("2026-11-30")), adapters::DatabaseError);
    EXPECT_EQ(mentions(db.db_path(), kId), held);
    EXPECT_EQ(count("SELECT count(*) FROM custclass_assignments WHERE customer_id = '" + kId + "'"),
              "2");
    EXPECT_EQ(
        count("SELECT count(*) FROM custclass_runs WHERE population_json LIKE '%" + kId + "%'"),
        "1");
}

TEST_F(CustomerDataRequests, ErasingACustomerThePluginHoldsNothingOnIsRecorded) {
    engine->run(as_of("2026-11-30"));
    const Json erased = engine->erase_customer("never-seen", as_of("2026-11-30"));
    for (const char* key :
         {"assignments", "live_assignments", "audit_entries", "cut_points", "messages",
          "referral_rewards"})
        EXPECT_EQ(erased["removed"][key], 0) << key;
    EXPECT_EQ(count("SELECT count(*) FROM custclass_audit_log WHERE action = 'erasure'"), "1");
    // On a store that has no tables yet, too.
    TestDatabase empty;
    auto e = plugin::Engine::open_file(empty.write_config(kRules), "");
    EXPECT_EQ(e->erase_customer(kId, as_of("2026-11-30"))["removed"]["assignments"], 0);
    EXPECT_EQ(
        value(empty.db_path(), "SELECT count(*) FROM custclass_audit_log WHERE action = 'erasure'"),
        "1");
}

TEST_F(CustomerDataRequests, TheTombstoneNamesTheCustomerOnlyByItsPseudonym) {
    write_file(
        db.dir() / "with-policy.yaml",
        "custclass: 1\nsource:\n  preset: generic\n  connection: \"sqlite3://db=shop.sqlite\"\n"
        "  queries:\n"
        "    customers: SELECT id AS customer_id, created AS created_at FROM customer\n"
        "    orders: SELECT id AS order_id, customer AS customer_id, at AS ordered_at, total AS "
        "amount FROM sale\n"
        "rules: rules.yaml\nprivacy: " CUSTCLASS_SOURCE_DIR "/config/privacy/pdpo.yaml\n");
    auto e = plugin::Engine::open_file((db.dir() / "with-policy.yaml").string(), "");
    ASSERT_TRUE(e->config().privacy);
    const std::string env = e->config().privacy->pseudonym_key_env;
    const std::string key = "a test key of thirty-two bytes!!";
    ::setenv(env.c_str(), key.c_str(), 1);
    const Json erased = e->erase_customer(kId, as_of("2026-11-30"));
    ::unsetenv(env.c_str());
    const std::string pseudonym = plugin::hmac_sha256_hex(key, kId);
    EXPECT_EQ(erased["tombstone"]["subject"], pseudonym);
    EXPECT_EQ(count("SELECT subject FROM custclass_audit_log WHERE action = 'erasure'"), pseudonym);
    EXPECT_EQ(mentions(db.db_path(), kId), std::vector<std::string>{});

    // A key too short to be safe: no pseudonym, and still no id.
    ::setenv(env.c_str(), "short", 1);
    const Json weak = e->erase_customer(kId, as_of("2026-11-30"));
    ::unsetenv(env.c_str());
    EXPECT_TRUE(weak["tombstone"]["subject"].is_null());
}

// Exports and erasures on one thread while hooks re-classify other customers on others: every
// call succeeds (the store's write transactions serialise them), and the erased customer's rows
// are gone at the end.
TEST_F(CustomerDataRequests, RequestsAndHooksRunConcurrently) {
    engine->run(as_of("2026-11-30"));
    std::atomic<bool> stop{false};
    std::atomic<int> hook_failures{0};
    std::vector<std::thread> hooks;
    for (const char* id : {"a", "b"})
        hooks.emplace_back([&, id] {
            while (!stop.load()) {
                try {
                    engine->reclassify(id, std::nullopt, as_of("2026-11-30"));
                } catch (const std::exception&) {
                    ++hook_failures;
                }
            }
        });
    for (int i = 0; i < 5; ++i) {
        EXPECT_NO_THROW(engine->data_access_export(kId, as_of("2026-11-30")));
        EXPECT_NO_THROW(engine->erase_customer(kId, as_of("2026-11-30")));
    }
    stop = true;
    for (auto& t : hooks) t.join();
    EXPECT_EQ(hook_failures.load(), 0);
    EXPECT_EQ(mentions(db.db_path(), kId), std::vector<std::string>{});
}

// Check 8: the plugin's own runs past their retention are deleted with their assignments, except
// the latest succeeded run; the audit log keeps its entries.
TEST(RunHistoryPurge, DeletesOldRunsAndTheirAssignmentsButKeepsTheLatestSucceededRun) {
    TestDatabase db;
    adapters::ResultStore store({"sqlite3://db=" + db.db_path(), ""});
    store.migrate();
    const adapters::StoredRuleSet rules{"t", "1", "sha256:00", "name: t", "rules.yaml", "customer_analytics"};
    auto run = [&](const std::string& id, const std::string& finished_at,
                   const std::string& status) {
        adapters::RunRecord r = custclass::test::succeeded_run(id, finished_at);
        r.ruleset_hash = rules.hash;
        r.status = status;
        r.customers = 1;
        if (status != "succeeded") {
            store.record_unsuccessful(r, "test");
            return;
        }
        store.publish(
            rules, r, [&](const adapters::AssignmentSink& sink) { sink("c1", "v", "x"); }, "test");
    };
    run("r1", "2020-01-01T00:00:00Z", "succeeded");
    run("r2", "2021-01-01T00:00:00Z", "succeeded");
    run("r3", "2021-06-01T00:00:00Z", "failed");
    const std::string path = db.db_path();

    // r2 is the latest succeeded run: kept, however old.
    EXPECT_EQ(store.purge_runs_before("2025-01-01T00:00:00Z"), 2u);
    EXPECT_EQ(value(path, "SELECT group_concat(run_id) FROM custclass_runs"), "r2");
    EXPECT_EQ(value(path, "SELECT group_concat(DISTINCT run_id) FROM custclass_assignments"), "r2");
    EXPECT_EQ(store.latest_succeeded_run()->run_id, "r2");

    run("r4", "2026-11-30T00:00:00Z", "succeeded");
    EXPECT_EQ(store.purge_runs_before("2025-01-01T00:00:00Z"), 1u);
    EXPECT_EQ(value(path, "SELECT group_concat(run_id) FROM custclass_runs"), "r4");
    EXPECT_EQ(value(path, "SELECT group_concat(DISTINCT run_id) FROM custclass_assignments"), "r4");
    EXPECT_EQ(store.purge_runs_before("2025-01-01T00:00:00Z"), 0u);
    EXPECT_EQ(value(path, "SELECT count(*) FROM custclass_audit_log"), "4");
}

}  // namespace
