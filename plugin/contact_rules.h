// Who may be on a list of people, and under which identifier (PRIVACY.md checks 1, 5, 6, 10):
// a member list, an offer list, a focus list. Under a policy, the list's purpose must be one the
// policy declares; a list for a purpose that does not need the customer's identity carries
// pseudonyms (pseudonym.h), and is refused without the key; a direct-marketing list keeps only
// customers with recorded consent and no opt-out. Without a policy, customer ids and no filter.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "engine.h"
#include "feature_table.h"
#include "privacy_policy.h"
#include "pseudonym.h"

namespace custclass::plugin {

class ContactRules {
public:
    // Throws PrivacyRefusal when the policy declares no such purpose (check 1), or when the list
    // needs pseudonyms and the key is not set (check 10). `what` names the list in messages
    // ("member list", "`focus` list").
    ContactRules(const config::PrivacyPolicy* policy, Purpose purpose, const std::string& what);

    bool direct_marketing() const { return purpose_ == Purpose::DirectMarketing; }
    const char* purpose_name() const;
    bool pseudonymised() const { return pseudonyms_.has_value(); }
    const char* identifiers() const { return pseudonyms_ ? "pseudonyms" : "customer_ids"; }

    // How a customer is named on the list: its pseudonym or its id.
    std::string identifier(const std::string& customer_id) const;
    // The identifier of row `row` of `table`, or nullopt when the customer may not be on a
    // direct-marketing list (no consent, or an opt-out), counted by reason. For direct marketing
    // the table must hold `marketing_consent` and `opted_out`.
    std::optional<std::string> shown(const FeatureTable& table, std::size_t row);
    // {"no_consent": n, "opted_out": n}: the customers shown() left out.
    nlohmann::ordered_json excluded() const;

private:
    Purpose purpose_;
    std::optional<Pseudonymiser> pseudonyms_;
    std::uint64_t no_consent_ = 0, opted_out_ = 0;
};

}  // namespace custclass::plugin
