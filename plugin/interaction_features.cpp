// The interaction family: the interaction points of scores (POTENTIAL.md item 2). Per point, the
// customer's interactions of its kind (and keyword) in the window, each weighed
// 0.5^(age / half-life) when the point decays.
#include <cmath>

#include "feature_family.h"
#include "keyword_targeting.h"

namespace custclass::plugin {

namespace {

class InteractionFeatures final : public FeatureFamily {
public:
    std::string_view name() const override { return "interactions"; }
    std::vector<std::string_view> features() const override { return {}; }
    std::vector<std::string_view> functions() const override { return {"interactions"}; }
    std::vector<config::CanonicalTable> tables() const override { return {config::CanonicalTable::Interactions}; }

    void build(const FeatureInputs& in, FeatureTable& table, FeatureBuildReport& report) const override {
        std::vector<std::pair<std::string, config::InteractionPoint>> points;
        for (const auto& f : in.options.features)
            if (auto point = config::InteractionPoint::of_feature(f)) points.emplace_back(f, *point);
        std::vector<std::vector<double>> weight(points.size(), std::vector<double>(in.customers.size(), 0.0));
        if (in.source.has_table(config::CanonicalTable::Interactions)) {
            std::uint64_t unknown = 0;
            in.source.read_interactions([&](adapters::InteractionBatch batch) {
                for (const adapters::InteractionRow& row : batch) {
                    const Day day = in.zone.day_of(row.at);
                    if (day > in.as_of || day <= in.window_start) continue;
                    const auto i = in.customer(row.customer_id);
                    if (!i) {
                        ++unknown;
                        continue;
                    }
                    for (std::size_t k = 0; k < points.size(); ++k) {
                        const config::InteractionPoint& p = points[k].second;
                        if (row.kind != p.kind) continue;
                        if (!p.keyword.empty() && !(row.keyword && keyword_matches(p.keyword, *row.keyword))) continue;
                        weight[k][*i] += p.half_life_days ? std::exp2(-double(in.as_of - day) / *p.half_life_days) : 1.0;
                    }
                }
            });
            if (unknown) report.data_quality["interactions_of_unknown_customer"] = unknown;
        }
        for (std::size_t k = 0; k < points.size(); ++k) {
            Column& col = table.add(points[k].first, ValueType::Number);
            for (std::size_t r = 0; r < in.rows.size(); ++r) col.numbers[r] = weight[k][in.rows[r]];
        }
    }
};

}  // namespace

std::unique_ptr<const FeatureFamily> interaction_features() { return std::make_unique<InteractionFeatures>(); }

}  // namespace custclass::plugin
