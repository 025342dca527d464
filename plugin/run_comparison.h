// The comparison of two runs (RULES.md section 5): segment sizes before and after, the migration
// matrix, customers new since the earlier run next to existing ones, per-segment feature shifts,
// and the population stability index (PSI) of each classification with its drift verdict. Used
// for two stored runs (`compare`) and for the current rules against a candidate on the same data
// (`whatif`). Cells of fewer than k customers are suppressed (null).
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "feature_table.h"
#include "run_assignments.h"

namespace custclass::plugin {

// One side of a comparison: a run's assignments and, where known, its features.
struct ComparedRun {
    const RunAssignments* assignments = nullptr;
    const FeatureTable* features = nullptr;  // null: no feature shifts
};

struct ComparisonRequest {
    std::int64_t k = 5;
    std::vector<std::string> shift_features;  // numeric features whose segment means are compared
};

// PSI between two distributions given as counts over the same bins: Σ (q − p) ln(q / p) over the
// shares p (before) and q (after), a share of 0 taken as 0.0001 (the usual floor) so that a bin
// that appears or empties counts without dividing by zero.
double population_stability_index(const std::vector<std::uint64_t>& before,
                                  const std::vector<std::uint64_t>& after);
// < 0.1 stable, 0.1–0.25 moderate, > 0.25 major.
const char* drift_verdict(double psi);

nlohmann::ordered_json compare_runs(const ComparedRun& from, const ComparedRun& to,
                                    const ComparisonRequest& request);

}  // namespace custclass::plugin
