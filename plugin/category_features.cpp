// The category family: share(c), the customer's spending on category c over all its spending,
// and top_category (RULES.md section 4), from the lines of its purchases in the window.
#include <algorithm>

#include "feature_family.h"
#include "text.h"

namespace custclass::plugin {

namespace {

class CategoryFeatures final : public FeatureFamily {
public:
    std::string_view name() const override { return "categories"; }
    std::vector<std::string_view> features() const override { return {"top_category"}; }
    std::vector<std::string_view> functions() const override { return {"share"}; }
    std::vector<config::CanonicalTable> tables() const override { return {config::CanonicalTable::OrderLines}; }

    void build(const FeatureInputs& in, FeatureTable& table, FeatureBuildReport&) const override {
        std::unordered_map<std::string, std::int32_t> category_code;
        std::vector<std::string> category_name;
        // Per customer: (category code, amount in minor units); code −1 for lines without one.
        std::vector<std::vector<std::pair<std::int32_t, std::int64_t>>> amounts(in.customers.size());
        std::uint64_t lines_read = 0;
        in.source.read_order_lines([&](adapters::OrderLineBatch batch) {
            for (const adapters::OrderLineRow& line : batch) {
                const auto i = in.customer(line.customer_id);
                if (!i || line.order_amount <= 0) continue;
                const Day day = in.zone.day_of(line.ordered_at);
                if (day > in.as_of || day <= in.window_start) continue;
                std::int32_t code = -1;
                if (line.category) {
                    const auto [c, inserted] = category_code.try_emplace(
                        config::ascii_lower(*line.category), static_cast<std::int32_t>(category_name.size()));
                    if (inserted) category_name.push_back(c->first);
                    code = c->second;
                }
                auto& list = amounts[*i];
                auto at = std::find_if(list.begin(), list.end(), [&](const auto& p) { return p.first == code; });
                if (at == list.end())
                    list.emplace_back(code, line.amount);
                else
                    at->second += line.amount;
            }
            lines_read += batch.size();
            if (in.options.progress) in.options.progress("read order lines", lines_read);
        });
        for (const config::FeatureCall& call : in.calls("share")) {
            const auto code_it = category_code.find(config::ascii_lower(call.argument));
            Column& col = table.add(call.name(), ValueType::Number);
            for (std::size_t r = 0; r < in.rows.size(); ++r) {
                const auto& list = amounts[in.rows[r]];
                std::int64_t total = 0, in_category = 0;
                for (const auto& [code, amount] : list) {
                    total += amount;
                    if (code_it != category_code.end() && code == code_it->second) in_category += amount;
                }
                if (!list.empty() && total != 0) col.numbers[r] = double(in_category) / double(total);
            }
        }
        if (in.wants("top_category")) {
            Column& col = table.add("top_category", ValueType::Text);
            for (std::size_t r = 0; r < in.rows.size(); ++r) {
                const std::string* best = nullptr;
                std::int64_t best_amount = 0;
                for (const auto& [code, amount] : amounts[in.rows[r]]) {
                    if (code < 0) continue;
                    const std::string& name = category_name[static_cast<std::size_t>(code)];
                    if (!best || amount > best_amount || (amount == best_amount && name < *best)) {
                        best = &name;
                        best_amount = amount;
                    }
                }
                if (best) col.codes[r] = col.intern(*best);
            }
        }
    }
};

}  // namespace

std::unique_ptr<const FeatureFamily> category_features() { return std::make_unique<CategoryFeatures>(); }

}  // namespace custclass::plugin
