#include "feature_builder.h"

#include <gtest/gtest.h>

#include "engine_config.h"
#include "soci_source.h"
#include "test_database.h"

#include <sqlite3.h>

#include "rule_set.h"

using namespace custclass;
using custclass::test::TestCustomer;
using custclass::test::TestDatabase;
using custclass::test::TestOrder;

namespace {

const std::string kRules =
    "custclass: 1\nname: t\nversion: \"1\"\nwindow_days: 30\nclassifications:\n  - id: v\n"
    "    segments:\n      - id: a\n        when: true\n";

struct Built {
    plugin::FeatureTable table;
    plugin::FeatureBuildReport report;
};

Built build(const TestDatabase& db, const std::string& as_of, std::vector<std::string> features,
            std::int64_t window_days = 30, unsigned threads = 1, bool mask = false) {
    const auto cfg = config::load_engine_config_file(db.write_config(kRules), {});
    auto source = adapters::make_soci_source(cfg.source);
    plugin::FeatureBuildOptions options;
    options.as_of = *config::parse_day(as_of);
    options.window_days = window_days;
    options.features = std::move(features);
    options.threads = threads;
    options.mask_identifiers = mask;
    plugin::FeatureBuildReport report;
    auto table = plugin::build_features(*source, options, report);
    return {std::move(table), std::move(report)};
}

double number(const Built& b, const std::string& feature, const std::string& id) {
    return b.table.find(feature)->numbers[*b.table.row_of(id)];
}

}  // namespace

TEST(Features, RecencyFrequencyMonetaryWithinTheWindowAsOfTheRunDate) {
    TestDatabase db;
    db.add({{"c1", "2025-01-01"}},
           {{"o1", "c1", "2026-11-01 09:00:00", "100.10"},   // day 29 before as_of: in the window
            {"o2", "c1", "2026-10-31 23:59:59", "50"},       // exactly window_days before: out
            {"o3", "c1", "2026-11-20 10:00:00", "20.05"},
            {"o4", "c1", "2026-11-30 12:00:00", "-20.05"},   // a full refund of o3, on as_of
            {"o5", "c1", "2026-12-01 08:00:00", "999"}});    // after as_of: ignored
    const Built b = build(db, "2026-11-30",
                          {"recency_days", "frequency", "monetary", "avg_order_value",
                           "tenure_days", "orders_total", "returns_rate"});
    EXPECT_EQ(number(b, "recency_days", "c1"), 10);
    EXPECT_EQ(number(b, "frequency", "c1"), 2);
    EXPECT_EQ(number(b, "monetary", "c1"), 100.10);  // 100.10 + 20.05 − 20.05, exactly
    EXPECT_DOUBLE_EQ(number(b, "avg_order_value", "c1"), 60.075);
    EXPECT_EQ(number(b, "tenure_days", "c1"), 30);
    EXPECT_EQ(number(b, "orders_total", "c1"), 3);
    EXPECT_DOUBLE_EQ(number(b, "returns_rate", "c1"), 1.0 / 3.0);
    EXPECT_EQ(b.report.data_quality.at("orders_after_as_of"), 1u);
}

TEST(Features, OrderTimestampsWithAZoneCountInTheRuleSetTimeZone) {
    TestDatabase db;
    // 2026-11-29 17:00 UTC is 2026-11-30 01:00 in Hong Kong.
    db.add({{"c1", "2025-01-01"}}, {{"o1", "c1", "2026-11-29T17:00:00Z", "10"}});
    const Built b = build(db, "2026-11-30", {"recency_days"});
    EXPECT_EQ(number(b, "recency_days", "c1"), 0);
}

TEST(Features, ACustomerExistsOnlyIfCreatedOrBuyingByTheRunDate) {
    TestDatabase db;
    db.add({{"early", "2026-01-01"},
            {"late", "2026-12-15"},
            {"imported_late", "2026-12-20"},
            {"no_date", ""}},
           {{"o1", "imported_late", "2026-06-01", "10"}});
    const Built b = build(db, "2026-11-30", {"frequency"});
    EXPECT_TRUE(b.table.row_of("early"));
    EXPECT_FALSE(b.table.row_of("late"));
    EXPECT_TRUE(b.table.row_of("imported_late"));
    EXPECT_FALSE(b.table.row_of("no_date"));
    EXPECT_EQ(b.report.excluded.at("not_yet_customer"), 2u);
    EXPECT_EQ(b.report.customers_read, 4u);
}

TEST(Features, NullsWhereTheDefinitionSaysSo) {
    TestDatabase db;
    db.add({{"never", "2026-01-01"}}, {});
    const Built b = build(db, "2026-11-30",
                          {"recency_days", "frequency", "monetary", "avg_order_value",
                           "tenure_days", "returns_rate", "r_score", "rfm"});
    EXPECT_TRUE(std::isnan(number(b, "recency_days", "never")));
    EXPECT_EQ(number(b, "frequency", "never"), 0);
    EXPECT_EQ(number(b, "monetary", "never"), 0);
    EXPECT_TRUE(std::isnan(number(b, "avg_order_value", "never")));
    EXPECT_TRUE(std::isnan(number(b, "tenure_days", "never")));
    EXPECT_TRUE(std::isnan(number(b, "returns_rate", "never")));
    EXPECT_TRUE(std::isnan(number(b, "r_score", "never")));
    EXPECT_EQ(b.table.find("rfm")->codes[0], plugin::kNullCode);
}

TEST(Features, RfmScoresRankAmongActiveCustomersAndTiesShareAScore) {
    TestDatabase db;
    std::vector<TestCustomer> customers;
    std::vector<TestOrder> orders;
    // Ten active customers: c0 bought 1 time ... c9 10 times; c4 and c5 tie on 5 purchases.
    const int purchases[10] = {1, 2, 3, 4, 5, 5, 7, 8, 9, 10};
    for (int i = 0; i < 10; ++i) {
        const std::string id = "c" + std::to_string(i);
        customers.push_back({id, "2026-01-01"});
        for (int k = 0; k < purchases[i]; ++k)
            orders.push_back({id + "-" + std::to_string(k), id,
                              "2026-11-" + std::string(k + 1 < 10 ? "0" : "") + std::to_string(k + 1),
                              "10"});
    }
    customers.push_back({"inactive", "2026-01-01"});
    db.add(customers, orders);
    const Built b = build(db, "2026-11-30", {"f_score", "m_score", "r_score", "rfm"});
    // f_score = 1 + floor(5 × worse / 10).
    const int expected[10] = {1, 1, 2, 2, 3, 3, 4, 4, 5, 5};
    for (int i = 0; i < 10; ++i) {
        const std::string id = "c" + std::to_string(i);
        EXPECT_EQ(number(b, "f_score", id), expected[i]) << id;
        EXPECT_EQ(number(b, "m_score", id), expected[i]) << id;  // monetary = 10 × purchases
    }
    EXPECT_TRUE(std::isnan(number(b, "f_score", "inactive")));
    // Last purchase on day k = purchases: c9 bought most recently → best recency.
    EXPECT_EQ(number(b, "r_score", "c9"), 5);
    EXPECT_EQ(number(b, "r_score", "c0"), 1);
    EXPECT_EQ(number(b, "r_score", "c4"), number(b, "r_score", "c5"));
    const auto& rfm = *b.table.find("rfm");
    EXPECT_EQ(rfm.dictionary[static_cast<std::size_t>(rfm.codes[*b.table.row_of("c9")])], "555");
}

TEST(Features, ParetoClassesByShareOfRevenueRankedAhead) {
    TestDatabase db;
    db.add({{"a", "2026-01-01"}, {"b", "2026-01-01"}, {"c", "2026-01-01"}, {"d", "2026-01-01"},
            {"e", "2026-01-01"}},
           {{"1", "a", "2026-11-01", "700"},
            {"2", "b", "2026-11-01", "150"},  // ahead of b: 70%
            {"3", "c", "2026-11-01", "100"},  // ahead of c: 85%
            {"4", "d", "2026-11-01", "50"},   // ahead of d: 95%
            {"5", "e", "2026-11-01", "-5"}});
    const Built b = build(db, "2026-11-30", {"pareto_class"});
    const auto& col = *b.table.find("pareto_class");
    auto cls = [&](const char* id) {
        const auto code = col.codes[*b.table.row_of(id)];
        return code < 0 ? std::string("null") : col.dictionary[static_cast<std::size_t>(code)];
    };
    EXPECT_EQ(cls("a"), "A");
    EXPECT_EQ(cls("b"), "A");
    EXPECT_EQ(cls("c"), "B");
    EXPECT_EQ(cls("d"), "C");
    EXPECT_EQ(cls("e"), "null");
}

TEST(Features, BackgroundAttributes) {
    TestDatabase db;
    db.add({{"c1", "2026-11-01", "2000-11-30", "F", "Sha Tin", "Skincare, toys ,skincare"},
            {"c2", "2026-11-01", "2000-12-01", "M", "", ""}},
           {});
    const Built b = build(db, "2026-11-30",
                          {"age", "age_band", "gender", "district", "interests", "signup_days",
                           "is_prospect"});
    EXPECT_EQ(number(b, "age", "c1"), 26);  // birthday on as_of
    EXPECT_EQ(number(b, "age", "c2"), 25);
    EXPECT_EQ(b.table.find("age_band")->json_value(0), "25-34");
    EXPECT_EQ(b.table.find("interests")->json_value(0), nlohmann::ordered_json({"skincare", "toys"}));
    EXPECT_TRUE(b.table.find("interests")->json_value(1).is_null());
    EXPECT_EQ(number(b, "signup_days", "c1"), 29);
    EXPECT_EQ(b.table.find("is_prospect")->json_value(0), true);
}

// The background's text columns are found over the threads and coded in row order: 40,000
// customers (three ranges of rows and more) give the same values on 4 threads as on 1, row by
// row, with the interests lower-cased, masked, split, trimmed and each word once.
TEST(Features, BackgroundTextsOnFourThreadsAreThoseOfOne) {
    TestDatabase db;
    std::vector<TestCustomer> customers;
    const std::vector<std::string> interests = {"Skincare, toys ,skincare", "", "call 9123 4567, Toys",
                                                ",,", "TOYS", "mail me@example.com,travel , Travel"};
    for (int i = 0; i < 40000; ++i)
        customers.push_back({"c" + std::to_string(i), "2026-01-01", i % 5 ? "19" + std::to_string(40 + i % 60) + "-06-15" : "",
                             i % 2 ? "F" : "M", "Sha Tin", i % 7 == 3 ? "" : interests[i % interests.size()] + (i % 3 ? "" : ", Gift " + std::to_string(i % 50))});
    db.add(customers, {});
    const std::vector<std::string> features = {"age_band", "interests"};
    for (const bool mask : {false, true}) {
        const Built one = build(db, "2026-11-30", features, 30, 1, mask);
        const Built four = build(db, "2026-11-30", features, 30, 4, mask);
        ASSERT_EQ(one.table.rows(), 40000u);
        ASSERT_EQ(four.table.rows(), one.table.rows());
        for (const auto& f : features) {
            for (std::size_t r = 0; r < one.table.rows(); ++r)
                ASSERT_EQ(four.table.find(f)->json_value(r), one.table.find(f)->json_value(r)) << f << " row " << r;
            // The very codes, in the same order.
            EXPECT_EQ(four.table.find(f)->dictionary, one.table.find(f)->dictionary) << f;
            EXPECT_EQ(four.table.find(f)->codes, one.table.find(f)->codes) << f;
        }
        EXPECT_EQ(one.table.find("interests")->json_value(2),
                  mask ? nlohmann::ordered_json({"call [PHONE]", "toys"}) : nlohmann::ordered_json({"call 9123 4567", "toys"}));
        EXPECT_EQ(one.table.find("interests")->json_value(0), nlohmann::ordered_json({"skincare", "toys", "gift 0"}));
        EXPECT_TRUE(one.table.find("interests")->json_value(3).is_null());
        EXPECT_EQ(one.table.find("interests")->json_value(9), nlohmann::ordered_json({"gift 9"}));  // ",," before it
        EXPECT_EQ(one.table.find("age_band")->json_value(0).is_null(), true);
    }
}

// The background is worked out for every customer read, before the run knows whom it keeps:
// the kept customers' columns hold their own values only, and the interests' dictionary only the
// words of kept customers, coded in the order the kept rows first meet them.
TEST(Features, BackgroundOfTheKeptCustomersOnly) {
    TestDatabase db;
    db.add({{"c1", "2026-12-05", "1990-01-01", "F", "Sha Tin", "Zebra, Apple"},  // not yet a customer
            {"c2", "2026-01-01", "1980-06-15", "M", "Sha Tin", "Apple, Toys, apple"},
            {"c3", "2026-12-10", "1970-01-01", "F", "Sha Tin", "Hidden"},  // not yet a customer
            {"c4", "2026-01-01", "", "F", "Sha Tin", "Zebra ,toys"}},
           {});
    const Built b = build(db, "2026-11-30", {"age", "age_band", "interests"});
    ASSERT_EQ(b.table.rows(), 2u);
    EXPECT_EQ(b.report.excluded.at("not_yet_customer"), 2u);
    const plugin::Column& interests = *b.table.find("interests");
    EXPECT_EQ(interests.dictionary, (std::vector<std::string>{"apple", "toys", "zebra"}));
    EXPECT_EQ(interests.codes, (std::vector<std::int32_t>{0, 1, 2, 1}));
    EXPECT_EQ(interests.json_value(*b.table.row_of("c2")), nlohmann::ordered_json({"apple", "toys"}));
    EXPECT_EQ(interests.json_value(*b.table.row_of("c4")), nlohmann::ordered_json({"zebra", "toys"}));
    EXPECT_EQ(number(b, "age", "c2"), 46);
    EXPECT_TRUE(plugin::is_null(number(b, "age", "c4")));
    EXPECT_EQ(b.table.find("age_band")->json_value(*b.table.row_of("c2")), "45-54");
    EXPECT_TRUE(b.table.find("age_band")->json_value(*b.table.row_of("c4")).is_null());
}

TEST(Features, BadDataIsAnErrorNamingTableKeyAndValue) {
    TestDatabase db;
    db.add({{"c1", "2026-01-01"}}, {{"o1", "c1", "2026-11-01", "'12,50'"}});
    try {
        build(db, "2026-11-30", {"monetary"});
        FAIL() << "no error";
    } catch (const adapters::DataError& e) {
        EXPECT_NE(std::string(e.what()).find("table `orders`, key `o1`, column `amount`: `12,50` is not an amount"),
                  std::string::npos)
            << e.what();
    }
    TestDatabase db2;
    db2.add({{"c1", "yesterday"}}, {});
    EXPECT_THROW(build(db2, "2026-11-30", {"frequency"}), adapters::DataError);
}

TEST(Features, OrdersWithoutCustomerAreCountedNotFailed) {
    TestDatabase db;
    db.add({{"c1", "2026-01-01"}},
           {{"o1", "", "2026-11-01", "10"}, {"o2", "ghost", "2026-11-01", "10"}});
    const Built b = build(db, "2026-11-30", {"frequency"});
    EXPECT_EQ(b.report.data_quality.at("orders_without_customer"), 1u);
    EXPECT_EQ(b.report.data_quality.at("orders_of_unknown_customer"), 1u);
}

TEST(Features, SQLiteRealAndNumericAmountsAreReadExactly) {
    TestDatabase db;
    // 0.1 + 0.2 in binary floating point is not 0.3; read as decimal text it is.
    db.add({{"c1", "2026-01-01"}, {"c2", "2026-01-01"}},
           {{"o1", "c1", "2026-11-01", "0.1"}, {"o2", "c1", "2026-11-02", "0.2"},
            {"o3", "c2", "2026-11-03", "0.3"}});
    const Built b = build(db, "2026-11-30", {"monetary", "m_score"});
    EXPECT_EQ(number(b, "monetary", "c1"), number(b, "monetary", "c2"));
    EXPECT_EQ(number(b, "m_score", "c1"), number(b, "m_score", "c2"));  // equal totals tie
}

namespace {

// A database with lines, referrals and opt-outs beside the customers and orders.
std::string rich_config(TestDatabase& db, const std::string& rules) {
    sqlite3* h = nullptr;
    sqlite3_open(db.db_path().c_str(), &h);
    sqlite3_exec(h,
                 "ALTER TABLE customer ADD COLUMN email TEXT;"
                 "ALTER TABLE customer ADD COLUMN phone TEXT;"
                 "ALTER TABLE customer ADD COLUMN tier TEXT;"
                 "ALTER TABLE customer ADD COLUMN points TEXT;"
                 "CREATE TABLE line(sale TEXT, sku TEXT, cat TEXT, amount NUMERIC);"
                 "CREATE TABLE referral(referrer TEXT, referee TEXT, at TEXT);"
                 "CREATE TABLE optout(customer TEXT, email TEXT, phone TEXT);",
                 nullptr, nullptr, nullptr);
    sqlite3_close(h);
    custclass::test::write_file(db.dir() / "rules.yaml", rules);
    custclass::test::write_file(
        db.dir() / "custclass.yaml",
        "custclass: 1\nsource:\n  connection: \"sqlite3://db=shop.sqlite\"\n  queries:\n"
        "    customers: SELECT id AS customer_id, created AS created_at, district, email, phone,"
        " tier AS attr_tier, points AS attr_points FROM customer\n"
        "    orders: SELECT id AS order_id, customer AS customer_id, at AS ordered_at, total AS amount, channel FROM sale\n"
        "    order_lines: SELECT sale AS order_id, sku AS product_id, cat AS category, amount FROM line\n"
        "    referrals: SELECT referrer AS referrer_id, referee AS referee_id, at AS referred_at FROM referral\n"
        "    opt_outs: SELECT customer AS customer_id, email, phone FROM optout\n"
        "rules: rules.yaml\n");
    return (db.dir() / "custclass.yaml").string();
}

void exec(const TestDatabase& db, const std::string& sql) { test::execute_sql(db.db_path(), sql); }

Built build_rich(const std::string& config_path, const std::string& as_of,
                 std::vector<std::string> features) {
    const auto cfg = config::load_engine_config_file(config_path, {});
    auto source = adapters::make_soci_source(cfg.source);
    plugin::FeatureBuildOptions options;
    options.as_of = *config::parse_day(as_of);
    options.window_days = cfg.rules.window_days;
    options.features = std::move(features);
    options.attributes = cfg.rules.attributes;
    options.enrichments = cfg.rules.enrichments;
    plugin::FeatureBuildReport report;
    auto table = plugin::build_features(*source, options, report);
    return {std::move(table), std::move(report)};
}

const std::string kRichRules =
    "custclass: 1\nname: t\nversion: \"1\"\nwindow_days: 30\n"
    "attributes: {tier: text, points: number}\n"
    "enrich:\n  - id: income\n    key: district\n    csv: income.csv\n    columns: {median: number, label: text}\n"
    "classifications:\n  - id: v\n    segments:\n      - id: a\n        when: true\n";

}  // namespace

// channel_share(ch) counts the purchases through `ch` in any letter case, over the purchases in
// the window (a return is no purchase; another channel's name that only starts alike is not ch).
TEST(Features, ChannelSharesMatchTheChannelInAnyCase) {
    TestDatabase db;
    db.add({{"c1", "2025-01-01"}},
           {{"o1", "c1", "2026-11-20 10:00:00", "10", "ONLINE"},
            {"o2", "c1", "2026-11-21 10:00:00", "10", "Online"},
            {"o3", "c1", "2026-11-22 10:00:00", "10", "online"},
            {"o4", "c1", "2026-11-23 10:00:00", "10", "online-store"},
            {"o5", "c1", "2026-11-24 10:00:00", "-10", "online"}});
    const Built b = build(db, "2026-11-30", {"channel_share:online", "channel_share:OnLine-Store"});
    EXPECT_DOUBLE_EQ(number(b, "channel_share:online", "c1"), 3.0 / 4.0);
    EXPECT_DOUBLE_EQ(number(b, "channel_share:OnLine-Store", "c1"), 1.0 / 4.0);
}

TEST(Features, CategorySharesAndTopCategoryOverPurchasesInTheWindow) {
    TestDatabase db;
    db.add({{"c1", "2026-01-01"}, {"c2", "2026-01-01"}},
           {{"o1", "c1", "2026-11-10", "100"}, {"o2", "c1", "2026-11-11", "-30"},
            {"o3", "c1", "2026-01-01", "500"}, {"o4", "c2", "2026-11-12", "40"}});
    const auto config = rich_config(db, kRichRules);
    exec(db,
         "INSERT INTO line VALUES ('o1','p1','Skincare',60),('o1','p2','toys',40),"
         "('o2','p1','skincare',-30),"   // a return: not a purchase, left out
         "('o3','p3','toys',500),"       // outside the window
         "('o4','p4','toys',20),('o4','p5','Skincare',20);");
    const Built b = build_rich(config, "2026-11-30", {"share:skincare", "share:garden", "top_category"});
    EXPECT_DOUBLE_EQ(number(b, "share:skincare", "c1"), 0.6);
    EXPECT_EQ(number(b, "share:garden", "c1"), 0);
    EXPECT_EQ(b.table.find("top_category")->json_value(*b.table.row_of("c1")), "skincare");
    EXPECT_EQ(b.table.find("top_category")->json_value(*b.table.row_of("c2")), "skincare");  // tie: alphabetical
}

TEST(Features, ReferralsCountRefereesWhoBoughtAndTheirMonetary) {
    TestDatabase db;
    db.add({{"r", "2025-01-01"}, {"e1", "2025-06-01"}, {"e2", "2025-06-01"}, {"e3", "2025-06-01"}},
           {{"o1", "e1", "2026-11-10", "100"}, {"o2", "e1", "2026-11-11", "50.50"},
            {"o3", "e3", "2026-12-10", "70"}});  // e3 buys only after as_of
    const auto config = rich_config(db, kRichRules);
    exec(db, "INSERT INTO referral VALUES ('r','e1','2025-06-01'),('r','e2','2025-06-01'),"
             "('r','e3','2025-06-01'),('r','e1','2025-06-01'),('r','ghost',NULL);");
    const Built b = build_rich(config, "2026-11-30", {"referrals", "referral_revenue"});
    EXPECT_EQ(number(b, "referrals", "r"), 1);
    EXPECT_EQ(number(b, "referral_revenue", "r"), 150.50);
    EXPECT_EQ(number(b, "referrals", "e1"), 0);
    EXPECT_EQ(b.report.data_quality.at("referrals_of_unknown_customer"), 1u);
}

namespace {

// The opted_out column built after `sql` (run on the database of rich_config) filled the
// customers' e-mails and phones and the opt-out list; opted_out(b, id) reads a customer's flag.
Built opted_out_after(TestDatabase& db, const std::string& sql) {
    const auto config = rich_config(db, kRichRules);
    exec(db, sql);
    return build_rich(config, "2026-11-30", {"opted_out"});
}

nlohmann::ordered_json opted_out(const Built& b, const std::string& id) {
    return b.table.find("opted_out")->json_value(*b.table.row_of(id));
}

}  // namespace

TEST(Features, OptedOutByIdLowerCasedEmailOrE164Phone) {
    TestDatabase db;
    db.add({{"a", "2025-01-01"}, {"b", "2025-01-01"}, {"c", "2025-01-01"}, {"d", "2025-01-01"}}, {});
    const Built b = opted_out_after(db, "UPDATE customer SET email = 'Amy@Example.com' WHERE id = 'b';"
             "UPDATE customer SET phone = '+852 9123 4567' WHERE id = 'c';"
             "UPDATE customer SET phone = '9876 5432' WHERE id = 'd';"
             "INSERT INTO optout VALUES ('a',NULL,NULL),(NULL,' amy@example.COM',NULL),"
             "(NULL,NULL,'9123-4567'),(NULL,NULL,'+852 9876 0000');");
    EXPECT_EQ(opted_out(b, "a"), true);
    EXPECT_EQ(opted_out(b, "b"), true);
    EXPECT_EQ(opted_out(b, "c"), true);
    EXPECT_EQ(opted_out(b, "d"), false);
}

// The opt-out list answers a value not listed without a full lookup (OptOutList::Listed's
// sieve): every value listed must still be found, whatever its length (shorter than 8 bytes,
// 8 to 16, longer), and every value not listed must not, among thousands of each.
TEST(Features, OptedOutFoundAmongThousandsListedAndNotListed) {
    TestDatabase db;
    db.add({}, {});
    // Customer i: id "k<i>" (2–5 bytes), e-mail of 7–29 bytes, phone of 8 digits. Listed: every
    // third id, every fifth e-mail (upper-cased in the list), every seventh phone (with +852).
    const Built b = opted_out_after(db, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000) "
             "INSERT INTO customer(id, created, email, phone) SELECT 'k' || i, '2025-01-01', "
             "substr('abcdefghijklmnopqrstu', 1, i % 21) || i || '@x.hk', 90000000 + i FROM n;"
             "INSERT INTO optout SELECT id, NULL, NULL FROM customer WHERE CAST(substr(id, 2) AS INTEGER) % 3 = 0;"
             "INSERT INTO optout SELECT NULL, upper(email), NULL FROM customer "
             "WHERE CAST(substr(id, 2) AS INTEGER) % 5 = 0;"
             "INSERT INTO optout SELECT NULL, NULL, '+852 ' || phone FROM customer "
             "WHERE CAST(substr(id, 2) AS INTEGER) % 7 = 0;");
    std::size_t listed = 0;
    for (int i = 1; i <= 3000; ++i) {
        const bool expected = i % 3 == 0 || i % 5 == 0 || i % 7 == 0;
        listed += expected;
        ASSERT_EQ(opted_out(b, "k" + std::to_string(i)), expected) << "customer k" << i;
    }
    EXPECT_EQ(listed, 1629u);  // 3000 less the 1371 divisible by none of 3, 5 and 7
}

TEST(Features, DeclaredAttributesAndEnrichmentTables) {
    TestDatabase db;
    db.add({{"a", "2025-01-01", "", "", "Sha Tin"}, {"b", "2025-01-01", "", "", "Islands"}}, {});
    const auto config = rich_config(db, kRichRules);
    exec(db, "UPDATE customer SET tier = 'gold', points = '1250.5' WHERE id = 'a';");
    custclass::test::write_file(db.dir() / "income.csv",
                                "district,median,label\n\"Sha Tin\",31000,\"mid, high\"\nEastern,33000,x\n");
    const Built b = build_rich(config, "2026-11-30",
                               {"attr.tier", "attr.points", "enrich.income.median", "enrich.income.label"});
    EXPECT_EQ(b.table.find("attr.tier")->json_value(*b.table.row_of("a")), "gold");
    EXPECT_EQ(number(b, "attr.points", "a"), 1250.5);
    EXPECT_TRUE(std::isnan(number(b, "attr.points", "b")));
    EXPECT_EQ(number(b, "enrich.income.median", "a"), 31000);
    EXPECT_EQ(b.table.find("enrich.income.label")->json_value(*b.table.row_of("a")), "mid, high");
    EXPECT_TRUE(std::isnan(number(b, "enrich.income.median", "b")));
    // A bad number in the CSV names the table, the key and the value.
    custclass::test::write_file(db.dir() / "income.csv", "district,median,label\nSha Tin,lots,x\n");
    try {
        build_rich(config, "2026-11-30", {"enrich.income.median"});
        FAIL() << "no error";
    } catch (const adapters::DataError& e) {
        EXPECT_STREQ(e.what(), "enrichment table `income`, key `Sha Tin`, column `median`: `lots` is not a number");
    }
}

TEST(Features, ARuleReadingAnUnmappedTableIsAValidationError) {
    TestDatabase db;
    const auto path = db.write_config(
        "custclass: 1\nname: t\nversion: \"1\"\nclassifications:\n  - id: v\n    segments:\n"
        "      - id: a\n        when: share('toys') > 0.5 or referrals > 1\n");
    try {
        config::load_engine_config_file(path, {});
        FAIL() << "no error";
    } catch (const config::ConfigError& e) {
        const auto& items = e.diagnostics().items();
        ASSERT_EQ(items.size(), 2u);
        EXPECT_EQ(items[0].line, 3);  // the `source` mapping
        EXPECT_NE(items[0].message.find("reads `share('toys')`, which needs the `order_lines` table"), std::string::npos)
            << items[0].message;
        EXPECT_NE(items[1].message.find("`referrals` table"), std::string::npos);
    }
}

namespace {

// A source that forwards to another and counts the calls made after the builder said it was
// done with it (FeatureBuildOptions::source_free).
class WatchedSource final : public adapters::Source {
public:
    explicit WatchedSource(adapters::Source& inner) : inner_(inner) {}
    int freed = 0;             // source_free calls
    int used_after_free = 0;   // calls on the source after the first
    void free() { ++freed; }

    void read_customers(const std::vector<std::string>& a, const std::function<void(adapters::CustomerBatch)>& s) override {
        use();
        inner_.read_customers(a, s);
    }
    void read_orders(const std::function<void(adapters::OrderBatch)>& s) override { use(); inner_.read_orders(s); }
    void read_orders_of_customers_read(const std::function<void(adapters::OrderBatch)>& s) override {
        use();
        inner_.read_orders_of_customers_read(s);
    }
    bool can_total_orders(const adapters::OrderTotalsRequest& r) override { use(); return inner_.can_total_orders(r); }
    void read_order_totals(const adapters::OrderTotalsRequest& r,
                           const std::function<void(adapters::OrderTotalsBatch)>& s) override {
        use();
        inner_.read_order_totals(r, s);
    }
    std::unique_ptr<adapters::OrderTotalsAhead> total_orders_ahead(const adapters::OrderTotalsRequest& r) override {
        use();
        return inner_.total_orders_ahead(r);
    }
    bool has_table(config::CanonicalTable t) const override { return inner_.has_table(t); }
    void read_order_lines(const std::function<void(adapters::OrderLineBatch)>& s) override { use(); inner_.read_order_lines(s); }
    void read_referrals(const std::function<void(adapters::ReferralBatch)>& s) override { use(); inner_.read_referrals(s); }
    void read_opt_outs(const std::function<void(adapters::OptOutBatch)>& s) override { use(); inner_.read_opt_outs(s); }
    void read_interactions(const std::function<void(adapters::InteractionBatch)>& s) override { use(); inner_.read_interactions(s); }
    void read_enrichment(const std::string& table, const std::string& query, const std::vector<std::string>& columns,
                         const std::function<void(const std::vector<std::optional<std::string>>&)>& s) override {
        use();
        inner_.read_enrichment(table, query, columns, s);
    }
    adapters::ReadCounts counts() const override { return inner_.counts(); }
    void restrict_customer_columns(std::vector<std::string> c) override { inner_.restrict_customer_columns(std::move(c)); }
    std::vector<std::string> unread_customer_columns() const override { return inner_.unread_customer_columns(); }
    void set_threads(unsigned t) override { inner_.set_threads(t); }

private:
    void use() { used_after_free += freed > 0; }
    adapters::Source& inner_;
};

}  // namespace

// The builder says once that it is done with the source (the engine then reads the referrals
// for the rewards on a thread of its own), and reads nothing from it after: whether the last
// family that reads the source is the category family, the referral family, the enrichment
// family (the last of all), or none.
TEST(Features, TheSourceIsFreedOnceAndNotReadAfter) {
    TestDatabase db;
    db.add({{"a", "2025-01-01", "", "", "Sha Tin"}, {"b", "2025-01-01", "", "", "Islands"}},
           {{"o1", "a", "2026-11-10", "100"}});
    const auto config_path = rich_config(db, kRichRules);
    exec(db, "INSERT INTO line VALUES ('o1','p1','Skincare',100);"
             "INSERT INTO referral VALUES ('a','b','2025-06-01');");
    custclass::test::write_file(db.dir() / "income.csv", "district,median,label\n\"Sha Tin\",31000,x\n");
    const auto cfg = config::load_engine_config_file(config_path, {});
    for (const std::vector<std::string>& features :
         {std::vector<std::string>{"share:skincare", "recency_days", "age"},
          std::vector<std::string>{"referrals", "share:skincare", "opted_out", "gender"},
          std::vector<std::string>{"enrich.income.median", "referrals", "recency_days"},
          std::vector<std::string>{"recency_days", "age", "opted_out"}}) {
        auto inner = adapters::make_soci_source(cfg.source);
        WatchedSource source(*inner);
        plugin::FeatureBuildOptions options;
        options.as_of = *config::parse_day("2026-11-30");
        options.window_days = cfg.rules.window_days;
        options.features = features;
        options.enrichments = cfg.rules.enrichments;
        options.source_free = [&] { source.free(); };
        plugin::FeatureBuildReport report;
        const auto table = plugin::build_features(source, options, report);
        EXPECT_EQ(source.freed, 1) << features[0];
        EXPECT_EQ(source.used_after_free, 0) << features[0];
        for (const auto& f : features) EXPECT_NE(table.find(f), nullptr) << f;
    }
}
