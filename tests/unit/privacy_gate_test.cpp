// The privacy policy applied to runs, hooks and member lists (PRIVACY.md), through the engine on
// a SQLite host database: each check refuses, excludes or masks what it should, with a message
// naming the check, the field, the rule and the purpose, and lets the compliant work through.
// Each test fails when its check is taken out.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "engine.h"
#include "errors.h"
#include "pseudonym.h"
#include "test_database.h"

using namespace custclass;
using custclass::test::TestDatabase;
using custclass::test::write_file;
using Json = nlohmann::ordered_json;

namespace {

plugin::RunRequest as_of(const std::string& day, bool dry_run = false) {
    plugin::RunRequest r;
    r.as_of = config::parse_day(day);
    r.dry_run = dry_run;
    return r;
}

std::string shipped_policy() {
    std::ifstream in(std::string(CUSTCLASS_SOURCE_DIR) + "/config/privacy/pdpo.yaml");
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

void exec(const std::string& db, const std::string& sql) { test::execute_sql(db, sql); }

const char* kApproveRules =
    "  - {scope: rule_set, subject: \"t 1\", who: dpo, when: \"2026-11-01\", why: tests}\n";

// a: 150, consent, transfer consent to insurers; b: 40, consent, opted out by phone only
// (another form of the number); c: 30, no consent; d: 20, consent. All in Kowloon.
class PrivacyFixture : public ::testing::Test {
protected:
    void SetUp() override {
        db.add({{"a", "2026-01-01", "1990-05-01", "F", "Kowloon"},
                {"b", "2026-01-01", "1980-05-01", "M", "Kowloon"},
                {"c", "2026-01-01", "1970-05-01", "F", "Kowloon"},
                {"d", "2026-01-01", "1960-05-01", "M", "Kowloon"}},
               {{"o1", "a", "2026-11-02 10:00:00", "150"},
                {"o2", "b", "2026-11-04 10:00:00", "40"},
                {"o3", "c", "2026-11-05 20:00:00", "30"},
                {"o4", "d", "2026-11-06 20:00:00", "20"}});
        exec(db.db_path(),
             "CREATE TABLE contact (id TEXT, consent INTEGER, phone TEXT, transfer TEXT);"
             "INSERT INTO contact VALUES ('a',1,'+852 2345 6789','Insurance_Partners, banks'),"
             "('b',1,'+852 91234567',NULL),('c',0,NULL,NULL),('d',1,NULL,'banks');"
             "CREATE TABLE optout (phone TEXT); INSERT INTO optout VALUES ('9123-4567');");
        ::unsetenv("CUSTCLASS_TEST_PSEUDONYM_KEY");
    }
    void TearDown() override { ::unsetenv("CUSTCLASS_TEST_PSEUDONYM_KEY"); }

    // An engine on the fixture with `rules` (name t, version 1) and the shipped policy changed
    // with `approvals` (YAML list items) and `policy_extra` (top-level keys).
    std::unique_ptr<plugin::Engine> engine(const std::string& rules, const std::string& approvals,
                                           const std::string& policy_extra = "",
                                           bool map_opt_outs = true) {
        std::string policy = shipped_policy();
        // The key of the pseudonyms comes from a variable of the test's own.
        const std::string key_line = "pseudonym_key_env: CUSTCLASS_PSEUDONYM_KEY\n";
        policy.replace(policy.find(key_line), key_line.size(),
                       "pseudonym_key_env: CUSTCLASS_TEST_PSEUDONYM_KEY\n");
        policy.replace(
            policy.find("approvals: []"), 13,
            policy_extra + (approvals.empty() ? "approvals: []" : "approvals:\n" + approvals));
        write_file(db.dir() / "policy.yaml", policy);
        write_file(db.dir() / "rules.yaml", "custclass: 1\nname: t\nversion: \"1\"\n" + rules);
        write_file(db.dir() / "market.csv", "district,income\nKowloon,30000\n");
        write_file(
            db.dir() / "custclass.yaml",
            "custclass: 1\nsource:\n  preset: generic\n  connection: \"sqlite3://db=shop.sqlite\"\n"
            "  queries:\n"
            "    customers: >-\n"
            "      SELECT c.id AS customer_id, c.created AS created_at, c.birth AS birth_date, "
            "c.gender,\n"
            "      c.district, k.consent AS marketing_consent, k.phone, k.transfer AS "
            "transfer_consent\n"
            "      FROM customer c LEFT JOIN contact k ON k.id = c.id\n"
            "    orders: SELECT id AS order_id, customer AS customer_id, at AS ordered_at, total "
            "AS amount FROM sale\n" +
                std::string(map_opt_outs ? "    opt_outs: SELECT phone FROM optout\n" : "") +
                "rules: rules.yaml\nprivacy: policy.yaml\n");
        return plugin::Engine::open_file((db.dir() / "custclass.yaml").string(), "");
    }

    std::string refusal(plugin::Engine& e, const plugin::RunRequest& request) {
        try {
            e.run(request);
        } catch (const plugin::PrivacyRefusal& refused) {
            return refused.what();
        }
        return "";
    }

    std::vector<std::string> members(plugin::Engine& e, const std::string& segment,
                                     plugin::Purpose purpose, Json* summary = nullptr) {
        std::vector<std::string> ids;
        plugin::MembersRequest request;
        request.segment = segment;
        request.purpose = purpose;
        request.row = [&](const std::string& id) {
            ids.push_back(id);
            return true;
        };
        const Json s = e.members(request);
        if (summary) *summary = s;
        return ids;
    }

    TestDatabase db;
};

const std::string kValue =
    "classifications:\n  - id: v\n    label: V\n    segments:\n"
    "      - id: big\n        when: monetary >= 100\n        direct_marketing: true\n"
    "      - id: small\n        when: frequency >= 1\n        direct_marketing: true\n"
    "      - id: quiet\n        when: frequency == 0\n";

TEST_F(PrivacyFixture, ARuleSetVersionWithoutApprovalRunsDryButNotInProduction) {  // check 13
    auto e = engine(kValue, "");
    const std::string why = refusal(*e, as_of("2026-11-30"));
    EXPECT_NE(why.find("check 13"), std::string::npos) << why;
    EXPECT_NE(why.find("t 1"), std::string::npos) << why;
    EXPECT_NO_THROW(e->run(as_of("2026-11-30", true)));
    auto approved = engine(kValue, kApproveRules);
    EXPECT_NO_THROW(approved->run(as_of("2026-11-30")));
}

TEST_F(PrivacyFixture, MappedColumnsNoRuleReadsAreNotLoadedAndAreReported) {  // check 2
    auto e = engine(kValue, kApproveRules);
    const Json summary = e->run(as_of("2026-11-30"));
    Json minimisation;
    for (const auto& c : summary["privacy"]["checks"])
        if (c["check"] == 2) minimisation = c;
    ASSERT_FALSE(minimisation.is_null()) << summary.dump(2);
    EXPECT_EQ(minimisation["status"], "warn");
    const std::string message = minimisation["message"];
    // The rules read monetary and frequency; consent and opt-outs are read for the
    // direct-marketing segments. Birth dates, genders and districts are mapped and not loaded.
    for (const char* unread : {"`birth_date`", "`gender`", "`district`"})
        EXPECT_NE(message.find(unread), std::string::npos) << unread << " in: " << message;
    for (const char* read : {"`marketing_consent`", "`phone`"})
        EXPECT_EQ(message.find(read), std::string::npos) << read << " in: " << message;
    // What is not loaded is not even parsed: a bad value in an unread column stops no run.
    exec(db.db_path(), "UPDATE customer SET birth = 'not a date' WHERE id = 'a'");
    EXPECT_NO_THROW(e->run(as_of("2026-11-30")));
}

TEST_F(PrivacyFixture, AFieldNotAllowedForThePurposeIsRefusedBeforeAnythingIsRead) {  // check 1
    // district may only be used for direct marketing in this policy.
    auto e = engine(
        "classifications:\n  - id: v\n    label: V\n    segments:\n"
        "      - id: kln\n        when: district == 'Kowloon'\n",
        kApproveRules);
    std::string policy;
    {
        std::ifstream in(db.dir() / "policy.yaml");
        std::stringstream t;
        t << in.rdbuf();
        policy = t.str();
    }
    policy.replace(
        policy.find(
            "district: {category: personal, purposes: [customer_analytics, direct_marketing]}"),
        std::string(
            "district: {category: personal, purposes: [customer_analytics, direct_marketing]}")
            .size(),
        "district: {category: personal, purposes: [direct_marketing]}");
    write_file(db.dir() / "policy.yaml", policy);
    e = plugin::Engine::open_file((db.dir() / "custclass.yaml").string(), "");
    exec(db.db_path(), "DROP TABLE sale");  // nothing may be read: a read would fail differently
    const std::string why = refusal(*e, as_of("2026-11-30", true));
    EXPECT_NE(why.find("check 1 (purpose binding)"), std::string::npos) << why;
    EXPECT_NE(why.find("`district`"), std::string::npos) << why;
    EXPECT_NE(why.find("segment `kln` of `v` (" + (db.dir() / "rules.yaml").string() + ":"),
              std::string::npos)
        << why;
    EXPECT_NE(why.find("`customer_analytics`"), std::string::npos) << why;
}

TEST_F(PrivacyFixture, ASensitiveFieldNeedsAnApproval) {  // check 4
    const std::string rules =
        "classifications:\n  - id: v\n    label: V\n    segments:\n"
        "      - id: young\n        when: age_band == '25-34'\n";
    auto e = engine(rules, kApproveRules);
    const std::string why = refusal(*e, as_of("2026-11-30"));
    EXPECT_NE(why.find("check 4"), std::string::npos) << why;
    EXPECT_NE(why.find("`birth_date`"), std::string::npos) << why;
    EXPECT_NE(why.find("segment `young`"), std::string::npos) << why;
    auto approved = engine(rules, std::string(kApproveRules) +
                                      "  - {scope: sensitive_attribute, subject: birth_date, who: "
                                      "dpo, when: \"2026-11-01\", why: bands}\n");
    EXPECT_NO_THROW(approved->run(as_of("2026-11-30")));
}

TEST_F(PrivacyFixture, AGovernmentIdentifierIsNeverARuleInput) {  // check 3
    const std::string rules =
        "attributes: {hkid: text}\nclassifications:\n  - id: v\n    label: V\n    segments:\n"
        "      - id: x\n        when: attr.hkid is not null\n";
    auto e = engine(rules, kApproveRules);
    std::string policy;
    {
        std::ifstream in(db.dir() / "policy.yaml");
        std::stringstream t;
        t << in.rdbuf();
        policy = t.str();
    }
    policy.replace(policy.find("  hkid:"), 7,
                   "  attr_hkid: {category: government_id, purposes: []}\n  hkid:");
    write_file(db.dir() / "policy.yaml", policy);
    e = plugin::Engine::open_file((db.dir() / "custclass.yaml").string(), "");
    const std::string why = refusal(*e, as_of("2026-11-30", true));
    EXPECT_NE(why.find("check 3"), std::string::npos) << why;
    EXPECT_NE(why.find("`attr_hkid`"), std::string::npos) << why;
}

TEST_F(PrivacyFixture, AnUnmappedOptOutSourceRefusesTheRun) {  // check 6
    auto e = engine(kValue, kApproveRules, "opt_out_sources: [opt_outs]\n", false);
    const std::string why = refusal(*e, as_of("2026-11-30"));
    EXPECT_NE(why.find("check 6"), std::string::npos) << why;
    auto mapped = engine(kValue, kApproveRules, "opt_out_sources: [opt_outs]\n", true);
    EXPECT_NO_THROW(mapped->run(as_of("2026-11-30")));
}

TEST_F(PrivacyFixture, MatchingWithMarketDataNeedsAnApproval) {  // check 12
    const std::string rules =
        "enrich:\n  - id: market\n    key: district\n    csv: market.csv\n    columns: {income: "
        "number}\n"
        "classifications:\n  - id: v\n    label: V\n    segments:\n"
        "      - id: rich\n        when: enrich.market.income > 20000\n";
    auto e = engine(rules, kApproveRules);
    const std::string why = refusal(*e, as_of("2026-11-30"));
    EXPECT_NE(why.find("check 12"), std::string::npos) << why;
    EXPECT_NE(why.find("`market`"), std::string::npos) << why;
    auto approved = engine(rules, std::string(kApproveRules) +
                                      "  - {scope: matching, subject: market, who: dpo, when: "
                                      "\"2026-11-01\", why: census}\n");
    EXPECT_NO_THROW(approved->run(as_of("2026-11-30")));
}

TEST_F(PrivacyFixture, DirectMarketingListsKeepOnlyConsentingCustomersNotOptedOut) {  // checks 5, 6
    auto e = engine(kValue, kApproveRules);
    const Json summary = e->run(as_of("2026-11-30"));
    // Members of the direct-marketing segments: a (big), b, c, d (small); c has no consent and b
    // opted out by phone only.
    EXPECT_EQ(summary["excluded"]["no_consent"], 1);
    EXPECT_EQ(summary["excluded"]["opted_out"], 1);
    Json list;
    EXPECT_EQ(members(*e, "small", plugin::Purpose::DirectMarketing, &list),
              (std::vector<std::string>{"d"}));
    EXPECT_EQ(list["excluded"]["no_consent"], 1);
    EXPECT_EQ(list["excluded"]["opted_out"], 1);
    EXPECT_EQ(list["pseudonymised"], false);
    // A segment the rule set does not mark for direct marketing is not exported for it.
    EXPECT_THROW(members(*e, "quiet", plugin::Purpose::DirectMarketing), plugin::PrivacyRefusal);
}

TEST_F(PrivacyFixture, ATransferToAnotherPartyNeedsConsentNamingIt) {  // check 7
    const std::string rules =
        "classifications:\n  - id: v\n    label: V\n    segments:\n"
        "      - id: all\n        when: frequency >= 1\n        direct_marketing: true\n"
        "        transfer_to: insurance_partners\n";
    auto e = engine(rules, kApproveRules);
    e->run(as_of("2026-11-30"));
    Json list;
    // a names insurance partners (another case, among others); d consented only to banks.
    EXPECT_EQ(members(*e, "all", plugin::Purpose::DirectMarketing, &list),
              (std::vector<std::string>{"a"}));
    EXPECT_EQ(list["excluded"]["no_transfer_consent"], 1);
}

TEST_F(PrivacyFixture, AnalyticsListsCarryPseudonymsAndNeedTheKey) {  // check 10
    auto e = engine(kValue, kApproveRules);
    e->run(as_of("2026-11-30"));
    try {
        members(*e, "small", plugin::Purpose::Analytics);
        FAIL() << "an analytics list without the key was not refused";
    } catch (const plugin::PrivacyRefusal& refused) {
        EXPECT_NE(std::string(refused.what()).find("CUSTCLASS_TEST_PSEUDONYM_KEY"),
                  std::string::npos);
    }
    ::setenv("CUSTCLASS_TEST_PSEUDONYM_KEY", "a test key of enough bytes", 1);
    Json list;
    const auto ids = members(*e, "small", plugin::Purpose::Analytics, &list);
    const plugin::Pseudonymiser p(std::string("a test key of enough bytes"));
    EXPECT_EQ(ids,
              (std::vector<std::string>{p.pseudonym("b"), p.pseudonym("c"), p.pseudonym("d")}));
    EXPECT_EQ(list["pseudonymised"], true);
}

TEST_F(PrivacyFixture, AMemberListThatCannotBeLoggedIsNotGiven) {  // check 15
    auto e = engine(kValue, kApproveRules);
    e->run(as_of("2026-11-30"));
    EXPECT_NO_THROW(members(*e, "small", plugin::Purpose::DirectMarketing));
    exec(db.db_path(),
         "CREATE TRIGGER no_audit BEFORE INSERT ON custclass_audit_log BEGIN SELECT RAISE(ABORT, "
         "'audit log full'); END");
    std::vector<std::string> seen;
    plugin::MembersRequest request;
    request.segment = "small";
    request.purpose = plugin::Purpose::DirectMarketing;
    request.row = [&](const std::string& id) {
        seen.push_back(id);
        return true;
    };
    EXPECT_THROW(e->members(request), adapters::DatabaseError);
    EXPECT_TRUE(seen.empty());
}

TEST_F(PrivacyFixture, TheComplianceReportNamesEverySeventeenChecks) {
    auto e = engine(kValue, "");
    const Json report = e->privacy_check(as_of("2026-11-30"));
    ASSERT_EQ(report["checks"].size(), 17u);
    for (std::size_t i = 0; i < 17; ++i) EXPECT_EQ(report["checks"][i]["check"], i + 1);
    EXPECT_EQ(report["verdict"], "refused");  // no approval for the rule set
    EXPECT_EQ(report["checks"][12]["status"], "refuse");
    EXPECT_EQ(report["checks"][9]["status"], "warn");  // no pseudonym key
    auto approved = engine(kValue, kApproveRules);
    approved->run(as_of("2026-11-30"));
    const Json after = approved->privacy_check(as_of("2026-11-30"));
    EXPECT_EQ(after["verdict"], "allowed");
    EXPECT_FALSE(after["last_run"].is_null());
    EXPECT_EQ(after["last_run"]["excluded"]["no_consent"], 1);
}

}  // namespace
