// The fairness check (PRIVACY.md check 14, a warning): per classification and protected
// attribute (gender, age band), the share of each group's customers that every segment holds, and
// the disparity between the group it favours most and the one it favours least. A disparity over
// the privacy policy's threshold is a finding. It runs on a run's feature table and results and
// writes fairness.schema.json; it reads nothing else.
//
// The small-cell rule (check 11) applies to the groups: a group of fewer than k customers takes no
// part in the comparison and is named as suppressed, never with its size. Customers whose
// attribute is null belong to no group.
#pragma once

#include <cstdint>
#include <vector>

#include <nlohmann/json.hpp>

#include "feature_table.h"
#include "rule_program.h"
#include "rule_set.h"

namespace custclass::plugin {

// The fairness document (abi/schemas/fairness.schema.json). `results` are RuleProgram::run's for
// `rules` on `table` (one per classification, one entry per row); `max_disparity` is the policy's
// fairness threshold (a disparity strictly above it is a finding) and `k` its small-cell threshold.
// An attribute the table holds no text column for is listed under not_checked. Throws
// std::invalid_argument when `results` do not match `rules` and `table`.
nlohmann::ordered_json fairness_check(const config::RuleSet& rules, const FeatureTable& table,
                                      const std::vector<ClassificationResult>& results,
                                      double max_disparity, std::int64_t k);

}  // namespace custclass::plugin
