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

namespace {

// PRIVACY.md check 9: `text` with the personal identifiers in it masked. The scanner only runs
// when the text holds an ASCII digit or an "@": every identifier it reports contains one (an
// HKID has six digits, a phone number eight, an e-mail address its "@"; the scanner matches
// ASCII characters only, so a full-width digit or at sign is never part of a match), so a text
// without either is returned unchanged exactly as the scanner would return it, and the common
// case (a district, a gender, a keyword) costs one pass over its bytes.
std::string mask_free_text(std::string_view text) {
    const bool may_hold_identifier = std::any_of(text.begin(), text.end(), [](char c) {
        return (c >= '0' && c <= '9') || c == '@';
    });
    return may_hold_identifier ? mask_personal_identifiers(text) : std::string(text);
}

}  // namespace

std::optional<std::string> FeatureInputs::free_text(const std::string* value) const {
    if (!value) return std::nullopt;
    return options.mask_identifiers ? mask_free_text(*value) : *value;
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
