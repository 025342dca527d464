// What the members of each segment buy, for the customer files (RULES.md section 5): purchases
// by weekday and hour, channels, categories and products, with how many distinct customers of the
// segment each one counts (so that small cells can be suppressed). Read from the source's orders
// and order lines once, over the run's window: purchases (amount > 0) on days in
// (as_of − window_days, as_of], each at its local time in the rule set's zone.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "run_assignments.h"
#include "source.h"

namespace custclass::plugin {

// One value of a segment's purchases: how much (minor units), how often, by how many customers.
struct PurchaseTally {
    std::int64_t amount = 0;
    std::uint64_t purchases = 0;  // purchases (orders) or lines
    std::uint64_t buyers = 0;     // distinct customers
};

struct SegmentPurchases {
    std::array<PurchaseTally, 7> by_weekday{};  // Monday first
    std::array<PurchaseTally, 24> by_hour{};
    std::map<std::string, PurchaseTally> channels;
    std::map<std::string, PurchaseTally> categories;  // lower-cased, as top_category is
    std::map<std::string, PurchaseTally> products;
    std::int64_t line_amount = 0;  // all line amount of the segment's purchases
};

struct PurchasePatterns {
    // [classification][segment], as in the run's assignments.
    std::vector<std::vector<SegmentPurchases>> segments;
    // The whole population of the run, for lift.
    SegmentPurchases population;
    bool has_lines = false;
};

struct PurchaseWindow {
    config::Day as_of = 0;
    std::int64_t window_days = 365;
    std::string time_zone;
};

PurchasePatterns read_purchase_patterns(adapters::Source& source, const RunAssignments& run,
                                        const PurchaseWindow& window);

}  // namespace custclass::plugin
