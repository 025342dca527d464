// The engine's hooks (ABI.md, "Hooks a host calls"): one customer re-classified from the host's
// current data when its record or an order changed, and the members of a segment streamed for a
// campaign. Hooks take no run lock: each leases a source and a result store of its own (SOCI
// sessions are not thread-safe), reads only what the customer needs with parameterised queries,
// and places the customer among the customers of the last succeeded run through that run's cut
// points (population_cuts.h). A full run published later replaces what the hooks wrote.
#include <algorithm>
#include <unordered_set>

#include "content_hash.h"
#include "contact_rules.h"
#include "engine.h"
#include "errors.h"
#include "opt_out_list.h"
#include "privacy_gate.h"
#include "pseudonym.h"
#include "soci_source.h"
#include "value_parsing.h"

namespace custclass::plugin {

namespace {

// Whether a customer's written transfer consent (comma-separated classes of recipient) names
// `recipient`, compared case-insensitively.
bool transfer_consent_names(const std::optional<std::string>& consent,
                            const std::string& recipient) {
    if (!consent) return false;
    const std::string wanted = adapters::lower(recipient);
    std::size_t start = 0;
    while (start <= consent->size()) {
        std::size_t end = consent->find(',', start);
        if (end == std::string::npos) end = consent->size();
        std::string item = adapters::lower(std::string_view(*consent).substr(start, end - start));
        item.erase(0, item.find_first_not_of(" \t"));
        item.erase(item.find_last_not_of(" \t") + 1);
        if (item == wanted) return true;
        start = end + 1;
    }
    return false;
}

}  // namespace

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
        if (connection_->source) {
            connection_->source->restrict_to_customers({});
            connection_->source->restrict_customer_columns({});
        }
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

void Engine::update_live(adapters::ResultStore& store, const std::string& customer_id,
                         const std::string& run_id, std::vector<adapters::LiveAssignment> rows) {
    std::shared_lock<std::shared_mutex> gate(live_gate_);
    if (run_in_progress_) {
        std::lock_guard<std::mutex> lock(pending_mutex_);
        pending_live_[customer_id] = PendingLive{run_id, std::move(rows)};
        return;
    }
    const auto one_writer = sqlite_writer();
    store.replace_live_assignments(customer_id, run_id, rows);
}

std::unique_lock<std::mutex> Engine::sqlite_writer() {
    std::unique_lock<std::mutex> one_writer(sqlite_write_mutex_, std::defer_lock);
    if (config_.store.connection.rfind("sqlite3://", 0) == 0) one_writer.lock();
    return one_writer;
}

std::shared_ptr<const Engine::HookBaseline> Engine::hook_baseline(adapters::ResultStore& store) {
    std::uint64_t epoch = 0;
    {
        std::lock_guard<std::mutex> lock(publish_mutex_);
        if (baseline_) return baseline_;
        epoch = baseline_epoch_;
    }
    const auto run = store.latest_succeeded_run();
    if (!run)
        throw NotFound(
            "no succeeded full run yet: the hooks place a customer among the customers "
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
                                  " cannot be read (" + e.what() +
                                  "); run a full classification again");
    }
    auto baseline = std::make_shared<const HookBaseline>(
        HookBaseline{run->run_id, run->as_of, std::move(cuts)});
    std::lock_guard<std::mutex> lock(publish_mutex_);
    if (baseline_) return baseline_;
    // A run or an erasure since the store was read: use what was read, cache nothing.
    if (epoch != baseline_epoch_) return baseline;
    baseline_ = baseline;
    return baseline_;
}

nlohmann::ordered_json Engine::reclassify(const std::string& customer_id,
                                          const std::optional<std::string>& order_id,
                                          const RunRequest& request) {
    if (config_.source.pushed())
        throw InvalidArgument(
            "the hooks read the host's database, and this engine's source is "
            "`push`: push the data again (custclass_feed_*) instead");
    const std::string id = adapters::normalise_id(customer_id);
    if (id.empty()) throw InvalidArgument("the customer id is empty");
    // A hook publishes (the live table): the gate as for a production run.
    require_privacy(true);
    const Day as_of = resolve_as_of(request);
    HookLease lease(*this);
    const auto baseline = hook_baseline(lease.store());
    adapters::Source& source = lease.source();

    // The customer, and the customers it referred (their purchases make its referral features).
    std::vector<std::string> scope{id};
    const auto features = config_.rules.features_read();
    const bool wants_referrals = std::any_of(
        features.begin(), features.end(),
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
            throw NotFound("the order `" + *order_id + "` is not among the orders of customer `" +
                           id +
                           "` in the host database (call the hook after the order is committed)");
    }
    source.restrict_to_customers(scope);

    FeatureBuildReport report;
    FeatureTable table =
        build_table(source, as_of, config_.rules, {}, nullptr, &report, &baseline->population);
    const auto row = table.row_of(id);
    if (!row) {
        update_live(lease.store(), id, baseline->run_id, {});
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
    for_each_assignment(
        config_.rules, results, *row,
        [&](const std::string& classification, std::optional<std::string_view> segment) {
            live.push_back(
                {classification, segment ? std::optional<std::string>(*segment) : std::nullopt});
        });
    update_live(lease.store(), id, baseline->run_id, std::move(live));
    lease.done();

    nlohmann::ordered_json explanation = program.explain(table, *row);
    nlohmann::ordered_json document = {
        {"customer_id", id},
        {"as_of", config::format_day(as_of)},
        {"ruleset",
         {{"name", config_.rules.name},
          {"version", config_.rules.version},
          {"hash", ruleset_hash_}}},
        {"classifications", std::move(explanation["classifications"])},
        {"scores", std::move(explanation["scores"])},
        {"incremental",
         {{"run_id", baseline->run_id},
          {"run_as_of", baseline->as_of},
          {"order_id", order_id ? nlohmann::ordered_json(*order_id) : nlohmann::ordered_json()},
          {"note",
           "re-classified from the host's current data; r_score, f_score, m_score, rfm and "
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
                    throw InvalidArgument("the segment `" + request.segment +
                                          "` is in the classifications `" + found->id + "` and `" +
                                          cls.id + "`: name the classification");
                found = &cls;
            }
    }
    if (!found)
        throw NotFound("the rule set has no segment `" + request.segment + "`" +
                       (request.classification.empty()
                            ? std::string()
                            : " in a classification `" + request.classification + "`"));
    if (request.purpose == Purpose::DirectMarketing && config_.source.pushed())
        throw InvalidArgument(
            "a direct-marketing list reads the host's current consent and opt-outs, "
            "and this engine's source is `push`");
    const config::Segment& segment =
        *std::find_if(found->segments.begin(), found->segments.end(),
                      [&](const config::Segment& s) { return s.id == request.segment; });
    const config::PrivacyPolicy* policy = config_.privacy ? &*config_.privacy : nullptr;
    // Under a policy: a direct-marketing list only of a segment the rule set marks for it
    // (purpose binding of the output), and customer ids only for the purposes that need
    // identity; every other list carries pseudonyms, and without the key it is refused (10).
    if (policy && request.purpose == Purpose::DirectMarketing && !segment.direct_marketing)
        throw PrivacyRefusal(
            "PRIVACY.md check 5: the segment `" + segment.id + "` of `" + found->id +
            "` is not marked `direct_marketing: true` in the rule set " + config_.rules.file +
            ", so its members may not be exported for direct marketing");
    const ContactRules contact(policy, request.purpose, "member list");
    const std::string purpose = contact.purpose_name();

    HookLease lease(*this);
    const auto run = lease.store().latest_succeeded_run();
    if (!run) throw NotFound("no succeeded full run yet: run a full classification first");
    std::vector<std::string> ids;
    lease.store().read_live_members(found->id, request.segment,
                                    [&](std::string_view c) { ids.emplace_back(c); });

    // The list is logged before anyone sees it; no log, no list (check 15).
    if (policy)
        lease.store().record_audit(random_uuid(), request.actor, "member_list",
                                   found->id + "/" + request.segment, ids.size(),
                                   "purpose " + purpose +
                                       (contact.pseudonymised() ? ", pseudonymised" : ", customer ids") +
                                       ", live assignments of run " + run->run_id);

    std::uint64_t no_consent = 0, opted_out = 0, no_transfer_consent = 0;
    std::unordered_set<std::string> left_out;
    if (request.purpose == Purpose::DirectMarketing && !ids.empty()) {
        // The host's current consent and opt-outs (PDPO s.35C-35G): consent recorded, no opt-out.
        const std::unordered_set<std::string> wanted(ids.begin(), ids.end());
        adapters::Source& source = lease.source();
        const OptOutList opt_outs = OptOutList::read(source);
        std::unordered_set<std::string> seen;
        // Only what consent, opt-outs and transfers need (check 2).
        source.restrict_customer_columns({"customer_id", "marketing_consent", "opted_out", "email",
                                          "phone", "transfer_consent"});
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
                } else if (!segment.transfer_to.empty() &&
                           !transfer_consent_names(c.transfer_consent, segment.transfer_to)) {
                    // Check 7: a transfer for the recipient's own marketing needs written
                    // consent naming that class of recipient.
                    ++no_transfer_consent;
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
        if (!request.row(contact.identifier(c)))
            throw Cancelled("the member list was stopped by the host's row callback after " +
                            std::to_string(streamed) + " members");
        ++streamed;
    }
    nlohmann::ordered_json excluded = {{"no_consent", no_consent}, {"opted_out", opted_out}};
    if (!segment.transfer_to.empty()) excluded["no_transfer_consent"] = no_transfer_consent;
    return {
        {"classification", found->id},
        {"segment", request.segment},
        {"purpose", request.purpose == Purpose::DirectMarketing ? "direct_marketing" : "analytics"},
        {"as_of", run->as_of},
        {"run_id", run->run_id},
        {"streamed", streamed},
        {"excluded", std::move(excluded)},
        {"pseudonymised", contact.pseudonymised()}};
}

}  // namespace custclass::plugin
