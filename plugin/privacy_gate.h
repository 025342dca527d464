// The privacy gate (ARCHITECTURE.md, step 2 of a run; PRIVACY.md): what the policy says about
// one engine's work before any customer data is read. It works out which policy fields the rule
// set reads (and which rule reads each), then checks purpose binding (1), government identifiers
// (3), approvals of sensitive attributes (4), that the configured opt-out sources are mapped (6),
// approvals of matching with enrichment data (12) and of the rule set version for production
// runs (13). A refusal stops the run before it reads anything, with a message naming the check,
// the field, the rule (file:line:column) and the purpose. The checks that apply while loading or
// on outputs live where the data are: retention and masking in the feature builder, consent,
// opt-outs, transfers and pseudonyms on member lists, small cells in the analyses, fairness after
// the rules, the audit log in the result store.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine_config.h"

namespace custclass::plugin {

struct PrivacyFinding {
    int check = 0;       // the number of PRIVACY.md's table
    std::string name;    // "purpose binding", …
    std::string status;  // pass | refuse | warn | not_applicable
    std::string message;
};

class PrivacyGate {
public:
    PrivacyGate(const config::PrivacyPolicy& policy, const config::RuleSet& rules,
                const config::SourceConfig& source);

    // Every check the gate makes; `production` is a run that publishes its results (check 13).
    std::vector<PrivacyFinding> evaluate(bool production) const;
    // Throws PrivacyRefusal naming every refusal of evaluate(production).
    void require_allowed(bool production) const;

    // The policy fields the rule set reads, each with where (rule positions, "segment `x` of
    // `y` (file:line:column)").
    const std::map<std::string, std::vector<std::string>>& fields_read() const { return fields_; }

private:
    void read_field(const std::string& field, const std::string& where);

    const config::PrivacyPolicy& policy_;
    const config::RuleSet& rules_;
    std::map<config::CanonicalTable, bool> mapped_;  // the source's tables
    std::map<std::string, std::vector<std::string>> fields_;
};

// The findings as JSON: [{check, name, status, message}].
nlohmann::ordered_json findings_document(const std::vector<PrivacyFinding>& findings);

}  // namespace custclass::plugin
