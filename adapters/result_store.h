// The result store (ADAPTERS.md): plugin-owned `custclass_` tables in the host database or
// another one, created and upgraded by numbered migrations recorded in `custclass_meta`. It
// keeps the rule sets used (with their YAML), the runs, the assignments of every run, the live
// assignment per customer (a view: the latest run's rows, or the hooks' since) and the audit
// log. A run's assignments become visible in one transaction together with its `succeeded`
// status; a failed or cancelled run leaves the previous one current.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "soci_connection.h"

namespace custclass::adapters {

// The same rule set name and version were stored before with other content.
class RuleSetConflict : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct StoredRuleSet {
    std::string name;
    std::string version;
    std::string hash;
    std::string yaml;
    std::string file;  // where it was loaded from, for messages
    std::string purpose;  // the purpose it serves, for the audit log
};

struct RunRecord {
    std::string run_id;
    std::string ruleset_hash;
    std::string as_of;        // YYYY-MM-DD
    std::string started_at;   // UTC, ISO 8601
    std::string finished_at;
    std::string status;       // succeeded | failed | cancelled
    std::uint64_t customers = 0;
    std::string summary_json;
    std::string message;      // why it failed, for failed and cancelled runs
    // The run's cut points (JSON written and read by the engine), for the hooks; "" if none.
    std::string population_json;
};

// One live assignment of a customer: its segment in a classification (nullopt: unclassified).
struct LiveAssignment {
    std::string classification;
    std::optional<std::string> segment;
};

// One stored assignment of a customer in a run, with the run's date (a data access request).
struct CustomerRunAssignment {
    std::string run_id;
    std::string as_of;  // YYYY-MM-DD of the run
    std::string classification;
    std::optional<std::string> segment;  // nullopt: unclassified
};

// One live assignment of a customer as the live table holds it.
struct LiveAssignmentRecord {
    std::string classification;
    std::optional<std::string> segment;
    std::string run_id;      // the run whose results (or cut points, for a hook) it came from
    std::string updated_at;  // UTC, ISO 8601
};

// One entry of the audit log (PRIVACY.md check 15).
struct AuditEntry {
    std::string entry_id;
    std::string at;  // UTC, ISO 8601
    std::string actor;
    std::string action;
    std::optional<std::string> subject;
    std::optional<std::uint64_t> customers;
    std::string detail;
};

// The audit entry an erasure leaves: who asked, and whom it was about only by a pseudonym (or
// nobody), never the customer id.
struct ErasureTombstone {
    std::string entry_id;  // a new unique id (a UUID)
    std::string actor;
    std::optional<std::string> subject;
};

// What an erasure removed, and when its tombstone was written.
struct CustomerErasure {
    std::uint64_t assignments = 0;       // rows of custclass_assignments (every run)
    std::uint64_t live_assignments = 0;  // rows of custclass_live_assignments
    std::uint64_t audit_entries = 0;     // audit entries whose subject was the customer
    std::uint64_t cut_points = 0;        // run cut points that named the customer
    std::uint64_t messages = 0;          // run messages and audit details that named it
    std::uint64_t referral_rewards = 0;  // rewards naming it as referee or referrer
    std::string at;                      // the tombstone's time, UTC, ISO 8601
};

// Rewrites one run's cut points (population_json) so that they no longer name a customer;
// returns how many cut points named it (0: leave the text as it was). Setting the text to
// nullopt drops the run's cut points altogether.
using PopulationScrubber = std::function<std::uint64_t(std::optional<std::string>& population_json)>;

// A referral reward granted by a run (POTENTIAL.md item 4): both parties of a successful
// referral; one per referee, ever.
struct ReferralReward {
    std::string referee_id;
    std::string referrer_id;
    std::optional<std::string> referred_on;  // YYYY-MM-DD
    std::string first_purchase;              // YYYY-MM-DD, the referee's
    std::string run_id;                      // the run that granted it (set by publish)
    std::string rewarded_at;                 // UTC, ISO 8601 (set by publish)
};

// Receives one assignment: a customer's segment in a classification (no segment: unclassified).
using AssignmentSink = std::function<void(std::string_view customer_id,
                                          std::string_view classification,
                                          std::optional<std::string_view> segment)>;

class ResultStore {
public:
    explicit ResultStore(ConnectionSpec spec);
    ~ResultStore();

    // The schema version this build writes.
    static int latest_schema_version();
    // Creates or upgrades the plugin's tables (to schema `up_to`, by default the latest: an
    // earlier one only to test an upgrade). Idempotent.
    void migrate(int up_to = latest_schema_version());
    // The schema version in the database, 0 when it has none of the plugin's tables.
    int schema_version();

    // Throws RuleSetConflict if `rules` has the name and version of a stored rule set with a
    // different hash. Reads only; a database without the plugin's tables has no conflict.
    void check_ruleset(const StoredRuleSet& rules);

    // Publishes a succeeded run in one transaction: the rule set (if new), the run, its
    // assignments (written by `assignments` through the sink, in bulk: bulk_insert.h), which
    // the view custclass_live_assignments then shows (the hooks' overrides of the previous run
    // are dropped), and an audit entry. On any failure nothing of it is visible.
    // `rewards`: the referral rewards the run grants (referees not rewarded before), recorded
    // with the run's id and finish time in the same transaction.
    void publish(const StoredRuleSet& rules, const RunRecord& run,
                 const std::function<void(const AssignmentSink&)>& assignments,
                 const std::string& actor, const std::vector<ReferralReward>& rewards = {});
    // The same with the run's record and rewards asked for (`finish`) once its assignments are
    // written, inside the transaction: the caller may complete them meanwhile, on another
    // thread (the store's connection is this call's until it returns). An exception from
    // `finish` rolls everything back and propagates as it is.
    struct Publication {
        RunRecord run;
        std::vector<ReferralReward> rewards;
    };
    void publish(const StoredRuleSet& rules, const std::function<void(const AssignmentSink&)>& assignments,
                 const std::function<Publication()>& finish, const std::string& actor);
    // The referees ever rewarded (empty before the first run that granted any).
    std::set<std::string> rewarded_referees();
    // The rewards granted by one run (nullopt: every run), or naming one customer as either
    // party, by the referee's first purchase then referee id.
    std::vector<ReferralReward> read_referral_rewards(const std::optional<std::string>& run_id,
                                                      const std::optional<std::string>& customer_id = std::nullopt);
    // Records a run that did not succeed (failed or cancelled), and its audit entry.
    void record_unsuccessful(const RunRecord& run, const std::string& actor);

    std::optional<RunRecord> find_run(const std::string& run_id);
    std::optional<RunRecord> latest_succeeded_run();
    // The succeeded run published just before `run_id`, if any.
    std::optional<RunRecord> previous_succeeded_run(const std::string& run_id);
    // Every assignment of a run, through the sink, in batches read from the database.
    void read_assignments(const std::string& run_id, const AssignmentSink& sink);

    // Records one audit entry (PRIVACY.md check 15) in its own transaction; throws
    // DatabaseError when it cannot be written, and the caller must then not do the action.
    // `entry_id`: a new unique id (a UUID).
    void record_audit(const std::string& entry_id, const std::string& actor,
                      const std::string& action, const std::string& subject,
                      std::uint64_t customers, const std::string& detail);

    // The hooks: replaces the live assignments of one customer with `rows` (none: the customer
    // is gone), attributed to `run_id` (the run whose cut points were used), in one transaction:
    // rows of custclass_live_overrides, which the live view shows instead of the run's rows until
    // the next run is published.
    void replace_live_assignments(const std::string& customer_id, const std::string& run_id,
                                  const std::vector<LiveAssignment>& rows);
    // The customers the live table holds in a segment, in customer id order.
    void read_live_members(const std::string& classification, const std::string& segment,
                           const std::function<void(std::string_view)>& sink);

    // Customer data requests (PRIVACY.md checks 16 and 17). Every value is bound as a
    // parameter; a database without the plugin's tables holds nothing.
    // The customer's assignments in every stored run, in run order (then classification).
    std::vector<CustomerRunAssignment> read_customer_history(const std::string& customer_id);
    // The customer's live assignments, by classification.
    std::vector<LiveAssignmentRecord> read_live_assignments_of(const std::string& customer_id);
    // The audit entries whose subject is `subject`, oldest first.
    std::vector<AuditEntry> read_audit_entries_of(const std::string& subject);
    // Erasure, in one transaction: the customer's rows of custclass_assignments and
    // custclass_live_overrides (and so of the live view) and the audit entries whose subject it is are deleted; every
    // run's cut points go through `scrub`; run messages and audit details that quote the id the
    // way the plugin's messages do (`id`, in backquotes) have it replaced by `(erased)`; and
    // the tombstone is inserted (action "erasure", the counts in its detail). When any of it
    // fails (the tombstone cannot be written, say), nothing is erased: DatabaseError.
    CustomerErasure erase_customer(const std::string& customer_id, const PopulationScrubber& scrub,
                                   const ErasureTombstone& tombstone);

    // The plugin's own history past its retention (PRIVACY.md check 8): every run that finished
    // before `utc_iso_cutoff` (UTC, ISO 8601 as finished_at is written), with its assignments,
    // except the latest succeeded run (the current results, and the hooks' cut points), in one
    // transaction. Audit entries stay. Returns the number of runs deleted.
    std::uint64_t purge_runs_before(const std::string& utc_iso_cutoff);

private:
    class Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace custclass::adapters
