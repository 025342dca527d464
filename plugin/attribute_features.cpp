// The attribute family: `attr.<name>`, the extra customer columns a rule set declares, typed as
// it declares them; text masked under a privacy policy (PRIVACY.md check 9).
#include <algorithm>

#include "feature_family.h"
#include "value_parsing.h"

namespace custclass::plugin {

namespace {

class AttributeFeatures final : public FeatureFamily {
public:
    std::string_view name() const override { return "attributes"; }
    std::vector<std::string_view> features() const override { return {}; }
    bool wanted(const FeatureInputs& in) const override { return !in.customers.attributes.empty(); }

    void build(const FeatureInputs& in, FeatureTable& table, FeatureBuildReport&) const override {
        const auto names = attribute_names(in.options);
        for (std::size_t k = 0; k < names.size() && k < in.customers.attributes.size(); ++k) {
            const std::string name = "attr." + names[k];
            const auto& values = in.customers.attributes[k];
            const auto decl = std::find_if(in.options.attributes.begin(), in.options.attributes.end(),
                                           [&](const auto& a) { return a.name == names[k]; });
            if (decl->type == ValueType::Number) {
                Column& col = table.add(name, ValueType::Number);
                for (std::size_t r = 0; r < in.rows.size(); ++r) {
                    const auto& v = values[in.rows[r]];
                    if (!v || v->empty()) continue;
                    const auto x = adapters::parse_number(*v);
                    if (!x)
                        throw adapters::DataError("table `customers`, key `" + table.customer_ids()[r] +
                                                  "`, column `attr_" + names[k] + "`: `" + *v +
                                                  "` is not a number (the rule set declares it a number)");
                    col.numbers[r] = *x;
                }
            } else {
                Column& col = table.add(name, ValueType::Text);
                for (std::size_t r = 0; r < in.rows.size(); ++r) {
                    const auto& v = values[in.rows[r]];
                    if (const auto t = in.free_text(v ? &*v : nullptr)) col.codes[r] = col.intern(*t);
                }
            }
        }
    }
};

}  // namespace

std::vector<std::string> attribute_names(const FeatureBuildOptions& options) {
    std::vector<std::string> names;
    for (const auto& a : options.attributes)
        if (std::find(options.features.begin(), options.features.end(), "attr." + a.name) != options.features.end())
            names.push_back(a.name);
    return names;
}

std::unique_ptr<const FeatureFamily> attribute_features() { return std::make_unique<AttributeFeatures>(); }

}  // namespace custclass::plugin
