// The command's exit codes (CLI.md) and how failures map onto them. Every failure the command
// reports ends as one of these codes, so that scripts can tell "your rules have errors" (1) from
// "your setup is wrong" (2) from "the database is down" (3) from "a bug" (4).
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

namespace custclass::host {

enum class ExitCode : int {
    ok = 0,
    problems_found = 1,  // the work ran and found problems (validation errors, privacy refusals)
    bad_usage = 2,       // bad usage, bad configuration, or a broken installation (no plugin)
    io_failure = 3,      // the database, the data or a file could not be used
    internal_error = 4,  // a bug, in the plugin or in this command
    interrupted = 130,   // Ctrl-C: what a shell reports for a command killed by SIGINT
};

// The exit code for a CUSTCLASS_* status a plugin call failed with.
ExitCode exit_code_for_status(std::int32_t status);

// A failure of the command itself (not of a plugin call): the message for the user and the
// exit code it ends with.
class CommandFailure : public std::runtime_error {
public:
    CommandFailure(ExitCode code, const std::string& message)
        : std::runtime_error(message), code_(code) {}
    ExitCode code() const noexcept { return code_; }

private:
    ExitCode code_;
};

}  // namespace custclass::host
