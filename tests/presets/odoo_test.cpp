// The `odoo` preset (config/presets/odoo.yaml) on PostgreSQL, against Odoo 16's tables as its ORM
// creates them (tests/presets/odoo/postgresql.sql) and Odoo 17's (the same turned by odoo17.sql:
// `locked` instead of the state `done`). Verified against a schema built from the host's
// published DDL facts, not a running Odoo. The same business goes into both versions, each in
// its own version's terms; every feature of every customer is worked out by hand below from the
// rows the test inserts (RULES.md section 4), with sale orders and with invoices as purchases,
// with commercial entities and with every contact as customers.
#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "host_preset_support.h"
#include "integration_support.h"

using namespace custclass::integration;
using nlohmann::ordered_json;

namespace {

using S = OptionalText;
const S null;
using Id = std::optional<int>;
const Id none;
constexpr const char* kAsOf = kHostAsOf;

enum class Version { V16, V17 };
const std::vector<Version> kVersions = {Version::V16, Version::V17};
const char* version_name(Version v) {
    return v == Version::V16 ? "Odoo 16" : "Odoo 17";
}

struct Partner {
    int id;
    S name;
    bool company;
    Id parent;
    std::string type;  // contact, invoice, delivery, other; private (Odoo 16 only)
    bool active;
    bool share;  // partner_share: false for the partner of an internal user
    S city, email, email_normalized, phone, mobile;
    std::string created;  // create_date, UTC
};

// Parents come before their children (commercial_partner_id is worked out in that order).
const std::vector<Partner> kPartners = {
    // The database's own company (res_company 1), its administrator, an employee without a user
    // and a salesperson: none of them is a customer.
    {1, "My Company (HK) Ltd", true, none, "contact", true, true, "Central", "info@mycompany.hk",
     "info@mycompany.hk", "+852 2800 0000", null, "2023-01-01 00:00:00"},
    {2, "Mitchell Admin", false, 1, "contact", true, false, "Central", "admin@mycompany.hk",
     "admin@mycompany.hk", null, null, "2023-01-01 00:00:00"},
    {28, "Sam Staff", false, 1, "contact", true, true, "Central", "sam@mycompany.hk",
     "sam@mycompany.hk", null, null, "2023-05-01 00:00:00"},
    // A salesperson's user, whose partner belongs to no company.
    {3, "Rita Sales", false, none, "contact", true, false, "Central", "rita@mycompany.hk",
     "rita@mycompany.hk", null, null, "2023-02-01 00:00:00"},
    // A company with a buyer, a delivery address and a buyer who left (archived).
    {10, "Harbour Foods Ltd", true, none, "contact", true, true, "Tsim Sha Tsui",
     "Harbour Orders <Orders@Harbour.HK>", "orders@harbour.hk", "+852 3111 2222", null,
     "2024-03-01 02:00:00"},
    {11, "Bob Chan", false, 10, "contact", true, true, "Tsim Sha Tsui", "bob@harbour.hk",
     "bob@harbour.hk", null, "9123 4567", "2024-03-02 02:00:00"},
    {12, null, false, 10, "delivery", true, true, "Kwai Chung", null, null, null, null,
     "2024-03-02 03:00:00"},
    {27, "Old Buyer", false, 10, "contact", false, true, "Tsim Sha Tsui", "old@harbour.hk",
     "old@harbour.hk", null, null, "2024-03-05 02:00:00"},
    // People buying for themselves. Ann's phone is empty: her mobile is her phone. Created at
    // 04:00 on 11 November in Hong Kong.
    {20, "Ann Li", false, none, "contact", true, true, "Sai Kung", "Ann@Li.hk", "ann@li.hk", "",
     "+852 9000 1111", "2025-11-10 20:00:00"},
    {21, "Carl Wong", false, none, "contact", true, true, "Mong Kok", "Carl Wong <CARL@wong.hk>",
     "carl@wong.hk", "2388 0000", null, "2025-07-15 01:00:00"},
    {22, "Dora Lam", false, none, "contact", false, true, "Tai Po", "dora@lam.hk", "dora@lam.hk",
     null, null, "2025-01-05 00:00:00"},
    // Created at 01:00 on as_of in Hong Kong; her blacklist entry was lifted.
    {23, "Eve Ho", false, none, "contact", true, true, "Sha Tin", "eve@ho.hk", "eve@ho.hk", null,
     null, "2026-06-29 17:00:00"},
    {24, "Future Trading Ltd", true, none, "contact", true, true, "Tuen Mun", null, null, null,
     null, "2026-07-02 03:00:00"},
    // An employee's private address (Odoo 16 only: 17 has no such type).
    {25, "Sam Staff", false, none, "private", true, true, "Yuen Long", "sam.home@example.hk",
     "sam.home@example.hk", null, null, "2023-05-01 00:00:00"},
    {26, "Gina Poon", false, none, "contact", true, true, "Wan Chai", "gina@poon.hk",
     "gina@poon.hk", null, null, "2024-06-01 00:00:00"},
};

// Partner tags: names in en_US and sometimes zh_HK; the fourth is archived.
const std::vector<std::tuple<int, std::string, bool>> kTags = {
    {1, R"({"en_US": "VIP", "zh_HK": "貴賓"})", true},
    {2, R"({"en_US": "Seafood Lover"})", true},
    {3, R"({"en_US": "Skincare", "zh_HK": "護膚"})", true},
    {4, R"({"en_US": "Old Tag"})", false},
};
const std::vector<std::pair<int, int>> kPartnerTags = {{10, 1}, {10, 2}, {11, 3}, {20, 3},
                                                       {20, 1}, {20, 4}, {22, 1}};

// Product categories (id, name, parent, complete name), templates (id, jsonb name, category)
// and variants (product_product id = template id + 10).
const std::vector<std::tuple<int, std::string, Id, std::string>> kCategories = {
    {1, "All", none, "All"},
    {2, "Saleable", 1, "All / Saleable"},
    {3, "Seafood", 2, "All / Saleable / Seafood"},
    {4, "Dry Goods", 2, "All / Saleable / Dry Goods"},
    {5, "Services", 1, "All / Services"},
    {6, "Cosmetics", 2, "All / Saleable / Cosmetics"},
    {7, "Tea", 2, "All / Saleable / Tea"},
};
const std::vector<std::tuple<int, std::string, int, std::string>> kTemplates = {
    {1, R"({"en_US": "King Prawns 1 kg", "zh_HK": "大蝦 1 公斤"})", 3, "consu"},
    {2, R"({"en_US": "Jasmine Rice 5 kg"})", 4, "consu"},
    {3, R"({"en_US": "Delivery"})", 5, "service"},
    {4, R"({"en_US": "Rose Serum", "zh_HK": "玫瑰精華"})", 6, "consu"},
    {5, R"({"en_US": "Green Tea 100 g"})", 7, "consu"},
    {6, R"({"en_US": "Down payment"})", 5, "service"},
};
constexpr int kPrawns = 11, kRice = 12, kDelivery = 13, kSerum = 14, kTea = 15, kDownPayment = 16;

struct Order {
    int id, partner;
    std::string state;  // in Odoo 16's terms: 17 writes `sale` and `locked` for `done`
    std::string date;   // date_order, UTC
    std::string total;
};
const std::vector<Order> kOrders = {
    {101, 10, "sale", "2026-06-20 03:00:00", "1200.00"},
    {102, 11, "done", "2025-12-01 02:00:00", "300.00"},   // by the buyer
    {103, 12, "sale", "2026-06-29 17:30:00", "450.50"},   // on the delivery address; 30 Jun in HK
    {104, 10, "draft", "2026-06-25 02:00:00", "999.00"},  // a quotation
    {105, 10, "cancel", "2026-03-01 02:00:00", "500.00"},
    {106, 27, "sale", "2025-06-30 16:30:00", "80.00"},  // by the buyer who left; 1 Jul in HK
    {107, 10, "sent", "2026-05-01 02:00:00", "700.00"},
    {108, 10, "sale", "2026-06-30 16:30:00", "60.00"},  // 1 Jul in HK: after as_of
    {201, 20, "sale", "2026-05-01 04:00:00", "88.80"},
    {202, 20, "done", "2026-02-14 03:00:00", "33.33"},
    {211, 21, "sale", "2025-08-01 02:00:00", "100.00"},
    {221, 22, "sale", "2026-04-01 02:00:00", "500.00"},  // archived customer
    {261, 26, "done", "2024-06-30 02:00:00", "45.50"},
    {301, 2, "sale", "2026-06-01 02:00:00", "50.00"},   // the administrator
    {302, 28, "sale", "2026-06-02 02:00:00", "60.00"},  // an employee
    {303, 3, "sale", "2026-06-03 02:00:00", "70.00"},   // the salesperson
};

struct OrderLine {
    int order;
    Id product;
    S display_type;  // line_section, line_note; none for a product line
    std::string name, qty, total;
    bool downpayment;
};
const std::vector<OrderLine> kOrderLines = {
    {101, none, "line_section", "Seafood", "0", "0", false},
    {101, kPrawns, null, "King Prawns 1 kg", "2", "800.00", false},
    {101, kRice, null, "Jasmine Rice 5 kg", "1", "300.00", false},
    {101, none, "line_note", "Keep frozen", "0", "0", false},
    {101, kDelivery, null, "Delivery", "1", "100.00", false},
    // A down payment line on the order: no quantity ordered, nothing of its own.
    {101, kDownPayment, null, "Down payment", "0", "0", true},
    {102, kRice, null, "Jasmine Rice 5 kg", "1", "300.00", false},
    {103, kPrawns, null, "King Prawns 1 kg", "1", "450.50", false},
    {104, kPrawns, null, "King Prawns 1 kg", "2", "999.00", false},
    {105, kRice, null, "Jasmine Rice 5 kg", "1", "500.00", false},
    {106, kTea, null, "Green Tea 100 g", "2", "80.00", false},
    {107, kPrawns, null, "King Prawns 1 kg", "1", "700.00", false},
    {108, kRice, null, "Jasmine Rice 5 kg", "1", "60.00", false},
    {201, kSerum, null, "Rose Serum", "1", "88.80", false},
    {202, kTea, null, "Green Tea 100 g", "1", "33.33", false},
    {211, kTea, null, "Green Tea 100 g", "4", "100.00", false},
    {221, kRice, null, "Jasmine Rice 5 kg", "1", "500.00", false},
    {261, kRice, null, "Jasmine Rice 5 kg", "1", "45.50", false},
    {301, kTea, null, "Green Tea 100 g", "1", "50.00", false},
    {302, kTea, null, "Green Tea 100 g", "1", "60.00", false},
    {303, kTea, null, "Green Tea 100 g", "1", "70.00", false},
};

struct Move {
    int id, partner;
    std::string type, state;
    S invoice_date;
    std::string total_signed;  // company currency; negative for a credit note or a vendor bill
    Id reversed;
};
const std::vector<Move> kMoves = {
    {1001, 10, "out_invoice", "posted", "2026-06-20", "1200.00", none},
    {1002, 11, "out_invoice", "posted", "2025-12-01", "300.00", none},
    {1003, 11, "out_refund", "posted", "2026-01-15", "-300.00", 1002},
    {1004, 10, "out_invoice", "draft", "2026-06-25", "999.00", none},
    {1005, 10, "out_invoice", "cancel", "2026-03-01", "500.00", none},
    {1006, 10, "in_invoice", "posted", "2026-04-01", "-700.00", none},  // a vendor bill
    {1007, 10, "entry", "posted", null, "0.00", none},
    {1008, 12, "out_invoice", "posted", "2026-06-29", "450.50", none},
    {1009, 10, "out_receipt", "posted", "2026-05-05", "20.00", none},
    {2001, 20, "out_invoice", "posted", "2026-05-01", "100.00", none},
    {2101, 21, "out_invoice", "posted", "2025-08-01", "100.00", none},
    {2102, 21, "out_refund", "posted", "2025-08-05", "-40.00", 2101},  // partial
    {2201, 22, "out_invoice", "posted", "2026-04-01", "500.00", none},
    {2601, 26, "out_invoice", "posted", "2024-06-30", "45.50", none},
    {3001, 2, "out_invoice", "posted", "2026-06-01", "50.00", none},
    {3002, 3, "out_invoice", "posted", "2026-06-03", "70.00", none},
};

struct MoveLine {
    int move;
    Id product;
    std::string display_type;      // product, tax, payment_term, line_section, line_note, …
    std::string name, qty, total;  // price_total, positive on a credit note too
};
const std::vector<MoveLine> kMoveLines = {
    {1001, none, "line_section", "Seafood", "0", "0"},
    {1001, kPrawns, "product", "King Prawns 1 kg", "2", "800.00"},
    {1001, kRice, "product", "Jasmine Rice 5 kg", "1", "300.00"},
    {1001, kDelivery, "product", "Delivery", "1", "100.00"},
    {1001, none, "tax", "Tax 0%", "0", "150.00"},
    {1001, none, "payment_term", "INV/2026/00011", "0", "-1200.00"},
    {1002, kRice, "product", "Jasmine Rice 5 kg", "1", "300.00"},
    {1003, kRice, "product", "Jasmine Rice 5 kg", "1", "300.00"},
    {1004, kPrawns, "product", "King Prawns 1 kg", "2", "999.00"},
    {1005, kRice, "product", "Jasmine Rice 5 kg", "1", "500.00"},
    {1006, kPrawns, "product", "King Prawns 1 kg", "1", "700.00"},
    {1008, kPrawns, "product", "King Prawns 1 kg", "1", "450.50"},
    {1009, kTea, "product", "Green Tea 100 g", "1", "20.00"},
    {2001, kSerum, "product", "Rose Serum", "1", "88.80"},
    {2001, none, "product", "Gift wrapping", "1", "11.20"},  // no product
    {2101, kTea, "product", "Green Tea 100 g", "4", "100.00"},
    {2102, kTea, "product", "Green Tea 100 g", "1", "40.00"},
    {2201, kRice, "product", "Jasmine Rice 5 kg", "1", "500.00"},
    {2601, kRice, "product", "Jasmine Rice 5 kg", "1", "45.50"},
    {3001, kTea, "product", "Green Tea 100 g", "1", "50.00"},
    {3002, kTea, "product", "Green Tea 100 g", "1", "70.00"},
};

// mail_blacklist: address (normalised, as Odoo stores it), active, created (UTC).
const std::vector<std::tuple<std::string, bool, std::string>> kBlacklist = {
    {"carl@wong.hk", true, "2026-01-10 02:00:00"},
    {"eve@ho.hk", false, "2026-02-01 02:00:00"},  // lifted
    {"bob@harbour.hk", true, "2026-03-01 02:00:00"},
};

std::string id_literal(Id id) {
    return id ? std::to_string(*id) : "NULL";
}

// The commercial entity of each partner, as Odoo computes it: itself for a company or a partner
// without a parent, else its parent's.
std::map<int, int> commercial_partners() {
    std::map<int, int> commercial;
    for (const auto& p : kPartners)
        commercial[p.id] = p.company || !p.parent ? p.id : commercial.at(*p.parent);
    return commercial;
}

// Odoo's tables in `version`, filled with the rows above in that version's terms.
void create_odoo(ScratchDatabase& db, Version version) {
    db.exec_script(host_ddl("odoo/postgresql.sql"));
    if (version == Version::V17) db.exec_script(host_ddl("odoo/odoo17.sql"));
    const auto commercial = commercial_partners();
    std::vector<std::vector<std::string>> rows;
    for (const auto& p : kPartners) {
        if (p.type == "private" && version == Version::V17) continue;
        rows.push_back({std::to_string(p.id), db.literal(p.name), db.boolean(p.company),
                        id_literal(p.parent), std::to_string(commercial.at(p.id)),
                        db.literal(p.type), db.boolean(p.active), db.boolean(p.share),
                        db.literal(p.city), db.literal(p.email), db.literal(p.email_normalized),
                        db.literal(p.phone), db.literal(p.mobile), db.literal(p.created),
                        db.literal(p.created), "0", "0"});
    }
    db.insert("res_partner",
              {"id", "name", "is_company", "parent_id", "commercial_partner_id", "type", "active",
               "partner_share", "city", "email", "email_normalized", "phone", "mobile",
               "create_date", "write_date", "customer_rank", "supplier_rank"},
              rows);
    db.exec(
        "INSERT INTO res_company (id, name, partner_id, currency_id, sequence, active) "
        "VALUES (1, 'My Company (HK) Ltd', 1, 1, 10, true)");
    rows.clear();
    for (const auto& [id, name, active] : kTags)
        rows.push_back({std::to_string(id), db.literal(name), db.boolean(active)});
    db.insert("res_partner_category", {"id", "name", "active"}, rows);
    rows.clear();
    for (const auto& [partner, tag] : kPartnerTags)
        rows.push_back({std::to_string(partner), std::to_string(tag)});
    db.insert("res_partner_res_partner_category_rel", {"partner_id", "category_id"}, rows);
    rows.clear();
    for (const auto& [id, name, parent, complete] : kCategories)
        rows.push_back(
            {std::to_string(id), db.literal(name), id_literal(parent), db.literal(complete)});
    db.insert("product_category", {"id", "name", "parent_id", "complete_name"}, rows);
    rows.clear();
    for (const auto& [id, name, category, type] : kTemplates)
        rows.push_back({std::to_string(id), db.literal(name), std::to_string(category),
                        db.literal(type), db.literal(type), "1", "1", db.literal("no-message"),
                        "true", "true"});
    db.insert("product_template",
              {"id", "name", "categ_id", "detailed_type", "type", "uom_id", "uom_po_id",
               "sale_line_warn", "sale_ok", "active"},
              rows);
    rows.clear();
    for (const auto& t : kTemplates)
        rows.push_back(
            {std::to_string(std::get<0>(t) + 10), std::to_string(std::get<0>(t)), "true"});
    db.insert("product_product", {"id", "product_tmpl_id", "active"}, rows);
    rows.clear();
    for (const auto& o : kOrders) {
        // Odoo 17 has no `done`: a locked order stays `sale` with `locked` set.
        const bool locked = o.state == "done";
        const std::string state = version == Version::V17 && locked ? "sale" : o.state;
        rows.push_back({std::to_string(o.id), db.literal("S" + std::to_string(o.id)), "1",
                        std::to_string(o.partner), std::to_string(o.partner),
                        std::to_string(o.partner), db.literal(state), db.literal(o.date), o.total,
                        "0", o.total, "1", db.literal("no"), db.literal(o.date)});
        if (version == Version::V17) rows.back().push_back(db.boolean(locked));
    }
    // Odoo 17's `locked` column.
    auto with_locked = [&](std::vector<std::string> columns) {
        if (version == Version::V17) columns.push_back("locked");
        return columns;
    };
    db.insert(
        "sale_order",
        with_locked({"id", "name", "company_id", "partner_id", "partner_invoice_id",
                     "partner_shipping_id", "state", "date_order", "amount_untaxed", "amount_tax",
                     "amount_total", "currency_id", "invoice_status", "create_date"}),
        rows);
    rows.clear();
    for (std::size_t i = 0; i < kOrderLines.size(); ++i) {
        const OrderLine& l = kOrderLines[i];
        const bool display = l.display_type.has_value();
        const std::string unit = l.downpayment             ? "240.00"
                                 : display || l.qty == "0" ? "0"
                                                           : "(" + l.total + " / " + l.qty + ")";
        rows.push_back({std::to_string(i + 1), std::to_string(l.order), std::to_string(i + 1),
                        db.literal(l.name), id_literal(l.product), display ? "NULL" : "1",
                        db.literal(l.display_type), l.qty, unit, l.total, l.total,
                        display ? "0" : "7", db.boolean(l.downpayment), "1", "1"});
    }
    db.insert("sale_order_line",
              {"id", "order_id", "sequence", "name", "product_id", "product_uom", "display_type",
               "product_uom_qty", "price_unit", "price_subtotal", "price_total", "customer_lead",
               "is_downpayment", "company_id", "currency_id"},
              rows);
    rows.clear();
    for (const auto& m : kMoves) {
        const std::string total =
            m.total_signed.front() == '-' ? m.total_signed.substr(1) : m.total_signed;
        rows.push_back({std::to_string(m.id), db.literal("MOVE/" + std::to_string(m.id)), "1", "1",
                        "1", std::to_string(m.partner), std::to_string(commercial.at(m.partner)),
                        db.literal(m.state), db.literal(m.type), db.literal("no"),
                        db.literal(m.invoice_date.value_or("2026-04-02")),
                        db.literal(m.invoice_date), total, total, m.total_signed, m.total_signed,
                        id_literal(m.reversed)});
    }
    db.insert("account_move",
              {"id", "name", "journal_id", "company_id", "currency_id", "partner_id",
               "commercial_partner_id", "state", "move_type", "auto_post", "date", "invoice_date",
               "amount_untaxed", "amount_total", "amount_untaxed_signed", "amount_total_signed",
               "reversed_entry_id"},
              rows);
    rows.clear();
    std::map<int, const Move*> moves;
    for (const auto& m : kMoves) moves[m.id] = &m;
    for (std::size_t i = 0; i < kMoveLines.size(); ++i) {
        const MoveLine& l = kMoveLines[i];
        const Move& m = *moves.at(l.move);
        const std::string unit = l.qty == "0" ? "0" : "(" + l.total + " / " + l.qty + ")";
        rows.push_back({std::to_string(i + 1), std::to_string(l.move), "1",
                        std::to_string(m.partner), id_literal(l.product), db.literal(l.name),
                        db.literal(l.display_type), l.qty, unit, l.total, l.total,
                        db.literal(m.state)});
    }
    db.insert("account_move_line",
              {"id", "move_id", "currency_id", "partner_id", "product_id", "name", "display_type",
               "quantity", "price_unit", "price_subtotal", "price_total", "parent_state"},
              rows);
    rows.clear();
    for (const auto& [email, active, created] : kBlacklist)
        rows.push_back({db.literal(email), db.boolean(active), db.literal(created)});
    db.insert("mail_blacklist", {"email", "active", "create_date"}, rows);
}

const std::vector<std::string> kShares = {"seafood", "dry goods", "services", "tea", "cosmetics"};

std::vector<std::string> features() {
    return all_features({}, kShares, {"customers", "orders", "order_lines"});
}

// An Odoo database of its own in one version, with the rows above.
struct Odoo {
    Odoo(Version version, const std::string& tag) : db(Backend::PostgreSQL, tag) {
        create_odoo(db, version);
    }
    std::string config(const std::string& settings = {}) {
        return host_preset_config(dir, "odoo", db, settings);
    }
    FeatureDump dump(const std::string& settings = {}) {
        return dump_features(config(settings), kAsOf, features(), CUSTCLASS_DATA_DIR);
    }
    ScratchDatabase db;
    TempDir dir;
};

std::string tag_of(Version version, const std::string& tag) {
    return (version == Version::V16 ? "odoo16_" : "odoo17_") + tag;
}

// The features of a customer's own record, the same whatever counts as a purchase. Odoo keeps no
// birth date, gender, income band, lead source or consent for a partner.
ordered_json record(const char* district, ordered_json interests, int signup_days, bool opted_out) {
    ordered_json f = {{"district", district},
                      {"interests", std::move(interests)},
                      {"signup_days", signup_days},
                      {"opted_out", opted_out}};
    for (const char* name :
         {"age", "age_band", "gender", "income_band", "lead_source", "marketing_consent"})
        f[name] = nullptr;
    return f;
}

// A customer without a purchase in the window.
ordered_json no_purchase(ordered_json f) {
    return without_purchases(std::move(f), kShares);
}

// The order features of a customer with purchases in the window.
ordered_json bought(int recency_days, int frequency, double monetary, double avg_order_value,
                    int tenure_days, int orders_total, double returns_rate) {
    return {{"recency_days", recency_days}, {"frequency", frequency},
            {"monetary", monetary},         {"avg_order_value", avg_order_value},
            {"tenure_days", tenure_days},   {"orders_total", orders_total},
            {"returns_rate", returns_rate}, {"is_prospect", false}};
}

// The customers' records with commercial entities as customers (the default).
std::map<std::string, ordered_json> commercial_records() {
    return {
        {"10", record("Tsim Sha Tsui", {"seafood lover", "vip"}, 851, false)},
        {"20", record("Sai Kung", {"skincare", "vip"}, 231, false)},  // not the archived tag
        {"21", record("Mong Kok", nullptr, 350, true)},
        {"23", record("Sha Tin", nullptr, 0, false)},
        {"26", record("Wan Chai", nullptr, 759, false)},
    };
}

// Gina (26) bought once, two years before as_of; Eve (23) never did.
void add_inactive(std::map<std::string, ordered_json>& e) {
    e["23"].update(no_purchase({{"recency_days", nullptr},
                                {"tenure_days", nullptr},
                                {"orders_total", 0},
                                {"returns_rate", nullptr},
                                {"is_prospect", true}}));
    e["26"].update(no_purchase({{"recency_days", 730},
                                {"tenure_days", 730},
                                {"orders_total", 1},
                                {"returns_rate", nullptr},
                                {"is_prospect", false}}));
}

// Sale orders of commercial entities. Harbour Foods (10): 101 (20 Jun, 1200.00), the buyer's 102
// (1 Dec, 300.00), 103 on its delivery address (29 Jun 17:30 UTC: 30 Jun in Hong Kong, 450.50)
// and the former buyer's 106 (30 Jun 2025 16:30 UTC: 1 Jul 2025 in Hong Kong, the window's first
// day, 80.00); 108 is after as_of in Hong Kong, 104 a quotation, 105 cancelled, 107 sent.
// Lines of those: prawns 800 + 450.50 (Seafood), rice 300 + 300 (Dry Goods), delivery 100
// (Services), tea 80 (Tea); the section, the note and the down payment count for nothing.
// Ann (20): 201 (1 May, 88.80, Cosmetics) and 202 (14 Feb, 33.33, Tea). Carl (21): 211 (1 Aug
// 2025, 100.00, Tea). Active: 10, 20, 21: recency 0, 60, 333 -> r 4, 2, 1; frequency 4, 2, 1 ->
// f 4, 2, 1; monetary 2030.50, 122.13, 100 -> m 4, 2, 1. Pareto (total 2252.63): 10 A, 20 B
// (2030.50 ahead, 0.90), 21 C (2152.63 ahead, 0.96).
std::map<std::string, ordered_json> expected_sale_orders() {
    auto e = commercial_records();
    e["10"].update(bought(0, 4, 2030.5, 507.625, 364, 4, 0.0));
    e["10"].update(scores(4, 4, 4, "A"));
    e["10"].update(category_mix(
        kShares, {{"seafood", 1250.5}, {"dry goods", 600}, {"services", 100}, {"tea", 80}},
        "seafood"));
    e["20"].update(bought(60, 2, 122.13, 61.065, 136, 2, 0.0));
    e["20"].update(scores(2, 2, 2, "B"));
    e["20"].update(category_mix(kShares, {{"cosmetics", 88.8}, {"tea", 33.33}}, "cosmetics"));
    e["21"].update(bought(333, 1, 100.0, 100.0, 333, 1, 0.0));
    e["21"].update(scores(1, 1, 1, "C"));
    e["21"].update(category_mix(kShares, {{"tea", 100}}, "tea"));
    add_inactive(e);
    return e;
}

// Posted customer invoices and credit notes of commercial entities. Harbour Foods (10): 1001 (20
// Jun, 1200.00), the buyer's 1002 (1 Dec, 300.00) and its credit note 1003 (15 Jan, -300.00),
// 1008 on the delivery address (29 Jun, 450.50); 1004 is a draft, 1005 cancelled, 1006 a vendor
// bill, 1007 a journal entry, 1009 a receipt. Lines: prawns 800 + 450.50, rice 300 + 300,
// delivery 100 (1950.50); the section, tax and payment term lines count for nothing.
// Ann (20): 2001 (1 May, 100.00: serum 88.80 and gift wrapping 11.20 without a product).
// Carl (21): 2101 (1 Aug 2025, 100.00) and its partial credit note 2102 (5 Aug, -40.00).
// Active: 10, 20, 21: recency 1, 60, 333 -> r 4, 2, 1; frequency 3, 1, 1 -> f 4, 1, 1;
// monetary 1650.50, 100, 60 -> m 4, 2, 1. Pareto (total 1810.50): 10 A, 20 B (0.91), 21 C (0.97).
std::map<std::string, ordered_json> expected_invoices() {
    auto e = commercial_records();
    e["10"].update(bought(1, 3, 1650.5, 1950.5 / 3, 211, 3, 0.25));
    e["10"].update(scores(4, 4, 4, "A"));
    e["10"].update(category_mix(
        kShares, {{"seafood", 1250.5}, {"dry goods", 600}, {"services", 100}}, "seafood"));
    e["20"].update(bought(60, 1, 100.0, 100.0, 60, 1, 0.0));
    e["20"].update(scores(2, 1, 2, "B"));
    e["20"].update(category_mix(kShares, {{"cosmetics", 88.8}, {"", 11.2}}, "cosmetics"));
    e["21"].update(bought(333, 1, 60.0, 100.0, 333, 1, 0.5));
    e["21"].update(scores(1, 1, 1, "C"));
    e["21"].update(category_mix(kShares, {{"tea", 100}}, "tea"));
    add_inactive(e);
    return e;
}

// Every contact a customer of its own, sale orders. Harbour Foods (10) keeps 101 and 103 (its
// delivery address's); its buyer Bob (11) is a customer with 102 (1 Dec, 300.00, Dry Goods),
// blacklisted, his mobile his phone, his own tag; the former buyer is archived, so 106 is not
// read. Active: 10, 11, 20, 21: recency 0, 211, 60, 333 -> r 4, 2, 3, 1; frequency 2, 1, 2, 1
// -> f 3, 1, 3, 1; monetary 1650.50, 300, 122.13, 100 -> m 4, 3, 2, 1. Pareto (total 2172.63):
// 10 A, 11 A (1650.50 ahead, 0.76), 20 B (0.90), 21 C (0.95).
std::map<std::string, ordered_json> expected_partners() {
    auto e = expected_sale_orders();
    e["10"].update({{"frequency", 2},
                    {"monetary", 1650.5},
                    {"avg_order_value", 825.25},
                    {"tenure_days", 10},
                    {"orders_total", 2}});
    e["10"].update(scores(4, 3, 4, "A"));
    e["10"].update(category_mix(
        kShares, {{"seafood", 1250.5}, {"dry goods", 300}, {"services", 100}}, "seafood"));
    e["11"] = record("Tsim Sha Tsui", {"skincare"}, 850, true);
    e["11"].update(bought(211, 1, 300.0, 300.0, 211, 1, 0.0));
    e["11"].update(scores(2, 1, 3, "A"));
    e["11"].update(category_mix(kShares, {{"dry goods", 300}}, "dry goods"));
    e["20"].update(scores(3, 3, 2, "B"));
    return e;
}

using Counts = std::map<std::string, std::uint64_t>;

// Every feature of every customer, `read` customers read; Future Trading (24) is created after
// as_of without purchases, and one purchase is dated after as_of (sale order 108) or none (the
// invoices).
void expect_all(const FeatureDump& dump, std::uint64_t read,
                const std::map<std::string, ordered_json>& expected, bool one_after_as_of) {
    EXPECT_EQ(dump.customers_read, read);
    EXPECT_EQ(dump.excluded, (Counts{{"not_yet_customer", 1}}));
    const Counts quality = one_after_as_of ? Counts{{"orders_after_as_of", 1}} : Counts{};
    EXPECT_EQ(dump.data_quality, quality);
    std::vector<std::string> ids;
    for (const auto& [id, _] : expected) ids.push_back(id);
    EXPECT_EQ(ids_of(dump), ids);
    for (const auto& [id, f] : expected) expect_features(dump, id, f);
}

}  // namespace

// Commercial entities buying through sale orders (the defaults), on Odoo 16 (locked orders in
// the state `done`, a private address) and on Odoo 17 (`sale` and `locked`): the same features.
TEST(OdooPreset, SaleOrdersOfCommercialEntitiesOnOdoo16And17) {
    for (Version v : kVersions) {
        SCOPED_TRACE(version_name(v));
        Odoo odoo(v, tag_of(v, "sale"));
        // Read: 10, 20, 21, 23, 24, 26; not the company's own partners (1, 2, 28), the
        // salesperson (3), the people and addresses of a company (11, 12, 27), the archived Dora
        // (22), the private address (25).
        expect_all(odoo.dump(), 6, expected_sale_orders(), true);
    }
}

TEST(OdooPreset, InvoicesOfCommercialEntitiesOnOdoo16And17) {
    for (Version v : kVersions) {
        SCOPED_TRACE(version_name(v));
        Odoo odoo(v, tag_of(v, "invoices"));
        expect_all(odoo.dump("    purchases_from: invoices\n"), 6, expected_invoices(), false);
    }
}

TEST(OdooPreset, EveryContactAsCustomerOnOdoo16And17) {
    for (Version v : kVersions) {
        SCOPED_TRACE(version_name(v));
        Odoo odoo(v, tag_of(v, "partners"));
        // Also Bob (11); not the delivery address (12) nor the archived former buyer (27).
        expect_all(odoo.dump("    customers_by: partner\n"), 7, expected_partners(), true);
    }
}

// Every contact as customer with invoices: the credit note of Bob's invoice is his; the invoice
// on the delivery address is the company's.
TEST(OdooPreset, InvoicesOfEveryContact) {
    Odoo odoo(Version::V17, "odoo17_partner_invoices");
    const FeatureDump dump = odoo.dump("    customers_by: partner\n    purchases_from: invoices\n");
    EXPECT_EQ(ids_of(dump), (std::vector<std::string>{"10", "11", "20", "21", "23", "26"}));
    // 1001 (20 Jun, 1200.00) and 1008 (29 Jun, 450.50).
    expect_features(dump, "10",
                    {{"recency_days", 1},
                     {"frequency", 2},
                     {"monetary", 1650.5},
                     {"tenure_days", 10},
                     {"returns_rate", 0.0}});
    // 1002 (1 Dec, 300.00) and its credit note 1003 (15 Jan).
    expect_features(dump, "11",
                    {{"recency_days", 211},
                     {"frequency", 1},
                     {"monetary", 0.0},
                     {"avg_order_value", 300.0},
                     {"returns_rate", 0.5},
                     {"pareto_class", nullptr},
                     {"opted_out", true}});
}

// Only orders in the state `sale`: Odoo 16's locked orders (`done`) go; Harbour Foods keeps 101,
// 103 and 106, Ann 201, Gina none. Categories by their full path; tags in Chinese where they
// have a Chinese name.
TEST(OdooPreset, SaleStatesCategoryLabelAndLanguageSettings) {
    Odoo odoo(Version::V16, "odoo16_settings");
    const FeatureDump dump = odoo.dump(
        "    sale_states: [sale]\n    category_label: complete_name\n    language: zh_HK\n");
    expect_features(dump, "10",
                    {{"frequency", 3},
                     {"monetary", 1730.5},
                     {"orders_total", 3},
                     {"top_category", "all / saleable / seafood"},
                     {"share:seafood", 0.0},
                     {"interests", {"seafood lover", "貴賓"}}});
    expect_features(dump, "20", {{"frequency", 1}, {"monetary", 88.8}, {"tenure_days", 60}});
    expect_features(dump, "26",
                    {{"recency_days", nullptr}, {"orders_total", 0}, {"is_prospect", true}});
}

// A database without the mail module's blacklist and with an older res_partner: the error names
// the preset, the canonical tables, the missing objects and the Odoo versions, before anything
// is read.
TEST(OdooPreset, MissingTableOrColumnIsNamed) {
    Odoo odoo(Version::V17, "odoo17_missing");
    odoo.db.exec("DROP TABLE mail_blacklist");
    odoo.db.exec("ALTER TABLE res_partner DROP COLUMN partner_share");
    const std::string message = read_error(odoo.config(), kAsOf, features());
    for (const char* part : {"preset `odoo` (Odoo 16 and 17)", "the `customers` table",
                             "the `orders` table", "the column `res_partner.partner_share`",
                             "the `opt_outs` table", "the table `mail_blacklist`"})
        EXPECT_NE(message.find(part), std::string::npos) << part << "\nin: " << message;
}
