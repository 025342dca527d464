// The enrichment family: `enrich.<table>.<column>`, market information joined on a customer
// field (district, gender, income band or lead source). Tables are joined on the customer's
// value as mapped (the key is matched, never shown); text values are masked under a privacy
// policy (PRIVACY.md check 9), once per row of the table.
#include <algorithm>

#include "enrichment_table.h"
#include "feature_family.h"
#include "value_parsing.h"

namespace custclass::plugin {

namespace {

class EnrichmentFeatures final : public FeatureFamily {
public:
    std::string_view name() const override { return "enrichment"; }
    std::vector<std::string_view> features() const override { return {}; }
    bool wanted(const FeatureInputs& in) const override {
        for (const auto& f : in.options.features)
            if (f.starts_with("enrich.")) return true;
        return false;
    }
    bool reads_source(const FeatureInputs&) const override { return true; }  // its tables' queries

    void build(const FeatureInputs& in, FeatureTable& table, FeatureBuildReport&) const override {
        for (const auto& e : in.options.enrichments) {
            std::vector<const config::AttributeDecl*> wanted;
            for (const auto& c : e.columns)
                if (in.wants("enrich." + e.id + "." + c.name)) wanted.push_back(&c);
            if (wanted.empty()) continue;
            const EnrichmentTable data = load_enrichment(e, in.source);
            const TextCodes& keys = e.key == "gender"        ? in.customers.gender
                                    : e.key == "income_band" ? in.customers.income_band
                                    : e.key == "lead_source" ? in.customers.lead_source
                                                             : in.customers.district;
            for (const config::AttributeDecl* c : wanted) {
                const std::size_t at = static_cast<std::size_t>(
                    std::find(data.columns.begin(), data.columns.end(), c->name) - data.columns.begin());
                const std::string name = "enrich." + e.id + "." + c->name;
                Column& col = table.add(name, c->type);
                std::unordered_map<const std::string*, std::int32_t> code_of_value;
                for (std::size_t r = 0; r < in.rows.size(); ++r) {
                    const std::string* key = keys.at(in.rows[r]);
                    if (!key) continue;
                    const auto row = data.rows.find(*key);
                    if (row == data.rows.end() || !row->second[at]) continue;
                    const std::string& v = *row->second[at];
                    if (c->type == ValueType::Number) {
                        const auto x = adapters::parse_number(v);
                        if (!x)
                            throw adapters::DataError("enrichment table `" + e.id + "`, key `" + *key +
                                                      "`, column `" + c->name + "`: `" + v + "` is not a number");
                        col.numbers[r] = *x;
                    } else {
                        const auto [at_code, fresh] = code_of_value.try_emplace(&v, kNullCode);
                        if (fresh) at_code->second = col.intern(*in.free_text(&v));
                        col.codes[r] = at_code->second;
                    }
                }
            }
        }
    }
};

}  // namespace

std::unique_ptr<const FeatureFamily> enrichment_features() { return std::make_unique<EnrichmentFeatures>(); }

}  // namespace custclass::plugin
