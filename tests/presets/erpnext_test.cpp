// The `erpnext` preset (config/presets/erpnext.yaml) on MariaDB, against ERPNext's tables as
// Frappe's table builder creates them from the DocTypes (tests/presets/erpnext/mysql.sql):
// `tab<DocType>` names with spaces, `name` keys such as naming series or the customer's name,
// docstatus, child tables by `parent`, site-time datetimes. Verified against a schema built from
// the host's published DDL facts, not a running ERPNext. Every feature of every customer is
// worked out by hand below from the rows the test inserts (RULES.md section 4), in the company's
// currency (the default) and in the invoices' currencies.
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
constexpr const char* kAsOf = kHostAsOf;

constexpr const char* kHarbour = "CUST-2024-00001";
constexpr const char* kCarl = "CUST-2025-00004";

struct Customer {
    std::string name;  // the key: a naming series, or the customer's name
    std::string customer_name, type, group;
    S territory, gender;
    int disabled, internal;
    S email, mobile, primary_contact;
    std::string creation;  // site time
    S tags;                // _user_tags as Frappe writes them: ",tag,tag"
};
const std::vector<Customer> kCustomers = {
    {kHarbour, "Harbour Foods Ltd", "Company", "Commercial", "Kowloon", null, 0, 0,
     "orders@harbour.hk", "+852 3111 2222", "Harbour Orders-CUST-2024-00001", "2024-03-01 10:00:00",
     ",VIP,Seafood Lover"},
    {"Ann Li", "Ann Li", "Individual", "Individual", "Sai Kung", "Female", 0, 0, "Ann@Li.hk",
     "+852 9000 1111", "Ann Li", "2025-11-11 04:00:00", ",Skincare"},
    {"Lee's Bakery", "Lee's Bakery", "Company", "Commercial", "Kowloon", null, 0, 0,
     "orders@leesbakery.hk", null, null, "2025-01-20 09:00:00", null},
    {kCarl, "Carl Wong", "Individual", "Individual", "New Territories", "Male", 0, 0,
     "carl@wong.hk", "2388 0000", "Carl Wong", "2025-07-15 09:00:00", ""},
    {"Dora Lam", "Dora Lam", "Individual", "Individual", "Tai Po", "Female", 1, 0, "dora@lam.hk",
     null, null, "2025-01-05 08:00:00", null},
    // A company of the same ERPNext, for inter-company invoices.
    {"Macau Branch", "Macau Branch", "Company", "All Customer Groups", "Macau", null, 0, 1, null,
     null, null, "2024-01-02 09:00:00", null},
    // No territory chosen (the root); her e-mail is only on her contact, which is unsubscribed.
    {"Eve Ho", "Eve Ho", "Individual", "Individual", "All Territories", "Female", 0, 0, null, null,
     "Eve Ho", "2026-06-30 01:00:00", null},
    {"CUST-2026-00008", "Future Trading Ltd", "Company", "Commercial", "Tuen Mun", null, 0, 0, null,
     null, null, "2026-07-02 10:00:00", null},
    {"Gina Poon", "Gina Poon", "Individual", "Individual", "Wan Chai", "Female", 0, 0,
     "gina@poon.hk", null, null, "2024-06-01 08:00:00", null},
    {"Frank Chu", "Frank Chu", "Individual", "Individual", "Wan Chai", "Male", 0, 0, "frank@chu.hk",
     null, "Frank Chu", "2025-09-01 12:00:00", null},
};

struct Contact {
    std::string name;
    S email;
    int unsubscribed, primary;
    std::string customer;  // the Dynamic Link
};
const std::vector<Contact> kContacts = {
    {"Harbour Orders-CUST-2024-00001", "orders@harbour.hk", 0, 1, kHarbour},
    // Another contact of Harbour Foods, unsubscribed: his address is not the company's.
    {"Bob Chan-CUST-2024-00001", "bob@harbour.hk", 1, 0, kHarbour},
    {"Ann Li", "ann@li.hk", 0, 1, "Ann Li"},
    // Not Lee's Bakery's primary contact (it has none), but the address on its record.
    {"Lee Orders-Lee's Bakery", "Orders@LeesBakery.hk", 1, 0, "Lee's Bakery"},
    {"Carl Wong", "carl@wong.hk", 0, 1, kCarl},
    {"Eve Ho", "eve@ho.hk", 1, 1, "Eve Ho"},
    {"Frank Chu", "frank@chu.hk", 0, 1, "Frank Chu"},
    {"Frank Chu Office", "office@chu.hk", 1, 0, "Frank Chu"},
};

// tabEmail Unsubscribe: email, reference doctype and name, global.
const std::vector<std::tuple<std::string, S, S, int>> kUnsubscribes = {
    {"Carl@Wong.hk", null, null, 1},
    {"gina@poon.hk", "Customer", "Gina Poon", 0},
    // Frank left the mails about one invoice and about his contact record only.
    {"frank@chu.hk", "Sales Invoice", "ACC-SINV-2026-00051", 0},
    {"frank@chu.hk", "Contact", "Frank Chu", 0},  // his contact's name is his customer's
    {"dora@lam.hk", "Customer", "Dora Lam", 0},
};

struct Invoice {
    std::string name, customer, date, time;
    int docstatus, is_return, is_pos;
    S return_against;
    std::string currency, rate, grand_total, base_grand_total, status;
};
const std::vector<Invoice> kInvoices = {
    {"ACC-SINV-2026-00001", kHarbour, "2026-06-20", "10:30:00", 1, 0, 0, null, "HKD", "1",
     "1200.00", "1200.00", "Paid"},
    {"ACC-SINV-2025-00010", kHarbour, "2025-12-01", "11:00:00", 1, 0, 0, null, "HKD", "1", "300.00",
     "300.00", "Credit Note Issued"},
    {"ACC-SINV-2026-00002", kHarbour, "2026-01-15", "09:00:00", 1, 1, 0, "ACC-SINV-2025-00010",
     "HKD", "1", "-300.00", "-300.00", "Return"},
    {"ACC-SINV-2026-00003", kHarbour, "2026-06-25", "09:00:00", 0, 0, 0, null, "HKD", "1", "999.00",
     "999.00", "Draft"},
    {"ACC-SINV-2026-00004", kHarbour, "2026-03-01", "09:00:00", 2, 0, 0, null, "HKD", "1", "500.00",
     "500.00", "Cancelled"},
    // In US dollars at 7.8, late on as_of.
    {"ACC-SINV-2026-00005", kHarbour, "2026-06-30", "23:30:00", 1, 0, 0, null, "USD", "7.8",
     "57.70", "450.06", "Unpaid"},
    {"ACC-SINV-2026-00006", kHarbour, "2026-07-01", "00:10:00", 1, 0, 0, null, "HKD", "1", "60.00",
     "60.00", "Unpaid"},
    // Just after midnight on the window's first day, and just before it.
    {"ACC-SINV-2025-00001", kHarbour, "2025-07-01", "00:05:00", 1, 0, 0, null, "HKD", "1", "80.00",
     "80.00", "Paid"},
    {"ACC-SINV-2025-00000", kHarbour, "2025-06-30", "23:55:00", 1, 0, 0, null, "HKD", "1", "70.00",
     "70.00", "Paid"},
    {"ACC-SINV-2026-00010", "Ann Li", "2026-05-01", "12:00:00", 1, 0, 0, null, "HKD", "1", "88.80",
     "88.80", "Paid"},
    {"ACC-SINV-2026-00011", "Ann Li", "2026-02-14", "11:00:00", 1, 0, 0, null, "HKD", "1", "33.33",
     "33.33", "Paid"},
    {"ACC-SINV-2026-00020", "Lee's Bakery", "2026-03-10", "15:00:00", 1, 0, 0, null, "HKD", "1",
     "500.00", "500.00", "Credit Note Issued"},
    // A return whose totals were stored positive, as a data import may leave them.
    {"ACC-SINV-2026-00021", "Lee's Bakery", "2026-03-12", "10:00:00", 1, 1, 0,
     "ACC-SINV-2026-00020", "HKD", "1", "100.00", "100.00", "Return"},
    {"ACC-SINV-2025-00020", kCarl, "2025-08-01", "10:00:00", 1, 0, 0, null, "HKD", "1", "100.00",
     "100.00", "Paid"},
    {"ACC-SINV-2026-00030", "Dora Lam", "2026-04-01", "10:00:00", 1, 0, 0, null, "HKD", "1",
     "500.00", "500.00", "Paid"},
    {"ACC-SINV-2026-00040", "Macau Branch", "2026-05-05", "10:00:00", 1, 0, 0, null, "HKD", "1",
     "1000.00", "1000.00", "Internal Transfer"},
    {"ACC-SINV-2024-00001", "Gina Poon", "2024-06-30", "10:00:00", 1, 0, 0, null, "HKD", "1",
     "45.50", "45.50", "Paid"},
    {"ACC-SINV-2026-00050", "Frank Chu", "2026-06-10", "13:00:00", 1, 0, 1, null, "HKD", "1",
     "120.00", "120.00", "Paid"},
    {"ACC-SINV-2026-00051", "Frank Chu", "2026-06-12", "16:00:00", 1, 0, 0, null, "HKD", "1",
     "90.00", "90.00", "Unpaid"},
};

struct Item {
    std::string invoice;
    S code;
    std::string item_name;
    S group;
    std::string qty, amount, base_amount;
};
const std::vector<Item> kItems = {
    {"ACC-SINV-2026-00001", "PRAWN-1KG", "King Prawns 1 kg", "Seafood", "2", "800", "800"},
    {"ACC-SINV-2026-00001", "RICE-5KG", "Jasmine Rice 5 kg", "Dry Goods", "1", "300", "300"},
    {"ACC-SINV-2026-00001", "DELIVERY", "Delivery", "Services", "1", "100", "100"},
    {"ACC-SINV-2025-00010", "RICE-5KG", "Jasmine Rice 5 kg", "Dry Goods", "1", "300", "300"},
    {"ACC-SINV-2026-00002", "RICE-5KG", "Jasmine Rice 5 kg", "Dry Goods", "-1", "-300", "-300"},
    {"ACC-SINV-2026-00003", "PRAWN-1KG", "King Prawns 1 kg", "Seafood", "2", "999", "999"},
    {"ACC-SINV-2026-00004", "RICE-5KG", "Jasmine Rice 5 kg", "Dry Goods", "1", "500", "500"},
    {"ACC-SINV-2026-00005", "PRAWN-1KG", "King Prawns 1 kg", "Seafood", "1", "57.70", "450.06"},
    {"ACC-SINV-2026-00006", "RICE-5KG", "Jasmine Rice 5 kg", "Dry Goods", "1", "60", "60"},
    {"ACC-SINV-2025-00001", "TEA-100G", "Green Tea 100 g", "Tea", "2", "80", "80"},
    {"ACC-SINV-2025-00000", "TEA-100G", "Green Tea 100 g", "Tea", "2", "70", "70"},
    {"ACC-SINV-2026-00010", "SERUM-R", "Rose Serum", "Cosmetics", "1", "88.80", "88.80"},
    {"ACC-SINV-2026-00011", "TEA-100G", "Green Tea 100 g", "Tea", "1", "33.33", "33.33"},
    {"ACC-SINV-2026-00020", "RICE-5KG", "Jasmine Rice 5 kg", "Dry Goods", "5", "500", "500"},
    {"ACC-SINV-2026-00021", "RICE-5KG", "Jasmine Rice 5 kg", "Dry Goods", "-1", "-100", "-100"},
    {"ACC-SINV-2025-00020", "TEA-100G", "Green Tea 100 g", "Tea", "4", "100", "100"},
    {"ACC-SINV-2026-00030", "RICE-5KG", "Jasmine Rice 5 kg", "Dry Goods", "1", "500", "500"},
    {"ACC-SINV-2026-00040", "RICE-5KG", "Jasmine Rice 5 kg", "Dry Goods", "10", "1000", "1000"},
    {"ACC-SINV-2024-00001", "RICE-5KG", "Jasmine Rice 5 kg", "Dry Goods", "1", "45.50", "45.50"},
    {"ACC-SINV-2026-00050", "TEA-100G", "Green Tea 100 g", "Tea", "3", "120", "120"},
    {"ACC-SINV-2026-00051", "SERUM-R", "Rose Serum", "Cosmetics", "1", "80", "80"},
    // A free-text item: no item code, no item group.
    {"ACC-SINV-2026-00051", null, "Gift wrapping", null, "1", "10", "10"},
};

// ERPNext's tables filled with the rows above.
void create_erpnext(ScratchDatabase& db) {
    db.exec_script(host_ddl("erpnext/mysql.sql"));
    std::vector<std::vector<std::string>> rows;
    for (const auto& c : kCustomers)
        rows.push_back({db.literal(c.name), db.literal(c.creation), db.literal(c.creation),
                        db.literal("Administrator"), db.literal("Administrator"),
                        db.literal(c.customer_name), db.literal(c.type), db.literal(c.group),
                        db.literal(c.territory), db.literal(c.gender), std::to_string(c.disabled),
                        std::to_string(c.internal), db.literal(c.email), db.literal(c.mobile),
                        db.literal(c.primary_contact), db.literal(c.tags)});
    db.insert(
        "`tabCustomer`",
        {"name", "creation", "modified", "owner", "modified_by", "customer_name", "customer_type",
         "customer_group", "territory", "gender", "disabled", "is_internal_customer", "email_id",
         "mobile_no", "customer_primary_contact", "_user_tags"},
        rows);
    rows.clear();
    std::vector<std::vector<std::string>> links;
    for (const auto& c : kContacts) {
        rows.push_back({db.literal(c.name), db.literal("2024-03-01 10:00:00"),
                        db.literal("2026-01-02 09:00:00"), db.literal(c.name), db.literal(c.email),
                        std::to_string(c.unsubscribed), std::to_string(c.primary)});
        links.push_back({db.literal("DL-" + c.name), db.literal("Customer"), db.literal(c.customer),
                         db.literal(c.name), db.literal("links"), db.literal("Contact")});
    }
    db.insert("`tabContact`",
              {"name", "creation", "modified", "first_name", "email_id", "unsubscribed",
               "is_primary_contact"},
              rows);
    db.insert("`tabDynamic Link`",
              {"name", "link_doctype", "link_name", "parent", "parentfield", "parenttype"}, links);
    rows.clear();
    int n = 0;
    for (const auto& [email, doctype, reference, global] : kUnsubscribes)
        rows.push_back({db.literal("unsub" + std::to_string(++n)),
                        db.literal("2026-02-01 10:00:00"), db.literal(email), db.literal(doctype),
                        db.literal(reference), std::to_string(global)});
    db.insert(
        "`tabEmail Unsubscribe`",
        {"name", "creation", "email", "reference_doctype", "reference_name", "global_unsubscribe"},
        rows);
    rows.clear();
    for (const auto& i : kInvoices)
        rows.push_back({db.literal(i.name),
                        db.literal(i.date + " " + i.time),
                        std::to_string(i.docstatus),
                        db.literal(i.customer),
                        db.literal(i.customer),
                        db.literal("My Company (HK) Ltd"),
                        db.literal(i.date),
                        db.literal(i.time),
                        db.literal(i.date),
                        std::to_string(i.is_pos),
                        std::to_string(i.is_return),
                        db.literal(i.return_against),
                        db.literal(i.currency),
                        i.rate,
                        i.base_grand_total,
                        i.grand_total,
                        i.base_grand_total,
                        i.grand_total,
                        i.base_grand_total,
                        i.grand_total,
                        i.grand_total,
                        db.literal(i.status)});
    db.insert("`tabSales Invoice`",
              {"name",
               "creation",
               "docstatus",
               "customer",
               "customer_name",
               "company",
               "posting_date",
               "posting_time",
               "due_date",
               "is_pos",
               "is_return",
               "return_against",
               "currency",
               "conversion_rate",
               "base_total",
               "total",
               "base_net_total",
               "net_total",
               "base_grand_total",
               "grand_total",
               "outstanding_amount",
               "status"},
              rows);
    rows.clear();
    std::map<std::string, int> idx, docstatus;
    for (const auto& i : kInvoices) docstatus[i.name] = i.docstatus;
    for (std::size_t k = 0; k < kItems.size(); ++k) {
        const Item& it = kItems[k];
        rows.push_back({db.literal("item" + std::to_string(k + 1)),
                        std::to_string(++idx[it.invoice]), std::to_string(docstatus[it.invoice]),
                        db.literal(it.code), db.literal(it.item_name), db.literal(it.item_name),
                        db.literal(it.group), it.qty, "(" + it.amount + " / " + it.qty + ")",
                        it.amount, "(" + it.base_amount + " / " + it.qty + ")", it.base_amount,
                        it.amount, it.base_amount, db.literal(it.invoice), db.literal("items"),
                        db.literal("Sales Invoice")});
    }
    db.insert("`tabSales Invoice Item`",
              {"name", "idx", "docstatus", "item_code", "item_name", "description", "item_group",
               "qty", "rate", "amount", "base_rate", "base_amount", "net_amount", "base_net_amount",
               "parent", "parentfield", "parenttype"},
              rows);
}

const std::vector<std::string> kChannels = {"pos", "invoice"};
const std::vector<std::string> kShares = {"seafood", "dry goods", "services", "tea", "cosmetics"};

std::vector<std::string> features() {
    return all_features(kChannels, kShares, {"customers", "orders", "order_lines"});
}

// A rule set like host_rules() that declares the two attributes the preset maps.
std::string rules_with_attributes() {
    return host_rules("erpnext") + "attributes:\n  customer_group: text\n  customer_type: text\n";
}

// An ERPNext database of its own with the rows above.
struct Erpnext {
    explicit Erpnext(const std::string& tag) : db(Backend::MariaDB, tag) { create_erpnext(db); }
    std::string config(const std::string& settings = {}) {
        const std::string path = host_preset_config(dir, "erpnext", db, settings);
        write_text(dir.path() / "rules.yaml", rules_with_attributes());
        return path;
    }
    FeatureDump dump(const std::string& settings = {}) {
        return dump_features(config(settings), kAsOf, features(), CUSTCLASS_DATA_DIR);
    }
    // The attr.* features of every customer.
    std::map<std::string, ordered_json> attributes() {
        const FeatureDump d = dump_features(
            config(), kAsOf, {"attr.customer_group", "attr.customer_type"}, CUSTCLASS_DATA_DIR);
        return {d.customers.begin(), d.customers.end()};
    }
    ScratchDatabase db;
    TempDir dir;
};

// A customer without a purchase in the window: no channel shares, no returns rate either.
ordered_json no_purchase(ordered_json f) {
    f = without_purchases(std::move(f), kShares, kChannels);
    f["returns_rate"] = nullptr;
    return f;
}

// The features of a customer's own record. ERPNext keeps no birth date, income band, lead
// source or consent for a customer.
ordered_json record(const char* district, S gender, ordered_json interests, int signup_days,
                    bool opted_out) {
    ordered_json f = {{"district", district},
                      {"gender", gender ? ordered_json(*gender) : ordered_json()},
                      {"interests", std::move(interests)},
                      {"signup_days", signup_days},
                      {"opted_out", opted_out}};
    for (const char* name : {"age", "age_band", "income_band", "lead_source", "marketing_consent"})
        f[name] = nullptr;
    return f;
}

// The order features of a customer with purchases in the window, `pos` of them at a point of
// sale.
ordered_json bought(int recency_days, int frequency, double monetary, double avg_order_value,
                    int tenure_days, int orders_total, double returns_rate, int pos) {
    return {{"recency_days", recency_days},
            {"frequency", frequency},
            {"monetary", monetary},
            {"avg_order_value", avg_order_value},
            {"tenure_days", tenure_days},
            {"orders_total", orders_total},
            {"returns_rate", returns_rate},
            {"is_prospect", false},
            {"channel_share:pos", double(pos) / frequency},
            {"channel_share:invoice", double(frequency - pos) / frequency}};
}

// Every feature of every customer, amounts in the company's currency (the default).
// Harbour Foods: purchases 00001 (20 Jun, 1200.00), 2025-00010 (1 Dec, 300.00), 00005 (30 Jun at
// 23:30, 57.70 US dollars: 450.06 in Hong Kong dollars) and 2025-00001 (1 Jul 2025 at 00:05, the
// window's first day, 80.00); the return 00002 (15 Jan, -300.00); 2025-00000 (30 Jun 2025 at
// 23:55) is before the window, 00006 after as_of, 00003 a draft, 00004 cancelled. Items: prawns
// 800 + 450.06 (Seafood), rice 300 + 300 (Dry Goods), delivery 100 (Services), tea 80 (Tea).
// Ann Li: 00010 (1 May, 88.80, Cosmetics), 00011 (14 Feb, 33.33, Tea). Lee's Bakery: 00020 (10
// Mar, 500.00) and its partial return 00021 (stored as 100.00: -100.00). Carl: 2025-00020 (1 Aug
// 2025, 100.00). Frank: 00050 at the point of sale (10 Jun, 120.00, Tea), 00051 (12 Jun, 90.00:
// serum 80 and gift wrapping 10 without an item group). Active: Harbour, Ann, Lee's, Carl, Frank (n
// = 5):
//   recency 0, 60, 112, 333, 18   -> r 5, 3, 2, 1, 4
//   frequency 4, 2, 1, 1, 2       -> f 5, 3, 1, 1, 3
//   monetary 1730.06, 122.13, 400, 100, 210 -> m 5, 2, 4, 1, 3
// Pareto (total 2562.19): Harbour A, Lee's A (1730.06 ahead, 0.68), Frank B (0.83), Ann B (0.91),
// Carl C (0.96).
std::map<std::string, ordered_json> expected_customers() {
    std::map<std::string, ordered_json> e;
    e[kHarbour] = record("Kowloon", null, {"vip", "seafood lover"}, 851, false);
    e[kHarbour].update(bought(0, 4, 1730.06, 2030.06 / 4, 365, 5, 0.2, 0));
    e[kHarbour].update(scores(5, 5, 5, "A"));
    e[kHarbour].update(category_mix(
        kShares, {{"seafood", 1250.06}, {"dry goods", 600}, {"services", 100}, {"tea", 80}},
        "seafood"));
    e["Ann Li"] = record("Sai Kung", "Female", {"skincare"}, 231, false);
    e["Ann Li"].update(bought(60, 2, 122.13, 61.065, 136, 2, 0.0, 0));
    e["Ann Li"].update(scores(3, 3, 2, "B"));
    e["Ann Li"].update(category_mix(kShares, {{"cosmetics", 88.8}, {"tea", 33.33}}, "cosmetics"));
    e["Lee's Bakery"] = record("Kowloon", null, nullptr, 526, true);
    e["Lee's Bakery"].update(bought(112, 1, 400.0, 500.0, 112, 1, 0.5, 0));
    e["Lee's Bakery"].update(scores(2, 1, 4, "A"));
    e["Lee's Bakery"].update(category_mix(kShares, {{"dry goods", 500}}, "dry goods"));
    // Unsubscribed from everything, in another case than his own address; tags emptied.
    e[kCarl] = record("New Territories", "Male", ordered_json::array(), 350, true);
    e[kCarl].update(bought(333, 1, 100.0, 100.0, 333, 1, 0.0, 0));
    e[kCarl].update(scores(1, 1, 1, "C"));
    e[kCarl].update(category_mix(kShares, {{"tea", 100}}, "tea"));
    // Unsubscribed from the mails of an invoice and of his contact record, and through a contact
    // that is not his primary one: not an opt-out.
    e["Frank Chu"] = record("Wan Chai", "Male", nullptr, 302, false);
    e["Frank Chu"].update(bought(18, 2, 210.0, 105.0, 20, 2, 0.0, 1));
    e["Frank Chu"].update(scores(4, 3, 3, "B"));
    e["Frank Chu"].update(
        category_mix(kShares, {{"tea", 120}, {"cosmetics", 80}, {"", 10}}, "tea"));
    // Created at 01:00 on as_of; her primary contact is unsubscribed.
    e["Eve Ho"] = record("All Territories", "Female", nullptr, 0, true);
    e["Eve Ho"].update(no_purchase({{"recency_days", nullptr},
                                    {"tenure_days", nullptr},
                                    {"orders_total", 0},
                                    {"is_prospect", true}}));
    // One purchase two years before as_of; an unsubscription refers to her customer record.
    e["Gina Poon"] = record("Wan Chai", "Female", nullptr, 759, true);
    e["Gina Poon"].update(no_purchase({{"recency_days", 730},
                                       {"tenure_days", 730},
                                       {"orders_total", 1},
                                       {"is_prospect", false}}));
    return e;
}

using Counts = std::map<std::string, std::uint64_t>;

}  // namespace

TEST(ErpnextPreset, EveryFeatureOfEveryCustomerInTheCompanysCurrency) {
    Erpnext erp("erpnext");
    const FeatureDump dump = erp.dump();
    // Read: all but the disabled Dora Lam and the internal Macau Branch; Future Trading is
    // created after as_of without invoices. Invoices of the two are not read; 00006 is dated
    // after as_of.
    EXPECT_EQ(dump.customers_read, 8u);
    EXPECT_EQ(dump.excluded, (Counts{{"not_yet_customer", 1}}));
    EXPECT_EQ(dump.data_quality, (Counts{{"orders_after_as_of", 1}}));
    const auto expected = expected_customers();
    std::vector<std::string> ids;
    for (const auto& [id, _] : expected) ids.push_back(id);
    EXPECT_EQ(ids_of(dump), ids);
    for (const auto& [id, f] : expected) expect_features(dump, id, f);
}

// The customer group and type as attributes, for rule sets that declare them.
TEST(ErpnextPreset, CustomerGroupAndTypeAsAttributes) {
    Erpnext erp("erpnext_attributes");
    const auto attributes = erp.attributes();
    std::map<std::string, ordered_json> expected;
    for (const auto& c : kCustomers)
        if (c.disabled == 0 && c.internal == 0 && c.name != "CUST-2026-00008")
            expected[c.name] = {{"attr.customer_group", c.group}, {"attr.customer_type", c.type}};
    EXPECT_EQ(attributes, expected);
}

// Amounts in each invoice's own currency: Harbour Foods' US dollar invoice counts 57.70.
TEST(ErpnextPreset, InvoiceCurrencySetting) {
    Erpnext erp("erpnext_currency");
    const FeatureDump dump = erp.dump("    invoice_amount: grand_total\n");
    expect_features(dump, kHarbour,
                    {{"frequency", 4},
                     {"monetary", 1337.7},
                     {"avg_order_value", 1637.7 / 4},
                     {"share:seafood", 857.7 / 1637.7},
                     {"share:dry goods", 600 / 1637.7}});
    expect_features(dump, "Ann Li", {{"monetary", 122.13}});
}

// A Frappe site without the e-mail unsubscriptions and an older Sales Invoice: the error names
// the preset, the canonical tables, the missing objects and the ERPNext versions, before
// anything is read.
TEST(ErpnextPreset, MissingTableOrColumnIsNamed) {
    Erpnext erp("erpnext_missing");
    erp.db.exec("DROP TABLE `tabEmail Unsubscribe`");
    erp.db.exec("ALTER TABLE `tabSales Invoice` DROP COLUMN is_return");
    const std::string message = read_error(erp.config(), kAsOf, features());
    for (const char* part : {"preset `erpnext` (ERPNext 14 and 15)", "the `orders` table",
                             "the `order_lines` table", "the column `tabSales Invoice.is_return`",
                             "the `opt_outs` table", "the table `tabEmail Unsubscribe`"})
        EXPECT_NE(message.find(part), std::string::npos) << part << "\nin: " << message;
}
