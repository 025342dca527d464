// The demographic family: the customer's background from the customers table (RULES.md
// section 4): age and age band on the run date, gender, district, income band, lead source,
// days since sign-up, whether a prospect, and interests. Free text is masked under a privacy
// policy (PRIVACY.md check 9) before it enters a column.
#include <algorithm>

#include "customer_background.h"
#include "feature_family.h"

namespace custclass::plugin {

namespace {

const char* age_band(int age) {
    if (age < 25) return "<25";
    if (age < 35) return "25-34";
    if (age < 45) return "35-44";
    if (age < 55) return "45-54";
    if (age < 65) return "55-64";
    return "65+";
}

class DemographicFeatures final : public FeatureFamily {
public:
    std::string_view name() const override { return "demographics"; }
    std::vector<std::string_view> features() const override {
        return {"age", "age_band", "gender", "district", "income_band", "lead_source", "signup_days",
                "is_prospect", "interests"};
    }

    void build(const FeatureInputs& in, FeatureTable& table, FeatureBuildReport&) const override {
        const CustomerColumns& c = in.customers;
        const CustomerBackground& background = in.background;
        auto age = [&](std::uint32_t i) -> std::optional<int> {
            const std::int32_t years = background.age[i];
            return years == CustomerBackground::kNoAge ? std::nullopt : std::optional<int>(years);
        };
        in.number(table, "age", [&](std::uint32_t i) {
            const auto years = age(i);
            return years ? double(*years) : kNullNumber;
        });
        in.text(table, "age_band", [&](std::uint32_t i) -> const char* {
            const auto years = age(i);
            return years ? age_band(*years) : nullptr;
        });
        in.dictionary_text(table, "gender", c.gender);
        in.dictionary_text(table, "district", c.district);
        in.dictionary_text(table, "income_band", c.income_band);
        in.dictionary_text(table, "lead_source", c.lead_source);
        in.number(table, "signup_days", [&](std::uint32_t i) {
            return c.created[i] == kNullDay ? kNullNumber : double(in.as_of - c.created[i]);
        });
        in.flag(table, "is_prospect", [&](std::uint32_t i) -> std::optional<bool> {
            return c.is_prospect[i] == 1 || in.orders[i].purchases_total == 0;
        });
        if (in.wants("interests")) interests(in, table);
    }

private:
    // The interests worked out per customer read (customer_background), as the table's rows:
    // the column itself when every customer read is a row, else the kept customers' lists with
    // the words coded again in the order the rows first meet them (the codes one pass over the
    // rows would give).
    static void interests(const FeatureInputs& in, FeatureTable& table) {
        Column& all = in.background.interests;
        Column& col = table.add("interests", ValueType::TextList);
        if (in.rows.size() == in.customers.size()) {
            col = std::move(all);
            return;
        }
        constexpr std::int32_t unset = kNullCode - 1;
        std::vector<std::int32_t> code_of(all.dictionary.size(), unset);
        for (std::size_t r = 0; r < in.rows.size(); ++r) {
            const std::uint32_t i = in.rows[r];
            col.list_null[r] = all.list_null[i];
            col.offsets[r + 1] = col.offsets[r] + (all.offsets[i + 1] - all.offsets[i]);
            for (std::uint32_t k = all.offsets[i]; k < all.offsets[i + 1]; ++k) {
                std::int32_t& code = code_of[static_cast<std::size_t>(all.codes[k])];
                if (code == unset) code = col.intern(all.dictionary[static_cast<std::size_t>(all.codes[k])]);
                col.codes.push_back(code);
            }
        }
    }
};

}  // namespace

std::unique_ptr<const FeatureFamily> demographic_features() { return std::make_unique<DemographicFeatures>(); }

}  // namespace custclass::plugin
