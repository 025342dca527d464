// ADAPTERS.md `customer_key`: orders that name their customer by the host's own key (which the
// customers query maps beside `customer_id`) give exactly the run that orders naming the
// customer id give, in a full run and in the hooks, and every misuse is an error that says which
// query and which key.
#include <gtest/gtest.h>

#include <map>

#include "engine.h"
#include "engine_config.h"
#include "errors.h"
#include "soci_source.h"
#include "source.h"
#include "test_database.h"

using namespace custclass;
using custclass::test::TestDatabase;
using custclass::test::TestOrder;
using custclass::test::execute_sql;
using custclass::test::write_file;

namespace {

const std::string kCustomersById =
    "      SELECT id AS customer_id, created AS created_at, birth AS birth_date,\n"
    "      gender, district, interests FROM customer\n";
const std::string kCustomersWithKey =
    "      SELECT id AS customer_id, ckey AS customer_key, created AS created_at,\n"
    "      birth AS birth_date, gender, district, interests FROM customer\n";
const std::string kOrdersById =
    "      SELECT id AS order_id, customer AS customer_id, at AS ordered_at,\n"
    "      total AS amount, channel FROM sale\n";
const std::string kOrdersByKey =
    "      SELECT id AS order_id, ckey AS customer_key, at AS ordered_at,\n"
    "      total AS amount, channel FROM sale\n";

std::string write_config(const TestDatabase& db, const std::string& name, const std::string& customers,
                         const std::string& orders) {
    write_file(db.dir() / "rules.yaml", custclass::test::kShopRules);
    write_file(db.dir() / name,
               "custclass: 1\nsource:\n  preset: generic\n  connection: \"sqlite3://db=shop.sqlite\"\n"
               "  queries:\n    customers: >-\n" + customers + "    orders: >-\n" + orders +
               "store:\n  connection: \"sqlite3://db=" + name + ".results.sqlite\"\n"
               "rules: rules.yaml\n");
    return (db.dir() / name).string();
}

// 60 customers with integer keys (one with none and no orders), their orders, a guest sale and
// an order of a customer nobody has.
void fill(TestDatabase& db) {
    auto [customers, orders] = custclass::test::sample_shop();
    // c59 will have no key: none of its orders.
    std::erase_if(orders, [](const TestOrder& o) { return o.customer_id == "c59"; });
    orders.push_back({"stray", "nobody", "2026-11-20", "15"});
    db.add(customers, orders);
    // The host's own keys: not the ids, and sorted differently from them.
    execute_sql(db.db_path(),
                "ALTER TABLE customer ADD COLUMN ckey INTEGER;"
                "UPDATE customer SET ckey = 9000 - 7 * CAST(substr(id, 2) AS INTEGER) WHERE id <> 'c59';"
                "ALTER TABLE sale ADD COLUMN ckey INTEGER;"
                "UPDATE sale SET ckey = (SELECT ckey FROM customer WHERE customer.id = sale.customer);"
                "UPDATE sale SET ckey = 12345 WHERE id = 'stray';");
}

std::string error_of(const std::string& config) {
    try {
        plugin::Engine::open_file(config, "")->run(custclass::test::run_request("2026-11-30", true));
    } catch (const std::exception& e) {
        return e.what();
    }
    return "no error";
}

}  // namespace

TEST(CustomerKey, OrdersNamedByKeyGiveTheRunAndTheHooksOfOrdersNamedById) {
    TestDatabase db;
    fill(db);
    const auto by_id = plugin::Engine::open_file(write_config(db, "by_id.yaml", kCustomersById, kOrdersById), "");
    const auto by_key =
        plugin::Engine::open_file(write_config(db, "by_key.yaml", kCustomersWithKey, kOrdersByKey), "");
    const auto a = by_id->run(custclass::test::run_request("2026-11-30", false));
    const auto b = by_key->run(custclass::test::run_request("2026-11-30", false));
    EXPECT_EQ(b["customers"], a["customers"]);
    EXPECT_EQ(b["classifications"], a["classifications"]);
    EXPECT_EQ(b["data_quality"], a["data_quality"]);
    // The guest sale and the stray order are counted the same way both times.
    EXPECT_EQ(b["data_quality"]["orders_without_customer"], 1);
    EXPECT_EQ(b["data_quality"]["orders_of_unknown_customer"], 1);
    // The hooks read one customer's orders by its key.
    for (const char* id : {"c1", "c6", "c13", "c5", "c59"}) {
        const auto x = by_id->classify(id, custclass::test::run_request("2026-11-30", false));
        const auto y = by_key->classify(id, custclass::test::run_request("2026-11-30", false));
        EXPECT_EQ(y["classifications"], x["classifications"]) << id;
        EXPECT_EQ(y.dump(), x.dump()) << id;
    }
}

// The keys a host may have, each giving the run and the hooks of orders named by id: integer
// keys far apart (looked up in a table, not an array), negative ones, keys held as text with
// an integer among text ones, keys with leading zeros (text that is not the number), and REAL
// keys ("8993.0" is the key 8993).
TEST(CustomerKey, EveryKindOfKeyGivesTheRunOfOrdersNamedById) {
    const std::vector<std::pair<std::string, std::string>> kinds = {
        {"sparse integers", "CAST(substr(id, 2) AS INTEGER) * 1000003 - 4611686018427387904"},
        {"negative integers", "-7 * CAST(substr(id, 2) AS INTEGER) - 1"},
        {"text", "CASE WHEN id = 'c4' THEN '44' ELSE 'K-' || substr(id, 2) END"},
        {"leading zeros", "printf('%05d', CAST(substr(id, 2) AS INTEGER))"},
        {"reals", "CAST(9000 - 7 * CAST(substr(id, 2) AS INTEGER) AS REAL)"},
    };
    for (const auto& [kind, key] : kinds) {
        TestDatabase db;
        fill(db);
        // Columns without a declared type keep each value as written (no integer affinity).
        execute_sql(db.db_path(), "ALTER TABLE customer ADD COLUMN tkey; ALTER TABLE sale ADD COLUMN tkey;"
                                  "UPDATE customer SET tkey = " + key + " WHERE id <> 'c59';"
                                  "UPDATE sale SET tkey = (SELECT tkey FROM customer WHERE customer.id = sale.customer);"
                                  "UPDATE sale SET tkey = 12345 WHERE id = 'stray';");
        auto with_tkey = [](std::string query) { return query.replace(query.find("ckey"), 4, "tkey"); };
        const auto by_id = plugin::Engine::open_file(write_config(db, "by_id.yaml", kCustomersById, kOrdersById), "");
        const auto by_key = plugin::Engine::open_file(
            write_config(db, "by_key.yaml", with_tkey(kCustomersWithKey), with_tkey(kOrdersByKey)), "");
        const auto a = by_id->run(custclass::test::run_request("2026-11-30", false));
        const auto b = by_key->run(custclass::test::run_request("2026-11-30", false));
        EXPECT_EQ(b["customers"], a["customers"]) << kind;
        EXPECT_EQ(b["classifications"], a["classifications"]) << kind;
        EXPECT_EQ(b["data_quality"], a["data_quality"]) << kind;
        EXPECT_EQ(b["data_quality"]["orders_of_unknown_customer"], 1) << kind;
        for (const char* id : {"c1", "c4", "c13"}) {
            const auto x = by_id->classify(id, custclass::test::run_request("2026-11-30", false));
            const auto y = by_key->classify(id, custclass::test::run_request("2026-11-30", false));
            EXPECT_EQ(y.dump(), x.dump()) << kind << " " << id;
        }
    }
}

// The orders of a run name their customer by its position in the read of the customers just
// before (Source::read_orders_of_customers_read); a new scope drops the keys that read kept,
// so that the orders read under it are those of the scope's customers, named by id.
TEST(CustomerKey, OrdersNameTheirCustomerByPositionInTheCustomersReadAndAScopeStartsAfresh) {
    TestDatabase db;
    fill(db);
    const auto config = config::load_engine_config_file(
        write_config(db, "k.yaml", kCustomersWithKey, kOrdersByKey), {});
    const auto source = adapters::make_soci_source(config.source);
    std::vector<std::string> ids;
    source->read_customers({}, [&](adapters::CustomerBatch batch) {
        for (const auto& c : batch) ids.push_back(c.customer_id);
    });
    std::map<std::string, std::size_t> by_position, by_id;
    source->read_orders_of_customers_read([&](adapters::OrderBatch batch) {
        for (const auto& o : batch) {
            ASSERT_LT(o.customer_row, ids.size()) << o.order_id;
            EXPECT_TRUE(o.customer_id.empty()) << o.order_id;
            ++by_position[ids[o.customer_row]];
        }
    });
    source->read_orders([&](adapters::OrderBatch batch) {
        for (const auto& o : batch) {
            EXPECT_EQ(o.customer_row, adapters::OrderRow::kNoRow) << o.order_id;
            ++by_id[o.customer_id];
        }
    });
    EXPECT_EQ(by_position, by_id);
    EXPECT_GE(by_id.size(), 50u);  // the customers with orders

    // Under a scope set after a full read of the customers, the keys that read kept are not
    // used: the orders are the scope's.
    source->read_customers({}, [](adapters::CustomerBatch) {});
    source->restrict_to_customers({"c5"});
    std::size_t orders = 0;
    source->read_orders_of_customers_read([&](adapters::OrderBatch batch) {
        for (const auto& o : batch) {
            EXPECT_EQ(o.customer_row, adapters::OrderRow::kNoRow) << o.order_id;
            EXPECT_EQ(o.customer_id, "c5") << o.order_id;
            ++orders;
        }
    });
    EXPECT_EQ(orders, by_id["c5"]);
    // A read of the scope's customers, then its orders: named by their position in it.
    std::size_t customers = 0;
    source->read_customers({}, [&](adapters::CustomerBatch batch) { customers += batch.size(); });
    ASSERT_EQ(customers, 1u);
    orders = 0;
    source->read_orders_of_customers_read([&](adapters::OrderBatch batch) {
        for (const auto& o : batch) {
            EXPECT_EQ(o.customer_row, 0u) << o.order_id;
            ++orders;
        }
    });
    EXPECT_EQ(orders, by_id["c5"]);
}

TEST(CustomerKey, AKeyTwoCustomersShareIsAnErrorNamingIt) {
    TestDatabase db;
    fill(db);
    execute_sql(db.db_path(), "UPDATE customer SET ckey = 8993 WHERE id = 'c3';");  // c1's key
    const std::string message = error_of(write_config(db, "k.yaml", kCustomersWithKey, kOrdersByKey));
    EXPECT_NE(message.find("column `customer_key`: the key `8993` belongs to more than one customer"),
              std::string::npos)
        << message;
    EXPECT_NE(message.find("k.yaml"), std::string::npos) << message;
}

TEST(CustomerKey, OrdersByKeyNeedTheKeyInTheCustomersQuery) {
    TestDatabase db;
    fill(db);
    const std::string message = error_of(write_config(db, "k.yaml", kCustomersById, kOrdersByKey));
    EXPECT_NE(message.find("names each order's customer by `customer_key`, and the query for the "
                           "`customers` table"),
              std::string::npos)
        << message;
    EXPECT_NE(message.find("has no `customer_key` column"), std::string::npos) << message;
}

TEST(CustomerKey, OrdersWithNeitherIdNorKeyAreAnError) {
    TestDatabase db;
    fill(db);
    const std::string message = error_of(write_config(
        db, "k.yaml", kCustomersWithKey,
        "      SELECT id AS order_id, at AS ordered_at, total AS amount FROM sale\n"));
    EXPECT_NE(message.find("has no column `customer_id` (nor `customer_key`)"), std::string::npos)
        << message;
}
