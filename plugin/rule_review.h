// The review of a rule set on real data (RULES.md section 5): per segment, the customers whose
// rule holds (matched), those it takes (first-matched) and those an earlier segment took first
// (shadowed); segments never reached; the unclassified share; segments under k; stability
// against the previous run. Each finding carries a one-line suggestion for the consultant.
#pragma once

#include <optional>

#include <nlohmann/json.hpp>

#include "rule_program.h"
#include "rule_set.h"

namespace custclass::plugin {

struct ReviewRequest {
    std::int64_t k = 5;
    std::uint64_t customers = 0;
    // The unclassified share of a first-match classification above which it is a finding.
    double unclassified_warning = 0.05;
    // The comparison with the previous run (compare_runs' document), when there is one.
    const nlohmann::ordered_json* stability = nullptr;
};

// `results` must come from RuleProgram::run(table, /*count_every_rule=*/true).
nlohmann::ordered_json review_rules(const config::RuleSet& rules,
                                    const std::vector<ClassificationResult>& results,
                                    const ReviewRequest& request);

}  // namespace custclass::plugin
