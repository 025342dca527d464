// The engine: one opened engine config with its rule set. A full run reads the source, builds
// the feature table, runs the compiled rules and publishes the results; lookups of a single
// customer read the last published run. Full runs are serialised; lookups run concurrently.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine_config.h"
#include "feature_builder.h"
#include "feature_table.h"
#include "population_cuts.h"
#include "push_source.h"
#include "referral_network.h"
#include "result_store.h"
#include "source.h"
#include "rule_program.h"

namespace custclass::plugin {

struct RunRequest {
    std::optional<Day> as_of;  // default: today in the rule set's time zone
    bool dry_run = false;
    std::string actor = "custclass";  // who asked, for the audit log
    // Progress: return false to cancel.
    std::function<bool(const char* phase, std::uint64_t done, std::uint64_t total)> progress;
    std::function<void(int level, const std::string& message)> log;
    // Threads computing the features and evaluating the rules; 0: the cores there are. The
    // results are the same on any number.
    unsigned threads = 0;
};

// What a member list is for (ABI custclass_purpose).
enum class Purpose { Analytics, DirectMarketing };

struct MembersRequest {
    std::string segment;
    std::string classification;  // empty: the one classification with that segment
    Purpose purpose = Purpose::Analytics;
    std::string actor = "custclass";  // who asked, for the audit log
    // Receives each member's id (or pseudonym); return false to stop (then throws Cancelled).
    std::function<bool(const std::string& customer_id)> row;
};

// Which potential-customer result (POTENTIAL.md) a request asks for; the names of the CLI's
// `--list` and of the ABI's `list` option.
enum class PotentialList {
    Focus, Leads, Lookalike, ReferralRewards, KeyPersons, Offers, Bestsellers, Keywords,
    Signups, UnmetDemand, LifetimeValue
};
// "focus", "leads", … in the order of the enum; and back (nullopt: no such list).
const std::vector<std::string>& potential_list_names();
std::optional<PotentialList> potential_list(std::string_view name);

struct PotentialRequest {
    PotentialList list = PotentialList::Focus;
    std::string run_id;       // empty: the latest succeeded run
    std::string from_run_id;  // keywords, unmet-demand: the earlier run (empty: the one before)
    std::string score;        // leads: the score (empty: the first of the rule set)
    std::uint64_t limit = 100;  // people per list (0: all); counts are always complete
    // Lists of people for analytics carry pseudonyms (unless the policy gives analytics
    // identity); for direct marketing, customer ids of those with consent and no opt-out.
    // Offers are direct marketing whatever is asked.
    Purpose purpose = Purpose::Analytics;
    std::string actor = "custclass";
};

class Engine {
public:
    explicit Engine(config::EngineConfig config);

    static std::unique_ptr<Engine> open_file(const std::string& path, const std::string& data_dir);
    static std::unique_ptr<Engine> open_text(const std::string& yaml, const std::string& base_dir,
                                             const std::string& data_dir);

    // A full run; returns the run summary document.
    nlohmann::ordered_json run(const RunRequest& request);
    // The host-push source (`preset: push`): begin_feed gives the source the host's rows go
    // into (InvalidArgument when this engine reads a database); end_feed is the full run over
    // them, and returns the run summary.
    std::unique_ptr<adapters::PushSource> begin_feed() const;
    nlohmann::ordered_json end_feed(const RunRequest& request, adapters::PushSource& pushed);
    // One customer's segments with their explanation.
    nlohmann::ordered_json classify(const std::string& customer_id, const RunRequest& request);

    // The analyses of stored runs (run ids empty: the latest succeeded run). Each reads the
    // host's data again as of the run's date for the features and purchases it shows.
    // Customer files of every segment (profiles.schema.json).
    nlohmann::ordered_json profiles(const std::string& run_id);
    // Two runs compared (comparison.schema.json); `from` empty: the run before `to`.
    nlohmann::ordered_json compare(const std::string& from_run_id, const std::string& to_run_id);
    // The current rules against a candidate rule set on the same data, written nowhere
    // (comparison.schema.json with per-rule counts).
    nlohmann::ordered_json whatif(const std::string& candidate_rules_path, const RunRequest& request);
    // The review of the current rules on the data as of a run's date (review.schema.json).
    nlohmann::ordered_json review(const std::string& run_id);
    // The HTML report of a run: its segments, customer files, the comparison with the run
    // before it, the review and the privacy summary, as one self-contained page.
    std::string report_html(const std::string& run_id);

    // The hooks (ABI 1.2): re-classify one customer from the host's current data, against the
    // cut points of the last succeeded run, and update its live assignments. `order_id`, when
    // given, must be among the customer's orders. Concurrent with everything else; take no run
    // lock. Returns the customer result document with its "incremental" member.
    nlohmann::ordered_json reclassify(const std::string& customer_id,
                                      const std::optional<std::string>& order_id,
                                      const RunRequest& request);
    // A potential-customer result of a stored run (potential.schema.json), computed from the
    // host's data as of the run's date; lists of people are logged in the audit log before
    // they are returned (PRIVACY.md check 15).
    nlohmann::ordered_json potential(const PotentialRequest& request);

    // The members of a segment as the live table holds them, filtered for direct marketing
    // when asked; returns the members summary document (members.schema.json).
    nlohmann::ordered_json members(const MembersRequest& request);

    // Privacy (PRIVACY.md). The compliance report: every check of the policy against this
    // engine's rule set and source mapping, without reading any customer data, plus what the
    // last run recorded (exclusions, fairness) (compliance_report.schema.json).
    nlohmann::ordered_json privacy_check(const RunRequest& request);
    // Check 16: everything the plugin holds on one customer as one document
    // (data_access.schema.json); the request is logged in the audit log with its deadline (40
    // days, s.19) before anything is returned.
    nlohmann::ordered_json data_access_export(const std::string& customer_id, const RunRequest& request);
    // Check 17: every row of the plugin's tables on one customer removed (assignments of every
    // run, live assignments, audit entries naming it, cut points naming it) and the engine's
    // cached results dropped, with a tombstone in the audit log (erasure.schema.json).
    nlohmann::ordered_json erase_customer(const std::string& customer_id, const RunRequest& request);

    const config::EngineConfig& config() const { return config_; }

private:
    // Everything a run computed, immutable once published.
    struct RunState {
        Day as_of = 0;
        std::string run_id;
        FeatureTable table;
        std::vector<ClassificationResult> results;
        PopulationCuts population;
        std::vector<std::string> retention_due;  // left out by retention, for the host to erase
        // A run that writes its results: the table's rows in the order of the store's key
        // (rows_in_id_order, worked out while the features were; empty: the rows' own order).
        std::vector<std::uint32_t> id_order;
        // Referral rewards the run grants (POTENTIAL.md item 4): successful referrals whose
        // referee no earlier run rewarded.
        std::vector<adapters::ReferralReward> rewards;
    };
    // What the hooks place one customer against: the last succeeded run's cut points.
    struct HookBaseline {
        std::string run_id;
        std::string as_of;
        PopulationCuts population;
    };
    // A source and a result store of their own for one hook at a time (SOCI sessions are not
    // thread-safe); kept for the next hook.
    struct HookConnection {
        std::unique_ptr<adapters::Source> source;
        std::unique_ptr<adapters::ResultStore> store;
    };
    class HookLease;
    // The hooks' live updates while a full run is under way: the run's publishing transaction
    // would make them wait (SQLite locks the whole store) and would then replace them with its
    // older results, so the hooks keep them here and the run writes them after its own. Made by
    // a run (not a dry run) before it reads; write() when it has published, or the destructor
    // when it failed. Needs run_mutex_.
    class HookUpdates {
    public:
        explicit HookUpdates(Engine& engine);
        ~HookUpdates();
        HookUpdates(const HookUpdates&) = delete;
        HookUpdates& operator=(const HookUpdates&) = delete;
        bool holds(const std::string& customer_id) const;
        void write(const RunRequest& request);

    private:
        Engine& engine_;
        bool written_ = false;
    };
    struct PendingLive {
        std::string run_id;
        std::vector<adapters::LiveAssignment> rows;
    };
    // This engine's turn to write to its store, when a SQLite store: SQLite takes one writer at
    // a time and makes the others sleep and retry (up to 100 ms a try), so that a writer left to
    // it (an erasure) could wait out its busy timeout while the hooks' writes took turns; they
    // all queue on sqlite_write_mutex_ instead. Unlocked for other stores.
    std::unique_lock<std::mutex> sqlite_writer();
    // A hook's live update: written now, or kept for the run under way.
    void update_live(adapters::ResultStore& store, const std::string& customer_id,
                     const std::string& run_id, std::vector<adapters::LiveAssignment> rows);
    std::shared_ptr<const HookBaseline> hook_baseline(adapters::ResultStore& store);
    // `results_ready`, when given, is called with the run's state once its rules have run (its
    // table and results final; what follows only adds the rewards), before the summary is made.
    std::shared_ptr<const RunState> compute(Day as_of, const RunRequest& request,
                                            nlohmann::ordered_json* summary, bool dry_run,
                                            adapters::Source& source,
                                            const std::function<void(std::shared_ptr<const RunState>)>& results_ready = nullptr);
    nlohmann::ordered_json run_with(const RunRequest& request, adapters::Source& source);
    // The feature table of `rules` as of a day, with `extra` features besides those the rules
    // read, and the scores computed into it.
    FeatureTable build_table(adapters::Source& source, Day as_of, const config::RuleSet& rules,
                             const std::vector<std::string>& extra, const RunRequest* request,
                             FeatureBuildReport* report,
                             const PopulationCuts* population = nullptr, bool id_order = false,
                             std::function<void()> source_free = nullptr,
                             std::function<void()> beside_orders = nullptr);
    // The referrals made on or before as_of (or on no known day), read from the source
    // (potential_customers.cpp). A run reads them while the orders are read beside the
    // customers (FeatureBuildOptions::beside_orders) where the source does so, else as soon as
    // its features read the source no more, beside the rest of the features and the rules.
    std::vector<Referral> referrals_until(adapters::Source& source, Day as_of) const;
    // The referral rewards a run over `table` grants: the successful `referrals` whose referee
    // the store has not rewarded yet. The table holds tenure_days and monetary.
    // `rewarded`: the referees the store has rewarded (ResultStore::rewarded_referees).
    std::vector<adapters::ReferralReward> referral_rewards_due(std::vector<Referral> referrals,
                                                               const FeatureTable& table, Day as_of,
                                                               const std::set<std::string>& rewarded,
                                                               nlohmann::ordered_json& counts);
    // A succeeded run of the store (empty id: the latest); NotFound otherwise. Needs run_mutex_.
    adapters::RunRecord succeeded_run(const std::string& run_id);
    std::int64_t small_cell_k() const;
    // The analyses of one stored run; need run_mutex_.
    nlohmann::ordered_json profiles_of(const adapters::RunRecord& run);
    nlohmann::ordered_json comparison_of(const adapters::RunRecord& from, const adapters::RunRecord& to);
    nlohmann::ordered_json review_of(const adapters::RunRecord& run);
    // The host's database (a push engine has none: its data comes with custclass_feed_*).
    std::unique_ptr<adapters::Source> database_source() const;
    Day resolve_as_of(const RunRequest& request) const;
    adapters::ResultStore& store();
    // store(), its schema created or upgraded first (once). Needs run_mutex_.
    adapters::ResultStore& migrated_store();
    // Deletes the runs older than the privacy policy's history_retention_days (PRIVACY.md
    // check 8), except the latest succeeded one; a failure is logged as a warning. Called after
    // a run is published; needs run_mutex_ (customer_data_requests.cpp).
    void purge_run_history(const RunRequest& request);
    adapters::StoredRuleSet stored_rules() const;
    // The run's record as the store keeps it, finished now.
    adapters::RunRecord run_record(const RunState& state, const nlohmann::ordered_json& summary,
                                   const std::string& started_at) const;
    // The run's assignments, written through the store's sink.
    void write_assignments(const RunState& state, const adapters::AssignmentSink& sink) const;

    config::EngineConfig config_;
    std::string ruleset_hash_;
    // The privacy gate's refusal of a dry [0] and a production [1] run ("" when allowed).
    std::string privacy_refusal_[2];
    // Throws PrivacyRefusal when the policy refuses such a run (before anything is read).
    void require_privacy(bool production) const;
    // One full run (or analysis) at a time; guards store_. Taken through SerialWork, which
    // refuses a call made from a callback of the work in progress on the same thread (it would
    // wait for itself).
    std::mutex run_mutex_;
    std::atomic<std::thread::id> run_thread_{};
    class SerialWork {
    public:
        explicit SerialWork(Engine& engine);
        ~SerialWork();
        SerialWork(const SerialWork&) = delete;
        SerialWork& operator=(const SerialWork&) = delete;

    private:
        Engine& engine_;
    };
    std::unique_ptr<adapters::ResultStore> store_;
    bool store_migrated_ = false;
    std::mutex publish_mutex_;  // guards last_, baseline_ and hooked_
    std::shared_ptr<const RunState> last_;
    std::shared_ptr<const HookBaseline> baseline_;
    // Counts the changes of baseline_ (a run published, an erasure): a hook that read the cut
    // points from the store caches them only if nothing changed meanwhile.
    std::uint64_t baseline_epoch_ = 0;
    // The results of hooks since the last run published by this engine, by customer id: what
    // lookups (classify) return for those customers on the hook's date.
    std::map<std::string, std::pair<Day, nlohmann::ordered_json>> hooked_;
    std::shared_mutex live_gate_;          // run_in_progress_; hooks write the store under it (shared)
    bool run_in_progress_ = false;
    std::mutex pending_mutex_;             // guards pending_live_
    std::mutex sqlite_write_mutex_;        // this engine's writes to a SQLite store, one at a time
    std::map<std::string, PendingLive> pending_live_;
    std::mutex hook_pool_mutex_;
    std::vector<std::unique_ptr<HookConnection>> hook_pool_;
};

}  // namespace custclass::plugin
