#include "contact_rules.h"

#include <algorithm>

#include "errors.h"

namespace custclass::plugin {

ContactRules::ContactRules(const config::PrivacyPolicy* policy, Purpose purpose, const std::string& what)
    : purpose_(purpose) {
    if (!policy) return;
    const std::string name = purpose_name();
    if (std::find(policy->purposes.begin(), policy->purposes.end(), name) == policy->purposes.end())
        throw PrivacyRefusal("PRIVACY.md check 1: the policy " + policy->file + " declares no purpose `" + name +
                             "`, so no " + what + " may be made for it");
    if (std::find(policy->identity_purposes.begin(), policy->identity_purposes.end(), name) !=
        policy->identity_purposes.end())
        return;
    try {
        pseudonyms_.emplace(Pseudonymiser::from_environment(policy->pseudonym_key_env));
    } catch (const std::exception& e) {
        throw PrivacyRefusal("PRIVACY.md check 10: a " + what + " for `" + name +
                             "` carries pseudonyms, not customer ids, and " + e.what() +
                             "; set it to a secret of at least 16 bytes (the same for every run, so that "
                             "pseudonyms stay comparable)");
    }
}

const char* ContactRules::purpose_name() const {
    return direct_marketing() ? "direct_marketing" : "customer_analytics";
}

std::string ContactRules::identifier(const std::string& customer_id) const {
    return pseudonyms_ ? pseudonyms_->pseudonym(customer_id) : customer_id;
}

std::optional<std::string> ContactRules::shown(const FeatureTable& table, std::size_t row) {
    if (direct_marketing()) {
        const Column* opted_out = table.find("opted_out");
        const Column* consent = table.find("marketing_consent");
        if (opted_out && opted_out->booleans[row] == 1) {
            ++opted_out_;
            return std::nullopt;
        }
        if (!consent || consent->booleans[row] != 1) {
            ++no_consent_;
            return std::nullopt;
        }
    }
    return identifier(table.customer_ids()[row]);
}

nlohmann::ordered_json ContactRules::excluded() const {
    return {{"no_consent", no_consent_}, {"opted_out", opted_out_}};
}

}  // namespace custclass::plugin
