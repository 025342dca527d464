// The hooks (ABI.md, "Hooks a host calls"): one customer re-classified from the host's current
// data against the cut points of the last full run, the live assignments it updates, and the
// member lists that read them, with consent and opt-outs for direct marketing. Through the
// engine on SQLite host databases: a small one worked out by hand, and the demo shop, where
// every customer re-classified on the run's date must get exactly what the run gave it.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <stdexcept>

#include "demo_data.h"
#include "engine.h"
#include "errors.h"
#include "test_database.h"

using namespace custclass;
using custclass::test::TestDatabase;
using custclass::test::write_file;
using Json = nlohmann::ordered_json;

namespace {

plugin::RunRequest as_of(const std::string& day) {
    plugin::RunRequest r;
    r.as_of = config::parse_day(day);
    return r;
}

void exec(const std::string& db, const std::string& sql) { test::execute_sql(db, sql); }

std::vector<std::string> members(plugin::Engine& engine, const std::string& segment,
                                 plugin::Purpose purpose = plugin::Purpose::Analytics,
                                 Json* summary = nullptr) {
    std::vector<std::string> ids;
    plugin::MembersRequest request;
    request.segment = segment;
    request.purpose = purpose;
    request.row = [&](const std::string& id) {
        ids.push_back(id);
        return true;
    };
    Json s = engine.members(request);
    if (summary) *summary = s;
    return ids;
}

const char* kRules =
    "custclass: 1\nname: t\nversion: \"1\"\nclassifications:\n"
    "  - id: v\n    label: Value\n    segments:\n"
    "      - id: big\n        when: monetary >= 100\n        direct_marketing: true\n"
    "      - id: small\n        when: frequency >= 1\n        direct_marketing: true\n"
    "  - id: rank\n    label: Rank\n    segments:\n"
    "      - id: top\n        when: m_score >= 4 and pareto_class == 'A'\n";

// a: 100 + 50 (big); b: 40, c: 30, e: 20 (small); d: no order. Consent: a, b, e yes, c no;
// e opted out by phone, written in another form than its customer record.
// Monetary of the active, worst first: 20, 30, 40, 150 → m_score cut points 20, 30, 40, 150;
// Pareto (total 240): a A, b A (150 ahead < 192), c A (190 < 192), e B.
class HookFixture : public ::testing::Test {
protected:
    void SetUp() override {
        db.add({{"a", "2026-01-01"},
                {"b", "2026-01-01"},
                {"c", "2026-01-01"},
                {"d", "2026-01-01"},
                {"e", "2026-01-01"}},
               {{"o1", "a", "2026-11-02 10:00:00", "100"},
                {"o2", "a", "2026-11-03 15:30:00", "50"},
                {"o3", "b", "2026-11-04 10:00:00", "40"},
                {"o4", "c", "2026-11-05 20:00:00", "30"},
                {"o5", "e", "2026-11-06 20:00:00", "20"}});
        exec(db.db_path(),
             "CREATE TABLE contact (id TEXT, consent INTEGER, email TEXT, phone TEXT);"
             "INSERT INTO contact VALUES ('a',1,'a@example.com','+852 2345 6789'),"
             "('b',1,'b@example.com',NULL),('c',0,'c@example.com',NULL),"
             "('e',1,'e@example.com','+852 91234567');"
             "CREATE TABLE optout (customer_id TEXT, email TEXT, phone TEXT);"
             "INSERT INTO optout VALUES (NULL, NULL, '9123-4567');");
        write_file(db.dir() / "rules.yaml", kRules);
        write_file(
            db.dir() / "custclass.yaml",
            "custclass: 1\nsource:\n  preset: generic\n  connection: \"sqlite3://db=shop.sqlite\"\n"
            "  queries:\n"
            "    customers: >-\n"
            "      SELECT c.id AS customer_id, c.created AS created_at, k.consent AS "
            "marketing_consent,\n"
            "      k.email, k.phone FROM customer c LEFT JOIN contact k ON k.id = c.id\n"
            "    orders: SELECT id AS order_id, customer AS customer_id, at AS ordered_at, total "
            "AS amount, channel FROM sale\n"
            "    opt_outs: SELECT customer_id, email, phone FROM optout\n"
            "rules: rules.yaml\n");
        engine = plugin::Engine::open_file((db.dir() / "custclass.yaml").string(), "");
    }
    std::string segment(const Json& doc, const char* classification) {
        const Json& s = doc["classifications"][classification]["segment"];
        return s.is_null() ? "" : s.get<std::string>();
    }

    TestDatabase db;
    std::unique_ptr<plugin::Engine> engine;
};

TEST_F(HookFixture, NeedASucceededFullRunFirst) {
    EXPECT_THROW(engine->reclassify("a", std::nullopt, as_of("2026-11-30")), plugin::NotFound);
    engine->run(as_of("2026-11-30"));
    EXPECT_NO_THROW(engine->reclassify("a", std::nullopt, as_of("2026-11-30")));
}

TEST_F(HookFixture, AnOrderPostedMovesTheCustomerAndItsLiveAssignments) {
    const Json summary = engine->run(as_of("2026-11-30"));
    EXPECT_EQ(segment(engine->classify("b", as_of("2026-11-30")), "v"), "small");
    EXPECT_EQ(segment(engine->classify("b", as_of("2026-11-30")), "rank"), "");  // m_score 3
    EXPECT_EQ(members(*engine, "big"), (std::vector<std::string>{"a"}));

    exec(db.db_path(), "INSERT INTO sale VALUES ('o9', 'b', '2026-11-29 12:00:00', 200, 'online')");
    const Json doc = engine->reclassify("b", std::string("o9"), as_of("2026-11-30"));
    EXPECT_EQ(segment(doc, "v"), "big");
    // 240 beats every cut point of the run (m_score 5) and ranks first in its Pareto order (A).
    EXPECT_EQ(segment(doc, "rank"), "top");
    EXPECT_EQ(doc["incremental"]["run_id"], summary["run_id"]);
    EXPECT_EQ(doc["incremental"]["order_id"], "o9");
    // The live table and the lookups see it; nobody else moved.
    EXPECT_EQ(members(*engine, "big"), (std::vector<std::string>{"a", "b"}));
    EXPECT_EQ(members(*engine, "small"), (std::vector<std::string>{"c", "e"}));
    EXPECT_EQ(members(*engine, "top"), (std::vector<std::string>{"a", "b"}));
    EXPECT_EQ(segment(engine->classify("b", as_of("2026-11-30")), "v"), "big");
    // A full run replaces what the hooks wrote with its own results (b is big by its data too).
    engine->run(as_of("2026-11-30"));
    EXPECT_EQ(members(*engine, "big"), (std::vector<std::string>{"a", "b"}));
}

TEST_F(HookFixture, AHookDuringAFullRunIsNotOverwrittenByTheRunsOlderResults) {
    engine->run(as_of("2026-11-30"));
    // The second run has read everything when the host posts an order and calls the hook; the
    // run's results for b are older than the hook's, and the hook's stay in the live table.
    plugin::RunRequest request = as_of("2026-11-30");
    bool hooked = false;
    Json during;
    request.progress = [&](const char* phase, std::uint64_t, std::uint64_t) {
        if (std::string(phase) == "rules" && !hooked) {
            hooked = true;
            exec(db.db_path(),
                 "INSERT INTO sale VALUES ('o9', 'b', '2026-11-29 12:00:00', 200, 'online')");
            during = engine->reclassify("b", std::string("o9"), as_of("2026-11-30"));
        }
        return true;
    };
    const Json summary = engine->run(request);
    ASSERT_TRUE(hooked);
    EXPECT_EQ(summary["classifications"]["v"]["segments"]["big"], 1);  // the run saw only a
    EXPECT_EQ(segment(during, "v"), "big");
    EXPECT_EQ(members(*engine, "big"), (std::vector<std::string>{"a", "b"}));
    EXPECT_EQ(segment(engine->classify("b", as_of("2026-11-30")), "v"), "big");
}

TEST_F(HookFixture, AnOrderTheHostHasNotCommittedIsNotFound) {
    engine->run(as_of("2026-11-30"));
    EXPECT_THROW(engine->reclassify("b", std::string("o9"), as_of("2026-11-30")), plugin::NotFound);
    EXPECT_THROW(engine->reclassify("b", std::string("o1"), as_of("2026-11-30")),
                 plugin::NotFound);  // a's order
    EXPECT_EQ(members(*engine, "small"), (std::vector<std::string>{"b", "c", "e"}));
}

TEST_F(HookFixture, ACustomerTheHostNoLongerHasLeavesTheLiveTable) {
    engine->run(as_of("2026-11-30"));
    exec(db.db_path(),
         "DELETE FROM sale WHERE customer = 'c'; DELETE FROM customer WHERE id = 'c'");
    EXPECT_THROW(engine->reclassify("c", std::nullopt, as_of("2026-11-30")), plugin::NotFound);
    EXPECT_EQ(members(*engine, "small"), (std::vector<std::string>{"b", "e"}));
}

TEST_F(HookFixture, DirectMarketingListsLeaveOutCustomersWithoutConsentOrOptedOut) {
    engine->run(as_of("2026-11-30"));
    Json summary;
    EXPECT_EQ(members(*engine, "small", plugin::Purpose::DirectMarketing, &summary),
              (std::vector<std::string>{"b"}));
    EXPECT_EQ(summary["streamed"], 1);
    EXPECT_EQ(summary["excluded"]["no_consent"], 1);  // c
    EXPECT_EQ(summary["excluded"]["opted_out"], 1);   // e, by phone 9123-4567
    EXPECT_EQ(summary["purpose"], "direct_marketing");
    // Consent withdrawn in the host after the run: the next list reads it.
    exec(db.db_path(), "UPDATE contact SET consent = 0 WHERE id = 'b'");
    EXPECT_TRUE(members(*engine, "small", plugin::Purpose::DirectMarketing).empty());
    EXPECT_EQ(members(*engine, "small").size(), 3u);  // analytics: everyone
}

TEST_F(HookFixture, MemberListsNameTheirSegmentAndStopWhenAsked) {
    engine->run(as_of("2026-11-30"));
    plugin::MembersRequest request;
    request.segment = "nope";
    request.row = [](const std::string&) { return true; };
    EXPECT_THROW(engine->members(request), plugin::NotFound);
    request.segment = "small";
    request.classification = "rank";
    EXPECT_THROW(engine->members(request), plugin::NotFound);
    request.classification = "v";
    int seen = 0;
    request.row = [&](const std::string&) { return ++seen < 2; };
    EXPECT_THROW(engine->members(request), plugin::Cancelled);
    EXPECT_EQ(seen, 2);
}

// The demo shop (hk-retail rule set: RFM segments, Pareto tags, scores, referrals, opt-outs):
// every customer re-classified by a hook on the run's date gets exactly the segments, feature
// values and scores the full run gave it.
TEST(HooksOnTheDemoShop, AgreeWithTheFullRunForEveryCustomer) {
    const auto dir = std::filesystem::path(::testing::TempDir()) /
                     ("custclass-hooks-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    datagen::DemoOptions options;
    options.customers = 300;
    datagen::write_sqlite_demo((dir / "demo.sqlite").string(), options);
    write_file(
        dir / "custclass.yaml",
        "custclass: 1\nsource:\n  preset: generic\n  connection: \"sqlite3://db=demo.sqlite\"\n" +
            datagen::demo_generic_queries_yaml() + "rules: " + CUSTCLASS_SOURCE_DIR +
            "/config/rulesets/hk-retail.yaml\n");
    auto engine = plugin::Engine::open_file((dir / "custclass.yaml").string(), "");
    const Json summary = engine->run(as_of("2026-11-30"));
    ASSERT_GT(summary["customers"].get<int>(), 250);

    // Every customer of the run, as the run explains it (before any hook).
    std::vector<std::pair<std::string, Json>> expected;
    sqlite3* handle = nullptr;
    ASSERT_EQ(sqlite3_open((dir / "demo.sqlite").string().c_str(), &handle), SQLITE_OK);
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(handle,
                       "SELECT DISTINCT customer_id FROM custclass_live_assignments ORDER BY 1", -1,
                       &st, nullptr);
    while (sqlite3_step(st) == SQLITE_ROW) {
        const std::string id = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
        expected.emplace_back(id, engine->classify(id, as_of("2026-11-30")));
    }
    sqlite3_finalize(st);
    sqlite3_close(handle);
    ASSERT_EQ(expected.size(), summary["customers"].get<std::size_t>());

    std::size_t compared = 0;
    for (const auto& [id, run] : expected) {
        const Json hooked = engine->reclassify(id, std::nullopt, as_of("2026-11-30"));
        ASSERT_EQ(hooked["classifications"], run["classifications"]) << "customer " << id;
        ASSERT_EQ(hooked["scores"], run["scores"]) << "customer " << id;
        ++compared;
    }
    EXPECT_EQ(compared, expected.size());
    engine.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
}

}  // namespace
