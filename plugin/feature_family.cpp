#include "feature_family.h"

#include <algorithm>
#include <cmath>

#include "personal_identifiers.h"

namespace custclass::plugin {

bool FeatureInputs::wants(std::string_view feature) const {
    return std::find(options.features.begin(), options.features.end(), feature) != options.features.end();
}

std::vector<config::FeatureCall> FeatureInputs::calls(std::string_view function) const {
    std::vector<config::FeatureCall> out;
    for (const auto& f : options.features)
        if (auto call = config::FeatureCall::of(f); call && call->function == function) out.push_back(std::move(*call));
    return out;
}

double FeatureInputs::money(std::int64_t minor) const {
    return static_cast<double>(minor) / std::pow(10.0, options.currency_decimals);
}

std::optional<std::string> FeatureInputs::free_text(const std::string* value) const {
    if (!value) return std::nullopt;
    return options.mask_identifiers ? mask_personal_identifiers(*value) : *value;
}

void FeatureInputs::dictionary_text(FeatureTable& table, const std::string& name, const TextCodes& field) const {
    if (!wants(name)) return;
    Column& col = table.add(name, ValueType::Text);
    // Codes of the column by code of the field, interned in row order as the values come.
    constexpr std::int32_t unset = kNullCode - 1;
    std::vector<std::int32_t> code_of(field.values().size(), unset);
    for (std::size_t r = 0; r < rows.size(); ++r) {
        const std::int32_t c = field.code(rows[r]);
        if (c == kNullCode) continue;
        std::int32_t& mapped = code_of[static_cast<std::size_t>(c)];
        if (mapped == unset) mapped = col.intern(*free_text(&field.values()[static_cast<std::size_t>(c)]));
        col.codes[r] = mapped;
    }
}

bool FeatureFamily::wanted(const FeatureInputs& in) const {
    for (const auto f : features())
        if (in.wants(f)) return true;
    for (const auto fn : functions())
        if (!in.calls(fn).empty()) return true;
    return false;
}

const std::vector<std::unique_ptr<const FeatureFamily>>& feature_families() {
    static const auto families = [] {
        std::vector<std::unique_ptr<const FeatureFamily>> all;
        all.push_back(order_features());
        all.push_back(pareto_features());
        all.push_back(lifetime_value_features());
        all.push_back(category_features());
        all.push_back(referral_features());
        all.push_back(interaction_features());
        all.push_back(demographic_features());
        all.push_back(consent_features());
        all.push_back(attribute_features());
        all.push_back(enrichment_features());
        return all;
    }();
    return families;
}

}  // namespace custclass::plugin
