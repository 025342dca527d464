// Feature families (RULES.md section 4): the features of a run grouped by what they are computed
// from, each family in one file behind this interface. The feature builder reads the customers
// and folds their orders once (both needed by almost every family), applies the existence and
// retention rules, then lets every family whose features the rules ask for add its columns.
// Adding a feature means adding it to its family (and its tests) and to the catalog that rule
// validation reads (config/feature_catalog); a unit test checks that the two agree.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "customer_background.h"
#include "customer_columns.h"
#include "customer_index.h"
#include "feature_builder.h"
#include "order_totals.h"
#include "parallel_rows.h"

namespace custclass::plugin {

using adapters::CustomerIndex;

// What the builder read, shared by every family. Customers are indexed as read
// (0 … customers.size() − 1); the table's rows are the kept customers `rows` in that order.
struct FeatureInputs {
    adapters::Source& source;
    const FeatureBuildOptions& options;
    const config::TimeZone& zone;
    Day as_of = 0;
    Day window_start = 0;  // exclusive
    const CustomerColumns& customers;
    const CustomerIndex& index;  // customer id → customer
    const std::vector<adapters::OrderTotals>& orders;             // per customer
    // The channels of the channel_share features asked for (lower-cased), and per customer the
    // purchases in the window through each: channel_purchases[customer × channels.size() + k].
    const std::vector<std::string>& channels;
    const std::vector<std::uint32_t>& channel_purchases;
    const std::vector<std::uint32_t>& rows;    // the customers kept, in table order
    const std::vector<std::uint8_t>& retired;  // per customer: left out by retention
    // Age and interests per customer read, worked out while the orders were read; the
    // demographic family may take its columns.
    CustomerBackground& background;
    // Work a family leaves running beside the families after it (the r/f/m rankings): each
    // called, in the order added, once every family has built, to wait for it and add what
    // it computed. Its columns are therefore not in the table for the families after it (no
    // family reads another's columns). Dropped uncalled when a family fails: each function's
    // state then waits for its work as it goes.
    std::vector<std::function<void()>>& finish_later;

    bool wants(std::string_view feature) const;
    // The calls of a parametrised function the rules make (`share` → share('A'), share('B')).
    std::vector<config::FeatureCall> calls(std::string_view function) const;
    double money(std::int64_t minor) const;
    std::optional<std::uint32_t> customer(std::string_view id) const { return index.find(id); }

    // PRIVACY.md check 9: a free-text value of the customers or of an enrichment table with the
    // personal identifiers in it masked when the run masks them (options.mask_identifiers);
    // as it is otherwise.
    std::optional<std::string> free_text(const std::string* value) const;

    // A text column from a dictionary-encoded field of the customers, each distinct value
    // masked (free_text) once.
    void dictionary_text(FeatureTable& table, const std::string& name, const TextCodes& field) const;

    // A column of the table filled row by row from `fn(customer)` when the feature is wanted:
    // number (double, kNullNumber for null), text (const char*, nullptr for null) and flag
    // (std::optional<bool>).
    // Number and flag columns are filled over options.threads threads: `fn` must only read.
    template <class Fn>
    void number(FeatureTable& table, const std::string& name, Fn&& fn) const {
        if (!wants(name)) return;
        Column& col = table.add(name, ValueType::Number);
        parallel_rows(rows.size(), options.threads, kGrain, [&](std::size_t, std::size_t first, std::size_t last) {
            for (std::size_t r = first; r < last; ++r) col.numbers[r] = fn(rows[r]);
        });
    }
    template <class Fn>
    void text(FeatureTable& table, const std::string& name, Fn&& fn) const {
        if (!wants(name)) return;
        Column& col = table.add(name, ValueType::Text);
        // `fn` names a few texts (an age band's, say) a million times: the code of the text
        // last named is kept by its address, so that each row does not look its text up again
        // (the texts `fn` gives must stay as they are while the column is filled: literals).
        const char* last = nullptr;
        std::int32_t last_code = kNullCode;
        for (std::size_t r = 0; r < rows.size(); ++r)
            if (const char* v = fn(rows[r])) {
                if (v != last) {
                    last = v;
                    last_code = col.intern(std::string_view(v));
                }
                col.codes[r] = last_code;
            }
    }
    template <class Fn>
    void flag(FeatureTable& table, const std::string& name, Fn&& fn) const {
        if (!wants(name)) return;
        Column& col = table.add(name, ValueType::Boolean);
        parallel_rows(rows.size(), options.threads, kGrain, [&](std::size_t, std::size_t first, std::size_t last) {
            for (std::size_t r = first; r < last; ++r) {
                const std::optional<bool> v = fn(rows[r]);
                col.booleans[r] = v ? static_cast<std::uint8_t>(*v) : kNullBool;
            }
        });
    }

    // Rows per range of parallel_rows: below this a thread costs more than it saves.
    static constexpr std::size_t kGrain = 16384;
};

class FeatureFamily {
public:
    virtual ~FeatureFamily() = default;
    virtual std::string_view name() const = 0;
    // The catalog features it computes (config::feature_catalog names), and the parametrised
    // functions (config::parametrised_features) whose calls it computes.
    virtual std::vector<std::string_view> features() const = 0;
    virtual std::vector<std::string_view> functions() const { return {}; }
    // The canonical tables it reads, beyond the customers and orders every run reads.
    virtual std::vector<config::CanonicalTable> tables() const { return {}; }
    // Whether its build() reads in.source (default: when it reads a table of its own).
    virtual bool reads_source(const FeatureInputs& in) const {
        (void)in;
        return !tables().empty();
    }
    // Whether the rules ask for any of its features (default: a name of features(), or a call
    // of one of functions()).
    virtual bool wanted(const FeatureInputs& in) const;
    // Adds the columns of the features asked for to `table`; reads its tables from in.source.
    virtual void build(const FeatureInputs& in, FeatureTable& table, FeatureBuildReport& report) const = 0;
};

// The declared attributes the rules read (`attr.<name>` asked for), in declaration order: the
// attribute columns the builder asks the source for.
std::vector<std::string> attribute_names(const FeatureBuildOptions& options);

// Every family, in the order the builder runs them.
const std::vector<std::unique_ptr<const FeatureFamily>>& feature_families();

// The families (each defined in its own file).
std::unique_ptr<const FeatureFamily> order_features();          // recency … returns_rate, r/f/m, channels
std::unique_ptr<const FeatureFamily> pareto_features();         // pareto_class
std::unique_ptr<const FeatureFamily> lifetime_value_features(); // p_alive, expected purchases, clv
std::unique_ptr<const FeatureFamily> category_features();       // share(c), top_category
std::unique_ptr<const FeatureFamily> referral_features();       // referrals, referral_revenue
std::unique_ptr<const FeatureFamily> interaction_features();    // the interaction points of scores
std::unique_ptr<const FeatureFamily> demographic_features();    // age, gender, district, …
std::unique_ptr<const FeatureFamily> consent_features();        // marketing_consent, opted_out
std::unique_ptr<const FeatureFamily> attribute_features();      // attr.<name>
std::unique_ptr<const FeatureFamily> enrichment_features();     // enrich.<table>.<column>

}  // namespace custclass::plugin
