#include "engine_config.h"

#include <gtest/gtest.h>

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
