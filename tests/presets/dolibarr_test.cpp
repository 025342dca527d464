// The `dolibarr` preset (config/presets/dolibarr.yaml) against Dolibarr's own tables: the MySQL
// DDL of htdocs/install/mysql/tables/*.sql (tests/presets/dolibarr/mysql.sql) on MariaDB, and the
// same DDL turned into PostgreSQL's the way Dolibarr's installer does it (pgsql.class.php,
// convertSQLFromMysql). Verified against a schema built from the host's published DDL facts, not
// a running Dolibarr. The same rows go into both; every feature of every customer is worked out
// by hand below from those rows (RULES.md section 4) and must come out of the engine on both.
#include <gtest/gtest.h>

#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "host_preset_support.h"
#include "integration_support.h"

using namespace custclass::integration;
using nlohmann::ordered_json;

namespace {

using S = OptionalText;
const S null;
constexpr const char* kAsOf = kHostAsOf;

struct Thirdparty {
    int rowid;
    std::string nom;
    int entity;
    int client;  // 1 customer, 2 prospect, 3 both
    int status;  // 1 open, 0 closed
    S town, email, phone, datec, code_client;
};

struct Invoice {
    int rowid;
    int entity;
    int soc;
    int type;    // 0 standard, 1 replacement, 2 credit note, 3 deposit
    int statut;  // 0 draft, 1 validated, 2 paid, 3 abandoned
    std::string datef;
    std::string total_ht, total_ttc;
    S close_code;
    std::optional<int> source;  // the invoice a credit note or a replacement refers to
};

struct Line {
    int facture;
    std::optional<int> product;  // none for a free-text line
    S label, description;
    std::string qty, total_ht, total_ttc;
};

const std::vector<Thirdparty> kThirdparties = {
    {1, "Chan Trading Ltd", 1, 1, 1, "Sha Tin", "Chan@Example.HK", "+852 2345 6789",
     "2024-01-10 09:00:00", "CU2401-0001"},
    {2, "Lee Family Store", 1, 3, 1, "Kowloon City", "lee@example.hk", null, "2025-09-15 14:30:00",
     "CU2509-0002"},
    // A prospect only (client 2) and a closed company: not customers by default, and their
    // invoices are not read either (no "orders of an unknown customer").
    {3, "Prospect Only Co", 1, 2, 1, "Tsuen Wan", "hello@prospect.hk", null, "2025-01-01 10:00:00",
     null},
    {4, "Closed Company", 1, 1, 0, "Mong Kok", "closed@example.hk", null, "2022-03-01 10:00:00",
     "CU2203-0004"},
    // Another company of the Multicompany module (entity 2).
    {5, "Macau Branch Client", 2, 1, 1, "Macau", "client@example.mo", null, "2025-02-01 10:00:00",
     "CU2502-0001"},
    // Created after as_of without an invoice: not yet a customer.
    {6, "Future Customer", 1, 1, 1, "Tai Po", null, null, "2026-07-05 10:00:00", "CU2607-0006"},
    // Unsubscribed in entity 1, in another case than its own address.
    {7, "Tea House", 1, 1, 1, "Central", "optout@example.hk", "2810 0000", "2023-05-01 08:00:00",
     "CU2305-0007"},
    // Unsubscribed in entity 2 only: Dolibarr's mailing selectors still leave it out.
    {8, "Wong Holdings", 1, 1, 1, "Wan Chai", "Wong@Example.hk", null, "2025-12-01 11:00:00",
     "CU2512-0008"},
    // No creation date, no town, no e-mail: exists through its invoice.
    {9, "No Date Ltd", 1, 1, 1, null, null, null, null, null},
    // Only a credit note (stored with a positive total, as an import might): a return, no purchase.
    {10, "Credit Only", 1, 3, 1, "Yuen Long", "credit@example.hk", null, "2026-01-20 10:00:00",
     "CU2601-0010"},
};

const std::vector<Invoice> kInvoices = {
    {1001, 1, 1, 0, 1, "2026-06-20", "1000.00", "1200.00", null, std::nullopt},  // validated
    {1002, 1, 1, 0, 2, "2025-12-01", "250.00", "300.00", null, std::nullopt},    // paid
    {1003, 1, 1, 2, 2, "2026-01-15", "-250.00", "-300.00", null, 1002},  // credit note of 1002
    {1004, 1, 1, 0, 0, "2026-06-25", "832.50", "999.00", null, std::nullopt},       // draft
    {1005, 1, 1, 0, 3, "2026-03-01", "416.67", "500.00", "abandon", std::nullopt},  // abandoned
    {1006, 1, 1, 0, 2, "2025-06-30", "66.67", "80.00", null,
     std::nullopt},  // the day before the window
    {2001, 1, 2, 0, 2, "2026-05-01", "375.42", "450.50", null, std::nullopt},
    {2002, 1, 2, 0, 1, "2026-06-30", "27.78", "33.33", null, std::nullopt},  // on as_of
    {3001, 1, 3, 0, 1, "2026-02-02", "64.17", "77.00", null, std::nullopt},
    {4001, 1, 4, 0, 2, "2025-10-10", "416.67", "500.00", null, std::nullopt},
    {5001, 2, 5, 0, 2, "2026-04-01", "100.00", "120.00", null, std::nullopt},
    {7001, 1, 7, 0, 2, "2025-08-01", "83.33", "100.00", null, std::nullopt},
    {7002, 1, 7, 2, 2, "2025-08-05", "-33.33", "-40.00", null, 7001},  // a partial refund
    {8001, 1, 8, 0, 3, "2026-02-01", "208.33", "250.00", "replaced", std::nullopt},
    {8002, 1, 8, 1, 1, "2026-02-10", "208.33", "250.00", null, 8001},          // replaces 8001
    {8003, 1, 8, 3, 2, "2026-03-01", "83.33", "100.00", null, std::nullopt},   // a deposit
    {8004, 1, 8, 0, 0, "2026-06-25", "832.50", "999.00", null, std::nullopt},  // draft
    {8005, 1, 8, 0, 2, "2026-07-02", "50.00", "60.00", null, std::nullopt},    // after as_of
    {9001, 1, 9, 0, 2, "2024-06-30", "37.92", "45.50", null, std::nullopt},
    {10001, 1, 10, 2, 1, "2026-03-03", "16.67", "20.00", null, std::nullopt},
};

const std::vector<Line> kLines = {
    {1001, 1, null, null, "2", "800.00", "960.00"},
    {1001, std::nullopt, "Gift wrapping", "Gift wrapping and delivery", "1", "200.00", "240.00"},
    {1002, 2, null, null, "1", "250.00", "300.00"},
    {1003, 2, null, null, "1", "-250.00", "-300.00"},
    {1004, 1, null, null, "1", "832.50", "999.00"},
    {1005, 3, null, null, "5", "416.67", "500.00"},
    {1006, 3, null, null, "1", "66.67", "80.00"},
    {2001, 3, null, null, "5", "375.42", "450.50"},
    {2002, 1, null, null, "1", "27.78", "33.33"},
    {3001, 3, null, null, "1", "64.17", "77.00"},
    {4001, 1, null, null, "1", "416.67", "500.00"},
    {5001, 2, null, null, "1", "100.00", "120.00"},
    {7001, 3, null, null, "2", "83.33", "100.00"},
    {7002, 3, null, null, "1", "-33.33", "-40.00"},
    {8001, 1, null, null, "1", "208.33", "250.00"},
    {8002, 1, null, null, "1", "208.33", "250.00"},
    {8003, std::nullopt, null, "Deposit 40%", "1", "83.33", "100.00"},
    {8005, 3, null, null, "1", "50.00", "60.00"},
    {9001, 2, null, null, "1", "37.92", "45.50"},
    {10001, 3, null, null, "1", "16.67", "20.00"},
};

// Categories: type 0 product, 1 supplier, 2 customer. A customer category and a product category
// may share a label (Tea).
struct Category {
    int rowid;
    int type;
    std::string label;
};
const std::vector<Category> kCategories = {
    {1, 2, "VIP"},       {2, 2, "Skincare"}, {3, 1, "Wholesale"}, {4, 2, "Tea"},
    {5, 0, "Cosmetics"}, {6, 0, "Books"},    {7, 0, "Tea"},
};
const std::vector<std::pair<int, int>> kCustomerCategories = {{1, 1}, {2, 1}, {3, 1}, {4, 7}};
// Product 2 is in Books and Tea: the alphabetically first, Books, is its category.
const std::vector<std::pair<int, int>> kProductCategories = {{5, 1}, {6, 2}, {7, 2}, {7, 3}};

struct Product {
    int rowid;
    std::string ref, label, price;
};
const std::vector<Product> kProducts = {
    {1, "SERUM-R", "Rose Serum", "400.00"},
    {2, "BOOK-TEA", "The Book of Tea", "250.00"},
    {3, "TEA-GRN", "Green Tea 100 g", "66.67"},
};

struct Unsubscribe {
    int entity;
    S email;
    std::string date;
};
const std::vector<Unsubscribe> kUnsubscribes = {
    {1, "OptOut@Example.HK", "2025-09-01 10:00:00"},
    {2, "wong@example.hk", "2026-01-05 10:00:00"},
    {1, null, "2026-01-06 10:00:00"},  // an empty row is ignored
    {1, "", "2026-01-07 10:00:00"},
};

// The MySQL DDL as Dolibarr's installer turns it into PostgreSQL's (convertSQLFromMysql):
// AUTO_INCREMENT keys become SERIAL, tinyint smallint, double numeric, datetime timestamp, the
// `tms` column a timestamp without time zone defaulting to now(); the engine clause goes.
std::string postgresql_ddl(std::string sql) {
    const std::vector<std::pair<std::regex, std::string>> rules = {
        {std::regex(R"((\w+) integer AUTO_INCREMENT PRIMARY KEY)"), "$1 SERIAL PRIMARY KEY"},
        {std::regex(R"(\btinyint\b)"), "smallint"},
        {std::regex(R"(\bdouble\()"), "numeric("},
        {std::regex(R"(\bdatetime\b)"), "timestamp"},
        {std::regex(R"(\btms timestamp[^,\n]*)"),
         "tms timestamp without time zone DEFAULT now() NOT NULL"},
        {std::regex(R"(\) ENGINE=innodb)"), ")"},
    };
    for (const auto& [pattern, replacement] : rules)
        sql = std::regex_replace(sql, pattern, replacement);
    return sql;
}

// Dolibarr's tables under `prefix`, filled with the rows above.
void create_dolibarr(ScratchDatabase& db, const std::string& prefix) {
    std::string ddl = host_ddl("dolibarr/mysql.sql");
    if (db.backend() == Backend::PostgreSQL) ddl = postgresql_ddl(ddl);
    ddl = std::regex_replace(ddl, std::regex(R"(\bllx_)"), prefix);
    db.exec_script(ddl);
    auto num = [](std::optional<int> v) { return v ? std::to_string(*v) : std::string("NULL"); };
    std::vector<std::vector<std::string>> rows;
    for (const auto& t : kThirdparties)
        rows.push_back({std::to_string(t.rowid), db.literal(t.nom), std::to_string(t.entity),
                        std::to_string(t.client), std::to_string(t.status), db.literal(t.town),
                        db.literal(t.email), db.literal(t.phone), db.literal(t.datec),
                        db.literal(t.code_client), "0"});
    db.insert(prefix + "societe",
              {"rowid", "nom", "entity", "client", "status", "town", "email", "phone", "datec",
               "code_client", "fk_stcomm"},
              rows);
    rows.clear();
    for (const auto& f : kInvoices) {
        // Dolibarr's tax is the difference of the totals.
        const std::string tva = "(" + f.total_ttc + " - " + f.total_ht + ")";
        rows.push_back({std::to_string(f.rowid), db.literal("FA-" + std::to_string(f.rowid)),
                        std::to_string(f.entity), std::to_string(f.type), std::to_string(f.soc),
                        db.literal(f.datef + " 09:00:00"), db.literal(f.datef),
                        std::to_string(f.statut == 2 ? 1 : 0), db.literal(f.close_code), f.total_ht,
                        tva, f.total_ttc, std::to_string(f.statut), num(f.source)});
    }
    db.insert(prefix + "facture",
              {"rowid", "ref", "entity", "type", "fk_soc", "datec", "datef", "paye", "close_code",
               "total_ht", "total_tva", "total_ttc", "fk_statut", "fk_facture_source"},
              rows);
    rows.clear();
    for (std::size_t i = 0; i < kLines.size(); ++i) {
        const Line& l = kLines[i];
        rows.push_back(
            {std::to_string(i + 1), std::to_string(l.facture), num(l.product), db.literal(l.label),
             db.literal(l.description), l.qty, "(" + l.total_ht + " / " + l.qty + ")", l.total_ht,
             "(" + l.total_ttc + " - " + l.total_ht + ")", l.total_ttc, std::to_string(i + 1)});
    }
    db.insert(prefix + "facturedet",
              {"rowid", "fk_facture", "fk_product", "label", "description", "qty", "subprice",
               "total_ht", "total_tva", "total_ttc", "rang"},
              rows);
    rows.clear();
    for (const auto& p : kProducts)
        rows.push_back({std::to_string(p.rowid), db.literal(p.ref), db.literal(p.label), p.price});
    db.insert(prefix + "product", {"rowid", "ref", "label", "price"}, rows);
    rows.clear();
    for (const auto& c : kCategories)
        rows.push_back({std::to_string(c.rowid), std::to_string(c.type), db.literal(c.label)});
    db.insert(prefix + "categorie", {"rowid", "type", "label"}, rows);
    rows.clear();
    for (const auto& [category, soc] : kCustomerCategories)
        rows.push_back({std::to_string(category), std::to_string(soc)});
    db.insert(prefix + "categorie_societe", {"fk_categorie", "fk_soc"}, rows);
    rows.clear();
    for (const auto& [category, product] : kProductCategories)
        rows.push_back({std::to_string(category), std::to_string(product)});
    db.insert(prefix + "categorie_product", {"fk_categorie", "fk_product"}, rows);
    rows.clear();
    for (const auto& u : kUnsubscribes)
        rows.push_back({std::to_string(u.entity), db.literal(u.email), db.literal(u.date)});
    db.insert(prefix + "mailing_unsubscribe", {"entity", "email", "date_creat"}, rows);
}

std::string preset_config(const TempDir& dir, const ScratchDatabase& db,
                          const std::string& settings = {}) {
    return host_preset_config(dir, "dolibarr", db, settings);
}

const std::vector<std::string> kShares = {"cosmetics", "books", "tea"};

std::vector<std::string> features() {
    return all_features({}, kShares, {"customers", "orders", "order_lines"});
}

// Features the preset does not map (Dolibarr keeps no birth date, gender, income band, lead
// source or consent for a third party).
ordered_json with_unmapped(ordered_json f) {
    for (const char* name :
         {"age", "age_band", "gender", "income_band", "lead_source", "marketing_consent"})
        f[name] = nullptr;
    return f;
}

// Every feature of every customer, worked out from the rows above. Active customers (a purchase
// in the window): 1, 2, 7, 8 (n = 4).
//   recency 1: 10, 2: 0, 7: 333, 8: 121 -> r 3, 4, 1, 2 (w = 2, 3, 0, 1; 1 + floor(5w/4))
//   frequency 1: 2, 2: 2, 7: 1, 8: 2    -> f 2, 2, 1, 2 (w = 1, 1, 0, 1)
//   monetary 1: 1200, 2: 483.83, 7: 60, 8: 350 -> m 4, 3, 1, 2
// Pareto over monetary > 0 (1, 2, 8, 7; total 2093.83): ahead 0 -> A, 1200 (0.57) -> A,
// 1683.83 (0.80) -> B, 2033.83 (0.97) -> C.
std::map<std::string, ordered_json> expected_customers() {
    std::map<std::string, ordered_json> e;
    // 1: purchases 1001 (20 Jun, 1200.00 tax included) and 1002 (1 Dec, 300.00); the credit note
    // 1003 (-300.00) in the window; 1006 (30 Jun 2025) before it; 1004 draft, 1005 abandoned.
    // Lines of the purchases: Rose Serum 960 (Cosmetics), gift wrapping 240 (no product, no
    // category), The Book of Tea 300 (Books, not Tea): 1500 in all.
    e["1"] = {{"recency_days", 10},
              {"frequency", 2},
              {"monetary", 1200.0},
              {"avg_order_value", 750.0},
              {"tenure_days", 365},
              {"orders_total", 3},
              {"returns_rate", 1.0 / 3},
              {"r_score", 3},
              {"f_score", 2},
              {"m_score", 4},
              {"rfm", "324"},
              {"top_category", "cosmetics"},
              {"pareto_class", "A"},
              {"district", "Sha Tin"},
              {"interests", {"skincare", "vip"}},  // not the supplier category Wholesale
              {"signup_days", 902},                // 10 Jan 2024 to 30 Jun 2026
              {"is_prospect", false},
              {"opted_out", false},
              {"share:cosmetics", 960.0 / 1500},
              {"share:books", 300.0 / 1500},
              {"share:tea", 0.0}};
    // 2 (customer and prospect, client 3): 2001 (1 May, 450.50, Tea) and 2002 on as_of (33.33,
    // Cosmetics).
    e["2"] = {{"recency_days", 0},
              {"frequency", 2},
              {"monetary", 483.83},
              {"avg_order_value", 241.915},
              {"tenure_days", 60},
              {"orders_total", 2},
              {"returns_rate", 0.0},
              {"r_score", 4},
              {"f_score", 2},
              {"m_score", 3},
              {"rfm", "423"},
              {"top_category", "tea"},
              {"pareto_class", "A"},
              {"district", "Kowloon City"},
              {"interests", nullptr},
              {"signup_days", 288},
              {"is_prospect", false},
              {"opted_out", false},
              {"share:cosmetics", 33.33 / 483.83},
              {"share:books", 0.0},
              {"share:tea", 450.50 / 483.83}};
    // 7: 7001 (1 Aug 2025, 100.00) and its partial credit note 7002 (-40.00); unsubscribed.
    e["7"] = {{"recency_days", 333},    {"frequency", 1},
              {"monetary", 60.0},       {"avg_order_value", 100.0},
              {"tenure_days", 333},     {"orders_total", 1},
              {"returns_rate", 0.5},    {"r_score", 1},
              {"f_score", 1},           {"m_score", 1},
              {"rfm", "111"},           {"top_category", "tea"},
              {"pareto_class", "C"},    {"district", "Central"},
              {"interests", {"tea"}},   {"signup_days", 1156},
              {"is_prospect", false},   {"opted_out", true},
              {"share:cosmetics", 0.0}, {"share:books", 0.0},
              {"share:tea", 1.0}};
    // 8: the replacement 8002 (10 Feb, 250.00) of the abandoned 8001, the deposit 8003 (1 Mar,
    // 100.00, a free-text line); the draft 8004 and 8005 after as_of do not count.
    e["8"] = {{"recency_days", 121},
              {"frequency", 2},
              {"monetary", 350.0},
              {"avg_order_value", 175.0},
              {"tenure_days", 140},
              {"orders_total", 2},
              {"returns_rate", 0.0},
              {"r_score", 2},
              {"f_score", 2},
              {"m_score", 2},
              {"rfm", "222"},
              {"top_category", "cosmetics"},
              {"pareto_class", "B"},
              {"district", "Wan Chai"},
              {"interests", nullptr},
              {"signup_days", 211},
              {"is_prospect", false},
              {"opted_out", true},
              {"share:cosmetics", 250.0 / 350},
              {"share:books", 0.0},
              {"share:tea", 0.0}};
    // 9: one purchase two years before as_of, nothing in the window.
    e["9"] = {{"recency_days", 730},        {"frequency", 0},         {"monetary", 0.0},
              {"avg_order_value", nullptr}, {"tenure_days", 730},     {"orders_total", 1},
              {"returns_rate", nullptr},    {"r_score", nullptr},     {"f_score", nullptr},
              {"m_score", nullptr},         {"rfm", nullptr},         {"top_category", nullptr},
              {"pareto_class", nullptr},    {"district", nullptr},    {"interests", nullptr},
              {"signup_days", nullptr},     {"is_prospect", false},   {"opted_out", false},
              {"share:cosmetics", nullptr}, {"share:books", nullptr}, {"share:tea", nullptr}};
    // 10: a credit note only, stored with a positive total: it comes out as -20.00.
    e["10"] = {{"recency_days", nullptr},    {"frequency", 0},          {"monetary", -20.0},
               {"avg_order_value", nullptr}, {"tenure_days", nullptr},  {"orders_total", 0},
               {"returns_rate", 1.0},        {"r_score", nullptr},      {"f_score", nullptr},
               {"m_score", nullptr},         {"rfm", nullptr},          {"top_category", nullptr},
               {"pareto_class", nullptr},    {"district", "Yuen Long"}, {"interests", nullptr},
               {"signup_days", 161},         {"is_prospect", true},     {"opted_out", false},
               {"share:cosmetics", nullptr}, {"share:books", nullptr},  {"share:tea", nullptr}};
    for (auto& [id, f] : e) f = with_unmapped(f);
    return e;
}

}  // namespace

TEST(DolibarrPreset, EveryFeatureOfEveryCustomerOnMariadbAndPostgresql) {
    const auto expected = expected_customers();
    std::map<Backend, FeatureDump> dumps;
    for (Backend b : {Backend::MariaDB, Backend::PostgreSQL}) {
        SCOPED_TRACE(backend_name(b));
        ScratchDatabase db(b, "dolibarr");
        create_dolibarr(db, "llx_");
        TempDir dir;
        const FeatureDump dump =
            dump_features(preset_config(dir, db), kAsOf, features(), CUSTCLASS_DATA_DIR);
        // Read: 1, 2, 6, 7, 8, 9, 10 (entity 1, client 1 or 3, open); 6 is created after as_of.
        EXPECT_EQ(dump.customers_read, 7u);
        EXPECT_EQ(dump.excluded, (std::map<std::string, std::uint64_t>{{"not_yet_customer", 1}}));
        // 8005 is dated after as_of; no invoice of a prospect, a closed company or another
        // entity is read.
        EXPECT_EQ(dump.data_quality,
                  (std::map<std::string, std::uint64_t>{{"orders_after_as_of", 1}}));
        EXPECT_EQ(ids_of(dump), (std::vector<std::string>{"1", "10", "2", "7", "8", "9"}));
        for (const auto& [id, f] : expected) expect_features(dump, id, f);
        dumps[b] = dump;
    }
    // The same rows give the same features on both, to the last bit.
    for (const auto& [id, f] : dumps[Backend::MariaDB].customers)
        EXPECT_EQ(dumps[Backend::PostgreSQL].customers[id], f) << "customer " << id;
}

// A table prefix other than llx_, and the settings that widen or move what counts as a customer.
TEST(DolibarrPreset, TablePrefixAndSettings) {
    ScratchDatabase db(Backend::PostgreSQL, "dolibarr_prefix");
    create_dolibarr(db, "erp_");
    TempDir dir;
    const FeatureDump same = dump_features(preset_config(dir, db, "    table_prefix: erp_\n"),
                                           kAsOf, features(), CUSTCLASS_DATA_DIR);
    EXPECT_EQ(ids_of(same), (std::vector<std::string>{"1", "10", "2", "7", "8", "9"}));
    for (const auto& [id, f] : expected_customers()) expect_features(same, id, f);

    // Prospects (client 2) and closed companies (status 0) too: 3 and 4 with their invoices.
    const FeatureDump wide =
        dump_features(preset_config(dir, db,
                                    "    table_prefix: erp_\n    client_types: [1, 2, 3]\n"
                                    "    thirdparty_statuses: [0, 1]\n"),
                      kAsOf, features(), CUSTCLASS_DATA_DIR);
    EXPECT_EQ(ids_of(wide), (std::vector<std::string>{"1", "10", "2", "3", "4", "7", "8", "9"}));
    EXPECT_TRUE(wide.data_quality.size() == 1 && wide.data_quality.at("orders_after_as_of") == 1);
    // 3001 on 2 Feb (77.00): a purchase, yet Dolibarr marks 3 as a prospect.
    expect_features(wide, "3",
                    {{"recency_days", 148},
                     {"frequency", 1},
                     {"monetary", 77.0},
                     {"is_prospect", true},
                     {"signup_days", 545},
                     {"district", "Tsuen Wan"}});
    // 4001 on 10 Oct 2025 (500.00).
    expect_features(wide, "4",
                    {{"recency_days", 263},
                     {"frequency", 1},
                     {"monetary", 500.0},
                     {"is_prospect", false},
                     {"top_category", "cosmetics"}});
    expect_features(wide, "1", {{"monetary", 1200.0}, {"orders_total", 3}});

    // The other company: only its own customer and invoice.
    const FeatureDump other =
        dump_features(preset_config(dir, db, "    table_prefix: erp_\n    entity: 2\n"), kAsOf,
                      features(), CUSTCLASS_DATA_DIR);
    EXPECT_EQ(ids_of(other), (std::vector<std::string>{"5"}));
    EXPECT_TRUE(other.data_quality.empty());
    expect_features(other, "5",
                    {{"recency_days", 90},
                     {"frequency", 1},
                     {"monetary", 120.0},
                     {"district", "Macau"},
                     {"share:books", 1.0},
                     {"opted_out", false}});
}

// A database without a table or column the preset reads: the error names the preset, the
// canonical table, the missing object and the Dolibarr versions, before anything is read.
TEST(DolibarrPreset, MissingTableOrColumnIsNamed) {
    ScratchDatabase db(Backend::MariaDB, "dolibarr_missing");
    create_dolibarr(db, "llx_");
    db.exec("DROP TABLE llx_mailing_unsubscribe");
    db.exec("ALTER TABLE llx_facture DROP COLUMN fk_statut");
    TempDir dir;
    const std::string message = read_error(preset_config(dir, db), kAsOf, features());
    for (const char* part : {"preset `dolibarr` (Dolibarr 10 or later)", "the `opt_outs` table",
                             "the table `llx_mailing_unsubscribe`", "the `orders` table",
                             "the column `llx_facture.fk_statut`"})
        EXPECT_NE(message.find(part), std::string::npos) << part << "\nin: " << message;
}
