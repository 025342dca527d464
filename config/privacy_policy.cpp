#include "privacy_policy.h"
#include "yaml_document.h"

#include <algorithm>
#include <set>

#include "civil_time.h"
#include "nearest_name.h"

namespace custclass::config {

namespace {

// The canonical fields a policy can speak of (ADAPTERS.md), plus government identifiers.
const std::vector<std::string> kFields = {
    "customer_id", "created_at",  "birth_date", "gender",    "district",  "income_band",
    "email",       "phone",       "lead_source", "is_prospect", "interests", "marketing_consent",
    "consent_at",  "opted_out",   "hkid",       "orders",    "order_lines", "referrals",
    "opt_outs",    "interactions", "transfer_consent"};

// A field of the policy: a canonical one, or a host attribute `attr_<name>`.
bool known_field(const std::string& name) {
    if (std::find(kFields.begin(), kFields.end(), name) != kFields.end()) return true;
    if (name.size() <= 5 || name.compare(0, 5, "attr_") != 0) return false;
    return std::all_of(name.begin() + 5, name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    });
}

const std::vector<std::string> kOptOutSources = {"opt_outs", "opted_out"};

const std::vector<std::string> kScopes = {"sensitive_attribute", "rule_set", "matching"};

std::vector<std::string> read_names(const YamlDocument& doc, const YAML::Node& list,
                                    const std::string& what, Diagnostics& d) {
    std::vector<std::string> out;
    if (!list.IsDefined()) return out;
    if (!list.IsSequence()) {
        doc.error(d, list, what + " must be a list of names");
        return out;
    }
    for (const auto& item : list) {
        if (!item.IsScalar() || item.Scalar().empty()) {
            doc.error(d, item, what + " must be a list of names");
            continue;
        }
        if (std::find(out.begin(), out.end(), item.Scalar()) != out.end())
            doc.error(d, item, "`" + item.Scalar() + "` is listed twice in " + what);
        out.push_back(item.Scalar());
    }
    return out;
}

}  // namespace

const std::vector<std::string>& data_category_names() {
    static const std::vector<std::string> names = {"identifier", "contact",       "personal",
                                                   "sensitive",  "government_id", "behaviour"};
    return names;
}

std::optional<PrivacyPolicy> load_privacy_policy(const YamlDocument& doc, Diagnostics& d) {
    const std::size_t errors_before = d.error_count();
    MapReader top(doc, doc.root(), "the privacy policy",
                  {"custclass", "policy", "version", "purposes", "fields", "retention_days",
                   "history_retention_days", "small_cell_k", "pseudonym_key_env",
                   "identity_purposes", "opt_out_sources", "fairness", "approvals"},
                  d);
    if (!top.valid()) return std::nullopt;
    PrivacyPolicy p;
    p.file = doc.file();
    if (const auto format = top.integer("custclass", true); format && *format != 1)
        doc.error(d, top.node("custclass"),
                  "unsupported file format version " + std::to_string(*format),
                  "this version of custclass reads `custclass: 1`");
    p.name = top.text("policy", true).value_or("");
    p.version = top.text("version", true).value_or("");
    if (top.has("version") && p.version.empty() && top.node("version").IsScalar())
        doc.error(d, top.node("version"), "`version` must not be empty");
    p.purposes = read_names(doc, top.sequence("purposes", true), "`purposes`", d);
    if (auto v = top.integer("retention_days", false, 1, 36600)) p.retention_days = *v;
    if (auto v = top.integer("history_retention_days", false, 1, 36600)) p.history_retention_days = *v;
    if (auto v = top.integer("small_cell_k", false, 1, 1000)) p.small_cell_k = *v;
    if (auto v = top.text("pseudonym_key_env")) p.pseudonym_key_env = *v;
    if (top.has("identity_purposes")) {
        const YAML::Node list = top.sequence("identity_purposes");
        p.identity_purposes = read_names(doc, list, "`identity_purposes`", d);
        std::size_t i = 0;
        for (const auto& purpose : p.identity_purposes) {
            if (std::find(p.purposes.begin(), p.purposes.end(), purpose) == p.purposes.end())
                doc.error(d, list[i], "purpose `" + purpose + "` is not declared in `purposes`",
                          did_you_mean(purpose, p.purposes));
            ++i;
        }
    }
    if (top.has("opt_out_sources")) {
        const YAML::Node list = top.sequence("opt_out_sources");
        p.opt_out_sources = read_names(doc, list, "`opt_out_sources`", d);
        std::size_t i = 0;
        for (const auto& source : p.opt_out_sources) {
            if (std::find(kOptOutSources.begin(), kOptOutSources.end(), source) == kOptOutSources.end())
                doc.error(d, list[i], "unknown opt-out source `" + source + "`",
                          did_you_mean(source, kOptOutSources));
            ++i;
        }
    }
    const YAML::Node fairness = top.mapping("fairness");
    if (fairness.IsDefined()) {
        MapReader f(doc, fairness, "`fairness`", {"max_disparity"}, d);
        if (auto v = f.number("max_disparity")) {
            if (*v <= 0 || *v > 1)
                doc.error(d, f.node("max_disparity"), "`max_disparity` must be above 0 and at most 1");
            p.fairness_max_disparity = *v;
        }
    }
    const YAML::Node fields = top.mapping("fields", true);
    if (fields.IsDefined()) {
        // The canonical fields, and the host attributes (`attr_<name>`) the policy names.
        std::vector<std::string> allowed = kFields;
        for (auto it = fields.begin(); it != fields.end(); ++it)
            if (it->first.IsScalar() && known_field(it->first.Scalar())) allowed.push_back(it->first.Scalar());
        MapReader names(doc, fields, "`fields`", allowed, d);
        for (auto it = fields.begin(); it != fields.end(); ++it) {
            const std::string field = it->first.Scalar();
            // An unknown field is reported by `names`; its policy is still checked (every error
            // in one pass).
            MapReader f(doc, it->second, "the policy of field `" + field + "`",
                        {"category", "purposes"}, d);
            if (!f.valid()) continue;
            FieldPolicy fp;
            if (auto category = f.text("category", true)) {
                const auto& cats = data_category_names();
                const auto at = std::find(cats.begin(), cats.end(), *category);
                if (at == cats.end())
                    doc.error(d, f.node("category"), "unknown data category `" + *category + "`",
                              did_you_mean(*category, cats));
                else
                    fp.category = static_cast<DataCategory>(at - cats.begin());
            }
            const YAML::Node purposes = f.sequence("purposes", true);
            fp.purposes = read_names(doc, purposes, "the purposes of `" + field + "`", d);
            std::size_t i = 0;
            for (const auto& purpose : fp.purposes) {
                if (std::find(p.purposes.begin(), p.purposes.end(), purpose) == p.purposes.end())
                    doc.error(d, purposes[i], "purpose `" + purpose + "` is not declared in `purposes`",
                              did_you_mean(purpose, p.purposes));
                ++i;
            }
            if (fp.category == DataCategory::GovernmentId && !fp.purposes.empty())
                doc.error(d, purposes, "a government identifier (`" + field +
                                           "`) may not be used for any purpose",
                          "leave its purposes empty: `purposes: []`");
            p.fields[field] = std::move(fp);
        }
    }
    const YAML::Node approvals = top.sequence("approvals");
    if (approvals.IsDefined()) {
        for (const auto& item : approvals) {
            MapReader a(doc, item, "an approval", {"scope", "subject", "who", "when", "why"}, d);
            if (!a.valid()) continue;
            Approval ap;
            if (auto scope = a.text("scope", true)) {
                if (std::find(kScopes.begin(), kScopes.end(), *scope) == kScopes.end())
                    doc.error(d, a.node("scope"), "unknown approval scope `" + *scope + "`",
                              did_you_mean(*scope, kScopes));
                ap.scope = *scope;
            }
            ap.subject = a.text("subject", true).value_or("");
            ap.who = a.text("who", true).value_or("");
            if (auto when = a.text("when", true)) {
                if (!parse_day(*when))
                    doc.error(d, a.node("when"), "`" + *when + "` is not a date",
                              "write it as YYYY-MM-DD");
                ap.when = *when;
            }
            ap.why = a.text("why", true).value_or("");
            p.approvals.push_back(std::move(ap));
        }
    }
    if (d.error_count() > errors_before) return std::nullopt;
    return p;
}

const Approval* find_approval(const PrivacyPolicy& policy, const std::string& scope,
                              const std::string& subject) {
    for (const auto& a : policy.approvals)
        if (a.scope == scope && a.subject == subject) return &a;
    return nullptr;
}

PrivacyPolicy load_privacy_policy_file(const std::string& path) {
    Diagnostics d;
    auto doc = YamlDocument::load(path, d);
    if (!doc) throw ConfigError(std::move(d));
    auto p = load_privacy_policy(*doc, d);
    if (!p) throw ConfigError(std::move(d));
    return std::move(*p);
}

}  // namespace custclass::config
