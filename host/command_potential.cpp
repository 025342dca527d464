// `custclass potential -c CONFIG [--list NAME] …`: one potential-customer result of a stored
// run (custclass_potential, POTENTIAL.md): the 80/20 focus list, leads ranked by a score,
// prospects ranked by their look-alike fit, referral rewards, key persons, offer lists, seasonal
// best-sellers, keyword targets and trends, e-mail list growth, unmet demand, predicted value.
// Prints a short table per list, or the document (potential.schema.json) with --json.
#include <cstdio>
#include <iostream>
#include <string>

#include <nlohmann/json.hpp>

#include "commands.h"
#include "comparison_table.h"

namespace custclass::host {

namespace {

using Json = nlohmann::ordered_json;

const char* const kLists[] = {"focus",      "leads",    "lookalike", "referral-rewards",
                              "key-persons", "offers",  "bestsellers", "keywords",
                              "signups",    "unmet-demand", "lifetime-value"};

std::string text(const Json& v) {
    if (v.is_string()) return v.get<std::string>();
    if (v.is_null()) return "-";
    return v.dump();
}

// "<k" for a suppressed count.
std::string count(const Json& v, const Json& k) { return v.is_null() ? "<" + text(k) : text(v); }

void print_people_header(const Json& doc) {
    std::cout << doc["total"].dump() << " listed for " << text(doc["purpose"]) << " ("
              << text(doc["identifiers"]) << ")";
    if (text(doc["purpose"]) == "direct_marketing")
        std::cout << "; left out: " << doc["excluded"]["no_consent"].dump() << " without consent, "
                  << doc["excluded"]["opted_out"].dump() << " opted out";
    std::cout << "; showing " << doc["customers"].size() << "\n";
}

void print_focus(const Json& doc) {
    std::cout << doc["customers_with_revenue"].dump() << " customers with revenue, "
              << percent_text(doc["customer_share_for_80_percent"]) << " of them bring 80% of it\n";
    for (const auto& [cls, c] : doc["classes"].items())
        std::cout << "  class " << cls << ": " << c["customers"].dump() << " customers, "
                  << percent_text(c["revenue_share"]) << " of revenue\n";
    std::cout << "focus list (class A, by revenue): ";
    print_people_header(doc);
    for (const auto& c : doc["customers"]) {
        std::string segments;
        for (const auto& [cls, s] : c["segments"].items()) segments += " " + cls + "=" + text(s);
        std::printf("  %-24s %12s %8s %s\n", text(c["customer_id"]).c_str(), text(c["monetary"]).c_str(),
                    percent_text(c["revenue_share"]).c_str(), segments.c_str());
    }
}

void print_list(const Json& doc, const std::vector<std::pair<const char*, const char*>>& columns) {
    print_people_header(doc);
    for (const auto& c : doc["customers"]) {
        std::cout << " ";
        for (const auto& [key, label] : columns) std::cout << ' ' << label << text(c[key]);
        std::cout << '\n';
    }
}

}  // namespace

PotentialCommand::PotentialCommand(CLI::App& parent)
    : Command(parent.add_subcommand(
          "potential", "Potential customers: 80/20 focus, leads, look-alikes, referrals, key persons, "
                       "offers, best-sellers, keywords, sign-ups, unmet demand, predicted value")) {
    app_->add_option("-c,--config", config_, "The engine config (custclass.yaml)")->required()->type_name("CONFIG");
    app_->add_option("--list", list_, "Which result")
        ->check(CLI::IsMember(std::vector<std::string>(std::begin(kLists), std::end(kLists))))
        ->capture_default_str()
        ->type_name("NAME");
    app_->add_option("--run", run_, "The run (default: the latest)")->type_name("ID");
    app_->add_option("--from", from_, "keywords, unmet-demand: the earlier run (default: the run before)")
        ->type_name("RUN");
    app_->add_option("--score", score_, "leads: the score to rank by (default: the rule set's first)")
        ->type_name("ID");
    app_->add_option("--limit", limit_, "The most people a list shows (0: all)")->capture_default_str();
    app_->add_option("--purpose", purpose_,
                     "What lists of people are for: analytics (pseudonyms unless the policy gives "
                     "analytics identity) or marketing (customer ids, only with consent and no "
                     "opt-out); offers are always marketing")
        ->check(CLI::IsMember({"analytics", "marketing"}))
        ->capture_default_str();
    app_->add_flag("--json", json_, "Print the document (potential.schema.json)");
}

ExitCode PotentialCommand::execute(const Session& session) const {
    if (session.api.potential == nullptr)
        throw CommandFailure(ExitCode::bad_usage,
                             "the plugin does not provide potential-customer results (custclass_potential,"
                             " ABI 1.3); install a plugin of the same version as this command");
    const custclass::Engine engine = custclass::Engine::open(session.api, config_);
    custclass::PotentialOptions options;
    options.list(list_).limit(limit_).purpose(purpose_ == "marketing" ? custclass::Purpose::direct_marketing
                                                                      : custclass::Purpose::analytics);
    if (!run_.empty()) options.run_id(run_);
    if (!from_.empty()) options.from_run_id(from_);
    if (!score_.empty()) options.score(score_);
    const custclass::Document result = engine.potential(options);
    const Json doc = Json::parse(result.c_str());
    if (json_) {
        std::cout << doc.dump(2) << '\n';
        return ExitCode::ok;
    }
    std::cout << list_ << " of run " << text(doc["run_id"]) << " (as of " << text(doc["as_of"]) << ")\n";
    if (list_ == "focus") {
        print_focus(doc);
    } else if (list_ == "leads") {
        std::cout << "score " << text(doc["score"]["id"]) << "; tiers:";
        for (const auto& [tier, n] : doc["tiers"].items()) std::cout << ' ' << tier << ' ' << n.dump();
        std::cout << '\n';
        print_list(doc, {{"customer_id", ""}, {"score", "score "}, {"tier", "tier "}, {"is_prospect", "prospect "}});
    } else if (list_ == "lookalike") {
        const Json& m = doc["model"];
        std::cout << "trained on " << m["examples"].dump() << " customers (" << m["target_examples"].dump()
                  << " in the targets), " << doc["prospects"].dump() << " prospects scored\n";
        for (const auto& e : m["top_evidence"])
            std::cout << "  " << text(e["attribute"]) << " = " << text(e["value"]) << ": weight " << text(e["weight"])
                      << " (" << e["support"].dump() << " customers)\n";
        print_list(doc, {{"customer_id", ""}, {"probability", "p "}});
    } else if (list_ == "referral-rewards") {
        std::cout << doc["granted_by_run"].dump() << " rewards granted by this run, to both parties\n";
        print_list(doc, {{"referrer_id", "referrer "}, {"referee_id", "referee "}, {"first_purchase", "first purchase "}});
    } else if (list_ == "key-persons") {
        print_list(doc, {{"customer_id", ""}, {"influence", "influence "}, {"reach", "reach "}});
    } else if (list_ == "offers") {
        for (const auto& o : doc["offers"]) {
            std::cout << text(o["id"]) << " (" << text(o["label"]) << "): " << o["targeted"].dump() << " targeted, "
                      << o["members"].dump() << " with consent and no opt-out (" << o["excluded"]["no_consent"].dump()
                      << " without consent, " << o["excluded"]["opted_out"].dump() << " opted out)\n";
            for (const auto& c : o["customers"]) std::cout << "  " << text(c) << '\n';
        }
    } else if (list_ == "bestsellers") {
        for (const auto& seg : doc["segments"]) {
            std::cout << text(seg["segment"]) << '\n';
            for (const auto& s : seg["seasons"]) {
                std::cout << "  " << text(s["season"]) << ": ";
                if (s["suppressed"].get<bool>()) {
                    std::cout << "fewer than " << doc["k"].dump() << " buyers\n";
                    continue;
                }
                std::string top;
                for (const auto& e : s["products_by_revenue"]) top += (top.empty() ? "" : ", ") + text(e["id"]);
                std::string cats;
                for (const auto& e : s["categories_by_revenue"]) cats += (cats.empty() ? "" : ", ") + text(e["id"]);
                std::cout << "categories " << (cats.empty() ? "-" : cats) << "; products " << (top.empty() ? "-" : top) << '\n';
            }
        }
    } else if (list_ == "keywords") {
        for (const auto& k : doc["campaign_keywords"])
            std::cout << text(k["keyword"]) << ": " << k["customers"].dump() << " customers, " << k["prospects"].dump()
                      << " prospects, " << k["listed"].dump() << " listed\n";
        if (doc["trending"].is_null()) {
            std::cout << "trending: no earlier run to compare with\n";
        } else {
            std::cout << "trending up since run " << text(doc["trending"]["from_run_id"]) << ":\n";
            for (const auto& k : doc["trending"]["keywords"])
                std::cout << "  " << text(k["keyword"]) << "  " << k["before"].dump() << " -> " << k["after"].dump()
                          << " people\n";
        }
    } else if (list_ == "signups") {
        std::cout << "sign-ups with e-mail and consent: " << count(doc["total"], doc["k"]) << '\n';
        for (const auto& p : doc["periods"]) {
            std::cout << "  " << text(p["period"]) << "  " << count(p["total"], doc["k"]);
            for (const auto& [source, n] : p["by_source"].items()) std::cout << "  " << source << ' ' << n.dump();
            for (const auto& source : p["suppressed_sources"]) std::cout << "  " << text(source) << " <" << doc["k"].dump();
            std::cout << '\n';
        }
    } else if (list_ == "unmet-demand") {
        for (const auto& seg : doc["segments"]) {
            std::cout << text(seg["segment"]) << " (" << seg["customers"].dump() << " customers)\n";
            for (const auto& u : seg["unmet_interests"])
                std::cout << "  unmet interest " << text(u["keyword"]) << ": " << u["people"].dump() << " people\n";
            if (seg["falling_categories"].is_array())
                for (const auto& f : seg["falling_categories"])
                    std::cout << "  falling category " << text(f["category"]) << ": " << f["buyers_before"].dump()
                              << " -> " << count(f["buyers_after"], doc["k"]) << " buyers\n";
        }
    } else if (list_ == "lifetime-value") {
        const Json& bg = doc["models"]["bg_nbd"];
        if (bg.is_object())
            std::cout << "BG/NBD on " << text(bg["customers"]) << " customers: r " << text(bg["r"]) << ", alpha "
                      << text(bg["alpha"]) << ", a " << text(bg["a"]) << ", b " << text(bg["b"]) << " ("
                      << (bg.value("converged", false) ? "converged" : text(bg["message"])) << ")\n";
        print_list(doc, {{"customer_id", ""}, {"clv_90d", "clv_90d "}, {"p_alive", "p_alive "},
                         {"expected_purchases_90d", "purchases_90d "}});
    }
    return ExitCode::ok;
}

}  // namespace custclass::host
