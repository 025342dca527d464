#include "rule_review.h"

#include <cmath>

namespace custclass::plugin {

namespace {

using json = nlohmann::ordered_json;

double share(std::uint64_t part, std::uint64_t whole) {
    return whole == 0 ? 0.0 : std::round(1e6 * static_cast<double>(part) / static_cast<double>(whole)) / 1e6;
}

std::string percent(double s) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f%%", 100 * s);
    return buf;
}

}  // namespace

nlohmann::ordered_json review_rules(const config::RuleSet& rules,
                                    const std::vector<ClassificationResult>& results,
                                    const ReviewRequest& request) {
    json classifications = json::array();
    json findings = json::array();
    auto finding = [&](const char* severity, const char* kind, const std::string& classification,
                       const json& segment, std::string message, std::string suggestion) {
        findings.push_back({{"severity", severity},
                            {"kind", kind},
                            {"classification", classification},
                            {"segment", segment},
                            {"message", std::move(message)},
                            {"suggestion", std::move(suggestion)}});
    };
    const auto k = static_cast<std::uint64_t>(request.k);
    // Counts in messages: a number under k would name a small group (the counts themselves are
    // the consultant's, in the document; messages travel further, into reports).
    auto count = [&](std::uint64_t n) {
        return n > 0 && n < k ? "fewer than " + std::to_string(k) : std::to_string(n);
    };
    for (std::size_t c = 0; c < rules.classifications.size(); ++c) {
        const auto& cls = rules.classifications[c];
        const ClassificationResult& res = results.at(c);
        const bool first = cls.mode == config::ClassificationMode::FirstMatch;
        json segments = json::array();
        for (std::size_t s = 0; s < cls.segments.size(); ++s) {
            const auto& seg = cls.segments[s];
            const std::uint64_t matched = res.matched.at(s);
            const std::uint64_t taken = res.counts[s];
            const std::uint64_t shadowed = first ? matched - taken : 0;
            segments.push_back({{"id", seg.id},
                                {"label", seg.label},
                                {"matched", matched},
                                {"first_matched", taken},
                                {"shadowed", shadowed},
                                {"share", share(taken, request.customers)}});
            const std::string where = "`" + cls.id + "." + seg.id + "`";
            if (matched == 0) {
                finding("warning", "never_matches", cls.id, seg.id,
                        where + ": its rule holds for no customer",
                        "check the thresholds of `" + seg.when.text + "` against the feature values "
                        "(custclass profiles shows their ranges)");
            } else if (taken == 0) {
                finding("warning", "never_reached", cls.id, seg.id,
                        where + ": its rule holds for " + count(matched) +
                            " customers, but earlier segments take every one of them",
                        "move it before the segments that take its customers, or narrow those");
            } else if (taken < k) {
                finding("info", "under_k", cls.id, seg.id,
                        where + ": fewer than k = " + std::to_string(request.k) +
                            " customers; its customer file is suppressed",
                        "merge it with a neighbouring segment or widen its rule");
            }
            // A catch-all (a rule that reads nothing, like `true`) is shadowed by design.
            if (first && taken > 0 && shadowed > taken && !seg.when.reads.empty())
                finding("info", "mostly_shadowed", cls.id, seg.id,
                        where + ": earlier segments take " + count(shadowed) + " of the " +
                            count(matched) + " customers its rule holds for",
                        "if those customers belong here, move the segment up");
        }
        const double unclassified = share(res.unclassified, request.customers);
        if (first && unclassified > request.unclassified_warning)
            finding("warning", "unclassified", cls.id, nullptr,
                    "`" + cls.id + "`: " + percent(unclassified) + " of the customers match no segment",
                    "add a last segment with `when: true` to catch the rest, or widen the rules");
        json one = {{"id", cls.id},
                    {"label", cls.label},
                    {"mode", first ? "first_match" : "all_matches"},
                    {"segments", std::move(segments)},
                    {"unclassified", res.unclassified},
                    {"unclassified_share", unclassified}};
        if (request.stability) {
            for (const auto& compared : (*request.stability)["classifications"])
                if (compared["id"] == cls.id) {
                    const double psi = compared["psi"].get<double>();
                    one["stability"] = {{"psi", psi}, {"drift", compared["drift"]}};
                    if (psi > 0.1)
                        finding(psi > 0.25 ? "warning" : "info", "drift", cls.id, nullptr,
                                "`" + cls.id + "`: the segment mix moved since the previous run (PSI " +
                                    std::to_string(std::round(psi * 1000) / 1000).substr(0, 5) + ", " +
                                    compared["drift"].get<std::string>() + " drift)",
                                "custclass compare shows which segments moved; check whether the "
                                "market or the data changed before tuning the rules");
                }
        }
        classifications.push_back(std::move(one));
    }
    json out = {{"customers", request.customers},
                {"k", request.k},
                {"classifications", std::move(classifications)},
                {"findings", std::move(findings)}};
    if (request.stability) {
        out["previous_run"] = (*request.stability)["from"];
    } else {
        out["previous_run"] = nullptr;
    }
    return out;
}

}  // namespace custclass::plugin
