// `custclass demo`: a working setup in one command. Generates a synthetic Hong Kong retailer's
// database (SQLite, fixed seed: the same data every time), writes an engine config that maps it
// through the generic preset, copies the shipped rule set beside it, runs a classification as of
// the data's last day (so the result is the same every time too) and says what to try next.
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "commands.h"
#include "demo_data.h"
#include "progress_reporter.h"
#include "run_summary_table.h"

namespace custclass::host {

namespace fs = std::filesystem;

namespace {

constexpr const char* kRuleSet = "rulesets/hk-retail.yaml";
constexpr const char* kPolicy = "privacy/pdpo.yaml";
// The generator names its customers C000001, C000002, ... (host/demo_data/demo_generator.cpp).
constexpr const char* kFirstCustomer = "C000001";

// The shipped file `relative` (e.g. rulesets/hk-retail.yaml), looked for in the directory named
// by CUSTCLASS_DATA_DIR, then the installed data directory, then the source tree's config/ (for
// a command run from the build tree): the order in which the plugin finds its data directory.
fs::path find_shipped_file(const fs::path& relative) {
    std::vector<fs::path> directories;
    if (const char* env = std::getenv("CUSTCLASS_DATA_DIR"); env != nullptr && *env != '\0') {
        directories.emplace_back(env);
    }
#ifdef CUSTCLASS_INSTALL_DATA_DIR
    directories.emplace_back(CUSTCLASS_INSTALL_DATA_DIR);
#endif
#ifdef CUSTCLASS_SOURCE_DATA_DIR
    directories.emplace_back(CUSTCLASS_SOURCE_DATA_DIR);
#endif
    std::string looked;
    for (const fs::path& directory : directories) {
        const fs::path file = directory / relative;
        std::error_code ec;
        if (fs::is_regular_file(file, ec)) return file;
        looked += (looked.empty() ? "" : ", ") + file.string();
    }
    throw CommandFailure(ExitCode::bad_usage,
                         "cannot find the shipped rule set " + relative.string() + " (looked for " +
                             looked +
                             "); set CUSTCLASS_DATA_DIR to the directory holding "
                             "rulesets/, presets/ and privacy/");
}

void write_text_file(const fs::path& file, const std::string& text) {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out << text;
    out.close();
    if (!out) throw CommandFailure(ExitCode::io_failure, "cannot write " + file.string());
}

// The engine config: the demo database through the generic preset with the generator's
// mapping queries, and the rule set beside it. Relative paths are relative to the config file.
std::string engine_config_yaml() {
    return "custclass: 1\n"
           "source:\n"
           "  preset: generic\n"
           "  connection: \"sqlite3://db=demo.sqlite\"\n" +
           custclass::datagen::demo_generic_queries_yaml() +
           "rules: rules/hk-retail.yaml\nprivacy: privacy.yaml\n";
}

// The value of a top-level `key: value` line of a YAML file (quotes removed), or "".
std::string top_level_value(const std::string& text, const std::string& key) {
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
        if (line.rfind(key + ":", 0) != 0) continue;
        std::string value = line.substr(key.size() + 1);
        value.erase(0, value.find_first_not_of(" \t"));
        if (const auto hash = value.find(" #"); hash != std::string::npos) value.erase(hash);
        value.erase(value.find_last_not_of(" \t") + 1);
        if (value.size() >= 2 && (value.front() == '"' || value.front() == '\''))
            value = value.substr(1, value.size() - 2);
        return value;
    }
    return "";
}

// The demo's privacy policy: the shipped one with the approvals a data protection officer
// would give the demo shop (PRIVACY.md checks 4 and 13): the rule set's version for production
// runs, and the birth dates its age-band tags read. A real shop records its own.
std::string demo_policy(const std::string& shipped_policy, const std::string& rules_text,
                        const std::string& today) {
    const std::string subject = top_level_value(rules_text, "name") + " " + top_level_value(rules_text, "version");
    const std::string who = "\"custclass demo (a demo shop; your data protection officer approves yours)\"";
    const std::string approvals =
        "approvals:\n"
        "  - {scope: rule_set, subject: \"" + subject + "\", who: " + who + ", when: \"" + today +
        "\", why: \"the demo shop's classification\"}\n"
        "  - {scope: sensitive_attribute, subject: birth_date, who: " + who + ", when: \"" + today +
        "\", why: \"age-band tags, read as age bands only\"}\n";
    std::string policy = shipped_policy;
    const auto at = policy.find("approvals: []");
    if (at == std::string::npos)
        throw CommandFailure(ExitCode::bad_usage, "the shipped privacy policy has no `approvals: []` line to fill in");
    policy.replace(at, std::string("approvals: []\n").size(), approvals);
    return policy;
}

std::string read_text_file(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    if (!in) throw CommandFailure(ExitCode::io_failure, "cannot read " + file.string());
    return text.str();
}

// A word the shell passes through unchanged, quoted when it would not be.
std::string shell_word(const std::string& word) {
    const bool plain = !word.empty() && word.find_first_not_of(
                                            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                            "0123456789_./-+=:,@") == std::string::npos;
    if (plain) return word;
    std::string quoted = "'";
    for (const char c : word) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return quoted + "'";
}

}  // namespace

DemoCommand::DemoCommand(CLI::App& parent)
    : Command(parent.add_subcommand(
          "demo",
          "Create a demo shop (SQLite database, engine config, rule set) and classify its "
          "customers")) {
    app_->add_option("--dir", dir_,
                     "The directory to create the demo in; files of an earlier demo there are "
                     "replaced")
        ->type_name("DIR")
        ->capture_default_str();
    app_->add_option("--customers", customers_, "How many customers the shop has")
        ->type_name("N")
        ->check(CLI::Range(std::size_t{1}, std::size_t{10'000'000}))
        ->capture_default_str();
}

ExitCode DemoCommand::execute(const Session& session) const {
    const fs::path dir = dir_;
    const fs::path database = dir / "demo.sqlite";
    const fs::path config = dir / "custclass.yaml";
    const fs::path rules = dir / "rules" / "hk-retail.yaml";

    // 1. The files, before anything takes long: a missing rule set fails at once.
    const fs::path shipped_rules = find_shipped_file(kRuleSet);
    std::error_code ec;
    fs::create_directories(rules.parent_path(), ec);
    if (ec) {
        throw CommandFailure(ExitCode::io_failure,
                             "cannot create " + rules.parent_path().string() + ": " + ec.message());
    }
    fs::copy_file(shipped_rules, rules, fs::copy_options::overwrite_existing, ec);
    if (ec) {
        throw CommandFailure(ExitCode::io_failure, "cannot copy " + shipped_rules.string() +
                                                       " to " + rules.string() + ": " +
                                                       ec.message());
    }
    write_text_file(config, engine_config_yaml());
    {
        const std::time_t now = std::time(nullptr);
        std::tm tm{};
        gmtime_r(&now, &tm);
        char today[16];
        std::strftime(today, sizeof today, "%Y-%m-%d", &tm);
        write_text_file(dir / "privacy.yaml", demo_policy(read_text_file(find_shipped_file(kPolicy)),
                                                          read_text_file(shipped_rules), today));
    }

    // 2. The shop's data.
    custclass::datagen::DemoOptions data;
    data.customers = customers_;
    const bool terminal = ::isatty(STDERR_FILENO) == 1;
    if (terminal) {
        std::cerr << "generating the shop's data (" << customers_ << " customers)..." << std::flush;
    }
    custclass::datagen::DemoCounts counts;
    try {
        counts = custclass::datagen::write_sqlite_demo(database.string(), data);
    } catch (const std::exception& e) {
        if (terminal) std::cerr << '\n';
        throw CommandFailure(ExitCode::io_failure,
                             "cannot write the demo database: " + std::string(e.what()));
    }
    if (terminal) std::cerr << "\r\033[K" << std::flush;

    // 3. A classification run as of the data's last day, through the ABI like any host.
    const custclass::Engine engine = custclass::Engine::open(session.api, config.string());
    custclass::RunOptions options;
    options.as_of(data.last_day);
    ProgressReporter reporter(session.verbose);
    reporter.attach(options);
    const custclass::Document summary = engine.run(options);
    reporter.finish();

    std::cout << "demo shop: " << counts.customers << " customers (" << counts.buyers
              << " who bought), " << counts.orders << " orders (" << counts.returns << " returns), "
              << counts.lines << " order lines, " << counts.products << " products, "
              << counts.referrals << " referrals, " << counts.opt_outs << " opt-outs, from "
              << data.first_day << " to " << data.last_day << "\n\n";
    print_run_summary(std::cout, nlohmann::ordered_json::parse(summary.c_str()));

    const std::vector<std::pair<std::string, const char*>> files = {
        {config.string(), "the engine config: where the data is, which rules apply"},
        {rules.string(), "the rule set, a copy of the shipped one: edit it, validate, run again"},
        {(dir / "privacy.yaml").string(),
         "the privacy policy: the shipped one, with the demo's approvals"},
        {database.string(), "the shop's database (SQLite)"},
    };
    std::size_t width = 0;
    for (const auto& file : files) width = std::max(width, file.first.size());
    std::cout << "\nfiles\n";
    for (const auto& [path, what] : files) {
        std::cout << "  " << path << std::string(width - path.size() + 2, ' ') << what << '\n';
    }

    // The commands to try next, as they can be pasted: this program as it was started (a path
    // when it is not on PATH), with the --plugin it was given.
    std::string custclass = shell_word(session.program);
    if (!session.plugin_option.empty())
        custclass += " --plugin " + shell_word(session.plugin_option);
    const std::string config_arg = shell_word(config.string());
    std::cout << "\nnext\n"
              << "  " << custclass << " validate " << config_arg << '\n'
              << "  " << custclass << " run -c " << config_arg << " --as-of " << data.last_day
              << " --dry-run\n"
              << "  " << custclass << " explain -c " << config_arg << " --as-of " << data.last_day
              << ' ' << kFirstCustomer << '\n'
              << "  " << custclass << " potential -c " << config_arg << " --list bestsellers\n"
              << "  " << custclass << " potential -c " << config_arg << " --list unmet-demand\n";
    return ExitCode::ok;
}

}  // namespace custclass::host
