#include "engine_config.h"

#include <gtest/gtest.h>

#include <fstream>

#include "test_database.h"
#include "validation.h"
#include "yaml_document.h"

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
        "custclass: 1\nsource:\n  connection: \"sqlite3://db=x\"\n  queries:\n    customers: "
        "SELECT 1\nrules: r.yaml\n",
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
        "custclass: 1\nsource:\n  preset: trytn\n  connection: \"postgres://dbname=x\"\nrules: "
        "r.yaml\n",
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
    const PrivacyPolicy p =
        load_privacy_policy_file(CUSTCLASS_SOURCE_DIR "/config/privacy/pdpo.yaml");
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
        "small_cell_k: 0\napprovals:\n  - {scope: rule_set, subject: x, who: DPO, when: soon, why: "
        "ok}\n",
        "policy.yaml", d);
    ASSERT_TRUE(doc);
    EXPECT_FALSE(load_privacy_policy(*doc, d));
    std::vector<std::string> got;
    for (const auto& item : d.items()) got.push_back(item.to_string());
    EXPECT_EQ(
        got,
        (std::vector<std::string>{
            "policy.yaml:9:15: error: `small_cell_k` must be between 1 and 1000, not 0",
            "policy.yaml:6:3: error: unknown key `birth_dat` in `fields` (did you mean "
            "`birth_date`?)",
            "policy.yaml:7:45: error: a government identifier (`hkid`) may not be used for any "
            "purpose (leave its purposes empty: `purposes: []`)",
            "policy.yaml:8:21: error: unknown data category `contac` (did you mean `contact`?)",
            "policy.yaml:8:40: error: purpose `marketing` is not declared in `purposes`",
            "policy.yaml:11:51: error: `soon` is not a date (write it as YYYY-MM-DD)",
        }));
}

TEST(EngineConfig, ThePrivacyPolicyItNamesIsLoadedAndChecked) {
    TestDatabase db;
    const auto path = db.write_config(kRules);
    write_file(
        db.dir() / "policy.yaml",
        "custclass: 1\npolicy: p\nversion: \"1\"\npurposes: [a]\nfields: {}\nretention: 3\n");
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
    write_file(
        db.dir() / "custclass.yaml",
        "custclass: 1\nsource:\n  connection: \"sqlite3://db=my shop.sqlite\"\n"
        "  queries: {customers: SELECT 1, orders: SELECT 1}\n"
        "store:\n  connection: 'sqlite3://db=\"/data/x y.sqlite\" timeout=5'\nrules: rules.yaml\n");
    const EngineConfig cfg = load_engine_config_file((db.dir() / "custclass.yaml").string(), {});
    EXPECT_EQ(cfg.source.connection,
              "sqlite3://db=\"" + (db.dir() / "my shop.sqlite").string() + "\"");
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
              "c.yaml:4:9: error: pushdown aggregation is for PostgreSQL and MariaDB (SQLite reads "
              "fastest with `scan` (what `auto` chooses))");
    Diagnostics d2;
    auto doc2 = YamlDocument::parse(
        "custclass: 1\nsource:\n  connection: \"postgresql://dbname=x\"\n  read: fast\n"
        "  queries: {customers: SELECT 1, orders: SELECT 1}\nrules: r.yaml\n",
        "c.yaml", d2);
    load_engine_config(*doc2, "/nonexistent", {}, d2);
    EXPECT_EQ(d2.items()[0].message, "unknown read mode `fast`");
}

// A preset's query for the connection's backend and the settings, with the objects the table's
// `requires` and the chosen alternative's own `requires` name; the admin's settings and queries
// over the preset's.
TEST(EngineConfig, PresetQueriesFollowTheBackendAndTheSettings) {
    TestDatabase db;
    std::filesystem::create_directories(db.dir() / "data" / "presets");
    const std::string preset =
        "custclass_preset: 1\nhost: Shop\nversions: \"1\"\nbackends: [sqlite3, mysql]\n"
        "settings:\n  from: {type: text, default: sales, choices: [sales, invoices]}\n"
        "requires:\n  customers: {c: [id]}\n  orders: {c: [id]}\n"
        "queries:\n  customers: SELECT id AS customer_id FROM c\n"
        "  orders:\n"
        "    - backend: mysql\n      requires: {m: [id]}\n      sql: SELECT 'mysql'\n"
        "    - when: {from: invoices}\n      requires: {inv: [id, total]}\n"
        "      sql: SELECT 'invoices'\n"
        "    - requires: {sale: [id]}\n      sql: SELECT 'sales'\n"
        "  opt_outs:\n    - requires: {u: [email]}\n      sql: SELECT 'opt_outs'\n";
    // A query with neither a `requires` entry nor one in each alternative: an error in the preset.
    write_file(db.dir() / "data" / "presets" / "shop.yaml",
               preset +
                   "  referrals:\n    - requires: {r: [a]}\n      sql: SELECT 1\n"
                   "    - sql: SELECT 2\n");
    write_file(db.dir() / "rules.yaml", kRules);
    const std::string data = (db.dir() / "data").string();
    auto load = [&](const std::string& source_extra) {
        write_file(db.dir() / "custclass.yaml",
                   "custclass: 1\nsource:\n  preset: shop\n  connection: \"sqlite3://db=x\"\n" +
                       source_extra + "rules: rules.yaml\nprivacy: " +
                       (std::filesystem::path(CUSTCLASS_SOURCE_DIR) / "config/privacy/pdpo.yaml")
                           .string() +
                       "\n");
        return load_engine_config_file((db.dir() / "custclass.yaml").string(), {data});
    };
    EXPECT_THROW(load(""), ConfigError);
    write_file(db.dir() / "data" / "presets" / "shop.yaml", preset);

    auto names = [](const TableQuery& q) {
        std::string out;
        for (const auto& r : q.required)
            out += r.table + ":" + std::to_string(r.columns.size()) + " ";
        return out;
    };
    const EngineConfig sales = load("");
    EXPECT_EQ(sales.source.queries.at(CanonicalTable::Orders).sql, "SELECT 'sales'");
    EXPECT_EQ(names(sales.source.queries.at(CanonicalTable::Orders)), "c:1 sale:1 ");
    EXPECT_EQ(names(sales.source.queries.at(CanonicalTable::OptOuts)), "u:1 ");
    EXPECT_EQ(sales.source.settings.at("from").texts, std::vector<std::string>{"sales"});

    const EngineConfig invoices = load("  settings: {from: invoices}\n");
    EXPECT_EQ(invoices.source.queries.at(CanonicalTable::Orders).sql, "SELECT 'invoices'");
    EXPECT_EQ(names(invoices.source.queries.at(CanonicalTable::Orders)), "c:1 inv:2 ");

    const EngineConfig own = load("  queries:\n    orders: SELECT 'mine'\n    opt_outs: null\n");
    EXPECT_EQ(own.source.queries.at(CanonicalTable::Orders).sql, "SELECT 'mine'");
    EXPECT_FALSE(own.source.queries.at(CanonicalTable::Orders).from_preset);
    EXPECT_TRUE(own.source.queries.at(CanonicalTable::Orders).required.empty());
    EXPECT_EQ(own.source.queries.count(CanonicalTable::OptOuts), 0u);
    EXPECT_TRUE(own.source.queries.at(CanonicalTable::Customers).from_preset);
}
