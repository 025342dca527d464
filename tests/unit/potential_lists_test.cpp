// The potential-customer lists of POTENTIAL.md items 4-10 through the real engine, on SQLite host
// databases small enough to work out by hand: referral rewards and key persons, offers, seasonal
// best-sellers, keyword targeting and trends, e-mail sign-ups and unmet demand. Every expectation
// is worked out in the comments from the data above it; the tests read as the specification.
//
// The host database of every test (Shop): the generic preset over
//   person(id, created, district, interests, email, lead, consent)   customers
//   sale(id, customer, at, total, channel)                             orders
//   line(sale, product, category, amount)                              order lines
//   referral(referrer, referee, at)                                    referrals
//   interaction(person, kind, keyword, at)                             interactions
//   optout(customer, email, phone)                                     opt-outs
// and the shipped PDPO policy with the rule set `t 1` approved for production runs, the
// small-cell threshold k of each test, and CUSTCLASS_PSEUDONYM_KEY set (lists for analytics carry
// pseudonyms: HMAC-SHA256 under that key). Days are written without a time (midnight), so that a
// day is the same in UTC and in Hong Kong time.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "engine.h"
#include "errors.h"
#include "pseudonym.h"
#include "result_store.h"
#include "test_database.h"

using namespace custclass;
using custclass::test::execute_sql;
using custclass::test::TestDatabase;
using custclass::test::write_file;
using Json = nlohmann::ordered_json;
using Plain = nlohmann::json;  // compared without regard to the order of keys
using plugin::PotentialList;
using plugin::Purpose;

namespace {

const char* const kKeyVariable = "CUSTCLASS_PSEUDONYM_KEY";
const std::string kKey = "a pseudonym key of thirty-two b.";

std::string pseudonym(const std::string& customer_id) { return plugin::hmac_sha256_hex(kKey, customer_id); }

std::string read_text(const std::filesystem::path& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

void replace_once(std::string& text, const std::string& what, const std::string& with) {
    const auto at = text.find(what);
    if (at == std::string::npos) throw std::runtime_error("`" + what + "` not found");
    text.replace(at, what.size(), with);
}

Plain plain(const Json& doc) { return Plain::parse(doc.dump()); }

// Every potential document is valid against abi/schemas/potential.schema.json, when that schema
// exists and Python's jsonschema is installed.
void expect_schema_valid(const Json& doc, const std::filesystem::path& dir) {
    const std::filesystem::path schema =
        std::filesystem::path(CUSTCLASS_SOURCE_DIR) / "abi" / "schemas" / "potential.schema.json";
    if (!std::filesystem::exists(schema)) return;
    static int n = 0;
    const std::filesystem::path file = dir / ("potential-" + std::to_string(++n) + ".json");
    write_file(file, doc.dump(2));
    const std::filesystem::path script = dir / "validate.py";
    if (!std::filesystem::exists(script))
        write_file(script,
                   "import json, sys\n"
                   "try:\n    import jsonschema\nexcept ImportError:\n    sys.exit(77)\n"
                   "schema = json.load(open(sys.argv[1]))\ndoc = json.load(open(sys.argv[2]))\n"
                   "errors = sorted(jsonschema.Draft202012Validator(schema).iter_errors(doc), key=str)\n"
                   "for e in errors[:5]:\n    print(e.message, 'at', list(e.absolute_path))\n"
                   "sys.exit(1 if errors else 0)\n");
    const std::string command =
        "python3 '" + script.string() + "' '" + schema.string() + "' '" + file.string() + "' 2>&1";
    FILE* pipe = ::popen(command.c_str(), "r");
    ASSERT_NE(pipe, nullptr);
    std::string output;
    char buffer[512];
    while (std::fgets(buffer, sizeof buffer, pipe)) output += buffer;
    const int status = ::pclose(pipe);
    const int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    if (code == 77) return;  // no jsonschema: not checked
    EXPECT_EQ(code, 0) << "the `" << doc.value("list", std::string("?"))
                       << "` document is not valid against potential.schema.json:\n"
                       << output << doc.dump(2);
}

struct Person {
    std::string id;
    std::string created;
    std::string district = {};
    std::string interests = {};
    std::string email = {};  // "" for NULL
    std::string lead = {};
    std::string consent = "1";  // "1", "0" or "" for NULL
};

std::string text_or_null(const std::string& s) { return s.empty() ? "NULL" : "'" + s + "'"; }

class Shop {
public:
    // `identity`: the policy's identity_purposes.
    Shop(const std::string& rules, int k, const std::string& identity = "[direct_marketing]") {
        sql("CREATE TABLE person(id TEXT PRIMARY KEY, created TEXT, district TEXT, interests TEXT, "
            "email TEXT, lead TEXT, consent INTEGER);"
            "CREATE TABLE line(sale TEXT, product TEXT, category TEXT, amount NUMERIC);"
            "CREATE TABLE referral(referrer TEXT, referee TEXT, at TEXT);"
            "CREATE TABLE interaction(person TEXT, kind TEXT, keyword TEXT, at TEXT);"
            "CREATE TABLE optout(customer TEXT, email TEXT, phone TEXT);");
        write_file(db.dir() / "rules.yaml", rules);
        std::string policy = read_text(std::filesystem::path(CUSTCLASS_SOURCE_DIR) / "config" / "privacy" / "pdpo.yaml");
        replace_once(policy, "small_cell_k: 5", "small_cell_k: " + std::to_string(k));
        replace_once(policy, "identity_purposes: [direct_marketing]", "identity_purposes: " + identity);
        replace_once(policy, "approvals: []",
                     "approvals:\n  - {scope: rule_set, subject: \"t 1\", who: dpo, when: \"2026-11-01\", "
                     "why: tests}");
        write_file(db.dir() / "policy.yaml", policy);
        write_file(db.dir() / "custclass.yaml",
                   "custclass: 1\n"
                   "source:\n"
                   "  preset: generic\n"
                   "  connection: \"sqlite3://db=shop.sqlite\"\n"
                   "  queries:\n"
                   "    customers: >-\n"
                   "      SELECT id AS customer_id, created AS created_at, district, interests, email,\n"
                   "      lead AS lead_source, consent AS marketing_consent FROM person\n"
                   "    orders: >-\n"
                   "      SELECT id AS order_id, customer AS customer_id, at AS ordered_at,\n"
                   "      total AS amount, channel FROM sale\n"
                   "    order_lines: SELECT sale AS order_id, product AS product_id, category, amount FROM line\n"
                   "    referrals: >-\n"
                   "      SELECT referrer AS referrer_id, referee AS referee_id, at AS referred_at FROM referral\n"
                   "    interactions: SELECT person AS customer_id, kind, keyword, at FROM interaction\n"
                   "    opt_outs: SELECT customer AS customer_id, email, phone FROM optout\n"
                   "rules: rules.yaml\n"
                   "privacy: policy.yaml\n");
        engine = plugin::Engine::open_file((db.dir() / "custclass.yaml").string(), "");
    }

    void sql(const std::string& statements) { execute_sql(db.db_path(), statements); }

    void people(const std::vector<Person>& list) {
        std::string statements;
        for (const auto& p : list)
            statements += "INSERT INTO person VALUES (" + text_or_null(p.id) + "," + text_or_null(p.created) + "," +
                          text_or_null(p.district) + "," + text_or_null(p.interests) + "," +
                          text_or_null(p.email) + "," + text_or_null(p.lead) + "," +
                          (p.consent.empty() ? "NULL" : p.consent) + ");";
        sql(statements);
    }

    Json run(const std::string& day, bool dry_run = false) {
        plugin::RunRequest r;
        r.as_of = config::parse_day(day);
        r.dry_run = dry_run;
        return engine->run(r);
    }

    Json potential(PotentialList list, Purpose purpose = Purpose::Analytics, const std::string& run_id = "",
                   const std::string& from_run_id = "") {
        plugin::PotentialRequest r;
        r.list = list;
        r.purpose = purpose;
        r.run_id = run_id;
        r.from_run_id = from_run_id;
        r.limit = 0;  // everybody
        Json doc = engine->potential(r);
        expect_schema_valid(doc, db.dir());
        return doc;
    }

    // The plugin's tables, read directly.
    adapters::ResultStore store() { return adapters::ResultStore({engine->config().store.connection, ""}); }

    TestDatabase db;
    std::unique_ptr<plugin::Engine> engine;
};

// Every test sets the pseudonym key and removes it afterwards.
class PotentialLists : public ::testing::Test {
protected:
    void SetUp() override { ::setenv(kKeyVariable, kKey.c_str(), 1); }
    void TearDown() override { ::unsetenv(kKeyVariable); }
};

std::vector<std::string> strings(const Json& list) {
    std::vector<std::string> out;
    for (const auto& v : list) out.push_back(v.get<std::string>());
    return out;
}

std::vector<std::string> sorted(std::vector<std::string> v) {
    std::sort(v.begin(), v.end());
    return v;
}

// ============================================================================ referrals ==

std::string referral_rules(const std::string& referrals = "") {
    return "custclass: 1\nname: t\nversion: \"1\"\n"
           "classifications:\n  - id: v\n    segments:\n      - id: all\n        when: \"true\"\n" +
           (referrals.empty() ? std::string() : "potential:\n  referrals: " + referrals + "\n");
}

// Who referred whom, with each customer's first (and only) purchase:
//
//   A → B → C → D → E → H        A bought 100 on 01-10     E bought 1600 on 07-01
//   ↑       │                    B bought 200 on 03-05     F bought 50 on 02-01
//   └───────┘ (C → A, 05-15)     C bought 400 on 04-01     G never buys
//   A → G                        D bought 800 on 06-01     H buys 300 on 12-03
//   F → F (a self-referral), F → ghost (nobody the host knows)
//
// referred on: A→B 03-01, B→C 04-01, C→D 05-01, D→E 06-10, C→A 05-15, A→G 08-01, E→H 11-20 (2026).
class PotentialReferrals : public PotentialLists {
protected:
    static void fill(Shop& s) {
        s.people({{"A", "2026-01-01"}, {"B", "2026-02-01"}, {"C", "2026-03-01"}, {"D", "2026-04-01"},
                  {"E", "2026-05-01"}, {"F", "2026-01-01"}, {"G", "2026-08-01"}, {"H", "2026-11-20"}});
        s.sql("INSERT INTO sale VALUES ('o1','A','2026-01-10',100,'store'),('o2','B','2026-03-05',200,'store'),"
              "('o3','C','2026-04-01',400,'store'),('o4','D','2026-06-01',800,'store'),"
              "('o5','E','2026-07-01',1600,'store'),('o6','F','2026-02-01',50,'store'),"
              "('o7','H','2026-12-03',300,'store');"
              "INSERT INTO referral VALUES ('A','B','2026-03-01'),('B','C','2026-04-01'),('C','D','2026-05-01'),"
              "('D','E','2026-06-10'),('C','A','2026-05-15'),('A','G','2026-08-01'),('F','F','2026-02-01'),"
              "('F','ghost','2026-03-01'),('E','H','2026-11-20');");
    }
};

TEST_F(PotentialReferrals, KeyPersonsWithTheDefaultDecayOfHalfAndDepthThree) {
    Shop s(referral_rules(), 1);
    fill(s);
    s.run("2026-11-30");
    // The edges kept: A→B, A→G, B→C, C→D, C→A, D→E, E→H (F→F is a self-referral, F→ghost names
    // nobody). As of 11-30 H has not bought (its purchase is on 12-03): a person, not a buyer.
    // Levels are breadth-first, a person counted once, never the key person itself:
    //   C: L1 {D, A} 800 + 100 = 900; L2 {E, B, G} 1600 + 200 = 1800 (G no buyer); L3 {H} 0
    //      (B → C is C itself). influence 900 + 0.5 × 1800 + 0.25 × 0 = 1800, reach 6
    //   D: L1 {E} 1600; L2 {H} 0. influence 1600, reach 2
    //   B: L1 {C} 400; L2 {D, A} 900; L3 {E, G} 1600 (A → B is B itself).
    //      influence 400 + 450 + 400 = 1250, reach 5
    //   A: L1 {B, G} 200; L2 {C} 400; L3 {D} 800 (C → A is A itself; E is at level 4, too deep).
    //      influence 200 + 200 + 200 = 600, reach 4
    //   E: L1 {H} 0. influence 0, reach 1
    // F referred nobody who counts: not a key person. By influence descending.
    const Json doc = s.potential(PotentialList::KeyPersons);
    EXPECT_EQ(doc["list"], "key-persons");
    EXPECT_DOUBLE_EQ(doc["decay"].get<double>(), 0.5);
    EXPECT_EQ(doc["depth"], 3);
    EXPECT_EQ(doc["purpose"], "customer_analytics");
    EXPECT_EQ(doc["identifiers"], "pseudonyms");
    auto level = [](int l, int people, int buyers, double revenue) {
        return Plain{{"level", l}, {"people", people}, {"buyers", buyers}, {"revenue", revenue}};
    };
    const Plain expected = {
        {{"customer_id", pseudonym("C")}, {"influence", 1800.0}, {"reach", 6},
         {"levels", {level(1, 2, 2, 900), level(2, 3, 2, 1800), level(3, 1, 0, 0)}}},
        {{"customer_id", pseudonym("D")}, {"influence", 1600.0}, {"reach", 2},
         {"levels", {level(1, 1, 1, 1600), level(2, 1, 0, 0), level(3, 0, 0, 0)}}},
        {{"customer_id", pseudonym("B")}, {"influence", 1250.0}, {"reach", 5},
         {"levels", {level(1, 1, 1, 400), level(2, 2, 2, 900), level(3, 2, 1, 1600)}}},
        {{"customer_id", pseudonym("A")}, {"influence", 600.0}, {"reach", 4},
         {"levels", {level(1, 2, 1, 200), level(2, 1, 1, 400), level(3, 1, 1, 800)}}},
        {{"customer_id", pseudonym("E")}, {"influence", 0.0}, {"reach", 1},
         {"levels", {level(1, 1, 0, 0), level(2, 0, 0, 0), level(3, 0, 0, 0)}}}};
    EXPECT_EQ(plain(doc["customers"]), expected) << doc["customers"].dump(1);
    EXPECT_EQ(doc["total"], 5);
}

TEST_F(PotentialReferrals, KeyPersonsWithTheRuleSetsDecayOneAndDepthTwo) {
    Shop s(referral_rules("{decay: 1.0, depth: 2}"), 1);
    fill(s);
    s.run("2026-11-30");
    // Every level in full, two levels only:
    //   C: 900 + 1800 = 2700, reach 2 + 3 = 5 (H, at level 3, is too deep now)
    //   D: 1600 + 0 = 1600, reach 2
    //   B: 400 + 900 = 1300, reach 3
    //   A: 200 + 400 = 600, reach 3
    //   E: 0, reach 1
    // Direct marketing: customer ids (the policy's identity_purposes), everyone has consent.
    const Json doc = s.potential(PotentialList::KeyPersons, Purpose::DirectMarketing);
    EXPECT_DOUBLE_EQ(doc["decay"].get<double>(), 1.0);
    EXPECT_EQ(doc["depth"], 2);
    EXPECT_EQ(doc["identifiers"], "customer_ids");
    std::vector<std::string> ids;
    std::vector<double> influence;
    std::vector<int> reach;
    for (const auto& kp : doc["customers"]) {
        ids.push_back(kp["customer_id"].get<std::string>());
        influence.push_back(kp["influence"].get<double>());
        reach.push_back(kp["reach"].get<int>());
        EXPECT_EQ(kp["levels"].size(), 2u);
    }
    EXPECT_EQ(ids, (std::vector<std::string>{"C", "D", "B", "A", "E"}));
    EXPECT_EQ(influence, (std::vector<double>{2700, 1600, 1300, 600, 0}));
    EXPECT_EQ(reach, (std::vector<int>{5, 2, 3, 3, 1}));
    EXPECT_EQ(plain(doc["customers"][0]["levels"]),
              Plain::parse(R"([{"level":1,"people":2,"buyers":2,"revenue":900},
                               {"level":2,"people":3,"buyers":2,"revenue":1800}])"));
}

// The rewards a full run grants, read back as the referral-rewards list of that run.
Plain rewards_of(const Json& doc) {
    Plain out = Plain::array();
    for (const auto& r : doc["customers"]) {
        Plain row = plain(r);
        EXPECT_TRUE(std::regex_match(row["rewarded_at"].get<std::string>(),
                                     std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)")))
            << row["rewarded_at"];
        row.erase("rewarded_at");
        out.push_back(std::move(row));
    }
    return out;
}

TEST_F(PotentialReferrals, AFullRunRewardsEachSuccessfulReferralOnceNamingBothParties) {
    Shop s(referral_rules(), 1);
    fill(s);
    // As of 11-30, by the referee's first purchase:
    //   B (03-05, referred by A 03-01), C (04-01, by B 04-01: the same day counts),
    //   D (06-01, by C 05-01), E (07-01, by D 06-10): successful, 4.
    //   C → A: A first bought 01-10, before it was referred (05-15): already a customer.
    //   A → G, E → H: no purchase (yet): pending, 2.
    //   F → F: self_referral; F → ghost: unknown_customer.
    const Json first = s.run("2026-11-30");
    EXPECT_EQ(plain(first["referrals"]), Plain::parse(R"({"successful": 4, "pending": 2,
        "ignored": {"already_customer": 1, "not_first_referral": 0, "self_referral": 1, "unknown_customer": 1},
        "rewards_granted": 4})"));
    const Json doc = s.potential(PotentialList::ReferralRewards, Purpose::DirectMarketing);
    EXPECT_EQ(doc["list"], "referral-rewards");
    EXPECT_EQ(doc["run_id"], first["run_id"]);
    EXPECT_EQ(doc["granted_by_run"], 4);
    EXPECT_EQ(doc["identifiers"], "customer_ids");
    EXPECT_EQ(doc["total"], 4);
    EXPECT_EQ(rewards_of(doc), Plain::parse(R"([
        {"referrer_id": "A", "referee_id": "B", "referred_on": "2026-03-01", "first_purchase": "2026-03-05"},
        {"referrer_id": "B", "referee_id": "C", "referred_on": "2026-04-01", "first_purchase": "2026-04-01"},
        {"referrer_id": "C", "referee_id": "D", "referred_on": "2026-05-01", "first_purchase": "2026-06-01"},
        {"referrer_id": "D", "referee_id": "E", "referred_on": "2026-06-10", "first_purchase": "2026-07-01"}])"));

    // The same data again: the same four are successful, and nobody is rewarded twice.
    const Json second = s.run("2026-11-30");
    EXPECT_EQ(second["referrals"]["successful"], 4);
    EXPECT_EQ(second["referrals"]["rewards_granted"], 0);
    const Json none = s.potential(PotentialList::ReferralRewards, Purpose::DirectMarketing);
    EXPECT_EQ(none["run_id"], second["run_id"]);
    EXPECT_EQ(none["granted_by_run"], 0);
    EXPECT_TRUE(none["customers"].empty());

    // As of 12-04 H has bought (12-03, after being referred on 11-20): one new reward, to E and H.
    // Only G is still pending.
    const Json third = s.run("2026-12-04");
    EXPECT_EQ(third["referrals"]["successful"], 5);
    EXPECT_EQ(third["referrals"]["pending"], 1);
    EXPECT_EQ(third["referrals"]["rewards_granted"], 1);
    EXPECT_EQ(rewards_of(s.potential(PotentialList::ReferralRewards, Purpose::DirectMarketing)),
              Plain::parse(R"([{"referrer_id": "E", "referee_id": "H", "referred_on": "2026-11-20",
                                "first_purchase": "2026-12-03"}])"));
    // A later run: nothing new.
    EXPECT_EQ(s.run("2026-12-05")["referrals"]["rewards_granted"], 0);
    // The first run's list is still its own four.
    EXPECT_EQ(s.potential(PotentialList::ReferralRewards, Purpose::DirectMarketing,
                          first["run_id"].get<std::string>())["granted_by_run"],
              4);
    // Five rewards in all, one per referee.
    EXPECT_EQ(s.store().read_referral_rewards(std::nullopt).size(), 5u);
}

TEST_F(PotentialReferrals, ListsForAnalyticsCarryPseudonymsAndMarketingListsLeaveOutOptedOutParties) {
    Shop s(referral_rules(), 1);
    fill(s);
    s.run("2026-11-30");
    // For analytics: both parties as pseudonyms.
    const Json analytics = s.potential(PotentialList::ReferralRewards);
    EXPECT_EQ(analytics["identifiers"], "pseudonyms");
    ASSERT_EQ(analytics["customers"].size(), 4u);
    EXPECT_EQ(analytics["customers"][0]["referrer_id"], pseudonym("A"));
    EXPECT_EQ(analytics["customers"][0]["referee_id"], pseudonym("B"));
    // E opts out after the run: the marketing list reads the current opt-outs, and the reward
    // D → E is not listed (it stays granted: granted_by_run counts it).
    s.sql("INSERT INTO optout VALUES ('E', NULL, NULL);");
    const Json marketing = s.potential(PotentialList::ReferralRewards, Purpose::DirectMarketing);
    EXPECT_EQ(marketing["granted_by_run"], 4);
    EXPECT_EQ(marketing["not_listed"], 1);
    EXPECT_EQ(plain(marketing["excluded"]), Plain::parse(R"({"no_consent": 0, "opted_out": 1})"));
    EXPECT_EQ(marketing["total"], 3);
    std::vector<std::string> referees;
    for (const auto& r : marketing["customers"]) referees.push_back(r["referee_id"].get<std::string>());
    EXPECT_EQ(referees, (std::vector<std::string>{"B", "C", "D"}));
}

// The referrals are taken after the rules, while the run's assignments are already being
// written into the store on a thread of their own: a referral that cannot be read fails the run
// there, and nothing of it is published (no run, no assignment, no reward); the store's thread
// is stopped and the next run publishes.
TEST_F(PotentialReferrals, AFailureAfterTheRulesPublishesNothing) {
    Shop s(referral_rules(), 1);
    fill(s);
    s.sql("UPDATE referral SET at = 'soon' WHERE referee = 'E';");
    try {
        s.run("2026-11-30");
        ADD_FAILURE() << "the run succeeded";
    } catch (const std::exception& e) {
        EXPECT_NE(std::string(e.what()).find("`soon` is not a date"), std::string::npos) << e.what();
    }
    EXPECT_FALSE(s.store().latest_succeeded_run());
    EXPECT_TRUE(s.store().read_referral_rewards(std::nullopt).empty());
    std::size_t assignments = 0;
    s.store().read_live_members("v", "all", [&](std::string_view) { ++assignments; });
    EXPECT_EQ(assignments, 0u);
    s.sql("UPDATE referral SET at = '2026-06-10' WHERE referee = 'E';");
    EXPECT_EQ(s.run("2026-11-30")["referrals"]["rewards_granted"], 4);
    EXPECT_TRUE(s.store().latest_succeeded_run());
    s.store().read_live_members("v", "all", [&](std::string_view) { ++assignments; });
    EXPECT_EQ(assignments, 8u);
}

TEST_F(PotentialReferrals, ADryRunGrantsNothing) {
    Shop s(referral_rules(), 1);
    fill(s);
    const Json dry = s.run("2026-11-30", true);
    EXPECT_FALSE(dry.contains("referrals"));
    EXPECT_TRUE(s.store().read_referral_rewards(std::nullopt).empty());
    EXPECT_TRUE(s.store().rewarded_referees().empty());
    // So the first full run grants all four.
    EXPECT_EQ(s.run("2026-11-30")["referrals"]["rewards_granted"], 4);
    EXPECT_EQ(s.store().rewarded_referees(), (std::set<std::string>{"B", "C", "D", "E"}));
}

TEST_F(PotentialReferrals, ErasingACustomerRemovesTheRewardsNamingIt_AndKeepsItsRefereesRewarded) {
    Shop s(referral_rules(), 1);
    fill(s);
    const Json run = s.run("2026-11-30");
    // C is the referee of B → C (the row goes) and the referrer of C → D (the row stays without
    // C's id, so that D is not rewarded again); A → B and D → E stay.
    plugin::RunRequest request;
    s.engine->erase_customer("C", request);
    std::vector<std::string> left;
    for (const auto& r : s.store().read_referral_rewards(std::nullopt))
        left.push_back(r.referrer_id + ">" + r.referee_id);
    EXPECT_EQ(left, (std::vector<std::string>{"A>B", "(erased)>D", "D>E"}));
    EXPECT_TRUE(s.store().read_referral_rewards(std::nullopt, std::string("C")).empty());
    EXPECT_EQ(s.potential(PotentialList::ReferralRewards, Purpose::DirectMarketing,
                          run["run_id"].get<std::string>())["granted_by_run"],
              3);
    // A later run does not reward D again; C, still in the host's data (erasing it there is the
    // host's part), is granted its reward again, once.
    const Json later = s.run("2026-11-30");
    EXPECT_EQ(later["referrals"]["rewards_granted"], 1);
    const auto again = s.store().read_referral_rewards(later["run_id"].get<std::string>());
    ASSERT_EQ(again.size(), 1u);
    EXPECT_EQ(again[0].referrer_id + ">" + again[0].referee_id, "B>C");
    EXPECT_EQ(s.run("2026-11-30")["referrals"]["rewards_granted"], 0);
}

// =============================================================================== offers ==

// engagement: 10 for two purchases or more, 20 for a monetary of 300 or more.
const std::string kOfferHead =
    "custclass: 1\nname: t\nversion: \"1\"\n"
    "scores:\n"
    "  - id: engagement\n"
    "    points:\n"
    "      - when: frequency >= 2\n        add: 10\n"
    "      - when: monetary >= 300\n        add: 20\n"
    "    tiers: {hot: 30, warm: 20}\n"
    "classifications:\n"
    "  - id: value\n"
    "    segments:\n"
    "      - id: vip\n        label: VIP\n        when: monetary >= 500\n        direct_marketing: true\n"
    "      - id: regular\n        label: Regular\n        when: frequency >= 1\n        direct_marketing: true\n"
    "      - id: other\n        when: \"true\"\n";

const std::string kOffers =
    "potential:\n"
    "  offers:\n"
    "    - id: welcome_back\n"
    "      label: Welcome back\n"
    "      segments: [value.vip, value.regular]\n"
    "      when: engagement >= 20\n"
    "    - id: vip_gift\n"
    "      label: VIP gift\n"
    "      segments: [vip]\n";

//        orders          monetary freq segment  engagement        consent  opt-out
//   a    300 + 300       600      2    vip      10 + 20 = 30      yes
//   b    500             500      1    vip      20                no
//   c    700             700      1    vip      20                yes      by e-mail
//   d    100 + 100       200      2    regular  10                yes
//   e    350             350      1    regular  20                yes
//   f    200 + 200       400      2    regular  10 + 20 = 30      (none)
//   g    (a prospect)    0        0    other    0                 yes
void offer_data(Shop& s) {
    s.people({{"a", "2026-01-01", "", "", "a@shop.hk"},
              {"b", "2026-01-01", "", "", "b@shop.hk", "", "0"},
              {"c", "2026-01-01", "", "", "c@shop.hk"},
              {"d", "2026-01-01", "", "", "d@shop.hk"},
              {"e", "2026-01-01", "", "", "e@shop.hk"},
              {"f", "2026-01-01", "", "", "f@shop.hk", "", ""},
              {"g", "2026-01-01", "", "", "g@shop.hk"}});
    s.sql("INSERT INTO sale VALUES ('o1','a','2026-10-01',300,'store'),('o2','a','2026-11-01',300,'store'),"
          "('o3','b','2026-10-02',500,'store'),('o4','c','2026-10-03',700,'store'),"
          "('o5','d','2026-10-04',100,'store'),('o6','d','2026-11-04',100,'store'),"
          "('o7','e','2026-10-05',350,'store'),('o8','f','2026-10-06',200,'store'),"
          "('o9','f','2026-11-06',200,'store');"
          "INSERT INTO optout VALUES (NULL, 'C@Shop.HK', NULL);");
}

class PotentialOffers : public PotentialLists {};

TEST_F(PotentialOffers, MembersOfTheSegmentsWhoMeetTheConditionWithConsentAndNoOptOut) {
    Shop s(kOfferHead + kOffers, 1);
    offer_data(s);
    s.run("2026-11-30");
    // welcome_back: vip or regular with engagement >= 20: a 30, b 20, c 20, e 20, f 30 (d has 10):
    //   targeted 5; b and f have no consent, c opted out: listed a, e.
    // vip_gift: a, b, c: targeted 3; b no consent, c opted out: listed a.
    // Asked for analytics, an offer is direct marketing still: customer ids, as the policy's
    // identity_purposes has direct_marketing.
    const Json doc = s.potential(PotentialList::Offers, Purpose::Analytics);
    EXPECT_EQ(doc["list"], "offers");
    EXPECT_EQ(doc["purpose"], "direct_marketing");
    EXPECT_EQ(doc["identifiers"], "customer_ids");
    EXPECT_EQ(plain(doc["offers"]), Plain::parse(R"([
        {"id": "welcome_back", "label": "Welcome back", "segments": ["value.vip", "value.regular"],
         "when": "engagement >= 20", "targeted": 5, "excluded": {"no_consent": 2, "opted_out": 1},
         "members": 2, "customers": ["a", "e"]},
        {"id": "vip_gift", "label": "VIP gift", "segments": ["value.vip"], "when": null,
         "targeted": 3, "excluded": {"no_consent": 1, "opted_out": 1}, "members": 1,
         "customers": ["a"]}])"))
        << doc["offers"].dump(1);
}

TEST_F(PotentialOffers, WithoutOffersOneOfferPerDirectMarketingSegment) {
    Shop s(kOfferHead, 1);
    offer_data(s);
    s.run("2026-11-30");
    // value.vip: a, b, c: targeted 3, listed a. value.regular: d, e, f: targeted 3, f has no
    // consent: listed d, e. `other` is not for direct marketing: no offer.
    const Json doc = s.potential(PotentialList::Offers, Purpose::DirectMarketing);
    EXPECT_EQ(plain(doc["offers"]), Plain::parse(R"([
        {"id": "value.vip", "label": "VIP", "segments": ["value.vip"], "when": null, "targeted": 3,
         "excluded": {"no_consent": 1, "opted_out": 1}, "members": 1, "customers": ["a"]},
        {"id": "value.regular", "label": "Regular", "segments": ["value.regular"], "when": null,
         "targeted": 3, "excluded": {"no_consent": 1, "opted_out": 0}, "members": 2,
         "customers": ["d", "e"]}])"))
        << doc["offers"].dump(1);
}

TEST_F(PotentialOffers, PseudonymsWhenThePolicyGivesDirectMarketingNoIdentity) {
    Shop s(kOfferHead + kOffers, 1, "[]");
    offer_data(s);
    s.run("2026-11-30");
    const Json doc = s.potential(PotentialList::Offers, Purpose::DirectMarketing);
    EXPECT_EQ(doc["identifiers"], "pseudonyms");
    EXPECT_EQ(strings(doc["offers"][0]["customers"]), sorted({pseudonym("a"), pseudonym("e")}));
    EXPECT_EQ(strings(doc["offers"][1]["customers"]), std::vector<std::string>{pseudonym("a")});
    // Without the key there is no list at all (PRIVACY.md check 10).
    ::unsetenv(kKeyVariable);
    plugin::PotentialRequest r;
    r.list = PotentialList::Offers;
    EXPECT_THROW(s.engine->potential(r), plugin::PrivacyRefusal);
}

// ========================================================================= best-sellers ==

const std::string kAreas =
    "classifications:\n"
    "  - id: area\n"
    "    segments:\n"
    "      - id: kowloon\n        label: Kowloon\n        when: district == 'Kowloon'\n"
    "      - id: rest\n        label: Elsewhere\n        when: \"true\"\n";

const std::string kSeasons =
    "custclass: 1\nname: t\nversion: \"1\"\n" + kAreas +
    "potential:\n"
    "  seasons:\n"
    "    - {id: winter, label: Winter, from: 12-01, to: 02-28}\n"
    "    - {id: summer, label: Summer, from: 06-01, to: 08-31}\n"
    "  bestsellers: {top: 3}\n";

// p, q, r in Kowloon; s, t elsewhere. The window of a run as of 2026-12-31: 2026-01-01..12-31.
//   w1  p 2026-01-10  P1 skincare 30, P2 tea 20, P3 Skincare 60, P5 (no category) 25   winter
//   w2  q 2026-12-05  P1 skincare 20, P2 tea 15, P4 tea 500, P5 (none) 25                winter
//   w3  r 2026-02-28  P2 tea 15, P3 skincare 30                     winter (its last day)
//   w4  q 2026-12-20  P1 skincare -20                               a return: not counted
//   w5  p 2025-12-20  P4 tea 1000                                   before the window
//   w6  r 2026-04-15  P1 skincare 70                                in no season
//   w7  p 2026-07-01  P1 skincare 40                                summer
//   w8  s 2026-01-20  P1 skincare 10                                winter
//   w9  t 2026-12-01  P1 skincare 10                                winter (its first day)
//   w10 r 2026-11-30  P3 skincare 99                                in no season (the day before)
void bestseller_data(Shop& s) {
    s.people({{"p", "2025-01-01", "Kowloon"}, {"q", "2025-01-01", "Kowloon"}, {"r", "2025-01-01", "Kowloon"},
              {"s", "2025-01-01", "Sha Tin"}, {"t", "2025-01-01"}});
    s.sql("INSERT INTO sale VALUES ('w1','p','2026-01-10',135,'store'),('w2','q','2026-12-05',560,'store'),"
          "('w3','r','2026-02-28',45,'store'),('w4','q','2026-12-20',-20,'store'),"
          "('w5','p','2025-12-20',1000,'store'),('w6','r','2026-04-15',70,'store'),"
          "('w7','p','2026-07-01',40,'store'),('w8','s','2026-01-20',10,'store'),"
          "('w9','t','2026-12-01',10,'store'),('w10','r','2026-11-30',99,'store');"
          "INSERT INTO line VALUES ('w1','P1','skincare',30),('w1','P2','tea',20),('w1','P3','Skincare',60),"
          "('w1','P5',NULL,25),('w2','P1','skincare',20),('w2','P2','tea',15),('w2','P4','tea',500),"
          "('w2','P5',NULL,25),('w3','P2','tea',15),('w3','P3','skincare',30),('w4','P1','skincare',-20),"
          "('w5','P4','tea',1000),('w6','P1','skincare',70),('w7','P1','skincare',40),"
          "('w8','P1','skincare',10),('w9','P1','skincare',10),('w10','P3','skincare',99);");
}

Plain entry(const std::string& id, double revenue, int buyers, int lines) {
    return {{"id", id}, {"revenue", revenue}, {"buyers", buyers}, {"lines", lines}};
}

class PotentialBestsellers : public PotentialLists {};

TEST_F(PotentialBestsellers, PerSegmentAndSeasonWithTiesSmallCellsAndASeasonWrappingTheYearEnd) {
    Shop s(kSeasons, 2);
    bestseller_data(s);
    s.run("2026-12-31");
    const Json doc = s.potential(PotentialList::Bestsellers);
    EXPECT_EQ(doc["list"], "bestsellers");
    EXPECT_EQ(doc["classification"], "area");
    EXPECT_EQ(doc["k"], 2);
    EXPECT_EQ(plain(doc["seasons"]),
              Plain::parse(R"([{"id": "winter", "label": "Winter"}, {"id": "summer", "label": "Summer"}])"));
    ASSERT_EQ(doc["segments"].size(), 2u);
    const Json& kowloon = doc["segments"][0];
    EXPECT_EQ(kowloon["segment"], "kowloon");
    EXPECT_EQ(kowloon["label"], "Kowloon");

    // Kowloon in winter (January, February and December together): w1, w2, w3.
    //   P1: p 30, q 20        revenue 50, buyers 2, lines 2
    //   P2: p 20, q 15, r 15  revenue 50, buyers 3, lines 3
    //   P3: p 60, r 30        revenue 90, buyers 2, lines 2
    //   P4: q 500             one buyer: a small cell (k = 2), on no list
    //   P5: p 25, q 25        revenue 50, buyers 2, lines 2
    //   By revenue: P3 90; then 50 each: P2 (3 buyers) before P1 and P5 (2), P1 before P5 by id.
    //   By buyers: P2 3; then 2 each: P3 (90) before P1 and P5 (50), P1 before P5 by id.
    //   Top 3.
    //   Categories (lower-cased): skincare P1 + P3 = 50 + 90 = 140, buyers p q r, lines 4;
    //   tea P2 + P4 = 50 + 500 = 550, buyers p q r, lines 4 (P4's single buyer is a small cell
    //   of products, not of the category). P5 has none. By buyers: 3 each, tea first by revenue.
    //   The season: 50 + 50 + 90 + 500 + 50 = 740 from 3 buyers.
    const Json& winter = kowloon["seasons"][0];
    EXPECT_EQ(winter["season"], "winter");
    EXPECT_FALSE(winter["suppressed"].get<bool>());
    EXPECT_DOUBLE_EQ(winter["revenue"].get<double>(), 740);
    EXPECT_EQ(winter["buyers"], 3);
    EXPECT_EQ(plain(winter["products_by_revenue"]), (Plain{entry("P3", 90, 2, 2), entry("P2", 50, 3, 3), entry("P1", 50, 2, 2)}));
    EXPECT_EQ(plain(winter["products_by_buyers"]), (Plain{entry("P2", 50, 3, 3), entry("P3", 90, 2, 2), entry("P1", 50, 2, 2)}));
    EXPECT_EQ(plain(winter["categories_by_revenue"]), (Plain{entry("tea", 550, 3, 4), entry("skincare", 140, 3, 4)}));
    EXPECT_EQ(plain(winter["categories_by_buyers"]), (Plain{entry("tea", 550, 3, 4), entry("skincare", 140, 3, 4)}));

    // Kowloon in summer: p's w7 only, one buyer: suppressed, no figures, empty lists.
    const Json& summer = kowloon["seasons"][1];
    EXPECT_EQ(summer["season"], "summer");
    EXPECT_TRUE(summer["suppressed"].get<bool>());
    EXPECT_TRUE(summer["revenue"].is_null());
    EXPECT_TRUE(summer["buyers"].is_null());
    EXPECT_TRUE(summer["products_by_revenue"].empty());
    EXPECT_TRUE(summer["categories_by_buyers"].empty());

    // Elsewhere in winter: s on 01-20 and t on 12-01, P1 10 each; nothing in summer (0 buyers is
    // no small cell).
    const Json& rest = doc["segments"][1];
    EXPECT_EQ(rest["segment"], "rest");
    EXPECT_DOUBLE_EQ(rest["seasons"][0]["revenue"].get<double>(), 20);
    EXPECT_EQ(rest["seasons"][0]["buyers"], 2);
    EXPECT_EQ(plain(rest["seasons"][0]["products_by_revenue"]), (Plain{entry("P1", 20, 2, 2)}));
    EXPECT_EQ(plain(rest["seasons"][0]["categories_by_buyers"]), (Plain{entry("skincare", 20, 2, 2)}));
    EXPECT_FALSE(rest["seasons"][1]["suppressed"].get<bool>());
    EXPECT_DOUBLE_EQ(rest["seasons"][1]["revenue"].get<double>(), 0);
    EXPECT_EQ(rest["seasons"][1]["buyers"], 0);
    EXPECT_TRUE(rest["seasons"][1]["products_by_buyers"].empty());
}

TEST_F(PotentialBestsellers, CalendarQuartersWithoutSeasons) {
    Shop s("custclass: 1\nname: t\nversion: \"1\"\n" + kAreas, 2);
    bestseller_data(s);
    s.run("2026-12-31");
    const Json doc = s.potential(PotentialList::Bestsellers);
    EXPECT_EQ(plain(doc["seasons"]), Plain::parse(R"j([{"id": "q1", "label": "Q1 (Jan-Mar)"},
        {"id": "q2", "label": "Q2 (Apr-Jun)"}, {"id": "q3", "label": "Q3 (Jul-Sep)"},
        {"id": "q4", "label": "Q4 (Oct-Dec)"}])j"));
    const Json& kowloon = doc["segments"][0]["seasons"];
    // q1: p's w1 135 and r's w3 45 = 180 from 2 buyers. q2: r's w6 alone: suppressed.
    // q3: p's w7 alone: suppressed. q4: q's w2 560 and r's w10 99 = 659 from 2 buyers (the
    // return w4 is no purchase).
    EXPECT_DOUBLE_EQ(kowloon[0]["revenue"].get<double>(), 180);
    EXPECT_EQ(kowloon[0]["buyers"], 2);
    EXPECT_TRUE(kowloon[1]["suppressed"].get<bool>());
    EXPECT_TRUE(kowloon[2]["suppressed"].get<bool>());
    EXPECT_DOUBLE_EQ(kowloon[3]["revenue"].get<double>(), 659);
    EXPECT_EQ(kowloon[3]["buyers"], 2);
    // q4's products: P1, P2, P4, P5 bought by q only, P3 by r only: one buyer each, no list.
    EXPECT_TRUE(kowloon[3]["products_by_revenue"].empty());
    // Categories in q4: skincare q (P1 20) and r (P3 99) = 119 from 2 buyers; tea q only.
    EXPECT_EQ(plain(kowloon[3]["categories_by_revenue"]), (Plain{entry("skincare", 119, 2, 2)}));
}

// ============================================================================= keywords ==

const std::string kKeywordRules =
    "custclass: 1\nname: t\nversion: \"1\"\n"
    "classifications:\n  - id: v\n    segments:\n      - id: all\n        when: \"true\"\n"
    "potential:\n"
    "  keywords: [serum, sunscreen, yoga mat, air purifier]\n"
    "  keyword_period_days: 30\n";

// Customers (one purchase each in March): a, b, e, f, h. Prospects: c, d, g (g has no consent).
// Interests: a "Vitamin C Serum, tea"; b "serums"; d "yoga mat, running"; f "Yoga Mats".
// Searches (kind `search`), by period of 30 days before each run:
//   before 2026-09-01:      f "sunscreen" 2025-06-01 (outside every window)
//   2026-09-15:             a "yoga" (in the year's window, in no trend period)
//   10-02..10-31 (run 1):   a "vitamin c serum"; a "Sunscreen", b "sunscreen"; b "yoga",
//                           e "yoga", h "Yoga"; e "serums"
//   11-01..11-30 (run 2):   a "Vitamin-C Serum", c "vitamin c serum", g "VITAMIN C SERUM",
//                           a "vitamin c serum" again; b "sunscreen", h "sunscreen!"; e "yoga";
//                           d "air purifier", h "Air-Purifier" (kind written `Search`);
//                           g "lego"; e "serums", b "serums"
//   and a `visit` of a with keyword "yoga" on 11-14, which is no search.
void keyword_data(Shop& s) {
    s.people({{"a", "2026-01-01", "", "Vitamin C Serum, tea"},
              {"b", "2026-01-01", "", "serums"},
              {"c", "2026-01-01"},
              {"d", "2026-01-01", "", "yoga mat, running"},
              {"e", "2026-01-01"},
              {"f", "2026-01-01", "", "Yoga Mats"},
              {"g", "2026-01-01", "", "", "", "", "0"},
              {"h", "2026-01-01"}});
    s.sql("INSERT INTO sale VALUES ('o1','a','2026-03-01',50,'store'),('o2','b','2026-03-01',50,'store'),"
          "('o3','e','2026-03-01',50,'store'),('o4','f','2026-03-01',50,'store'),"
          "('o5','h','2026-03-01',50,'store');"
          "INSERT INTO interaction VALUES ('f','search','sunscreen','2025-06-01'),"
          "('a','search','yoga','2026-09-15'),"
          "('a','search','vitamin c serum','2026-10-05'),('a','search','Sunscreen','2026-10-06'),"
          "('b','search','sunscreen','2026-10-07'),('b','search','yoga','2026-10-08'),"
          "('e','search','yoga','2026-10-09'),('h','search','Yoga','2026-10-10'),"
          "('e','search','serums','2026-10-11'),"
          "('a','search','Vitamin-C Serum','2026-11-02'),('c','search','vitamin c serum','2026-11-03'),"
          "('g','search','VITAMIN C SERUM','2026-11-04'),('a','search','vitamin c serum','2026-11-05'),"
          "('b','search','sunscreen','2026-11-06'),('h','search','sunscreen!','2026-11-07'),"
          "('e','search','yoga','2026-11-08'),('d','search','air purifier','2026-11-09'),"
          "('h','Search','Air-Purifier','2026-11-10'),('g','search','lego','2026-11-11'),"
          "('e','search','serums','2026-11-12'),('b','search','serums','2026-11-13'),"
          "('a','visit','yoga','2026-11-14');");
}

class PotentialKeywords : public PotentialLists {};

TEST_F(PotentialKeywords, TrendingListsExactlyTheTermsWhosePeopleRoseBetweenTwoRuns) {
    Shop s(kKeywordRules, 2);
    keyword_data(s);
    const Json first = s.run("2026-10-31");
    // The first run has no earlier run: no trend.
    EXPECT_TRUE(s.potential(PotentialList::Keywords)["trending"].is_null());
    const Json second = s.run("2026-11-30");
    // People per normalised term, before (10-02..10-31) -> after (11-01..11-30):
    //   vitamin c serum  {a} 1 -> {a, c, g} 3     growth (3 + 1) / (1 + 1) = 2      listed
    //   sunscreen        {a, b} 2 -> {b, h} 2     not rising
    //   yoga             {b, e, h} 3 -> {e} 1     falling (a's visit is no search)
    //   serums           {e} 1 -> {e, b} 2        growth 3 / 2 = 1.5                listed
    //   air purifier     0 -> {d, h} 2            growth 3 / 1 = 3                  listed
    //   lego             0 -> {g} 1               rising, but 1 < k = 2: not shown
    // By growth descending.
    const Json doc = s.potential(PotentialList::Keywords, Purpose::Analytics, "",
                                 first["run_id"].get<std::string>());
    EXPECT_EQ(doc["run_id"], second["run_id"]);
    EXPECT_EQ(doc["trending"]["from_run_id"], first["run_id"]);
    EXPECT_EQ(doc["trending"]["from_as_of"], "2026-10-31");
    EXPECT_EQ(doc["trending"]["period_days"], 30);
    EXPECT_EQ(plain(doc["trending"]["keywords"]), Plain::parse(R"([
        {"keyword": "air purifier", "before": 0, "after": 2, "growth": 3},
        {"keyword": "vitamin c serum", "before": 1, "after": 3, "growth": 2},
        {"keyword": "serums", "before": 1, "after": 2, "growth": 1.5}])"))
        << doc["trending"].dump(1);
    // Without from_run_id: the run before, the same.
    EXPECT_EQ(s.potential(PotentialList::Keywords)["trending"], doc["trending"]);
}

TEST_F(PotentialKeywords, CampaignTargetsMatchWholeWordsInInterestsAndSearchesOfTheWindow) {
    Shop s(kKeywordRules, 2);
    keyword_data(s);
    s.run("2026-11-30");
    // The window: 2025-12-01..2026-11-30 (365 days). Whole words:
    //   serum         a (interest "vitamin c serum", searches), c, g (searches "vitamin c serum");
    //                 not b and e ("serums"): customers 1, prospects 2
    //   sunscreen     a, b, h (searches; f's is before the window): customers 3, prospects 0
    //   yoga mat      d (interest); not f ("yoga mats"), nor the "yoga" searches: prospects 1
    //   air purifier  d, h (searches, "Air-Purifier" too): customers 1, prospects 1
    // For direct marketing g (no consent) is left out: serum lists a, c.
    const Json doc = s.potential(PotentialList::Keywords, Purpose::DirectMarketing);
    EXPECT_EQ(doc["identifiers"], "customer_ids");
    const Json& campaign = doc["campaign_keywords"];
    ASSERT_EQ(campaign.size(), 4u);
    struct Expected {
        const char* keyword;
        int customers, prospects;
        std::vector<std::string> people;
    };
    const std::vector<Expected> expected = {{"serum", 1, 2, {"a", "c"}},
                                            {"sunscreen", 3, 0, {"a", "b", "h"}},
                                            {"yoga mat", 0, 1, {"d"}},
                                            {"air purifier", 1, 1, {"d", "h"}}};
    for (std::size_t i = 0; i < expected.size(); ++i) {
        SCOPED_TRACE(expected[i].keyword);
        EXPECT_EQ(campaign[i]["keyword"], expected[i].keyword);
        EXPECT_EQ(campaign[i]["customers"], expected[i].customers);
        EXPECT_EQ(campaign[i]["prospects"], expected[i].prospects);
        EXPECT_EQ(campaign[i]["listed"], expected[i].people.size());
        EXPECT_EQ(sorted(strings(campaign[i]["people"])), expected[i].people);
    }
    EXPECT_EQ(plain(doc["excluded"]), Plain::parse(R"({"no_consent": 1, "opted_out": 0})"));
    EXPECT_EQ(doc["total"], 5);  // a, b, c, d, h: each person once
    // For analytics: pseudonyms, and nobody left out (g is on the serum list).
    const Json analytics = s.potential(PotentialList::Keywords);
    EXPECT_EQ(analytics["identifiers"], "pseudonyms");
    EXPECT_EQ(sorted(strings(analytics["campaign_keywords"][0]["people"])),
              sorted({pseudonym("a"), pseudonym("c"), pseudonym("g")}));
}

// ============================================================================= sign-ups ==

const std::string kSignupRules =
    "custclass: 1\nname: t\nversion: \"1\"\n"
    "classifications:\n  - id: v\n    segments:\n      - id: all\n        when: \"true\"\n"
    "potential:\n  signup_sources: [website, social]\n";

class PotentialSignups : public PotentialLists {};

TEST_F(PotentialSignups, ProspectsWithEmailAndConsentPerMonthAndSourceWithSmallCells) {
    Shop s(kSignupRules, 2);
    //        created     lead      e-mail consent  captured
    //   s1   2026-10-03  Website   yes    yes      10-03 website (lead sources are lower-cased)
    //   s2   2026-10-20  website   yes    yes      10-20 website
    //   s3   2026-10-25  social    yes    yes      10-25 social
    //   s4   2026-09-10  store     yes    yes      sign-ups 11-05 and 11-02: 11-02 store
    //   s5   2026-08-01  (none)    yes    yes      sign-up 11-10: unknown
    //   s6   2026-10-05  website   no     yes      no e-mail: no
    //   s7   2026-10-06  website   yes    no       no consent: no
    //   s8   2026-10-07  website   yes    yes      bought on 10-08, no prospect: no
    //   s9   2026-11-15  website   yes    yes      11-15 website
    //   s10  2026-11-20  website   yes    yes      11-20 website
    //   s11  2026-12-05  social    yes    yes      created after the run's date: no
    //   s12  2025-06-01  website   yes    yes      before the window (2025-12-01..): no
    //   s13  2026-09-10  store     yes    yes      store is no sign-up source, no sign-up: no
    //   s14  2026-11-25  social    yes    yes      11-25 social
    //   s15  2026-10-10  website   ''     yes      an empty e-mail: no
    //   s16  2026-09-01  store     yes    yes      sign-up on 12-02, after the run's date: no
    //   s17  2026-09-20  website   yes    yes      sign-up 10-02: captured then, not 09-20
    s.people({{"s1", "2026-10-03", "", "", "s1@mail.hk", "Website"},
              {"s2", "2026-10-20", "", "", "s2@mail.hk", "website"},
              {"s3", "2026-10-25", "", "", "s3@mail.hk", "social"},
              {"s4", "2026-09-10", "", "", "s4@mail.hk", "store"},
              {"s5", "2026-08-01", "", "", "s5@mail.hk"},
              {"s6", "2026-10-05", "", "", "", "website"},
              {"s7", "2026-10-06", "", "", "s7@mail.hk", "website", "0"},
              {"s8", "2026-10-07", "", "", "s8@mail.hk", "website"},
              {"s9", "2026-11-15", "", "", "s9@mail.hk", "website"},
              {"s10", "2026-11-20", "", "", "s10@mail.hk", "website"},
              {"s11", "2026-12-05", "", "", "s11@mail.hk", "social"},
              {"s12", "2025-06-01", "", "", "s12@mail.hk", "website"},
              {"s13", "2026-09-10", "", "", "s13@mail.hk", "store"},
              {"s14", "2026-11-25", "", "", "s14@mail.hk", "social"},
              {"s16", "2026-09-01", "", "", "s16@mail.hk", "store"},
              {"s17", "2026-09-20", "", "", "s17@mail.hk", "website"}});
    s.sql("INSERT INTO person VALUES ('s15','2026-10-10',NULL,NULL,'','website',1);"
          "INSERT INTO sale VALUES ('o1','s8','2026-10-08',80,'online');"
          "INSERT INTO interaction VALUES ('s4','signup',NULL,'2026-11-05'),('s4','signup',NULL,'2026-11-02'),"
          "('s5','signup',NULL,'2026-11-10'),('s16','signup',NULL,'2026-12-02'),"
          "('s17','signup',NULL,'2026-10-02');");
    s.run("2026-11-30");
    // October: website s1, s2, s17 = 3; social s3 = 1 < k = 2: named, not counted. Total 4.
    // November: website s9, s10 = 2; social s14, store s4, unknown s5: 1 each. Total 5.
    // In all: website 5, social 2; store 1 and unknown 1 are small cells. Total 9.
    const Json doc = s.potential(PotentialList::Signups);
    EXPECT_EQ(doc["list"], "signups");
    EXPECT_EQ(plain(doc["signup_sources"]), Plain::parse(R"(["website", "social"])"));
    EXPECT_EQ(doc["k"], 2);
    EXPECT_EQ(plain(doc["periods"]), Plain::parse(R"([
        {"period": "2026-10", "by_source": {"website": 3}, "suppressed_sources": ["social"], "total": 4},
        {"period": "2026-11", "by_source": {"website": 2}, "suppressed_sources": ["social", "store", "unknown"],
         "total": 5}])"))
        << doc["periods"].dump(1);
    EXPECT_EQ(plain(doc["by_source"]), Plain::parse(R"({"social": 2, "website": 5})"));
    EXPECT_EQ(plain(doc["suppressed_sources"]), Plain::parse(R"(["store", "unknown"])"));
    EXPECT_EQ(doc["total"], 9);
}

// ========================================================================= unmet demand ==

const std::string kUnmetRules =
    "custclass: 1\nname: t\nversion: \"1\"\nwindow_days: 90\n" + kAreas +
    "potential:\n"
    "  category_keywords:\n"
    "    skincare: [serum]\n"
    "    tea: [oolong]\n"
    "    cosmetics: [lipstick]\n";

// Kowloon: a, b, c, d; elsewhere: e (Sha Tin), f (no district). Windows of 90 days: run 1 as of
// 2026-06-30 (04-02..06-30), run 2 as of 2026-11-30 (09-02..11-30).
//   interests   a "serum, yoga mat, lipstick"; b "Serum, wooden toys, lipstick, board games";
//               d "yoga mat, oolong, wooden toys"; e "yoga mat"; f "Yoga Mat"
//   searches    a "air purifier" 05-01, b "air purifier" 05-02 (run 1's window);
//               a "serums" 10-03, c "yoga mat" 10-04, c "oolong" 10-05, d "serums" 10-06 (run 2's)
//   bought      in May: a skincare tea cosmetics; b skincare tea cosmetics; c skincare tea toys;
//               d skincare; e groceries; f groceries
//               in October: a skincare tea; b skincare; c toys; e groceries
void unmet_data(Shop& s) {
    s.people({{"a", "2026-01-01", "Kowloon", "serum, yoga mat, lipstick"},
              {"b", "2026-01-01", "Kowloon", "Serum, wooden toys, lipstick, board games"},
              {"c", "2026-01-01", "Kowloon"},
              {"d", "2026-01-01", "Kowloon", "yoga mat, oolong, wooden toys"},
              {"e", "2026-01-01", "Sha Tin", "yoga mat"},
              {"f", "2026-01-01", "", "Yoga Mat"}});
    s.sql("INSERT INTO interaction VALUES ('a','search','air purifier','2026-05-01'),"
          "('b','search','air purifier','2026-05-02'),('a','search','serums','2026-10-03'),"
          "('c','search','yoga mat','2026-10-04'),('c','search','oolong','2026-10-05'),"
          "('d','search','serums','2026-10-06');"
          "INSERT INTO sale VALUES ('m1','a','2026-05-10',30,'store'),('m2','b','2026-05-11',30,'store'),"
          "('m3','c','2026-05-12',30,'store'),('m4','d','2026-05-13',10,'store'),"
          "('m5','e','2026-05-14',10,'store'),('m6','f','2026-05-15',10,'store'),"
          "('n1','a','2026-10-10',20,'store'),('n2','b','2026-10-11',10,'store'),"
          "('n3','c','2026-10-12',10,'store'),('n4','e','2026-10-13',10,'store');"
          "INSERT INTO line VALUES ('m1','x1','skincare',10),('m1','x2','tea',10),('m1','x3','cosmetics',10),"
          "('m2','x1','skincare',10),('m2','x2','tea',10),('m2','x3','cosmetics',10),"
          "('m3','x1','skincare',10),('m3','x2','tea',10),('m3','x4','toys',10),('m4','x1','Skincare',10),"
          "('m5','x5','groceries',10),('m6','x5','groceries',10),"
          "('n1','x1','skincare',10),('n1','x2','tea',10),('n2','x1','skincare',10),('n3','x4','toys',10),"
          "('n4','x5','groceries',10);");
}

class PotentialUnmetDemand : public PotentialLists {};

TEST_F(PotentialUnmetDemand, InterestsNoBoughtCategoryServesAndCategoriesWhoseBuyersFell) {
    Shop s(kUnmetRules, 2);
    unmet_data(s);
    const Json first = s.run("2026-06-30");
    const Json second = s.run("2026-11-30");

    // Run 1, Kowloon bought skincare, tea, cosmetics, toys. Expressed (people):
    //   serum {a, b} (skincare, by category_keywords); yoga mat {a, d}: unmet; lipstick {a, b}
    //   (cosmetics, by category_keywords); wooden toys {b, d} (toys: the category's name is a
    //   word of it); board games {b} and oolong {d} (c's search is in October): under k;
    //   air purifier {a, b}: unmet. 2 of 4 each, by keyword.
    const Json before = s.potential(PotentialList::UnmetDemand, Purpose::Analytics,
                                    first["run_id"].get<std::string>());
    EXPECT_TRUE(before["from_run_id"].is_null());
    EXPECT_EQ(plain(before["segments"][0]["unmet_interests"]), Plain::parse(R"([
        {"keyword": "air purifier", "people": 2, "share": 0.5},
        {"keyword": "yoga mat", "people": 2, "share": 0.5}])"));
    EXPECT_TRUE(before["segments"][0]["falling_categories"].is_null());

    // Run 2, Kowloon bought skincare (a, b), tea (a), toys (c); no cosmetics. Expressed:
    //   serum {a, b}: served; yoga mat {a, c, d} 3 of 4: unmet; lipstick {a, b}: unmet now;
    //   wooden toys {b, d}: served; oolong {c, d}: served (tea); serums {a, d}: unmet ("serum"
    //   is a keyword of skincare, "serums" is another word); board games {b}: under k;
    //   air purifier: searched in May, outside this window.
    // Falling, buyers in Kowloon run 1 -> run 2:
    //   cosmetics {a, b} 2 -> 0: change -1
    //   tea {a, b, c} 3 -> {a} 1, a small cell: not shown; change (k - 1 - 3) / 3 = -0.6667
    //   skincare {a, b, c, d} 4 -> {a, b} 2: change -0.5
    //   toys {c} 1 -> {c} 1: under k before, and no fall
    const Json doc = s.potential(PotentialList::UnmetDemand);
    EXPECT_EQ(doc["list"], "unmet-demand");
    EXPECT_EQ(doc["run_id"], second["run_id"]);
    EXPECT_EQ(doc["from_run_id"], first["run_id"]);
    EXPECT_EQ(doc["classification"], "area");
    EXPECT_EQ(doc["k"], 2);
    EXPECT_EQ(plain(doc["segments"]), Plain::parse(R"([
        {"segment": "kowloon", "label": "Kowloon", "customers": 4,
         "unmet_interests": [{"keyword": "yoga mat", "people": 3, "share": 0.75},
                             {"keyword": "lipstick", "people": 2, "share": 0.5},
                             {"keyword": "serums", "people": 2, "share": 0.5}],
         "falling_categories": [
             {"category": "cosmetics", "buyers_before": 2, "buyers_after": 0, "change": -1},
             {"category": "tea", "buyers_before": 3, "buyers_after": null, "change": -0.6667},
             {"category": "skincare", "buyers_before": 4, "buyers_after": 2, "change": -0.5}]},
        {"segment": "rest", "label": "Elsewhere", "customers": 2,
         "unmet_interests": [{"keyword": "yoga mat", "people": 2, "share": 1}],
         "falling_categories": [
             {"category": "groceries", "buyers_before": 2, "buyers_after": null, "change": -0.5}]}])"))
        << doc["segments"].dump(1);
    // Elsewhere: e and f want a yoga mat, e buys groceries only; groceries {e, f} 2 -> {e} 1, a
    // small cell: change (k - 1 - 2) / 2 = -0.5.
}

}  // namespace
