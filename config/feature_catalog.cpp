#include "feature_catalog.h"

#include <algorithm>

namespace custclass::config {

std::string_view type_name(ValueType type) {
    switch (type) {
        case ValueType::Number: return "number";
        case ValueType::Text: return "text";
        case ValueType::Boolean: return "boolean";
        case ValueType::Date: return "date";
        case ValueType::TextList: return "list of text";
        case ValueType::Null: return "null";
    }
    return "?";
}

const std::vector<CanonicalTable>& all_canonical_tables() {
    static const std::vector<CanonicalTable> tables = {
        CanonicalTable::Customers, CanonicalTable::Orders,  CanonicalTable::OrderLines,
        CanonicalTable::Referrals, CanonicalTable::OptOuts, CanonicalTable::Interactions};
    return tables;
}

std::vector<std::string> canonical_table_names() {
    std::vector<std::string> names;
    for (const auto t : all_canonical_tables()) names.emplace_back(table_name(t));
    return names;
}

std::optional<CanonicalTable> canonical_table(std::string_view name) {
    for (const auto t : all_canonical_tables())
        if (table_name(t) == name) return t;
    return std::nullopt;
}

std::string_view table_name(CanonicalTable table) {
    switch (table) {
        case CanonicalTable::Customers: return "customers";
        case CanonicalTable::Orders: return "orders";
        case CanonicalTable::OrderLines: return "order_lines";
        case CanonicalTable::Referrals: return "referrals";
        case CanonicalTable::OptOuts: return "opt_outs";
        case CanonicalTable::Interactions: return "interactions";
    }
    return "?";
}

const std::vector<FeatureInfo>& feature_catalog() {
    using T = ValueType;
    using C = CanonicalTable;
    static const std::vector<FeatureInfo> catalog = {
        {"recency_days", T::Number, C::Orders},
        {"frequency", T::Number, C::Orders},
        {"monetary", T::Number, C::Orders},
        {"avg_order_value", T::Number, C::Orders},
        {"tenure_days", T::Number, C::Orders},
        {"orders_total", T::Number, C::Orders},
        {"returns_rate", T::Number, C::Orders},
        {"r_score", T::Number, C::Orders},
        {"f_score", T::Number, C::Orders},
        {"m_score", T::Number, C::Orders},
        {"rfm", T::Text, C::Orders},
        {"top_category", T::Text, C::OrderLines},
        {"pareto_class", T::Text, C::Orders},
        {"p_alive", T::Number, C::Orders},
        {"expected_purchases_90d", T::Number, C::Orders},
        {"clv_90d", T::Number, C::Orders},
        {"age", T::Number, C::Customers, true},
        {"age_band", T::Text, C::Customers, true},
        {"gender", T::Text, C::Customers, true},
        {"district", T::Text, C::Customers},
        {"income_band", T::Text, C::Customers, true},
        {"lead_source", T::Text, C::Customers},
        {"interests", T::TextList, C::Customers},
        {"signup_days", T::Number, C::Customers},
        {"is_prospect", T::Boolean, C::Customers},
        {"marketing_consent", T::Boolean, C::Customers},
        {"opted_out", T::Boolean, C::Customers},
        {"referrals", T::Number, C::Referrals},
        {"referral_revenue", T::Number, C::Referrals},
    };
    return catalog;
}

std::vector<std::string> policy_fields_of(std::string_view feature) {
    if (feature.starts_with("attr.")) return {"attr_" + std::string(feature.substr(5))};
    if (const auto call = FeatureCall::of(feature)) {
        if (call->function == "share") return {"order_lines", "orders"};
        if (call->function == "channel_share") return {"orders"};
        if (call->function == "interactions") return {"interactions"};
    }
    if (feature == "top_category") return {"order_lines", "orders"};
    if (feature == "age" || feature == "age_band") return {"birth_date"};
    if (feature == "gender" || feature == "district" || feature == "income_band" ||
        feature == "lead_source" || feature == "interests" || feature == "marketing_consent")
        return {std::string(feature)};
    if (feature == "signup_days") return {"created_at"};
    if (feature == "is_prospect") return {"is_prospect", "orders"};
    if (feature == "opted_out") return {"opted_out", "opt_outs"};
    if (feature == "referrals" || feature == "referral_revenue") return {"referrals", "orders"};
    if (const FeatureInfo* f = find_feature(feature); f && f->table == CanonicalTable::Orders)
        return {"orders"};
    return {};
}

const FeatureInfo* find_feature(std::string_view name) {
    const auto& catalog = feature_catalog();
    const auto it = std::find_if(catalog.begin(), catalog.end(),
                                 [&](const FeatureInfo& f) { return f.name == name; });
    return it == catalog.end() ? nullptr : &*it;
}

std::vector<std::string> feature_names() {
    std::vector<std::string> names;
    for (const auto& f : feature_catalog()) names.push_back(f.name);
    return names;
}

const std::vector<ParametrisedFeature>& parametrised_features() {
    static const std::vector<ParametrisedFeature> list = {
        {"share", CanonicalTable::OrderLines},
        {"channel_share", CanonicalTable::Orders},
        // The weighed counts of interaction points (rule_set.h InteractionPoint); not a function
        // of the expression language.
        {"interactions", CanonicalTable::Interactions},
    };
    return list;
}

std::optional<FeatureCall> FeatureCall::of(std::string_view feature) {
    const auto colon = feature.find(':');
    if (colon == std::string_view::npos) return std::nullopt;
    FeatureCall call{std::string(feature.substr(0, colon)), std::string(feature.substr(colon + 1))};
    if (!call.definition()) return std::nullopt;
    return call;
}

const ParametrisedFeature* FeatureCall::definition() const {
    for (const auto& p : parametrised_features())
        if (p.function == function) return &p;
    return nullptr;
}

}  // namespace custclass::config
