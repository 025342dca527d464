#include "feature_builder.h"

#include <date/date.h>

#include <algorithm>
#include <cmath>
#include <cctype>
#include <numeric>
#include <set>
#include <stdexcept>
#include <unordered_map>

#include "enrichment_table.h"
#include "keyword_targeting.h"
#include "lifetime_value.h"
#include "errors.h"
#include "opt_out_list.h"
#include "personal_identifiers.h"
#include "text.h"
#include "value_parsing.h"

namespace custclass::plugin {

namespace {

using adapters::CustomerRow;
using adapters::OrderRow;

constexpr Day kNoDay = kNullDay;

// What the orders of one customer add up to, as of the run date.
struct OrderAggregate {
    Day first_order = kNoDay;     // any order on or before as_of (for the existence rule)
    // The latest order of any kind (a return, a zero amount included) on or before as_of, for
    // retention (check 8), from the streamed orders or the database's totals alike.
    Day last_order = kNoDay;
    Day first_purchase = kNoDay;  // ever, up to as_of
    Day last_purchase = kNoDay;
    std::uint32_t purchases_total = 0;
    std::uint32_t purchases_window = 0;
    std::uint32_t orders_window = 0;
    std::uint32_t returns_window = 0;
    std::int64_t purchase_amount_window = 0;  // minor units
    std::int64_t net_amount_window = 0;       // minor units, returns subtracted
};

using adapters::lower;

std::string trim(std::string_view s) { return std::string(config::trim(s)); }

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

// r/f/m score: 1 + floor(5 × w / n), w = active customers with a strictly worse value.
// `better_is_larger` says which direction is better; `active` selects the ranked rows. The
// cut points of the ranking go to `cuts`.
void rank_scores(const std::vector<std::int64_t>& values, const std::vector<bool>& active,
                 bool better_is_larger, std::vector<double>& out, std::optional<ScoreCuts>& cuts) {
    std::vector<std::int64_t> sorted;
    for (std::size_t i = 0; i < values.size(); ++i)
        if (active[i]) sorted.push_back(values[i]);
    cuts = ScoreCuts::of(sorted, better_is_larger);
    std::sort(sorted.begin(), sorted.end());
    const auto n = static_cast<std::int64_t>(sorted.size());
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (!active[i]) continue;
        std::int64_t worse = 0;
        if (better_is_larger)  // worse = strictly smaller
            worse = std::lower_bound(sorted.begin(), sorted.end(), values[i]) - sorted.begin();
        else  // worse = strictly larger
            worse = sorted.end() - std::upper_bound(sorted.begin(), sorted.end(), values[i]);
        out[i] = static_cast<double>(1 + (5 * worse) / n);
    }
}

// The same scores against the cut points of an earlier run (the hooks).
void cut_scores(const std::vector<std::int64_t>& values, const std::vector<bool>& active,
                const std::optional<ScoreCuts>& cuts, std::vector<double>& out) {
    for (std::size_t i = 0; i < values.size(); ++i)
        if (active[i]) out[i] = cuts ? static_cast<double>(cuts->score(values[i])) : 1.0;
}

bool wants(const FeatureBuildOptions& o, std::string_view name) {
    return std::find(o.features.begin(), o.features.end(), name) != o.features.end();
}

// PRIVACY.md check 9: `text` with the personal identifiers in it masked. The scanner only runs
// when the text holds an ASCII digit or an "@": every identifier it reports contains one (an
// HKID has six digits, a phone number eight, an e-mail address its "@"; the scanner matches
// ASCII characters only, so a full-width digit or at sign is never part of a match), so a text
// without either is returned unchanged exactly as the scanner would return it, and the common
// case (a district, a gender, a keyword) costs one pass over its bytes.
std::string mask_free_text(std::string_view text) {
    const bool may_hold_identifier = std::any_of(text.begin(), text.end(), [](char c) {
        return (c >= '0' && c <= '9') || c == '@';
    });
    return may_hold_identifier ? mask_personal_identifiers(text) : std::string(text);
}

// PRIVACY.md check 3: whether a value (trimmed) is a Hong Kong identity card number: the
// policy's check digit (is_valid_hkid: brackets and spaces ignored), or one number the scanner
// finds covering the whole value (the same number written with the full-width brackets of
// Chinese text, "A123456（3）", which is_valid_hkid does not take). Never copied anywhere.
bool is_hkid_value(std::string_view trimmed) {
    if (is_valid_hkid(trimmed)) return true;
    // The longest written form: two letters, six digits, an optional space and a check
    // character in full-width brackets (3 bytes each): 2 + 6 + 1 + 3 + 1 + 3 = 16 bytes.
    if (trimmed.size() > 16) return false;
    const auto found = find_personal_identifiers(trimmed);
    return found.size() == 1 && found[0].kind == IdentifierKind::hkid && found[0].offset == 0 &&
           found[0].length == trimmed.size();
}

}  // namespace

FeatureTable build_features(adapters::Source& source, const FeatureBuildOptions& options,
                            FeatureBuildReport& report) {
    const config::TimeZone zone(options.time_zone);
    const Day as_of = options.as_of;
    const Day window_start = static_cast<Day>(as_of - options.window_days);  // exclusive

    // 1. Customers, with the attributes the rules read.
    std::vector<std::string> attribute_names;
    for (const auto& a : options.attributes)
        if (wants(options, "attr." + a.name)) attribute_names.push_back(a.name);
    std::vector<CustomerRow> customers;
    std::unordered_map<std::string, std::uint32_t> index;
    source.read_customers(attribute_names, [&](adapters::CustomerBatch batch) {
        for (const CustomerRow& c : batch) {
            const auto [it, inserted] =
                index.try_emplace(c.customer_id, static_cast<std::uint32_t>(customers.size()));
            if (!inserted)
                throw adapters::DataError("table `customers`: the customer id `" + c.customer_id +
                                          "` appears more than once; customer ids must be unique");
            customers.push_back(c);
        }
        if (options.progress) options.progress("read customers", customers.size());
    });
    report.customers_read = customers.size();

    // PRIVACY.md check 3 at run time: an attribute a rule reads whose values are government
    // identifiers refuses the run, before its orders are read. Only under a privacy policy
    // (mask_identifiers is set exactly when one applies): without one the builder keeps the
    // values as mapped. Every customer read is looked at, not only those the run keeps
    // (existence, retention): whether a column holds HKID numbers is a property of the column,
    // and a refusal must not come and go with the run date. The values are tested as mapped,
    // trimmed, before any masking (masking would hide exactly what is looked for); a value with
    // an HKID inside a longer text is not an identifier column and is masked below (check 9).
    // Number attributes are looked at too: an HKID is never a number, so such a column would
    // otherwise stop the run with a DataError that quotes the value. The message names the
    // attribute and the customer key, never the value.
    if (options.mask_identifiers) {
        for (std::size_t k = 0; k < attribute_names.size(); ++k)
            for (const CustomerRow& c : customers) {
                const auto& v = c.attributes[k];
                if (!v || !is_hkid_value(trim(*v))) continue;
                throw PrivacyRefusal(
                    "attribute `attr." + attribute_names[k] + "` (table `customers`, column `attr_" +
                    attribute_names[k] + "`) holds Hong Kong identity card numbers (first at key `" +
                    c.customer_id +
                    "`), and the rule set reads it: PRIVACY.md check 3: government identifiers are "
                    "never a rule input, group key or output column. Stop mapping `attr_" +
                    attribute_names[k] + "` in the customers query, or remove the rules that read `attr." +
                    attribute_names[k] + "` (and its declaration); nothing was classified");
            }
    }

    // 2. Orders, aggregated as they stream in.
    std::vector<OrderAggregate> agg(customers.size());
    // channel_share(ch) features wanted: per customer, purchases in the window per channel.
    std::vector<std::string> channels;
    for (const auto& f : options.features)
        if (f.starts_with("channel_share:")) channels.push_back(lower(f.substr(14)));
    std::vector<std::uint32_t> channel_counts(customers.size() * channels.size(), 0);
    std::uint64_t orders_read = 0, unknown_customer = 0, after_as_of = 0;
    adapters::OrderTotalsRequest totals{as_of, window_start, options.time_zone, channels};
    std::uint64_t guest_orders = 0;
    const bool pushdown = source.can_total_orders(totals);
    if (pushdown) {
        // The database totals the orders per customer; merge its rows by normalised id.
        auto earliest = [](Day& a, Day b) { if (b != kNoDay && (a == kNoDay || b < a)) a = b; };
        source.read_order_totals(totals, [&](adapters::OrderTotalsBatch batch) {
            for (const adapters::CustomerOrderTotals& t : batch) {
                orders_read += t.orders_all;
                if (t.customer_id.empty()) {
                    guest_orders += t.orders_all;
                    continue;
                }
                const auto it = index.find(t.customer_id);
                if (it == index.end()) {
                    unknown_customer += t.orders_all;
                    continue;
                }
                after_as_of += t.orders_after_as_of;
                OrderAggregate& a = agg[it->second];
                earliest(a.first_order, t.first_order);
                earliest(a.first_purchase, t.first_purchase);
                if (t.last_purchase != kNoDay && (a.last_purchase == kNoDay || t.last_purchase > a.last_purchase))
                    a.last_purchase = t.last_purchase;
                if (t.last_order != kNoDay && (a.last_order == kNoDay || t.last_order > a.last_order))
                    a.last_order = t.last_order;
                a.purchases_total += t.purchases_total;
                a.purchases_window += t.purchases_window;
                a.orders_window += t.orders_window;
                a.returns_window += t.returns_window;
                a.purchase_amount_window += t.purchase_amount_window;
                a.net_amount_window += t.net_amount_window;
                for (std::size_t k = 0; k < channels.size(); ++k)
                    channel_counts[it->second * channels.size() + k] += t.channel_purchases[k];
            }
            if (options.progress) options.progress("total orders", orders_read);
        });
    } else source.read_orders([&](adapters::OrderBatch batch) {
        for (const OrderRow& o : batch) {
            const auto it = index.find(o.customer_id);
            if (it == index.end()) {
                ++unknown_customer;
                continue;
            }
            const Day day = zone.day_of(o.ordered_at);
            if (day > as_of) {
                ++after_as_of;
                continue;
            }
            OrderAggregate& a = agg[it->second];
            if (a.first_order == kNoDay || day < a.first_order) a.first_order = day;
            if (a.last_order == kNoDay || day > a.last_order) a.last_order = day;
            const bool in_window = day > window_start;
            const bool purchase = o.amount > 0;
            if (purchase) {
                ++a.purchases_total;
                if (a.first_purchase == kNoDay || day < a.first_purchase) a.first_purchase = day;
                if (a.last_purchase == kNoDay || day > a.last_purchase) a.last_purchase = day;
            }
            if (in_window) {
                ++a.orders_window;
                a.net_amount_window += o.amount;
                if (purchase) {
                    ++a.purchases_window;
                    a.purchase_amount_window += o.amount;
                    if (!channels.empty() && o.channel) {
                        const std::string ch = lower(*o.channel);
                        for (std::size_t k = 0; k < channels.size(); ++k)
                            if (channels[k] == ch) ++channel_counts[it->second * channels.size() + k];
                    }
                } else if (o.amount < 0) {
                    ++a.returns_window;
                }
            }
        }
        orders_read += batch.size();
        if (options.progress) options.progress("read orders", orders_read);
    });
    const std::uint64_t without_customer = source.counts().orders_without_customer + guest_orders;
    if (without_customer) report.data_quality["orders_without_customer"] = without_customer;
    if (unknown_customer) report.data_quality["orders_of_unknown_customer"] = unknown_customer;
    if (after_as_of) report.data_quality["orders_after_as_of"] = after_as_of;

    // Retention (PRIVACY.md check 8). A customer's last activity is the later of its latest
    // order of any kind on or before as_of (a return, a credit note is activity too) and its
    // creation day (when on or before as_of: a record created after the run date did not exist
    // then). It is kept while as_of − last activity <= retention_days. retention_days <= 0:
    // nobody is left out.
    const bool retention = options.retention_days > 0;
    auto created_on_or_before_as_of = [&](std::uint32_t i) -> std::optional<Day> {
        const auto& created = customers[i].created_at;
        if (!created) return std::nullopt;
        const Day d = zone.day_of(*created);
        if (d > as_of) return std::nullopt;
        return d;
    };
    auto last_activity = [&](std::uint32_t i) -> Day {
        Day last = agg[i].last_order;
        if (const auto d = created_on_or_before_as_of(i); d && (last == kNoDay || *d > last)) last = *d;
        return last;
    };
    // A customer with neither an order nor a creation day on or before as_of shows no
    // inactivity and is kept (no such customer passes the existence rule, which runs first).
    auto past_retention = [&](std::uint32_t i) {
        const Day last = last_activity(i);
        return retention && last != kNoDay && std::int64_t{as_of} - std::int64_t{last} > options.retention_days;
    };
    // 3. The existence rule: created on or before as_of, or an order on or before as_of. Then
    // retention (check 8): a customer past it is not a row either, is counted in
    // excluded["retention"] and listed in retention_due for the host to erase. Retention
    // excludes from processing: everything below sees the kept customers only, so the
    // population features (r/f/m scores, rfm, pareto_class, and the cut points handed to the
    // hooks) rank the kept customers among themselves, and a customer past retention does not
    // count as a referee in its referrer's referral features. The hooks (options.population,
    // a source scoped to a few customers) apply the same test to the same rows of the customer
    // and so leave out the same customers (the engine then reports the customer not found).
    std::vector<std::uint32_t> rows;
    std::vector<std::uint8_t> retired(customers.size(), 0);  // left out by retention
    std::uint64_t not_yet = 0;
    for (std::uint32_t i = 0; i < customers.size(); ++i) {
        const bool exists = created_on_or_before_as_of(i) || agg[i].first_order != kNoDay;
        if (!exists) {
            ++not_yet;
        } else if (past_retention(i)) {
            retired[i] = 1;
            report.retention_due.push_back(customers[i].customer_id);
        } else {
            rows.push_back(i);
        }
    }
    if (not_yet) report.excluded["not_yet_customer"] = not_yet;
    if (!report.retention_due.empty()) {
        std::sort(report.retention_due.begin(), report.retention_due.end());
        report.excluded["retention"] = report.retention_due.size();
    }

    std::vector<std::string> ids;
    ids.reserve(rows.size());
    for (std::uint32_t i : rows) ids.push_back(customers[i].customer_id);
    FeatureTable table(std::move(ids));
    const std::size_t n = rows.size();
    const double unit = std::pow(10.0, options.currency_decimals);
    auto money = [&](std::int64_t minor) { return static_cast<double>(minor) / unit; };

    auto number = [&](const char* name, auto&& fn) {
        if (!wants(options, name)) return;
        Column& col = table.add(name, ValueType::Number);
        for (std::size_t r = 0; r < n; ++r) col.numbers[r] = fn(rows[r]);
    };
    auto text = [&](const char* name, auto&& fn) {
        if (!wants(options, name)) return;
        Column& col = table.add(name, ValueType::Text);
        for (std::size_t r = 0; r < n; ++r) {
            const std::optional<std::string> v = fn(rows[r]);
            if (v) col.codes[r] = col.intern(*v);
        }
    };
    auto flag = [&](const char* name, auto&& fn) {
        if (!wants(options, name)) return;
        Column& col = table.add(name, ValueType::Boolean);
        for (std::size_t r = 0; r < n; ++r) {
            const std::optional<bool> v = fn(rows[r]);
            col.booleans[r] = v ? static_cast<std::uint8_t>(*v) : kNullBool;
        }
    };

    // 4. Behaviour.
    number("recency_days", [&](std::uint32_t i) {
        return agg[i].last_purchase == kNoDay ? kNullNumber : double(as_of - agg[i].last_purchase);
    });
    number("frequency", [&](std::uint32_t i) { return double(agg[i].purchases_window); });
    number("monetary", [&](std::uint32_t i) { return money(agg[i].net_amount_window); });
    number("avg_order_value", [&](std::uint32_t i) {
        const auto& a = agg[i];
        return a.purchases_window == 0 ? kNullNumber
                                       : money(a.purchase_amount_window) / a.purchases_window;
    });
    number("tenure_days", [&](std::uint32_t i) {
        return agg[i].first_purchase == kNoDay ? kNullNumber
                                               : double(as_of - agg[i].first_purchase);
    });
    number("orders_total", [&](std::uint32_t i) { return double(agg[i].purchases_total); });
    number("returns_rate", [&](std::uint32_t i) {
        const auto& a = agg[i];
        return a.orders_window == 0 ? kNullNumber : double(a.returns_window) / a.orders_window;
    });
    for (std::size_t k = 0; k < channels.size(); ++k) {
        // The feature keeps the name the rule wrote; match it case-insensitively.
        for (const auto& f : options.features) {
            if (!f.starts_with("channel_share:") || lower(f.substr(14)) != channels[k]) continue;
            Column& col = table.add(f, ValueType::Number);
            for (std::size_t r = 0; r < n; ++r) {
                const std::uint32_t i = rows[r];
                col.numbers[r] = agg[i].purchases_window == 0
                                     ? kNullNumber
                                     : double(channel_counts[i * channels.size() + k]) /
                                           agg[i].purchases_window;
            }
        }
    }

    // RFM scores among active customers (frequency >= 1).
    const bool want_rfm = wants(options, "rfm");
    if (want_rfm || wants(options, "r_score") || wants(options, "f_score") ||
        wants(options, "m_score")) {
        std::vector<bool> active(n);
        std::vector<std::int64_t> recency(n), frequency(n), monetary(n);
        for (std::size_t r = 0; r < n; ++r) {
            const auto& a = agg[rows[r]];
            active[r] = a.purchases_window >= 1;
            recency[r] = active[r] ? as_of - a.last_purchase : 0;
            frequency[r] = a.purchases_window;
            monetary[r] = a.net_amount_window;
        }
        std::vector<double> rs(n, kNullNumber), fs(n, kNullNumber), ms(n, kNullNumber);
        if (const PopulationCuts* cuts = options.population) {
            cut_scores(recency, active, cuts->recency, rs);
            cut_scores(frequency, active, cuts->frequency, fs);
            cut_scores(monetary, active, cuts->monetary, ms);
        } else {
            rank_scores(recency, active, false, rs, report.population.recency);
            rank_scores(frequency, active, true, fs, report.population.frequency);
            rank_scores(monetary, active, true, ms, report.population.monetary);
        }
        if (wants(options, "r_score")) table.add("r_score", ValueType::Number).numbers = rs;
        if (wants(options, "f_score")) table.add("f_score", ValueType::Number).numbers = fs;
        if (wants(options, "m_score")) table.add("m_score", ValueType::Number).numbers = ms;
        if (want_rfm) {
            Column& col = table.add("rfm", ValueType::Text);
            for (std::size_t r = 0; r < n; ++r)
                if (active[r]) {
                    const std::string v = std::to_string(int(rs[r])) + std::to_string(int(fs[r])) +
                                          std::to_string(int(ms[r]));
                    col.codes[r] = col.intern(v);
                }
        }
    }

    // Pareto class: customers with monetary > 0, by monetary descending then id ascending.
    if (wants(options, "pareto_class")) {
        std::vector<std::size_t> order;
        std::int64_t total = 0;
        for (std::size_t r = 0; r < n; ++r)
            if (agg[rows[r]].net_amount_window > 0) {
                order.push_back(r);
                total += agg[rows[r]].net_amount_window;
            }
        std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
            const auto ma = agg[rows[a]].net_amount_window, mb = agg[rows[b]].net_amount_window;
            if (ma != mb) return ma > mb;
            return table.customer_ids()[a] < table.customer_ids()[b];
        });
        Column& col = table.add("pareto_class", ValueType::Text);
        if (const PopulationCuts* cuts = options.population) {
            const ParetoCuts none;
            const ParetoCuts& pareto = cuts->pareto ? *cuts->pareto : none;
            for (std::size_t r : order)
                if (const auto cls = pareto.pareto_class(agg[rows[r]].net_amount_window,
                                                         table.customer_ids()[r]))
                    col.codes[r] = col.intern(*cls);
        } else {
            const std::int32_t a = col.intern("A"), b = col.intern("B"), c = col.intern("C");
            ParetoCuts& found = report.population.pareto.emplace();
            std::int64_t ahead = 0;  // exact: s < 0.80  <=>  100 × ahead < 80 × total
            for (std::size_t r : order) {
                const std::int64_t m = agg[rows[r]].net_amount_window;
                const std::int32_t cls = 100 * ahead < 80 * total ? a : 100 * ahead < 95 * total ? b : c;
                col.codes[r] = cls;
                if (cls == a) found.last_a = ParetoCuts::Key{m, table.customer_ids()[r]};
                if (cls == b) found.last_b = ParetoCuts::Key{m, table.customer_ids()[r]};
                ahead += m;
            }
        }
    }

    // Predicted value (POTENTIAL.md item 11): BG/NBD over the purchase history up to as_of, in
    // days, and Gamma-Gamma over the purchases in the window, both fitted on the customers read
    // (a full run) or taken from the run whose cut points the hooks use.
    const bool want_clv = wants(options, "clv_90d");
    if (want_clv || wants(options, "p_alive") || wants(options, "expected_purchases_90d")) {
        auto repeat = [&](std::uint32_t i) {
            const auto& a = agg[i];
            return RepeatSummary{double(a.purchases_total - 1), double(a.last_purchase - a.first_purchase),
                                 double(as_of - a.first_purchase)};
        };
        auto spend = [&](std::uint32_t i) {
            const auto& a = agg[i];
            return SpendSummary{double(a.purchases_window), money(a.purchase_amount_window) / a.purchases_window};
        };
        std::optional<BgNbdParameters> bg;
        std::optional<GammaGammaParameters> gg;
        if (const PopulationCuts* cuts = options.population) {
            if (cuts->lifetime_value) {
                bg = cuts->lifetime_value->bg_nbd;
                gg = cuts->lifetime_value->gamma_gamma;
            }
        } else {
            std::vector<RepeatSummary> histories;
            std::vector<SpendSummary> spends;
            for (std::size_t r = 0; r < n; ++r) {
                const std::uint32_t i = rows[r];
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
                    if (agg[rows[r]].purchases_total >= 1)
                        expected[r] = bg_nbd_expected_purchases(*bg, repeat(rows[r]), 90.0);
            } catch (const std::domain_error& e) {
                bg.reset();
                std::fill(expected.begin(), expected.end(), kNullNumber);
                if (!options.population) {
                    report.population.lifetime_value->bg_nbd.reset();
                    auto& fitted = report.lifetime_value["bg_nbd"];
                    fitted["converged"] = false;
                    fitted["message"] = fitted["message"].get<std::string>() +
                                        "; no predictions: " + e.what();
                }
            }
        }
        number("p_alive", [&](std::uint32_t i) {
            return bg && agg[i].purchases_total >= 1 ? bg_nbd_p_alive(*bg, repeat(i)) : kNullNumber;
        });
        if (wants(options, "expected_purchases_90d")) table.add("expected_purchases_90d", ValueType::Number).numbers = expected;
        if (want_clv) {
            Column& col = table.add("clv_90d", ValueType::Number);
            for (std::size_t r = 0; r < n; ++r) {
                const std::uint32_t i = rows[r];
                if (!gg || is_null(expected[r])) continue;
                const bool spent = agg[i].purchases_window >= 1 && agg[i].purchase_amount_window > 0;
                col.numbers[r] = expected[r] * gamma_gamma_expected_spend(*gg, spent ? spend(i).x : 0.0,
                                                                          spent ? spend(i).mean_spend : 0.0);
            }
        }
    }

    // Order lines: category shares and the top category, over purchases in the window.
    std::vector<std::string> share_categories;  // lower-cased, as share('…') asked
    for (const auto& f : options.features)
        if (f.starts_with("share:")) share_categories.push_back(lower(f.substr(6)));
    if (!share_categories.empty() || wants(options, "top_category")) {
        std::unordered_map<std::string, std::int32_t> category_code;
        std::vector<std::string> category_name;
        // Per customer: (category code, amount in minor units); code −1 for lines without one.
        std::vector<std::vector<std::pair<std::int32_t, std::int64_t>>> amounts(customers.size());
        std::uint64_t lines_read = 0;
        source.read_order_lines([&](adapters::OrderLineBatch batch) {
            for (const adapters::OrderLineRow& line : batch) {
                const auto it = index.find(line.customer_id);
                if (it == index.end() || line.order_amount <= 0) continue;
                const Day day = zone.day_of(line.ordered_at);
                if (day > as_of || day <= window_start) continue;
                std::int32_t code = -1;
                if (line.category) {
                    const auto [c, inserted] = category_code.try_emplace(
                        lower(*line.category), static_cast<std::int32_t>(category_name.size()));
                    if (inserted) category_name.push_back(c->first);
                    code = c->second;
                }
                auto& list = amounts[it->second];
                auto at = std::find_if(list.begin(), list.end(),
                                       [&](const auto& p) { return p.first == code; });
                if (at == list.end())
                    list.emplace_back(code, line.amount);
                else
                    at->second += line.amount;
            }
            lines_read += batch.size();
            if (options.progress) options.progress("read order lines", lines_read);
        });
        for (const auto& f : options.features) {
            if (!f.starts_with("share:")) continue;
            const auto code_it = category_code.find(lower(f.substr(6)));
            Column& col = table.add(f, ValueType::Number);
            for (std::size_t r = 0; r < n; ++r) {
                const auto& list = amounts[rows[r]];
                std::int64_t total = 0, in_category = 0;
                for (const auto& [code, amount] : list) {
                    total += amount;
                    if (code_it != category_code.end() && code == code_it->second)
                        in_category += amount;
                }
                if (!list.empty() && total != 0)
                    col.numbers[r] = double(in_category) / double(total);
            }
        }
        if (wants(options, "top_category")) {
            Column& col = table.add("top_category", ValueType::Text);
            for (std::size_t r = 0; r < n; ++r) {
                const std::string* best = nullptr;
                std::int64_t best_amount = 0;
                for (const auto& [code, amount] : amounts[rows[r]]) {
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

    // Referrals: referees who made a purchase (up to as_of), and their monetary value.
    if (wants(options, "referrals") || wants(options, "referral_revenue")) {
        std::vector<std::uint32_t> count(customers.size(), 0);
        std::vector<std::int64_t> revenue(customers.size(), 0);
        std::uint64_t unknown = 0;
        std::set<std::pair<std::uint32_t, std::uint32_t>> seen;
        source.read_referrals([&](adapters::ReferralBatch batch) {
            for (const adapters::ReferralRow& ref : batch) {
                const auto referrer = index.find(ref.referrer_id);
                const auto referee = index.find(ref.referee_id);
                if (referrer == index.end() || referee == index.end()) {
                    ++unknown;
                    continue;
                }
                if (ref.referred_at && zone.day_of(*ref.referred_at) > as_of) continue;
                if (retired[referee->second]) continue;  // past retention: not processed
                if (!seen.emplace(referrer->second, referee->second).second) continue;
                const OrderAggregate& a = agg[referee->second];
                if (a.purchases_total == 0) continue;
                ++count[referrer->second];
                revenue[referrer->second] += a.net_amount_window;
            }
        });
        if (unknown) report.data_quality["referrals_of_unknown_customer"] = unknown;
        number("referrals", [&](std::uint32_t i) { return double(count[i]); });
        number("referral_revenue", [&](std::uint32_t i) { return money(revenue[i]); });
    }

    // Interaction points of the scores (POTENTIAL.md item 2): per point, the interactions of its
    // kind (and keyword) in the window, each weighed 0.5^(age / half-life) when it decays.
    std::vector<std::pair<std::string, config::InteractionPoint>> interaction_points;
    for (const auto& f : options.features)
        if (auto point = config::InteractionPoint::of_feature(f)) interaction_points.emplace_back(f, *point);
    if (!interaction_points.empty()) {
        std::vector<std::vector<double>> weight(interaction_points.size(), std::vector<double>(customers.size(), 0.0));
        if (source.has_table(config::CanonicalTable::Interactions)) {
            std::uint64_t unknown = 0;
            source.read_interactions([&](adapters::InteractionBatch batch) {
                for (const adapters::InteractionRow& row : batch) {
                    const Day day = zone.day_of(row.at);
                    if (day > as_of || day <= window_start) continue;
                    const auto it = index.find(row.customer_id);
                    if (it == index.end()) {
                        ++unknown;
                        continue;
                    }
                    for (std::size_t k = 0; k < interaction_points.size(); ++k) {
                        const config::InteractionPoint& p = interaction_points[k].second;
                        if (row.kind != p.kind) continue;
                        if (!p.keyword.empty() && !(row.keyword && keyword_matches(p.keyword, *row.keyword))) continue;
                        weight[k][it->second] += p.half_life_days
                                                     ? std::exp2(-double(as_of - day) / *p.half_life_days)
                                                     : 1.0;
                    }
                }
            });
            if (unknown) report.data_quality["interactions_of_unknown_customer"] = unknown;
        }
        for (std::size_t k = 0; k < interaction_points.size(); ++k) {
            Column& col = table.add(interaction_points[k].first, ValueType::Number);
            for (std::size_t r = 0; r < n; ++r) col.numbers[r] = weight[k][rows[r]];
        }
    }

    // 5. Background, from the customers table.
    // PRIVACY.md check 9: with mask_identifiers, every free-text value taken from the customers
    // table (gender, district, income band, lead source, interests, text attributes) and every
    // text value of an enrichment table is masked before it enters a column, so that no
    // feature, rule, profile or export sees an identifier a clerk typed into it. Enrichment
    // tables are still joined on the customer's value as mapped (the key is matched, never
    // shown).
    auto free_text = [&](const std::optional<std::string>& v) -> std::optional<std::string> {
        if (!v || !options.mask_identifiers) return v;
        return mask_free_text(*v);
    };
    auto created_day = [&](std::uint32_t i) -> std::optional<Day> {
        if (!customers[i].created_at) return std::nullopt;
        return zone.day_of(*customers[i].created_at);
    };
    number("age", [&](std::uint32_t i) {
        const auto& b = customers[i].birth_date;
        const auto years = b ? full_years(*b, as_of) : std::nullopt;
        return years ? double(*years) : kNullNumber;
    });
    text("age_band", [&](std::uint32_t i) -> std::optional<std::string> {
        const auto& b = customers[i].birth_date;
        const auto years = b ? full_years(*b, as_of) : std::nullopt;
        if (!years) return std::nullopt;
        return age_band(*years);
    });
    text("gender", [&](std::uint32_t i) { return free_text(customers[i].gender); });
    text("district", [&](std::uint32_t i) { return free_text(customers[i].district); });
    text("income_band", [&](std::uint32_t i) { return free_text(customers[i].income_band); });
    text("lead_source", [&](std::uint32_t i) { return free_text(customers[i].lead_source); });
    number("signup_days", [&](std::uint32_t i) {
        const auto d = created_day(i);
        return d ? double(as_of - *d) : kNullNumber;
    });
    flag("is_prospect", [&](std::uint32_t i) -> std::optional<bool> {
        return customers[i].is_prospect.value_or(false) || agg[i].purchases_total == 0;
    });
    flag("marketing_consent", [&](std::uint32_t i) { return customers[i].marketing_consent; });
    if (wants(options, "interests")) {
        Column& col = table.add("interests", ValueType::TextList);
        for (std::size_t r = 0; r < n; ++r) {
            col.offsets[r + 1] = col.offsets[r];
            const auto& raw = customers[rows[r]].interests;
            if (!raw) continue;
            col.list_null[r] = 0;
            // Lower-cased, then masked as a whole (check 9), then split: an identifier is found
            // in its context (what precedes and follows it) as the host wrote it, whatever the
            // commas around it; lower-casing first changes nothing the scanner finds (it matches
            // letters in any case, and lower() only touches ASCII letters) and leaves the mask
            // tokens ("[PHONE]") as they are written everywhere else.
            const std::optional<std::string> v = free_text(lower(*raw));
            std::vector<std::int32_t> seen;
            std::size_t start = 0;
            while (start <= v->size()) {
                std::size_t end = v->find(',', start);
                if (end == std::string::npos) end = v->size();
                const std::string word = trim(std::string_view(*v).substr(start, end - start));
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
    // Opt-outs: the customer's own flag, or an opt-out recorded by id, e-mail or phone.
    if (wants(options, "opted_out")) {
        const OptOutList opt_outs = OptOutList::read(source);
        flag("opted_out", [&](std::uint32_t i) { return opt_outs.opted_out(customers[i]); });
    }

    // Extra attributes, typed as the rule set declares them.
    for (std::size_t k = 0; k < attribute_names.size(); ++k) {
        const std::string name = "attr." + attribute_names[k];
        const auto decl = std::find_if(options.attributes.begin(), options.attributes.end(),
                                       [&](const auto& a) { return a.name == attribute_names[k]; });
        if (decl->type == ValueType::Number) {
            Column& col = table.add(name, ValueType::Number);
            for (std::size_t r = 0; r < n; ++r) {
                const auto& v = customers[rows[r]].attributes[k];
                if (!v || v->empty()) continue;
                const auto x = adapters::parse_number(*v);
                if (!x)
                    throw adapters::DataError("table `customers`, key `" + customers[rows[r]].customer_id +
                                              "`, column `attr_" + attribute_names[k] + "`: `" + *v +
                                              "` is not a number (the rule set declares it a number)");
                col.numbers[r] = *x;
            }
        } else {
            Column& col = table.add(name, ValueType::Text);
            for (std::size_t r = 0; r < n; ++r)
                if (const auto v = free_text(customers[rows[r]].attributes[k])) col.codes[r] = col.intern(*v);
        }
    }

    // Enrichment tables: market information joined on a customer feature.
    for (const auto& e : options.enrichments) {
        std::vector<const config::AttributeDecl*> wanted;
        for (const auto& c : e.columns)
            if (wants(options, "enrich." + e.id + "." + c.name)) wanted.push_back(&c);
        if (wanted.empty()) continue;
        const EnrichmentTable data = load_enrichment(e, source);
        auto key_of = [&](std::uint32_t i) -> const std::optional<std::string>& {
            const CustomerRow& c = customers[i];
            if (e.key == "gender") return c.gender;
            if (e.key == "income_band") return c.income_band;
            if (e.key == "lead_source") return c.lead_source;
            return c.district;
        };
        for (const config::AttributeDecl* c : wanted) {
            const std::size_t at = static_cast<std::size_t>(
                std::find(data.columns.begin(), data.columns.end(), c->name) - data.columns.begin());
            const std::string name = "enrich." + e.id + "." + c->name;
            Column& col = table.add(name, c->type);
            // Text values: masked (check 9) and interned once per row of the table.
            std::unordered_map<const std::string*, std::int32_t> code_of_value;
            for (std::size_t r = 0; r < n; ++r) {
                const auto& key = key_of(rows[r]);
                if (!key) continue;
                const auto row = data.rows.find(*key);
                if (row == data.rows.end() || !row->second[at]) continue;
                const std::string& v = *row->second[at];
                if (c->type == ValueType::Number) {
                    const auto x = adapters::parse_number(v);
                    if (!x)
                        throw adapters::DataError("enrichment table `" + e.id + "`, key `" + *key +
                                                  "`, column `" + c->name + "`: `" + v +
                                                  "` is not a number");
                    col.numbers[r] = *x;
                } else {
                    const auto [at_code, fresh] = code_of_value.try_emplace(&v, kNullCode);
                    if (fresh) at_code->second = col.intern(*free_text(v));
                    col.codes[r] = at_code->second;
                }
            }
        }
    }

    if (options.progress) options.progress("features", n);
    return table;
}

}  // namespace custclass::plugin
