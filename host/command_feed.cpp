// `custclass feed -c CONFIG --customers FILE.csv --orders FILE.csv [--lines FILE.csv]`: the
// host-push source (custclass_feed_*) from CSV files. The engine config says
// `source: {preset: push}`; this command reads the files as a host would read its own tables,
// pushes their rows in batches, and ends the feed, which classifies them exactly as `custclass
// run` classifies a database holding the same rows. The files are streamed (libcsv, one line at a
// time), never held whole in memory.
//
// A CSV file starts with a header line naming canonical columns (ADAPTERS.md) in any order; an
// empty field is NULL (unknown). A problem in a file (an unknown or missing column, a malformed
// line, a value the plugin refuses) is reported as `file:line: error: message`; the feed is then
// aborted and nothing is published (exit code 3).
#include <csv.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <regex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "commands.h"
#include "progress_reporter.h"
#include "run_summary_table.h"

namespace custclass::host {

namespace {

// Records per custclass_feed_add_* call.
constexpr std::size_t kBatchSize = 1000;

// A problem with the content of a file, at a line (1-based; 0: the file as a whole).
class FileProblem : public std::runtime_error {
public:
    FileProblem(std::string file, std::size_t line, const std::string& message)
        : std::runtime_error(message), file_(std::move(file)), line_(line) {}
    const std::string& file() const noexcept { return file_; }
    std::size_t line() const noexcept { return line_; }

private:
    std::string file_;
    std::size_t line_;
};

// Ctrl-C while the files are read and pushed.
struct Interrupted {};

std::string trimmed(std::string_view text) {
    const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
    while (!text.empty() && space(text.front())) text.remove_prefix(1);
    while (!text.empty() && space(text.back())) text.remove_suffix(1);
    return std::string(text);
}

// ---------------------------------------------------------------------------------------------
// Reading CSV: libcsv, fed one physical line at a time so that every record knows the line it
// starts on (a quoted field may span lines).
// ---------------------------------------------------------------------------------------------

struct CsvRecord {
    std::size_t line = 0;                            // the line the record starts on
    std::vector<std::optional<std::string>> fields;  // nullopt: an empty field
};

class CsvReader {
public:
    explicit CsvReader(std::string path) : path_(std::move(path)) {
        std::error_code ec;
        if (std::filesystem::is_directory(path_, ec)) {
            throw FileProblem(path_, 0, "cannot read the file: it is a directory");
        }
        in_.open(path_, std::ios::binary);
        if (!in_) {
            throw FileProblem(path_, 0,
                              std::string("cannot read the file: ") + std::strerror(errno));
        }
        const auto size = std::filesystem::file_size(path_, ec);
        size_ = ec ? 0 : static_cast<std::uint64_t>(size);
        // Strict: a quote inside an unquoted field, or an unterminated quoted field, is an error.
        if (csv_init(&parser_, CSV_STRICT | CSV_STRICT_FINI) != 0) throw std::bad_alloc();
    }
    ~CsvReader() { csv_free(&parser_); }
    CsvReader(const CsvReader&) = delete;
    CsvReader& operator=(const CsvReader&) = delete;

    const std::string& path() const noexcept { return path_; }
    std::uint64_t bytes_read() const noexcept { return bytes_read_; }
    std::uint64_t size() const noexcept { return size_; }  // 0: unknown (not a regular file)

    // The next record, or false at the end of the file. Throws FileProblem.
    bool next(CsvRecord& record) {
        while (ready_.empty() && !finished_) read_line();
        if (ready_.empty()) return false;
        record = std::move(ready_.front());
        ready_.pop_front();
        return true;
    }

private:
    enum class Event { none, field, record_end };

    static void on_field(void* data, std::size_t length, void* self) {
        auto& reader = *static_cast<CsvReader*>(self);
        if (data == nullptr || length == 0) {
            reader.current_.fields.emplace_back();  // empty: NULL
        } else {
            reader.current_.fields.emplace_back(
                std::string(static_cast<const char*>(data), length));
        }
        reader.last_event_ = Event::field;
    }

    static void on_record_end(int, void* self) {
        auto& reader = *static_cast<CsvReader*>(self);
        reader.current_.line = reader.record_start_;
        reader.ready_.push_back(std::move(reader.current_));
        reader.current_ = CsvRecord{};
        reader.last_event_ = Event::record_end;
    }

    void read_line() {
        std::string line;
        if (!std::getline(in_, line)) {
            if (in_.bad()) {
                throw FileProblem(path_, line_,
                                  std::string("cannot read the file: ") + std::strerror(errno));
            }
            finish();
            return;
        }
        ++line_;
        const bool had_newline = !in_.eof();
        bytes_read_ += line.size() + (had_newline ? 1 : 0);
        if (line_ == 1 && line.compare(0, 3, "\xEF\xBB\xBF") == 0) line.erase(0, 3);  // a BOM
        if (had_newline) line += '\n';

        if (!in_record_) record_start_ = line_;
        last_event_ = Event::none;
        if (csv_parse(&parser_, line.data(), line.size(), &on_field, &on_record_end, this) !=
            line.size()) {
            parse_failed();
        }
        if (last_event_ == Event::record_end) {
            in_record_ = false;
        } else if (last_event_ == Event::field ||
                   line.find_first_not_of(" \t\r\n") != std::string::npos) {
            in_record_ = true;  // a record goes on (a quoted field over several lines)
        }
    }

    void finish() {
        finished_ = true;
        if (csv_fini(&parser_, &on_field, &on_record_end, this) != 0) parse_failed();
    }

    [[noreturn]] void parse_failed() {
        if (csv_error(&parser_) == CSV_EPARSE) {
            throw FileProblem(path_, in_record_ ? record_start_ : line_,
                              "malformed CSV: a quote inside an unquoted field, text after a "
                              "closing quote, or a quoted field that is never closed");
        }
        throw FileProblem(
            path_, line_,
            std::string("cannot parse the line: ") + csv_strerror(csv_error(&parser_)));
    }

    std::string path_;
    std::ifstream in_;
    std::uint64_t size_ = 0;
    std::uint64_t bytes_read_ = 0;
    csv_parser parser_{};
    std::deque<CsvRecord> ready_;
    CsvRecord current_;
    Event last_event_ = Event::none;
    bool in_record_ = false;
    bool finished_ = false;
    std::size_t line_ = 0;          // lines read so far
    std::size_t record_start_ = 0;  // the line the record being parsed started on
};

// ---------------------------------------------------------------------------------------------
// The canonical tables as CSV files: which header names map to which field of the ABI's records.
// ---------------------------------------------------------------------------------------------

template <class Record>
struct Column {
    const char* name;
    bool required;
    const char* Record::*text = nullptr;   // a text field (ids, dates, amounts as decimal text)
    std::int32_t Record::*flag = nullptr;  // or a flag: 1, 0, -1 (unknown)
};

template <class Record>
struct Table {
    const char* name;  // the canonical table
    std::vector<Column<Record>> columns;
};

using Customer = custclass_customer_record;
using Order = custclass_order_record;
using OrderLine = custclass_order_line_record;

const Table<Customer>& customers_table() {
    static const Table<Customer> table{
        "customers",
        {{"customer_id", true, &Customer::customer_id},
         {"created_at", false, &Customer::created_at},
         {"birth_date", false, &Customer::birth_date},
         {"gender", false, &Customer::gender},
         {"district", false, &Customer::district},
         {"income_band", false, &Customer::income_band},
         {"email", false, &Customer::email},
         {"phone", false, &Customer::phone},
         {"lead_source", false, &Customer::lead_source},
         {"is_prospect", false, nullptr, &Customer::is_prospect},
         {"interests", false, &Customer::interests},
         {"marketing_consent", false, nullptr, &Customer::marketing_consent},
         {"opted_out", false, nullptr, &Customer::opted_out}}};
    return table;
}

const Table<Order>& orders_table() {
    static const Table<Order> table{"orders",
                                    {{"order_id", true, &Order::order_id},
                                     {"customer_id", true, &Order::customer_id},
                                     {"ordered_at", true, &Order::ordered_at},
                                     {"amount", true, &Order::amount},
                                     {"channel", false, &Order::channel}}};
    return table;
}

const Table<OrderLine>& order_lines_table() {
    static const Table<OrderLine> table{"order_lines",
                                        {{"order_id", true, &OrderLine::order_id},
                                         {"product_id", true, &OrderLine::product_id},
                                         {"category", false, &OrderLine::category},
                                         {"amount", true, &OrderLine::amount}}};
    return table;
}

template <class Record>
std::string column_list(const Table<Record>& table) {
    std::string text;
    for (const Column<Record>& column : table.columns) {
        if (!text.empty()) text += ", ";
        text += column.name;
    }
    return text;
}

// A flag as the plugin reads one from a database: 1/0, true/false, yes/no (t/f, y/n), any case;
// an empty field is unknown (-1).
std::optional<std::int32_t> parse_flag(const std::optional<std::string>& value) {
    if (!value) return -1;
    std::string text = trimmed(*value);
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (text.empty()) return -1;
    if (text == "1" || text == "true" || text == "yes" || text == "t" || text == "y") return 1;
    if (text == "0" || text == "false" || text == "no" || text == "f" || text == "n") return 0;
    return std::nullopt;
}

// One CSV file of one canonical table: its reader and which column of the file is which.
template <class Record>
class TableFile {
public:
    // Opens the file and reads its header. Throws FileProblem.
    TableFile(const std::string& path, const Table<Record>& table)
        : table_(table),
          reader_(path),
          file_name_(std::filesystem::path(path).filename().string()) {
        CsvRecord header;
        if (!reader_.next(header)) {
            throw FileProblem(path, 1,
                              std::string("the file is empty; it needs a header line naming its "
                                          "columns (") +
                                  column_list(table) + ")");
        }
        header_line_ = header.line;
        std::vector<bool> seen(table.columns.size(), false);
        for (std::size_t i = 0; i < header.fields.size(); ++i) {
            const std::string name = header.fields[i] ? trimmed(*header.fields[i]) : std::string();
            if (name.empty()) {
                throw FileProblem(path, header_line_,
                                  "column " + std::to_string(i + 1) +
                                      " of the header has no name; the columns of " + table.name +
                                      " are " + column_list(table));
            }
            const auto it =
                std::find_if(table.columns.begin(), table.columns.end(),
                             [&](const Column<Record>& column) { return name == column.name; });
            if (it == table.columns.end()) {
                throw FileProblem(path, header_line_,
                                  "unknown column `" + name + "`; the columns of " + table.name +
                                      " are " + column_list(table));
            }
            const auto index = static_cast<std::size_t>(it - table.columns.begin());
            if (seen[index]) {
                throw FileProblem(path, header_line_,
                                  "the column `" + name + "` is named twice in the header");
            }
            seen[index] = true;
            mapping_.push_back(index);
        }
        for (std::size_t k = 0; k < table.columns.size(); ++k) {
            if (table.columns[k].required && !seen[k]) {
                throw FileProblem(path, header_line_,
                                  std::string("the required column `") + table.columns[k].name +
                                      "` is missing from the header (the columns of " + table.name +
                                      " are " + column_list(table) + ")");
            }
        }
    }

    const std::string& path() const noexcept { return reader_.path(); }
    const char* table_name() const noexcept { return table_.name; }

    // Reads the file to its end and pushes its records, kBatchSize at a time, with add(records,
    // count). defaults: a record made by the plugin's *_init. Returns the number of records.
    // Throws FileProblem (a bad line, or a record the plugin refused), Interrupted.
    template <class Add>
    std::uint64_t push(const Record& defaults, Add&& add, ProgressReporter& reporter) {
        std::vector<CsvRecord> batch;
        batch.reserve(kBatchSize);
        std::vector<Record> records;
        records.reserve(kBatchSize);
        std::uint64_t pushed = 0;
        const auto flush = [&] {
            if (batch.empty()) return;
            records.assign(batch.size(), defaults);
            for (std::size_t r = 0; r < batch.size(); ++r) fill(records[r], batch[r]);
            try {
                add(records.data(), static_cast<std::uint32_t>(records.size()));
            } catch (const custclass::Error& e) {
                refused(e, batch);
            }
            pushed += batch.size();
            batch.clear();
            // The bar counts the file's bytes: the number of records is not known beforehand.
            if (!reporter.step(file_name_, reader_.bytes_read(), reader_.size())) {
                throw Interrupted{};
            }
        };
        CsvRecord record;
        while (reader_.next(record)) {
            if (record.fields.size() != mapping_.size()) {
                throw FileProblem(path(), record.line,
                                  "the line has " + std::to_string(record.fields.size()) +
                                      " fields, and the header (line " +
                                      std::to_string(header_line_) + ") names " +
                                      std::to_string(mapping_.size()) + " columns");
            }
            batch.push_back(std::move(record));
            if (batch.size() == kBatchSize) flush();
        }
        flush();
        return pushed;
    }

private:
    // Points the record's fields at the row's values (which outlive the add call).
    void fill(Record& out, const CsvRecord& row) const {
        for (std::size_t i = 0; i < mapping_.size(); ++i) {
            const Column<Record>& column = table_.columns[mapping_[i]];
            const std::optional<std::string>& value = row.fields[i];
            if (column.text != nullptr) {
                out.*column.text = value ? value->c_str() : nullptr;
            } else {
                const std::optional<std::int32_t> flag = parse_flag(value);
                if (!flag) {
                    throw FileProblem(path(), row.line,
                                      std::string("column `") + column.name + "`: `" + *value +
                                          "` is not a yes/no value (write 1/0, true/false, "
                                          "yes/no, or leave it empty for unknown)");
                }
                out.*column.flag = *flag;
            }
        }
    }

    // The plugin refused a batch. Its message names the record by its index in the call
    // ("record 3 of 1000 (none of them was kept): table `orders`, key ..."): that becomes the
    // record's file:line. A failure that names no record is not about the file: rethrown.
    [[noreturn]] void refused(const custclass::Error& error,
                              const std::vector<CsvRecord>& batch) const {
        if (error.status() == CUSTCLASS_E_DATA || error.status() == CUSTCLASS_E_INVALID_ARGUMENT) {
            static const std::regex kRecord(
                R"(record ([0-9]+) of ([0-9]+)( \(none of them was kept\))?(: )?)");
            const std::string message = error.what();
            std::smatch match;
            if (std::regex_search(message, match, kRecord)) {
                const std::size_t index = std::stoul(match[1].str());
                if (index < batch.size()) {
                    std::string rest = message;
                    if (match.position(0) == 0)
                        rest.erase(0, static_cast<std::size_t>(match.length(0)));
                    throw FileProblem(path(), batch[index].line, rest);
                }
            }
        }
        throw error;
    }

    const Table<Record>& table_;
    CsvReader reader_;
    std::string file_name_;  // what the progress bar calls the file
    std::size_t header_line_ = 1;
    std::vector<std::size_t> mapping_;  // per column of the file: its index in table_.columns
};

}  // namespace

FeedCommand::FeedCommand(CLI::App& parent)
    : Command(parent.add_subcommand(
          "feed",
          "Classify customers, orders and order lines read from CSV files (the host-push "
          "source), and print the run summary")) {
    app_->add_option("-c,--config", config_,
                     "The engine config (custclass.yaml); its source must be `{preset: push}`")
        ->required()
        ->type_name("CONFIG");
    app_->add_option("--customers", customers_,
                     "The customers: a CSV file whose header names columns of customer_id, "
                     "created_at, birth_date, gender, district, income_band, email, phone, "
                     "lead_source, is_prospect, interests, marketing_consent, opted_out")
        ->required()
        ->type_name("FILE.csv");
    app_->add_option("--orders", orders_,
                     "The orders: a CSV file with order_id, customer_id, ordered_at, amount, "
                     "channel")
        ->required()
        ->type_name("FILE.csv");
    app_->add_option("--lines", lines_,
                     "The order lines: a CSV file with order_id, product_id, category, amount")
        ->type_name("FILE.csv");
    app_->add_option("--as-of", as_of_,
                     "The date of the run, YYYY-MM-DD (default: today in the rule set's time "
                     "zone); orders after it are ignored")
        ->type_name("DATE");
    app_->add_flag("--dry-run", dry_run_, "Compute everything, write nothing");
    app_->add_flag("--json", json_, "Print the run summary document (run_summary.schema.json)");
    app_->footer(
        "Each file starts with a header line naming its columns, in any order; a column the file "
        "leaves out is unknown in every record, and so is an empty field (NULL). Yes/no columns "
        "take 1/0, true/false or "
        "yes/no. Dates are YYYY-MM-DD or YYYY-MM-DD HH:MM[:SS]; amounts are decimal numbers, "
        "negative for returns.\nA problem in a file is printed as `file:line: error: message`; "
        "the feed is then abandoned and nothing is published (exit code 3).");
}

ExitCode FeedCommand::execute(const Session& session) const {
    if (session.api.feed_begin == nullptr) {
        throw CommandFailure(ExitCode::bad_usage,
                             "the plugin does not provide the host-push source (custclass_feed_*)"
                             "; install a plugin of the same version as this command");
    }
    const custclass::Engine engine = custclass::Engine::open(session.api, config_);
    ProgressReporter reporter(session.verbose);

    try {
        // Every header is checked before anything is pushed.
        TableFile<Customer> customers(customers_, customers_table());
        TableFile<Order> orders(orders_, orders_table());
        std::optional<TableFile<OrderLine>> lines;
        if (!lines_.empty()) lines.emplace(lines_, order_lines_table());

        custclass::Feed feed = custclass::Feed::begin(engine);
        const auto report = [&](const auto& file, std::uint64_t count) {
            if (!session.verbose) return;
            reporter.finish();
            std::cerr << "custclass: info: pushed " << count << ' ' << file.table_name() << " from "
                      << file.path() << '\n';
        };
        report(customers, customers.push(
                              feed.customer_record(),
                              [&](const Customer* r, std::uint32_t n) { feed.add_customers(r, n); },
                              reporter));
        report(orders,
               orders.push(
                   feed.order_record(),
                   [&](const Order* r, std::uint32_t n) { feed.add_orders(r, n); }, reporter));
        if (lines) {
            report(*lines,
                   lines->push(
                       feed.order_line_record(),
                       [&](const OrderLine* r, std::uint32_t n) { feed.add_order_lines(r, n); },
                       reporter));
        }

        custclass::RunOptions options;
        if (!as_of_.empty()) options.as_of(as_of_);
        options.dry_run(dry_run_);
        reporter.attach(options);
        const custclass::Document summary = feed.end(options);
        reporter.finish();

        print_run_summary_text(std::cout, summary.c_str(), json_);
        return ExitCode::ok;
    } catch (const FileProblem& problem) {
        // The feed (if begun) was aborted on the way here.
        reporter.finish();
        std::cerr << problem.file();
        if (problem.line() > 0) std::cerr << ':' << problem.line();
        std::cerr << ": error: " << problem.what() << '\n';
        throw CommandFailure(ExitCode::io_failure, "the feed was abandoned; nothing was published");
    } catch (const Interrupted&) {
        throw CommandFailure(ExitCode::interrupted,
                             "interrupted; nothing was published, the results of the previous "
                             "run are unchanged");
    }
}

}  // namespace custclass::host
