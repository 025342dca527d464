// `custclass report -c CONFIG --html FILE [--run ID]`: the HTML report of a run
// (custclass_report_html), written to FILE whole or not at all: into a temporary file beside it,
// renamed over FILE once complete.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <system_error>

#include "commands.h"

namespace custclass::host {

ReportCommand::ReportCommand(CLI::App& parent)
    : Command(parent.add_subcommand(
          "report", "Write the HTML report of a run: segments, customer files, trends, review, privacy")) {
    app_->add_option("-c,--config", config_, "The engine config (custclass.yaml)")->required()->type_name("CONFIG");
    app_->add_option("--html", html_, "The file to write (one self-contained HTML page)")->required()->type_name("FILE");
    app_->add_option("--run", run_, "The run (default: the latest succeeded run)")->type_name("ID");
}

ExitCode ReportCommand::execute(const Session& session) const {
    const custclass::Engine engine = custclass::Engine::open(session.api, config_);
    const custclass::Document html = engine.report_html(run_);
    namespace fs = std::filesystem;
    const fs::path target(html_);
    const fs::path temporary = target.string() + ".partial";
    {
        std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
        out << html.view();
        out.close();
        if (!out) {
            std::error_code ignored;
            fs::remove(temporary, ignored);
            throw CommandFailure(ExitCode::io_failure, "cannot write " + temporary.string());
        }
    }
    std::error_code ec;
    fs::rename(temporary, target, ec);
    if (ec) {
        fs::remove(temporary, ec);
        throw CommandFailure(ExitCode::io_failure, "cannot write " + target.string() + ": " + ec.message());
    }
    std::cerr << "custclass: wrote " << target.string() << " (" << html.view().size() << " bytes)\n";
    return ExitCode::ok;
}

}  // namespace custclass::host
