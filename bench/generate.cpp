// custclass_generate: writes the benchmark's host database, the deterministic synthetic Hong Kong
// retailer of host/demo_data (demo_data.h), at any size, and prints what it wrote. The same
// options and seed give the same database on every machine, so a figure in bench/RESULTS.md can
// be measured again on the same data.
//
//   custclass_generate --sqlite FILE --customers N --orders-per-customer X [--seed S]
//       writes FILE (replacing it) and prints one `name value` line per count
//   custclass_generate --queries
//       prints the generic mapping of the demo schema (the `  queries:` block of an engine
//       config, to be placed under `source:`)
//
// 1,000,000 customers with --orders-per-customer 13 give about 10 million orders (about 77% of
// customers buy; the option is the average over those who do).
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>

#include "demo_data.h"

namespace {

namespace datagen = custclass::datagen;

constexpr const char* kUsage =
    "usage: custclass_generate --sqlite FILE --customers N --orders-per-customer X [--seed S]\n"
    "                          [--first-day YYYY-MM-DD] [--last-day YYYY-MM-DD]\n"
    "       custclass_generate --queries\n"
    "\n"
    "  --sqlite FILE               the SQLite database to write (an existing file is replaced)\n"
    "  --customers N               the exact number of customers (leads included)\n"
    "  --orders-per-customer X     the average number of orders of a customer who buys (1-1000);\n"
    "                              about 77% of customers buy: 1M customers with 13 give ~10M orders\n"
    "  --seed S                    the data seed (default 20261123, the demo's)\n"
    "  --first-day, --last-day     the window of the orders (default 2024-12-01 to 2026-11-30)\n"
    "  --queries                   print the generic mapping (source.queries) of the schema\n";

[[noreturn]] void usage_error(const std::string& message) {
    std::cerr << "custclass_generate: " << message << "\n\n" << kUsage;
    std::exit(2);
}

std::uint64_t parse_unsigned(std::string_view option, const std::string& text) {
    if (text.empty() || text.find_first_not_of("0123456789_',") != std::string::npos)
        usage_error(std::string(option) + " needs a non-negative integer, not '" + text + "'");
    std::string digits;
    for (char c : text)
        if (c >= '0' && c <= '9') digits += c;
    if (digits.empty() || digits.size() > 19)
        usage_error(std::string(option) + ": '" + text + "' is not a valid number");
    return std::stoull(digits);
}

double parse_number(std::string_view option, const std::string& text) {
    std::size_t used = 0;
    double value = 0;
    try {
        value = std::stod(text, &used);
    } catch (const std::exception&) {
        used = 0;
    }
    if (used == 0 || used != text.size())
        usage_error(std::string(option) + " needs a number, not '" + text + "'");
    return value;
}

}  // namespace

int main(int argc, char** argv) {
    std::optional<std::string> sqlite_path;
    std::optional<std::uint64_t> customers;
    std::optional<double> orders_per_customer;
    bool queries = false;
    datagen::DemoOptions opts;

    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) usage_error(std::string(arg) + " needs a value");
            return argv[++i];
        };
        if (arg == "--help" || arg == "-h") {
            std::cout << kUsage;
            return 0;
        } else if (arg == "--sqlite") {
            sqlite_path = value();
        } else if (arg == "--customers") {
            customers = parse_unsigned(arg, value());
        } else if (arg == "--orders-per-customer") {
            orders_per_customer = parse_number(arg, value());
        } else if (arg == "--seed") {
            opts.seed = parse_unsigned(arg, value());
        } else if (arg == "--first-day") {
            opts.first_day = value();
        } else if (arg == "--last-day") {
            opts.last_day = value();
        } else if (arg == "--queries") {
            queries = true;
        } else {
            usage_error("unknown argument '" + std::string(arg) + "'");
        }
    }

    if (queries) {
        if (sqlite_path) usage_error("--queries prints the mapping only; leave out --sqlite");
        std::cout << datagen::demo_generic_queries_yaml();
        return 0;
    }
    if (!sqlite_path) usage_error("--sqlite FILE is required");
    if (!customers) usage_error("--customers N is required");
    if (!orders_per_customer) usage_error("--orders-per-customer X is required");
    if (*customers == 0) usage_error("--customers must be at least 1");
    opts.customers = static_cast<std::size_t>(*customers);
    opts.orders_per_customer = *orders_per_customer;

    const auto start = std::chrono::steady_clock::now();
    datagen::DemoCounts counts;
    try {
        counts = datagen::write_sqlite_demo(*sqlite_path, opts);
    } catch (const std::exception& e) {
        std::cerr << "custclass_generate: " << e.what() << '\n';
        return 1;
    }
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

    // One `name value` line each: easy to read and to parse from a script.
    std::cout << "database " << *sqlite_path << '\n'
              << "seed " << opts.seed << '\n'
              << "orders_per_customer " << opts.orders_per_customer << '\n'
              << "window " << opts.first_day << ' ' << opts.last_day << '\n'
              << "customers " << counts.customers << '\n'
              << "buyers " << counts.buyers << '\n'
              << "orders " << counts.orders << '\n'
              << "returns " << counts.returns << '\n'
              << "order_lines " << counts.lines << '\n'
              << "products " << counts.products << '\n'
              << "referrals " << counts.referrals << '\n'
              << "opt_outs " << counts.opt_outs << '\n'
              << "interactions " << counts.interactions << '\n'
              << "visits " << counts.visits << '\n'
              << "searches " << counts.searches << '\n'
              << "signups " << counts.signups << '\n'
              << "email_opens " << counts.email_opens << '\n'
              << "clicks " << counts.clicks << '\n';
    char elapsed[32];
    std::snprintf(elapsed, sizeof elapsed, "%.1f", seconds);
    std::cout << "seconds " << elapsed << '\n';
    return 0;
}
