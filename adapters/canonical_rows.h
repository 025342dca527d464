// The rows of the canonical tables (ADAPTERS.md) as every source delivers them, whatever the
// host: values already parsed (timestamps, exact money in minor units, booleans), identifiers as
// text. The engine (plugin/) aggregates these into features.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "civil_time.h"
#include "order_totals.h"

namespace custclass::adapters {

using config::Day;
using config::Timestamp;

struct CustomerRow {
    std::string customer_id;
    std::optional<Timestamp> created_at;
    std::optional<Day> birth_date;
    std::optional<std::string> gender;
    std::optional<std::string> district;
    std::optional<std::string> income_band;
    std::optional<std::string> email;
    std::optional<std::string> phone;
    std::optional<std::string> lead_source;
    std::optional<bool> is_prospect;
    std::optional<std::string> interests;  // comma-separated, as the host holds them
    std::optional<bool> marketing_consent;
    std::optional<bool> opted_out;
    // The classes of recipient the customer agreed in writing to have the data transferred to
    // for their own marketing (PDPO ss.35J-35M), comma-separated.
    std::optional<std::string> transfer_consent;
    // The values of the `attr_<name>` columns asked for, in the order asked.
    std::vector<std::optional<std::string>> attributes;
};

struct OrderRow {
    static constexpr std::uint32_t kNoRow = UINT32_MAX;

    std::string order_id;
    std::string customer_id;  // empty when customer_row names the customer
    // From Source::read_orders_of_customers_read only: the position of the order's customer
    // among the rows of the read of the customers before (kNoRow: customer_id names it).
    std::uint32_t customer_row = kNoRow;
    Timestamp ordered_at;
    std::int64_t amount = 0;  // in minor units of the currency; negative for returns
    std::optional<std::string> channel;
};

// An order line joined to its order: what the line features need.
struct OrderLineRow {
    std::string customer_id;
    Timestamp ordered_at;
    std::int64_t order_amount = 0;  // the order's amount, minor units
    std::string product_id;
    std::optional<std::string> category;
    std::int64_t amount = 0;  // the line's amount, minor units
};

struct ReferralRow {
    std::string referrer_id;
    std::string referee_id;
    std::optional<Timestamp> referred_at;
};

// One interaction of a customer or prospect with the host (ADAPTERS.md `interactions`): a visit,
// a search (with its search term in `keyword`), a sign-up, an e-mail opened, a click.
struct InteractionRow {
    std::string customer_id;
    std::string kind;  // lower-cased
    std::optional<std::string> keyword;
    Timestamp at;
};

// One opt-out: by customer id, by e-mail or by phone (whichever the host recorded).
struct OptOutRow {
    std::optional<std::string> customer_id;
    std::optional<std::string> email;
    std::optional<std::string> phone;
};

// The order totals of one customer as the database sums them (pushdown aggregation).
struct CustomerOrderTotals {
    std::string customer_id;                // normalised; empty for orders without a customer
    // From Source::total_orders_ahead only: the customer's position among the rows of the read
    // of the customers (kNoRow: customer_id names it).
    std::uint32_t customer_row = OrderRow::kNoRow;
    std::uint64_t orders_all = 0;           // every order row, after as_of included
    std::uint64_t orders_after_as_of = 0;
    OrderTotals totals;                     // the orders on or before as_of
    std::vector<std::uint32_t> channel_purchases;  // purchases in the window per asked channel
};

struct OrderTotalsRequest {
    Day as_of = 0;
    Day window_start = 0;  // exclusive
    std::string time_zone;
    std::vector<std::string> channels;  // lower-cased
};

// Rows that a source read but could not attach to anything, counted rather than failed.
struct ReadCounts {
    std::uint64_t orders_without_customer = 0;  // customer_id null: guest purchases
    // Orders naming their customer by a `customer_key` no customer has (ADAPTERS.md): the
    // source cannot say which customer they belong to, so they are counted here, not delivered.
    std::uint64_t orders_of_unknown_customer = 0;
};

using CustomerBatch = std::span<const CustomerRow>;
using OrderBatch = std::span<const OrderRow>;
using OrderTotalsBatch = std::span<const CustomerOrderTotals>;
using OrderLineBatch = std::span<const OrderLineRow>;
using ReferralBatch = std::span<const ReferralRow>;
using OptOutBatch = std::span<const OptOutRow>;
using InteractionBatch = std::span<const InteractionRow>;

}  // namespace custclass::adapters
