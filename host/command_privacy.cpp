// `custclass privacy SUBCOMMAND`: the duties of the data user under Hong Kong's Personal Data
// (Privacy) Ordinance that the plugin helps with (PRIVACY.md), one subcommand each.
//   export -c CONFIG ID   a data access request (s.18, s.19; custclass_privacy_export): everything
//                         the plugin holds on one customer, as the data_access.schema.json
//                         document on standard output; the request is logged in the audit log
//                         with its 40-day deadline before anything is printed.
//   erase -c CONFIG ID    erasure (DPP2, DPP6; custclass_privacy_erase): every row of the plugin's
//                         tables on one customer removed, with a tombstone in the audit log; the
//                         erasure.schema.json document on standard output.
//   check -c CONFIG       the compliance report (custclass_privacy_check): each check of the
//                         policy for this engine, as a table (or compliance_report.schema.json
//                         with --json); exit 1 when a production run would be refused.
// A one-line summary of export and erase goes to standard error.
#include <iostream>
#include <string>

#include <nlohmann/json.hpp>

#include "commands.h"
#include "progress_reporter.h"

namespace custclass::host {

namespace {

using Json = nlohmann::ordered_json;

constexpr const char* kNoPrivacyCalls =
    "the plugin does not provide the privacy calls (custclass_privacy_*, ABI 1.2); install a "
    "plugin of the same version as this command";

// The options every subcommand about one customer has.
void add_customer_options(CLI::App* app, std::string& config, std::string& customer_id,
                          std::string& actor) {
    app->add_option("-c,--config", config, "The engine config (custclass.yaml)")
        ->required()
        ->type_name("CONFIG");
    app->add_option("CUSTOMER_ID", customer_id, "The customer's id in the host's data")->required();
    app->add_option("--actor", actor,
                    "Who asked (a user or job name), recorded in the audit log (default: "
                    "custclass)")
        ->type_name("NAME");
}

std::size_t size_of(const Json& document, const char* key) {
    const auto it = document.find(key);
    return it != document.end() && it->is_array() ? it->size() : 0;
}

}  // namespace

PrivacyCommand::PrivacyCommand(CLI::App& parent)
    : Command(parent.add_subcommand(
          "privacy",
          "Data access requests and erasure under the Personal Data (Privacy) Ordinance")) {
    app_->require_subcommand(1);

    export_.app = app_->add_subcommand(
        "export",
        "Print everything the plugin holds on one customer (a data access request, s.18)");
    add_customer_options(export_.app, export_.config, export_.customer_id, export_.actor);
    export_.app
        ->add_option("--as-of", export_.as_of,
                     "The date of the customer's current segments, YYYY-MM-DD (default: "
                     "today in the rule set's time zone)")
        ->type_name("DATE");
    export_.app->footer(
        "Prints the data_access.schema.json document: the customer's current segments with their "
        "explanation, its segment in every stored run, its live assignments and the audit "
        "entries about it. The request is logged in the audit log first, with its deadline (40 "
        "days, s.19); if the log cannot be written, nothing is printed (exit 3).");

    erase_.app = app_->add_subcommand(
        "erase",
        "Erase everything the plugin holds on one customer, leaving a tombstone in the "
        "audit log");
    add_customer_options(erase_.app, erase_.config, erase_.customer_id, erase_.actor);
    erase_.app->footer(
        "Removes, in one transaction, the customer's assignments in every stored run, its live "
        "assignments, the audit entries about it and its id in the runs' cut points, and records "
        "the erasure in the audit log (naming the customer only by its pseudonym, when the "
        "policy's key is set); if the log cannot be written, nothing is erased (exit 3). Prints "
        "the erasure.schema.json document. The host's own records are the host's to erase: a "
        "later run classifies the customer again if the host still holds it.");

    check_.app = app_->add_subcommand(
        "check", "Print the compliance report: each privacy check for this engine, and the verdict");
    check_.app->add_option("-c,--config", check_.config, "The engine config (custclass.yaml)")
        ->required()
        ->type_name("CONFIG");
    check_.app->add_flag("--json", check_json_,
                         "Print the compliance_report.schema.json document instead of the table");
    check_.app->footer(
        "Evaluates the rule set and the source mapping against the privacy policy without reading "
        "customer data, and shows what the last run recorded (exclusions, fairness, customers "
        "past retention for you to erase). Exit 1 when a production run would be refused.");
}

ExitCode PrivacyCommand::execute(const Session& session) const {
    if (export_.app->parsed()) return export_data(session);
    if (erase_.app->parsed()) return erase(session);
    if (check_.app->parsed()) return check(session);
    throw CommandFailure(ExitCode::bad_usage, "name a privacy subcommand: check, export or erase");
}

ExitCode PrivacyCommand::check(const Session& session) const {
    if (session.api.privacy_check == nullptr) throw CommandFailure(ExitCode::bad_usage, kNoPrivacyCalls);
    const custclass::Engine engine = custclass::Engine::open(session.api, check_.config);
    custclass::RunOptions options;
    const custclass::Document result = engine.privacy_check(options);
    const auto report = Json::parse(result.c_str());
    const bool refused = report.value("verdict", "") == "refused";
    if (check_json_) {
        std::cout << report.dump(2) << '\n';
        return refused ? ExitCode::problems_found : ExitCode::ok;
    }
    const Json policy = report.value("policy", Json::object());
    const Json rules = report.value("rule_set", Json::object());
    std::cout << "policy " << policy.value("name", "") << " " << policy.value("version", "")
              << ", rule set " << rules.value("name", "") << " " << rules.value("version", "")
              << " for " << rules.value("purpose", "") << "\n\n";
    for (const auto& c : report["checks"])
        std::cout << "  " << (c["check"].get<int>() < 10 ? " " : "") << c["check"].get<int>() << "  "
                  << c["status"].get<std::string>()
                  << std::string(16 - std::min<std::size_t>(15, c["status"].get<std::string>().size()), ' ')
                  << c["name"].get<std::string>() << ": " << c["message"].get<std::string>() << '\n';
    const Json& due = report["retention_due"];
    if (due.is_array() && !due.empty()) {
        std::cout << "\npast retention, for you to erase from the host (" << due.size() << "):";
        for (const auto& id : due) std::cout << ' ' << id.get<std::string>();
        std::cout << '\n';
    }
    std::cout << "\nverdict: " << (refused ? "refused: a production run would not start (see `refuse`)"
                                           : "allowed")
              << '\n';
    return refused ? ExitCode::problems_found : ExitCode::ok;
}

ExitCode PrivacyCommand::export_data(const Session& session) const {
    if (session.api.privacy_export == nullptr)
        throw CommandFailure(ExitCode::bad_usage, kNoPrivacyCalls);
    const custclass::Engine engine = custclass::Engine::open(session.api, export_.config);
    custclass::RunOptions options;
    if (!export_.as_of.empty()) options.as_of(export_.as_of);
    if (!export_.actor.empty()) options.actor(export_.actor);
    ProgressReporter reporter(session.verbose);  // the current features may be computed first
    reporter.attach(options);
    const custclass::Document result = engine.privacy_export(export_.customer_id, options);
    reporter.finish();

    const auto document = Json::parse(result.c_str());
    std::cout << document.dump(2) << '\n';
    std::cerr << "custclass: data access request for " << document.value("customer_id", "")
              << " logged; respond by " << document.value("deadline", "") << " (s.19); "
              << size_of(document, "history") << " stored assignments, "
              << size_of(document, "live_assignments") << " live, " << size_of(document, "audit")
              << " audit entries\n";
    return ExitCode::ok;
}

ExitCode PrivacyCommand::erase(const Session& session) const {
    if (session.api.privacy_erase == nullptr)
        throw CommandFailure(ExitCode::bad_usage, kNoPrivacyCalls);
    const custclass::Engine engine = custclass::Engine::open(session.api, erase_.config);
    custclass::RunOptions options;
    if (!erase_.actor.empty()) options.actor(erase_.actor);
    ProgressReporter reporter(session.verbose);
    reporter.attach(options);
    const custclass::Document result = engine.privacy_erase(erase_.customer_id, options);
    reporter.finish();

    const auto document = Json::parse(result.c_str());
    std::cout << document.dump(2) << '\n';
    const Json removed = document.value("removed", Json::object());
    std::cerr << "custclass: erased " << removed.value("assignments", std::uint64_t{0})
              << " assignments, " << removed.value("live_assignments", std::uint64_t{0})
              << " live assignments, " << removed.value("audit_entries", std::uint64_t{0})
              << " audit entries and " << removed.value("cut_points", std::uint64_t{0})
              << " cut points; tombstone "
              << document.value("tombstone", Json::object()).value("entry_id", "")
              << " in the audit log\n";
    return ExitCode::ok;
}

}  // namespace custclass::host
