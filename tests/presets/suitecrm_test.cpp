// The `suitecrm` preset (config/presets/suitecrm.yaml) on MariaDB, against SuiteCRM 7's tables
// as its vardefs create them (tests/presets/suitecrm/mysql.sql): UUID ids, soft-deleted rows,
// datetimes in UTC. Verified against a schema built from the host's published DDL facts, not a
// running SuiteCRM. Every feature of every customer is worked out by hand below from the rows the
// test inserts (RULES.md section 4), with accounts only and with contacts too.
#include <gtest/gtest.h>

#include <cctype>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "host_preset_support.h"
#include "integration_support.h"

using namespace custclass::integration;
using nlohmann::ordered_json;

namespace {

using S = OptionalText;
const S null;
constexpr const char* kAsOf = kHostAsOf;

// A UUID of SuiteCRM's form (char(36)) that carries a readable tag at its end.
std::string uuid(const std::string& tag) {
    return "5c1e0000-0000-4000-8000-" + std::string(12 - tag.size(), '0') + tag;
}

struct Account {
    std::string tag, name;
    S type, city, phone;
    std::string entered;  // UTC, as SuiteCRM stores it
    int deleted;
};
const std::vector<Account> kAccounts = {
    {"a1", "Harbour Foods Ltd", "Customer", "Tsim Sha Tsui", "+852 3111 2222",
     "2024-03-01 02:00:00", 0},
    // Entered at 01:30 on as_of in Hong Kong (17:30 the day before in UTC).
    {"a2", "Kowloon Traders", "Prospect", "Mong Kok", null, "2026-06-29 17:30:00", 0},
    {"a3", "Deleted Account", "Customer", "Sheung Wan", null, "2025-01-01 00:00:00", 1},
    {"a4", "Opted Out Co", "Customer", "Central", "2522 0000", "2025-07-01 00:00:00", 0},
    {"a5", "Future Account", "Customer", "Tuen Mun", null, "2026-07-02 03:00:00", 0},
    {"a6", "Six Stores", "Reseller", "Sai Ying Pun", null, "2026-01-01 08:00:00", 0},
};

struct Contact {
    std::string tag, first, last;
    S city, mobile, work, birthdate, lead_source;
    std::string entered;
    int deleted;
};
const std::vector<Contact> kContacts = {
    // A person who buys for herself: no account.
    {"c1", "Ann", "Li", "Sai Kung", "+852 9000 1111", null, "1990-07-01", "Web Site",
     "2025-11-11 04:00:00", 0},
    // A contact of Harbour Foods: never a customer of its own.
    {"c2", "Bob", "Chan", "Tsim Sha Tsui", null, "3111 2223", "1980-01-01", "Trade Show",
     "2024-03-02 02:00:00", 0},
    {"c3", "Cat", "Deleted", "Tai Po", null, null, null, null, "2025-05-05 00:00:00", 1},
    // Linked to the deleted account only (and to Harbour Foods by a deleted link).
    {"c4", "Dan", "Ho", "Tai Wai", null, null, null, "Cold Call", "2026-03-01 00:00:00", 0},
};
// (id, contact, account, deleted)
const std::vector<std::tuple<std::string, std::string, std::string, int>> kAccountContacts = {
    {"ac1", "c2", "a1", 0}, {"ac2", "c4", "a3", 0}, {"ac3", "c4", "a1", 1}};

struct Email {
    std::string tag, address;
    int opt_out, deleted;
};
const std::vector<Email> kEmails = {
    {"e1", "orders@harbour.hk", 0, 0}, {"e2", "news@harbour.hk", 1, 0},
    {"e3", "Info@OptedOut.hk", 1, 0},  {"e4", "ok@six.hk", 0, 0},
    {"e5", "old@six.hk", 1, 0},        {"e6", "ann@li.hk", 0, 0},
    {"e7", "bob@harbour.hk", 1, 0},    {"e8", "gone@kowloon.hk", 1, 1},
};

struct EmailRel {
    std::string tag, email, bean, module;
    int primary, deleted;
    std::string created;
};
const std::vector<EmailRel> kEmailRels = {
    {"r1", "e1", "a1", "Accounts", 1, 0, "2024-03-01 02:00:00"},
    {"r2", "e2", "a1", "Accounts", 0, 0, "2024-03-01 02:00:00"},  // not the primary address
    // Another module's row with the same bean id, written earlier: ignored.
    {"r3", "e3", "a1", "Leads", 1, 0, "2024-01-01 00:00:00"},
    {"r4", "e3", "a4", "Accounts", 1, 0, "2025-07-01 00:00:00"},
    {"r5", "e5", "a6", "Accounts", 1, 1, "2025-12-01 00:00:00"},  // a deleted relation
    {"r6", "e4", "a6", "Accounts", 1, 0, "2026-01-01 08:00:00"},
    {"r7", "e6", "c1", "Contacts", 1, 0, "2025-11-11 04:00:00"},
    {"r8", "e7", "c2", "Contacts", 1, 0, "2024-03-02 02:00:00"},
    {"r9", "e8", "a2", "Accounts", 1, 0, "2026-06-29 17:30:00"},  // a deleted address
};

// Product categories (the third is deleted) and products.
const std::vector<std::tuple<std::string, std::string, int>> kCategories = {
    {"pc1", "Seafood", 0}, {"pc2", "Dry Goods", 0}, {"pc3", "Old Category", 1}};
const std::vector<std::tuple<std::string, std::string, S>> kProducts = {
    {"p1", "King Prawns 1 kg", "pc1"},
    {"p2", "Jasmine Rice 5 kg", "pc2"},
    {"p3", "Gift Hamper", null},
    {"p4", "Abalone Tin", "pc3"},
};

struct Invoice {
    std::string tag;
    S account, contact, status, date;
    std::string entered;  // UTC
    std::string total;
    int deleted;
};
const std::vector<Invoice> kInvoices = {
    {"i1", "a1", null, "Paid", "2026-06-01", "2026-06-01 02:00:00", "1000.00", 0},
    {"i2", "a1", null, "Unpaid", "2026-03-15", "2026-03-15 02:00:00", "500.00", 0},
    {"i3", "a1", null, "Cancelled", "2026-04-01", "2026-04-01 02:00:00", "700.00", 0},
    {"i4", "a1", null, "", "2025-09-10", "2025-09-10 02:00:00", "250.00", 0},       // no status
    {"i5", "a1", null, "Paid", "2026-05-05", "2026-05-05 02:00:00", "900.00", 1},   // deleted
    {"i6", "a1", null, "Paid", "2026-04-10", "2026-04-10 02:00:00", "-100.00", 0},  // a refund
    {"i7", "a1", null, null, "2025-05-01", "2025-05-01 02:00:00", "80.00", 0},  // before the window
    {"i8", "a1", null, "Paid", "2026-07-03", "2026-07-03 02:00:00", "60.00", 0},  // after as_of
    {"i9", "a3", null, "Paid", "2026-05-01", "2026-05-01 02:00:00", "300.00", 0},
    {"i10", "a4", null, "Paid", "2025-12-24", "2025-12-24 02:00:00", "199.99", 0},
    // No invoice date: the day it was entered, in UTC (29 June).
    {"i11", "a6", null, "Unpaid", null, "2026-06-29 20:00:00", "50.00", 0},
    {"i12", "", "c1", "Paid", "2026-02-14", "2026-02-14 02:00:00", "88.80", 0},
    {"i13", "a1", "c2", "Paid", "2026-06-15", "2026-06-15 02:00:00", "40.00", 0},
    // Billed to a contact of an account, without the account: not read.
    {"i14", "", "c2", "Paid", "2026-05-20", "2026-05-20 02:00:00", "30.00", 0},
};

struct Item {
    std::string invoice;
    std::string parent_type;
    S product;
    std::string name, qty, total;
    int deleted;
};
const std::vector<Item> kItems = {
    {"i1", "AOS_Invoices", "p1", "King Prawns 1 kg", "3", "600.00", 0},
    {"i1", "AOS_Invoices", "p2", "Jasmine Rice 5 kg", "10", "300.00", 0},
    {"i1", "AOS_Invoices", "0", "Delivery", "1", "100.00", 0},             // a service line
    {"i1", "AOS_Invoices", "p2", "Jasmine Rice 5 kg", "33", "999.00", 1},  // deleted
    {"i1", "AOS_Quotes", "p1", "King Prawns 1 kg", "25", "5000.00", 0},    // a quote's line
    {"i2", "AOS_Invoices", "p1", "King Prawns 1 kg", "2.5", "500.00", 0},
    {"i3", "AOS_Invoices", "p1", "King Prawns 1 kg", "3.5", "700.00", 0},
    {"i4", "AOS_Invoices", "p2", "Jasmine Rice 5 kg", "5", "250.00", 0},
    {"i5", "AOS_Invoices", "p1", "King Prawns 1 kg", "4.5", "900.00", 0},
    {"i6", "AOS_Invoices", "p1", "King Prawns 1 kg", "-0.5", "-100.00", 0},
    {"i7", "AOS_Invoices", "p2", "Jasmine Rice 5 kg", "2", "80.00", 0},
    {"i8", "AOS_Invoices", "p2", "Jasmine Rice 5 kg", "1", "60.00", 0},
    {"i9", "AOS_Invoices", "p1", "King Prawns 1 kg", "1.5", "300.00", 0},
    {"i10", "AOS_Invoices", "p3", "Gift Hamper", "1", "150.00", 0},
    {"i10", "AOS_Invoices", "p4", "Abalone Tin", "1", "49.99", 0},
    {"i11", "AOS_Invoices", "p2", "Jasmine Rice 5 kg", "1", "50.00", 0},
    {"i12", "AOS_Invoices", "p3", "Gift Hamper", "1", "88.80", 0},
    {"i13", "AOS_Invoices", "p2", "Jasmine Rice 5 kg", "1", "40.00", 0},
    {"i14", "AOS_Invoices", "p2", "Jasmine Rice 5 kg", "1", "30.00", 0},
};

// An id column: a tag becomes its UUID, "" and "0" stay as written (SuiteCRM writes both).
std::string id_literal(ScratchDatabase& db, const S& tag) {
    if (!tag) return "NULL";
    if (tag->empty() || *tag == "0") return db.literal(*tag);
    return db.literal(uuid(*tag));
}

void create_suitecrm(ScratchDatabase& db) {
    db.exec_script(host_ddl("suitecrm/mysql.sql"));
    std::vector<std::vector<std::string>> rows;
    for (const auto& a : kAccounts)
        rows.push_back({db.literal(uuid(a.tag)), db.literal(a.name), db.literal(a.entered),
                        db.literal(a.entered), std::to_string(a.deleted), db.literal(a.type),
                        db.literal(a.city), db.literal(a.phone)});
    db.insert("accounts",
              {"id", "name", "date_entered", "date_modified", "deleted", "account_type",
               "billing_address_city", "phone_office"},
              rows);
    rows.clear();
    for (const auto& c : kContacts)
        rows.push_back({db.literal(uuid(c.tag)), db.literal(c.first), db.literal(c.last),
                        db.literal(c.entered), db.literal(c.entered), std::to_string(c.deleted),
                        db.literal(c.city), db.literal(c.mobile), db.literal(c.work),
                        db.literal(c.birthdate), db.literal(c.lead_source)});
    db.insert("contacts",
              {"id", "first_name", "last_name", "date_entered", "date_modified", "deleted",
               "primary_address_city", "phone_mobile", "phone_work", "birthdate", "lead_source"},
              rows);
    rows.clear();
    for (const auto& [tag, contact, account, deleted] : kAccountContacts)
        rows.push_back({db.literal(uuid(tag)), db.literal(uuid(contact)), db.literal(uuid(account)),
                        std::to_string(deleted)});
    db.insert("accounts_contacts", {"id", "contact_id", "account_id", "deleted"}, rows);
    rows.clear();
    for (const auto& e : kEmails) {
        std::string caps = e.address;
        for (char& ch : caps) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
        rows.push_back({db.literal(uuid(e.tag)), db.literal(e.address), db.literal(caps),
                        std::to_string(e.opt_out), std::to_string(e.deleted)});
    }
    db.insert("email_addresses",
              {"id", "email_address", "email_address_caps", "opt_out", "deleted"}, rows);
    rows.clear();
    for (const auto& r : kEmailRels)
        rows.push_back({db.literal(uuid(r.tag)), db.literal(uuid(r.email)),
                        db.literal(uuid(r.bean)), db.literal(r.module), std::to_string(r.primary),
                        std::to_string(r.deleted), db.literal(r.created)});
    db.insert("email_addr_bean_rel",
              {"id", "email_address_id", "bean_id", "bean_module", "primary_address", "deleted",
               "date_created"},
              rows);
    rows.clear();
    for (const auto& [tag, name, deleted] : kCategories)
        rows.push_back({db.literal(uuid(tag)), db.literal(name), std::to_string(deleted)});
    db.insert("aos_product_categories", {"id", "name", "deleted"}, rows);
    rows.clear();
    for (const auto& [tag, name, category] : kProducts)
        rows.push_back({db.literal(uuid(tag)), db.literal(name), id_literal(db, category)});
    db.insert("aos_products", {"id", "name", "aos_product_category_id"}, rows);
    rows.clear();
    int number = 0;
    for (const auto& i : kInvoices) {
        ++number;
        rows.push_back({db.literal(uuid(i.tag)), db.literal("Invoice " + i.tag),
                        db.literal(i.entered), std::to_string(i.deleted), id_literal(db, i.account),
                        id_literal(db, i.contact), std::to_string(number), i.total, i.total,
                        i.total, i.total, db.literal(i.status), db.literal(i.date)});
    }
    db.insert("aos_invoices",
              {"id", "name", "date_entered", "deleted", "billing_account_id", "billing_contact_id",
               "number", "subtotal_amount", "total_amt", "total_amount", "total_amount_usdollar",
               "status", "invoice_date"},
              rows);
    rows.clear();
    for (std::size_t k = 0; k < kItems.size(); ++k) {
        const Item& l = kItems[k];
        rows.push_back({db.literal(uuid("l" + std::to_string(k))), db.literal(l.name),
                        std::to_string(l.deleted), std::to_string(k + 1), l.qty,
                        "(" + l.total + " / " + l.qty + ")", l.total, "0",
                        db.literal(l.parent_type), db.literal(uuid(l.invoice)),
                        id_literal(db, l.product)});
    }
    db.insert("aos_products_quotes",
              {"id", "name", "deleted", "number", "product_qty", "product_unit_price",
               "product_total_price", "vat_amt", "parent_type", "parent_id", "product_id"},
              rows);
}

const std::vector<std::string> kShares = {"seafood", "dry goods"};

std::vector<std::string> features() {
    return all_features({}, kShares, {"customers", "orders", "order_lines"});
}

// A customer with no purchase in the window: no scores, no shares.
ordered_json inactive(ordered_json f) {
    return without_purchases(std::move(f), {"seafood", "dry goods"});
}

// The accounts of both modes. Active with accounts only: a1, a4, a6 (n = 3):
//   recency a1 15, a4 188, a6 1; frequency 4, 1, 1; monetary 1690, 199.99, 50.
std::map<std::string, ordered_json> expected_accounts() {
    std::map<std::string, ordered_json> e;
    // a1: purchases i1 (1 Jun, 1000), i2 (15 Mar, Unpaid, 500), i4 (no status, 250), i13 (15 Jun,
    // 40, billed to the account and its contact); the refund i6 (-100); i7 (1 May 2025) before the
    // window; i3 cancelled, i5 deleted, i8 after as_of. Lines of the purchases: Seafood 600 + 500,
    // Dry Goods 300 + 250 + 40, the delivery service 100: 1790.
    e[uuid("a1")] = {{"recency_days", 15},
                     {"frequency", 4},
                     {"monetary", 1690.0},
                     {"avg_order_value", 447.5},
                     {"tenure_days", 425},
                     {"orders_total", 5},
                     {"returns_rate", 0.2},
                     {"top_category", "seafood"},
                     {"district", "Tsim Sha Tsui"},
                     {"signup_days", 851},  // 1 Mar 2024 10:00 in Hong Kong
                     {"is_prospect", false},
                     {"opted_out", false},  // only its non-primary address opted out
                     {"share:seafood", 1100.0 / 1790},
                     {"share:dry goods", 590.0 / 1790}};
    // a2: a prospect without invoices, entered on as_of in Hong Kong; its primary address is
    // deleted.
    e[uuid("a2")] = inactive({{"recency_days", nullptr},
                              {"tenure_days", nullptr},
                              {"orders_total", 0},
                              {"returns_rate", nullptr},
                              {"district", "Mong Kok"},
                              {"signup_days", 0},
                              {"is_prospect", true},
                              {"opted_out", false}});
    // a4: i10 (24 Dec, 199.99) with a hamper (no category) and a product of a deleted category.
    e[uuid("a4")] = {
        {"recency_days", 188},       {"frequency", 1},          {"monetary", 199.99},
        {"avg_order_value", 199.99}, {"tenure_days", 188},      {"orders_total", 1},
        {"returns_rate", 0.0},       {"top_category", nullptr}, {"district", "Central"},
        {"signup_days", 364},        {"is_prospect", false},    {"opted_out", true},
        {"share:seafood", 0.0},      {"share:dry goods", 0.0}};
    // a6: i11 has no invoice date: entered 29 Jun 20:00 UTC, so dated 29 June.
    e[uuid("a6")] = {{"recency_days", 1},
                     {"frequency", 1},
                     {"monetary", 50.0},
                     {"avg_order_value", 50.0},
                     {"tenure_days", 1},
                     {"orders_total", 1},
                     {"returns_rate", 0.0},
                     {"top_category", "dry goods"},
                     {"district", "Sai Ying Pun"},
                     {"signup_days", 180},
                     {"is_prospect", false},
                     {"opted_out", false},  // the opted-out address's relation is deleted
                     {"share:seafood", 0.0},
                     {"share:dry goods", 1.0}};
    for (auto& [id, f] : e)
        for (const char* name : {"age", "age_band", "gender", "income_band", "lead_source",
                                 "interests", "marketing_consent"})
            f[name] = nullptr;
    return e;
}

std::map<std::string, ordered_json> expected_with_contacts() {
    auto e = expected_accounts();
    // c1 bought i12 (14 Feb, 88.80) billed to her alone; born 1 Jul 1990, 35 on as_of.
    e[uuid("c1")] = {{"recency_days", 136},
                     {"frequency", 1},
                     {"monetary", 88.8},
                     {"avg_order_value", 88.8},
                     {"tenure_days", 136},
                     {"orders_total", 1},
                     {"returns_rate", 0.0},
                     {"top_category", nullptr},
                     {"district", "Sai Kung"},
                     {"signup_days", 231},
                     {"is_prospect", false},
                     {"opted_out", false},
                     {"age", 35},
                     {"age_band", "35-44"},
                     {"lead_source", "Web Site"},
                     {"share:seafood", 0.0},
                     {"share:dry goods", 0.0}};
    // c4: its only live link is to a deleted account; no invoice.
    e[uuid("c4")] = inactive({{"recency_days", nullptr},
                              {"tenure_days", nullptr},
                              {"orders_total", 0},
                              {"district", "Tai Wai"},
                              {"signup_days", 121},
                              {"is_prospect", true},
                              {"opted_out", false},
                              {"age", nullptr},
                              {"lead_source", "Cold Call"}});
    return e;
}

void expect_all(const FeatureDump& dump, const std::map<std::string, ordered_json>& expected) {
    std::vector<std::string> ids;
    for (const auto& [id, _] : expected) ids.push_back(id);
    EXPECT_EQ(ids_of(dump), ids);
    for (const auto& [id, f] : expected) expect_features(dump, id, f);
}

// A SuiteCRM database of its own with the rows above.
struct SuiteCrm {
    explicit SuiteCrm(const std::string& tag) : db(Backend::MariaDB, tag) { create_suitecrm(db); }
    std::string config(const std::string& settings = {}) {
        return host_preset_config(dir, "suitecrm", db, settings);
    }
    FeatureDump dump(const std::string& settings = {}) {
        return dump_features(config(settings), kAsOf, features(), CUSTCLASS_DATA_DIR);
    }
    ScratchDatabase db;
    TempDir dir;
};

using Counts = std::map<std::string, std::uint64_t>;

// Every feature of every customer read with `settings`, `read` customers read from SuiteCRM.
// In both modes a5 is entered after as_of and i8 is dated after it; the invoices of the deleted
// account, of deleted contacts and of contacts of an account are not read.
void expect_read(SuiteCrm& crm, const std::string& settings, std::uint64_t read,
                 const std::map<std::string, ordered_json>& expected) {
    const FeatureDump dump = crm.dump(settings);
    EXPECT_EQ(dump.customers_read, read);
    EXPECT_EQ(dump.excluded, (Counts{{"not_yet_customer", 1}}));
    EXPECT_EQ(dump.data_quality, (Counts{{"orders_after_as_of", 1}}));
    expect_all(dump, expected);
}

}  // namespace

TEST(SuiteCrmPreset, AccountsAsCustomers) {
    SuiteCrm crm("suitecrm");
    auto expected = expected_accounts();
    // Scores among a1, a4, a6: r 2, 1, 4; f 4, 1, 1; m 4, 2, 1. Pareto (total 1939.99): a1 A,
    // a4 B (1690 ahead, 0.87), a6 C (1889.99 ahead, 0.97).
    expected[uuid("a1")].update(scores(2, 4, 4, "A"));
    expected[uuid("a4")].update(scores(1, 1, 2, "B"));
    expected[uuid("a6")].update(scores(4, 1, 1, "C"));
    // Read: a1, a2, a4, a5, a6 (a3 is deleted).
    expect_read(crm, "", 5, expected);
}

TEST(SuiteCrmPreset, ContactsWithoutAnAccountToo) {
    SuiteCrm crm("suitecrm_contacts");
    auto expected = expected_with_contacts();
    // Scores among a1, a4, a6, c1 (recency 15, 188, 1, 136; frequency 4, 1, 1, 1; monetary 1690,
    // 199.99, 50, 88.80): r 3, 1, 4, 2; f 4, 1, 1, 1; m 4, 3, 1, 2. Pareto (total 2028.79): a1 A,
    // a4 B (0.83), c1 B (0.93), a6 C (0.98).
    expected[uuid("a1")].update(scores(3, 4, 4, "A"));
    expected[uuid("a4")].update(scores(1, 1, 3, "B"));
    expected[uuid("a6")].update(scores(4, 1, 1, "C"));
    expected[uuid("c1")].update(scores(2, 1, 2, "B"));
    // Also c1 and c4; c2 belongs to an account, c3 is deleted.
    expect_read(crm, "    customer_records: accounts_and_contacts\n", 7, expected);
}

// Only paid invoices count: a1 keeps i1, i13 and the refund i6; a6's unpaid invoice goes.
TEST(SuiteCrmPreset, InvoiceStatusesSetting) {
    SuiteCrm crm("suitecrm_status");
    const FeatureDump dump = crm.dump("    invoice_statuses: [Paid]\n");
    expect_features(dump, uuid("a1"),
                    {{"frequency", 2},
                     {"monetary", 940.0},
                     {"orders_total", 2},
                     {"tenure_days", 29},
                     {"returns_rate", 1.0 / 3}});
    expect_features(dump, uuid("a6"),
                    {{"frequency", 0}, {"orders_total", 0}, {"is_prospect", true}});
    expect_features(dump, uuid("a4"), {{"frequency", 1}, {"monetary", 199.99}});
}

// A SugarCRM without the AOS modules, and an older e-mail table: the error names the preset, the
// canonical tables, the missing objects and the SuiteCRM versions, before anything is read.
TEST(SuiteCrmPreset, MissingTableOrColumnIsNamed) {
    SuiteCrm crm("suitecrm_missing");
    crm.db.exec("DROP TABLE aos_products_quotes");
    crm.db.exec("ALTER TABLE email_addresses DROP COLUMN opt_out");
    const std::string message = read_error(crm.config(), kAsOf, features());
    for (const char* part : {"preset `suitecrm` (SuiteCRM 7 and 8)", "the `customers` table",
                             "the column `email_addresses.opt_out`", "the `order_lines` table",
                             "the table `aos_products_quotes`"})
        EXPECT_NE(message.find(part), std::string::npos) << part << "\nin: " << message;
}
