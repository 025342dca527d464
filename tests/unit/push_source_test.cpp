#include "push_source.h"

#include <gtest/gtest.h>

#include "engine.h"
#include "errors.h"
#include "test_database.h"

using namespace custclass;
using custclass::test::TestDatabase;
using custclass::test::TestOrder;
using custclass::test::write_file;

namespace {

const std::string& kRules = custclass::test::kShopRules;

plugin::RunRequest as_of(const std::string& day) { return custclass::test::run_request(day); }

std::optional<std::string> opt(const std::string& s) {
    if (s.empty()) return std::nullopt;
    return s;
}

}  // namespace

TEST(PushSource, PushedRowsGiveTheSameSegmentsAsTheDatabase) {
    const auto [customers, orders] = custclass::test::sample_shop();

    TestDatabase db;
    db.add(customers, orders);
    const auto from_db = plugin::Engine::open_file(db.write_config(kRules), "")->run(as_of("2026-11-30"));

    write_file(db.dir() / "push.yaml",
               "custclass: 1\nsource:\n  preset: push\nstore:\n  connection: \"sqlite3://db=results.sqlite\"\n"
               "rules: rules.yaml\n");
    auto engine = plugin::Engine::open_file((db.dir() / "push.yaml").string(), "");
    const auto feed = engine->begin_feed();
    adapters::PushSource& pushed = *feed;
    for (const auto& c : customers)
        pushed.add_customer({c.id, opt(c.created_at), opt(c.birth_date), opt(c.gender), opt(c.district)});
    for (const auto& o : orders)
        pushed.add_order({o.id, opt(o.customer_id), o.ordered_at, o.amount, o.channel});
    const auto from_push = engine->end_feed(as_of("2026-11-30"), pushed);

    EXPECT_EQ(from_push["customers"], from_db["customers"]);
    EXPECT_EQ(from_push["classifications"], from_db["classifications"]);
    EXPECT_EQ(from_push["data_quality"], from_db["data_quality"]);
    // A dry run publishes nothing to look customers up in; a real one does.
    EXPECT_THROW(engine->classify("c1", as_of("2026-11-30")), plugin::NotFound);
    auto stored = as_of("2026-11-30");
    stored.dry_run = false;
    engine->end_feed(stored, pushed);
    auto db_engine = plugin::Engine::open_file((db.dir() / "custclass.yaml").string(), "");
    for (const char* id : {"c1", "c6", "c13", "c5"}) {
        auto a = engine->classify(id, as_of("2026-11-30"));
        auto b = db_engine->classify(id, as_of("2026-11-30"));
        EXPECT_EQ(a["classifications"], b["classifications"]) << id;
    }
}

TEST(PushSource, ABadRecordIsAnErrorNamingTableKeyAndField) {
    adapters::PushSource pushed(2);
    try {
        pushed.add_order({"o1", "c1", "2026-11-01", "12,50"});
        FAIL() << "no error";
    } catch (const adapters::DataError& e) {
        EXPECT_STREQ(e.what(), "table `orders`, key `o1`, column `amount`: `12,50` is not an amount (pushed by the host)");
    }
    EXPECT_THROW(pushed.add_customer({std::nullopt}), adapters::DataError);
    EXPECT_THROW(pushed.add_customer({"c1", "last tuesday"}), adapters::DataError);
    EXPECT_EQ(pushed.customers(), 0u);
    EXPECT_EQ(pushed.orders(), 0u);
}

TEST(PushSource, AnEngineThatReadsADatabaseRefusesPushedRows) {
    TestDatabase db;
    auto engine = plugin::Engine::open_file(db.write_config(kRules), "");
    EXPECT_THROW(engine->begin_feed(), plugin::InvalidArgument);
    adapters::PushSource pushed(2);
    EXPECT_THROW(engine->end_feed(as_of("2026-11-30"), pushed), plugin::InvalidArgument);
}
