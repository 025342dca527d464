// The rows of the demo host schema, as the generator hands them to a sink. A sink writes them to
// one database (demo_data.cpp holds the SQLite one; PostgreSQL and MariaDB sinks for the benchmark
// implement the same interface). Text fields are views into the generator's buffers, valid only
// during the call: a sink that keeps them must copy them. Money is in cents (HKD), timestamps are
// Hong Kong wall-clock time (calendar.h), an empty optional is SQL NULL.
//
// The order of calls: every district, category and product; then every customer in id order,
// each followed by the referral that brought it and its opt-out, if any (opt-outs of people who
// are not customers come among them); then every order in id order, which is the order of time,
// each followed by its lines; last, every interaction in id order, which is the order of time.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "calendar.h"

namespace custclass::datagen {

struct DistrictRow {
    std::int64_t id = 0;
    std::string_view name;
    std::string_view region;
};

struct CustomerRow {
    std::int64_t id = 0;
    std::string_view code;  // "C000001"
    std::string_view full_name;
    std::optional<std::string_view> gender;  // "F" or "M"
    std::optional<Day> birth_date;
    std::int64_t district_id = 0;
    std::optional<std::string_view> income_band;
    std::optional<std::string_view> email;
    std::optional<std::string_view> phone;  // "+852 9123 4567"
    LocalSeconds created_at = 0;
    std::string_view lead_source;  // store, website, referral, social, event
    bool is_lead = false;
    bool marketing_consent = false;
    std::optional<std::string_view> interests;  // "skincare,hiking"
};

struct ProductCategoryRow {
    std::int64_t id = 0;
    std::string_view name;
};

struct ProductRow {
    std::int64_t id = 0;
    std::string_view sku;
    std::string_view name;
    std::int64_t category_id = 0;
    std::int64_t price_cents = 0;
};

struct OrderRow {
    std::int64_t id = 0;
    std::int64_t customer_id = 0;
    LocalSeconds ordered_at = 0;
    std::string_view channel;                    // store, online, app
    std::optional<std::string_view> store_code;  // only for the store channel
    std::int64_t total_cents = 0;                // negative for a return
    std::string_view kind;                       // sale or return
};

struct OrderLineRow {
    std::int64_t id = 0;
    std::int64_t order_id = 0;
    std::int64_t product_id = 0;
    std::int64_t quantity = 0;  // negative on a return
    std::int64_t amount_cents = 0;
};

struct ReferralRow {
    std::int64_t referrer_id = 0;
    std::int64_t referee_id = 0;
    LocalSeconds referred_at = 0;
};

struct OptOutRow {
    std::optional<std::int64_t> customer_id;
    std::optional<std::string_view> email;
    std::optional<std::string_view> phone;
    LocalSeconds opted_out_at = 0;
};

// A customer's interaction with the shop outside a purchase: a web-shop visit, a search (with its
// search term), the sign-up form, an opened marketing e-mail, a click in one.
struct InteractionRow {
    std::int64_t id = 0;
    std::int64_t customer_id = 0;
    std::string_view kind;                    // visit, search, signup, email_open, click
    std::optional<std::string_view> keyword;  // the search term of a search, else none
    LocalSeconds at = 0;
};

class DemoSink {
  public:
    virtual ~DemoSink() = default;
    virtual void add(const DistrictRow& row) = 0;
    virtual void add(const ProductCategoryRow& row) = 0;
    virtual void add(const ProductRow& row) = 0;
    virtual void add(const CustomerRow& row) = 0;
    virtual void add(const ReferralRow& row) = 0;
    virtual void add(const OptOutRow& row) = 0;
    virtual void add(const OrderRow& row) = 0;
    virtual void add(const OrderLineRow& row) = 0;
    // Optional, for sinks written before the table existed: they leave the interactions out.
    virtual void add(const InteractionRow& row) { (void)row; }
};

}  // namespace custclass::datagen
