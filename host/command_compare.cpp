// `custclass compare -c CONFIG [--from RUN] [--to RUN] [--fail-on-drift PSI]`: two stored runs
// compared (custclass_compare_runs). With --fail-on-drift it exits 1 when any classification's
// PSI is above the threshold, for schedulers that watch the market's drift.
#include <iostream>

#include "commands.h"
#include "comparison_table.h"

namespace custclass::host {

CompareCommand::CompareCommand(CLI::App& parent)
    : Command(parent.add_subcommand(
          "compare", "Compare two runs: sizes, the migration matrix, new versus existing customers, drift (PSI)")) {
    app_->add_option("-c,--config", config_, "The engine config (custclass.yaml)")->required()->type_name("CONFIG");
    app_->add_option("--from", from_, "The earlier run's id (default: the run before --to)")->type_name("RUN");
    app_->add_option("--to", to_, "The later run's id (default: the latest succeeded run)")->type_name("RUN");
    app_->add_option("--fail-on-drift", fail_on_drift_,
                     "Exit with 1 when a classification's PSI is above this (0.1 moderate, 0.25 major)")
        ->type_name("PSI")
        ->check(CLI::NonNegativeNumber);
    app_->add_flag("--json", json_, "Print the comparison document (comparison.schema.json)");
}

ExitCode CompareCommand::execute(const Session& session) const {
    const custclass::Engine engine = custclass::Engine::open(session.api, config_);
    const custclass::Document result = engine.compare_runs(from_, to_);
    const auto document = nlohmann::ordered_json::parse(result.c_str());
    if (json_) {
        std::cout << document.dump(2) << '\n';
    } else {
        print_comparison(std::cout, document, "before", "after");
    }
    if (fail_on_drift_ >= 0 && document["max_psi"].is_number() &&
        document["max_psi"].get<double>() > fail_on_drift_) {
        std::cerr << "custclass: drift over " << fail_on_drift_ << ": PSI "
                  << document["max_psi"].get<double>() << " in `"
                  << document["max_psi_classification"].get<std::string>() << "`\n";
        return ExitCode::problems_found;
    }
    return ExitCode::ok;
}

}  // namespace custclass::host
