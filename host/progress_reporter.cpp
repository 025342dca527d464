// The progress bar, the log lines and Ctrl-C (see progress_reporter.h). Callbacks run on the
// thread that called the plugin (custclass.h), so no locking is needed here.
#include "progress_reporter.h"

#include <unistd.h>

#include <algorithm>
#include <iostream>

namespace custclass::host {

namespace {

volatile sig_atomic_t g_interrupted = 0;

extern "C" void on_sigint(int) {
    g_interrupted = 1;
}

constexpr int kBarWidth = 30;
constexpr auto kRedrawInterval = std::chrono::milliseconds(100);

// Back to the start of the line, and erase it.
constexpr const char* kClearLine = "\r\033[K";

}  // namespace

ProgressReporter::ProgressReporter(bool verbose)
    : verbose_(verbose), draw_(::isatty(STDERR_FILENO) == 1) {
    g_interrupted = 0;
    sigaction(SIGINT, nullptr, &previous_sigint_);
    if (previous_sigint_.sa_handler == SIG_IGN) return;  // e.g. started in the background: keep
    struct sigaction action {};
    action.sa_handler = &on_sigint;
    sigemptyset(&action.sa_mask);
    // SA_RESETHAND: the handler is used once; a second Ctrl-C kills the command at once, in case
    // the plugin takes long to call back.
    action.sa_flags = SA_RESETHAND;
    sigaction(SIGINT, &action, nullptr);
}

ProgressReporter::~ProgressReporter() {
    finish();
    sigaction(SIGINT, &previous_sigint_, nullptr);
}

bool ProgressReporter::interrupted() noexcept {
    return g_interrupted != 0;
}

void ProgressReporter::attach(custclass::RunOptions& options) {
    options.on_progress([this](std::string_view phase, std::uint64_t done, std::uint64_t total) {
        return on_progress(phase, done, total);
    });
    options.on_log(
        [this](std::int32_t level, std::string_view message) { on_log(level, message); });
}

void ProgressReporter::finish() {
    if (bar_shown_) std::cerr << kClearLine << std::flush;
    bar_shown_ = false;
}

bool ProgressReporter::step(std::string_view phase, std::uint64_t done, std::uint64_t total) {
    return on_progress(phase, done, total) == custclass::ProgressAction::proceed;
}

custclass::ProgressAction ProgressReporter::on_progress(std::string_view phase, std::uint64_t done,
                                                        std::uint64_t total) {
    if (interrupted()) return custclass::ProgressAction::cancel;
    if (!draw_) return custclass::ProgressAction::proceed;

    // Redraw when the phase changes, or when the percentage (the counter, for an unknown total)
    // changes, at most every kRedrawInterval; and always when the bar is not on screen.
    const int percent =
        total == 0 ? -1 : static_cast<int>(std::min<std::uint64_t>(done, total) * 100 / total);
    const auto now = std::chrono::steady_clock::now();
    const bool new_phase = phase != phase_;
    const bool unchanged = total != 0 && percent == last_percent_;
    if (bar_shown_ && !new_phase && (unchanged || now - last_draw_ < kRedrawInterval)) {
        return custclass::ProgressAction::proceed;
    }
    phase_ = phase;
    last_percent_ = percent;
    last_draw_ = now;

    std::string line = kClearLine;
    line += phase_;
    line.append(phase_.size() < 10 ? 10 - phase_.size() : 1, ' ');
    if (total == 0) {
        line += std::to_string(done);  // unknown total: a counter
    } else {
        const int filled = percent * kBarWidth / 100;
        line += '[';
        line.append(static_cast<std::size_t>(filled), '#');
        line.append(static_cast<std::size_t>(kBarWidth - filled), '.');
        line += "] ";
        const std::string pct = std::to_string(percent);
        line.append(3 - std::min<std::size_t>(3, pct.size()), ' ');
        line += pct + "%  " + std::to_string(done) + "/" + std::to_string(total);
    }
    std::cerr << line << std::flush;
    bar_shown_ = true;
    return custclass::ProgressAction::proceed;
}

void ProgressReporter::on_log(std::int32_t level, std::string_view message) {
    const char* label = nullptr;
    switch (level) {
        case CUSTCLASS_LOG_DEBUG:
            label = "debug";
            break;
        case CUSTCLASS_LOG_INFO:
            label = "info";
            break;
        case CUSTCLASS_LOG_WARNING:
            label = "warning";
            break;
        default:  // CUSTCLASS_LOG_ERROR and levels newer than this command
            label = "error";
            break;
    }
    if (level < CUSTCLASS_LOG_WARNING && !verbose_) return;
    finish();  // the bar comes back with the next progress call
    std::cerr << "custclass: " << label << ": " << message << '\n';
}

}  // namespace custclass::host
