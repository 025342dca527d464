// The rows of the canonical tables (ADAPTERS.md) as every source delivers them, whatever the
// host: values already parsed (timestamps, exact money in minor units, booleans), identifiers as
// text. The engine (plugin/) aggregates these into features.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "civil_time.h"

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
};

struct OrderRow {
    std::string order_id;
    std::string customer_id;
    Timestamp ordered_at;
    std::int64_t amount = 0;  // in minor units of the currency; negative for returns
    std::optional<std::string> channel;
};

// Rows that a source read but could not attach to anything, counted rather than failed.
struct ReadCounts {
    std::uint64_t orders_without_customer = 0;  // customer_id null: guest purchases
};

using CustomerBatch = std::span<const CustomerRow>;
using OrderBatch = std::span<const OrderRow>;

}  // namespace custclass::adapters
