// What the user sees while the plugin works: a progress bar on standard error (only when it is a
// terminal, so logs and pipes stay clean), the plugin's log lines, and Ctrl-C turned into the
// ABI's cancellation (the progress callback answers "cancel", the plugin stops and keeps the
// previous results). It plugs into custclass::RunOptions as the progress and log callbacks.
#pragma once

#include <signal.h>  // POSIX sigaction

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "custclass.hpp"

namespace custclass::host {

class ProgressReporter {
public:
    // verbose: also show the plugin's debug and info log lines (warnings and errors always show).
    // Installs a SIGINT handler for the reporter's lifetime; a second Ctrl-C kills as usual.
    explicit ProgressReporter(bool verbose);
    ~ProgressReporter();
    ProgressReporter(const ProgressReporter&) = delete;
    ProgressReporter& operator=(const ProgressReporter&) = delete;

    // Sets options' progress and log callbacks to this reporter, which must outlive the call.
    void attach(custclass::RunOptions& options);

    // Clears the progress bar, so that what is printed next starts on a clean line.
    void finish();

    // Progress of the command's own work (reading files for a feed), drawn like the plugin's:
    // phase, done and total units (total 0: unknown). Returns false when the user pressed Ctrl-C.
    bool step(std::string_view phase, std::uint64_t done, std::uint64_t total);

    // Whether the user pressed Ctrl-C.
    static bool interrupted() noexcept;

private:
    custclass::ProgressAction on_progress(std::string_view phase, std::uint64_t done,
                                          std::uint64_t total);
    void on_log(std::int32_t level, std::string_view message);

    bool verbose_;
    bool draw_;  // standard error is a terminal
    bool bar_shown_ = false;
    std::string phase_;
    int last_percent_ = -1;
    std::chrono::steady_clock::time_point last_draw_{};
    struct sigaction previous_sigint_ {};
};

}  // namespace custclass::host
