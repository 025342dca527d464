// ADAPTERS.md `customer_key`: orders that name their customer by the host's own key (which the
// customers query maps beside `customer_id`) give exactly the run that orders naming the
// customer id give, in a full run and in the hooks, and every misuse is an error that says which
// query and which key.
#include <gtest/gtest.h>

#include <cstdio>
#include <map>

#include "engine.h"
#include "engine_config.h"
#include "order_folding.h"
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

// `more`: further queries, each line as under `queries:`.
std::string write_config(const TestDatabase& db, const std::string& name, const std::string& customers,
                         const std::string& orders, const std::string& more = "") {
    write_file(db.dir() / "rules.yaml", custclass::test::kShopRules);
    write_file(db.dir() / name,
               "custclass: 1\nsource:\n  preset: generic\n  connection: \"sqlite3://db=shop.sqlite\"\n"
               "  queries:\n    customers: >-\n" + customers + "    orders: >-\n" + orders + more +
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

// The keys of every kind below: `key`, an SQL expression of the customer's id, in a column
// `tkey` of both tables, without a declared type (so that each value stays as written, no integer
// affinity); c59 without a key, the stray order with a key nobody has.
void add_tkey(const TestDatabase& db, const std::string& key) {
    execute_sql(db.db_path(), "ALTER TABLE customer ADD COLUMN tkey; ALTER TABLE sale ADD COLUMN tkey;"
                              "UPDATE customer SET tkey = " + key + " WHERE id <> 'c59';"
                              "UPDATE sale SET tkey = (SELECT tkey FROM customer WHERE customer.id = sale.customer);"
                              "UPDATE sale SET tkey = 12345 WHERE id = 'stray';");
}

std::string with_tkey(std::string query) { return query.replace(query.find("ckey"), 4, "tkey"); }

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
        add_tkey(db, key);
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

namespace {

// A run's summary without what differs from run to run.
nlohmann::ordered_json summary_of(const std::string& config, unsigned threads) {
    auto request = custclass::test::run_request("2026-11-30", true);
    request.threads = threads;
    auto summary = plugin::Engine::open_file(config, "")->run(request);
    summary.erase("run_id");
    summary.erase("duration_ms");
    return summary;
}

std::string error_with_threads(const std::string& config, unsigned threads) {
    auto request = custclass::test::run_request("2026-11-30", true);
    request.threads = threads;
    try {
        plugin::Engine::open_file(config, "")->run(request);
    } catch (const std::exception& e) {
        return e.what();
    }
    return "no error";
}

}  // namespace

// With two threads or more, the orders named by key are read and totalled by key while the
// customers are read (Source::total_orders_ahead): every kind of key, an order after as_of,
// guest sales (a NULL key, an empty one) and an order of no customer's key give the run of one
// thread, which reads the orders after the customers and matches each to its customer first.
TEST(CustomerKey, TheOrdersReadBesideTheCustomersGiveTheRunOfOneThread) {
    const std::vector<std::pair<std::string, std::string>> kinds = {
        {"integers", "9000 - 7 * CAST(substr(id, 2) AS INTEGER)"},
        {"sparse integers", "CAST(substr(id, 2) AS INTEGER) * 1000003 - 4611686018427387904"},
        {"text", "CASE WHEN id = 'c4' THEN '44' ELSE 'K-' || substr(id, 2) END"},
        {"reals", "CAST(9000 - 7 * CAST(substr(id, 2) AS INTEGER) AS REAL)"},
    };
    for (const auto& [kind, key] : kinds) {
        TestDatabase db;
        fill(db);
        add_tkey(db, key);
        execute_sql(db.db_path(), "INSERT INTO sale (id, customer, at, total, channel, tkey) "
                                  "SELECT 'late', id, '2026-12-03', 40, 'online', tkey FROM customer WHERE id = 'c2';"
                                  "INSERT INTO sale (id, customer, at, total, channel, tkey) "
                                  "VALUES ('empty-key', NULL, '2026-11-02', 12, 'online', '');");
        const std::string config = write_config(db, "k.yaml", with_tkey(kCustomersWithKey), with_tkey(kOrdersByKey));
        const auto one = summary_of(config, 1);
        const auto two = summary_of(config, 2);
        EXPECT_EQ(two.dump(), one.dump()) << kind;
        EXPECT_EQ(two["data_quality"]["orders_after_as_of"], 1) << kind;
        EXPECT_EQ(two["data_quality"]["orders_without_customer"], 2) << kind;
        EXPECT_EQ(two["data_quality"]["orders_of_unknown_customer"], 1) << kind;
        EXPECT_EQ(summary_of(config, 4).dump(), one.dump()) << kind;
    }
}

// Read beside the customers, an order the engine cannot use stops the run with the error one
// thread gives; a problem with the customers, read first there, is still the one reported.
TEST(CustomerKey, TheOrdersReadBesideTheCustomersFailAsOneThreadDoes) {
    TestDatabase db;
    fill(db);
    execute_sql(db.db_path(), "UPDATE sale SET total = 'lots' WHERE id = 'c6-3';");
    const std::string config = write_config(db, "k.yaml", kCustomersWithKey, kOrdersByKey);
    const std::string one = error_with_threads(config, 1);
    EXPECT_NE(one.find("`lots` is not an amount"), std::string::npos) << one;
    EXPECT_EQ(error_with_threads(config, 2), one);
    // Two customers with one key as well: that error, before any order's.
    execute_sql(db.db_path(), "UPDATE customer SET ckey = 8993 WHERE id = 'c3';");  // c1's key
    const std::string customers_first = error_with_threads(config, 1);
    EXPECT_NE(customers_first.find("the key `8993` belongs to more than one customer"), std::string::npos)
        << customers_first;
    EXPECT_EQ(error_with_threads(config, 2), customers_first);
}

// The keyed shop of fill() with a `referral` table of `values` (referrer, referee, at), mapped;
// the path of the config `name`.
std::string with_referrals(TestDatabase& db, const std::string& name, const std::string& values) {
    fill(db);
    execute_sql(db.db_path(), "CREATE TABLE referral (referrer TEXT, referee TEXT, at TEXT);"
                              "INSERT INTO referral VALUES " + values + ";");
    return write_config(db, name, kCustomersWithKey, kOrdersByKey,
                        "    referrals: SELECT referrer AS referrer_id, referee AS referee_id, at AS referred_at"
                        " FROM referral\n");
}

// With two threads or more the referrals a written run's rewards need are read while the orders
// are read beside the customers (FeatureBuildOptions::beside_orders): the run's referral counts
// are those of one thread, which reads them after the features; a referral the engine cannot
// use fails the run as on one thread, and an order's failure is still the one reported first.
TEST(CustomerKey, TheReferralsReadWhileTheOrdersAreGiveAndFailAsOneThreadDoes) {
    TestDatabase db;
    const std::string config = with_referrals(db, "r.yaml",
                                              "('c1', 'c2', '2025-01-05'), ('c1', 'c3', '2025-02-01'),"
                                              " ('c4', 'c5', NULL), ('c4', 'c4', '2025-03-01'),"
                                              " ('c6', 'ghost', '2025-03-02'), ('c7', 'c8', '2026-12-20')");
    auto written = [&](unsigned threads) {
        std::remove((db.dir() / "r.yaml.results.sqlite").string().c_str());
        auto request = custclass::test::run_request("2026-11-30", false);
        request.threads = threads;
        auto summary = plugin::Engine::open_file(config, "")->run(request);
        return summary["referrals"];
    };
    const auto one = written(1);
    EXPECT_GT(one["successful"].get<int>(), 0) << one.dump();
    EXPECT_EQ(written(2).dump(), one.dump());
    EXPECT_EQ(written(4).dump(), one.dump());

    auto failed = [&](unsigned threads) {
        std::remove((db.dir() / "r.yaml.results.sqlite").string().c_str());
        auto request = custclass::test::run_request("2026-11-30", false);
        request.threads = threads;
        try {
            plugin::Engine::open_file(config, "")->run(request);
        } catch (const std::exception& e) {
            return std::string(e.what());
        }
        return std::string("no error");
    };
    execute_sql(db.db_path(), "UPDATE referral SET at = 'someday' WHERE referrer = 'c6';");
    const std::string referral_error = failed(1);
    EXPECT_NE(referral_error.find("referrals"), std::string::npos) << referral_error;
    EXPECT_NE(referral_error.find("someday"), std::string::npos) << referral_error;
    EXPECT_EQ(failed(2), referral_error);
    execute_sql(db.db_path(), "UPDATE sale SET total = 'lots' WHERE id = 'c6-3';");
    const std::string order_error = failed(1);
    EXPECT_NE(order_error.find("`lots` is not an amount"), std::string::npos) << order_error;
    EXPECT_EQ(failed(2), order_error);
}

// The r/f/m rankings run beside the families after the orders' (FeatureInputs::finish_later):
// the scores, the rfm codes and the referral features the rules read are those of one thread, on
// 2 and 4; a family after the orders' that fails (a referral the referral features cannot use)
// fails the run as on one thread while the rankings run, and the engine runs again afterwards.
TEST(CustomerKey, TheScoresRankedBesideTheFamiliesAfterThemGiveAndFailAsOneThreadDoes) {
    TestDatabase db;
    const std::string config = with_referrals(db, "s.yaml",
                                              "('c1', 'c2', '2025-01-05'), ('c1', 'c3', '2025-02-01'),"
                                              " ('c4', 'c5', '2025-03-01'), ('c6', 'c12', '2025-03-02')");
    write_file(db.dir() / "rules.yaml",
               "custclass: 1\nname: s\nversion: \"1\"\nwindow_days: 60\nclassifications:\n"
               "  - id: value\n    segments:\n"
               "      - id: top_referrer\n        when: r_score >= 3 and referrals >= 1\n"
               "      - id: top\n        when: rfm in ['555', '545', '455', '554']\n"
               "      - id: scored\n        when: f_score >= 2 or m_score >= 4\n"
               "      - id: buyer\n        when: frequency >= 1\n");
    const auto engine = plugin::Engine::open_file(config, "");
    auto run = [&](unsigned threads) {
        auto request = custclass::test::run_request("2026-11-30", true);
        request.threads = threads;
        try {
            return engine->run(request).dump();
        } catch (const std::exception& e) {
            return std::string("error: ") + e.what();
        }
    };
    auto without_duration = [](std::string summary) {
        auto document = nlohmann::ordered_json::parse(summary);
        document.erase("run_id");
        document.erase("duration_ms");
        return document.dump();
    };
    const std::string one = run(1);
    ASSERT_EQ(one.rfind("error", 0), std::string::npos) << one;
    const auto counts = nlohmann::ordered_json::parse(one)["classifications"].dump();
    for (const char* segment : {"\"top_referrer\"", "\"top\"", "\"scored\""})
        EXPECT_NE(counts.find(segment), std::string::npos) << counts;
    EXPECT_EQ(without_duration(run(2)), without_duration(one));
    EXPECT_EQ(without_duration(run(4)), without_duration(one));

    execute_sql(db.db_path(), "UPDATE referral SET at = 'someday' WHERE referrer = 'c6';");
    const std::string error = run(1);
    EXPECT_NE(error.find("someday"), std::string::npos) << error;
    EXPECT_EQ(run(2), error);
    EXPECT_EQ(run(4), error);
    execute_sql(db.db_path(), "UPDATE referral SET at = '2025-03-02' WHERE referrer = 'c6';");
    EXPECT_EQ(without_duration(run(2)), without_duration(one));
}

// A run cancelled while the customers are read stops the read of the orders beside them too.
TEST(CustomerKey, ARunCancelledWhileTheOrdersAreReadBesideTheCustomersStops) {
    TestDatabase db;
    fill(db);
    const std::string config = write_config(db, "k.yaml", kCustomersWithKey, kOrdersByKey);
    auto request = custclass::test::run_request("2026-11-30", true);
    request.threads = 2;
    request.progress = [](const char* phase, std::uint64_t, std::uint64_t) {
        return std::string(phase) != "read customers";
    };
    const auto engine = plugin::Engine::open_file(config, "");
    EXPECT_THROW(engine->run(request), plugin::Cancelled);
    // The engine runs again afterwards.
    request.progress = nullptr;
    EXPECT_GT(engine->run(request)["customers"].get<int>(), 50);
}

// The source reads the orders beside the customers only where it can (SQLite, two threads or
// more, orders named by a key the customers query returns, no scope), and hands the totals over
// once.
TEST(CustomerKey, TheSourceReadsTheOrdersBesideTheCustomersOnlyWhereItCan) {
    TestDatabase db;
    fill(db);
    const adapters::OrderTotalsRequest request{config::parse_day("2026-11-30").value(),
                                               config::parse_day("2026-11-30").value() - 365, "Asia/Hong_Kong", {}};
    auto source_of = [&](const std::string& name, const std::string& customers, const std::string& orders,
                         unsigned threads) {
        const auto config = config::load_engine_config_file(write_config(db, name, customers, orders), {});
        auto source = adapters::make_soci_source(config.source);
        source->set_threads(threads);
        return source;
    };
    EXPECT_EQ(source_of("a.yaml", kCustomersWithKey, kOrdersByKey, 1)->total_orders_ahead(request), nullptr);
    EXPECT_EQ(source_of("b.yaml", kCustomersById, kOrdersById, 2)->total_orders_ahead(request), nullptr);
    EXPECT_EQ(source_of("c.yaml", kCustomersById, kOrdersByKey, 2)->total_orders_ahead(request), nullptr);
    auto scoped = source_of("d.yaml", kCustomersWithKey, kOrdersByKey, 2);
    scoped->restrict_to_customers({"c5"});
    EXPECT_EQ(scoped->total_orders_ahead(request), nullptr);
    // More channels than an order's channel mask holds: read after the customers.
    adapters::OrderTotalsRequest many = request;
    for (std::size_t k = 0; k <= adapters::OrderFolding::kMaskChannels; ++k) many.channels.push_back("c" + std::to_string(k));
    EXPECT_EQ(source_of("h.yaml", kCustomersWithKey, kOrdersByKey, 2)->total_orders_ahead(many), nullptr);
    many.channels.pop_back();
    EXPECT_NE(source_of("i.yaml", kCustomersWithKey, kOrdersByKey, 2)->total_orders_ahead(many), nullptr);

    auto source = source_of("e.yaml", kCustomersWithKey, kOrdersByKey, 2);
    auto ahead = source->total_orders_ahead(request);
    ASSERT_NE(ahead, nullptr);
    std::vector<std::string> ids;
    source->read_customers({}, [&](adapters::CustomerBatch batch) {
        for (const auto& c : batch) ids.push_back(c.customer_id);
    });
    std::map<std::string, std::uint64_t> orders;
    ahead->finish([&](adapters::OrderTotalsBatch batch) {
        for (const auto& t : batch) {
            ASSERT_LT(t.customer_row, ids.size());
            orders[ids[t.customer_row]] += t.orders_all;
        }
    });
    EXPECT_THROW(ahead->finish([](adapters::OrderTotalsBatch) {}), std::logic_error);
    EXPECT_EQ(source->counts().orders_without_customer, 1u);
    EXPECT_EQ(source->counts().orders_of_unknown_customer, 1u);
    // The orders of each customer, as a read of the orders by id counts them.
    std::map<std::string, std::uint64_t> by_id;
    source_of("f.yaml", kCustomersById, kOrdersById, 1)->read_orders([&](adapters::OrderBatch batch) {
        for (const auto& o : batch)
            if (o.customer_id != "nobody") ++by_id[o.customer_id];
    });
    EXPECT_EQ(orders, by_id);
    // Abandoned before the customers are read: the read stops.
    EXPECT_NE(source_of("g.yaml", kCustomersWithKey, kOrdersByKey, 2)->total_orders_ahead(request), nullptr);
}

namespace {

// A customer's totals as a comparable value.
struct Totalled {
    std::uint64_t orders = 0, after_as_of = 0;
    std::vector<std::int64_t> totals;
    std::vector<std::uint32_t> channels;
    bool operator==(const Totalled&) const = default;
};

std::vector<std::int64_t> fields(const adapters::OrderTotals& t) {
    return {t.first_order,      t.last_order,     t.first_purchase,    t.last_purchase,
            t.purchases_total,  t.purchases_window, t.orders_window,  t.returns_window,
            t.purchase_amount_window, t.net_amount_window};
}

}  // namespace

// Read beside the customers, the orders are taken from the batch's columns where their values
// are the usual ones (a whole-number order id and key, a timestamp as text, an amount held as a
// number) and parsed row by row otherwise: every form of each value (text order ids, text and
// REAL and whole amounts, dates, zoned timestamps, channels in any case, NULL, empty or a number,
// keys as text, a duplicated channel) gives, customer by customer, the totals of the read after
// the customers, which matches each order to its customer first.
TEST(CustomerKey, TheOrdersReadBesideTheCustomersTakeEveryFormOfValueAsTheReadAfterThemDoes) {
    TestDatabase db;
    fill(db);
    // No declared types: each value stays as written (integer, REAL or text).
    std::string sql = "CREATE TABLE sale2 (id, ckey, at, total, channel);";
    const std::vector<std::string> ats = {"'2026-11-%02d 10:00:00'", "'2026-11-%02d'", "'2026-11-%02dT23:30:00Z'",
                                          "'2026-11-%02dT01:00:00+08:00'", "'2025-06-%02d 09:00'",
                                          "'2026-12-%02d 10:00:00'", "'2026-10-%02dT10:00'"};
    const std::vector<std::string> totals = {"40", "12.5", "'15.50'", "0.1", "-3", "0", "'7'", "19.99", "1e3"};
    const std::vector<std::string> channels = {"'online'", "'Online'", "'APP'", "'store'", "NULL", "''", "7", "'app'"};
    int n = 0;
    for (int c = 0; c < 59; ++c)
        for (int k = 0; k < 1 + c % 5; ++k, ++n) {
            char at[64];
            std::snprintf(at, sizeof at, ats[n % ats.size()].c_str(), 1 + (c + k) % 9);
            // Integer ids but for every eleventh order; the key as text for every seventh.
            const std::string id = n % 11 == 10 ? "'o-" + std::to_string(n) + "'" : std::to_string(1000 + n);
            const std::string key = "(SELECT " + std::string(n % 7 == 6 ? "CAST(ckey AS TEXT)" : "ckey") +
                                    " FROM customer WHERE id = 'c" + std::to_string(c) + "')";
            sql += "INSERT INTO sale2 VALUES (" + id + ", " + key + ", " + at + ", " + totals[n % totals.size()] +
                   ", " + channels[n % channels.size()] + ");";
        }
    sql += "INSERT INTO sale2 VALUES (5000, NULL, '2026-11-02', 12, 'online');"   // a guest sale
           "INSERT INTO sale2 VALUES (5001, '', '2026-11-02', 12, 'online');"     // another
           "INSERT INTO sale2 VALUES (5002, 12345, '2026-11-02', 12, 'online');"  // nobody's key
           "INSERT INTO sale2 VALUES (5003, '12345', '2026-11-02', 12, 'app');";
    execute_sql(db.db_path(), sql);
    const std::string orders =
        "      SELECT id AS order_id, ckey AS customer_key, at AS ordered_at,\n"
        "      total AS amount, channel FROM sale2\n";
    const adapters::OrderTotalsRequest request{config::parse_day("2026-11-30").value(),
                                               config::parse_day("2026-11-30").value() - 60, "Asia/Hong_Kong",
                                               {"online", "app", "online", "7", ""}};
    const auto config = config::load_engine_config_file(write_config(db, "v.yaml", kCustomersWithKey, orders), {});

    // Beside the customers.
    auto beside = adapters::make_soci_source(config.source);
    beside->set_threads(2);
    auto ahead = beside->total_orders_ahead(request);
    ASSERT_NE(ahead, nullptr);
    std::vector<std::string> ids;
    beside->read_customers({}, [&](adapters::CustomerBatch batch) {
        for (const auto& c : batch) ids.push_back(c.customer_id);
    });
    std::map<std::string, Totalled> got;
    ahead->finish([&](adapters::OrderTotalsBatch batch) {
        for (const auto& t : batch) {
            ASSERT_LT(t.customer_row, ids.size());
            ASSERT_FALSE(got.count(ids[t.customer_row]));
            got[ids[t.customer_row]] = {t.orders_all, t.orders_after_as_of, fields(t.totals), t.channel_purchases};
        }
    });

    // After them, each order folded into its customer's totals.
    auto after = adapters::make_soci_source(config.source);
    after->set_threads(1);
    std::vector<std::string> read;
    after->read_customers({}, [&](adapters::CustomerBatch batch) {
        for (const auto& c : batch) read.push_back(c.customer_id);
    });
    ASSERT_EQ(read, ids);
    const adapters::OrderFolding folding(request);
    std::map<std::string, adapters::OrderTotals> sums;
    std::map<std::string, Totalled> expected;
    after->read_orders_of_customers_read([&](adapters::OrderBatch batch) {
        for (const auto& o : batch) {
            const std::string id = o.customer_row != adapters::OrderRow::kNoRow ? read.at(o.customer_row) : o.customer_id;
            Totalled& e = expected[id];
            e.channels.resize(request.channels.size());
            ++e.orders;
            if (!folding.add(sums[id], e.channels.data(), o.ordered_at, o.amount, o.channel)) ++e.after_as_of;
        }
    });
    for (auto& [id, e] : expected) e.totals = fields(sums[id]);
    EXPECT_EQ(got.size(), 59u);
    EXPECT_EQ(got, expected);
    EXPECT_EQ(beside->counts().orders_without_customer, after->counts().orders_without_customer);
    EXPECT_EQ(beside->counts().orders_without_customer, 2u);
    EXPECT_EQ(beside->counts().orders_of_unknown_customer, after->counts().orders_of_unknown_customer);
    EXPECT_EQ(beside->counts().orders_of_unknown_customer, 2u);
    // Something of each kind was counted.
    std::uint64_t after_as_of = 0, online = 0, app = 0, seven = 0, empty = 0, returns = 0;
    for (const auto& [id, t] : got) {
        after_as_of += t.after_as_of;
        online += t.channels[0];
        app += t.channels[1];
        EXPECT_EQ(t.channels[2], t.channels[0]);
        seven += t.channels[3];
        empty += t.channels[4];
        returns += static_cast<std::uint64_t>(t.totals[7]);
    }
    EXPECT_GT(after_as_of, 0u);
    EXPECT_GT(online, 0u);
    EXPECT_GT(app, 0u);
    EXPECT_GT(seven, 0u);
    EXPECT_GT(empty, 0u);
    EXPECT_GT(returns, 0u);
}

// An order the batch's columns do not give (a timestamp that does not parse, an amount that is
// NULL, a channel that is not UTF-8), among orders that they do, stops the run with the error
// the read after the customers gives.
TEST(CustomerKey, AnOrderTheColumnsDoNotGiveFailsBesideTheCustomersAsAfterThem) {
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"at = 'soon'", "`soon` is not a date or timestamp"},
        {"total = NULL", "the amount is NULL"},
        {"channel = CAST(X'C328' AS TEXT)", "not valid UTF-8"},
    };
    for (const auto& [change, message] : cases) {
        TestDatabase db;
        fill(db);
        execute_sql(db.db_path(), "CREATE TABLE sale2 AS SELECT rowid AS id, ckey, at, total, channel FROM sale;"
                                  "UPDATE sale2 SET " + change + " WHERE id = 7;");
        const std::string config = write_config(db, "k.yaml", kCustomersWithKey,
                                                "      SELECT id AS order_id, ckey AS customer_key, at AS ordered_at,\n"
                                                "      total AS amount, channel FROM sale2\n");
        const std::string one = error_with_threads(config, 1);
        EXPECT_NE(one.find(message), std::string::npos) << one;
        EXPECT_NE(one.find("key `7`"), std::string::npos) << one;
        EXPECT_EQ(error_with_threads(config, 2), one) << change;
    }
}
