// The result store (ADAPTERS.md): plugin-owned `custclass_` tables in the host database or
// another one, created and upgraded by numbered migrations recorded in `custclass_meta`. It
// keeps the rule sets used (with their YAML), the runs, the assignments of every run, the live
// assignment per customer and the audit log. A run's assignments become visible in one
// transaction together with its `succeeded` status; a failed or cancelled run leaves the
// previous one current.
#pragma once

#include <functional>
#include <memory>
#include <optional>
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
    // Creates or upgrades the plugin's tables. Idempotent.
    void migrate();
    // The schema version in the database, 0 when it has none of the plugin's tables.
    int schema_version();

    // Throws RuleSetConflict if `rules` has the name and version of a stored rule set with a
    // different hash. Reads only; a database without the plugin's tables has no conflict.
    void check_ruleset(const StoredRuleSet& rules);

    // Publishes a succeeded run in one transaction: the rule set (if new), the run, its
    // assignments (written by `assignments` through the sink, in multi-row statements), the live
    // table replaced by them, and an audit entry. On any failure nothing of it is visible.
    void publish(const StoredRuleSet& rules, const RunRecord& run,
                 const std::function<void(const AssignmentSink&)>& assignments,
                 const std::string& actor);
    // Records a run that did not succeed (failed or cancelled), and its audit entry.
    void record_unsuccessful(const RunRecord& run, const std::string& actor);

    std::optional<RunRecord> find_run(const std::string& run_id);
    std::optional<RunRecord> latest_succeeded_run();
    // The succeeded run published just before `run_id`, if any.
    std::optional<RunRecord> previous_succeeded_run(const std::string& run_id);
    // Every assignment of a run, through the sink, in batches read from the database.
    void read_assignments(const std::string& run_id, const AssignmentSink& sink);

    // The hooks: replaces the live assignments of one customer with `rows` (none: the customer
    // is gone), attributed to `run_id` (the run whose cut points were used), in one transaction.
    void replace_live_assignments(const std::string& customer_id, const std::string& run_id,
                                  const std::vector<LiveAssignment>& rows);
    // The customers the live table holds in a segment, in customer id order.
    void read_live_members(const std::string& classification, const std::string& segment,
                           const std::function<void(std::string_view)>& sink);

private:
    class Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace custclass::adapters
