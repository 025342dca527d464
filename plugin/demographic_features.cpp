// The demographic family: the customer's background from the customers table (RULES.md
// section 4): age and age band on the run date, gender, district, income band, lead source,
// days since sign-up, whether a prospect, and interests. Free text is masked under a privacy
// policy (PRIVACY.md check 9) before it enters a column.
#include <algorithm>

#include <date/date.h>

#include "feature_family.h"
#include "text.h"

namespace custclass::plugin {

namespace {

// Full years from `birth` to `on`.
std::optional<int> full_years(Day birth, Day on) {
    if (birth > on) return std::nullopt;
    const date::year_month_day b{date::sys_days{date::days{birth}}};
    const date::year_month_day o{date::sys_days{date::days{on}}};
    int years = static_cast<int>(o.year()) - static_cast<int>(b.year());
    if (std::pair(static_cast<unsigned>(o.month()), static_cast<unsigned>(o.day())) <
        std::pair(static_cast<unsigned>(b.month()), static_cast<unsigned>(b.day())))
        --years;
    return years;
}

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
        auto age = [&](std::uint32_t i) -> std::optional<int> {
            return c.birth[i] == kNullDay ? std::nullopt : full_years(c.birth[i], in.as_of);
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
    static void interests(const FeatureInputs& in, FeatureTable& table) {
        Column& col = table.add("interests", ValueType::TextList);
        for (std::size_t r = 0; r < in.rows.size(); ++r) {
            col.offsets[r + 1] = col.offsets[r];
            const auto& raw = in.customers.interests[in.rows[r]];
            if (!raw) continue;
            col.list_null[r] = 0;
            // Lower-cased, then masked as a whole (check 9), then split: an identifier is found
            // in its context (what precedes and follows it) as the host wrote it, whatever the
            // commas around it; lower-casing first changes nothing the scanner finds (it matches
            // letters in any case, and lower-casing only touches ASCII letters) and leaves the
            // mask tokens ("[PHONE]") as they are written everywhere else.
            const std::string lowered = config::ascii_lower(*raw);
            const std::optional<std::string> v = in.free_text(&lowered);
            std::vector<std::int32_t> seen;
            std::size_t start = 0;
            while (start <= v->size()) {
                std::size_t end = v->find(',', start);
                if (end == std::string::npos) end = v->size();
                const std::string_view word = config::trim(std::string_view(*v).substr(start, end - start));
                if (!word.empty()) {
                    const std::int32_t code = col.intern(word);
                    if (std::find(seen.begin(), seen.end(), code) == seen.end()) {
                        seen.push_back(code);
                        col.codes.push_back(code);
                        ++col.offsets[r + 1];
                    }
                }
                start = end + 1;
            }
        }
    }
};

}  // namespace

std::unique_ptr<const FeatureFamily> demographic_features() { return std::make_unique<DemographicFeatures>(); }

}  // namespace custclass::plugin
