// The engine's hooks (ABI.md, "Hooks a host calls"): one customer re-classified from the host's
// current data when its record or an order changed, and the members of a segment streamed for a
// campaign. Hooks take no run lock: each leases a source and a result store of its own (SOCI
// sessions are not thread-safe), reads only what the customer needs with parameterised queries,
// and places the customer among the customers of the last succeeded run through that run's cut
// points (population_cuts.h). A full run published later replaces what the hooks wrote.
#include <algorithm>
#include <unordered_set>

#include "engine.h"
#include "errors.h"
#include "opt_out_list.h"
#include "soci_source.h"
#include "value_parsing.h"

namespace custclass::plugin {

// A hook connection taken from the engine's pool and given back when the hook succeeds; one
// whose hook failed is dropped (its session may be in a failed transaction).
class Engine::HookLease {
public:
    explicit HookLease(Engine& engine) : engine_(engine) {
        {
            std::lock_guard<std::mutex> lock(engine.hook_pool_mutex_);
            if (!engine.hook_pool_.empty()) {
                connection_ = std::move(engine.hook_pool_.back());
                engine.hook_pool_.pop_back();
            }
        }
        if (!connection_) {
            connection_ = std::make_unique<HookConnection>();
            connection_->store = std::make_unique<adapters::ResultStore>(adapters::ConnectionSpec{
                engine.config_.store.connection, engine.config_.store.password_env});
        }
    }
    ~HookLease() {
        if (!done_) return;
        if (connection_->source) connection_->source->restrict_to_customers({});
        std::lock_guard<std::mutex> lock(engine_.hook_pool_mutex_);
        engine_.hook_pool_.push_back(std::move(connection_));
    }
    HookLease(const HookLease&) = delete;
    HookLease& operator=(const HookLease&) = delete;

    // The host's database, opened on first use (a member list for analytics needs none).
    adapters::Source& source() {
        if (!connection_->source) connection_->source = engine_.database_source();
        return *connection_->source;
    }
    adapters::ResultStore& store() { return *connection_->store; }
    void done() { done_ = true; }

private:
    Engine& engine_;
    std::unique_ptr<HookConnection> connection_;
    bool done_ = false;
};

std::shared_ptr<const Engine::HookBaseline> Engine::hook_baseline(adapters::ResultStore& store) {
    {
        std::lock_guard<std::mutex> lock(publish_mutex_);
        if (baseline_) return baseline_;
    }
    const auto run = store.latest_succeeded_run();
    if (!run)
        throw NotFound("no succeeded full run yet: the hooks place a customer among the customers "
                       "of the last full run, so run a full classification first");
    if (run->population_json.empty())
        throw NotFound("the last full run (" + run->run_id +
                       ") was made by an older plugin and holds no cut points for the hooks: run a "
                       "full classification again");
    PopulationCuts cuts;
    try {
        cuts = PopulationCuts::from_json(nlohmann::json::parse(run->population_json));
    } catch (const std::exception& e) {
        throw adapters::DataError("result store: the cut points of run " + run->run_id +
                                  " cannot be read (" + e.what() + "); run a full classification again");
    }
    auto baseline = std::make_shared<const HookBaseline>(HookBaseline{run->run_id, run->as_of, std::move(cuts)});
    std::lock_guard<std::mutex> lock(publish_mutex_);
    if (!baseline_) baseline_ = baseline;
    return baseline_;
}

nlohmann::ordered_json Engine::reclassify(const std::string& customer_id,
                                          const std::optional<std::string>& order_id,
                                          const RunRequest& request) {
    if (config_.source.preset == "push")
        throw InvalidArgument("the hooks read the host's database, and this engine's source is "
                              "`push`: push the data again (custclass_feed_*) instead");
    const std::string id = adapters::normalise_id(customer_id);
    if (id.empty()) throw InvalidArgument("the customer id is empty");
    const Day as_of = resolve_as_of(request);
    HookLease lease(*this);
    const auto baseline = hook_baseline(lease.store());
    adapters::Source& source = lease.source();

    // The customer, and the customers it referred (their purchases make its referral features).
    std::vector<std::string> scope{id};
    const auto features = config_.rules.features_read();
    const bool wants_referrals =
        std::any_of(features.begin(), features.end(),
                    [](const std::string& f) { return f == "referrals" || f == "referral_revenue"; });
    source.restrict_to_customers(scope);
    if (wants_referrals && source.has_table(config::CanonicalTable::Referrals))
        source.read_referrals([&](adapters::ReferralBatch batch) {
            for (const adapters::ReferralRow& r : batch)
                if (r.referrer_id == id && r.referee_id != id &&
                    std::find(scope.begin(), scope.end(), r.referee_id) == scope.end())
                    scope.push_back(r.referee_id);
        });
    if (order_id) {
        const std::string wanted = adapters::normalise_id(*order_id);
        bool found = false;
        source.read_orders([&](adapters::OrderBatch batch) {
            for (const adapters::OrderRow& o : batch) found = found || o.order_id == wanted;
        });
        if (!found)
            throw NotFound("the order `" + *order_id + "` is not among the orders of customer `" + id +
                           "` in the host database (call the hook after the order is committed)");
    }
    source.restrict_to_customers(scope);

    FeatureBuildReport report;
    FeatureTable table = build_table(source, as_of, config_.rules, {}, nullptr, &report,
                                     &baseline->population);
    const auto row = table.row_of(id);
    if (!row) {
        lease.store().replace_live_assignments(id, baseline->run_id, {});
        lease.done();
        {
            std::lock_guard<std::mutex> lock(publish_mutex_);
            hooked_.erase(id);
        }
        throw NotFound("no customer `" + id + "` exists as of " + config::format_day(as_of) +
                       " in the host database; its live assignments were removed");
    }
    RuleProgram program(config_.rules, as_of);
    const auto results = program.run(table);
    std::vector<adapters::LiveAssignment> live;
    for_each_assignment(config_.rules, results, *row,
                        [&](const std::string& classification, std::optional<std::string_view> segment) {
                            live.push_back({classification, segment ? std::optional<std::string>(*segment)
                                                                    : std::nullopt});
                        });
    lease.store().replace_live_assignments(id, baseline->run_id, live);
    lease.done();

    nlohmann::ordered_json explanation = program.explain(table, *row);
    nlohmann::ordered_json document = {
        {"customer_id", id},
        {"as_of", config::format_day(as_of)},
        {"ruleset",
         {{"name", config_.rules.name}, {"version", config_.rules.version}, {"hash", ruleset_hash_}}},
        {"classifications", std::move(explanation["classifications"])},
        {"scores", std::move(explanation["scores"])},
        {"incremental",
         {{"run_id", baseline->run_id},
          {"run_as_of", baseline->as_of},
          {"order_id", order_id ? nlohmann::ordered_json(*order_id) : nlohmann::ordered_json()},
          {"note", "re-classified from the host's current data; r_score, f_score, m_score, rfm and "
                   "pareto_class place the customer among the customers of run " +
                       baseline->run_id + " (as of " + baseline->as_of +
                       "), through the cut points stored with it"}}}};
    {
        std::lock_guard<std::mutex> lock(publish_mutex_);
        hooked_[id] = {as_of, document};
    }
    if (request.log)
        request.log(1, "customer " + id + " re-classified" +
                           (order_id ? " after order " + *order_id : std::string()));
    return document;
}

nlohmann::ordered_json Engine::members(const MembersRequest& request) {
    if (!request.row) throw InvalidArgument("the row callback is NULL");
    // The classification that has the segment.
    const config::Classification* found = nullptr;
    for (const auto& cls : config_.rules.classifications) {
        if (!request.classification.empty() && cls.id != request.classification) continue;
        for (const auto& seg : cls.segments)
            if (seg.id == request.segment) {
                if (found)
                    throw InvalidArgument("the segment `" + request.segment + "` is in the classifications `" +
                                          found->id + "` and `" + cls.id + "`: name the classification");
                found = &cls;
            }
    }
    if (!found)
        throw NotFound("the rule set has no segment `" + request.segment + "`" +
                       (request.classification.empty() ? std::string()
                                                       : " in a classification `" + request.classification + "`"));
    if (request.purpose == Purpose::DirectMarketing && config_.source.preset == "push")
        throw InvalidArgument("a direct-marketing list reads the host's current consent and opt-outs, "
                              "and this engine's source is `push`");

    HookLease lease(*this);
    const auto run = lease.store().latest_succeeded_run();
    if (!run) throw NotFound("no succeeded full run yet: run a full classification first");
    std::vector<std::string> ids;
    lease.store().read_live_members(found->id, request.segment,
                                    [&](std::string_view c) { ids.emplace_back(c); });

    std::uint64_t no_consent = 0, opted_out = 0;
    std::unordered_set<std::string> left_out;
    if (request.purpose == Purpose::DirectMarketing && !ids.empty()) {
        // The host's current consent and opt-outs (PDPO s.35C-35G): consent recorded, no opt-out.
        const std::unordered_set<std::string> wanted(ids.begin(), ids.end());
        adapters::Source& source = lease.source();
        const OptOutList opt_outs = OptOutList::read(source);
        std::unordered_set<std::string> seen;
        source.read_customers({}, [&](adapters::CustomerBatch batch) {
            for (const adapters::CustomerRow& c : batch) {
                if (!wanted.count(c.customer_id)) continue;
                seen.insert(c.customer_id);
                if (opt_outs.opted_out(c).value_or(false)) {
                    ++opted_out;
                    left_out.insert(c.customer_id);
                } else if (!c.marketing_consent.value_or(false)) {
                    ++no_consent;
                    left_out.insert(c.customer_id);
                }
            }
        });
        // A member the host no longer has: no consent can be read for it.
        for (const auto& c : ids)
            if (!seen.count(c) && left_out.insert(c).second) ++no_consent;
    }
    lease.done();

    std::uint64_t streamed = 0;
    for (const auto& c : ids) {
        if (left_out.count(c)) continue;
        if (!request.row(c))
            throw Cancelled("the member list was stopped by the host's row callback after " +
                            std::to_string(streamed) + " members");
        ++streamed;
    }
    return {{"classification", found->id},
            {"segment", request.segment},
            {"purpose", request.purpose == Purpose::DirectMarketing ? "direct_marketing" : "analytics"},
            {"as_of", run->as_of},
            {"run_id", run->run_id},
            {"streamed", streamed},
            {"excluded", {{"no_consent", no_consent}, {"opted_out", opted_out}}}};
}

}  // namespace custclass::plugin
