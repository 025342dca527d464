// The preset machinery itself, on SQLite, PostgreSQL and MariaDB, with a small preset of the
// test's own (the shipped presets have tests of their own beside this one): settings written into
// the SQL as literals of each dialect (a quote and a backslash included), an identifier setting
// as a table prefix, per-backend alternatives, the administrator's overrides, and the check of
// the tables and columns a preset needs before anything is read.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "integration_support.h"

using namespace custclass::integration;
namespace fs = std::filesystem;

namespace {

// The states hold a quote and a backslash: a literal that is not escaped for the dialect breaks
// the SQL or matches the wrong rows.
const char* kPreset = R"(custclass_preset: 1
host: Shop
versions: "1.x"
backends: [sqlite3, postgresql, mysql]
settings:
  prefix: {type: identifier, default: shop_}
  states: {type: text_list, default: [paid]}
  min_total: {type: integer, default: 0}
requires:
  customers:
    "{{prefix}}customer": [id, city]
  orders:
    "{{prefix}}order": [id, customer, at, total, state]
  referrals:
    "{{prefix}}referral": [referrer, referee]
queries:
  customers: SELECT id AS customer_id, city AS district FROM {{prefix}}customer
  orders:
    - backend: mysql
      sql: |
        SELECT id AS order_id, customer AS customer_id, at AS ordered_at, total AS amount,
               'mysql' AS channel
        FROM {{prefix}}order WHERE state IN ({{states}}) AND total > {{min_total}}
    - sql: |
        SELECT id AS order_id, customer AS customer_id, at AS ordered_at, total AS amount,
               'other' AS channel
        FROM {{prefix}}order WHERE state IN ({{states}}) AND total > {{min_total}}
  referrals: SELECT referrer AS referrer_id, referee AS referee_id FROM {{prefix}}referral
)";

const char* kRules =
    "custclass: 1\nname: t\nversion: \"1\"\nclassifications:\n  - id: v\n"
    "    segments:\n      - id: a\n        when: \"true\"\n";

class PresetObjects : public ::testing::TestWithParam<Backend> {
protected:
    void SetUp() override {
        fs::create_directories(data_.path() / "presets");
        fs::copy(fs::path(CUSTCLASS_DATA_DIR) / "privacy", data_.path() / "privacy");
        write_text(data_.path() / "presets" / "shop.yaml", kPreset);
        write_text(dir_.path() / "rules.yaml", kRules);
    }

    std::string config(ScratchDatabase& db, const std::string& source_extra) {
        const fs::path path = dir_.path() / "custclass.yaml";
        write_text(path, "custclass: 1\nsource:\n  preset: shop\n  connection: \"" +
                             db.connection() + "\"\n" + source_extra + "rules: rules.yaml\n");
        return path.string();
    }

    // The tables of the preset under `prefix`, `state` left out of the orders when asked.
    void create_tables(ScratchDatabase& db, const std::string& prefix, bool with_state) {
        db.exec("CREATE TABLE " + prefix + "customer (id INTEGER PRIMARY KEY, city VARCHAR(40))");
        db.exec("CREATE TABLE " + prefix + "order (id INTEGER PRIMARY KEY, customer INTEGER, " +
                "at DATE, total DECIMAL(12,2)" + (with_state ? ", state VARCHAR(20)" : "") + ")");
        db.exec("CREATE TABLE " + prefix + "referral (referrer INTEGER, referee INTEGER)");
        db.insert(prefix + "customer", {"id", "city"},
                  {{"1", db.literal("Sha Tin")},
                   {"2", db.literal("Wan Chai")},
                   {"3", db.literal("Tai Po")}});
        if (!with_state) return;
        db.insert(prefix + "order", {"id", "customer", "at", "total", "state"},
                  {{"10", "1", db.literal("2026-10-01"), "100.00", db.literal("o'k\\")},
                   {"11", "1", db.literal("2026-11-01"), "50.50", db.literal("paid")},
                   {"12", "2", db.literal("2026-11-02"), "70.00", db.literal("o'k")},
                   {"13", "2", db.literal("2026-11-03"), "5.00", db.literal("paid")},
                   {"14", "2", db.literal("2026-11-04"), "80.00", db.literal("draft")},
                   {"15", "3", db.literal("2026-11-05"), "20.00", db.literal("paid")}});
        db.insert(prefix + "referral", {"referrer", "referee"}, {{"1", "3"}, {"1", "2"}});
    }

    FeatureDump dump(const std::string& config_path, bool referrals = true) {
        std::vector<std::string> features = {"frequency", "monetary", "district",
                                             "channel_share:mysql"};
        if (referrals) features.push_back("referrals");
        return dump_features(config_path, "2026-11-30", features, data_.path().string());
    }

    TempDir data_;
    TempDir dir_;
};

TEST_P(PresetObjects, SettingsBecomeLiteralsOfTheDialect) {
    ScratchDatabase db(GetParam(), "preset_settings");
    create_tables(db, "crm_", true);
    // `o'k\` (quote and backslash) and `paid`; orders of 5.00 and less left out.
    const auto d = dump(config(db,
                               "  settings:\n    prefix: crm_\n    states: [\"o'k\\\\\", paid]\n"
                               "    min_total: 5\n"));
    // Customer 2 has no order that counts (12 is `o'k` without the backslash, 13 is not above 5,
    // 14 is a draft) and no `created_at`: it does not exist for the run.
    ASSERT_EQ(d.customers.size(), 2u);
    EXPECT_EQ(d.excluded.at("not_yet_customer"), 1u);
    EXPECT_EQ(d.customers.at("1")["frequency"], 2);  // 10 (o'k\) and 11 (paid)
    EXPECT_EQ(d.customers.at("1")["monetary"], 150.5);
    EXPECT_EQ(d.customers.at("1")["district"], "Sha Tin");
    EXPECT_EQ(d.customers.at("1")["referrals"], 1);  // 3 bought; 2 did not
    EXPECT_EQ(d.customers.at("3")["frequency"], 1);
    // The MySQL alternative on MariaDB, the general one elsewhere.
    EXPECT_EQ(d.customers.at("1")["channel_share:mysql"],
              GetParam() == Backend::MariaDB ? 1.0 : 0.0);
}

TEST_P(PresetObjects, AMissingColumnOrTableIsNamedBeforeAnythingIsRead) {
    ScratchDatabase db(GetParam(), "preset_missing");
    create_tables(db, "shop_", false);
    db.exec("DROP TABLE shop_referral");
    try {
        dump(config(db, ""));
        FAIL() << "a database without shop_order.state and shop_referral was read";
    } catch (const std::exception& e) {
        const std::string message = e.what();
        EXPECT_NE(message.find("preset `shop` (Shop 1.x)"), std::string::npos) << message;
        EXPECT_NE(message.find("the `orders` table (query at "), std::string::npos) << message;
        EXPECT_NE(
            message.find("needs the column `shop_order.state`, which the database does not have"),
            std::string::npos)
            << message;
        EXPECT_NE(message.find("the `referrals` table (query at "), std::string::npos) << message;
        EXPECT_NE(message.find("needs the table `shop_referral`"), std::string::npos) << message;
        EXPECT_EQ(message.find("`customers` table"), std::string::npos) << message;
        EXPECT_NE(message.find("Is this a Shop 1.x database"), std::string::npos) << message;
    }
}

TEST_P(PresetObjects, TheAdministratorsQueriesReplaceThePresetsAndAreNotChecked) {
    ScratchDatabase db(GetParam(), "preset_override");
    create_tables(db, "shop_", false);
    db.exec("DROP TABLE shop_referral");
    db.insert("shop_order", {"id", "customer", "at", "total"},
              {{"10", "1", db.literal("2026-10-01"), "100.00"}});
    const auto d = dump(config(db,
                               "  queries:\n    orders: SELECT id AS order_id, customer AS "
                               "customer_id, at AS ordered_at,"
                               " total AS amount FROM shop_order\n    referrals: null\n"),
                        false);
    EXPECT_EQ(d.customers.at("1")["frequency"], 1);
    EXPECT_EQ(d.customers.at("1")["monetary"], 100.0);
}

INSTANTIATE_TEST_SUITE_P(Backends, PresetObjects, ::testing::ValuesIn(kAllBackends),
                         [](const auto& info) { return std::string(backend_name(info.param)); });

}  // namespace
