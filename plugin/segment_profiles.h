// Customer files (RULES.md section 5): for every segment of a run, its size and shares of
// customers and revenue, statistics of every numeric feature (mean, median, p10, p90), the
// distribution of every text feature, the top categories with their lift, the top products, the
// preferred channel and the purchases by weekday and hour. Every group or cell of fewer than k
// customers (the privacy policy's small-cell threshold) is suppressed.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "feature_table.h"
#include "purchase_patterns.h"
#include "run_assignments.h"

namespace custclass::plugin {

struct ProfileRequest {
    std::int64_t k = 5;              // small-cell threshold
    int currency_decimals = 2;       // money in the patterns is in minor units
    std::size_t top = 10;            // how many values, categories and products to list
    std::vector<std::string> numeric_features;  // columns of the table, in this order
    std::vector<std::string> text_features;     // text and list-of-text columns
};

// Percentile p (0..1) of sorted values, interpolated linearly between the closest ranks (the
// default of R and NumPy). `sorted` must not be empty.
double percentile(const std::vector<double>& sorted, double p);

// The profiles document (schema profiles.schema.json, without the run and rule set members,
// which the engine adds). `table` holds the features as of the run date; customers of the run
// that it lacks (no longer in the host's data) count in sizes but not in statistics.
nlohmann::ordered_json segment_profiles(const RunAssignments& run, const FeatureTable& table,
                                        const PurchasePatterns& patterns,
                                        const ProfileRequest& request);

}  // namespace custclass::plugin
