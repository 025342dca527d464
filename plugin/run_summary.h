// The run summary document (CLI.md, abi/schemas/run_summary.schema.json): what a full run
// returns to the host.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "feature_table.h"
#include "rule_program.h"
#include "rule_set.h"

namespace custclass::plugin {

struct RunSummary {
    std::string run_id;
    Day as_of = 0;
    bool dry_run = false;
    std::string ruleset_hash;
    std::uint64_t customers = 0;
    std::map<std::string, std::uint64_t> excluded;
    std::map<std::string, std::uint64_t> data_quality;
    std::int64_t duration_ms = 0;
    // What the privacy policy decided and found (null without a policy).
    nlohmann::ordered_json privacy;
};

nlohmann::ordered_json run_summary_document(const RunSummary& summary, const config::RuleSet& rules,
                                     const std::vector<ClassificationResult>& results,
                                     const FeatureTable& table);

}  // namespace custclass::plugin
