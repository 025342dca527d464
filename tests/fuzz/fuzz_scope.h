// What the fuzz targets resolve identifiers against: every feature of the catalog, any
// parametrised feature (`channel_share('web')`), and one score `engagement` with its tier — the
// scope config/rule_set.cpp gives to a rule set that declares that score. Kept beside the fuzz
// targets rather than reused from rule_set.cpp, which keeps its scope private.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "expression.h"
#include "feature_catalog.h"

namespace custclass::fuzz {

inline constexpr std::string_view kScore = "engagement";
inline constexpr std::string_view kScoreTier = "engagement_tier";

inline config::ExprScope catalog_scope() {
    using config::ValueType;
    config::ExprScope scope;
    scope.feature_type = [](std::string_view name) -> std::optional<ValueType> {
        if (const config::FeatureInfo* f = config::find_feature(name)) return f->type;
        if (name == kScore) return ValueType::Number;
        if (name == kScoreTier) return ValueType::Text;
        const auto colon = name.find(':');
        if (colon != std::string_view::npos)
            for (const auto& p : config::parametrised_features())
                if (name.substr(0, colon) == p.function) return ValueType::Number;
        return std::nullopt;
    };
    scope.feature_names = [] {
        auto names = config::feature_names();
        names.emplace_back(kScore);
        names.emplace_back(kScoreTier);
        return names;
    };
    scope.is_score = [](std::string_view id) { return id == kScore; };
    return scope;
}

// A broken invariant: print it with the input and abort, so that libFuzzer keeps the input.
[[noreturn]] inline void broken(const char* what, std::string_view input) {
    std::fprintf(stderr, "\n*** invariant broken: %s\n*** input: %.*s\n", what,
                 static_cast<int>(input.size()), input.data());
    std::abort();
}

}  // namespace custclass::fuzz
