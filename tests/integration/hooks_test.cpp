// The hooks (Engine::reclassify) on real databases: the demo shop (host/demo_data, 300 customers)
// written into SQLite, PostgreSQL and MariaDB with each database's own types, mapped twice: by
// the host's INTEGER customer keys (the usual CRM; the hooks bind the ids as text against an
// integer column) and by its text customer codes (the demo mapping). On each, a full run, then
// every customer of the run re-classified by a hook on the run's date must get exactly the
// segments, feature values and scores the full run gave it; an order the host inserts is seen by
// the hook called with its id (the features and segments worked out by hand from the run's
// feature table and the population cut points of RULES.md section 4), and an order id the
// customer does not have is NotFound. The same agreement with the integer mapping written with
// SQL comments (apostrophes, colons), which the hooks' parameterised reads must leave to the
// database to parse.
#include <gtest/gtest.h>

#include <algorithm>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <tuple>
#include <vector>

#include "calendar.h"
#include "civil_time.h"
#include "demo_data.h"
#include "engine.h"
#include "errors.h"
#include "integration_support.h"

using namespace custclass;
using namespace custclass::integration;
using nlohmann::ordered_json;

namespace {

constexpr const char* kAsOf = "2026-11-30";  // the demo's last day; window_days 365

// The shipped rule set (RFM segments, lifecycle, demographics, the engagement score) with tags
// that read the Pareto class, referrals, the opt-outs, the raw order features and the predicted
// value (whose fitted models the hooks take from the run).
std::string rules_yaml() {
    std::string text = read_text(std::filesystem::path(CUSTCLASS_SOURCE_DIR) / "config" /
                                 "rulesets" / "hk-retail.yaml");
    // One more classification goes at the end of the shipped file's list of classifications,
    // before its `potential:` section.
    const auto potential = text.find("\npotential:");
    std::string tail = potential == std::string::npos ? std::string() : text.substr(potential + 1);
    text = text.substr(0, potential == std::string::npos ? text.size() : potential + 1);
    if (text.empty() || text.back() != '\n') text += '\n';
    text +=
        "  - id: tags\n"
        "    label: Tags\n"
        "    mode: all_matches\n"
        "    segments:\n"
        "      - id: top_spender\n"
        "        when: pareto_class == 'A'\n"
        "      - id: middle_spender\n"
        "        when: pareto_class == 'B'\n"
        "      - id: rfm_top\n"
        "        when: r_score >= 4 and f_score >= 4 and m_score >= 4\n"
        "      - id: referrer\n"
        "        when: referrals >= 1 and referral_revenue > 0\n"
        "      - id: unsubscribed\n"
        "        when: opted_out\n"
        "      - id: buyer\n"
        "        when: frequency >= 1 and monetary > 0 and orders_total >= 1 and recency_days <= 30\n"
        "      - id: high_potential\n"
        "        when: clv_90d >= 200 and p_alive >= 0.5 and expected_purchases_90d >= 1\n";
    return text + tail;
}

// How the engine config names the customers.
enum class Ids { Integer, Text };

const char* ids_name(Ids ids) { return ids == Ids::Integer ? "integer_ids" : "text_ids"; }
// For GoogleTest's messages and test names.
void PrintTo(Ids ids, std::ostream* os) { *os << ids_name(ids); }

// The demo rows as SQL literals of one database, written table by table after the generator is
// done (the generator's text is only valid during each call).
class DemoLoader final : public datagen::DemoSink {
public:
    explicit DemoLoader(ScratchDatabase& db) : db_(db) {}

    void add(const datagen::DistrictRow& r) override {
        districts_.push_back({num(r.id), text(r.name), text(r.region)});
    }
    void add(const datagen::ProductCategoryRow& r) override {
        categories_.push_back({num(r.id), text(r.name)});
    }
    void add(const datagen::ProductRow& r) override {
        products_.push_back({num(r.id), text(r.sku), text(r.name), num(r.category_id), money(r.price_cents)});
    }
    void add(const datagen::CustomerRow& r) override {
        customers_.push_back({num(r.id), text(r.code), text(r.full_name), text(r.gender),
                              r.birth_date ? db_.literal(datagen::format_day(*r.birth_date)) : "NULL",
                              num(r.district_id), text(r.income_band), text(r.email), text(r.phone),
                              db_.literal(datagen::format_timestamp(r.created_at)), text(r.lead_source),
                              db_.boolean(r.is_lead), db_.boolean(r.marketing_consent), text(r.interests)});
    }
    void add(const datagen::ReferralRow& r) override {
        referrals_.push_back({num(r.referrer_id), num(r.referee_id),
                              db_.literal(datagen::format_timestamp(r.referred_at))});
    }
    void add(const datagen::OptOutRow& r) override {
        opt_outs_.push_back({r.customer_id ? num(*r.customer_id) : "NULL", text(r.email), text(r.phone),
                             db_.literal(datagen::format_timestamp(r.opted_out_at))});
    }
    void add(const datagen::OrderRow& r) override {
        orders_.push_back({num(r.id), num(r.customer_id), db_.literal(datagen::format_timestamp(r.ordered_at)),
                           text(r.channel), text(r.store_code), money(r.total_cents), text(r.kind)});
    }
    void add(const datagen::OrderLineRow& r) override {
        lines_.push_back({num(r.id), num(r.order_id), num(r.product_id), num(r.quantity), money(r.amount_cents)});
    }

    void write() {
        db_.insert("district", {"id", "name", "region"}, districts_);
        db_.insert("product_category", {"id", "name"}, categories_);
        db_.insert("product", {"id", "sku", "name", "category_id", "price"}, products_);
        db_.insert("customer",
                   {"id", "code", "full_name", "gender", "birth_date", "district_id", "income_band", "email",
                    "phone", "created_at", "lead_source", "is_lead", "marketing_consent", "interests"},
                   customers_);
        db_.insert("referral", {"referrer_id", "referee_id", "referred_at"}, referrals_);
        db_.insert("opt_out", {"customer_id", "email", "phone", "opted_out_at"}, opt_outs_);
        db_.insert("sales_order", {"id", "customer_id", "ordered_at", "channel", "store_code", "total", "kind"},
                   orders_);
        db_.insert("sales_order_line", {"id", "order_id", "product_id", "quantity", "amount"}, lines_);
    }

    static std::string money(std::int64_t cents) {
        const std::int64_t a = cents < 0 ? -cents : cents;
        char buf[40];
        std::snprintf(buf, sizeof buf, "%s%" PRId64 ".%02" PRId64, cents < 0 ? "-" : "", a / 100, a % 100);
        return buf;
    }

private:
    static std::string num(std::int64_t v) { return std::to_string(v); }
    std::string text(std::string_view v) const { return db_.literal(std::string(v)); }
    std::string text(const std::optional<std::string_view>& v) const {
        return v ? text(*v) : std::string("NULL");
    }

    ScratchDatabase& db_;
    using Rows = std::vector<std::vector<std::string>>;
    Rows districts_, categories_, products_, customers_, referrals_, opt_outs_, orders_, lines_;
};

// The demo host schema (host/demo_data/demo_data.h) in each database's own types.
void create_demo_schema(ScratchDatabase& db) {
    switch (db.backend()) {
        case Backend::SQLite:
            db.exec_script(
                "CREATE TABLE district (id INTEGER PRIMARY KEY, name TEXT NOT NULL, region TEXT NOT NULL);\n"
                "CREATE TABLE customer (id INTEGER PRIMARY KEY, code TEXT NOT NULL UNIQUE, "
                "full_name TEXT NOT NULL, gender TEXT, birth_date TEXT, district_id INTEGER, "
                "income_band TEXT, email TEXT, phone TEXT, created_at TEXT NOT NULL, lead_source TEXT, "
                "is_lead INTEGER NOT NULL, marketing_consent INTEGER NOT NULL, interests TEXT);\n"
                "CREATE TABLE product_category (id INTEGER PRIMARY KEY, name TEXT NOT NULL);\n"
                "CREATE TABLE product (id INTEGER PRIMARY KEY, sku TEXT NOT NULL, name TEXT NOT NULL, "
                "category_id INTEGER, price TEXT NOT NULL);\n"
                "CREATE TABLE sales_order (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL, "
                "ordered_at TEXT NOT NULL, channel TEXT NOT NULL, store_code TEXT, total NUMERIC NOT NULL, "
                "kind TEXT NOT NULL);\n"
                "CREATE TABLE sales_order_line (id INTEGER PRIMARY KEY, order_id INTEGER NOT NULL, "
                "product_id INTEGER NOT NULL, quantity INTEGER NOT NULL, amount NUMERIC NOT NULL);\n"
                "CREATE TABLE referral (referrer_id INTEGER NOT NULL, referee_id INTEGER NOT NULL, "
                "referred_at TEXT);\n"
                "CREATE TABLE opt_out (customer_id INTEGER, email TEXT, phone TEXT, opted_out_at TEXT);\n");
            break;
        case Backend::PostgreSQL:
            db.exec_script(
                "CREATE TABLE district (id integer PRIMARY KEY, name text NOT NULL, region text NOT NULL);\n"
                "CREATE TABLE customer (id integer PRIMARY KEY, code varchar(16) NOT NULL UNIQUE, "
                "full_name text NOT NULL, gender char(1), birth_date date, district_id integer, "
                "income_band text, email text, phone text, created_at timestamp NOT NULL, "
                "lead_source text, is_lead boolean NOT NULL, marketing_consent boolean NOT NULL, "
                "interests text);\n"
                "CREATE TABLE product_category (id integer PRIMARY KEY, name text NOT NULL);\n"
                "CREATE TABLE product (id integer PRIMARY KEY, sku text NOT NULL, name text NOT NULL, "
                "category_id integer, price numeric(12,2) NOT NULL);\n"
                "CREATE TABLE sales_order (id integer PRIMARY KEY, customer_id integer NOT NULL, "
                "ordered_at timestamp NOT NULL, channel text NOT NULL, store_code text, "
                "total numeric(12,2) NOT NULL, kind text NOT NULL);\n"
                "CREATE TABLE sales_order_line (id integer PRIMARY KEY, order_id integer NOT NULL, "
                "product_id integer NOT NULL, quantity integer NOT NULL, amount numeric(12,2) NOT NULL);\n"
                "CREATE TABLE referral (referrer_id integer NOT NULL, referee_id integer NOT NULL, "
                "referred_at timestamp);\n"
                "CREATE TABLE opt_out (customer_id integer, email text, phone text, opted_out_at timestamp);\n");
            break;
        case Backend::MariaDB:
            db.exec_script(
                "CREATE TABLE district (id INT PRIMARY KEY, name VARCHAR(60) NOT NULL, "
                "region VARCHAR(60) NOT NULL);\n"
                "CREATE TABLE customer (id INT PRIMARY KEY, code VARCHAR(16) NOT NULL UNIQUE, "
                "full_name VARCHAR(100) NOT NULL, gender CHAR(1), birth_date DATE, district_id INT, "
                "income_band VARCHAR(10), email VARCHAR(100), phone VARCHAR(30), created_at DATETIME NOT NULL, "
                "lead_source VARCHAR(20), is_lead BOOLEAN NOT NULL, marketing_consent BOOLEAN NOT NULL, "
                "interests VARCHAR(200));\n"
                "CREATE TABLE product_category (id INT PRIMARY KEY, name VARCHAR(60) NOT NULL);\n"
                "CREATE TABLE product (id INT PRIMARY KEY, sku VARCHAR(30) NOT NULL, name VARCHAR(100) NOT NULL, "
                "category_id INT, price DECIMAL(12,2) NOT NULL);\n"
                "CREATE TABLE sales_order (id INT PRIMARY KEY, customer_id INT NOT NULL, "
                "ordered_at DATETIME NOT NULL, channel VARCHAR(20) NOT NULL, store_code VARCHAR(20), "
                "total DECIMAL(12,2) NOT NULL, kind VARCHAR(10) NOT NULL);\n"
                "CREATE TABLE sales_order_line (id INT PRIMARY KEY, order_id INT NOT NULL, "
                "product_id INT NOT NULL, quantity INT NOT NULL, amount DECIMAL(12,2) NOT NULL);\n"
                "CREATE TABLE referral (referrer_id INT NOT NULL, referee_id INT NOT NULL, "
                "referred_at DATETIME);\n"
                "CREATE TABLE opt_out (customer_id INT, email VARCHAR(100), phone VARCHAR(30), "
                "opted_out_at DATETIME);\n");
            break;
    }
}

// The mapping by the host's integer keys: every customer id the engine reads is an integer
// column of the host's tables.
const std::vector<std::pair<std::string, std::string>> kIntegerQueries = {
    {"customers",
     "SELECT c.id AS customer_id, c.created_at, c.birth_date, c.gender,\n"
     "       d.name AS district, c.income_band, c.email, c.phone, c.lead_source,\n"
     "       c.is_lead AS is_prospect, c.interests, c.marketing_consent\n"
     "FROM customer c\n"
     "LEFT JOIN district d ON d.id = c.district_id"},
    {"orders",
     "SELECT id AS order_id, customer_id, ordered_at, total AS amount, channel\n"
     "FROM sales_order"},
    {"order_lines",
     "SELECT l.order_id, p.sku AS product_id, pc.name AS category, l.amount\n"
     "FROM sales_order_line l\n"
     "JOIN product p ON p.id = l.product_id\n"
     "LEFT JOIN product_category pc ON pc.id = p.category_id"},
    {"referrals", "SELECT referrer_id, referee_id, referred_at FROM referral"},
    {"opt_outs", "SELECT customer_id, email, phone, opted_out_at FROM opt_out"},
};

// The demo shop on one backend and an engine config over it.
struct DemoShop {
    DemoShop(Backend backend, Ids ids)
        : db(backend, ids == Ids::Integer ? "hooks_int" : "hooks_text"), ids(ids) {
        create_demo_schema(db);
        DemoLoader loader(db);
        datagen::DemoOptions options;
        options.customers = 300;
        counts = datagen::generate_demo(options, loader);
        loader.write();
        if (ids == Ids::Integer) {
            config = write_engine_config(dir.path(), db.connection(), kIntegerQueries, rules_yaml());
        } else {
            // The demo's own mapping: customers are named by their text code.
            write_text(dir.path() / "rules.yaml", rules_yaml());
            write_text(dir.path() / "custclass.yaml",
                       "custclass: 1\nsource:\n  preset: generic\n  connection: \"" + db.connection() +
                           "\"\n" + datagen::demo_generic_queries_yaml() + "rules: rules.yaml\n");
            config = (dir.path() / "custclass.yaml").string();
        }
    }
    // The host's integer key of a customer id as the engine names it.
    std::string host_key(const std::string& customer_id) {
        if (ids == Ids::Integer) return customer_id;
        return db.scalar("SELECT id FROM customer WHERE code = " + db.literal(customer_id));
    }

    ScratchDatabase db;
    Ids ids;
    TempDir dir;
    std::string config;
    datagen::DemoCounts counts;
};

plugin::RunRequest on_as_of() {
    plugin::RunRequest r;
    r.as_of = config::parse_day(kAsOf);
    return r;
}

// The feature values an explanation shows for one segment of a classification.
ordered_json features_of(const ordered_json& doc, const char* classification, const char* segment) {
    const ordered_json& c = doc.at("classifications").at(classification);
    for (const char* list : {"matched", "not_matched"})
        for (const auto& s : c.at(list))
            if (s.at("segment") == segment) return s.at("features");
    return nullptr;
}

std::string segment_of(const ordered_json& doc, const char* classification) {
    const ordered_json& s = doc.at("classifications").at(classification).at("segment");
    return s.is_null() ? std::string() : s.get<std::string>();
}

// Every customer of a full run as classify() explains it, taken before any hook (after a hook,
// classify returns the hook's document for that customer).
struct FullRun {
    ordered_json summary;
    FeatureDump features;                        // the run's feature table, read again
    std::map<std::string, ordered_json> explained;
};

const std::vector<std::string> kDumpFeatures = {"recency_days", "frequency", "monetary",     "orders_total",
                                                "tenure_days",  "r_score",   "f_score",      "m_score",
                                                "pareto_class", "referrals", "opted_out"};

FullRun full_run(plugin::Engine& engine, const DemoShop& shop) {
    FullRun run;
    run.summary = engine.run(on_as_of());
    run.features = dump_features(shop.config, kAsOf, kDumpFeatures);
    for (const auto& [id, _] : run.features.customers) run.explained[id] = engine.classify(id, on_as_of());
    return run;
}

using Param = std::tuple<Backend, Ids>;

class HooksOnTheDemoShop : public ::testing::TestWithParam<Param> {
protected:
    Backend backend() const { return std::get<0>(GetParam()); }
    Ids ids() const { return std::get<1>(GetParam()); }
};

TEST_P(HooksOnTheDemoShop, AgreeWithTheFullRunForEveryCustomer) {
    DemoShop shop(backend(), ids());
    auto engine = plugin::Engine::open_file(shop.config, "");
    const FullRun run = full_run(*engine, shop);
    ASSERT_GT(run.summary.at("customers").get<std::size_t>(), 250u);
    ASSERT_EQ(run.explained.size(), run.summary.at("customers").get<std::size_t>());
    // The data really exercises the features the tags read.
    std::size_t referrers = 0, opted_out = 0, pareto_a = 0;
    for (const auto& [id, f] : run.features.customers) {
        referrers += f.at("referrals").is_number() && f.at("referrals").get<double>() >= 1;
        opted_out += f.at("opted_out") == true;
        pareto_a += f.at("pareto_class") == "A";
    }
    EXPECT_GT(referrers, 0u);
    EXPECT_GT(opted_out, 0u);
    EXPECT_GT(pareto_a, 0u);
    if (ids() == Ids::Integer) {
        for (const auto& [id, _] : run.explained)
            ASSERT_TRUE(!id.empty() && std::all_of(id.begin(), id.end(), [](char c) { return c >= '0' && c <= '9'; }))
                << "customer id " << id << " is not the host's integer key";
    }

    std::size_t compared = 0, differing = 0;
    for (const auto& [id, expected] : run.explained) {
        ordered_json hooked;
        try {
            hooked = engine->reclassify(id, std::nullopt, on_as_of());
        } catch (const std::exception& e) {
            FAIL() << "the hook failed for customer " << id << ": " << e.what();
        }
        ++compared;
        EXPECT_EQ(hooked.at("customer_id"), id);
        EXPECT_EQ(hooked.at("incremental").at("run_id"), run.summary.at("run_id"));
        if (hooked.at("classifications") != expected.at("classifications") ||
            hooked.at("scores") != expected.at("scores")) {
            if (++differing <= 3)
                ADD_FAILURE() << "customer " << id << ": the hook gives\n"
                              << hooked.at("classifications").dump(1) << "\n"
                              << hooked.at("scores").dump(1) << "\nthe full run gave\n"
                              << expected.at("classifications").dump(1) << "\n"
                              << expected.at("scores").dump(1);
        }
    }
    EXPECT_EQ(compared, run.explained.size());
    EXPECT_EQ(differing, 0u) << "of " << compared << " customers";
}

// r_score, f_score, m_score of a value among the active customers of the run (RULES.md section
// 4): 1 + floor(5 w / n), w the active customers strictly worse.
int score_among(const std::vector<std::int64_t>& values, std::int64_t value, bool better_is_larger) {
    std::uint64_t worse = 0;
    for (std::int64_t v : values) worse += better_is_larger ? v < value : v > value;
    return 1 + static_cast<int>(5 * worse / values.size());
}

std::int64_t cents(const ordered_json& monetary) { return std::llround(monetary.get<double>() * 100); }

TEST_P(HooksOnTheDemoShop, AnOrderPostedIsSeenAndAnUnknownOrderIsNotFound) {
    DemoShop shop(backend(), ids());
    auto engine = plugin::Engine::open_file(shop.config, "");
    const FullRun run = full_run(*engine, shop);

    // A customer who bought before, but not in the last year: `lost` and churned or lapsed.
    std::string who;
    for (const auto& [id, f] : run.features.customers)
        if (f.at("frequency") == 0 && f.at("orders_total").get<int>() >= 1 &&
            segment_of(run.explained.at(id), "value") == "lost") {
            who = id;
            break;
        }
    ASSERT_FALSE(who.empty()) << "the demo shop has no lost customer without a purchase in the year";
    const ordered_json& before_features = run.features.customers.at(who);
    const ordered_json before = engine->reclassify(who, std::nullopt, on_as_of());
    ASSERT_EQ(before.at("classifications"), run.explained.at(who).at("classifications"));
    const ordered_json buyer_before = features_of(before, "tags", "buyer");
    ASSERT_EQ(buyer_before.at("frequency"), 0);

    // Its place among the active customers of the run is worked out by hand from the run's
    // feature table.
    std::vector<std::int64_t> recency, frequency, money;
    std::vector<std::tuple<std::int64_t, std::string, std::string>> pareto;  // monetary, id, class
    for (const auto& [id, f] : run.features.customers) {
        if (f.at("r_score").is_null()) continue;  // not active: no purchase in the window
        recency.push_back(f.at("recency_days").get<std::int64_t>());
        frequency.push_back(f.at("frequency").get<std::int64_t>());
        money.push_back(cents(f.at("monetary")));
        if (!f.at("pareto_class").is_null())
            pareto.emplace_back(cents(f.at("monetary")), id, f.at("pareto_class").get<std::string>());
    }
    ASSERT_FALSE(money.empty());
    // The host posts a sale on the run's date worth what the median active customer spent in
    // the year (a tie with at least one customer of the run: ties rank by customer id).
    std::vector<std::int64_t> sorted_money = money;
    std::sort(sorted_money.begin(), sorted_money.end());
    const std::int64_t amount = sorted_money[sorted_money.size() / 2];
    ASSERT_GT(amount, 0);
    const std::string key = shop.host_key(who);
    ASSERT_FALSE(key.empty());
    const std::string order_id = std::to_string(std::stoll(shop.db.scalar("SELECT MAX(id) FROM sales_order")) + 1);
    shop.db.exec("INSERT INTO sales_order (id, customer_id, ordered_at, channel, store_code, total, kind) VALUES (" +
                 order_id + ", " + key + ", " + shop.db.literal(std::string(kAsOf) + " 12:00:00") +
                 ", 'online', NULL, " + DemoLoader::money(amount) + ", 'sale')");

    ordered_json after;
    try {
        after = engine->reclassify(who, order_id, on_as_of());
    } catch (const std::exception& e) {
        FAIL() << "the hook failed for customer " << who << " after order " << order_id << ": " << e.what();
    }
    EXPECT_EQ(after.at("incremental").at("order_id"), order_id);
    const ordered_json buyer = features_of(after, "tags", "buyer");
    EXPECT_EQ(buyer.at("frequency"), buyer_before.at("frequency").get<int>() + 1);
    EXPECT_EQ(buyer.at("orders_total"), buyer_before.at("orders_total").get<int>() + 1);
    EXPECT_EQ(buyer.at("recency_days"), 0);
    const std::int64_t monetary = cents(buyer_before.at("monetary")) + amount;
    EXPECT_EQ(cents(buyer.at("monetary")), monetary);

    const int r = score_among(recency, 0, false);
    const int f = score_among(frequency, 1, true);
    const int m = score_among(money, monetary, true);
    // Pareto: the class of the first customer of the run ranked at or after it (monetary
    // descending, then id ascending); C after every customer of class B.
    std::sort(pareto.begin(), pareto.end(), [](const auto& a, const auto& b) {
        return std::get<0>(a) != std::get<0>(b) ? std::get<0>(a) > std::get<0>(b) : std::get<1>(a) < std::get<1>(b);
    });
    std::string pareto_class = "C";
    for (const auto& [mon, id, cls] : pareto)
        if (mon < monetary || (mon == monetary && id > who)) {
            pareto_class = cls;
            break;
        }
    const ordered_json rfm = features_of(after, "tags", "rfm_top");
    EXPECT_EQ(rfm.at("r_score"), r);
    EXPECT_EQ(rfm.at("f_score"), f);
    EXPECT_EQ(rfm.at("m_score"), m);
    EXPECT_EQ(features_of(after, "tags", "top_spender").at("pareto_class"), pareto_class);
    EXPECT_EQ(f, 1);
    EXPECT_GE(r, 4);

    // The value segment (hk-retail, first match) with f_score 1: promising, or new when its
    // first purchase is less than 90 days old (it is not: it bought before the window).
    const int tenure = before_features.at("tenure_days").get<int>();
    EXPECT_GT(tenure, 90);
    EXPECT_EQ(segment_of(after, "value"), tenure <= 90 ? "new" : "promising");
    EXPECT_EQ(segment_of(after, "lifecycle"), "active");  // bought today, first purchase long ago
    EXPECT_NE(segment_of(before, "lifecycle"), "active");
    // Lookups see the hook's result.
    EXPECT_EQ(segment_of(engine->classify(who, on_as_of()), "value"), segment_of(after, "value"));

    // An order the host does not have, and an order of another customer.
    EXPECT_THROW(engine->reclassify(who, std::string("987654321"), on_as_of()), plugin::NotFound);
    const std::string other_order =
        shop.db.scalar("SELECT MIN(id) FROM sales_order WHERE customer_id <> " + key);
    ASSERT_FALSE(other_order.empty());
    EXPECT_THROW(engine->reclassify(who, other_order, on_as_of()), plugin::NotFound);
    // The connection of a failed hook is dropped; the next hook still works.
    EXPECT_EQ(engine->reclassify(who, order_id, on_as_of()).at("classifications"), after.at("classifications"));
}

// The integer mapping as an administrator may write it: SQL comments with an apostrophe (an odd
// number of them) and, but on MariaDB, with a colon. The full run sends the text to the database
// as it is; the hooks' parameterised reads must too. (On MariaDB a colon outside a '…' literal
// breaks the full run already: SOCI's MySQL backend cuts the column probe's SQL there.) On
// MariaDB the orders also come as DATETIME(3) and DOUBLE, which the hooks' prepared statements
// receive in the binary protocol and must turn into the same text as the full run's text
// protocol.
std::vector<std::pair<std::string, std::string>> commented_queries(Backend backend) {
    auto queries = kIntegerQueries;
    const bool mariadb = backend == Backend::MariaDB;
    queries[0].second = "-- The CRM's customers, one row each\n" +
                        std::string(mariadb ? "" : "/* note: leads have not bought yet */\n") +
                        queries[0].second + "\n-- district is the customer's home district";
    queries[1].second =
        std::string("SELECT id AS order_id, customer_id, -- the customer's key\n") +
        (mariadb ? "       CAST(ordered_at AS DATETIME(3)) AS ordered_at, -- Hong Kong time, as the POS writes it\n"
                   "       CAST(total AS DOUBLE) AS amount, channel\n"
                 : "       ordered_at, -- time: Hong Kong, as the POS writes it\n"
                   "       total AS amount, channel\n") +
        "FROM sales_order";
    return queries;
}

class HooksWithCommentedMapping : public ::testing::TestWithParam<Backend> {};

TEST_P(HooksWithCommentedMapping, AgreeWithTheFullRunForEveryCustomer) {
    DemoShop shop(GetParam(), Ids::Integer);
    shop.config = write_engine_config(shop.dir.path(), shop.db.connection(), commented_queries(GetParam()),
                                      rules_yaml());
    auto engine = plugin::Engine::open_file(shop.config, "");
    const FullRun run = full_run(*engine, shop);
    ASSERT_GT(run.explained.size(), 250u);
    std::size_t differing = 0;
    for (const auto& [id, expected] : run.explained) {
        ordered_json hooked;
        try {
            hooked = engine->reclassify(id, std::nullopt, on_as_of());
        } catch (const std::exception& e) {
            FAIL() << "the hook failed for customer " << id << ": " << e.what();
        }
        if (hooked.at("classifications") != expected.at("classifications") ||
            hooked.at("scores") != expected.at("scores"))
            ++differing;
    }
    EXPECT_EQ(differing, 0u);
}

INSTANTIATE_TEST_SUITE_P(Hooks, HooksWithCommentedMapping,
                         ::testing::Values(Backend::SQLite, Backend::PostgreSQL, Backend::MariaDB),
                         [](const ::testing::TestParamInfo<Backend>& info) {
                             return std::string(backend_name(info.param));
                         });

INSTANTIATE_TEST_SUITE_P(Hooks, HooksOnTheDemoShop,
                         ::testing::Combine(::testing::Values(Backend::SQLite, Backend::PostgreSQL,
                                                              Backend::MariaDB),
                                            ::testing::Values(Ids::Integer, Ids::Text)),
                         [](const ::testing::TestParamInfo<Param>& info) {
                             return std::string(backend_name(std::get<0>(info.param))) + "_" +
                                    ids_name(std::get<1>(info.param));
                         });

}  // namespace
