// The consent family: marketing_consent as the host records it, and opted_out: the customer's
// own flag, or an opt-out recorded by id, e-mail or phone (RULES.md section 4). The builder
// matches each customer against the opt-out list as it reads the customers (CustomerColumns),
// so that no e-mail address or phone number is kept for it.
#include "feature_family.h"

namespace custclass::plugin {

namespace {

std::optional<bool> flag_of(std::uint8_t v) {
    return v == kNullBool ? std::nullopt : std::optional<bool>(v == 1);
}

class ConsentFeatures final : public FeatureFamily {
public:
    std::string_view name() const override { return "consent"; }
    std::vector<std::string_view> features() const override { return {"marketing_consent", "opted_out"}; }
    std::vector<config::CanonicalTable> tables() const override { return {config::CanonicalTable::OptOuts}; }
    // The opt-outs were read by the builder, before the customers.
    bool reads_source(const FeatureInputs&) const override { return false; }

    void build(const FeatureInputs& in, FeatureTable& table, FeatureBuildReport&) const override {
        in.flag(table, "marketing_consent", [&](std::uint32_t i) { return flag_of(in.customers.marketing_consent[i]); });
        in.flag(table, "opted_out", [&](std::uint32_t i) { return flag_of(in.customers.opted_out[i]); });
    }
};

}  // namespace

std::unique_ptr<const FeatureFamily> consent_features() { return std::make_unique<ConsentFeatures>(); }

}  // namespace custclass::plugin
