// The Pareto family: pareto_class (RULES.md section 4), the customer's place in the 80/20
// ranking of monetary value, computed by the same pareto_focus as the focus list; or, for the
// hooks, against the cut points of the run they place the customers in.
#include "feature_family.h"
#include "pareto_focus.h"

namespace custclass::plugin {

namespace {

class ParetoFeatures final : public FeatureFamily {
public:
    std::string_view name() const override { return "pareto"; }
    std::vector<std::string_view> features() const override { return {"pareto_class"}; }

    void build(const FeatureInputs& in, FeatureTable& table, FeatureBuildReport& report) const override {
        const auto& ids = table.customer_ids();
        Column& col = table.add("pareto_class", ValueType::Text);
        auto monetary = [&](std::size_t r) { return in.orders[in.rows[r]].net_amount_window; };
        if (const PopulationCuts* cuts = in.options.population) {
            const ParetoCuts none;
            const ParetoCuts& pareto = cuts->pareto ? *cuts->pareto : none;
            for (std::size_t r = 0; r < in.rows.size(); ++r)
                if (monetary(r) > 0)
                    if (const auto cls = pareto.pareto_class(monetary(r), ids[r])) col.codes[r] = col.intern(*cls);
            return;
        }
        std::vector<ParetoCustomer> customers(in.rows.size());
        for (std::size_t r = 0; r < in.rows.size(); ++r)
            if (monetary(r) > 0) customers[r] = {ids[r], monetary(r)};
        const ParetoFocus focus = pareto_focus(customers);
        const std::int32_t codes[3] = {col.intern("A"), col.intern("B"), col.intern("C")};
        ParetoCuts& found = report.population.pareto.emplace();
        for (std::size_t k = 0; k < focus.order.size(); ++k) {
            const std::size_t r = focus.order[k];
            col.codes[r] = codes[focus.classes[k]];
            if (focus.classes[k] == 0) found.last_a = ParetoCuts::Key{monetary(r), ids[r]};
            if (focus.classes[k] == 1) found.last_b = ParetoCuts::Key{monetary(r), ids[r]};
        }
    }
};

}  // namespace

std::unique_ptr<const FeatureFamily> pareto_features() { return std::make_unique<ParetoFeatures>(); }

}  // namespace custclass::plugin
