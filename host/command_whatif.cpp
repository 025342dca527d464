// `custclass whatif -c CONFIG --rules CANDIDATE.yaml [--as-of DATE]`: what would change if the
// candidate rules were used (custclass_whatif), computed on the same data, written nowhere;
// then each rule's match counts under both rule sets.
#include <iostream>

#include "commands.h"
#include "comparison_table.h"
#include "progress_reporter.h"

namespace custclass::host {

namespace {

using Json = nlohmann::ordered_json;

void print_rule_counts(std::ostream& out, const Json& counts, const char* which) {
    out << "\nrule counts, " << which << " rules (matched / first-matched / shadowed)\n";
    for (const Json& cls : counts) {
        out << "  " << cls["id"].get<std::string>() << '\n';
        for (const Json& s : cls["segments"])
            out << "    " << s["id"].get<std::string>() << "  " << s["matched"].dump() << " / "
                << s["first_matched"].dump() << " / " << s["shadowed"].dump() << '\n';
    }
}

}  // namespace

WhatifCommand::WhatifCommand(CLI::App& parent)
    : Command(parent.add_subcommand(
          "whatif", "Show what would change with a candidate rule set, on the same data, writing nothing")) {
    app_->add_option("-c,--config", config_, "The engine config (custclass.yaml)")->required()->type_name("CONFIG");
    app_->add_option("--rules", rules_, "The candidate rule set")->required()->type_name("CANDIDATE.yaml");
    app_->add_option("--as-of", as_of_, "The date of the data, YYYY-MM-DD (default: today)")->type_name("DATE");
    app_->add_flag("--json", json_, "Print the comparison document (comparison.schema.json)");
}

ExitCode WhatifCommand::execute(const Session& session) const {
    const custclass::Engine engine = custclass::Engine::open(session.api, config_);
    custclass::RunOptions options;
    if (!as_of_.empty()) options.as_of(as_of_);
    ProgressReporter reporter(session.verbose);
    reporter.attach(options);
    const custclass::Document result = engine.whatif(rules_, options);
    reporter.finish();
    const auto document = Json::parse(result.c_str());
    if (json_) {
        std::cout << document.dump(2) << '\n';
        return ExitCode::ok;
    }
    print_comparison(std::cout, document, "current", "candidate");
    print_rule_counts(std::cout, document["rule_counts"]["current"], "current");
    print_rule_counts(std::cout, document["rule_counts"]["candidate"], "candidate");
    return ExitCode::ok;
}

}  // namespace custclass::host
