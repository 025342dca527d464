// The human form of a comparison document (comparison.schema.json): what `custclass compare`
// and `custclass whatif` print. Suppressed cells (fewer than k customers) print as `<k`.
#pragma once

#include <ostream>
#include <string>

#include <nlohmann/json.hpp>

namespace custclass::host {

// A count of a document, `<k` where it was suppressed (null).
std::string count_text(const nlohmann::ordered_json& value, std::int64_t k);
// A share 0..1 as a percentage with one decimal, "-" for null.
std::string percent_text(const nlohmann::ordered_json& value);

// Per classification: sizes before and after, PSI and its verdict, the migration matrix (or
// membership changes), new versus existing customers, feature shifts where present.
void print_comparison(std::ostream& out, const nlohmann::ordered_json& comparison,
                      const std::string& before_name, const std::string& after_name);

}  // namespace custclass::host
