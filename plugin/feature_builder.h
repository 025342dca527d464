// Builds the feature table of a run from a source: reads the customers and their orders once,
// aggregates per customer (exact money in minor units, days in the rule set's time zone,
// nothing after as_of), applies the existence rule, then derives every requested feature
// exactly as RULES.md section 4 defines it.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "civil_time.h"
#include "feature_table.h"
#include "population_cuts.h"
#include "rule_set.h"
#include "source.h"

namespace custclass::plugin {

struct FeatureBuildOptions {
    Day as_of = 0;
    std::int64_t window_days = 365;
    std::string time_zone = "Asia/Hong_Kong";
    int currency_decimals = 2;
    // Catalog features to compute (score features are added by the rule program), including
    // `attr.<name>` and `enrich.<table>.<column>` features.
    std::vector<std::string> features;
    // The declarations behind `attr.*` and `enrich.*`.
    std::vector<config::AttributeDecl> attributes;
    std::vector<config::EnrichmentDecl> enrichments;
    // Place the customers among the customers of an earlier run (the hooks, which read a few
    // customers) instead of among those read: r/f/m scores, rfm and pareto_class. nullptr
    // (a full run): among the customers read.
    const PopulationCuts* population = nullptr;
    // PRIVACY.md check 8: customers with no activity (no order, and not created) in the
    // `retention_days` days up to as_of are left out and listed in the report. 0: nobody is.
    std::int64_t retention_days = 0;
    // PRIVACY.md check 9: HKID numbers, phone numbers and e-mail addresses found in the free
    // text of the customers (interests, text attributes, lead source, district) are masked
    // (personal_identifiers.h) before any feature, rule or output sees them.
    bool mask_identifiers = false;
    // Threads computing the number and flag columns (parallel_rows.h); the same values on any
    // number.
    unsigned threads = 1;
    // Work out the table's rows in the order of the result store's key (id_order.h) into
    // FeatureBuildReport::id_order, for a run that writes its results: with 2 threads or more on
    // a thread of its own while the features are computed.
    bool id_order = false;
    // Called once when the builder reads the source no more (before the families that do not
    // read it), so that the caller may read another table meanwhile, on a thread of its own.
    std::function<void()> source_free;
    // Called once the customers are read while a source that reads the orders beside them
    // (Source::total_orders_ahead) still does, and only then: the caller may read another table
    // of the source meanwhile, on the calling thread, in the time it would wait for the orders.
    std::function<void()> beside_orders;
    // Called between batches; may throw to cancel.
    std::function<void(const char* phase, std::uint64_t done)> progress;
};

struct FeatureBuildReport {
    std::uint64_t customers_read = 0;
    std::map<std::string, std::uint64_t> excluded;      // customers left out, by reason
    std::map<std::string, std::uint64_t> data_quality;  // rows not used, by reason
    PopulationCuts population;  // the cut points of the customers read (a full run's)
    // Customers left out by retention (check 8), for the host to erase; also counted in
    // excluded["retention"].
    std::vector<std::string> retention_due;
    // The fits of the predicted-value models (POTENTIAL.md item 11) when a full run computed
    // p_alive, expected_purchases_90d or clv_90d: parameters and diagnostics, for the run summary.
    nlohmann::ordered_json lifetime_value = nlohmann::ordered_json::object();
    // With FeatureBuildOptions::id_order: rows_in_id_order of the table's ids.
    std::optional<std::vector<std::uint32_t>> id_order;
};

FeatureTable build_features(adapters::Source& source, const FeatureBuildOptions& options,
                            FeatureBuildReport& report);

}  // namespace custclass::plugin
