#include "privacy_gate.h"

#include <algorithm>

#include "errors.h"
#include "preset_sql.h"

namespace custclass::plugin {

namespace {

std::string at(const config::Condition& c, const std::string& file) {
    return file + ":" + std::to_string(c.position.line) + ":" + std::to_string(c.position.column);
}

std::string join(const std::vector<std::string>& items, const char* separator = "; ") {
    std::string out;
    for (const auto& i : items) out += (out.empty() ? "" : separator) + i;
    return out;
}

bool contains(const std::vector<std::string>& list, const std::string& item) {
    return std::find(list.begin(), list.end(), item) != list.end();
}

}  // namespace

PrivacyGate::PrivacyGate(const config::PrivacyPolicy& policy, const config::RuleSet& rules,
                         const config::SourceConfig& source)
    : policy_(policy), rules_(rules) {
    // The source's tables, as its queries (a preset's rendered ones) map them.
    config::SourceConfig rendered = source;
    if (source.kind == config::SourceKind::HostPreset) {
        try {
            rendered = adapters::render_preset_queries(source);
        } catch (const std::exception&) {
            // An unusable preset fails when the source opens, with its own message.
        }
    }
    for (const auto table : config::all_canonical_tables())
        mapped_[table] = rendered.queries.count(table) > 0;

    // What every run reads: the customers' keys and creation, and their orders (a customer
    // exists for a run if created or ordering by its date).
    for (const char* base : {"customer_id", "created_at", "orders"})
        read_field(base, "every run (which customers exist as of the run's date)");
    auto features_of = [&](const config::Condition& c, const std::string& where) {
        for (const auto& f : c.reads) {
            if (rules_.find_score(f) ||
                (f.ends_with("_tier") && rules_.find_score(f.substr(0, f.size() - 5))))
                continue;
            std::vector<std::string> fields = config::policy_fields_of(f);
            if (f.starts_with("enrich.")) {
                const auto dot = f.find('.', 7);
                if (const auto* e = rules_.find_enrichment(f.substr(7, dot - 7)))
                    fields = config::policy_fields_of(e->key);
            }
            for (const auto& field : fields) read_field(field, where);
        }
    };
    for (const auto& cls : rules_.classifications)
        for (const auto& seg : cls.segments)
            features_of(seg.when, "segment `" + seg.id + "` of `" + cls.id + "` (" +
                                      at(seg.when, rules_.file) + ")");
    for (const auto& score : rules_.scores)
        for (const auto& p : score.points)
            features_of(p.when, "score `" + score.id + "` (" + at(p.when, rules_.file) + ")");
}

void PrivacyGate::read_field(const std::string& field, const std::string& where) {
    auto& list = fields_[field];
    if (!contains(list, where)) list.push_back(where);
}

std::vector<PrivacyFinding> PrivacyGate::evaluate(bool production) const {
    std::vector<PrivacyFinding> out;
    const std::string& purpose = rules_.purpose;
    const std::string policy_name = "the privacy policy " + policy_.file;

    // 1. Purpose binding.
    {
        std::vector<std::string> clashes;
        if (!contains(policy_.purposes, purpose))
            clashes.push_back("the rule set's purpose `" + purpose +
                              "` is not one the policy declares (" + join(policy_.purposes, ", ") +
                              ")");
        for (const auto& [field, where] : fields_) {
            const auto it = policy_.fields.find(field);
            if (it == policy_.fields.end()) {
                clashes.push_back("field `" + field + "`, read by " + join(where) +
                                  ", is not declared in the policy: declare its category and "
                                  "purposes under `fields`");
            } else if (it->second.category != config::DataCategory::GovernmentId &&
                       !contains(it->second.purposes, purpose)) {
                clashes.push_back("field `" + field + "`, read by " + join(where) +
                                  ", may not be used for `" + purpose + "` (the policy allows: " +
                                  (it->second.purposes.empty() ? std::string("nothing")
                                                               : join(it->second.purposes, ", ")) +
                                  ")");
            }
        }
        out.push_back({1, "purpose binding", clashes.empty() ? "pass" : "refuse",
                       clashes.empty()
                           ? "every field the rule set reads is allowed for `" + purpose + "`"
                           : join(clashes)});
    }
    // 3. Government identifiers.
    {
        std::vector<std::string> reads;
        for (const auto& [field, where] : fields_) {
            const auto it = policy_.fields.find(field);
            if (it != policy_.fields.end() &&
                it->second.category == config::DataCategory::GovernmentId)
                reads.push_back("field `" + field + "` (a government identifier) is read by " +
                                join(where));
        }
        for (const auto& e : rules_.enrichments) {
            const auto it = policy_.fields.find(e.key);
            if (it != policy_.fields.end() &&
                it->second.category == config::DataCategory::GovernmentId)
                reads.push_back("the enrichment table `" + e.id +
                                "` is keyed by the government identifier `" + e.key + "`");
        }
        out.push_back({3, "government identifiers", reads.empty() ? "pass" : "refuse",
                       reads.empty()
                           ? "no rule, score or key reads a government identifier; text values "
                             "that are HKID numbers refuse the run when it reads them"
                           : join(reads) +
                                 ": government identifiers are never a rule input or "
                                 "group key (Code of Practice on the Identity Card Number)"});
    }
    // 4. Sensitive attributes need an approval; birth dates are only ever age or age band.
    {
        std::vector<std::string> missing, approved;
        for (const auto& [field, where] : fields_) {
            const auto it = policy_.fields.find(field);
            if (it == policy_.fields.end() ||
                it->second.category != config::DataCategory::Sensitive)
                continue;
            if (const auto* a = config::find_approval(policy_, "sensitive_attribute", field))
                approved.push_back("`" + field + "` (approved by " + a->who + " on " + a->when +
                                   ")");
            else
                missing.push_back("the sensitive field `" + field + "`, read by " + join(where) +
                                  ", has no approval: add {scope: sensitive_attribute, subject: " +
                                  field + ", who, when, why} to `approvals` in " + policy_.file);
        }
        out.push_back({4, "sensitive attributes", missing.empty() ? "pass" : "refuse",
                       !missing.empty() ? join(missing)
                       : approved.empty()
                           ? "the rule set reads no sensitive field"
                           : "sensitive fields read with approval: " + join(approved, ", ")});
    }
    // 6. Every configured opt-out source is mapped.
    {
        std::vector<std::string> unmapped;
        for (const auto& s : policy_.opt_out_sources)
            if (s == "opt_outs" && !mapped_.at(config::CanonicalTable::OptOuts))
                unmapped.push_back(
                    "the policy records opt-outs in the `opt_outs` table, and the source maps "
                    "none: map it (source.queries.opt_outs) so that no opted-out customer is "
                    "contacted");
        out.push_back(
            {6, "opt-out sources", unmapped.empty() ? "pass" : "refuse",
             unmapped.empty()
                 ? (policy_.opt_out_sources.empty()
                        ? std::string("no opt-out source is configured; opt-outs the source "
                                      "maps are applied to every direct-marketing output")
                        : "every configured opt-out source (" +
                              join(policy_.opt_out_sources, ", ") + ") is mapped")
                 : join(unmapped)});
    }
    // 12. Matching with data collected for another purpose.
    {
        std::vector<std::string> missing;
        bool any = false;
        for (const auto& e : rules_.enrichments) {
            bool read = false;
            for (const auto& cls : rules_.classifications)
                for (const auto& seg : cls.segments)
                    for (const auto& f : seg.when.reads)
                        read = read || f.starts_with("enrich." + e.id + ".");
            for (const auto& score : rules_.scores)
                for (const auto& f : score.reads)
                    read = read || f.starts_with("enrich." + e.id + ".");
            if (!read) continue;
            any = true;
            if (!config::find_approval(policy_, "matching", e.id))
                missing.push_back("the enrichment table `" + e.id +
                                  "` is matched to customers by `" + e.key +
                                  "` without an approval: add {scope: matching, subject: " + e.id +
                                  ", who, when, why} to `approvals` (s.30)");
        }
        out.push_back({12, "matching procedure",
                       !missing.empty() ? "refuse"
                       : any            ? "pass"
                                        : "not_applicable",
                       !missing.empty() ? join(missing)
                       : any            ? "every enrichment table the rules read is approved"
                                        : "the rule set reads no enrichment table"});
    }
    // 13. The rule set version of a production run is approved.
    {
        const std::string subject = rules_.name + " " + rules_.version;
        const auto* a = config::find_approval(policy_, "rule_set", subject);
        std::string message;
        std::string status = "pass";
        if (a) {
            message = "rule set `" + subject + "` approved by " + a->who + " on " + a->when;
        } else if (production) {
            status = "refuse";
            message = "the rule set `" + subject +
                      "` has no approval for production runs: add {scope: rule_set, "
                      "subject: \"" +
                      subject + "\", who, when, why} to `approvals` in " + policy_.file +
                      " (a dry run needs none)";
        } else {
            status = "warn";
            message =
                "the rule set `" + subject + "` has no approval: dry runs only until one is added";
        }
        out.push_back({13, "rule set approval", status, message});
    }
    return out;
}

void PrivacyGate::require_allowed(bool production) const {
    std::vector<std::string> refusals;
    for (const auto& f : evaluate(production))
        if (f.status == "refuse")
            refusals.push_back("PRIVACY.md check " + std::to_string(f.check) + " (" + f.name +
                               "): " + f.message);
    if (!refusals.empty())
        throw PrivacyRefusal("the privacy policy refuses this work (" + policy_.name + " " +
                             policy_.version + ", purpose `" + rules_.purpose +
                             "`); nothing was read: " + join(refusals, " | "));
}

nlohmann::ordered_json findings_document(const std::vector<PrivacyFinding>& findings) {
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (const auto& f : findings)
        out.push_back(
            {{"check", f.check}, {"name", f.name}, {"status", f.status}, {"message", f.message}});
    return out;
}

}  // namespace custclass::plugin
