// The demo and benchmark data: a deterministic, synthetic Hong Kong retailer (districts, stores,
// customers and leads, a product catalogue, sales and returns over two years, referrals, consent
// and opt-outs, web-shop visits, searches, sign-ups and marketing e-mails) in the schema of a small
// POS/CRM that is deliberately not the engine's canonical tables, so that the mapping
// (demo_generic_queries_yaml) is exercised as an administrator's would be. `custclass demo` writes
// it to SQLite; the benchmark writes it at scale.
//
// The demo host schema (SQLite types; text timestamps are Hong Kong local time):
//   district(id, name, region)
//   customer(id, code, full_name, gender, birth_date, district_id, income_band, email, phone,
//            created_at, lead_source, is_lead, marketing_consent, interests)
//   product_category(id, name)
//   product(id, sku, name, category_id, price)          price: text "129.00"
//   sales_order(id, customer_id, ordered_at, channel, store_code, total, kind)
//   sales_order_line(id, order_id, product_id, quantity, amount)
//   referral(referrer_id, referee_id, referred_at)
//   opt_out(customer_id, email, phone, opted_out_at)
//   interaction(id, customer_id, kind, keyword, at)    kind: visit, search, signup, email_open,
//                                                     click; keyword: the search term of a search
// The model behind the rows is described at the top of demo_generator.cpp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "demo_sink.h"

namespace custclass::datagen {

struct DemoOptions {
    // Same seed and options, same database content, on every platform.
    std::uint64_t seed = 20261123;
    // The exact number of customers (leads and dormant customers included).
    std::size_t customers = 5000;
    // The average number of orders (sales and returns) per customer who has at least one, at
    // least 1. About 77% of customers buy (the rest are leads and dormant old customers), so
    // 1M customers with 13 give about 10M orders.
    double orders_per_customer = 10.0;
    // Orders span [first_day, last_day] ("YYYY-MM-DD"); part of the customer base was created
    // before first_day.
    std::string first_day = "2024-12-01";
    std::string last_day = "2026-11-30";
};

struct DemoCounts {
    std::size_t customers = 0, orders = 0, lines = 0, returns = 0, referrals = 0, opt_outs = 0;
    std::size_t buyers = 0;  // customers with at least one order
    std::size_t products = 0;
    std::size_t interactions = 0;  // all kinds; by kind:
    std::size_t visits = 0, searches = 0, signups = 0, email_opens = 0, clicks = 0;
};

// Throws std::runtime_error naming the first invalid option: a date that is not YYYY-MM-DD, a
// window that ends before it starts, orders_per_customer outside [1, 1000], more than 100 million
// customers.
void check_demo_options(const DemoOptions& opts);

// Generates the data described by opts and hands every row to sink, in the order that
// demo_sink.h describes. Throws std::runtime_error for invalid options, before any row.
DemoCounts generate_demo(const DemoOptions& opts, DemoSink& sink);

// Creates (replacing any existing file) a SQLite database at db_path holding the demo host
// schema, filled from opts. Throws std::runtime_error with a clear message on failure: invalid
// options leave an existing file untouched; a failure while writing leaves no file behind.
DemoCounts write_sqlite_demo(const std::string& db_path, const DemoOptions& opts);

// The `source.queries` block of an engine config (YAML text, indented for use under `source:`,
// i.e. starting with "  queries:\n") that maps the demo schema onto the canonical tables of
// ADAPTERS.md: customers, orders, order_lines, referrals, opt_outs, interactions.
std::string demo_generic_queries_yaml();

}  // namespace custclass::datagen
