// The compliance report (PRIVACY.md; `custclass privacy check`, custclass_privacy_check): each of
// the seventeen checks for this engine, as the privacy gate evaluates the rule set and the
// source mapping against the policy (without reading customer data), with where each check
// applies and what the last run of this engine recorded: exclusions by reason, fairness,
// customers past retention for the host to erase.
#include <algorithm>
#include <cstdlib>

#include "engine.h"
#include "errors.h"
#include "privacy_gate.h"
#include "pseudonym.h"

namespace custclass::plugin {

nlohmann::ordered_json Engine::privacy_check(const RunRequest& request) {
    (void)request;
    if (!config_.privacy)
        throw NotFound(
            "this engine has no privacy policy: name one with `privacy:` in the engine config");
    const config::PrivacyPolicy& policy = *config_.privacy;
    const config::RuleSet& rules = config_.rules;
    const PrivacyGate gate(policy, rules, config_.source);
    std::vector<PrivacyFinding> checks = gate.evaluate(true);

    std::shared_ptr<const RunState> last;
    {
        std::lock_guard<std::mutex> lock(publish_mutex_);
        last = last_;
    }
    // What the last succeeded run recorded (the store), if there is one.
    nlohmann::ordered_json last_run = nullptr;
    nlohmann::json excluded = nlohmann::json::object();
    try {
        const SerialWork serial(*this);
        if (auto run = store().latest_succeeded_run()) {
            const auto summary = nlohmann::json::parse(run->summary_json, nullptr, false);
            if (!summary.is_discarded() && summary.contains("excluded"))
                excluded = summary["excluded"];
            last_run = {{"run_id", run->run_id},
                        {"as_of", run->as_of},
                        {"excluded", excluded},
                        {"fairness", summary.is_discarded() || !summary.contains("privacy") ||
                                             !summary["privacy"].is_object() ||
                                             !summary["privacy"].contains("fairness")
                                         ? nlohmann::json()
                                         : summary["privacy"]["fairness"]}};
        }
    } catch (const adapters::DatabaseError&) {
        // No store yet (no run): the report says so below.
    }
    auto count = [&](const char* reason) -> std::string {
        return excluded.contains(reason) ? std::to_string(excluded[reason].get<std::uint64_t>())
                                         : "no";
    };
    const bool ran = !last_run.is_null();
    const bool dm =
        std::any_of(rules.classifications.begin(), rules.classifications.end(), [](const auto& c) {
            return std::any_of(c.segments.begin(), c.segments.end(),
                               [](const auto& s) { return s.direct_marketing; });
        });
    const bool transfer =
        std::any_of(rules.classifications.begin(), rules.classifications.end(), [](const auto& c) {
            return std::any_of(c.segments.begin(), c.segments.end(),
                               [](const auto& s) { return !s.transfer_to.empty(); });
        });
    std::string key_problem;
    try {
        (void)Pseudonymiser::from_environment(policy.pseudonym_key_env);
    } catch (const std::exception& e) {
        key_problem = e.what();
    }

    checks.push_back(
        {2, "minimisation", "pass",
         "only the customers' columns that the rules' features read are loaded; fields read: " +
             [&] {
                 std::string out;
                 for (const auto& [field, where] : gate.fields_read())
                     out += (out.empty() ? "" : ", ") + field;
                 return out;
             }()});
    checks.push_back({5, "direct-marketing consent", dm ? "pass" : "not_applicable",
                      dm ? "direct-marketing lists keep only customers with recorded consent" +
                               (ran ? "; the last run counted " + count("no_consent") +
                                          " members of direct-marketing segments without consent"
                                    : std::string())
                         : "no segment of the rule set is marked direct_marketing"});
    checks.push_back(
        {7, "transfer to another party", transfer ? "pass" : "not_applicable",
         transfer ? "segments with `transfer_to` export only customers whose written consent "
                    "(customers.transfer_consent) names that class of recipient"
                  : "no segment is transferred to another party"});
    checks.push_back(
        {8, "retention", "pass",
         "customers with no activity for more than " + std::to_string(policy.retention_days) +
             " days are left out of processing and listed below for the host to erase" +
             (ran ? "; the last run left out " + count("retention") : std::string()) +
             "; the plugin's own runs are purged after " +
             std::to_string(policy.history_retention_days) + " days"});
    checks.push_back(
        {9, "identifiers in free text", "pass",
         "HKID numbers (check digit verified), Hong Kong phone numbers and e-mail addresses in "
         "the customers' free text are masked before any rule or output sees them"});
    checks.push_back(
        {10, "pseudonyms", key_problem.empty() ? "pass" : "warn",
         key_problem.empty()
             ? "member lists for purposes other than identity purposes carry HMAC-SHA256 pseudonyms"
             : "member lists for purposes other than identity purposes are refused until the key "
               "is set: " +
                   key_problem});
    checks.push_back(
        {11, "small cells", "pass",
         "groups and cells of fewer than " + std::to_string(policy.small_cell_k) +
             " customers are suppressed in profiles, comparisons, the review and the report"});
    {
        std::string status = "not_applicable", message = "no run yet";
        if (ran && last_run["fairness"].is_object()) {
            const auto& findings = last_run["fairness"]["findings"];
            status = findings.empty() ? "pass" : "warn";
            message =
                findings.empty()
                    ? "no segment share differs by more than " +
                          std::to_string(policy.fairness_max_disparity) +
                          " between genders or age bands in the last run"
                    : std::to_string(findings.size()) +
                          " disparities over the threshold in the last run (see last_run.fairness)";
        } else if (ran) {
            message = "the last run read neither gender nor age band";
        }
        checks.push_back({14, "fairness", status, message});
    }
    checks.push_back(
        {15, "audit", "pass",
         "every run, member list, data access export and erasure is logged in custclass_audit_log "
         "before it takes effect; if the log cannot be written it does not happen"});
    checks.push_back(
        {16, "data access request", "pass",
         "`custclass privacy export` (custclass_privacy_export) gives everything the plugin holds "
         "on a customer and logs the request with its 40-day deadline"});
    checks.push_back(
        {17, "correction and erasure", "pass",
         "`custclass privacy erase` (custclass_privacy_erase) removes everything the plugin holds "
         "on a customer, with a tombstone; a corrected record is re-classified by "
         "custclass_customer_changed"});
    std::sort(checks.begin(), checks.end(),
              [](const auto& a, const auto& b) { return a.check < b.check; });

    nlohmann::ordered_json retention_due = nullptr;
    if (last) retention_due = last->retention_due;
    const bool refused = std::any_of(checks.begin(), checks.end(),
                                     [](const auto& c) { return c.status == "refuse"; });
    return {{"policy", {{"name", policy.name}, {"version", policy.version}, {"file", policy.file}}},
            {"rule_set",
             {{"name", rules.name}, {"version", rules.version}, {"purpose", rules.purpose}}},
            {"verdict", refused ? "refused" : "allowed"},
            {"checks", findings_document(checks)},
            {"last_run", last_run},
            {"retention_due", retention_due}};
}

}  // namespace custclass::plugin
