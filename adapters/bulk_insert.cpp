#include "bulk_insert.h"

// SOCI's SQLite header includes <sqlite3.h> inside namespace sqlite_api (hence the sqlite_api::
// prefixes below), so <sqlite3.h> must not be included on its own here.
#include <soci/mysql/soci-mysql.h>
#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <algorithm>
#include <memory>
#include <stdexcept>
#include <utility>

#include "sql_dialect.h"
#include "sqlite_mutex_hold.h"

namespace custclass::adapters {

class BulkInsert::Writer {
public:
    virtual ~Writer() = default;
    virtual void add_row(std::initializer_list<std::optional<std::string_view>> values) = 0;
    virtual void finish() = 0;
};

namespace {

using Values = std::initializer_list<std::optional<std::string_view>>;

BulkInsertError error(const std::string& table, std::string message) {
    while (!message.empty() && (message.back() == '\n' || message.back() == ' '))
        message.pop_back();
    return BulkInsertError("writing " + table + ": " + message);
}

std::string joined(const std::vector<std::string>& names) {
    std::string out;
    for (const std::string& name : names) out += (out.empty() ? "" : ", ") + name;
    return out;
}

using Fixed = std::optional<BulkInsert::FixedInteger>;

// The statement's column list: the fixed column first.
std::string column_list(const std::vector<std::string>& columns, const Fixed& fixed) {
    if (!fixed) return joined(columns);
    return columns.empty() ? fixed->column : fixed->column + ", " + joined(columns);
}

// What a row's text starts with for the fixed column ("" without one), `separator` after it
// when other columns follow.
std::string fixed_prefix(const Fixed& fixed, std::size_t columns, char separator) {
    if (!fixed) return "";
    return std::to_string(fixed->value) + (columns > 0 ? std::string(1, separator) : std::string());
}

// SQLite: one INSERT of a batch of rows (a few hundred) prepared once and run for each batch,
// its parameters bound to the batch's values; the rows left at the end go in one statement of
// their own. Running a one-row INSERT per row costs SQLite more than the parsing it saves: it
// opens the table's and every index's cursor and seeks from the root for each row, which a
// multi-row statement does once per batch. The values of a batch are copied into one buffer and
// bound from there without another copy (SQLITE_STATIC): the buffer does not change until the
// statement has run and been reset.
class SqliteWriter final : public BulkInsert::Writer {
public:
    static constexpr std::size_t kRowsPerBatch = 256;

    SqliteWriter(soci::session& sql, std::string table, const std::vector<std::string>& columns, const Fixed& fixed)
        : db_(static_cast<soci::sqlite3_session_backend*>(sql.get_backend())->conn_),
          table_(std::move(table)),
          head_("INSERT INTO " + table_ + " (" + column_list(columns, fixed) + ") VALUES "),
          fixed_(fixed_prefix(fixed, columns.size(), ',')),
          columns_(columns.size()) {
        // Within the number of parameters SQLite allows (999 in builds older than 3.32).
        const auto parameters = static_cast<std::size_t>(
            sqlite_api::sqlite3_limit(db_, SQLITE_LIMIT_VARIABLE_NUMBER, -1));
        rows_per_batch_ = std::max<std::size_t>(1, std::min(kRowsPerBatch, parameters / std::max<std::size_t>(columns_, 1)));
        batch_ = prepare(rows_per_batch_);
    }
    SqliteWriter(const SqliteWriter&) = delete;
    SqliteWriter& operator=(const SqliteWriter&) = delete;

    void add_row(Values values) override {
        for (const std::optional<std::string_view>& value : values) {
            if (!value) {
                values_.push_back({kNull, 0});
                continue;
            }
            values_.push_back({text_.size(), value->size()});
            text_.append(value->data(), value->size());
        }
        if (++rows_ == rows_per_batch_) run(batch_.get());
    }

    void finish() override {
        if (rows_ > 0) {
            const Statement rest = prepare(rows_);
            run(rest.get());
        }
        if (sqlite_api::sqlite3_finalize(batch_.release()) != SQLITE_OK) throw failed();
    }

private:
    using Statement =
        std::unique_ptr<sqlite_api::sqlite3_stmt, decltype(&sqlite_api::sqlite3_finalize)>;
    static constexpr std::size_t kNull = static_cast<std::size_t>(-1);

    // An INSERT of `rows` rows.
    Statement prepare(std::size_t rows) const {
        std::string row = "(" + fixed_;
        for (std::size_t c = 0; c < columns_; ++c) row += c == 0 ? "?" : ",?";
        row += ")";
        std::string insert = head_;
        for (std::size_t r = 0; r < rows; ++r) insert += (r == 0 ? "" : ",") + row;
        sqlite_api::sqlite3_stmt* statement = nullptr;
        // The length with the terminating NUL: SQLite then need not copy the text.
        const int rc = sqlite_api::sqlite3_prepare_v3(
            db_, insert.c_str(), static_cast<int>(insert.size() + 1),
            rows == rows_per_batch_ ? SQLITE_PREPARE_PERSISTENT : 0, &statement, nullptr);
        Statement owned(statement, &sqlite_api::sqlite3_finalize);
        if (rc != SQLITE_OK) throw failed();
        return owned;
    }

    // Binds the rows held to `statement` (which has as many) and runs it.
    void run(sqlite_api::sqlite3_stmt* statement) {
        // Three million binds for a run's million rows: the connection's mutex taken once.
        const SqliteMutexHold hold(sqlite_api::sqlite3_db_mutex(db_));
        int parameter = 1;
        for (const auto& [at, size] : values_) {
            const int rc = at == kNull ? sqlite_api::sqlite3_bind_null(statement, parameter)
                                       : sqlite_api::sqlite3_bind_text64(
                                             statement, parameter, text_.data() + at, size,
                                             SQLITE_STATIC, SQLITE_UTF8);
            if (rc != SQLITE_OK) throw failed();
            ++parameter;
        }
        if (sqlite_api::sqlite3_step(statement) != SQLITE_DONE) {
            const BulkInsertError e = failed();
            sqlite_api::sqlite3_reset(statement);  // returns the same error again
            throw e;
        }
        if (sqlite_api::sqlite3_reset(statement) != SQLITE_OK) throw failed();
        values_.clear();
        text_.clear();
        rows_ = 0;
    }

    BulkInsertError failed() const { return error(table_, sqlite_api::sqlite3_errmsg(db_)); }

    sqlite_api::sqlite3* db_;
    std::string table_;
    std::string head_;
    std::string fixed_;  // the fixed column's literal and a comma, at the start of each row
    std::size_t columns_;  // bound per row
    std::size_t rows_per_batch_ = 1;
    Statement batch_{nullptr, &sqlite_api::sqlite3_finalize};
    // The rows of the batch being filled: each value as (offset, size) in text_, or kNull.
    std::vector<std::pair<std::size_t, std::size_t>> values_;
    std::string text_;
    std::size_t rows_ = 0;
};

// PostgreSQL: COPY … FROM STDIN in text format, the rows sent in chunks of about kChunkBytes.
// The server checks them as they arrive but reports a refused row only when asked, at the latest
// when the COPY ends.
class PostgresqlCopyWriter final : public BulkInsert::Writer {
public:
    static constexpr std::size_t kChunkBytes = 1 << 20;

    PostgresqlCopyWriter(soci::session& sql, std::string table,
                         const std::vector<std::string>& columns, const Fixed& fixed)
        : conn_(static_cast<soci::postgresql_session_backend*>(sql.get_backend())->conn_),
          table_(std::move(table)), fixed_(fixed_prefix(fixed, columns.size(), '\t')) {
        const std::string copy =
            "COPY " + table_ + " (" + column_list(columns, fixed) + ") FROM STDIN (FORMAT text)";
        const Result result(PQexec(conn_, copy.c_str()), &PQclear);
        if (!result) throw error(table_, PQerrorMessage(conn_));
        if (PQresultStatus(result.get()) != PGRES_COPY_IN)
            throw error(table_, PQresultErrorMessage(result.get()));
        copying_ = true;
        buffer_.reserve(kChunkBytes + 4096);
    }
    ~PostgresqlCopyWriter() override {
        // Abandoned (the caller failed): the server discards the rows and fails the COPY, and the
        // connection is ready for the caller's rollback.
        if (copying_) end("custclass: the bulk insert was abandoned");
    }
    PostgresqlCopyWriter(const PostgresqlCopyWriter&) = delete;
    PostgresqlCopyWriter& operator=(const PostgresqlCopyWriter&) = delete;

    void add_row(Values values) override {
        buffer_ += fixed_;
        bool first = true;
        for (const std::optional<std::string_view>& value : values) {
            if (!first) buffer_ += '\t';
            first = false;
            if (!value) {
                buffer_ += "\\N";
                continue;
            }
            // The text format's escapes: the delimiter, the row end and the escape character.
            for (const char c : *value) {
                switch (c) {
                    case '\\':
                        buffer_ += "\\\\";
                        break;
                    case '\t':
                        buffer_ += "\\t";
                        break;
                    case '\n':
                        buffer_ += "\\n";
                        break;
                    case '\r':
                        buffer_ += "\\r";
                        break;
                    default:
                        buffer_ += c;
                }
            }
        }
        buffer_ += '\n';
        if (buffer_.size() >= kChunkBytes) send();
    }

    void finish() override {
        send();
        const std::string message = end(nullptr);
        if (!message.empty()) throw error(table_, message);
    }

private:
    using Result = std::unique_ptr<PGresult, decltype(&PQclear)>;

    void send() {
        if (buffer_.empty()) return;
        // Blocking connection: 1 when queued, -1 on failure (0 only in non-blocking mode).
        if (PQputCopyData(conn_, buffer_.data(), static_cast<int>(buffer_.size())) != 1) {
            const std::string sending = PQerrorMessage(conn_);
            const std::string server = end("custclass: sending the rows failed");
            throw error(table_, server.empty() ? sending : server);
        }
        buffer_.clear();
    }

    // Ends the COPY (abandoning it with `abandon` as the reason, unless null) and collects its
    // result: the server's error message, or "" when it took every row. The connection is idle
    // afterwards, unless it is lost.
    std::string end(const char* abandon) {
        copying_ = false;
        std::string ending;
        if (PQputCopyEnd(conn_, abandon) != 1) ending = PQerrorMessage(conn_);
        std::string server;
        while (PGresult* raw = PQgetResult(conn_)) {
            const Result result(raw, &PQclear);
            const ExecStatusType status = PQresultStatus(raw);
            if (status == PGRES_COPY_IN) {
                // Still copying: the end could not be sent (a lost connection). Asking again
                // would return this same state for ever.
                if (server.empty())
                    server = ending.empty() ? "the COPY could not be ended" : ending;
                break;
            }
            if (status != PGRES_COMMAND_OK && server.empty()) server = PQresultErrorMessage(raw);
        }
        return server.empty() ? ending : server;
    }

    PGconn* conn_;
    std::string table_;
    std::string fixed_;  // the fixed column's text and a tab, at the start of each row
    std::string buffer_;
    bool copying_ = false;
};

// MySQL/MariaDB: multi-row INSERT statements of literal values, sent with the client library on
// SOCI's connection (SOCI would scan the text for placeholders). Statements stay well under the
// server's smallest max_allowed_packet default (4 MiB on MySQL 5.7, 16 MiB on MariaDB).
class MysqlWriter final : public BulkInsert::Writer {
public:
    static constexpr std::size_t kRowsPerStatement = 2000;
    static constexpr std::size_t kStatementBytes = 1 << 20;

    MysqlWriter(soci::session& sql, std::string table, const std::vector<std::string>& columns, const Fixed& fixed)
        : conn_(static_cast<soci::mysql_session_backend*>(sql.get_backend())->conn_),
          table_(std::move(table)),
          head_("INSERT INTO " + table_ + " (" + column_list(columns, fixed) + ") VALUES "),
          fixed_(fixed_prefix(fixed, columns.size(), ',')) {
        statement_ = head_;
    }

    void add_row(Values values) override {
        if (rows_ > 0) statement_ += ',';
        statement_ += '(';
        statement_ += fixed_;
        bool first = true;
        for (const std::optional<std::string_view>& value : values) {
            if (!first) statement_ += ',';
            first = false;
            statement_ += value ? sql_literal(Dialect::MySQL, *value) : std::string("NULL");
        }
        statement_ += ')';
        if (++rows_ == kRowsPerStatement || statement_.size() >= kStatementBytes) send();
    }

    void finish() override { send(); }

private:
    void send() {
        if (rows_ == 0) return;
        if (mysql_real_query(conn_, statement_.data(), statement_.size()) != 0)
            throw error(table_, mysql_error(conn_));
        statement_.assign(head_);
        rows_ = 0;
    }

    MYSQL* conn_;
    std::string table_;
    std::string head_;
    std::string fixed_;  // the fixed column's literal and a comma, at the start of each row
    std::string statement_;
    std::size_t rows_ = 0;
};

}  // namespace

BulkInsert::BulkInsert(soci::session& sql, std::string table, std::vector<std::string> columns,
                       std::optional<FixedInteger> fixed)
    : table_(std::move(table)), columns_(columns.size()) {
    switch (dialect_of_backend(sql.get_backend_name())) {
        case Dialect::SQLite:
            writer_ = std::make_unique<SqliteWriter>(sql, table_, columns, fixed);
            break;
        case Dialect::PostgreSQL:
            writer_ = std::make_unique<PostgresqlCopyWriter>(sql, table_, columns, fixed);
            break;
        case Dialect::MySQL:
            writer_ = std::make_unique<MysqlWriter>(sql, table_, columns, fixed);
            break;
    }
}

BulkInsert::~BulkInsert() = default;

void BulkInsert::add_row(std::initializer_list<std::optional<std::string_view>> values) {
    if (finished_) throw std::logic_error("bulk insert into " + table_ + ": a row after finish()");
    if (values.size() != columns_)
        throw std::invalid_argument("bulk insert into " + table_ + ": " +
                                    std::to_string(values.size()) + " values for " +
                                    std::to_string(columns_) + " columns");
    writer_->add_row(values);
}

void BulkInsert::finish() {
    if (finished_) return;
    finished_ = true;
    writer_->finish();
}

}  // namespace custclass::adapters
