#include "run_summary.h"

namespace custclass::plugin {

nlohmann::ordered_json run_summary_document(const RunSummary& summary, const config::RuleSet& rules,
                                     const std::vector<ClassificationResult>& results,
                                     const FeatureTable& table) {
    nlohmann::ordered_json classifications = nlohmann::ordered_json::object();
    for (std::size_t c = 0; c < rules.classifications.size(); ++c) {
        const auto& cls = rules.classifications[c];
        nlohmann::ordered_json segments = nlohmann::ordered_json::object();
        for (std::size_t s = 0; s < cls.segments.size(); ++s)
            segments[cls.segments[s].id] = results[c].counts[s];
        classifications[cls.id] = {
            {"label", cls.label},
            {"mode", cls.mode == config::ClassificationMode::FirstMatch ? "first_match"
                                                                          : "all_matches"},
            {"segments", std::move(segments)},
            {"unclassified", results[c].unclassified}};
    }
    nlohmann::ordered_json scores = nlohmann::ordered_json::object();
    for (const auto& score : rules.scores) {
        nlohmann::ordered_json tiers = nlohmann::ordered_json::object();
        for (const auto& t : score.tiers) tiers[t.id] = 0;
        if (const Column* tier = table.find(score.id + "_tier"))
            for (std::size_t r = 0; r < table.rows(); ++r)
                if (tier->codes[r] != kNullCode) {
                    auto& count = tiers[tier->dictionary[static_cast<std::size_t>(tier->codes[r])]];
                    count = (count.is_null() ? 0 : count.get<std::uint64_t>()) + 1;
                }
        scores[score.id] = {{"tiers", std::move(tiers)}};
    }
    return {{"run_id", summary.run_id},
            {"status", "succeeded"},
            {"as_of", config::format_day(summary.as_of)},
            {"dry_run", summary.dry_run},
            {"ruleset",
             {{"name", rules.name}, {"version", rules.version}, {"hash", summary.ruleset_hash}}},
            {"customers", summary.customers},
            {"classifications", std::move(classifications)},
            {"scores", std::move(scores)},
            {"excluded", summary.excluded},
            {"data_quality", summary.data_quality},
            {"duration_ms", summary.duration_ms},
            {"privacy", summary.privacy}};
}

}  // namespace custclass::plugin
