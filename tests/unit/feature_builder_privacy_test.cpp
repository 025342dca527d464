// The privacy checks the feature builder applies (PRIVACY.md): retention (check 8), masking of
// identifiers in free text (check 9) and the refusal of an attribute whose values are HKID
// numbers (check 3, at run time).
#include <gtest/gtest.h>

#include <map>
#include <random>

#include "engine_config.h"
#include "errors.h"
#include "feature_builder.h"
#include "personal_identifiers.h"
#include "rule_set.h"
#include "soci_source.h"
#include "test_database.h"

using namespace custclass;
using custclass::test::TestCustomer;
using custclass::test::TestDatabase;
using custclass::test::TestOrder;

namespace {

const std::string kRules =
    "custclass: 1\nname: t\nversion: \"1\"\nwindow_days: 365\nclassifications:\n  - id: v\n"
    "    segments:\n      - id: a\n        when: true\n";

const config::Day kAsOf = *config::parse_day("2026-11-30");

// The day `n` days before the run date, as text.
std::string days_before(int n) { return config::format_day(kAsOf - n); }

struct Built {
    plugin::FeatureTable table;
    plugin::FeatureBuildReport report;
};

plugin::FeatureBuildOptions options_for(std::vector<std::string> features) {
    plugin::FeatureBuildOptions options;
    options.as_of = kAsOf;
    options.window_days = 365;
    options.features = std::move(features);
    return options;
}

Built build(adapters::Source& source, const plugin::FeatureBuildOptions& options) {
    plugin::FeatureBuildReport report;
    auto table = plugin::build_features(source, options, report);
    return {std::move(table), std::move(report)};
}

// From the SQLite test database (the orders are streamed: SQLite never totals them).
Built build(const TestDatabase& db, const plugin::FeatureBuildOptions& options) {
    const auto cfg = config::load_engine_config_file(db.write_config(kRules), {});
    auto source = adapters::make_soci_source(cfg.source);
    return build(*source, options);
}

double number(const Built& b, const std::string& feature, const std::string& id) {
    return b.table.find(feature)->numbers[*b.table.row_of(id)];
}

std::string text(const Built& b, const std::string& feature, const std::string& id) {
    const plugin::Column& col = *b.table.find(feature);
    const auto code = col.codes[*b.table.row_of(id)];
    return code < 0 ? std::string("(null)") : col.dictionary[static_cast<std::size_t>(code)];
}

nlohmann::ordered_json json(const Built& b, const std::string& feature, const std::string& id) {
    return b.table.find(feature)->json_value(*b.table.row_of(id));
}

// A source over rows held in memory: every field of the customers table, attributes,
// enrichment tables and referrals, and optionally totals of the orders computed as the SOCI
// source's pushdown query computes them.
class MemorySource final : public adapters::Source {
public:
    std::vector<adapters::CustomerRow> customers;
    std::map<std::string, std::map<std::string, std::string>> attributes;  // by customer id, name
    std::vector<adapters::OrderRow> orders;
    std::vector<adapters::ReferralRow> referrals;
    // By enrichment table id: rows in the order of the columns asked for (key first).
    std::map<std::string, std::vector<std::vector<std::optional<std::string>>>> enrichment;
    bool pushdown = false;
    int totals_requests = 0;

    adapters::CustomerRow& customer(const std::string& id, const std::string& created) {
        adapters::CustomerRow& c = customers.emplace_back();
        c.customer_id = id;
        if (!created.empty()) c.created_at = config::parse_timestamp(created);
        return c;
    }
    void order(const std::string& customer_id, const std::string& at, std::int64_t amount) {
        adapters::OrderRow& o = orders.emplace_back();
        o.order_id = "o" + std::to_string(orders.size());
        o.customer_id = customer_id;
        o.ordered_at = *config::parse_timestamp(at);
        o.amount = amount;
    }

    void read_customers(const std::vector<std::string>& names,
                        const std::function<void(adapters::CustomerBatch)>& sink) override {
        std::vector<adapters::CustomerRow> out;
        for (adapters::CustomerRow c : customers) {
            if (!in_scope(c.customer_id)) continue;
            for (const auto& name : names) {
                const auto& mine = attributes[c.customer_id];
                const auto it = mine.find(name);
                c.attributes.push_back(it == mine.end() ? std::nullopt
                                                        : std::optional<std::string>(it->second));
            }
            out.push_back(std::move(c));
        }
        sink(out);
    }
    void read_orders(const std::function<void(adapters::OrderBatch)>& sink) override {
        std::vector<adapters::OrderRow> out;
        for (const auto& o : orders)
            if (in_scope(o.customer_id)) out.push_back(o);
        sink(out);
    }
    bool can_total_orders(const adapters::OrderTotalsRequest&) override { return pushdown; }
    void read_order_totals(const adapters::OrderTotalsRequest& request,
                           const std::function<void(adapters::OrderTotalsBatch)>& sink) override {
        ++totals_requests;
        const config::TimeZone zone(request.time_zone);
        std::map<std::string, adapters::CustomerOrderTotals> by_id;
        for (const auto& o : orders) {
            if (!in_scope(o.customer_id)) continue;
            auto& t = by_id[o.customer_id];
            t.customer_id = o.customer_id;
            t.channel_purchases.resize(request.channels.size());
            const config::Day d = zone.day_of(o.ordered_at);
            ++t.orders_all;
            if (d > request.as_of) {
                ++t.orders_after_as_of;
                continue;
            }
            t.totals.add(d, o.amount, d > request.window_start);
        }
        std::vector<adapters::CustomerOrderTotals> out;
        for (auto& [id, t] : by_id) out.push_back(std::move(t));
        sink(out);
    }
    bool has_table(config::CanonicalTable) const override { return true; }
    void read_order_lines(const std::function<void(adapters::OrderLineBatch)>&) override {}
    void read_referrals(const std::function<void(adapters::ReferralBatch)>& sink) override {
        std::vector<adapters::ReferralRow> out;
        for (const auto& r : referrals)
            if (in_scope(r.referrer_id)) out.push_back(r);
        sink(out);
    }
    void read_opt_outs(const std::function<void(adapters::OptOutBatch)>&) override {}
    void read_enrichment(
        const std::string& table, const std::string&, const std::vector<std::string>&,
        const std::function<void(const std::vector<std::optional<std::string>>&)>& sink) override {
        for (const auto& row : enrichment[table]) sink(row);
    }
    adapters::ReadCounts counts() const override { return {}; }
    void restrict_to_customers(std::vector<std::string> ids) override { scope_ = std::move(ids); }

private:
    bool in_scope(const std::string& id) const {
        return scope_.empty() || std::find(scope_.begin(), scope_.end(), id) != scope_.end();
    }
    std::vector<std::string> scope_;
};

}  // namespace

// --- Check 8: retention -------------------------------------------------------------------------

TEST(Retention, TheBoundaryIsExact) {
    TestDatabase db;
    db.add({{"at_limit", "2020-01-01"}, {"one_day_past", "2020-01-01"}},
           {{"o1", "at_limit", days_before(100) + " 23:59:00", "10"},
            {"o2", "one_day_past", days_before(101) + " 23:59:00", "10"}});
    auto options = options_for({"frequency"});
    options.retention_days = 100;
    const Built b = build(db, options);
    EXPECT_TRUE(b.table.row_of("at_limit"));  // as_of − last activity = retention_days: kept
    EXPECT_FALSE(b.table.row_of("one_day_past"));
    EXPECT_EQ(b.report.excluded.at("retention"), 1u);
    EXPECT_EQ(b.report.retention_due, std::vector<std::string>{"one_day_past"});

    // Without retention_days (the default) nobody is left out.
    const Built all = build(db, options_for({"frequency"}));
    EXPECT_TRUE(all.table.row_of("one_day_past"));
    EXPECT_TRUE(all.report.retention_due.empty());
    EXPECT_FALSE(all.report.excluded.contains("retention"));
}

TEST(Retention, AReturnIsActivity) {
    TestDatabase db;
    db.add({{"returned", "2020-01-01"}, {"bought_only", "2020-01-01"}},
           {{"o1", "returned", days_before(200), "50"},
            {"o2", "returned", days_before(10), "-50"},  // the return, within retention
            {"o3", "bought_only", days_before(200), "50"},
            {"o4", "bought_only", config::format_day(kAsOf + 3), "10"}});  // after as_of
    auto options = options_for({"recency_days"});
    options.retention_days = 100;
    const Built b = build(db, options);
    ASSERT_TRUE(b.table.row_of("returned"));
    EXPECT_EQ(number(b, "recency_days", "returned"), 200);  // recency still counts purchases only
    EXPECT_FALSE(b.table.row_of("bought_only"));  // an order after as_of is no activity then
    EXPECT_EQ(b.report.retention_due, std::vector<std::string>{"bought_only"});
}

TEST(Retention, CreationIsActivity) {
    TestDatabase db;
    db.add({{"new_lead", days_before(50)},
            {"old_lead", days_before(200)},
            {"old_buyer_new_record", days_before(20)},
            {"created_after_as_of", config::format_day(kAsOf + 5)}},
           {{"o1", "old_buyer_new_record", days_before(300), "10"},
            {"o2", "created_after_as_of", days_before(200), "10"}});
    auto options = options_for({"signup_days"});
    options.retention_days = 100;
    const Built b = build(db, options);
    EXPECT_TRUE(b.table.row_of("new_lead"));
    EXPECT_TRUE(b.table.row_of("old_buyer_new_record"));
    EXPECT_FALSE(b.table.row_of("old_lead"));
    // A creation day after as_of is not activity as of the run date: its last activity is its
    // order, 200 days back.
    EXPECT_FALSE(b.table.row_of("created_after_as_of"));
    EXPECT_EQ(b.report.retention_due, (std::vector<std::string>{"created_after_as_of", "old_lead"}));
}

TEST(Retention, TheExcludedAreListedSortedAndCountedApartFromNotYetCustomers) {
    TestDatabase db;
    db.add({{"zeta", "2020-01-01"},
            {"alpha", "2020-01-01"},
            {"kept", days_before(1)},
            {"mid", "2020-01-01"},
            {"not_yet", config::format_day(kAsOf + 1)}},
           {{"o1", "mid", days_before(150), "10"}});
    auto options = options_for({"frequency"});
    options.retention_days = 100;
    const Built b = build(db, options);
    EXPECT_EQ(b.report.retention_due, (std::vector<std::string>{"alpha", "mid", "zeta"}));
    EXPECT_EQ(b.report.excluded.at("retention"), 3u);
    EXPECT_EQ(b.report.excluded.at("not_yet_customer"), 1u);
    EXPECT_EQ(b.report.customers_read, 5u);
    EXPECT_EQ(b.table.customer_ids(), std::vector<std::string>{"kept"});
}

TEST(Retention, PopulationFeaturesRankTheKeptCustomersOnly) {
    TestDatabase db;
    // a and b are kept; old1..old3 bought within the window (365 days) but not within retention.
    db.add({{"a", "2020-01-01"}, {"b", "2020-01-01"}, {"old1", "2020-01-01"},
            {"old2", "2020-01-01"}, {"old3", "2020-01-01"}},
           {{"1", "a", days_before(10), "50"},
            {"2", "a", days_before(11), "50"},
            {"3", "b", days_before(20), "10"},
            {"4", "old1", days_before(150), "1000"},
            {"5", "old2", days_before(150), "1"},
            {"6", "old3", days_before(150), "1"}});
    auto options = options_for({"f_score", "m_score", "pareto_class"});
    options.retention_days = 100;
    const Built b = build(db, options);
    // Among a and b (n = 2): a has one worse → 1 + floor(5 × 1 / 2) = 3. Among all five it
    // would be 5.
    EXPECT_EQ(number(b, "f_score", "a"), 3);
    EXPECT_EQ(number(b, "f_score", "b"), 1);
    EXPECT_EQ(number(b, "m_score", "a"), 3);
    // Pareto: a is first among the kept (A); behind old1's 1000 it would be B.
    EXPECT_EQ(text(b, "pareto_class", "a"), "A");
    EXPECT_EQ(text(b, "pareto_class", "b"), "B");
    // The cut points handed to the hooks are the kept customers' too.
    ASSERT_TRUE(b.report.population.frequency);
    EXPECT_EQ(b.report.population.frequency->active, 2u);
}

TEST(Retention, ARefereePastRetentionIsNotProcessedForItsReferrer) {
    MemorySource source;
    source.customer("referrer", days_before(5));
    source.customer("recent", "2020-01-01");
    source.customer("lapsed", "2020-01-01");
    source.order("recent", days_before(30), 1000);
    source.order("lapsed", days_before(150), 500);
    source.referrals = {{"referrer", "recent", std::nullopt}, {"referrer", "lapsed", std::nullopt}};
    auto options = options_for({"referrals", "referral_revenue"});
    options.retention_days = 100;
    const Built b = build(source, options);
    EXPECT_EQ(number(b, "referrals", "referrer"), 1);
    EXPECT_EQ(number(b, "referral_revenue", "referrer"), 10);
}

// The hooks build the features of a few customers (a scoped source) against the cut points of
// the last full run: the same retention test leaves out the same customers.
TEST(Retention, TheHooksPathLeavesOutTheSameCustomers) {
    TestDatabase db;
    db.add({{"kept1", "2020-01-01"}, {"kept2", "2020-01-01"}, {"lapsed", "2020-01-01"}},
           {{"1", "kept1", days_before(10), "10"},
            {"2", "kept2", days_before(20), "20"},
            {"3", "kept2", days_before(21), "20"},
            {"4", "lapsed", days_before(150), "30"}});
    auto options = options_for({"f_score", "m_score", "r_score"});
    options.retention_days = 100;
    const Built full = build(db, options);
    ASSERT_FALSE(full.table.row_of("lapsed"));

    const auto cfg = config::load_engine_config_file(db.write_config(kRules), {});
    auto source = adapters::make_soci_source(cfg.source);
    auto hook = options;
    hook.population = &full.report.population;
    source->restrict_to_customers({"lapsed"});
    const Built lapsed = build(*source, hook);
    EXPECT_EQ(lapsed.table.rows(), 0u);  // not a row: the engine reports the customer not found
    EXPECT_EQ(lapsed.report.retention_due, std::vector<std::string>{"lapsed"});
    EXPECT_EQ(lapsed.report.excluded.at("retention"), 1u);

    source->restrict_to_customers({"kept2"});
    const Built kept = build(*source, hook);
    ASSERT_TRUE(kept.table.row_of("kept2"));
    for (const char* score : {"f_score", "m_score", "r_score"})
        EXPECT_EQ(number(kept, score, "kept2"), number(full, score, "kept2")) << score;
}

// With the orders totalled by the database, the totals carry the latest order of any kind: a
// return after the last purchase is activity, as in a streamed scan, with no second read.
TEST(Retention, PushdownCountsAReturnAsActivityToo) {
    auto fill = [](MemorySource& s) {
        s.customer("returned", "2020-01-01");
        s.customer("bought_only", "2020-01-01");
        s.customer("recent_buyer", "2020-01-01");
        s.customer("lead", days_before(300));
        s.order("returned", days_before(200), 5000);
        s.order("returned", days_before(100), -5000);  // exactly at the limit
        s.order("bought_only", days_before(200), 5000);
        s.order("bought_only", days_before(101), 0);   // a zero amount, one day too old
        s.order("recent_buyer", days_before(3), 100);
    };
    auto options = options_for({"frequency", "monetary"});
    options.retention_days = 100;
    MemorySource scan, totals;
    fill(scan);
    fill(totals);
    totals.pushdown = true;
    const Built by_scan = build(scan, options);
    const Built by_totals = build(totals, options);
    EXPECT_EQ(totals.totals_requests, 1);
    for (const Built* b : {&by_scan, &by_totals}) {
        EXPECT_TRUE(b->table.row_of("returned"));
        EXPECT_TRUE(b->table.row_of("recent_buyer"));
        EXPECT_EQ(b->report.retention_due, (std::vector<std::string>{"bought_only", "lead"}));
    }
    EXPECT_EQ(by_scan.table.customer_ids(), by_totals.table.customer_ids());
}

// --- Check 9: identifiers in free text are masked ------------------------------------------------

TEST(Masking, EveryFreeTextFieldOfTheCustomersTableAndOfEnrichmentTables) {
    MemorySource source;
    auto& c = source.customer("c1", "2026-01-01");
    c.gender = "F (ask for A123456(3))";
    c.district = "Sha Tin, tel 2345 6789";
    c.income_band = "20-30k; ref amy.wong@example.com";
    c.lead_source = "walk-in, card +852 6123-4567";
    c.interests = "Skincare, call me on 9123 4567, amy@example.com.hk";
    source.attributes["c1"]["note"] = "VIP since 2019, mobile 5123 4567";
    source.attributes["c1"]["visits"] = "12";
    auto& d = source.customer("c2", "2026-01-01");
    d.district = "Eastern";
    source.enrichment["market"] = {{"Eastern", "manager 9876 5432", "42000"}};

    auto options = options_for({"gender", "district", "income_band", "lead_source", "interests",
                                "attr.note", "attr.visits", "enrich.market.contact",
                                "enrich.market.median_income"});
    options.attributes = {{"note", plugin::ValueType::Text}, {"visits", plugin::ValueType::Number}};
    config::EnrichmentDecl market;
    market.id = "market";
    market.key = "district";
    market.query = "SELECT 1";
    market.key_column = "district";
    market.columns = {{"contact", plugin::ValueType::Text},
                      {"median_income", plugin::ValueType::Number}};
    options.enrichments = {market};
    options.mask_identifiers = true;
    const Built b = build(source, options);
    EXPECT_EQ(text(b, "gender", "c1"), "F (ask for [HKID])");
    EXPECT_EQ(text(b, "district", "c1"), "Sha Tin, tel [PHONE]");
    EXPECT_EQ(text(b, "income_band", "c1"), "20-30k; ref [EMAIL]");
    EXPECT_EQ(text(b, "lead_source", "c1"), "walk-in, card [PHONE]");
    EXPECT_EQ(json(b, "interests", "c1"),
              nlohmann::ordered_json({"skincare", "call me on [PHONE]", "[EMAIL]"}));
    EXPECT_EQ(text(b, "attr.note", "c1"), "VIP since 2019, mobile [PHONE]");
    EXPECT_EQ(number(b, "attr.visits", "c1"), 12);
    // The enrichment table is joined on the district as mapped; its text is masked.
    EXPECT_EQ(text(b, "enrich.market.contact", "c2"), "manager [PHONE]");
    EXPECT_EQ(number(b, "enrich.market.median_income", "c2"), 42000);
    // No masked value is left in any dictionary.
    for (const char* f : {"gender", "district", "income_band", "lead_source", "interests",
                          "attr.note", "enrich.market.contact"})
        for (const auto& v : b.table.find(f)->dictionary)
            EXPECT_TRUE(plugin::find_personal_identifiers(v).empty()) << f << ": " << v;
}

TEST(Masking, AnHkidInChineseTextAndAPhoneNumberInInterests) {
    TestDatabase db;
    db.add({{"c1", "2026-01-01", "", "", "", "護膚, 身份證A123456(3)號, Call me on 9123 4567"},
            {"c2", "2026-01-01", "", "", "", "會員編號 G123456（A）"}},
           {});
    auto options = options_for({"interests"});
    options.mask_identifiers = true;
    const Built b = build(db, options);
    EXPECT_EQ(json(b, "interests", "c1"),
              nlohmann::ordered_json({"護膚", "身份證[HKID]號", "call me on [PHONE]"}));
    EXPECT_EQ(json(b, "interests", "c2"), nlohmann::ordered_json({"會員編號 [HKID]"}));
}

TEST(Masking, TextWithoutAnIdentifierIsUntouched) {
    TestDatabase db;
    db.add({{"c1", "2026-01-01", "", "F", "  Sha Tin ", "Skincare, Size 10, 2 kids, A-Team"}}, {});
    auto options = options_for({"gender", "district", "interests"});
    options.mask_identifiers = true;
    const Built b = build(db, options);
    EXPECT_EQ(text(b, "gender", "c1"), "F");
    EXPECT_EQ(text(b, "district", "c1"), "  Sha Tin ");
    EXPECT_EQ(json(b, "interests", "c1"),
              nlohmann::ordered_json({"skincare", "size 10", "2 kids", "a-team"}));
}

// The shortcut (the scanner only runs on text with an ASCII digit or "@") changes nothing: over
// generated texts, the feature is exactly what masking every text would give.
TEST(Masking, TheShortcutGivesWhatTheScannerGives) {
    const std::vector<std::string> pieces = {
        "A123456(3)", "a123456(3)", "G123456（A）", "9123 4567", "+852 6123-4567", "amy@ex.com",
        "９１２３４５６７", "ａｍｙ＠ex.com", "A１２３４５６(3)", "身份證", "call", " ", ",", "-", "(",
        ")", "@", "1", "Z", ".", "（", "）", "7"};
    std::mt19937 rng(20261130);
    MemorySource source;
    std::vector<std::string> texts;
    for (int i = 0; i < 400; ++i) {
        std::string t;
        const int n = 1 + static_cast<int>(rng() % 6);
        for (int k = 0; k < n; ++k) t += pieces[rng() % pieces.size()];
        texts.push_back(t);
        source.customer("c" + std::to_string(i), "2026-01-01").district = t;
    }
    auto options = options_for({"district"});
    options.mask_identifiers = true;
    const Built b = build(source, options);
    for (std::size_t i = 0; i < texts.size(); ++i)
        EXPECT_EQ(text(b, "district", "c" + std::to_string(i)),
                  plugin::mask_personal_identifiers(texts[i]))
            << texts[i];
}

TEST(Masking, IsOffByDefault) {
    EXPECT_FALSE(plugin::FeatureBuildOptions{}.mask_identifiers);
    EXPECT_EQ(plugin::FeatureBuildOptions{}.retention_days, 0);
    TestDatabase db;
    db.add({{"c1", "2026-01-01", "", "", "tel 2345 6789", "Call me on 9123 4567"}}, {});
    const Built b = build(db, options_for({"district", "interests"}));
    EXPECT_EQ(text(b, "district", "c1"), "tel 2345 6789");
    EXPECT_EQ(json(b, "interests", "c1"), nlohmann::ordered_json({"call me on 9123 4567"}));
}

// --- Check 3 at run time: an attribute whose values are HKID numbers ------------------------------

namespace {

MemorySource with_national_id(const std::string& value) {
    MemorySource source;
    source.customer("c1", "2026-01-01");
    source.attributes["c1"]["national_id"] = "";
    source.customer("c2", "2026-01-01");
    source.attributes["c2"]["national_id"] = value;
    source.customer("c3", "2026-01-01");
    source.attributes["c3"]["national_id"] = "C668668(E)";
    return source;
}

plugin::FeatureBuildOptions reading_national_id() {
    auto options = options_for({"attr.national_id"});
    options.attributes = {{"national_id", plugin::ValueType::Text}};
    options.mask_identifiers = true;
    return options;
}

}  // namespace

TEST(HkidAttribute, RefusesTheRunNamingTheAttributeAndTheKeyButNotTheValue) {
    for (const std::string value : {"  A123456(3) ", "\tA123456 (3)\n", "a1234563", "CA182361(1)",
                                    "G123456（A）"}) {
        MemorySource source = with_national_id(value);
        try {
            build(source, reading_national_id());
            ADD_FAILURE() << "no refusal for " << value;
        } catch (const plugin::PrivacyRefusal& e) {
            const std::string m = e.what();
            EXPECT_NE(m.find("`attr.national_id`"), std::string::npos) << m;
            EXPECT_NE(m.find("table `customers`"), std::string::npos) << m;
            EXPECT_NE(m.find("key `c2`"), std::string::npos) << m;
            EXPECT_NE(m.find("PRIVACY.md check 3: government identifiers are never a rule input"),
                      std::string::npos)
                << m;
            EXPECT_NE(m.find("Stop mapping `attr_national_id`"), std::string::npos) << m;
            EXPECT_NE(m.find("remove the rules that read `attr.national_id`"), std::string::npos) << m;
            EXPECT_EQ(m.find("123456"), std::string::npos) << m;
            EXPECT_EQ(m.find("182361"), std::string::npos) << m;
        }
    }
}

TEST(HkidAttribute, IsLookedAtInEveryCustomerReadAndInNumberAttributesToo) {
    // The customer holding it is not (yet) a customer as of the run date: still refused.
    MemorySource source = with_national_id("A123456(3)");
    source.customers[1].created_at = config::parse_timestamp("2027-01-01");
    EXPECT_THROW(build(source, reading_national_id()), plugin::PrivacyRefusal);

    MemorySource numbers = with_national_id("A123456(3)");
    auto options = reading_national_id();
    options.attributes[0].type = plugin::ValueType::Number;
    try {
        build(numbers, options);
        ADD_FAILURE() << "no refusal";
    } catch (const plugin::PrivacyRefusal& e) {
        EXPECT_EQ(std::string(e.what()).find("123456"), std::string::npos) << e.what();
    }
}

TEST(HkidAttribute, WithoutAPolicyTheValuesAreKept) {
    MemorySource source = with_national_id("A123456(3)");
    auto options = reading_national_id();
    options.mask_identifiers = false;
    const Built b = build(source, options);
    EXPECT_EQ(text(b, "attr.national_id", "c2"), "A123456(3)");
}

TEST(HkidAttribute, AnHkidInsideALongerTextIsMaskedNotRefused) {
    MemorySource source = with_national_id("verified with A123456(3) at the counter");
    const Built b = build(source, reading_national_id());
    EXPECT_EQ(text(b, "attr.national_id", "c2"), "verified with [HKID] at the counter");
    EXPECT_EQ(text(b, "attr.national_id", "c3"), "C668668(E)");  // not a valid check digit
}
