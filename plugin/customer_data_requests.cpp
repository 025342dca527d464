// Requests about one customer under the Personal Data (Privacy) Ordinance (PRIVACY.md checks 15,
// 16 and 17; s.18-19, s.22-23, DPP2, DPP6), and the purge of the plugin's own run history past
// its retention (check 8). A data access request writes its audit entry (with the 40-day deadline
// of s.19) before anything is read, and returns everything the plugin holds on the customer as
// one document (data_access.schema.json): its current segments with their explanation, its
// assignment in every stored run, its live assignments, the referral rewards naming it and the
// audit entries about it. An erasure
// removes, in one result-store transaction together with its tombstone audit entry, every row of
// the plugin's tables that names the customer, then drops the results this engine caches
// (erasure.schema.json). If the audit log cannot be written, neither happens. Both take the run
// lock (SerialWork) and use the engine's own store connection, so no full run publishes between
// the rows erased and the caches dropped; the hooks, which take no run lock and use connections of
// their own, are serialised with them by the store's write transactions.
#include <cstdlib>
#include <ctime>

#include "civil_time.h"
#include "content_hash.h"
#include "engine.h"
#include "errors.h"
#include "pseudonym.h"
#include "value_parsing.h"

namespace custclass::plugin {

namespace {

// s.19(1): a data access request is complied with within 40 days after receiving it.
constexpr int kAccessDeadlineDays = 40;
constexpr std::time_t kSecondsPerDay = 24 * 60 * 60;

using config::format_utc;

// The day (UTC) `days` after the one `at` falls on.
std::string utc_day_after(std::time_t at, int days) {
    return config::format_day(static_cast<Day>(at / kSecondsPerDay) + days);
}

using Json = nlohmann::ordered_json;

Json nullable(const std::optional<std::string>& text) {
    return text ? Json(*text) : Json(nullptr);
}

std::string checked_id(const std::string& customer_id) {
    const std::string id = adapters::normalise_id(customer_id);
    if (id.empty()) throw InvalidArgument("the customer id is empty");
    return id;
}

// Replaces the customer id in every {"customer_id": ...} member of the cut points (the Pareto
// boundaries {"monetary_minor", "customer_id"}) by ""; how many there were.
std::uint64_t scrub_customer_ids(nlohmann::json& node, const std::string& id) {
    std::uint64_t named = 0;
    if (node.is_object()) {
        if (const auto it = node.find("customer_id");
            it != node.end() && it->is_string() && it->get<std::string>() == id) {
            *it = "";
            ++named;
        }
        for (auto& [key, value] : node.items())
            if (key != "customer_id") named += scrub_customer_ids(value, id);
    } else if (node.is_array()) {
        for (auto& value : node) named += scrub_customer_ids(value, id);
    }
    return named;
}

}  // namespace

adapters::ResultStore& Engine::migrated_store() {
    if (!store_migrated_) {
        store().migrate();
        store_migrated_ = true;
    }
    return store();
}

Json Engine::data_access_export(const std::string& customer_id, const RunRequest& request) {
    const std::string id = checked_id(customer_id);
    const SerialWork serial(*this);
    adapters::ResultStore& s = migrated_store();

    // The request first: if it cannot be logged, nothing is returned (check 15).
    const std::time_t now = std::time(nullptr);
    const std::string requested_at = format_utc(now);
    const std::string deadline = utc_day_after(now, kAccessDeadlineDays);
    const std::string entry_id = random_uuid();
    {
        const auto one_writer = sqlite_writer();  // in turn with the hooks' writes
        s.record_audit(entry_id, request.actor, "data_access_request", id, 1,
                       "data access request; deadline " + deadline + " (s.19: " +
                           std::to_string(kAccessDeadlineDays) + " days from the request)");
    }

    const auto history = s.read_customer_history(id);
    const auto live = s.read_live_assignments_of(id);
    const auto audit = s.read_audit_entries_of(id);
    const auto rewards = s.read_referral_rewards(std::nullopt, id);

    // Computed now from the host's data, writing nothing (classify publishes nothing and leaves
    // the live table alone). Null when the host no longer has the customer (or, for a push
    // engine, when no data were pushed for that date).
    Json current = nullptr;
    try {
        current = classify(id, request);
    } catch (const NotFound&) {
    }
    const bool only_this_request = audit.size() == 1 && audit.front().entry_id == entry_id;
    if (current.is_null() && history.empty() && live.empty() && rewards.empty() &&
        (audit.empty() || only_this_request))
        throw NotFound("the plugin holds nothing on customer `" + id +
                       "` and the host's data have no such customer (the request was logged)");

    Json history_json = Json::array();
    for (const auto& h : history)
        history_json.push_back({{"run_id", h.run_id},
                                {"as_of", h.as_of},
                                {"classification", h.classification},
                                {"segment", nullable(h.segment)}});
    Json live_json = Json::array();
    for (const auto& l : live)
        live_json.push_back({{"classification", l.classification},
                             {"segment", nullable(l.segment)},
                             {"run_id", l.run_id},
                             {"updated_at", l.updated_at}});
    Json audit_json = Json::array();
    for (const auto& a : audit)
        audit_json.push_back({{"entry_id", a.entry_id},
                              {"at", a.at},
                              {"actor", a.actor},
                              {"action", a.action},
                              {"detail", a.detail}});
    // The referral rewards naming it, as referee or referrer (POTENTIAL.md item 4). They name
    // the other party too: the host gives the customer that party's id only as the ordinance
    // allows (s.20(1)(b), s.20(2)).
    Json rewards_json = Json::array();
    for (const auto& r : rewards)
        rewards_json.push_back({{"role", r.referee_id == id ? "referee" : "referrer"},
                                {"referee_id", r.referee_id},
                                {"referrer_id", r.referrer_id},
                                {"referred_on", nullable(r.referred_on)},
                                {"first_purchase", r.first_purchase},
                                {"run_id", r.run_id},
                                {"rewarded_at", r.rewarded_at}});
    Json policy = nullptr;
    if (config_.privacy)
        policy = {{"name", config_.privacy->name}, {"version", config_.privacy->version}};

    if (request.log)
        request.log(
            1, "data access request for customer " + id + " logged (deadline " + deadline + ")");
    return {{"customer_id", id},
            {"requested_at", requested_at},
            {"deadline", deadline},
            {"request_entry_id", entry_id},
            {"policy", std::move(policy)},
            {"current", std::move(current)},
            {"live_assignments", std::move(live_json)},
            {"history", std::move(history_json)},
            {"referral_rewards", std::move(rewards_json)},
            {"audit", std::move(audit_json)}};
}

Json Engine::erase_customer(const std::string& customer_id, const RunRequest& request) {
    const std::string id = checked_id(customer_id);

    // The tombstone names the customer only by its pseudonym, and only when the policy's key is
    // there to compute it: never by its id, which is what is being erased.
    std::optional<std::string> subject;
    if (config_.privacy) {
        const std::string& env = config_.privacy->pseudonym_key_env;
        const char* key = std::getenv(env.c_str());
        if (key != nullptr && *key != '\0') {
            try {
                subject = Pseudonymiser::from_environment(env).pseudonym(id);
            } catch (const std::exception& e) {
                if (request.log)
                    request.log(2,
                                std::string(e.what()) + "; the erasure's tombstone names nobody");
            }
        }
    }

    // Pareto cut points store the last customer of classes A and B as {"monetary_minor",
    // "customer_id"}. The erased id becomes "": as a tie-break key it then ranks first among equal
    // amounts, so until the next full run replaces the cut points a hook places a customer with
    // exactly that amount in the next class rather than the erased customer's. Unreadable cut
    // points that contain the id are dropped (the hooks could not use them anyway).
    const adapters::PopulationScrubber scrub = [&](std::optional<std::string>& population) {
        nlohmann::json cuts = nlohmann::json::parse(*population, nullptr, false);
        if (cuts.is_discarded()) {
            if (population->find(id) == std::string::npos) return std::uint64_t{0};
            population.reset();
            return std::uint64_t{1};
        }
        const std::uint64_t named = scrub_customer_ids(cuts, id);
        if (named > 0) *population = cuts.dump();
        return named;
    };

    const SerialWork serial(*this);
    adapters::ResultStore& s = migrated_store();
    const adapters::ErasureTombstone tombstone{random_uuid(), request.actor, subject};
    const adapters::CustomerErasure erased = [&] {
        const auto one_writer = sqlite_writer();  // in turn with the hooks' writes
        return s.erase_customer(id, scrub, tombstone);
    }();
    {
        // The published run's feature table and results, the hooks' cut points (they may name
        // the customer) and its hook result: the next lookup or hook reads them again from the
        // host and the store.
        std::lock_guard<std::mutex> lock(publish_mutex_);
        last_.reset();
        baseline_.reset();
        ++baseline_epoch_;
        hooked_.erase(id);
    }
    if (request.log)
        request.log(1, "erased what the plugin held on one customer (audit entry " +
                           tombstone.entry_id + ")");
    return {{"customer_id", id},
            {"erased_at", erased.at},
            {"removed",
             {{"assignments", erased.assignments},
              {"live_assignments", erased.live_assignments},
              {"audit_entries", erased.audit_entries},
              {"cut_points", erased.cut_points},
              {"messages", erased.messages},
              {"referral_rewards", erased.referral_rewards}}},
            {"tombstone", {{"entry_id", tombstone.entry_id}, {"subject", nullable(subject)}}}};
}

// Check 8: after every published run (needs run_mutex_). Compliance cannot rest on a purge that
// may silently not happen, but a failed purge must not turn a published run into a failed one
// either: its results are in the store and current. So the failure is reported to the host as a
// warning, and the purge is tried again after every later run until it succeeds.
void Engine::purge_run_history(const RunRequest& request) {
    if (!config_.privacy) return;
    const std::time_t cutoff =
        std::time(nullptr) -
        static_cast<std::time_t>(config_.privacy->history_retention_days) * kSecondsPerDay;
    try {
        const std::uint64_t purged = store().purge_runs_before(format_utc(cutoff));
        if (purged > 0 && request.log)
            request.log(1, "purged " + std::to_string(purged) + " runs older than " +
                               std::to_string(config_.privacy->history_retention_days) +
                               " days (history_retention_days)");
    } catch (const std::exception& e) {
        if (request.log)
            request.log(2,
                        std::string("the runs older than the policy's history_retention_days could "
                                    "not be purged; the next run tries again: ") +
                            e.what());
    }
}

}  // namespace custclass::plugin
