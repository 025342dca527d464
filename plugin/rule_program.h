// The compiled form of a rule set: every expression becomes a tree of vector operators bound
// to feature columns at compile time, evaluated over blocks of rows (a column at a time, with no
// per-customer name lookups). Scores are evaluated first, in dependency order, and become
// feature columns; then each classification assigns its segments. The same compiled nodes,
// run on a block of one row, give the explanation of a single customer.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "feature_table.h"
#include "rule_set.h"

namespace custclass::plugin {

class VecNode;

// The segments of every customer for one classification.
struct ClassificationResult {
    // first_match: the segment index per row, -1 when unclassified.
    std::vector<std::int32_t> segment;
    // all_matches: membership per segment, matches[s][row].
    std::vector<std::vector<std::uint8_t>> matches;
    std::vector<std::uint64_t> counts;  // customers per segment
    std::uint64_t unclassified = 0;
    // Customers for whom each segment's rule holds, whatever an earlier segment took: filled
    // only when run() is asked to count every rule (the rule review, what-if).
    std::vector<std::uint64_t> matched;
};

class RuleProgram {
public:
    // Compiles the rule set against the table's columns. Adds the score columns to `table`
    // when run. `as_of` is needed by days_since().
    RuleProgram(const config::RuleSet& rules, Day as_of);
    ~RuleProgram();
    RuleProgram(const RuleProgram&) = delete;
    RuleProgram& operator=(const RuleProgram&) = delete;

    // Computes the scores into `table` and the segments of every row. With `count_every_rule`,
    // every segment rule is evaluated on every row (not only until a segment holds) to fill
    // ClassificationResult::matched. The rows are split over `threads` threads (parallel_rows.h);
    // the results are the same on any number.
    std::vector<ClassificationResult> run(FeatureTable& table, bool count_every_rule = false,
                                          unsigned threads = 1);

    // Whether a condition of the rule set (an offer's, say) holds, per row of `table` (scores
    // computed into it): 1 holds, 0 not.
    std::vector<std::uint8_t> evaluate(const config::Condition& condition, const FeatureTable& table) const;

    // The explanation of one row (scores must have been computed into `table`).
    nlohmann::ordered_json explain(const FeatureTable& table, std::size_t row) const;

private:
    struct Compiled;
    std::unique_ptr<VecNode> compile_condition(const config::Condition& c,
                                               const FeatureTable& table) const;
    const config::RuleSet& rules_;
    Day as_of_;
};

// The points of one score, point by point, for many rows of a table whose scores are computed:
// each condition is evaluated once over the whole table (a lead list of every customer costs one
// pass per point, not one compilation per row). The same document as RuleProgram::explain's
// `scores.<id>.points`.
class ScorePointsExplainer {
public:
    ScorePointsExplainer(const RuleProgram& program, const config::Score& score, const FeatureTable& table);
    nlohmann::ordered_json points(std::size_t row) const;

private:
    const config::Score& score_;
    const FeatureTable& table_;
    std::vector<std::vector<std::uint8_t>> held_;  // per condition point, per row
};

// Calls `fn(classification, segment)` for each assignment of one row of a run's results: one per
// first-match classification (no segment: unclassified), one per matched segment of an
// all-matches classification (one without a segment when none matched).
template <typename Fn>
void for_each_assignment(const config::RuleSet& rules, const std::vector<ClassificationResult>& results,
                         std::size_t row, Fn&& fn) {
    for (std::size_t c = 0; c < rules.classifications.size(); ++c) {
        const auto& cls = rules.classifications[c];
        const ClassificationResult& res = results[c];
        if (cls.mode == config::ClassificationMode::FirstMatch) {
            const std::int32_t s = res.segment[row];
            fn(cls.id, s < 0 ? std::nullopt
                             : std::optional<std::string_view>(
                                   cls.segments[static_cast<std::size_t>(s)].id));
            continue;
        }
        bool any = false;
        for (std::size_t s = 0; s < cls.segments.size(); ++s)
            if (res.matches[s][row]) {
                fn(cls.id, std::optional<std::string_view>(cls.segments[s].id));
                any = true;
            }
        if (!any) fn(cls.id, std::nullopt);
    }
}

}  // namespace custclass::plugin
