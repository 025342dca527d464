// `custclass run -c CONFIG`: a full classification run (custclass_run), with a progress bar and
// Ctrl-C as cancellation, then the run summary as tables or as the JSON document.
#include <iostream>

#include <nlohmann/json.hpp>

#include "commands.h"
#include "progress_reporter.h"
#include "run_summary_table.h"

namespace custclass::host {

RunCommand::RunCommand(CLI::App& parent)
    : Command(parent.add_subcommand("run", "Classify every customer and print the run summary")) {
    app_->add_option("-c,--config", config_, "The engine config (custclass.yaml)")
        ->required()
        ->type_name("CONFIG");
    app_->add_option("--as-of", as_of_,
                     "The date of the run, YYYY-MM-DD (default: today in the rule set's time "
                     "zone); orders after it are ignored")
        ->type_name("DATE");
    app_->add_flag("--dry-run", dry_run_, "Compute everything, write nothing");
    app_->add_flag("--json", json_, "Print the run summary document (run_summary.schema.json)");
    app_->add_option("--threads", threads_,
                     "Threads computing the features and evaluating the rules (default: the cores "
                     "there are); the results are the same on any number")
        ->check(CLI::Range(1, 1024))
        ->type_name("N");
}

ExitCode RunCommand::execute(const Session& session) const {
    const custclass::Engine engine = custclass::Engine::open(session.api, config_);

    custclass::RunOptions options;
    if (!as_of_.empty()) options.as_of(as_of_);
    options.dry_run(dry_run_);
    options.threads(threads_);
    ProgressReporter reporter(session.verbose);
    reporter.attach(options);
    const custclass::Document summary = engine.run(options);
    reporter.finish();

    print_run_summary_text(std::cout, summary.c_str(), json_);
    return ExitCode::ok;
}

}  // namespace custclass::host
