// custclass: the reference host of libcustclass. It loads the plugin with Boost.DLL and does
// everything through the C ABI (custclass.h, via the C++ wrapper custclass.hpp), so every feature
// of this command is proof that the ABI carries it, and its code is an example for host
// developers. This file parses the command line, loads the plugin, dispatches to the command
// (command_*.cpp) and turns every failure into `custclass: error: <message>` and an exit code.
#include <exception>
#include <iostream>
#include <string>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "commands.h"
#include "custclass.hpp"
#include "exit_code.h"
#include "plugin_loader.h"

#ifndef CUSTCLASS_VERSION
#error "CUSTCLASS_VERSION must be defined by the build"
#endif

namespace {

using namespace custclass::host;

constexpr const char* kFooter =
    "Environment:\n"
    "  CUSTCLASS_PLUGIN    the plugin library to load when --plugin is not given\n"
    "  CUSTCLASS_DATA_DIR  the directory of the shipped rule sets, presets and policies\n"
    "\n"
    "Exit codes: 0 success; 1 problems found (validation errors, privacy refusals); 2 bad usage,\n"
    "bad configuration or no usable plugin; 3 database or I/O failure; 4 internal error;\n"
    "130 interrupted (Ctrl-C).";

int fail(ExitCode code, const std::string& message) {
    std::cerr << "custclass: error: " << message << '\n';
    return static_cast<int>(code);
}

void print_versions(std::ostream& out, const PluginLibrary& plugin) {
    const custclass::PluginInfo& info = plugin.info();
    out << "plugin    " << info.name << ' ' << info.version << " (" << plugin.path().string()
        << ")\n";
    out << "build     " << info.build_id << '\n';
    out << "ABI       " << CUSTCLASS_ABI_MAJOR << '.' << plugin.agreed_minor() << " (command "
        << CUSTCLASS_ABI_MAJOR << '.' << CUSTCLASS_ABI_MINOR << ", plugin " << info.abi_major << '.'
        << info.abi_minor << ")\n";
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app(
        "custclass classifies the customers of a CRM or ERP with rules written in YAML.\n"
        "It loads the plugin libcustclass.so.1 and uses nothing but its C ABI.",
        "custclass");
    app.footer(kFooter);
    app.require_subcommand(0, 1);
    app.fallthrough();  // the options below are accepted after the command's name too
    app.failure_message([](const CLI::App*, const CLI::Error& e) {
        return std::string("custclass: error: ") + e.what() +
               "\nRun `custclass --help` or `custclass COMMAND --help` for usage.\n";
    });

    std::string plugin_option;
    bool show_version = false;
    bool verbose = false;
    app.add_option("--plugin", plugin_option,
                   "The plugin library to load (default: $CUSTCLASS_PLUGIN, else the build "
                   "tree's or the installed libcustclass.so.1)")
        ->type_name("PATH");
    app.add_flag(
        "--version", show_version,
        "Print the versions of this command and of the plugin, and the ABI they agreed on");
    app.add_flag("-v,--verbose", verbose, "Also print the plugin's info and debug log lines");

    // Listed in --help in this order.
    DemoCommand demo(app);
    ValidateCommand validate(app);
    RunCommand run(app);
    ExplainCommand explain(app);
    MembersCommand members(app);
    ProfilesCommand profiles(app);
    CompareCommand compare(app);
    WhatifCommand whatif(app);
    ReviewCommand review(app);
    ReportCommand report(app);
    PotentialCommand potential(app);
    PrivacyCommand privacy(app);
    FeedCommand feed(app);
    const Command* const commands[] = {&demo,   &validate, &run,       &explain, &members,
                                       &profiles, &compare, &whatif,   &review,  &report,
                                       &potential, &privacy, &feed};

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        // --help gives 0; every usage error gives 2, whatever CLI11's own code for it.
        return app.exit(e) == 0 ? 0 : static_cast<int>(ExitCode::bad_usage);
    }

    try {
        if (show_version) {
            std::cout << "custclass " << CUSTCLASS_VERSION << '\n' << std::flush;
            const PluginLibrary plugin(locate_plugin(plugin_option));
            print_versions(std::cout, plugin);
            return static_cast<int>(ExitCode::ok);
        }
        if (app.get_subcommands().empty()) {
            std::cerr << app.help() << '\n';
            return fail(ExitCode::bad_usage, "name a command");
        }

        // Declared before any engine or document the commands make, so destroyed after them:
        // they all point into the loaded library.
        const PluginLibrary plugin(locate_plugin(plugin_option));
        const Session session{plugin.api(), verbose, plugin_option,
                              argc > 0 && argv[0] != nullptr ? argv[0] : "custclass"};
        for (const Command* command : commands) {
            if (command->chosen()) return static_cast<int>(command->execute(session));
        }
        return fail(ExitCode::internal_error, "no command to run");
    } catch (const custclass::Error& e) {
        switch (e.status()) {
            case CUSTCLASS_E_CANCELLED:
                return fail(ExitCode::interrupted,
                            "interrupted; the results of the previous run are unchanged");
            case CUSTCLASS_E_CONFIG:
                fail(ExitCode::bad_usage, e.what());
                std::cerr << "custclass: hint: `custclass validate CONFIG` lists every problem\n";
                return static_cast<int>(ExitCode::bad_usage);
            default:
                return fail(exit_code_for_status(e.status()), e.what());
        }
    } catch (const CommandFailure& e) {
        return fail(e.code(), e.what());
    } catch (const nlohmann::json::exception& e) {
        return fail(
            ExitCode::internal_error,
            std::string("the plugin returned a document this command cannot read: ") + e.what());
    } catch (const std::exception& e) {
        return fail(ExitCode::internal_error, std::string("internal error: ") + e.what());
    }
}
