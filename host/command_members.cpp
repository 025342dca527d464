// `custclass members -c CONFIG SEGMENT [--classification ID] [--purpose analytics|marketing]`:
// the ids of a segment's members as the live assignments hold them now (the last full run, and
// what the hooks changed since), streamed by custclass_segment_members in customer id order.
// For `--purpose marketing` (CUSTCLASS_PURPOSE_DIRECT_MARKETING) the plugin reads the host's
// current consent and opt-outs first and leaves out every customer without consent or with an
// opt-out. Each id is written to standard output as it arrives, in the --format asked for
// (table: one a line; csv: a `customer_id` header line, then one a line; jsonl: one
// {"customer_id": ...} object a line); the table ends with a summary line on standard error.
// --json prints nothing but the summary document (members.schema.json).
#include <iostream>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "commands.h"
#include "progress_reporter.h"

namespace custclass::host {

namespace {

using Json = nlohmann::ordered_json;

// One CSV field (RFC 4180): quoted when it holds a comma, a quote or a line break.
void write_csv_field(std::ostream& out, std::string_view text) {
    if (text.find_first_of(",\"\r\n") == std::string_view::npos) {
        out << text;
        return;
    }
    out << '"';
    for (const char c : text) {
        if (c == '"') out << '"';
        out << c;
    }
    out << '"';
}

std::string text_of(const Json& object, const char* key) {
    const auto it = object.find(key);
    return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::string count_of(const Json& object, const char* key) {
    const auto it = object.find(key);
    return it != object.end() && it->is_number_unsigned() ? it->dump() : std::string("0");
}

// The summary as one line: how many were streamed, from which run's live assignments, and (for
// direct marketing) how many were left out and why.
void print_summary_line(std::ostream& out, const Json& summary) {
    const bool marketing = text_of(summary, "purpose") == "direct_marketing";
    out << "custclass: " << count_of(summary, "streamed") << " members of "
        << text_of(summary, "classification") << '/' << text_of(summary, "segment") << " for "
        << (marketing ? "direct marketing" : "analytics") << ", from the live assignments of run "
        << text_of(summary, "run_id") << " (as of " << text_of(summary, "as_of") << ")";
    if (marketing) {
        const Json excluded = summary.value("excluded", Json::object());
        out << "; left out: " << count_of(excluded, "no_consent") << " without marketing consent, "
            << count_of(excluded, "opted_out") << " opted out";
    }
    out << '\n';
}

}  // namespace

MembersCommand::MembersCommand(CLI::App& parent)
    : Command(parent.add_subcommand(
          "members", "Print the member ids of a segment, for analytics or direct marketing")) {
    app_->add_option("-c,--config", config_, "The engine config (custclass.yaml)")
        ->required()
        ->type_name("CONFIG");
    app_->add_option("SEGMENT", segment_, "The segment's id in the rule set")->required();
    app_->add_option("--classification", classification_,
                     "The classification the segment belongs to (needed only when several "
                     "classifications have a segment of that id)")
        ->type_name("ID");
    app_->add_option("--purpose", purpose_,
                     "What the list is for: analytics (every member), or marketing (direct "
                     "marketing: only members with marketing consent and no opt-out, as the "
                     "host's data says now)")
        ->check(CLI::IsMember({"analytics", "marketing"}))
        ->capture_default_str()
        ->type_name("PURPOSE");
    CLI::Option* format =
        app_->add_option("--format", format_,
                         "How to print the ids: table (one a line, then a summary line on "
                         "standard error), csv (a `customer_id` header line, then one a line) "
                         "or jsonl (one {\"customer_id\": ...} object a line)")
            ->check(CLI::IsMember({"table", "csv", "jsonl"}))
            ->capture_default_str()
            ->type_name("FORMAT");
    app_->add_flag("--json", json_,
                   "Print only the summary document (members.schema.json), not the ids")
        ->excludes(format);
    app_->footer(
        "The members are those of the live assignments: the last full run, updated by the hooks "
        "(custclass_customer_changed, custclass_order_posted) since. They are printed in "
        "customer id order as they are streamed.");
}

ExitCode MembersCommand::execute(const Session& session) const {
    if (session.api.segment_members == nullptr || session.api.members_options_init == nullptr) {
        throw CommandFailure(ExitCode::bad_usage,
                             "the plugin does not provide member lists (custclass_segment_members,"
                             " ABI 1.2); install a plugin of the same version as this command");
    }
    const custclass::Engine engine = custclass::Engine::open(session.api, config_);

    custclass::MembersOptions options;
    if (!classification_.empty()) options.classification(classification_);
    options.purpose(purpose_ == "marketing" ? custclass::Purpose::direct_marketing
                                            : custclass::Purpose::analytics);

    // Ctrl-C stops the stream at the next member; the ids printed so far stay printed.
    const ProgressReporter reporter(session.verbose);
    bool write_failed = false;
    std::ostream& out = std::cout;
    if (!json_ && format_ == "csv") out << "customer_id\n";
    const custclass::MemberFn member = [&](std::string_view customer_id) {
        if (ProgressReporter::interrupted()) return custclass::StreamAction::stop;
        if (json_) return custclass::StreamAction::proceed;
        if (format_ == "csv") {
            write_csv_field(out, customer_id);
        } else if (format_ == "jsonl") {
            const Json line = {{"customer_id", std::string(customer_id)}};
            out << line.dump(-1, ' ', false, Json::error_handler_t::replace);
        } else {
            out << customer_id;
        }
        out << '\n';
        if (!out) {
            write_failed = true;
            return custclass::StreamAction::stop;
        }
        return custclass::StreamAction::proceed;
    };

    custclass::Document result;
    try {
        result = engine.segment_members(segment_, member, options);
    } catch (const custclass::Error& e) {
        if (e.status() != CUSTCLASS_E_CANCELLED) throw;
        if (write_failed) {
            throw CommandFailure(ExitCode::io_failure,
                                 "cannot write the member list to standard output");
        }
        throw CommandFailure(ExitCode::interrupted, "interrupted; the member list is incomplete");
    }
    if (!out.flush()) {
        throw CommandFailure(ExitCode::io_failure,
                             "cannot write the member list to standard output");
    }

    const auto summary = Json::parse(result.c_str());
    if (json_) {
        std::cout << summary.dump(2) << '\n';
    } else if (format_ == "table") {
        print_summary_line(std::cerr, summary);
    }
    return ExitCode::ok;
}

}  // namespace custclass::host
