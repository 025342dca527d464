// The potential-customer results of POTENTIAL.md items 1, 2, 3 and 11 (focus, leads, look-alike,
// lifetime value) and the privacy policy applied to them, through the real engine
// (Engine::run, then Engine::potential) on small SQLite host databases worked out by hand. Every
// expectation is a specification: the arithmetic behind it is in the comment beside it, from the
// definitions of POTENTIAL.md, RULES.md section 4, pareto_focus.h, lookalike_model.h and
// lifetime_value.h, never from what the code happened to print.
//
// All runs are as of 2026-11-30 with the default window of 365 days: the window is the days
// (2025-11-30, 2026-11-30]. Timestamps without a zone are local time in Asia/Hong_Kong, so their
// day is the date as written.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "engine.h"
#include "errors.h"
#include "lifetime_value.h"
#include "pseudonym.h"
#include "test_database.h"

using namespace custclass;
using custclass::test::TestCustomer;
using custclass::test::TestDatabase;
using custclass::test::TestOrder;
using custclass::test::write_file;
using Json = nlohmann::ordered_json;

namespace {

const char* kAsOf = "2026-11-30";
const char* kHead = "custclass: 1\nname: t\nversion: \"1\"\n";
const char* kKeyVariable = "CUSTCLASS_PSEUDONYM_KEY";
const char* kKey = "a potential-customers test key";

plugin::RunRequest as_of(const std::string& day = kAsOf) {
    plugin::RunRequest r;
    r.as_of = config::parse_day(day);
    return r;
}

std::string read_text(const std::filesystem::path& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

// The one integer a query on the host database (which is also the result store) gives.
std::int64_t query_int(const std::string& db_path, const std::string& sql) {
    sqlite3* db = nullptr;
    sqlite3_open(db_path.c_str(), &db);
    sqlite3_stmt* stmt = nullptr;
    std::int64_t out = -1;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK && sqlite3_step(stmt) == SQLITE_ROW)
        out = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return out;
}

// A potential document checked against abi/schemas/potential.schema.json, with the draft the
// schema declares (2020-12), as tests/abi/run_host_scenario.py checks the host's documents: by
// Debian's python3-jsonschema, when it is installed (otherwise the check is left out).
void expect_matches_schema(const Json& doc) {
    const std::filesystem::path schema =
        std::filesystem::path(CUSTCLASS_SOURCE_DIR) / "abi" / "schemas" / "potential.schema.json";
    ASSERT_TRUE(std::filesystem::exists(schema)) << schema;
    static int checked = 0;
    const std::filesystem::path file =
        std::filesystem::temp_directory_path() /
        ("custclass-potential-" + std::to_string(::getpid()) + "-" + std::to_string(++checked) + ".json");
    write_file(file, doc.dump());
    const std::string command =
        "/usr/bin/python3 -c \"import json, sys\n"
        "try:\n    import jsonschema\nexcept ImportError:\n    sys.exit(3)\n"
        "schema = json.load(open(sys.argv[1])); doc = json.load(open(sys.argv[2]))\n"
        "validator = jsonschema.validators.validator_for(schema, default=jsonschema.Draft202012Validator)\n"
        "validator.check_schema(schema)\n"
        "errors = list(validator(schema).iter_errors(doc))\n"
        "[print(list(e.absolute_path), e.message) for e in errors]\n"
        "sys.exit(1 if errors else 0)\" '" +
        schema.string() + "' '" + file.string() + "' > '" + file.string() + ".out' 2>&1";
    const int status = std::system(command.c_str());
    const std::string out = read_text(file.string() + ".out");
    std::filesystem::remove(file);
    std::filesystem::remove(file.string() + ".out");
    if (WIFEXITED(status) && WEXITSTATUS(status) == 3) return;  // no jsonschema here
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
        << "the `" << doc.value("list", "?") << "` document does not match potential.schema.json:\n"
        << out << "\ndocument: " << doc.dump(1);
}

// A host database with the test schema plus the tables the potential results read:
// interactions (customer, kind, keyword, at), contact (consent, e-mail) and opt-outs (e-mail).
// Every table is mapped (empty ones too), and the policy is the shipped one with the rule set
// `t 1` approved, used only when asked.
class Shop {
public:
    Shop(const std::vector<TestCustomer>& customers, const std::vector<TestOrder>& orders) {
        db.add(customers, orders);
        sql("CREATE TABLE interaction (customer TEXT, kind TEXT, keyword TEXT, at TEXT);"
            "CREATE TABLE contact (id TEXT, consent INTEGER, email TEXT);"
            "CREATE TABLE optout (email TEXT);");
    }
    void sql(const std::string& statements) { test::execute_sql(db.db_path(), statements); }

    plugin::Engine& open(const std::string& rules, bool policy = false) {
        write_file(db.dir() / "rules.yaml", kHead + rules);
        std::string config =
            "custclass: 1\nsource:\n  preset: generic\n  connection: \"sqlite3://db=shop.sqlite\"\n"
            "  queries:\n"
            "    customers: >-\n"
            "      SELECT c.id AS customer_id, c.created AS created_at, c.district, c.interests,\n"
            "      k.consent AS marketing_consent, k.email FROM customer c LEFT JOIN contact k ON k.id = c.id\n"
            "    orders: >-\n"
            "      SELECT id AS order_id, customer AS customer_id, at AS ordered_at, total AS amount,\n"
            "      channel FROM sale\n"
            "    interactions: SELECT customer AS customer_id, kind, keyword, at FROM interaction\n"
            "    opt_outs: SELECT email FROM optout\n"
            "rules: rules.yaml\n";
        if (policy) {
            std::string text = read_text(std::filesystem::path(CUSTCLASS_SOURCE_DIR) / "config/privacy/pdpo.yaml");
            text.replace(text.find("approvals: []"), 13,
                         "approvals:\n  - {scope: rule_set, subject: \"t 1\", who: dpo, when: \"2026-11-01\", "
                         "why: tests}");
            write_file(db.dir() / "policy.yaml", text);
            config += "privacy: policy.yaml\n";
        }
        write_file(db.dir() / "custclass.yaml", config);
        engine = plugin::Engine::open_file((db.dir() / "custclass.yaml").string(), "");
        return *engine;
    }

    Json potential(plugin::PotentialList list, plugin::Purpose purpose = plugin::Purpose::Analytics,
                   std::uint64_t limit = 100, const std::string& score = "") {
        plugin::PotentialRequest request;
        request.list = list;
        request.purpose = purpose;
        request.limit = limit;
        request.score = score;
        Json doc = engine->potential(request);
        expect_matches_schema(doc);
        return doc;
    }

    TestDatabase db;
    std::unique_ptr<plugin::Engine> engine;
};

std::vector<std::string> ids_of(const Json& rows, const char* key = "customer_id") {
    std::vector<std::string> out;
    for (const auto& r : rows) out.push_back(r[key].get<std::string>());
    return out;
}

// ----------------------------------------------------------------------------------- focus --

// Monetary in the window: a 250 + 150 = 400 (its 999 of 2025-06-01 is before the window), b 250,
// c 150, d 100, e 50, f 50, g 30 − 30 = 0 (a purchase and its return), h no order.
// Customers with monetary > 0: a, b, c, d, e, f (n = 6), total 1000, ordered by monetary
// descending then id (e before f at 50).
const std::vector<TestCustomer> kFocusCustomers = {
    {"a", "2026-01-01"}, {"b", "2026-01-01"}, {"c", "2026-01-01"}, {"d", "2026-01-01"},
    {"e", "2026-01-01"}, {"f", "2026-01-01"}, {"g", "2026-01-01"}, {"h", "2026-01-01"}};
const std::vector<TestOrder> kFocusOrders = {
    {"o0", "a", "2025-06-01 10:00:00", "999"}, {"o1", "a", "2026-03-01 10:00:00", "250"},
    {"o2", "a", "2026-09-01 10:00:00", "150"}, {"o3", "b", "2026-04-01 10:00:00", "250"},
    {"o4", "c", "2026-05-01 10:00:00", "150"}, {"o5", "d", "2026-06-01 10:00:00", "100"},
    {"o6", "f", "2026-07-01 10:00:00", "50"},  {"o7", "e", "2026-07-02 10:00:00", "50"},
    {"o8", "g", "2026-08-01 10:00:00", "30"},  {"o9", "g", "2026-08-05 10:00:00", "-30"}};

const std::string kFocusRules =
    "classifications:\n"
    "  - id: value\n    segments:\n"
    "      - id: big\n        when: monetary >= 200\n"
    "      - id: mid\n        when: monetary >= 100\n"
    "      - id: low\n        when: frequency >= 1\n"
    "  - id: tags\n    mode: all_matches\n    segments:\n"
    "      - id: repeat\n        when: frequency >= 2\n"
    "      - id: vip\n        when: pareto_class == 'A'\n";

TEST(PotentialFocus, ClassesCurveShareForEightyPercentAndTheAListWithSegments) {
    Shop shop(kFocusCustomers, kFocusOrders);
    shop.open(kFocusRules);
    const Json summary = shop.engine->run(as_of());
    const Json doc = shop.potential(plugin::PotentialList::Focus);

    EXPECT_EQ(doc["list"], "focus");
    EXPECT_EQ(doc["run_id"], summary["run_id"]);
    EXPECT_EQ(doc["as_of"], kAsOf);
    EXPECT_EQ(doc["customers_with_revenue"], 6);  // g (0) and h (no order) are left out
    EXPECT_DOUBLE_EQ(doc["revenue"].get<double>(), 1000);

    // Revenue ranked ahead (s = ahead / 1000): a 0, b 400, c 650 → A (s < 0.80); d 800, e 900
    // → B (s < 0.95); f 950 → C.
    EXPECT_EQ(doc["classes"]["A"]["customers"], 3);
    EXPECT_DOUBLE_EQ(doc["classes"]["A"]["revenue"].get<double>(), 800);  // 400 + 250 + 150
    EXPECT_DOUBLE_EQ(doc["classes"]["A"]["revenue_share"].get<double>(), 0.8);
    EXPECT_EQ(doc["classes"]["B"]["customers"], 2);
    EXPECT_DOUBLE_EQ(doc["classes"]["B"]["revenue"].get<double>(), 150);  // 100 + 50
    EXPECT_DOUBLE_EQ(doc["classes"]["B"]["revenue_share"].get<double>(), 0.15);
    EXPECT_EQ(doc["classes"]["C"]["customers"], 1);
    EXPECT_DOUBLE_EQ(doc["classes"]["C"]["revenue"].get<double>(), 50);
    EXPECT_DOUBLE_EQ(doc["classes"]["C"]["revenue_share"].get<double>(), 0.05);

    // Cumulative revenue of the first k: 0, 400, 650, 800, 900, 950, 1000; the first k with at
    // least 800 is 3: 3 / 6 of the customers bring 80%.
    EXPECT_DOUBLE_EQ(doc["customer_share_for_80_percent"].get<double>(), 0.5);

    // The curve at step s = 0..20 (share s / 20): k = ceil(6 s / 20) customers, at (k / 6,
    // cumulative(k) / 1000), shares rounded to 6 digits.
    const int k_of_step[21] = {0, 1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 5, 5, 5, 6, 6, 6, 6};
    const double customer_share[7] = {0, 0.166667, 0.333333, 0.5, 0.666667, 0.833333, 1};
    const double revenue_share[7] = {0, 0.4, 0.65, 0.8, 0.9, 0.95, 1};
    ASSERT_EQ(doc["curve"].size(), 21u);
    for (int s = 0; s <= 20; ++s) {
        const int k = k_of_step[s];
        EXPECT_DOUBLE_EQ(doc["curve"][s]["customer_share"].get<double>(), customer_share[k]) << "step " << s;
        EXPECT_DOUBLE_EQ(doc["curve"][s]["revenue_share"].get<double>(), revenue_share[k]) << "step " << s;
    }

    // The A list, by monetary: a, b, c with their share of 1000 and their segments. a has two
    // purchases in the window (repeat); all three are class A (vip); value: a and b >= 200 (big),
    // c 150 (mid).
    ASSERT_EQ(doc["customers"].size(), 3u);
    EXPECT_EQ(ids_of(doc["customers"]), (std::vector<std::string>{"a", "b", "c"}));
    const double monetary[3] = {400, 250, 150};
    const double share[3] = {0.4, 0.25, 0.15};
    for (int i = 0; i < 3; ++i) {
        EXPECT_DOUBLE_EQ(doc["customers"][i]["monetary"].get<double>(), monetary[i]);
        EXPECT_DOUBLE_EQ(doc["customers"][i]["revenue_share"].get<double>(), share[i]);
    }
    EXPECT_EQ(doc["customers"][0]["segments"], Json::parse(R"({"value": "big", "tags": ["repeat", "vip"]})"));
    EXPECT_EQ(doc["customers"][1]["segments"], Json::parse(R"({"value": "big", "tags": ["vip"]})"));
    EXPECT_EQ(doc["customers"][2]["segments"], Json::parse(R"({"value": "mid", "tags": ["vip"]})"));

    // Without a policy: customer ids, nobody left out.
    EXPECT_EQ(doc["purpose"], "customer_analytics");
    EXPECT_EQ(doc["identifiers"], "customer_ids");
    EXPECT_EQ(doc["excluded"], Json::parse(R"({"no_consent": 0, "opted_out": 0})"));
    EXPECT_EQ(doc["total"], 3);
}

TEST(PotentialFocus, TheLimitCutsTheListButNotTheCount) {
    Shop shop(kFocusCustomers, kFocusOrders);
    shop.open(kFocusRules);
    shop.engine->run(as_of());
    const Json doc = shop.potential(plugin::PotentialList::Focus, plugin::Purpose::Analytics, 2);
    EXPECT_EQ(ids_of(doc["customers"]), (std::vector<std::string>{"a", "b"}));
    EXPECT_EQ(doc["total"], 3);  // a, b and c are class A
    EXPECT_EQ(doc["limit"], 2);
    EXPECT_EQ(doc["classes"]["A"]["customers"], 3);
}

TEST(PotentialFocus, NeedsASucceededRun) {
    Shop shop(kFocusCustomers, kFocusOrders);
    shop.open(kFocusRules);
    plugin::PotentialRequest request;
    EXPECT_THROW(shop.engine->potential(request), plugin::NotFound);
}

// ----------------------------------------------------------------------------------- leads --

// Score `engagement`:
//   email_open, half-life 30 days: 10 × Σ 0.5^(age / 30)
//   visit, no decay, capped:        min(5 × visits, 12)
//   search with keyword `serum`:    3 × searches whose term holds the word "serum"
//   frequency >= 1:                 4
//   tiers: hot >= 20, warm >= 8, else cold.
// Score `buyer`: 1 when frequency >= 1 (tier yes >= 1).
const std::string kLeadRules =
    "scores:\n"
    "  - id: engagement\n"
    "    label: Engagement\n"
    "    points:\n"
    "      - interaction: email_open\n        decay_half_life_days: 30\n        add: 10\n"
    "      - interaction: visit\n        add: 5\n        max: 12\n"
    "      - interaction: search\n        keyword: serum\n        add: 3\n"
    "      - when: frequency >= 1\n        add: 4\n"
    "    tiers: {hot: 20, warm: 8}\n"
    "  - id: buyer\n"
    "    points:\n"
    "      - when: frequency >= 1\n        add: 1\n"
    "    tiers: {yes: 1}\n"
    "classifications:\n"
    "  - id: value\n    segments:\n"
    "      - id: buyers\n        when: frequency >= 1\n";

// tie_b is read before tie_a: the ranking's order of ties is the ids', not the host's.
class LeadShop : public Shop {
public:
    LeadShop()
        : Shop({{"p1", "2026-01-01"}, {"p2", "2026-01-01"}, {"tie_b", "2026-01-01"},
                {"tie_a", "2026-01-01"}, {"z_cold", "2026-01-01"}},
               {{"o1", "p1", "2026-06-01 10:00:00", "10"}}) {
        sql("INSERT INTO interaction VALUES "
            // p1: e-mails opened 0, 30 and 60 days before as_of: 1 + 0.5 + 0.25 = 1.75 weighed;
            // one after as_of, and one on 2025-11-30 (365 days before: the window's excluded
            // start; it would weigh 0.5^(365/30) ≈ 0.0002), are ignored.
            "('p1','email_open',NULL,'2026-11-30 09:00:00'),"
            "('p1','email_open',NULL,'2026-10-31 09:00:00'),"
            "('p1','email_open',NULL,'2026-10-01 09:00:00'),"
            "('p1','email_open',NULL,'2026-12-01 09:00:00'),"
            "('p1','email_open',NULL,'2025-11-30 09:00:00'),"
            // p2: three visits (kinds compare lower-cased: 'Visit' is one), 15 points capped at
            // 12; searches: 'Vitamin C Serum' holds the word serum, 'serums' does not, a search
            // without a term does not.
            "('p2','visit',NULL,'2026-11-29 12:00:00'),"
            "('p2','visit',NULL,'2026-11-28 12:00:00'),"
            "('p2','Visit',NULL,'2026-11-27 12:00:00'),"
            "('p2','search','Vitamin C Serum','2026-11-20 12:00:00'),"
            "('p2','search','serums','2026-11-21 12:00:00'),"
            "('p2','search',NULL,'2026-11-22 12:00:00'),"
            // tie_a and tie_b: one visit and one matching search each: 5 + 3 = 8.
            "('tie_a','visit',NULL,'2026-11-01 12:00:00'),"
            "('tie_a','search','face serum','2026-11-02 12:00:00'),"
            "('tie_b','visit',NULL,'2026-06-01 12:00:00'),"
            "('tie_b','search','SERUM','2026-06-02 12:00:00'),"
            // z_cold: an e-mail opened after as_of, a visit before the window.
            "('z_cold','email_open',NULL,'2026-12-05 09:00:00'),"
            "('z_cold','visit',NULL,'2025-01-01 09:00:00')");
        open(kLeadRules);
        engine->run(as_of());
    }
};

TEST(PotentialLeads, DecayCapKeywordAndWindowGiveTheScoresTiersAndRanking) {
    LeadShop shop;
    const Json doc = shop.potential(plugin::PotentialList::Leads);
    EXPECT_EQ(doc["list"], "leads");
    EXPECT_EQ(doc["score"], Json::parse(R"({"id": "engagement", "label": "Engagement"})"));
    // p1: 10 × 1.75 + 4 = 21.5 (hot); p2: 12 + 3 = 15 (warm); tie_a, tie_b: 8 (warm);
    // z_cold: 0 (cold). Ties by customer id.
    EXPECT_EQ(ids_of(doc["customers"]), (std::vector<std::string>{"p1", "p2", "tie_a", "tie_b", "z_cold"}));
    const double scores[5] = {21.5, 15, 8, 8, 0};
    const char* tiers[5] = {"hot", "warm", "warm", "warm", "cold"};
    const bool prospects[5] = {false, true, true, true, true};  // only p1 bought
    for (int i = 0; i < 5; ++i) {
        EXPECT_DOUBLE_EQ(doc["customers"][i]["score"].get<double>(), scores[i]) << i;
        EXPECT_EQ(doc["customers"][i]["tier"], tiers[i]) << i;
        EXPECT_EQ(doc["customers"][i]["is_prospect"], prospects[i]) << i;
    }
    EXPECT_EQ(doc["tiers"], Json::parse(R"({"cold": 1, "hot": 1, "warm": 3})"));
    EXPECT_EQ(doc["total"], 5);
    EXPECT_EQ(doc["identifiers"], "customer_ids");
}

TEST(PotentialLeads, EachRowShownIsExplainedPointByPoint) {
    LeadShop shop;
    const Json doc = shop.potential(plugin::PotentialList::Leads);
    // p1: the decaying e-mail point weighs 1 + 0.5 + 0.25 = 1.75 interactions, 10 × 1.75 = 17.5.
    EXPECT_EQ(doc["customers"][0]["points"], Json::parse(R"([
        {"interaction": "email_open", "decay_half_life_days": 30.0, "add": 10.0, "interactions": 1.75, "points": 17.5},
        {"interaction": "visit", "add": 5.0, "max": 12.0, "interactions": 0.0, "points": 0.0},
        {"interaction": "search", "keyword": "serum", "add": 3.0, "interactions": 0.0, "points": 0.0},
        {"when": "frequency >= 1", "add": 4.0, "held": true, "points": 4.0}])"));
    // p2: 3 visits × 5 = 15, capped at 12; 1 of its 3 searches matches.
    EXPECT_EQ(doc["customers"][1]["points"], Json::parse(R"([
        {"interaction": "email_open", "decay_half_life_days": 30.0, "add": 10.0, "interactions": 0.0, "points": 0.0},
        {"interaction": "visit", "add": 5.0, "max": 12.0, "interactions": 3.0, "points": 12.0},
        {"interaction": "search", "keyword": "serum", "add": 3.0, "interactions": 1.0, "points": 3.0},
        {"when": "frequency >= 1", "add": 4.0, "held": false, "points": 0.0}])"));
    // Each row's points add up to its score.
    for (const auto& row : doc["customers"]) {
        double sum = 0;
        for (const auto& p : row["points"]) sum += p["points"].get<double>();
        EXPECT_DOUBLE_EQ(sum, row["score"].get<double>()) << row["customer_id"];
    }
}

TEST(PotentialLeads, AnotherScoreAndTheLimit) {
    LeadShop shop;
    // buyer: p1 1, everyone else 0: the four ties by id.
    const Json buyer = shop.potential(plugin::PotentialList::Leads, plugin::Purpose::Analytics, 100, "buyer");
    EXPECT_EQ(buyer["score"]["id"], "buyer");
    EXPECT_EQ(ids_of(buyer["customers"]), (std::vector<std::string>{"p1", "p2", "tie_a", "tie_b", "z_cold"}));
    EXPECT_EQ(buyer["customers"][0]["tier"], "yes");
    EXPECT_EQ(buyer["customers"][1]["tier"], "cold");
    EXPECT_EQ(buyer["tiers"], Json::parse(R"({"cold": 4, "yes": 1})"));
    // Two rows shown, five counted; only the rows shown are explained.
    const Json top = shop.potential(plugin::PotentialList::Leads, plugin::Purpose::Analytics, 2);
    EXPECT_EQ(ids_of(top["customers"]), (std::vector<std::string>{"p1", "p2"}));
    EXPECT_EQ(top["total"], 5);
    EXPECT_TRUE(top["customers"][1].contains("points"));
    plugin::PotentialRequest request;
    request.list = plugin::PotentialList::Leads;
    request.score = "nope";
    EXPECT_THROW(shop.engine->potential(request), plugin::NotFound);
}

// ------------------------------------------------------------------------------- look-alike --

// Customers (they bought: the training set), target = value.champions (monetary >= 100):
//   c1 Kowloon   skincare, tea   200  target
//   c2 Kowloon   skincare        150  target
//   c3 Kowloon   tea              50
//   c4 Sha Tin   tea              40
//   c5 Sha Tin   (no interests)   30
//   c6 Tsuen Wan skincare         60
// Prospects (no purchase): pr_b Kowloon "skincare"; pr_a Lantau (never seen) "tea, surfing".
const std::string kLookalikeRules =
    "classifications:\n"
    "  - id: value\n    segments:\n"
    "      - id: champions\n        when: monetary >= 100\n"
    "      - id: others\n        when: frequency >= 1\n"
    "potential:\n"
    "  lookalike:\n"
    "    targets: [value.champions]\n"
    "    attributes: [district, interests]\n"
    "    smoothing: 1\n";

class LookalikeShop : public Shop {
public:
    explicit LookalikeShop(const std::string& rules = kLookalikeRules)
        : Shop({{"c1", "2026-01-01", "", "", "Kowloon", "Skincare, tea"},
                {"c2", "2026-01-01", "", "", "Kowloon", "skincare"},
                {"c3", "2026-01-01", "", "", "Kowloon", "tea"},
                {"c4", "2026-01-01", "", "", "Sha Tin", "tea"},
                {"c5", "2026-01-01", "", "", "Sha Tin", ""},
                {"c6", "2026-01-01", "", "", "Tsuen Wan", "skincare"},
                {"pr_a", "2026-01-01", "", "", "Lantau", "tea, surfing"},
                {"pr_b", "2026-01-01", "", "", "Kowloon", "skincare"}},
               {{"o1", "c1", "2026-05-01 10:00:00", "200"},
                {"o2", "c2", "2026-05-02 10:00:00", "150"},
                {"o3", "c3", "2026-05-03 10:00:00", "50"},
                {"o4", "c4", "2026-05-04 10:00:00", "40"},
                {"o5", "c5", "2026-05-05 10:00:00", "30"},
                {"o6", "c6", "2026-05-06 10:00:00", "60"}}) {
        open(rules);
        engine->run(as_of());
    }
};

TEST(PotentialLookalike, NaiveBayesWithLaplaceSmoothingWorkedOutByHand) {
    LookalikeShop shop;
    const Json doc = shop.potential(plugin::PotentialList::Lookalike);
    EXPECT_EQ(doc["list"], "lookalike");
    // n = 6, n1 = 2 (c1, c2), n0 = 4: prior log-odds log(2/4), prior share 2/6.
    EXPECT_EQ(doc["model"]["targets"], Json::parse(R"(["value.champions"])"));
    EXPECT_EQ(doc["model"]["examples"], 6);
    EXPECT_EQ(doc["model"]["target_examples"], 2);
    EXPECT_DOUBLE_EQ(doc["model"]["prior"].get<double>(), 0.333333);
    // Evidence is shown only for values held by k = 5 customers or more (no policy: k = 5);
    // the most is 3 (Kowloon, skincare, tea).
    EXPECT_TRUE(doc["model"]["top_evidence"].empty());
    EXPECT_EQ(doc["prospects"], 2);

    // District (α = 1): V = {Kowloon, Sha Tin, Tsuen Wan}, K = 4; all non-null: n_{1} = 2,
    // n_{0} = 4, so P(v | 1) = (count + 1) / 6, P(v | 0) = (count + 1) / 8.
    //   Kowloon: (2+1)/6 ÷ (1+1)/8 = 2             → w = log 2
    //   unseen:      1/6 ÷ 1/8     = 4/3           → w = log(4/3)
    // Interests (Bernoulli): lists known for c1, c2 (m1 = 2) and c3, c4, c6 (m0 = 3; c5 has
    // none); W = {skincare, tea}; P(w | 1) = (count + 1) / 4, P(w | 0) = (count + 1) / 5.
    //   skincare: count1 2, count0 1: present (3/4)/(2/5) = 15/8; absent (1/4)/(3/5) = 5/12
    //   tea:      count1 1, count0 2: present (2/4)/(3/5) = 5/6;  absent (2/4)/(2/5) = 5/4
    // pr_b (Kowloon; skincare; tea absent): odds 1/2 × 2 × 15/8 × 5/4 = 75/32,
    //   P = 75 / (32 + 75) = 75/107 ≈ 0.700935.
    // pr_a (Lantau, unseen; tea; skincare absent; surfing outside W adds nothing):
    //   odds 1/2 × 4/3 × 5/6 × 5/12 = 25/108, P = 25 / (108 + 25) = 25/133 ≈ 0.187970.
    ASSERT_EQ(doc["customers"].size(), 2u);
    EXPECT_EQ(ids_of(doc["customers"]), (std::vector<std::string>{"pr_b", "pr_a"}));
    EXPECT_NEAR(doc["customers"][0]["probability"].get<double>(), 75.0 / 107.0, 5e-7);
    EXPECT_NEAR(doc["customers"][1]["probability"].get<double>(), 25.0 / 133.0, 5e-7);
    EXPECT_EQ(doc["total"], 2);

    // The attributes that speak for the target (weight > 0), by |weight|, at most three:
    // pr_b: Kowloon log 2 = 0.693147, skincare log(15/8) = 0.628609, tea absent (value null)
    // log(5/4) = 0.223144. pr_a: only Lantau, log(4/3) = 0.287682 (tea log(5/6) and skincare
    // absent log(5/12) speak against).
    const Json& b = doc["customers"][0]["top_attributes"];
    ASSERT_EQ(b.size(), 3u);
    EXPECT_EQ(b[0]["attribute"], "district");
    EXPECT_EQ(b[0]["value"], "Kowloon");
    EXPECT_NEAR(b[0]["weight"].get<double>(), std::log(2.0), 5e-7);
    EXPECT_EQ(b[1]["attribute"], "interests");
    EXPECT_EQ(b[1]["value"], "skincare");
    EXPECT_NEAR(b[1]["weight"].get<double>(), std::log(15.0 / 8.0), 5e-7);
    EXPECT_EQ(b[2]["attribute"], "interests");
    EXPECT_TRUE(b[2]["value"].is_null());
    EXPECT_NEAR(b[2]["weight"].get<double>(), std::log(5.0 / 4.0), 5e-7);
    const Json& a = doc["customers"][1]["top_attributes"];
    ASSERT_EQ(a.size(), 1u);
    EXPECT_EQ(a[0]["attribute"], "district");
    EXPECT_EQ(a[0]["value"], "Lantau");
    EXPECT_NEAR(a[0]["weight"].get<double>(), std::log(4.0 / 3.0), 5e-7);
}

TEST(PotentialLookalike, NeedsTargetsOfBothKinds) {
    // Every customer a champion: nothing sets targets apart, and the list is not found.
    LookalikeShop shop("classifications:\n"
                       "  - id: value\n    segments:\n"
                       "      - id: champions\n        when: frequency >= 1\n"
                       "potential:\n  lookalike:\n    targets: [value.champions]\n    attributes: [district]\n");
    plugin::PotentialRequest request;
    request.list = plugin::PotentialList::Lookalike;
    EXPECT_THROW(shop.engine->potential(request), plugin::NotFound);
}

// ---------------------------------------------------------------------------- lifetime value --

struct Purchase {
    int day_before_as_of;  // the purchase's day is as_of minus this
    int amount;
};
using Histories = std::map<std::string, std::vector<Purchase>>;

// A population for the BG/NBD and Gamma-Gamma fits, simulated from the BG/NBD story with a fixed
// seed (a 64-bit linear congruential generator of the test's own, so the data do not depend on
// the standard library): 80 customers, each first buying 30 to 529 days before as_of, then
// buying at a rate λ ~ Exponential (mean every 30 days) and dropping out after each repeat
// purchase with a probability p ~ Beta(1, 3); amounts around a mean spend of 20 to 120 per
// customer. (It fits to about r = 1, α = 30, a = 0.8, b = 2: a proper maximum.)
Histories simulated_histories() {
    std::uint64_t state = 1;
    auto uniform = [&] {
        state = state * 6364136223846793005ULL + 1442695040888963407ULL;
        return (static_cast<double>(state >> 11) + 0.5) / 9007199254740992.0;
    };
    Histories out;
    for (int i = 0; i < 80; ++i) {
        char id[8];
        std::snprintf(id, sizeof id, "lv%02d", i);
        const double rate = -std::log(uniform()) / 30.0;
        const double dropout = 1 - std::pow(uniform(), 1.0 / 3.0);
        const int age = 30 + static_cast<int>(uniform() * 500);
        const double mean = 20 + 100 * uniform();
        std::vector<Purchase> p = {{age, static_cast<int>(mean * (0.5 + uniform()))}};
        for (double t = 0;;) {
            t += -std::log(uniform()) / rate;
            if (t > age) break;
            p.push_back({age - static_cast<int>(t), static_cast<int>(mean * (0.5 + uniform()))});
            if (uniform() < dropout) break;
        }
        out[id] = p;
    }
    return out;
}

// 60 customers who hardly ever drop out (1 to 6 purchases evenly spread over their age): the
// BG/NBD maximum has a and b in the tens of thousands.
Histories steady_histories() {
    Histories out;
    for (int i = 0; i < 60; ++i) {
        char id[8];
        std::snprintf(id, sizeof id, "lv%02d", i);
        const int age = 40 + (i * 53) % 560;
        const int repeats = (i * 7) % 6;
        const int active = age * (1 + (i * 3) % 4) / 4;
        std::vector<Purchase> p;
        for (int k = 0; k <= repeats; ++k)
            p.push_back({age - (repeats == 0 ? 0 : active * k / repeats), 15 + (i * 37) % 120 + 10 * ((i + k) % 3)});
        out[id] = p;
    }
    return out;
}

// Besides the population, two customers worked out by hand:
//   lv_hand: purchases 2025-06-01 (before the window) 70, 2026-01-10 80, 2026-08-18 120, and a
//            return of 20 on 2026-09-01 (no purchase). BG/NBD, over purchases ever, in days:
//            x = 3 − 1 = 2, t_x = 2026-08-18 − 2025-06-01 = 443, T = 2026-11-30 − 2025-06-01 = 547.
//            Gamma-Gamma, over purchases in the window: x = 2, mean (80 + 120) / 2 = 100.
//   lv_none: no purchase: p_alive, expected_purchases_90d and clv_90d are null.
const plugin::RepeatSummary kHandRepeat{2, 443, 547};
const plugin::SpendSummary kHandSpend{2, 100};

const std::string kLifetimeRules =
    "classifications:\n"
    "  - id: potential\n    segments:\n"
    "      - id: high_potential\n        when: clv_90d >= 60\n"
    "      - id: other\n        when: true\n"
    "  - id: life\n    segments:\n"
    "      - id: alive\n        when: p_alive >= 0.5 and expected_purchases_90d >= 0\n";

class LifetimeShop : public Shop {
public:
    explicit LifetimeShop(Histories h = simulated_histories())
        : Shop(customers(h), orders(h)), histories(std::move(h)) {
        open(kLifetimeRules);
        summary = engine->run(as_of());
    }
    static std::vector<TestCustomer> customers(const Histories& histories) {
        std::vector<TestCustomer> out = {{"lv_hand", "2025-01-01"}, {"lv_none", "2026-01-01"}};
        for (const auto& [id, p] : histories) out.push_back({id, "2024-01-01"});
        return out;
    }
    static std::vector<TestOrder> orders(const Histories& histories) {
        std::vector<TestOrder> out = {{"h1", "lv_hand", "2025-06-01 10:00:00", "70"},
                                      {"h2", "lv_hand", "2026-01-10 10:00:00", "80"},
                                      {"h3", "lv_hand", "2026-08-18 10:00:00", "120"},
                                      {"h4", "lv_hand", "2026-09-01 10:00:00", "-20"}};
        const config::Day day0 = *config::parse_day(kAsOf);
        int n = 0;
        for (const auto& [id, purchases] : histories)
            for (const auto& p : purchases)
                out.push_back({"l" + std::to_string(n++), id,
                               config::format_day(static_cast<config::Day>(day0 - p.day_before_as_of)) + " 12:00:00",
                               std::to_string(p.amount)});
        return out;
    }
    plugin::BgNbdParameters bg() const {
        const Json& b = summary["lifetime_value"]["bg_nbd"];
        return {b["r"].get<double>(), b["alpha"].get<double>(), b["a"].get<double>(), b["b"].get<double>()};
    }
    plugin::GammaGammaParameters gg() const {
        const Json& g = summary["lifetime_value"]["gamma_gamma"];
        return {g["p"].get<double>(), g["q"].get<double>(), g["v"].get<double>()};
    }
    // The summaries of every customer with a purchase, by their definitions: BG/NBD over all
    // purchases, x = purchases − 1, t_x = last − first, T = as_of − first (days); Gamma-Gamma
    // over the purchases in the window, day > as_of − 365, i.e. fewer than 365 days before.
    std::map<std::string, std::pair<plugin::RepeatSummary, plugin::SpendSummary>> summaries() const {
        std::map<std::string, std::pair<plugin::RepeatSummary, plugin::SpendSummary>> out;
        out["lv_hand"] = {kHandRepeat, kHandSpend};
        for (const auto& [id, p] : histories) {
            int first = 0, last = 1 << 30;
            double x = 0, sum = 0;
            for (const auto& q : p) {
                first = std::max(first, q.day_before_as_of);
                last = std::min(last, q.day_before_as_of);
                if (q.day_before_as_of < 365) {
                    ++x;
                    sum += q.amount;
                }
            }
            out[id] = {{double(p.size() - 1), double(first - last), double(first)}, {x, x > 0 ? sum / x : 0}};
        }
        return out;
    }
    double clv(const plugin::RepeatSummary& r, const plugin::SpendSummary& s) const {
        return plugin::bg_nbd_expected_purchases(bg(), r, 90.0) * plugin::gamma_gamma_expected_spend(gg(), s.x, s.mean_spend);
    }
    Histories histories;
    Json summary;
};

const Json& feature(const Json& explanation, const char* classification, const char* name) {
    const Json& c = explanation["classifications"][classification];
    for (const char* part : {"matched", "not_matched"})
        for (const auto& s : c[part])
            if (s["features"].contains(name)) return s["features"][name];
    throw std::runtime_error(std::string("no feature ") + name + " in the explanation");
}

TEST(PotentialLifetimeValue, ValuesAreTheModelsAtTheFittedParameters) {
    LifetimeShop shop;
    const Json& models = shop.summary["lifetime_value"];
    ASSERT_TRUE(models["bg_nbd"]["converged"].get<bool>()) << models.dump(1);
    ASSERT_TRUE(models["gamma_gamma"]["converged"].get<bool>()) << models.dump(1);
    const auto summaries = shop.summaries();
    // Fitted on the 81 customers with a purchase (not lv_none); Gamma-Gamma on those with a
    // purchase in the window.
    EXPECT_EQ(models["bg_nbd"]["customers"], 81);
    std::size_t spenders = 0;
    for (const auto& [id, s] : summaries) spenders += s.second.x > 0;
    EXPECT_EQ(models["gamma_gamma"]["customers"], spenders);
    const plugin::BgNbdParameters bg = shop.bg();
    const plugin::GammaGammaParameters gg = shop.gg();

    const Json doc = shop.potential(plugin::PotentialList::LifetimeValue, plugin::Purpose::Analytics, 0);
    EXPECT_EQ(doc["list"], "lifetime-value");
    // The list fits again on the same data: the same parameters.
    EXPECT_EQ(doc["models"]["bg_nbd"], models["bg_nbd"]);
    EXPECT_EQ(doc["models"]["gamma_gamma"], models["gamma_gamma"]);
    EXPECT_EQ(doc["customers_valued"], 81);  // everyone with a purchase; not lv_none
    EXPECT_EQ(doc["total"], 81);
    ASSERT_EQ(doc["customers"].size(), 81u);

    // By clv_90d descending, then id: computed as the engine must (the same doubles).
    std::vector<std::pair<double, std::string>> ranked;
    for (const auto& [id, s] : summaries)
        ranked.emplace_back(-shop.clv(s.first, s.second), id);
    std::sort(ranked.begin(), ranked.end());
    std::vector<std::string> order;
    for (const auto& [v, id] : ranked) order.push_back(id);
    EXPECT_EQ(ids_of(doc["customers"]), order);

    for (const auto& row : doc["customers"]) {
        const std::string id = row["customer_id"];
        ASSERT_TRUE(summaries.count(id)) << id;
        const auto& [repeat, spend] = summaries.at(id);
        const double expected = plugin::bg_nbd_expected_purchases(bg, repeat, 90.0);
        // Values rounded to 6 digits (clv_90d to cents).
        EXPECT_NEAR(row["p_alive"].get<double>(), plugin::bg_nbd_p_alive(bg, repeat), 5e-7) << id;
        EXPECT_NEAR(row["expected_purchases_90d"].get<double>(), expected, 5e-7) << id;
        EXPECT_NEAR(row["clv_90d"].get<double>(),
                    expected * plugin::gamma_gamma_expected_spend(gg, spend.x, spend.mean_spend), 0.005 + 1e-9)
            << id;
        EXPECT_EQ(row["frequency"].get<double>(), spend.x) << id;
    }
}

TEST(PotentialLifetimeValue, RulesReadTheValuesAndACustomerWithoutPurchaseHasNone) {
    LifetimeShop shop;
    // high_potential: clv_90d >= 60, by the models at the run's parameters.
    std::set<std::string> high;
    for (const auto& [id, s] : shop.summaries())
        if (shop.clv(s.first, s.second) >= 60) high.insert(id);
    // The threshold splits the population (else the rule would test nothing).
    ASSERT_GE(high.size(), 5u);
    ASSERT_LE(high.size(), 76u);
    EXPECT_EQ(shop.summary["classifications"]["potential"]["segments"]["high_potential"], high.size());
    for (const auto& [id, s] : shop.summaries()) {
        const Json doc = shop.engine->classify(id, as_of());
        EXPECT_EQ(doc["classifications"]["potential"]["segment"], high.count(id) ? "high_potential" : "other") << id;
    }

    // lv_hand, worked out: (x, t_x, T) = (2, 443, 547), Gamma-Gamma (2, 100).
    const Json hand = shop.engine->classify("lv_hand", as_of());
    EXPECT_DOUBLE_EQ(feature(hand, "life", "p_alive").get<double>(), plugin::bg_nbd_p_alive(shop.bg(), kHandRepeat));
    EXPECT_DOUBLE_EQ(feature(hand, "life", "expected_purchases_90d").get<double>(),
                     plugin::bg_nbd_expected_purchases(shop.bg(), kHandRepeat, 90.0));
    EXPECT_DOUBLE_EQ(feature(hand, "potential", "clv_90d").get<double>(), shop.clv(kHandRepeat, kHandSpend));

    // lv_none: no purchase, no values; comparisons with null are false.
    const Json none = shop.engine->classify("lv_none", as_of());
    EXPECT_TRUE(feature(none, "potential", "clv_90d").is_null());
    EXPECT_TRUE(feature(none, "life", "p_alive").is_null());
    EXPECT_TRUE(feature(none, "life", "expected_purchases_90d").is_null());
    EXPECT_EQ(none["classifications"]["potential"]["segment"], "other");
    EXPECT_TRUE(none["classifications"]["life"]["segment"].is_null());
}

TEST(PotentialLifetimeValue, TheHookGivesTheSameValuesAsTheFullRun) {
    LifetimeShop shop;
    const Json run = shop.engine->classify("lv_hand", as_of());  // before the hook replaces it
    const Json hook = shop.engine->reclassify("lv_hand", std::nullopt, as_of());
    EXPECT_EQ(hook["incremental"]["run_id"], shop.summary["run_id"]);
    // The hook reads lv_hand alone and takes the parameters from the run's stored cut points.
    EXPECT_EQ(feature(hook, "life", "p_alive").get<double>(), feature(run, "life", "p_alive").get<double>());
    EXPECT_EQ(feature(hook, "life", "p_alive").get<double>(), plugin::bg_nbd_p_alive(shop.bg(), kHandRepeat));
    EXPECT_EQ(feature(hook, "life", "expected_purchases_90d").get<double>(),
              feature(run, "life", "expected_purchases_90d").get<double>());
    EXPECT_EQ(feature(hook, "potential", "clv_90d").get<double>(), feature(run, "potential", "clv_90d").get<double>());
    EXPECT_EQ(hook["classifications"]["potential"]["segment"], run["classifications"]["potential"]["segment"]);

    // A purchase of 100 today: BG/NBD x = 3, t_x = T = 547; Gamma-Gamma x = 3, mean 300 / 3.
    shop.sql("INSERT INTO sale VALUES ('h5', 'lv_hand', '2026-11-30 18:00:00', 100, 'store')");
    const Json after = shop.engine->reclassify("lv_hand", std::string("h5"), as_of());
    EXPECT_DOUBLE_EQ(feature(after, "life", "p_alive").get<double>(), plugin::bg_nbd_p_alive(shop.bg(), {3, 547, 547}));
    EXPECT_DOUBLE_EQ(feature(after, "potential", "clv_90d").get<double>(), shop.clv({3, 547, 547}, {3, 100}));
}

TEST(PotentialLifetimeValue, AFitWithoutPredictionsLeavesTheValuesNullAndTheRunGoesOn) {
    // Customers who hardly drop out: the run must succeed whatever the fit gives. Either the
    // model predicts, and the values are its functions at the reported parameters, or it says
    // it does not (converged false, no parameters for the hooks) and every value is null.
    LifetimeShop shop(steady_histories());
    const Json& fit = shop.summary["lifetime_value"]["bg_nbd"];
    const Json hand = shop.engine->classify("lv_hand", as_of());
    const Json doc = shop.potential(plugin::PotentialList::LifetimeValue, plugin::Purpose::Analytics, 0);
    if (fit["converged"].get<bool>()) {
        EXPECT_DOUBLE_EQ(feature(hand, "life", "expected_purchases_90d").get<double>(),
                         plugin::bg_nbd_expected_purchases(shop.bg(), kHandRepeat, 90.0));
        EXPECT_EQ(doc["customers_valued"], 61);
    } else {
        EXPECT_TRUE(feature(hand, "life", "p_alive").is_null());
        EXPECT_TRUE(feature(hand, "life", "expected_purchases_90d").is_null());
        EXPECT_TRUE(feature(hand, "potential", "clv_90d").is_null());
        EXPECT_EQ(doc["customers_valued"], 0);
        EXPECT_TRUE(doc["customers"].empty());
        // The hooks find no parameters either: null, as in the run.
        const Json hook = shop.engine->reclassify("lv_hand", std::nullopt, as_of());
        EXPECT_TRUE(feature(hook, "life", "p_alive").is_null());
    }
}

// --------------------------------------------------------------------------------- privacy --

// The focus fixture under the shipped policy (identity only for direct marketing), with contact
// data: a consents; b does not; c consents but opted out by e-mail; d, e, f consent.
class PotentialPrivacy : public ::testing::Test {
protected:
    void SetUp() override {
        ::unsetenv(kKeyVariable);
        shop.sql("INSERT INTO contact VALUES ('a',1,'a@example.com'),('b',0,'b@example.com'),"
                 "('c',1,'C@Example.com'),('d',1,'d@example.com'),('e',1,NULL),('f',1,NULL);"
                 "INSERT INTO optout VALUES ('c@example.com');");
        shop.open(kFocusRules +
                      "scores:\n  - id: buyer\n    points:\n      - when: frequency >= 1\n        add: 1\n"
                      "    tiers: {yes: 1}\n",
                  true);
        run_id = shop.engine->run(as_of())["run_id"].get<std::string>();
    }
    void TearDown() override { ::unsetenv(kKeyVariable); }

    std::int64_t audited(const std::string& where = "") {
        return query_int(shop.db.db_path(),
                         "SELECT COUNT(*) FROM custclass_audit_log WHERE action = 'potential_list'" + where);
    }

    Shop shop{kFocusCustomers, kFocusOrders};
    std::string run_id;
};

TEST_F(PotentialPrivacy, AnalyticsListsCarryPseudonymsAndNeedTheKey) {
    plugin::PotentialRequest request;
    request.list = plugin::PotentialList::Focus;
    try {
        shop.engine->potential(request);
        FAIL() << "an analytics list without the pseudonym key was not refused";
    } catch (const plugin::PrivacyRefusal& refused) {
        EXPECT_NE(std::string(refused.what()).find(kKeyVariable), std::string::npos) << refused.what();
    }
    EXPECT_EQ(audited(), 0);  // refused before anything was listed

    ::setenv(kKeyVariable, kKey, 1);
    const plugin::Pseudonymiser p{std::string(kKey)};
    const Json focus = shop.potential(plugin::PotentialList::Focus);
    EXPECT_EQ(focus["identifiers"], "pseudonyms");
    EXPECT_EQ(focus["purpose"], "customer_analytics");
    EXPECT_EQ(ids_of(focus["customers"]),
              (std::vector<std::string>{p.pseudonym("a"), p.pseudonym("b"), p.pseudonym("c")}));
    // The segments stay (they name no one).
    EXPECT_EQ(focus["customers"][0]["segments"]["value"], "big");
    // Leads: buyer 1 for a..g (g bought 30 and returned it: one purchase), 0 for h; ties by id.
    const Json leads = shop.potential(plugin::PotentialList::Leads);
    std::vector<std::string> expected;
    for (const char* id : {"a", "b", "c", "d", "e", "f", "g", "h"}) expected.push_back(p.pseudonym(id));
    EXPECT_EQ(ids_of(leads["customers"]), expected);
    EXPECT_EQ(leads["identifiers"], "pseudonyms");
}

TEST_F(PotentialPrivacy, DirectMarketingListsLeaveOutNoConsentAndOptedOut) {
    // No key needed: direct marketing carries customer ids.
    const Json focus = shop.potential(plugin::PotentialList::Focus, plugin::Purpose::DirectMarketing);
    EXPECT_EQ(focus["purpose"], "direct_marketing");
    EXPECT_EQ(focus["identifiers"], "customer_ids");
    // The A list a, b, c: b has no consent, c opted out (its e-mail, in another case).
    EXPECT_EQ(ids_of(focus["customers"]), (std::vector<std::string>{"a"}));
    EXPECT_EQ(focus["excluded"], Json::parse(R"({"no_consent": 1, "opted_out": 1})"));
    EXPECT_EQ(focus["total"], 1);
    // The population figures are not filtered.
    EXPECT_EQ(focus["classes"]["A"]["customers"], 3);

    // Leads for direct marketing (a..g 1 point, h 0): b has no consent, c opted out, g and h
    // have no contact row (no consent).
    const Json leads = shop.potential(plugin::PotentialList::Leads, plugin::Purpose::DirectMarketing);
    EXPECT_EQ(ids_of(leads["customers"]), (std::vector<std::string>{"a", "d", "e", "f"}));
    EXPECT_EQ(leads["excluded"], Json::parse(R"({"no_consent": 3, "opted_out": 1})"));
}

TEST_F(PotentialPrivacy, EveryListOfPeopleIsAudited) {
    ::setenv(kKeyVariable, kKey, 1);
    shop.potential(plugin::PotentialList::Focus);
    EXPECT_EQ(audited(), 1);
    // Which list, how many people, for which purpose, under which identifiers, from which run.
    const std::string of_run = " AND detail LIKE '%" + run_id + "%'";
    EXPECT_EQ(audited(" AND subject = 'focus' AND customers = 3 AND detail LIKE '%customer_analytics%'"
                      " AND detail LIKE '%pseudonyms%'" + of_run),
              1);
    shop.potential(plugin::PotentialList::Focus, plugin::Purpose::DirectMarketing);
    EXPECT_EQ(audited(" AND subject = 'focus' AND customers = 1 AND detail LIKE '%direct_marketing%'"
                      " AND detail LIKE '%customer_ids%'" + of_run),
              1);
    shop.potential(plugin::PotentialList::Leads);
    EXPECT_EQ(audited(" AND subject = 'leads' AND customers = 8"), 1);
    EXPECT_EQ(audited(), 3);
    EXPECT_EQ(audited(" AND actor = 'custclass'"), 3);
}

TEST_F(PotentialPrivacy, AListThatCannotBeLoggedIsNotGiven) {
    ::setenv(kKeyVariable, kKey, 1);
    shop.sql("CREATE TRIGGER no_audit BEFORE INSERT ON custclass_audit_log BEGIN "
             "SELECT RAISE(ABORT, 'audit log full'); END");
    plugin::PotentialRequest request;
    request.list = plugin::PotentialList::Focus;
    EXPECT_THROW(shop.engine->potential(request), adapters::DatabaseError);
}

}  // namespace
