#include "engine_config.h"

#include <gtest/gtest.h>

#include <fstream>

#include "test_database.h"
#include "validation.h"

using namespace custclass::config;
using custclass::test::TestDatabase;
using custclass::test::write_file;

namespace {

const std::string kRules =
    "custclass: 1\nname: t\nversion: \"1\"\nclassifications:\n  - id: v\n    segments:\n"
    "      - id: a\n        when: frequency >= 1\n";

}  // namespace

TEST(EngineConfig, LoadsAndResolvesTheSQLitePathAgainstTheFile) {
    TestDatabase db;
    const auto path = db.write_config(kRules);
    const EngineConfig cfg = load_engine_config_file(path, {});
    EXPECT_EQ(cfg.source.backend, "sqlite3");
    EXPECT_EQ(cfg.source.connection, "sqlite3://db=" + db.db_path());
    EXPECT_EQ(cfg.rules.name, "t");
    EXPECT_EQ(cfg.source.queries.count(CanonicalTable::Orders), 1u);
}

TEST(EngineConfig, UnknownKeyGivesFileLineAndColumn) {
    TestDatabase db;
    write_file(db.dir() / "rules.yaml", kRules);
    write_file(db.dir() / "custclass.yaml",
               "custclass: 1\nsource:\n  preset: generic\n  conection: \"sqlite3://db=x\"\n"
               "rules: rules.yaml\n");
    const Diagnostics d = validate_file((db.dir() / "custclass.yaml").string(), {});
    ASSERT_GE(d.error_count(), 1u);
    EXPECT_EQ(d.items()[0].to_string(),
              (db.dir() / "custclass.yaml").string() +
                  ":4:3: error: unknown key `conection` in `source` (did you mean `connection`?)");
}

TEST(EngineConfig, ErrorsOfTheRuleSetItNamesAreReportedToo) {
    TestDatabase db;
    const auto path = db.write_config(
        "custclass: 1\nname: t\nversion: \"1\"\nclassifications:\n  - id: v\n    segments:\n"
        "      - id: a\n        when: frequncy >= 1\n");
    const Diagnostics d = validate_file(path, {});
    ASSERT_EQ(d.error_count(), 1u);
    EXPECT_EQ(d.items()[0].file, (db.dir() / "rules.yaml").string());
    EXPECT_EQ(d.items()[0].line, 8);
    EXPECT_EQ(d.items()[0].column, 15);
}

TEST(EngineConfig, GenericSourceNeedsCustomersAndOrders) {
    Diagnostics d;
    auto doc = YamlDocument::parse(
        "custclass: 1\nsource:\n  connection: \"sqlite3://db=x\"\n  queries:\n    customers: SELECT 1\nrules: r.yaml\n",
        "c.yaml", d);
    ASSERT_TRUE(doc);
    load_engine_config(*doc, "/nonexistent", {}, d);
    ASSERT_EQ(d.error_count(), 2u) << d.to_string();
    EXPECT_EQ(d.items()[0].message, "the generic source needs a query for the `orders` table");
    EXPECT_EQ(d.items()[1].line, 6);
}

TEST(EngineConfig, UnknownBackendAndPresetAreNamed) {
    Diagnostics d;
    auto doc = YamlDocument::parse(
        "custclass: 1\nsource:\n  preset: trytn\n  connection: \"postgres://dbname=x\"\nrules: r.yaml\n",
        "c.yaml", d);
    ASSERT_TRUE(doc);
    load_engine_config(*doc, "/nonexistent", {}, d);
    ASSERT_GE(d.error_count(), 2u) << d.to_string();
    EXPECT_EQ(d.items()[0].message, "unknown preset `trytn`");
    EXPECT_EQ(d.items()[1].message, "unknown database backend `postgres`");
    EXPECT_EQ(d.items()[1].hint, "did you mean `postgresql`?");
}

TEST(Validation, UnreadableFileIsAnErrorWithoutPosition) {
    const Diagnostics d = validate_file("/nonexistent/custclass.yaml", {});
    ASSERT_EQ(d.error_count(), 1u);
    EXPECT_EQ(d.items()[0].line, 0);
}

TEST(PrivacyPolicy, TheShippedPolicyLoads) {
    const PrivacyPolicy p = load_privacy_policy_file(CUSTCLASS_SOURCE_DIR "/config/privacy/pdpo.yaml");
    EXPECT_EQ(p.small_cell_k, 5);
    EXPECT_EQ(p.fields.at("hkid").category, DataCategory::GovernmentId);
    EXPECT_EQ(p.fields.at("birth_date").purposes, (std::vector<std::string>{"customer_analytics"}));
}

TEST(PrivacyPolicy, KeysAndValuesAreChecked) {
    Diagnostics d;
    auto doc = YamlDocument::parse(
        "custclass: 1\npolicy: p\nversion: \"1\"\npurposes: [customer_analytics]\n"
        "fields:\n  birth_dat: {category: sensitive, purposes: [customer_analytics]}\n"
        "  hkid: {category: government_id, purposes: [customer_analytics]}\n"
        "  email: {category: contac, purposes: [marketing]}\n"
        "small_cell_k: 0\napprovals:\n  - {scope: rule_set, subject: x, who: DPO, when: soon, why: ok}\n",
        "policy.yaml", d);
    ASSERT_TRUE(doc);
    EXPECT_FALSE(load_privacy_policy(*doc, d));
    std::vector<std::string> got;
    for (const auto& item : d.items()) got.push_back(item.to_string());
    EXPECT_EQ(got, (std::vector<std::string>{
                       "policy.yaml:9:15: error: `small_cell_k` must be between 1 and 1000, not 0",
                       "policy.yaml:6:3: error: unknown key `birth_dat` in `fields` (did you mean `birth_date`?)",
                       "policy.yaml:7:45: error: a government identifier (`hkid`) may not be used for any purpose (leave its purposes empty: `purposes: []`)",
                       "policy.yaml:8:21: error: unknown data category `contac` (did you mean `contact`?)",
                       "policy.yaml:8:40: error: purpose `marketing` is not declared in `purposes`",
                       "policy.yaml:11:51: error: `soon` is not a date (write it as YYYY-MM-DD)",
                   }));
}

TEST(EngineConfig, ThePrivacyPolicyItNamesIsLoadedAndChecked) {
    TestDatabase db;
    const auto path = db.write_config(kRules);
    write_file(db.dir() / "policy.yaml", "custclass: 1\npolicy: p\nversion: \"1\"\npurposes: [a]\nfields: {}\nretention: 3\n");
    std::string text = "privacy: policy.yaml\n";
    {
        std::ifstream in(path);
        text = std::string(std::istreambuf_iterator<char>(in), {}) + text;
    }
    write_file(path, text);
    const Diagnostics d = validate_file(path, {});
    ASSERT_EQ(d.error_count(), 1u) << d.to_string();
    EXPECT_EQ(d.items()[0].file, (db.dir() / "policy.yaml").string());
    EXPECT_EQ(d.items()[0].line, 6);
}

TEST(EngineConfig, SQLitePathResolution) {
    TestDatabase db;
    write_file(db.dir() / "rules.yaml", kRules);
    write_file(db.dir() / "custclass.yaml",
               "custclass: 1\nsource:\n  connection: \"sqlite3://db=my shop.sqlite\"\n"
               "  queries: {customers: SELECT 1, orders: SELECT 1}\n"
               "store:\n  connection: 'sqlite3://db=\"/data/x y.sqlite\" timeout=5'\nrules: rules.yaml\n");
    const EngineConfig cfg = load_engine_config_file((db.dir() / "custclass.yaml").string(), {});
    EXPECT_EQ(cfg.source.connection, "sqlite3://db=\"" + (db.dir() / "my shop.sqlite").string() + "\"");
    EXPECT_EQ(cfg.store.connection, "sqlite3://db=\"/data/x y.sqlite\" timeout=5");
}

TEST(EngineConfig, ReadModeIsCheckedAndPushdownIsForServers) {
    Diagnostics d;
    auto doc = YamlDocument::parse(
        "custclass: 1\nsource:\n  connection: \"sqlite3://db=x\"\n  read: pushdown\n"
        "  queries: {customers: SELECT 1, orders: SELECT 1}\nrules: r.yaml\n",
        "c.yaml", d);
    ASSERT_TRUE(doc);
    load_engine_config(*doc, "/nonexistent", {}, d);
    ASSERT_GE(d.error_count(), 1u);
    EXPECT_EQ(d.items()[0].to_string(),
              "c.yaml:4:9: error: pushdown aggregation is for PostgreSQL and MariaDB (SQLite reads fastest with `scan` (what `auto` chooses))");
    Diagnostics d2;
    auto doc2 = YamlDocument::parse(
        "custclass: 1\nsource:\n  connection: \"postgresql://dbname=x\"\n  read: fast\n"
        "  queries: {customers: SELECT 1, orders: SELECT 1}\nrules: r.yaml\n",
        "c.yaml", d2);
    load_engine_config(*doc2, "/nonexistent", {}, d2);
    EXPECT_EQ(d2.items()[0].message, "unknown read mode `fast`");
}
