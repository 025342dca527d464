// The subcommands of `custclass`. Each one registers its options on the command line in its
// constructor and does its work in execute(), through the C ABI only (custclass.hpp over the
// function table the plugin loader filled). One file per command: command_<name>.cpp.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "custclass.hpp"
#include "exit_code.h"

namespace custclass::host {

// What every command works with once the command line is parsed.
struct Session {
    const custclass::Api& api;  // the loaded plugin's functions
    bool verbose;               // show the plugin's info and debug log lines
    std::string plugin_option;  // --plugin as given (empty if not), for the hints a command prints
    std::string program;        // this command as it was invoked (argv[0]), for those hints too
};

class Command {
public:
    virtual ~Command() = default;
    // Whether this command was named on the command line.
    bool chosen() const { return app_->parsed(); }
    // Does the work. Failures of plugin calls are thrown as custclass::Error, failures of the
    // command itself as CommandFailure; main() turns both into a message and an exit code.
    virtual ExitCode execute(const Session& session) const = 0;

protected:
    explicit Command(CLI::App* app) : app_(app) {}
    CLI::App* app_;
};

// custclass validate FILE...
class ValidateCommand final : public Command {
public:
    explicit ValidateCommand(CLI::App& parent);
    ExitCode execute(const Session& session) const override;

private:
    std::vector<std::string> files_;
    bool json_ = false;
};

// custclass run -c CONFIG [--as-of DATE] [--dry-run] [--json]
class RunCommand final : public Command {
public:
    explicit RunCommand(CLI::App& parent);
    ExitCode execute(const Session& session) const override;

private:
    std::string config_;
    std::string as_of_;
    bool dry_run_ = false;
    std::uint32_t threads_ = 0;  // 0: the cores there are
    bool json_ = false;
};

// custclass explain -c CONFIG [--as-of DATE] [--json] CUSTOMER_ID
class ExplainCommand final : public Command {
public:
    explicit ExplainCommand(CLI::App& parent);
    ExitCode execute(const Session& session) const override;

private:
    std::string config_;
    std::string as_of_;
    bool json_ = false;
    std::string customer_id_;
};

// custclass members -c CONFIG SEGMENT [--classification ID] [--purpose analytics|marketing]
//                   [--format table|csv|jsonl] [--json]
class MembersCommand final : public Command {
public:
    explicit MembersCommand(CLI::App& parent);
    ExitCode execute(const Session& session) const override;

private:
    std::string config_;
    std::string segment_;
    std::string classification_;
    std::string purpose_ = "analytics";
    std::string format_ = "table";
    bool json_ = false;
};

// custclass feed -c CONFIG --customers FILE.csv --orders FILE.csv [--lines FILE.csv]
//                [--as-of DATE] [--dry-run] [--json]
class FeedCommand final : public Command {
public:
    explicit FeedCommand(CLI::App& parent);
    ExitCode execute(const Session& session) const override;

private:
    std::string config_;
    std::string customers_;
    std::string orders_;
    std::string lines_;
    std::string as_of_;
    bool dry_run_ = false;
    bool json_ = false;
};

// custclass profiles -c CONFIG [--run ID] [--json]
class ProfilesCommand final : public Command {
public:
    explicit ProfilesCommand(CLI::App& parent);
    ExitCode execute(const Session& session) const override;

private:
    std::string config_;
    std::string run_;
    bool json_ = false;
};

// custclass compare -c CONFIG [--from RUN] [--to RUN] [--fail-on-drift PSI] [--json]
class CompareCommand final : public Command {
public:
    explicit CompareCommand(CLI::App& parent);
    ExitCode execute(const Session& session) const override;

private:
    std::string config_;
    std::string from_;
    std::string to_;
    double fail_on_drift_ = -1;
    bool json_ = false;
};

// custclass whatif -c CONFIG --rules CANDIDATE.yaml [--as-of DATE] [--json]
class WhatifCommand final : public Command {
public:
    explicit WhatifCommand(CLI::App& parent);
    ExitCode execute(const Session& session) const override;

private:
    std::string config_;
    std::string rules_;
    std::string as_of_;
    bool json_ = false;
};

// custclass review -c CONFIG [--run ID] [--json]
class ReviewCommand final : public Command {
public:
    explicit ReviewCommand(CLI::App& parent);
    ExitCode execute(const Session& session) const override;

private:
    std::string config_;
    std::string run_;
    bool json_ = false;
};

// custclass potential -c CONFIG [--list NAME] [--run ID] [--from RUN] [--score ID] [--limit N]
//                     [--purpose analytics|marketing] [--json]
class PotentialCommand final : public Command {
public:
    explicit PotentialCommand(CLI::App& parent);
    ExitCode execute(const Session& session) const override;

private:
    std::string config_;
    std::string list_ = "focus";
    std::string run_;
    std::string from_;
    std::string score_;
    std::uint64_t limit_ = 20;
    std::string purpose_ = "analytics";
    bool json_ = false;
};

// custclass report -c CONFIG --html FILE [--run ID]
class ReportCommand final : public Command {
public:
    explicit ReportCommand(CLI::App& parent);
    ExitCode execute(const Session& session) const override;

private:
    std::string config_;
    std::string html_;
    std::string run_;
};

// custclass privacy export -c CONFIG CUSTOMER_ID [--as-of DATE] [--actor NAME]
// custclass privacy erase -c CONFIG CUSTOMER_ID [--actor NAME]
// (one subcommand per duty under the Ordinance; `check`, the compliance report, goes here too)
class PrivacyCommand final : public Command {
public:
    explicit PrivacyCommand(CLI::App& parent);
    ExitCode execute(const Session& session) const override;

private:
    // The options of one subcommand.
    struct Request {
        CLI::App* app = nullptr;
        std::string config;
        std::string customer_id;
        std::string as_of;
        std::string actor;
    };
    ExitCode export_data(const Session& session) const;
    ExitCode erase(const Session& session) const;
    ExitCode check(const Session& session) const;

    Request export_;
    Request erase_;
    Request check_;
    bool check_json_ = false;
};

// custclass demo [--dir DIR] [--customers N]
class DemoCommand final : public Command {
public:
    explicit DemoCommand(CLI::App& parent);
    ExitCode execute(const Session& session) const override;

private:
    std::string dir_ = "custclass-demo";
    std::size_t customers_ = 5000;
};

}  // namespace custclass::host
