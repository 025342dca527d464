// The segments of every customer in one run, as the analyses of a run read them (customer files,
// comparisons, the rule review): from a run the engine just computed, or read back from the
// result store. Classifications and segments are named by the current rule set where it has them
// (labels, order); a stored run may hold others, which come after in name order.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "civil_time.h"
#include "result_store.h"
#include "rule_program.h"
#include "rule_set.h"

namespace custclass::plugin {

struct SegmentName {
    std::string id;
    std::string label;
    std::string description;
    bool direct_marketing = false;
};

struct ClassificationAssignments {
    std::string id;
    std::string label;
    bool all_matches = false;
    std::vector<SegmentName> segments;
    // Per customer (the run's customer order) and segment, as the rule program gives them.
    ClassificationResult result;

    // Whether customer row r is in segment s.
    bool member(std::size_t r, std::size_t s) const {
        return all_matches ? result.matches[s][r] != 0
                           : result.segment[r] == static_cast<std::int32_t>(s);
    }
    std::optional<std::size_t> segment_index(std::string_view segment_id) const;
};

class RunAssignments {
public:
    std::string run_id;
    config::Day as_of = 0;
    std::vector<std::string> customer_ids;
    std::vector<ClassificationAssignments> classifications;

    // The assignments the engine computed for `customer_ids` under `rules`.
    static RunAssignments computed(std::string run_id, config::Day as_of,
                                   std::vector<std::string> customer_ids,
                                   const config::RuleSet& rules,
                                   std::vector<ClassificationResult> results);
    // The assignments of a stored run.
    static RunAssignments stored(adapters::ResultStore& store, const adapters::RunRecord& run,
                                 const config::RuleSet& rules);

    std::optional<std::size_t> row_of(std::string_view customer_id) const;
    const ClassificationAssignments* find(std::string_view classification_id) const;

private:
    void index();
    std::unordered_map<std::string_view, std::size_t> rows_;
};

}  // namespace custclass::plugin
