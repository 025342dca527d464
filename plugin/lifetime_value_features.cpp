// The predicted-value family (POTENTIAL.md item 11): p_alive and expected_purchases_90d from a
// BG/NBD model of the purchase history up to as_of, in days, and clv_90d with a Gamma-Gamma
// model of the spend in the window; fitted on the customers of a full run, or taken from the
// run whose cut points the hooks use.
#include <stdexcept>

#include "feature_family.h"
#include "lifetime_value.h"

namespace custclass::plugin {

namespace {

class LifetimeValueFeatures final : public FeatureFamily {
public:
    std::string_view name() const override { return "lifetime value"; }
    std::vector<std::string_view> features() const override {
        return {"p_alive", "expected_purchases_90d", "clv_90d"};
    }

    void build(const FeatureInputs& in, FeatureTable& table, FeatureBuildReport& report) const override {
        const auto& agg = in.orders;
        const std::size_t n = in.rows.size();
        const bool want_clv = in.wants("clv_90d");
        auto repeat = [&](std::uint32_t i) {
            const auto& a = agg[i];
            return RepeatSummary{double(a.purchases_total - 1), double(a.last_purchase - a.first_purchase),
                                 double(in.as_of - a.first_purchase)};
        };
        auto spend = [&](std::uint32_t i) {
            const auto& a = agg[i];
            return SpendSummary{double(a.purchases_window), in.money(a.purchase_amount_window) / a.purchases_window};
        };
        std::optional<BgNbdParameters> bg;
        std::optional<GammaGammaParameters> gg;
        if (const PopulationCuts* cuts = in.options.population) {
            if (cuts->lifetime_value) {
                bg = cuts->lifetime_value->bg_nbd;
                gg = cuts->lifetime_value->gamma_gamma;
            }
        } else {
            std::vector<RepeatSummary> histories;
            std::vector<SpendSummary> spends;
            for (const std::uint32_t i : in.rows) {
                if (agg[i].purchases_total >= 1) histories.push_back(repeat(i));
                if (agg[i].purchases_window >= 1 && agg[i].purchase_amount_window > 0) spends.push_back(spend(i));
            }
            LifetimeValueModels& models = report.population.lifetime_value.emplace();
            if (!histories.empty()) {
                const BgNbdFit fit = fit_bg_nbd(histories);
                report.lifetime_value["bg_nbd"] = {
                    {"customers", histories.size()},
                    {"r", fit.params.r}, {"alpha", fit.params.alpha}, {"a", fit.params.a}, {"b", fit.params.b},
                    {"log_likelihood", fit.log_likelihood}, {"evaluations", fit.iterations},
                    {"converged", fit.converged}, {"message", fit.message}};
                if (fit.converged) bg = models.bg_nbd = fit.params;
            } else {
                report.lifetime_value["bg_nbd"] = {{"customers", 0}, {"converged", false},
                                                   {"message", "no customer has a purchase"}};
            }
            if (want_clv) {
                if (!spends.empty()) {
                    const GammaGammaFit fit = fit_gamma_gamma(spends);
                    report.lifetime_value["gamma_gamma"] = {
                        {"customers", spends.size()},
                        {"p", fit.params.p}, {"q", fit.params.q}, {"v", fit.params.v},
                        {"log_likelihood", fit.log_likelihood}, {"evaluations", fit.iterations},
                        {"converged", fit.converged}, {"message", fit.message}};
                    if (fit.converged) gg = models.gamma_gamma = fit.params;
                } else {
                    report.lifetime_value["gamma_gamma"] = {{"customers", 0}, {"converged", false},
                                                            {"message", "no customer has a purchase in the window"}};
                }
            }
        }
        std::vector<double> expected(n, kNullNumber);
        // bg_nbd_expected_purchases throws std::domain_error where it cannot sum its series at
        // the parameters (lifetime_value.h; e.g. a fit with very large a and b, when hardly any
        // customer drops out). The model then gives no predictions, as a fit that did not
        // converge: the three features are null, a full run says why and stores no parameters
        // for the hooks; the run itself goes on.
        if (bg) {
            try {
                for (std::size_t r = 0; r < n; ++r)
                    if (agg[in.rows[r]].purchases_total >= 1)
                        expected[r] = bg_nbd_expected_purchases(*bg, repeat(in.rows[r]), 90.0);
            } catch (const std::domain_error& e) {
                bg.reset();
                std::fill(expected.begin(), expected.end(), kNullNumber);
                if (!in.options.population) {
                    report.population.lifetime_value->bg_nbd.reset();
                    auto& fitted = report.lifetime_value["bg_nbd"];
                    fitted["converged"] = false;
                    fitted["message"] = fitted["message"].get<std::string>() + "; no predictions: " + e.what();
                }
            }
        }
        in.number(table, "p_alive", [&](std::uint32_t i) {
            return bg && agg[i].purchases_total >= 1 ? bg_nbd_p_alive(*bg, repeat(i)) : kNullNumber;
        });
        if (in.wants("expected_purchases_90d")) table.add("expected_purchases_90d", ValueType::Number).numbers = expected;
        if (want_clv) {
            Column& col = table.add("clv_90d", ValueType::Number);
            for (std::size_t r = 0; r < n; ++r) {
                const std::uint32_t i = in.rows[r];
                if (!gg || is_null(expected[r])) continue;
                const bool spent = agg[i].purchases_window >= 1 && agg[i].purchase_amount_window > 0;
                col.numbers[r] = expected[r] * gamma_gamma_expected_spend(*gg, spent ? spend(i).x : 0.0,
                                                                          spent ? spend(i).mean_spend : 0.0);
            }
        }
    }
};

}  // namespace

std::unique_ptr<const FeatureFamily> lifetime_value_features() {
    return std::make_unique<LifetimeValueFeatures>();
}

}  // namespace custclass::plugin
