// The human form of a run summary (run_summary.schema.json): what `custclass run` and
// `custclass demo` print. `--json` prints the document itself instead.
#pragma once

#include <ostream>

#include <nlohmann/json.hpp>

namespace custclass::host {

// Prints run id, date, rule set and customers; per classification its segments with count and
// share of customers, and the unclassified; score tiers; exclusions and data-quality rejections
// by reason; the duration. Members the document lacks are left out, so a newer plugin's
// document prints as well as it can.
void print_run_summary(std::ostream& out, const nlohmann::ordered_json& summary);

// The summary text the plugin returned, as `run` and `feed` print it: indented JSON with
// `json`, else the table above.
void print_run_summary_text(std::ostream& out, const char* summary_json, bool json);

}  // namespace custclass::host
