// The HTML report of a run (`custclass report --html FILE`), written for a shop manager rather
// than a consultant: one self-contained UTF-8 file with no script and nothing fetched from the
// network (the charts are inline SVG, the style is inline), readable on screen and printable. It
// renders documents the plugin already produces (run summary, customer files, comparison with the
// previous run, rule review) plus a privacy summary; groups of fewer than k customers never show.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace custclass::plugin {

struct ReportDocuments {
    const nlohmann::ordered_json* summary = nullptr;     // the run summary of the run (see sample run_summary.json)
    const nlohmann::ordered_json* profiles = nullptr;    // the customer files of the run (profiles.json)
    const nlohmann::ordered_json* comparison = nullptr;  // the run compared with the previous one (comparison.json); nullptr when there is no previous run
    const nlohmann::ordered_json* review = nullptr;      // the rule review (review.json)
    nlohmann::ordered_json privacy;                      // {"purpose": "...", "policy": "file name", "k": 5, "excluded": {reason: count}, "sensitive_features": ["age_band", ...]}
};

// The report as one HTML document (UTF-8). Throws std::invalid_argument if summary, profiles or review is null.
std::string html_report(const ReportDocuments& documents);

}  // namespace custclass::plugin
