// The feature families and the catalog that rule validation reads agree: every catalog feature
// and parametrised function is computed by exactly one family, from a table the family reads.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "feature_catalog.h"
#include "feature_family.h"

namespace custclass::plugin {
namespace {

using config::CanonicalTable;

// The family computing each feature or function, and how many claim it.
template <class Names>
std::map<std::string, std::vector<const FeatureFamily*>> claims(Names&& names_of) {
    std::map<std::string, std::vector<const FeatureFamily*>> out;
    for (const auto& family : feature_families())
        for (const auto name : names_of(*family)) out[std::string(name)].push_back(family.get());
    return out;
}

bool reads(const FeatureFamily& family, CanonicalTable table) {
    if (table == CanonicalTable::Customers || table == CanonicalTable::Orders) return true;
    const auto tables = family.tables();
    return std::find(tables.begin(), tables.end(), table) != tables.end();
}

TEST(FeatureFamilies, EveryCatalogFeatureHasExactlyOneFamilyReadingItsTable) {
    const auto by_feature = claims([](const FeatureFamily& f) { return f.features(); });
    for (const auto& info : config::feature_catalog()) {
        const auto it = by_feature.find(info.name);
        ASSERT_NE(it, by_feature.end()) << info.name << " is in the catalog but no family computes it";
        ASSERT_EQ(it->second.size(), 1u) << info.name << " is computed by more than one family";
        EXPECT_TRUE(reads(*it->second[0], info.table))
            << info.name << ": family `" << it->second[0]->name() << "` does not read table `"
            << config::table_name(info.table) << "`";
    }
    for (const auto& [name, families] : by_feature)
        EXPECT_NE(config::find_feature(name), nullptr) << "family `" << families[0]->name() << "` computes `"
                                                       << name << "`, which the catalog does not list";
}

TEST(FeatureFamilies, EveryParametrisedFunctionHasExactlyOneFamily) {
    const auto by_function = claims([](const FeatureFamily& f) { return f.functions(); });
    for (const auto& p : config::parametrised_features()) {
        const auto it = by_function.find(p.function);
        ASSERT_NE(it, by_function.end()) << p.function << " has no family";
        ASSERT_EQ(it->second.size(), 1u) << p.function << " has more than one family";
        EXPECT_TRUE(reads(*it->second[0], p.table)) << p.function;
    }
    EXPECT_EQ(by_function.size(), config::parametrised_features().size());
}

TEST(FeatureFamilies, NamesAreUnique) {
    std::vector<std::string_view> names;
    for (const auto& family : feature_families()) names.push_back(family->name());
    std::sort(names.begin(), names.end());
    EXPECT_EQ(std::adjacent_find(names.begin(), names.end()), names.end());
}

TEST(FeatureCall, NamesAndReadsBackAParametrisedFeature) {
    const config::FeatureCall share{"share", "Skin care: face"};
    EXPECT_EQ(share.name(), "share:Skin care: face");
    const auto back = config::FeatureCall::of(share.name());
    ASSERT_TRUE(back);
    EXPECT_EQ(back->function, "share");
    EXPECT_EQ(back->argument, "Skin care: face");  // the first colon separates
    EXPECT_EQ(back->definition()->table, CanonicalTable::OrderLines);
    EXPECT_FALSE(config::FeatureCall::of("recency_days"));
    EXPECT_FALSE(config::FeatureCall::of("nosuch:x"));  // not a parametrised function
    EXPECT_FALSE(config::FeatureCall::of("attr.a:b"));
    const auto empty = config::FeatureCall::of("channel_share:");
    ASSERT_TRUE(empty);
    EXPECT_EQ(empty->argument, "");
}

}  // namespace
}  // namespace custclass::plugin
