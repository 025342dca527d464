// A privacy policy (PRIVACY.md): what each canonical field is, for which purposes it may be
// used, retention, the small-cell threshold, consent rules, where the pseudonymisation key comes
// from, and the approvals given. Loaded and checked strictly here; the checks that apply it to
// runs and exports live in the plugin.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "diagnostic.h"

namespace custclass::config {

// Loaders read a parsed document (yaml_document.h); the model itself knows no YAML.
class YamlDocument;

enum class DataCategory { Identifier, Contact, Personal, Sensitive, GovernmentId, Behaviour };

struct FieldPolicy {
    DataCategory category = DataCategory::Personal;
    std::vector<std::string> purposes;  // the purposes it may be used for
};

struct Approval {
    std::string scope;    // sensitive_attribute | rule_set | matching
    std::string subject;  // the field, "name version" of a rule set, or the enrichment table
    std::string who;
    std::string when;     // YYYY-MM-DD
    std::string why;
};

struct PrivacyPolicy {
    std::string file;
    std::string name;
    std::string version;
    std::vector<std::string> purposes;            // the purposes the data user declared
    std::map<std::string, FieldPolicy> fields;    // by canonical field name
    std::int64_t retention_days = 1095;          // customers inactive longer are left out
    std::int64_t history_retention_days = 1095;  // the plugin's own runs are purged after this
    std::int64_t small_cell_k = 5;
    std::string pseudonym_key_env = "CUSTCLASS_PSEUDONYM_KEY";
    // The purposes whose outputs carry the customers' own ids (a campaign must reach people);
    // every other output that lists customers carries pseudonyms (PRIVACY.md check 10).
    std::vector<std::string> identity_purposes = {"direct_marketing"};
    // Where opt-outs are recorded: `opt_outs` (the table) and `opted_out` (the customers'
    // column). A run whose source does not map one of them is refused (check 6).
    std::vector<std::string> opt_out_sources;
    double fairness_max_disparity = 0.2;
    std::vector<Approval> approvals;
};

// The approval of `scope` for `subject`, if the policy has one.
const Approval* find_approval(const PrivacyPolicy& policy, const std::string& scope,
                              const std::string& subject);

// The category names as written in YAML.
const std::vector<std::string>& data_category_names();

std::optional<PrivacyPolicy> load_privacy_policy(const YamlDocument& doc, Diagnostics& diagnostics);
// Throws ConfigError (all diagnostics) or FileError.
PrivacyPolicy load_privacy_policy_file(const std::string& path);

}  // namespace custclass::config
