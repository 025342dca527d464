// The features rules may read (RULES.md section 4): their names, types and the canonical table
// each one needs. Validation checks every identifier of every expression against this catalog;
// the engine (plugin/feature_builder) computes exactly these.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace custclass::config {

enum class ValueType { Number, Text, Boolean, Date, TextList, Null };
std::string_view type_name(ValueType type);

// The canonical tables of ADAPTERS.md.
enum class CanonicalTable { Customers, Orders, OrderLines, Referrals, OptOuts, Interactions };
std::string_view table_name(CanonicalTable table);
// Every canonical table, in the order of the enum; and the table of a name.
const std::vector<CanonicalTable>& all_canonical_tables();
std::vector<std::string> canonical_table_names();
std::optional<CanonicalTable> canonical_table(std::string_view name);

struct FeatureInfo {
    std::string name;
    ValueType type;
    CanonicalTable table;  // the table it is computed from
    // Personal data of a sensitive category (PRIVACY.md check 4).
    bool sensitive = false;
};

// Every feature by name (not the score features, which a rule set declares).
const std::vector<FeatureInfo>& feature_catalog();
const FeatureInfo* find_feature(std::string_view name);
std::vector<std::string> feature_names();

// Parametrised features: `share(category)` and `channel_share(channel)`.
struct ParametrisedFeature {
    std::string function;
    CanonicalTable table;
};
const std::vector<ParametrisedFeature>& parametrised_features();

}  // namespace custclass::config
