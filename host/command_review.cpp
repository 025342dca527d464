// `custclass review -c CONFIG [--run ID]`: the review of the rules on the data of a run
// (custclass_review): per segment matched, first-matched and shadowed customers, then each
// finding with its suggestion. Exits 1 when a finding is a warning.
#include <iostream>

#include "commands.h"
#include "comparison_table.h"

namespace custclass::host {

ReviewCommand::ReviewCommand(CLI::App& parent)
    : Command(parent.add_subcommand(
          "review", "Review the rules: matched, shadowed and never-reached segments, unclassified share, small segments")) {
    app_->add_option("-c,--config", config_, "The engine config (custclass.yaml)")->required()->type_name("CONFIG");
    app_->add_option("--run", run_, "The run whose date the review uses (default: the latest)")->type_name("ID");
    app_->add_flag("--json", json_, "Print the review document (review.schema.json)");
}

ExitCode ReviewCommand::execute(const Session& session) const {
    const custclass::Engine engine = custclass::Engine::open(session.api, config_);
    const custclass::Document result = engine.review(run_);
    const auto doc = nlohmann::ordered_json::parse(result.c_str());
    bool warnings = false;
    for (const auto& f : doc["findings"]) warnings = warnings || f["severity"] == "warning";
    if (json_) {
        std::cout << doc.dump(2) << '\n';
        return warnings ? ExitCode::problems_found : ExitCode::ok;
    }
    std::cout << "review of rule set " << doc["ruleset"]["name"].get<std::string>() << ' '
              << doc["ruleset"]["version"].get<std::string>() << " on the data of run "
              << doc["run_id"].get<std::string>() << " (as of " << doc["as_of"].get<std::string>()
              << "), " << doc["customers"].dump() << " customers\n";
    for (const auto& cls : doc["classifications"]) {
        std::cout << '\n' << cls["id"].get<std::string>() << "  unclassified "
                  << percent_text(cls["unclassified_share"]);
        if (cls.contains("stability"))
            std::cout << ", " << cls["stability"]["drift"].get<std::string>() << " since the previous run";
        std::cout << "\n  segment                 matched  first-matched  shadowed\n";
        for (const auto& s : cls["segments"]) {
            char line[160];
            std::snprintf(line, sizeof line, "  %-22s %8s %14s %9s\n", s["id"].get<std::string>().c_str(),
                          s["matched"].dump().c_str(), s["first_matched"].dump().c_str(),
                          s["shadowed"].dump().c_str());
            std::cout << line;
        }
    }
    std::cout << "\nfindings\n";
    if (doc["findings"].empty()) std::cout << "  none\n";
    for (const auto& f : doc["findings"])
        std::cout << "  " << f["severity"].get<std::string>() << ": " << f["message"].get<std::string>()
                  << "\n    suggestion: " << f["suggestion"].get<std::string>() << '\n';
    return warnings ? ExitCode::problems_found : ExitCode::ok;
}

}  // namespace custclass::host
