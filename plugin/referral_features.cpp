// The referral family: referrals, the customer's referees who made a purchase up to as_of,
// and referral_revenue, their monetary value (RULES.md section 4).
#include <set>

#include "feature_family.h"

namespace custclass::plugin {

namespace {

class ReferralFeatures final : public FeatureFamily {
public:
    std::string_view name() const override { return "referrals"; }
    std::vector<std::string_view> features() const override { return {"referrals", "referral_revenue"}; }
    std::vector<config::CanonicalTable> tables() const override { return {config::CanonicalTable::Referrals}; }

    void build(const FeatureInputs& in, FeatureTable& table, FeatureBuildReport& report) const override {
        std::vector<std::uint32_t> count(in.customers.size(), 0);
        std::vector<std::int64_t> revenue(in.customers.size(), 0);
        std::uint64_t unknown = 0;
        std::set<std::pair<std::uint32_t, std::uint32_t>> seen;
        in.source.read_referrals([&](adapters::ReferralBatch batch) {
            for (const adapters::ReferralRow& ref : batch) {
                const auto referrer = in.customer(ref.referrer_id);
                const auto referee = in.customer(ref.referee_id);
                if (!referrer || !referee) {
                    ++unknown;
                    continue;
                }
                if (ref.referred_at && in.zone.day_of(*ref.referred_at) > in.as_of) continue;
                if (in.retired[*referee]) continue;  // past retention: not processed
                if (!seen.emplace(*referrer, *referee).second) continue;
                const adapters::OrderTotals& a = in.orders[*referee];
                if (a.purchases_total == 0) continue;
                ++count[*referrer];
                revenue[*referrer] += a.net_amount_window;
            }
        });
        if (unknown) report.data_quality["referrals_of_unknown_customer"] = unknown;
        in.number(table, "referrals", [&](std::uint32_t i) { return double(count[i]); });
        in.number(table, "referral_revenue", [&](std::uint32_t i) { return in.money(revenue[i]); });
    }
};

}  // namespace

std::unique_ptr<const FeatureFamily> referral_features() { return std::make_unique<ReferralFeatures>(); }

}  // namespace custclass::plugin
