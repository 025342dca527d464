// `custclass validate FILE...`: checks engine configs, rule sets and privacy policies without
// opening any database (custclass_validate_file), and prints every problem as compilers do, so
// that editors and CI logs link each one to its line.
#include <algorithm>
#include <cstdint>
#include <iostream>
#include <string>

#include <nlohmann/json.hpp>

#include "commands.h"

namespace custclass::host {

namespace {

using Json = nlohmann::ordered_json;

// file:line:col: severity: message, and the hint on the next line.
void print_diagnostics(std::ostream& err, const std::string& argument, const Json& document) {
    const auto diagnostics = document.find("diagnostics");
    if (diagnostics == document.end() || !diagnostics->is_array()) return;
    for (const Json& d : *diagnostics) {
        std::string file = d.value("file", std::string());
        if (file.empty()) file = argument;
        const std::int64_t line = d.value("line", std::int64_t{0});
        const std::int64_t column = d.value("column", std::int64_t{0});
        err << file;
        if (line > 0) {
            err << ':' << line;
            if (column > 0) err << ':' << column;
        }
        err << ": " << d.value("severity", std::string("error")) << ": "
            << d.value("message", std::string()) << '\n';
        const std::string hint = d.value("hint", std::string());
        if (!hint.empty()) err << "  hint: " << hint << '\n';
    }
}

std::string counted(std::uint64_t n, const char* noun) {
    return std::to_string(n) + ' ' + noun + (n == 1 ? "" : "s");
}

}  // namespace

ValidateCommand::ValidateCommand(CLI::App& parent)
    : Command(parent.add_subcommand(
          "validate",
          "Check engine configs, rule sets and privacy policies, without opening any database")) {
    app_->add_option("FILE", files_,
                     "The files to check (an engine config is checked with the rule set and the "
                     "policy it names)")
        ->required();
    app_->add_flag("--json", json_,
                   "Print the diagnostics documents (diagnostics.schema.json; an array for "
                   "several files) instead of the messages");
    app_->footer(
        "Each problem is printed on standard error as `file:line:column: error: message`, "
        "with a hint on the next line when there is one.\nExit code 0: no errors (warnings "
        "allowed); 1: errors found; 3: a file could not be read.");
}

ExitCode ValidateCommand::execute(const Session& session) const {
    Json documents = Json::array();
    std::uint64_t errors = 0;
    std::uint64_t warnings = 0;
    ExitCode outcome = ExitCode::ok;
    for (const std::string& file : files_) {
        const custclass::Validation validation = custclass::validate_file(session.api, file);
        Json document = Json::parse(validation.diagnostics.c_str());
        errors += document.value("errors", std::uint64_t{0});
        warnings += document.value("warnings", std::uint64_t{0});
        // Errors in a file are what validation is for (1); an unreadable file is an I/O
        // failure (3). The worst outcome over all files decides the exit code.
        const ExitCode code = validation.status == CUSTCLASS_E_CONFIG
                                  ? ExitCode::problems_found
                                  : exit_code_for_status(validation.status);
        outcome = std::max(outcome, code);
        if (!json_) print_diagnostics(std::cerr, file, document);
        documents.push_back(std::move(document));
    }

    if (json_) {
        std::cout << (documents.size() == 1 ? documents.front() : documents).dump(2) << '\n';
    } else {
        std::cout << "checked " << counted(files_.size(), "file") << ": "
                  << (errors == 0 && warnings == 0
                          ? std::string("no problems")
                          : counted(errors, "error") + ", " + counted(warnings, "warning"))
                  << '\n';
    }
    return outcome;
}

}  // namespace custclass::host
