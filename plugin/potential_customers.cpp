// Potential customers (POTENTIAL.md): the eleven results a CRM team uses to focus on the
// customers who matter most, find new needs of existing customers and find people likely to
// become customers. Each is computed for a stored run from the host's data as of the run's
// date and the rule set's `potential:` section, with the pure computations in their own files
// (pareto_focus, lookalike_model, referral_network, seasonal_bestsellers, keyword_targeting,
// signup_growth, unmet_demand, lifetime_value); this file reads the data they need, applies
// the privacy policy to every list of people, and writes the potential document
// (abi/schemas/potential.schema.json). The referral rewards a full run grants are decided here
// too, and recorded by the run's publishing transaction.
#include <algorithm>
#include <limits>
#include <cmath>
#include <map>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "contact_rules.h"
#include "content_hash.h"
#include "engine.h"
#include "errors.h"
#include "keyword_targeting.h"
#include "lookalike_model.h"
#include "pareto_focus.h"
#include "pseudonym.h"
#include "purchase_patterns.h"
#include "referral_network.h"
#include "run_assignments.h"
#include "seasonal_bestsellers.h"
#include "signup_growth.h"
#include "unmet_demand.h"
#include "value_parsing.h"

namespace custclass::plugin {

namespace {

using json = nlohmann::ordered_json;

double rounded(double v, int digits = 6) {
    const double scale = std::pow(10.0, digits);
    return std::round(v * scale) / scale;
}

// The value of a number column at a row, or nullopt.
std::optional<double> number_at(const FeatureTable& table, std::string_view feature, std::size_t row) {
    const Column* c = table.find(feature);
    if (!c || is_null(c->numbers[row])) return std::nullopt;
    return c->numbers[row];
}

std::optional<std::string> text_at(const FeatureTable& table, std::string_view feature, std::size_t row) {
    const Column* c = table.find(feature);
    if (!c || c->codes[row] == kNullCode) return std::nullopt;
    return c->dictionary[static_cast<std::size_t>(c->codes[row])];
}

bool flag_at(const FeatureTable& table, std::string_view feature, std::size_t row) {
    const Column* c = table.find(feature);
    return c && c->booleans[row] == 1;
}

std::optional<std::vector<std::string>> list_at(const FeatureTable& table, std::string_view feature,
                                                std::size_t row) {
    const Column* c = table.find(feature);
    if (!c || c->list_null[row]) return std::nullopt;
    std::vector<std::string> out;
    for (std::uint32_t k = c->offsets[row]; k < c->offsets[row + 1]; ++k)
        out.push_back(c->dictionary[static_cast<std::size_t>(c->codes[k])]);
    return out;
}

// Money in minor units as currency units.
double money(std::int64_t minor, int decimals) { return static_cast<double>(minor) / std::pow(10.0, decimals); }

std::int64_t minor(double amount, int decimals) {
    return static_cast<std::int64_t>(std::llround(amount * std::pow(10.0, decimals)));
}

// The segments of one customer of the run, {classification: segment or [segments]}.
json segments_of(const RunAssignments& run, std::optional<std::size_t> run_row) {
    json out = json::object();
    if (!run_row) return out;
    for (const auto& c : run.classifications) {
        if (c.all_matches) {
            json list = json::array();
            for (std::size_t s = 0; s < c.segments.size(); ++s)
                if (c.member(*run_row, s)) list.push_back(c.segments[s].id);
            out[c.id] = std::move(list);
        } else {
            const std::int32_t s = c.result.segment[*run_row];
            out[c.id] = s < 0 ? json() : json(c.segments[static_cast<std::size_t>(s)].id);
        }
    }
    return out;
}

// The classification the per-segment results use.
const ClassificationAssignments& list_classification(const RunAssignments& run, const config::RuleSet& rules) {
    const std::string id = rules.potential.classification.empty() ? rules.classifications.front().id
                                                                  : rules.potential.classification;
    const ClassificationAssignments* c = run.find(id);
    if (!c) throw NotFound("the run holds no classification `" + id + "`");
    return *c;
}

std::vector<Season> seasons_of(const config::RuleSet& rules) {
    if (rules.potential.seasons.empty()) return calendar_quarters();
    std::vector<Season> out;
    for (const auto& s : rules.potential.seasons)
        out.push_back({s.id, s.label, s.from_month, s.from_day, s.to_month, s.to_day});
    return out;
}

json entries_json(const std::vector<BestsellerEntry>& entries, int decimals) {
    json out = json::array();
    for (const auto& e : entries)
        out.push_back({{"id", e.id}, {"revenue", money(e.revenue, decimals)}, {"buyers", e.buyers}, {"lines", e.lines}});
    return out;
}

// What the referral analysis reads: the referrals made on or before as_of (or on no known
// day), and each customer of the table they name with its first purchase (as_of −
// tenure_days) and revenue (monetary). The analysis only looks customers up by the ids in the
// referrals, so the customers no referral names are left out (a million entries otherwise).
struct ReferralInputs {
    std::unordered_map<std::string, ReferralCustomer> customers;
    std::vector<Referral> referrals;
};

std::vector<Referral> read_referrals(adapters::Source& source, Day as_of, const config::TimeZone& zone) {
    std::vector<Referral> referrals;
    source.read_referrals([&](adapters::ReferralBatch batch) {
        for (const adapters::ReferralRow& row : batch) {
            std::optional<Day> on;
            if (row.referred_at) on = zone.day_of(*row.referred_at);
            if (on && *on > as_of) continue;  // after the run's date: not there yet
            referrals.push_back({row.referrer_id, row.referee_id, on});
        }
    });
    return referrals;
}

ReferralInputs referral_inputs(std::vector<Referral> referrals, const FeatureTable& table, Day as_of,
                               int decimals) {
    ReferralInputs in;
    in.referrals = std::move(referrals);
    auto add = [&](const std::string& id) {
        if (in.customers.count(id)) return;
        const auto r = table.row_of(id);
        if (!r) return;  // not a customer of the run: the analysis counts the referral as unknown
        ReferralCustomer c;
        if (const auto t = number_at(table, "tenure_days", *r)) c.first_purchase = as_of - static_cast<Day>(*t);
        c.revenue = minor(number_at(table, "monetary", *r).value_or(0.0), decimals);
        in.customers.emplace(id, c);
    };
    for (const Referral& referral : in.referrals) {
        add(referral.referrer_id);
        add(referral.referee_id);
    }
    return in;
}

}  // namespace

const std::vector<std::string>& potential_list_names() {
    static const std::vector<std::string> names = {
        "focus",    "leads",       "lookalike", "referral-rewards", "key-persons",   "offers",
        "bestsellers", "keywords", "signups",   "unmet-demand",     "lifetime-value"};
    return names;
}

std::optional<PotentialList> potential_list(std::string_view name) {
    const auto& names = potential_list_names();
    const auto it = std::find(names.begin(), names.end(), name);
    if (it == names.end()) return std::nullopt;
    return static_cast<PotentialList>(it - names.begin());
}

std::vector<Referral> Engine::referrals_until(adapters::Source& source, Day as_of) const {
    return read_referrals(source, as_of, config::TimeZone(config_.rules.time_zone));
}

std::vector<adapters::ReferralReward> Engine::referral_rewards_due(std::vector<Referral> referrals,
                                                                   const FeatureTable& table, Day as_of,
                                                                   const std::set<std::string>& rewarded,
                                                                   nlohmann::ordered_json& counts) {
    const ReferralInputs in = referral_inputs(std::move(referrals), table, as_of, config_.source.currency_decimals);
    ReferralOptions options;
    options.decay = config_.rules.potential.referral_decay;
    options.depth = static_cast<int>(config_.rules.potential.referral_depth);
    const ReferralAnalysis analysis = analyse_referrals(in.referrals, in.customers, options);
    const std::vector<SuccessfulReferral> due = rewards_due(analysis, rewarded);
    counts = {{"successful", analysis.successful.size()}, {"pending", analysis.pending}};
    for (const auto& [reason, n] : analysis.ignored) counts["ignored"][reason] = n;
    std::vector<adapters::ReferralReward> out;
    for (const auto& s : due) {
        adapters::ReferralReward r;
        r.referee_id = s.referee_id;
        r.referrer_id = s.referrer_id;
        if (s.referred_on) r.referred_on = config::format_day(*s.referred_on);
        r.first_purchase = config::format_day(s.first_purchase);
        out.push_back(std::move(r));
    }
    return out;
}

nlohmann::ordered_json Engine::potential(const PotentialRequest& request) {
    const SerialWork serial(*this);
    const adapters::RunRecord record = succeeded_run(request.run_id);
    const RunAssignments run = RunAssignments::stored(store(), record, config_.rules);
    const config::RuleSet& rules = config_.rules;
    const config::PotentialDecl& p = rules.potential;
    const int decimals = config_.source.currency_decimals;
    const std::uint64_t k = static_cast<std::uint64_t>(small_cell_k());
    const config::PrivacyPolicy* policy = config_.privacy ? &*config_.privacy : nullptr;
    const std::string list_name = potential_list_names()[static_cast<std::size_t>(request.list)];
    auto source = database_source();
    const config::TimeZone zone(rules.time_zone);
    const Day as_of = run.as_of;
    const Day window_start = static_cast<Day>(as_of - rules.window_days);

    json doc = {{"list", list_name},
                {"run_id", record.run_id},
                {"as_of", record.as_of},
                {"ruleset", {{"name", rules.name}, {"version", rules.version}, {"hash", ruleset_hash_}}}};

    // Lists of people: who may be on them, and under which identifier. Offers are direct
    // marketing by nature.
    const bool people = request.list != PotentialList::Bestsellers && request.list != PotentialList::Signups &&
                        request.list != PotentialList::UnmetDemand;
    const Purpose purpose = request.list == PotentialList::Offers ? Purpose::DirectMarketing : request.purpose;
    std::optional<ContactRules> contact;
    if (people) contact.emplace(policy, purpose, "`" + list_name + "` list");
    const bool marketing = contact && contact->direct_marketing();
    if (marketing && config_.source.pushed())
        throw InvalidArgument("a direct-marketing list reads the host's current consent and opt-outs, "
                              "and this engine's source is `push`");

    // The features every list reads besides the rule set's own.
    std::vector<std::string> extra = {"monetary", "is_prospect"};
    if (marketing) extra.insert(extra.end(), {"marketing_consent", "opted_out"});
    switch (request.list) {
        case PotentialList::ReferralRewards:
        case PotentialList::KeyPersons: extra.push_back("tenure_days"); break;
        case PotentialList::Lookalike: extra.insert(extra.end(), p.lookalike_attributes.begin(), p.lookalike_attributes.end()); break;
        case PotentialList::Keywords:
        case PotentialList::UnmetDemand: extra.push_back("interests"); break;
        case PotentialList::Signups: extra.insert(extra.end(), {"marketing_consent", "lead_source"}); break;
        case PotentialList::LifetimeValue:
            extra.insert(extra.end(), {"p_alive", "expected_purchases_90d", "clv_90d", "frequency"});
            break;
        default: break;
    }
    FeatureBuildReport report;
    FeatureTable table = build_table(*source, as_of, rules, extra, nullptr, &report);
    RuleProgram program(rules, as_of);
    program.run(table);  // the scores
    auto run_row = [&](std::size_t r) { return run.row_of(table.customer_ids()[r]); };

    json rows = json::array();
    std::uint64_t total = 0;
    auto take = [&](json row) {
        ++total;
        if (request.limit == 0 || rows.size() < request.limit) rows.push_back(std::move(row));
    };
    // Reads the interactions in (from, to] (days), by customer row.
    auto read_interactions = [&](Day from, Day to, const std::function<void(std::size_t row, Day day,
                                                                             const adapters::InteractionRow&)>& fn) {
        if (!source->has_table(config::CanonicalTable::Interactions)) return false;
        source->read_interactions([&](adapters::InteractionBatch batch) {
            for (const adapters::InteractionRow& i : batch) {
                const Day day = zone.day_of(i.at);
                if (day > to || day <= from) continue;
                if (const auto r = table.row_of(i.customer_id)) fn(*r, day, i);
            }
        });
        return true;
    };

    switch (request.list) {
        case PotentialList::Focus: {
            std::vector<ParetoCustomer> customers;
            customers.reserve(table.rows());
            for (std::size_t r = 0; r < table.rows(); ++r)
                customers.push_back({table.customer_ids()[r], minor(number_at(table, "monetary", r).value_or(0), decimals)});
            const ParetoFocus f = pareto_focus(customers);
            json curve = json::array();
            for (const auto& pt : f.curve)
                curve.push_back({{"customer_share", rounded(pt.customer_share)}, {"revenue_share", rounded(pt.revenue_share)}});
            json classes = json::object();
            for (int c = 0; c < 3; ++c)
                classes[std::string(1, "ABC"[c])] = {
                    {"customers", f.class_customers[c]},
                    {"revenue", money(f.class_revenue[c], decimals)},
                    {"revenue_share", f.revenue == 0 ? 0.0 : rounded(double(f.class_revenue[c]) / double(f.revenue))}};
            doc["customers_with_revenue"] = f.customers;
            doc["revenue"] = money(f.revenue, decimals);
            doc["customer_share_for_80_percent"] = rounded(f.customer_share_for_80);
            doc["curve"] = std::move(curve);
            doc["classes"] = std::move(classes);
            for (std::size_t i = 0; i < f.order.size() && f.classes[i] == 0; ++i) {
                const std::size_t r = f.order[i];
                const auto id = contact->shown(table, r);
                if (!id) continue;
                take({{"customer_id", *id},
                      {"monetary", money(customers[r].monetary, decimals)},
                      {"revenue_share", rounded(double(customers[r].monetary) / double(f.revenue))},
                      {"segments", segments_of(run, run_row(r))}});
            }
            break;
        }
        case PotentialList::Leads: {
            if (rules.scores.empty())
                throw NotFound("the rule set " + rules.file + " has no `scores`: there is nothing to rank leads by");
            const config::Score* score = request.score.empty() ? &rules.scores.front() : rules.find_score(request.score);
            if (!score) throw NotFound("the rule set " + rules.file + " has no score `" + request.score + "`");
            const Column& value = *table.find(score->id);
            const Column& tier = *table.find(score->id + "_tier");
            std::vector<std::size_t> order(table.rows());
            for (std::size_t r = 0; r < order.size(); ++r) order[r] = r;
            std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
                if (value.numbers[a] != value.numbers[b]) return value.numbers[a] > value.numbers[b];
                return table.customer_ids()[a] < table.customer_ids()[b];
            });
            std::map<std::string, std::uint64_t> tiers;
            for (std::size_t r = 0; r < table.rows(); ++r) ++tiers[tier.dictionary[static_cast<std::size_t>(tier.codes[r])]];
            doc["score"] = {{"id", score->id}, {"label", score->label}};
            const ScorePointsExplainer explainer(program, *score, table);
            doc["tiers"] = tiers;
            for (const std::size_t r : order) {
                const auto id = contact->shown(table, r);
                if (!id) continue;
                const bool shown = request.limit == 0 || rows.size() < request.limit;
                json row = {{"customer_id", *id},
                            {"score", value.numbers[r]},
                            {"tier", tier.dictionary[static_cast<std::size_t>(tier.codes[r])]},
                            {"is_prospect", flag_at(table, "is_prospect", r)}};
                if (shown) row["points"] = explainer.points(r);
                take(std::move(row));
            }
            break;
        }
        case PotentialList::Lookalike: {
            if (p.lookalike_targets.empty())
                throw NotFound("the rule set " + rules.file +
                               " names no look-alike targets (`potential: lookalike: targets:`)");
            LookalikeOptions options;
            options.alpha = p.lookalike_smoothing;
            // The interests are a set of keywords (the Bernoulli part of the model); the other
            // attributes one value each.
            options.use_keywords = false;
            for (const auto& a : p.lookalike_attributes)
                if (a == "interests")
                    options.use_keywords = true;
                else
                    options.attributes.push_back(a);
            auto example = [&](std::size_t r) {
                LookalikeExample e;
                for (const auto& a : options.attributes) e.values.push_back(text_at(table, a, r));
                if (options.use_keywords) e.keywords = list_at(table, "interests", r);
                return e;
            };
            // Training: the customers (not prospects) of the run, target = in a target segment.
            std::vector<std::pair<const ClassificationAssignments*, std::size_t>> targets;
            for (const auto& t : p.lookalike_targets)
                if (const auto* c = run.find(t.classification))
                    if (const auto s = c->segment_index(t.segment)) targets.emplace_back(c, *s);
            std::vector<LookalikeExample> training;
            std::vector<std::size_t> prospects;
            for (std::size_t r = 0; r < table.rows(); ++r) {
                if (flag_at(table, "is_prospect", r)) {
                    prospects.push_back(r);
                    continue;
                }
                LookalikeExample e = example(r);
                if (const auto rr = run_row(r))
                    for (const auto& [c, s] : targets) e.target = e.target || c->member(*rr, s);
                training.push_back(std::move(e));
            }
            LookalikeModel model = [&] {
                try {
                    return LookalikeModel::train(training, options);
                } catch (const std::invalid_argument& e) {
                    throw NotFound(std::string("the look-alike model cannot be trained on this run: ") + e.what());
                }
            }();
            json evidence = json::array();
            for (const auto& ev : model.evidence()) {
                if (ev.support < k) continue;  // small cells
                evidence.push_back({{"attribute", ev.attribute}, {"value", ev.value}, {"support", ev.support},
                                    {"targets", ev.targets}, {"weight", rounded(ev.weight)}});
                if (evidence.size() == 10) break;
            }
            json targets_json = json::array();
            for (const auto& t : p.lookalike_targets) targets_json.push_back(t.classification + "." + t.segment);
            doc["model"] = {{"targets", std::move(targets_json)},
                            {"attributes", p.lookalike_attributes},
                            {"smoothing", p.lookalike_smoothing},
                            {"examples", model.examples()},
                            {"target_examples", model.targets()},
                            {"prior", rounded(model.prior())},
                            {"top_evidence", std::move(evidence)}};
            std::vector<std::pair<double, std::size_t>> ranked;
            std::vector<LookalikeScore> scores(table.rows());
            for (const std::size_t r : prospects) {
                scores[r] = model.score(example(r));
                ranked.emplace_back(scores[r].probability, r);
            }
            std::sort(ranked.begin(), ranked.end(), [&](const auto& a, const auto& b) {
                if (a.first != b.first) return a.first > b.first;
                return table.customer_ids()[a.second] < table.customer_ids()[b.second];
            });
            doc["prospects"] = prospects.size();
            for (const auto& [probability, r] : ranked) {
                const auto id = contact->shown(table, r);
                if (!id) continue;
                json because = json::array();
                for (const auto& c : scores[r].contributions) {
                    if (c.weight <= 0) continue;
                    because.push_back({{"attribute", c.attribute}, {"value", c.value ? json(*c.value) : json()},
                                       {"weight", rounded(c.weight)}});
                    if (because.size() == 3) break;
                }
                take({{"customer_id", *id}, {"probability", rounded(probability)}, {"top_attributes", std::move(because)}});
            }
            break;
        }
        case PotentialList::ReferralRewards: {
            const auto rewards = store().read_referral_rewards(record.run_id);
            const auto by_id = [&](const std::string& id) { return table.row_of(id); };
            std::uint64_t left_out = 0;
            for (const auto& r : rewards) {
                const auto a = by_id(r.referrer_id), b = by_id(r.referee_id);
                std::optional<std::string> referrer, referee;
                if (a && b) {
                    referrer = contact->shown(table, *a);
                    referee = referrer ? contact->shown(table, *b) : std::nullopt;
                } else if (!marketing) {
                    referrer = contact->identifier(r.referrer_id);
                    referee = contact->identifier(r.referee_id);
                }
                if (!referrer || !referee) {
                    ++left_out;
                    continue;
                }
                take({{"referrer_id", *referrer}, {"referee_id", *referee},
                      {"referred_on", r.referred_on ? json(*r.referred_on) : json()},
                      {"first_purchase", r.first_purchase}, {"rewarded_at", r.rewarded_at}});
            }
            doc["granted_by_run"] = rewards.size();
            if (left_out) doc["not_listed"] = left_out;
            break;
        }
        case PotentialList::KeyPersons: {
            if (!source->has_table(config::CanonicalTable::Referrals))
                throw NotFound("the source maps no `referrals` table");
            const ReferralInputs in = referral_inputs(read_referrals(*source, as_of, zone), table, as_of, decimals);
            ReferralOptions options{p.referral_decay, static_cast<int>(p.referral_depth)};
            const ReferralAnalysis analysis = analyse_referrals(in.referrals, in.customers, options);
            doc["decay"] = p.referral_decay;
            doc["depth"] = p.referral_depth;
            for (const auto& kp : analysis.key_persons) {
                const auto r = table.row_of(kp.customer_id);
                const auto id = r ? contact->shown(table, *r) : std::nullopt;
                if (!id) continue;
                json levels = json::array();
                for (std::size_t l = 0; l < kp.levels.size(); ++l)
                    levels.push_back({{"level", l + 1}, {"people", kp.levels[l].people}, {"buyers", kp.levels[l].buyers},
                                      {"revenue", money(kp.levels[l].revenue, decimals)}});
                take({{"customer_id", *id},
                      {"influence", rounded(kp.influence / std::pow(10.0, decimals), 4)},
                      {"reach", kp.reach},
                      {"levels", std::move(levels)}});
            }
            break;
        }
        case PotentialList::Offers: {
            // The offers of the rule set, or one per direct-marketing segment.
            std::vector<config::OfferDecl> generated;
            std::vector<const config::OfferDecl*> offers;
            for (const auto& o : p.offers) offers.push_back(&o);
            if (offers.empty()) {
                for (const auto& c : rules.classifications)
                    for (const auto& s : c.segments)
                        if (s.direct_marketing) {
                            config::OfferDecl o;
                            o.id = c.id + "." + s.id;
                            o.label = s.label;
                            o.segments.push_back({c.id, s.id, {}});
                            generated.push_back(std::move(o));
                        }
                for (const auto& o : generated) offers.push_back(&o);
            }
            json list = json::array();
            for (const config::OfferDecl* o : offers) {
                std::vector<std::uint8_t> when;
                if (o->when.expr) when = program.evaluate(o->when, table);
                std::vector<std::pair<const ClassificationAssignments*, std::size_t>> segs;
                json seg_names = json::array();
                for (const auto& ref : o->segments) {
                    seg_names.push_back(ref.classification + "." + ref.segment);
                    if (const auto* c = run.find(ref.classification))
                        if (const auto s = c->segment_index(ref.segment)) segs.emplace_back(c, *s);
                }
                ContactRules rules_of_offer(policy, Purpose::DirectMarketing, "offer list");
                std::uint64_t targeted = 0;
                std::vector<std::string> ids;
                for (std::size_t r = 0; r < table.rows(); ++r) {
                    const auto rr = run_row(r);
                    if (!rr) continue;
                    bool in = false;
                    for (const auto& [c, s] : segs) in = in || c->member(*rr, s);
                    if (!in || (!when.empty() && !when[r])) continue;
                    ++targeted;
                    if (const auto id = rules_of_offer.shown(table, r)) ids.push_back(*id);
                }
                // In identifier order, the first `limit` of them.
                std::sort(ids.begin(), ids.end());
                const std::uint64_t listed = ids.size();
                if (request.limit != 0 && ids.size() > request.limit) ids.resize(request.limit);
                const json members = ids;
                total += listed;
                list.push_back({{"id", o->id},
                                {"label", o->label},
                                {"segments", std::move(seg_names)},
                                {"when", o->when.text.empty() ? json() : json(o->when.text)},
                                {"targeted", targeted},
                                {"excluded", rules_of_offer.excluded()},
                                {"members", listed},
                                {"customers", members}});
            }
            doc["offers"] = std::move(list);
            break;
        }
        case PotentialList::Bestsellers: {
            const ClassificationAssignments& cls = list_classification(run, rules);
            const std::vector<Season> seasons = seasons_of(rules);
            BestsellerTally tally(cls.segments.size(), seasons);
            if (!source->has_table(config::CanonicalTable::OrderLines))
                throw NotFound("the source maps no `order_lines` table: best-sellers need the products bought");
            std::unordered_map<std::string, std::uint32_t> customer_index;
            source->read_order_lines([&](adapters::OrderLineBatch batch) {
                for (const auto& line : batch) {
                    // Sold lines of purchases: a returned line (amount <= 0) sells nothing.
                    if (line.order_amount <= 0 || line.amount <= 0) continue;
                    const Day day = zone.day_of(line.ordered_at);
                    if (day > as_of || day <= window_start) continue;
                    const auto rr = run.row_of(line.customer_id);
                    if (!rr) continue;
                    const auto ci = customer_index.try_emplace(line.customer_id, static_cast<std::uint32_t>(customer_index.size())).first->second;
                    const std::string category = line.category ? adapters::lower(*line.category) : std::string();
                    for (std::size_t s = 0; s < cls.segments.size(); ++s)
                        if (cls.member(*rr, s)) tally.add(s, ci, day, line.product_id, category, line.amount);
                }
            });
            const auto result = tally.result(static_cast<std::size_t>(p.bestsellers_top), k);
            json seasons_json = json::array();
            for (const auto& s : seasons) seasons_json.push_back({{"id", s.id}, {"label", s.label}});
            json segments = json::array();
            for (std::size_t s = 0; s < cls.segments.size(); ++s) {
                json per_season = json::array();
                for (std::size_t q = 0; q < seasons.size(); ++q) {
                    const SeasonBestsellers& b = result[s][q];
                    per_season.push_back({{"season", seasons[q].id},
                                          {"revenue", b.suppressed ? json() : json(money(b.revenue, decimals))},
                                          {"buyers", b.suppressed ? json() : json(b.buyers)},
                                          {"suppressed", b.suppressed},
                                          {"products_by_revenue", entries_json(b.products_by_revenue, decimals)},
                                          {"products_by_buyers", entries_json(b.products_by_buyers, decimals)},
                                          {"categories_by_revenue", entries_json(b.categories_by_revenue, decimals)},
                                          {"categories_by_buyers", entries_json(b.categories_by_buyers, decimals)}});
                }
                segments.push_back({{"segment", cls.segments[s].id}, {"label", cls.segments[s].label},
                                    {"seasons", std::move(per_season)}});
            }
            doc["classification"] = cls.id;
            doc["k"] = k;
            doc["seasons"] = std::move(seasons_json);
            doc["segments"] = std::move(segments);
            break;
        }
        case PotentialList::Keywords: {
            if (p.keywords.empty() && !source->has_table(config::CanonicalTable::Interactions))
                throw NotFound("the rule set names no campaign keywords (`potential: keywords:`) and the source "
                               "maps no `interactions`: there is nothing to target or trend");
            const KeywordMatcher matcher(p.keywords);
            // Targets: interests, and searches in the window.
            std::vector<std::set<std::size_t>> matched(table.rows());
            for (std::size_t r = 0; r < table.rows(); ++r)
                if (const auto interests = list_at(table, "interests", r))
                    for (const auto& i : *interests)
                        for (const std::size_t m : matcher.matches(i)) matched[r].insert(m);
            // Trending: the run's customers who searched each term in the keyword period before
            // each run's date.
            std::map<std::string, std::set<std::size_t>> now;
            const Day period_start = static_cast<Day>(as_of - p.keyword_period_days);
            read_interactions(std::min(window_start, period_start), as_of, [&](std::size_t r, Day day, const adapters::InteractionRow& i) {
                if (i.kind != "search" || !i.keyword) return;
                if (day > window_start)
                    for (const std::size_t m : matcher.matches(*i.keyword)) matched[r].insert(m);
                if (day > period_start) {
                    const std::string term = normalise_keyword(*i.keyword);
                    if (!term.empty()) now[term].insert(r);
                }
            });
            json campaign = json::array();
            // Each person matched by any keyword passes the contact rules once (and is counted
            // once in `excluded` and `total`).
            std::map<std::size_t, std::optional<std::string>> shown;
            for (std::size_t r = 0; r < table.rows(); ++r)
                if (!matched[r].empty()) shown.emplace(r, contact->shown(table, r));
            for (const auto& [r, id] : shown) total += id.has_value();
            for (std::size_t m = 0; m < p.keywords.size(); ++m) {
                std::uint64_t customers = 0, prospects = 0;
                std::vector<std::string> ids;
                for (const auto& [r, id] : shown) {
                    if (!matched[r].count(m)) continue;
                    ++(flag_at(table, "is_prospect", r) ? prospects : customers);
                    if (id) ids.push_back(*id);
                }
                std::sort(ids.begin(), ids.end());
                const std::uint64_t listed = ids.size();
                if (request.limit != 0 && ids.size() > request.limit) ids.resize(request.limit);
                campaign.push_back({{"keyword", p.keywords[m]}, {"customers", customers}, {"prospects", prospects},
                                    {"listed", listed}, {"people", ids}});
            }
            doc["campaign_keywords"] = std::move(campaign);
            // The earlier run's period, read from the same source as of its own date.
            std::optional<adapters::RunRecord> from;
            if (!request.from_run_id.empty())
                from = succeeded_run(request.from_run_id);
            else
                from = store().previous_succeeded_run(record.run_id);
            json trending = json();
            if (from && source->has_table(config::CanonicalTable::Interactions)) {
                const Day from_as_of = *config::parse_day(from->as_of);
                const Day from_start = static_cast<Day>(from_as_of - p.keyword_period_days);
                std::map<std::string, std::set<std::string>> before_people;
                source->read_interactions([&](adapters::InteractionBatch batch) {
                    for (const auto& i : batch) {
                        if (i.kind != "search" || !i.keyword) continue;
                        const Day day = zone.day_of(i.at);
                        if (day > from_as_of || day <= from_start) continue;
                        // The same people as the later period counts: the customers of this run.
                        const std::string term = normalise_keyword(*i.keyword);
                        if (!term.empty() && table.row_of(i.customer_id)) before_people[term].insert(i.customer_id);
                    }
                });
                std::map<std::string, std::uint64_t> before, after;
                for (const auto& [t, s] : before_people) before[t] = s.size();
                for (const auto& [t, s] : now) after[t] = s.size();
                json list = json::array();
                for (const auto& c : trending_keywords(before, after, k, 20))
                    list.push_back({{"keyword", c.keyword}, {"before", c.before}, {"after", c.after},
                                    {"growth", rounded(c.growth, 4)}});
                trending = {{"from_run_id", from->run_id}, {"from_as_of", from->as_of},
                            {"period_days", p.keyword_period_days}, {"keywords", std::move(list)}};
            }
            doc["trending"] = std::move(trending);
            break;
        }
        case PotentialList::Signups: {
            // Prospects with an e-mail and consent, captured from the website: a lead source named
            // in signup_sources (captured on their creation day) or a `signup` interaction
            // (captured on the first).
            std::unordered_map<std::size_t, SignupCapture> captured;
            std::vector<std::uint8_t> has_email(table.rows(), 0);
            std::vector<std::optional<Day>> created(table.rows());
            auto customers = database_source();
            customers->restrict_customer_columns({"customer_id", "created_at", "email", "lead_source"});
            customers->read_customers({}, [&](adapters::CustomerBatch batch) {
                for (const auto& c : batch) {
                    const auto r = table.row_of(c.customer_id);
                    if (!r) continue;
                    has_email[*r] = c.email && !c.email->empty();
                    if (c.created_at) created[*r] = zone.day_of(*c.created_at);
                }
            });
            auto eligible = [&](std::size_t r) {
                return flag_at(table, "is_prospect", r) && flag_at(table, "marketing_consent", r) && has_email[r];
            };
            // Captured when the lead source is a sign-up source or the prospect signed up (a
            // `signup` interaction): on the first sign-up, else on the creation day; counted
            // under the lead source ("unknown" when the host has none).
            std::unordered_map<std::size_t, Day> first_signup;
            read_interactions(std::numeric_limits<Day>::min(), as_of, [&](std::size_t r, Day day, const adapters::InteractionRow& i) {
                if (i.kind != "signup") return;
                auto [it, fresh] = first_signup.try_emplace(r, day);
                if (!fresh && day < it->second) it->second = day;
            });
            for (std::size_t r = 0; r < table.rows(); ++r) {
                if (!eligible(r)) continue;
                const auto lead = text_at(table, "lead_source", r);
                const std::string source_name = lead ? adapters::lower(*lead) : "unknown";
                const bool web_lead = std::find(p.signup_sources.begin(), p.signup_sources.end(), source_name) !=
                                      p.signup_sources.end();
                const auto signed_up = first_signup.find(r);
                if (signed_up != first_signup.end())
                    captured[r] = {signed_up->second, source_name};
                else if (web_lead && created[r])
                    captured[r] = {*created[r], source_name};
            }
            std::vector<SignupCapture> captures;
            for (const auto& [r, c] : captured)
                if (c.day > window_start && c.day <= as_of) captures.push_back(c);
            const SignupGrowth g = count_signups(captures, k);
            json periods = json::array();
            for (const auto& period : g.periods)
                periods.push_back({{"period", period.period}, {"by_source", period.by_source},
                                   {"suppressed_sources", period.suppressed_sources},
                                   {"total", period.total_suppressed ? json() : json(period.total)}});
            doc["signup_sources"] = p.signup_sources;
            doc["k"] = k;
            doc["periods"] = std::move(periods);
            doc["by_source"] = g.total_by_source;
            doc["suppressed_sources"] = g.suppressed_sources;
            doc["total"] = g.total_suppressed ? json() : json(g.total);
            break;
        }
        case PotentialList::UnmetDemand: {
            const ClassificationAssignments& cls = list_classification(run, rules);
            // Interests and searches of each segment's members, counted in people.
            std::vector<std::map<std::string, std::set<std::size_t>>> expressed(cls.segments.size());
            auto express = [&](std::size_t r, const std::string& text) {
                const std::string kw = normalise_keyword(text);
                if (kw.empty()) return;
                if (const auto rr = run_row(r))
                    for (std::size_t s = 0; s < cls.segments.size(); ++s)
                        if (cls.member(*rr, s)) expressed[s][kw].insert(r);
            };
            for (std::size_t r = 0; r < table.rows(); ++r)
                if (const auto interests = list_at(table, "interests", r))
                    for (const auto& i : *interests) express(r, i);
            read_interactions(window_start, as_of, [&](std::size_t r, Day, const adapters::InteractionRow& i) {
                if (i.kind == "search" && i.keyword) express(r, *i.keyword);
            });
            const PurchasePatterns now = read_purchase_patterns(*source, run, {as_of, rules.window_days, rules.time_zone});
            std::optional<adapters::RunRecord> from;
            if (!request.from_run_id.empty())
                from = succeeded_run(request.from_run_id);
            else
                from = store().previous_succeeded_run(record.run_id);
            std::optional<RunAssignments> earlier;
            std::optional<PurchasePatterns> before;
            if (from) {
                earlier = RunAssignments::stored(store(), *from, rules);
                before = read_purchase_patterns(*source, *earlier, {earlier->as_of, rules.window_days, rules.time_zone});
            }
            // The rule set maps a category to the keywords it serves; CategoryServes takes
            // keyword -> categories.
            std::map<std::string, std::vector<std::string>> by_keyword;
            for (const auto& [category, keywords] : p.category_keywords)
                for (const auto& keyword : keywords) by_keyword[keyword].push_back(category);
            const CategoryServes serves(std::move(by_keyword));
            const std::size_t c_index = static_cast<std::size_t>(&cls - run.classifications.data());
            json segments = json::array();
            for (std::size_t s = 0; s < cls.segments.size(); ++s) {
                std::uint64_t size = 0;
                for (std::size_t rr = 0; rr < run.customer_ids.size(); ++rr) size += cls.member(rr, s);
                std::map<std::string, std::uint64_t> counts;
                for (const auto& [kw, who] : expressed[s]) counts[kw] = who.size();
                std::set<std::string> bought;
                std::map<std::string, std::uint64_t> buyers_now;
                for (const auto& [cat, t] : now.segments[c_index][s].categories)
                    if (t.buyers > 0) {
                        bought.insert(cat);
                        buyers_now[cat] = t.buyers;
                    }
                json unmet = json::array();
                for (const auto& u : unmet_interests(counts, bought, serves, size, k))
                    unmet.push_back({{"keyword", u.keyword}, {"people", u.people}, {"share", rounded(u.share, 4)}});
                json falling = json();
                if (earlier) {
                    const ClassificationAssignments* e = earlier->find(cls.id);
                    const auto es = e ? e->segment_index(cls.segments[s].id) : std::nullopt;
                    falling = json::array();
                    if (es) {
                        const std::size_t ec = static_cast<std::size_t>(e - earlier->classifications.data());
                        std::map<std::string, std::uint64_t> buyers_before;
                        for (const auto& [cat, t] : before->segments[ec][*es].categories)
                            if (t.buyers > 0) buyers_before[cat] = t.buyers;
                        for (const auto& f : falling_categories(buyers_before, buyers_now, k))
                            falling.push_back({{"category", f.category}, {"buyers_before", f.buyers_before},
                                               {"buyers_after", f.after_suppressed ? json() : json(f.buyers_after)},
                                               {"change", rounded(f.change, 4)}});
                    }
                }
                segments.push_back({{"segment", cls.segments[s].id}, {"label", cls.segments[s].label},
                                    {"customers", size}, {"unmet_interests", std::move(unmet)},
                                    {"falling_categories", std::move(falling)}});
            }
            doc["classification"] = cls.id;
            doc["k"] = k;
            doc["from_run_id"] = from ? json(from->run_id) : json();
            doc["segments"] = std::move(segments);
            break;
        }
        case PotentialList::LifetimeValue: {
            doc["models"] = report.lifetime_value;
            const Column& clv = *table.find("clv_90d");
            std::vector<std::size_t> order;
            for (std::size_t r = 0; r < table.rows(); ++r)
                if (!is_null(clv.numbers[r])) order.push_back(r);
            std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
                if (clv.numbers[a] != clv.numbers[b]) return clv.numbers[a] > clv.numbers[b];
                return table.customer_ids()[a] < table.customer_ids()[b];
            });
            doc["customers_valued"] = order.size();
            for (const std::size_t r : order) {
                const auto id = contact->shown(table, r);
                if (!id) continue;
                take({{"customer_id", *id},
                      {"p_alive", rounded(*number_at(table, "p_alive", r))},
                      {"expected_purchases_90d", rounded(*number_at(table, "expected_purchases_90d", r))},
                      {"clv_90d", rounded(clv.numbers[r], 2)},
                      {"frequency", number_at(table, "frequency", r).value_or(0)}});
            }
            break;
        }
    }
    if (people) {
        doc["purpose"] = contact->purpose_name();
        doc["identifiers"] = contact->identifiers();
        if (request.list != PotentialList::Offers) {
            doc["excluded"] = contact->excluded();
            doc["total"] = total;
            doc["limit"] = request.limit;
            doc["customers"] = std::move(rows);
        }
        // The list is logged before anyone sees it; no log, no list (check 15).
        if (policy)
            store().record_audit(random_uuid(), request.actor, "potential_list", list_name, total,
                                 std::string("purpose ") + contact->purpose_name() + ", " + contact->identifiers() +
                                     ", run " + record.run_id);
    }
    return doc;
}

}  // namespace custclass::plugin
