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

// The fields of the privacy policy (PRIVACY.md: canonical fields and tables, `attr_<name>`)
// that a feature reads, for purpose binding (check 1) and approvals (check 4): e.g. `age` reads
// birth_date, `frequency` the orders, `share:<c>` the order lines and orders, `attr.tier` the
// field attr_tier. An enrichment feature reads its key feature's fields (the caller resolves it);
// a score reads what its points read. The e-mail and phone numbers that `opted_out` compares
// with the opt-out list are a compliance use (s.35G), not a use for the rule's purpose.
std::vector<std::string> policy_fields_of(std::string_view feature);

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

// One use of a parametrised feature: `share('Skincare')` is {"share", "Skincare"}. Its name as a
// feature (the column of the feature table, what an expression reads) is "share:Skincare";
// of() reads such a name back, nullopt for a feature that is not a call of a parametrised
// function.
struct FeatureCall {
    std::string function;
    std::string argument;

    std::string name() const { return function + ":" + argument; }
    static std::optional<FeatureCall> of(std::string_view feature);
    // The entry of parametrised_features() it calls; nullptr for an unknown function.
    const ParametrisedFeature* definition() const;
};

}  // namespace custclass::config
