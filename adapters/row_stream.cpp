#include "row_stream.h"

#include <soci/mysql/soci-mysql.h>
#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <algorithm>
#include <bit>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstring>
#include <exception>
#include <memory>
#include <string_view>
#include <system_error>
#include <unordered_map>

#include "source.h"
#include "sqlite_mutex_hold.h"

namespace custclass::adapters {

namespace {

std::string column_count_error(std::size_t returned, std::size_t expected) {
    return "the query returned " + std::to_string(returned) + " columns, expected " +
           std::to_string(expected);
}

// Rows collected into batches of at most `batch_rows` rows. The buffers of the batch are kept
// from one batch to the next, so that once they have grown to a batch's values, reading a value
// allocates nothing.
class BatchWriter {
public:
    // `numbers`: set_number may be called (Cells::Numbers).
    BatchWriter(std::size_t columns, std::size_t batch_rows,
                const std::function<void(TextBatch&)>& fn, bool numbers = false)
        : columns_(columns), batch_rows_(batch_rows), numbers_(numbers), fn_(fn) {
        shape();
    }
    // The value of column `c` in the row being written (nullptr: NULL).
    void set(std::size_t c, const char* data, std::size_t size) {
        Column& k = columns_at_[c];
        if (data && size > 0) {
            // The buffer only grows (its size, not its used part, is what it holds), so that
            // writing a value is one copy without the checks of an append.
            if (k.capacity - k.used < size) grow(c, size);
            copy_value(k.bytes + k.used, data, size);
            k.used += size;
        }
        k.cells[n_] = data ? TextBatch::Cell::Text : TextBatch::Cell::Null;
        k.ends[n_] = k.used;
    }
    // A number as the value of column `c` (an Integer's value, a Real's bits), its text left to
    // the thread that takes the batch.
    void set_number(std::size_t c, TextBatch::Cell cell, std::int64_t value) {
        Column& k = columns_at_[c];
        k.numbers[n_] = value;
        k.cells[n_] = cell;
        k.ends[n_] = k.used;
    }
    void end_row() {
        if (++n_ == batch_rows_) flush();
    }
    void flush() {
        if (n_ == 0) return;
        batch_.rows = n_;
        fn_(batch_);  // which may have swapped it for another batch (read ahead)
        n_ = 0;
        shape();
    }

private:
    // Gives the batch its columns and rows, unless it has them (a batch handed back by a reader
    // ahead, whose buffers are reused, or a new empty one), with no values.
    void shape() {
        auto shaped = [&](const auto& per_column, std::size_t rows) {
            return per_column.size() == columns_ && (columns_ == 0 || per_column[0].size() == rows);
        };
        if (batch_.bytes.size() != columns_ || !shaped(batch_.ends, batch_rows_) ||
            !shaped(batch_.cells, batch_rows_) || !shaped(batch_.numbers, numbers_ ? batch_rows_ : 0)) {
            batch_.bytes.assign(columns_, std::string());
            batch_.ends.assign(columns_, std::vector<std::size_t>(batch_rows_));
            batch_.cells.assign(columns_, std::vector<TextBatch::Cell>(batch_rows_));
            batch_.numbers.assign(columns_, std::vector<std::int64_t>(numbers_ ? batch_rows_ : 0));
        }
        batch_.rows = 0;
        columns_at_.resize(columns_);
        for (std::size_t c = 0; c < columns_; ++c)
            columns_at_[c] = {batch_.bytes[c].data(), batch_.bytes[c].size(), 0, batch_.ends[c].data(),
                              batch_.cells[c].data(), numbers_ ? batch_.numbers[c].data() : nullptr};
    }

    void grow(std::size_t c, std::size_t size) {
        Column& k = columns_at_[c];
        std::string& bytes = batch_.bytes[c];
        bytes.resize(std::max(2 * bytes.size(), k.used + size));
        k.bytes = bytes.data();
        k.capacity = bytes.size();
    }

    // A value's bytes, copied inline: most are a few bytes to a few dozen (a date, a code, a
    // name), where the copy itself is cheaper than a call to memcpy. Writes only [to, to + n).
    static void copy_value(char* to, const char* from, std::size_t n) {
        if (n > 32) {
            std::memcpy(to, from, n);
        } else if (n >= 16) {  // two copies of 16 that overlap, as needed
            std::memcpy(to, from, 16);
            std::memcpy(to + n - 16, from + n - 16, 16);
        } else if (n >= 8) {
            std::memcpy(to, from, 8);
            std::memcpy(to + n - 8, from + n - 8, 8);
        } else if (n >= 4) {
            std::memcpy(to, from, 4);
            std::memcpy(to + n - 4, from + n - 4, 4);
        } else {
            for (std::size_t i = 0; i < n; ++i) to[i] = from[i];
        }
    }

    std::size_t columns_;
    std::size_t batch_rows_;
    bool numbers_;
    const std::function<void(TextBatch&)>& fn_;
    TextBatch batch_;
    // Each column's buffers in batch_, as pointers (set by shape() and grow()), and the bytes of
    // the batch's values so far.
    struct Column {
        char* bytes;
        std::size_t capacity;
        std::size_t used;
        std::size_t* ends;
        TextBatch::Cell* cells;
        std::int64_t* numbers;
    };
    std::vector<Column> columns_at_;
    std::size_t n_ = 0;
};

// ---- SQLite: the C API on SOCI's connection (SOCI declares it inside namespace sqlite_api).

// A REAL as SQLite writes it as text ("%!.15g": 15 significant digits, trailing zeros dropped,
// at least one digit after the point), written into `buf` without asking SQLite to format it
// (its printf was a tenth of the reading thread's time on the 1M benchmark, for amounts held as
// REAL). Only for the values whose shortest exact decimal has at most 15 significant digits
// (those 15 digits are then that decimal: every amount a person typed) and that SQLite writes
// without an exponent (1e-4 <= |v| < 1e15); 0 for any other value, whose text the caller takes
// from SQLite.
std::size_t sqlite_real_text(double v, char* buf, std::size_t size) {
    const double magnitude = v < 0 ? -v : v;
    if (!(magnitude >= 1e-4 && magnitude < 1e15) || size < 40) return 0;
    // Most amounts first, without the general shortest-decimal search below: below a billion,
    // with at most 4 decimals. Their shortest decimal has the fewest decimals d at which
    // m = round(v × 10^d) gives back v as m / 10^d: m and 10^d are exact doubles and the division
    // rounds correctly, so that decimal reads back as v, and no decimal with fewer decimals does.
    // Below a billion, 10^-4 is more than v's spacing to the next double, so m is the only one.
    if (magnitude < 1e9) {
        constexpr double kPowers[] = {1, 10, 100, 1000, 10000};
        for (int d = 0; d <= 4; ++d) {
            const double m = std::nearbyint(v * kPowers[d]);
            if (m / kPowers[d] != v) continue;
            char digits[24];
            const auto end = std::to_chars(digits, digits + sizeof digits,
                                           static_cast<std::int64_t>(m < 0 ? -m : m)).ptr;
            auto n = static_cast<std::size_t>(end - digits);
            char* out = buf;
            if (v < 0) *out++ = '-';
            const auto decimals = static_cast<std::size_t>(d);
            if (n <= decimals) {  // below 1: "0." and the leading zeros
                *out++ = '0';
                *out++ = '.';
                for (std::size_t z = n; z < decimals; ++z) *out++ = '0';
                for (std::size_t i = 0; i < n; ++i) *out++ = digits[i];
            } else {
                for (std::size_t i = 0; i < n - decimals; ++i) *out++ = digits[i];
                *out++ = '.';
                if (decimals == 0)
                    *out++ = '0';
                else
                    for (std::size_t i = n - decimals; i < n; ++i) *out++ = digits[i];
            }
            return static_cast<std::size_t>(out - buf);
        }
    }
    // The shortest decimal that reads back as v, as [-]d[.ddd]e±x: its digits and exponent.
    char sci[40];
    const auto written = std::to_chars(sci, sci + sizeof sci, v, std::chars_format::scientific);
    if (written.ec != std::errc()) return 0;
    char digits[20];
    std::size_t n = 0;
    const char* p = sci + (v < 0 ? 1 : 0);
    for (; p < written.ptr && *p != 'e'; ++p)
        if (*p != '.') {
            if (n == 15) return 0;  // more than 15 significant digits: SQLite rounds them
            digits[n++] = *p;
        }
    int exponent = 0;
    if (p == written.ptr || std::from_chars(p + 1 + (p[1] == '+'), written.ptr, exponent).ec != std::errc())
        return 0;
    // The same digits in positional notation (-4 <= exponent <= 14 here: at most 33 characters).
    char* out = buf;
    if (v < 0) *out++ = '-';
    if (exponent < 0) {
        *out++ = '0';
        *out++ = '.';
        for (int z = -1; z > exponent; --z) *out++ = '0';
        for (std::size_t i = 0; i < n; ++i) *out++ = digits[i];
    } else {
        const auto whole = static_cast<std::size_t>(exponent) + 1;
        for (std::size_t i = 0; i < whole; ++i) *out++ = i < n ? digits[i] : '0';
        *out++ = '.';
        if (n > whole)
            for (std::size_t i = whole; i < n; ++i) *out++ = digits[i];
        else
            *out++ = '0';
    }
    return static_cast<std::size_t>(out - buf);
}

struct FinalizeStatement {
    void operator()(sqlite_api::sqlite3_stmt* statement) const {
        sqlite_api::sqlite3_finalize(statement);
    }
};
using SqliteStatement = std::unique_ptr<sqlite_api::sqlite3_stmt, FinalizeStatement>;

struct CloseConnection {
    void operator()(sqlite_api::sqlite3* db) const { sqlite_api::sqlite3_close_v2(db); }
};
using SqliteConnection = std::unique_ptr<sqlite_api::sqlite3, CloseConnection>;

// The first column of the first row `sql` gives on `db` as an integer; nullopt when it fails or
// gives no row.
std::optional<std::int64_t> first_integer(sqlite_api::sqlite3* db, const char* sql) {
    sqlite_api::sqlite3_stmt* prepared = nullptr;
    if (sqlite_api::sqlite3_prepare_v2(db, sql, -1, &prepared, nullptr) != SQLITE_OK) {
        sqlite_api::sqlite3_finalize(prepared);
        return std::nullopt;
    }
    const SqliteStatement statement(prepared);
    if (sqlite_api::sqlite3_step(prepared) != SQLITE_ROW) return std::nullopt;
    return sqlite_api::sqlite3_column_int64(prepared, 0);
}

// A connection of the reading thread's own to the database file of `shared`, opened read-only
// and without SQLite's per-connection mutex (SQLITE_OPEN_NOMUTEX), for a whole-table read: on
// the shared connection, opened by SOCI in SQLite's serialized mode, every value fetched takes
// and releases that mutex, 11% of the reading thread at 10 million orders (bench/RESULTS.md).
// Such a read sees what the shared connection would (each read is a transaction of its own
// either way). nullptr, to read on the shared connection, when the query could name something
// only that connection has (an in-memory or temporary database, an attached one, a temporary
// table or view) or the file cannot be opened so.
SqliteConnection reading_connection(sqlite_api::sqlite3* shared) {
    const char* file = sqlite_api::sqlite3_db_filename(shared, "main");
    if (!file || !*file) return nullptr;
    if (first_integer(shared, "SELECT count(*) FROM pragma_database_list WHERE name NOT IN ('main', 'temp')") != 0 ||
        first_integer(shared, "SELECT count(*) FROM temp.sqlite_master") != 0)
        return nullptr;
    sqlite_api::sqlite3* opened = nullptr;
    const int rc = sqlite_api::sqlite3_open_v2(file, &opened, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr);
    SqliteConnection own(opened);
    if (rc != SQLITE_OK) return nullptr;
    sqlite_api::sqlite3_busy_timeout(own.get(), static_cast<int>(first_integer(shared, "PRAGMA busy_timeout").value_or(0)));
    return own;
}

}  // namespace

struct PreparedReads::Impl {
    // At most this many texts kept (a scope of another size is another text): beyond it, all
    // are finalised and the keeping starts again.
    static constexpr std::size_t kMost = 64;
    sqlite_api::sqlite3* db = nullptr;  // the connection of the statements
    std::unordered_map<std::string, SqliteStatement> statements;
};

PreparedReads::PreparedReads() : impl_(std::make_unique<Impl>()) {}
PreparedReads::~PreparedReads() = default;
std::size_t PreparedReads::size() const { return impl_->statements.size(); }

namespace {

// The values of a row, as SQLite hands them, written into a batch: each as SQLite's own text of
// it (an integer in decimal, any other value as sqlite3_column_text gives it, the text a
// CAST(… AS TEXT) gives), or, with `numbers` (Cells::Numbers), a whole number or a REAL as the
// number, its text written by the thread that takes the batch.
class SqliteValues {
public:
    SqliteValues(BatchWriter& out, sqlite_api::sqlite3* db, bool numbers)
        : out_(out), db_(db), numbers_(numbers) {}

    void put(std::size_t c, sqlite_api::sqlite3_value* value) {
        const int type = sqlite_api::sqlite3_value_type(value);
        if (numbers_ && type == SQLITE_INTEGER) {
            out_.set_number(c, TextBatch::Cell::Integer, sqlite_api::sqlite3_value_int64(value));
            return;
        }
        if (numbers_ && type == SQLITE_FLOAT) {
            out_.set_number(c, TextBatch::Cell::Real,
                            std::bit_cast<std::int64_t>(sqlite_api::sqlite3_value_double(value)));
            return;
        }
        // An integer (ids, keys, counts) is written here, in decimal as SQLite writes it.
        if (type == SQLITE_INTEGER) {
            const auto end = std::to_chars(digits_, digits_ + sizeof digits_,
                                           sqlite_api::sqlite3_value_int64(value)).ptr;
            out_.set(c, digits_, static_cast<std::size_t>(end - digits_));
            return;
        }
        // So is a REAL that SQLite would write as its shortest decimal (amounts).
        if (type == SQLITE_FLOAT) {
            if (const std::size_t n =
                    sqlite_real_text(sqlite_api::sqlite3_value_double(value), digits_, sizeof digits_)) {
                out_.set(c, digits_, n);
                return;
            }
        }
        if (type == SQLITE_NULL) {
            out_.set(c, nullptr, 0);
            return;
        }
        // Otherwise the text, then its length (in this order, as SQLite documents). The text is
        // NULL only for a zero-length BLOB or a failed allocation.
        const auto* text = reinterpret_cast<const char*>(sqlite_api::sqlite3_value_text(value));
        if (text) {
            out_.set(c, text, static_cast<std::size_t>(sqlite_api::sqlite3_value_bytes(value)));
        } else {
            if (sqlite_api::sqlite3_errcode(db_) == SQLITE_NOMEM)
                throw DatabaseError(sqlite_api::sqlite3_errmsg(db_));
            out_.set(c, "", 0);
        }
    }
    void end_row() { out_.end_row(); }

private:
    BatchWriter& out_;
    sqlite_api::sqlite3* db_;
    bool numbers_;
    char digits_[64];
};

// A whole-table read as one aggregate over the query's rows,
//   WITH custclass_read(c0, …) AS (<query>) SELECT custclass_read_rows(c0, …) FROM custclass_read,
// whose function takes each row's values as its arguments: the whole read is one sqlite3_step,
// without SQLite's return from the virtual machine and a call per value for every row. SQLite
// flattens such a query into the query itself (the same plan, the same values: a function's
// arguments are the values as the query gives them); on the benchmark's 10 million orders the
// read took 25% less of its thread. Only on a connection of the reader's own, which nothing
// else uses: the function is registered there. False (read by stepping) when the query cannot be
// so wrapped (not a SELECT or VALUES, more columns than a function takes, a name the wrapping
// takes, a comment left open at its end): SQLite then refuses the wrapped text.
class FoldedRead {
public:
    FoldedRead(sqlite_api::sqlite3* db, sqlite_api::sqlite3_stmt* query, std::size_t columns) : db_(db) {
        if (columns == 0) return;
        // The query's own statement (its text as prepared, which ends where its first statement
        // does) without the semicolon and blanks that end it.
        std::string_view text = sqlite_api::sqlite3_sql(query) ? sqlite_api::sqlite3_sql(query) : "";
        while (!text.empty() && (text.back() == ';' || std::isspace(static_cast<unsigned char>(text.back()))))
            text.remove_suffix(1);
        if (text.empty()) return;
        std::string names;
        for (std::size_t c = 0; c < columns; ++c) names += (c ? ", c" : "c") + std::to_string(c);
        // The query on lines of its own: a comment ending it ends with its line.
        const std::string wrapped = "WITH custclass_read(" + names + ") AS (\n" + std::string(text) +
                                    "\n) SELECT custclass_read_rows(" + names + ") FROM custclass_read";
        if (sqlite_api::sqlite3_create_function_v2(db, "custclass_read_rows", static_cast<int>(columns),
                                                   SQLITE_UTF8 | SQLITE_DIRECTONLY, this, nullptr,
                                                   &FoldedRead::step, &FoldedRead::final, nullptr) != SQLITE_OK)
            return;
        sqlite_api::sqlite3_stmt* prepared = nullptr;
        if (sqlite_api::sqlite3_prepare_v3(db, wrapped.c_str(), static_cast<int>(wrapped.size() + 1), 0,
                                           &prepared, nullptr) != SQLITE_OK) {
            sqlite_api::sqlite3_finalize(prepared);
            return;
        }
        statement_.reset(prepared);
    }
    explicit operator bool() const { return statement_ != nullptr; }

    // Reads every row into the batches; throws what the batches' function threw, or SQLite's
    // error.
    void run(SqliteValues& values) {
        values_ = &values;
        const int rc = sqlite_api::sqlite3_step(statement_.get());
        if (failure_) std::rethrow_exception(failure_);
        if (rc != SQLITE_ROW && rc != SQLITE_DONE) throw DatabaseError(sqlite_api::sqlite3_errmsg(db_));
    }

private:
    static void step(sqlite_api::sqlite3_context* context, int argc, sqlite_api::sqlite3_value** argv) {
        auto* self = static_cast<FoldedRead*>(sqlite_api::sqlite3_user_data(context));
        try {
            for (int c = 0; c < argc; ++c) self->values_->put(static_cast<std::size_t>(c), argv[c]);
            self->values_->end_row();
        } catch (...) {
            // Stops the statement (an error of its step); run() throws this instead.
            self->failure_ = std::current_exception();
            sqlite_api::sqlite3_result_error(context, "the read was stopped", -1);
        }
    }
    static void final(sqlite_api::sqlite3_context* context) { sqlite_api::sqlite3_result_null(context); }

    sqlite_api::sqlite3* db_;
    SqliteValues* values_ = nullptr;
    SqliteStatement statement_;
    std::exception_ptr failure_;
};

// Runs `query` with `params` bound as text to its placeholders :p0, :p1, … Every value is handed
// as SQLite's own text of it, whatever the column's declared type: an integer in decimal, any
// other value as sqlite3_column_text gives it (the text a CAST(… AS TEXT) gives).
void read_sqlite(soci::session& sql, const std::string& query,
                 const std::vector<std::string>& params, std::size_t columns,
                 std::size_t batch_rows, const std::function<void(TextBatch&)>& fn,
                 Cells cells = Cells::Text, PreparedReads::Impl* keep = nullptr) {
    sqlite_api::sqlite3* const shared = static_cast<soci::sqlite3_session_backend*>(sql.get_backend())->conn_;
    // A whole-table read on a connection of its own when it can (reading_connection), else on
    // the shared one; a query that connection cannot prepare is prepared on the shared one, for
    // its result or its error.
    SqliteConnection own = cells == Cells::Numbers && params.empty() ? reading_connection(shared) : nullptr;
    sqlite_api::sqlite3* db = own ? own.get() : shared;
    auto fail = [&db]() { return DatabaseError(sqlite_api::sqlite3_errmsg(db)); };
    // A statement kept from an earlier read of the same text on this connection.
    if (keep && keep->db != db) {
        keep->statements.clear();
        keep->db = db;
    }
    const auto kept = keep && !own ? keep->statements.find(query) : decltype(keep->statements)::iterator();
    const bool reuse = keep && !own && kept != keep->statements.end();
    sqlite_api::sqlite3_stmt* prepared = reuse ? kept->second.get() : nullptr;
    // A length counting the terminating NUL saves SQLite a copy of the text (its documentation).
    auto prepare = [&] {
        return sqlite_api::sqlite3_prepare_v3(db, query.c_str(), static_cast<int>(query.size() + 1),
                                              keep ? SQLITE_PREPARE_PERSISTENT : 0, &prepared, nullptr);
    };
    int rc = reuse ? SQLITE_OK : prepare();
    if (rc != SQLITE_OK && own) {
        sqlite_api::sqlite3_finalize(prepared);
        prepared = nullptr;
        db = shared;
        rc = prepare();
    }
    SqliteStatement statement(reuse ? nullptr : prepared);  // owned here unless kept
    if (rc != SQLITE_OK) throw fail();
    if (!prepared) throw DatabaseError("the query is empty");
    sqlite_api::sqlite3_stmt* st = prepared;
    if (keep && !own && !reuse) {
        if (keep->statements.size() >= PreparedReads::Impl::kMost) keep->statements.clear();
        keep->statements.emplace(query, std::move(statement));
    }
    // A kept statement is reset after the read, however it ends (its bindings cleared), so
    // that it holds no read transaction open until it is used again.
    struct Reset {
        sqlite_api::sqlite3_stmt* st;
        bool kept;
        ~Reset() {
            if (!kept) return;
            sqlite_api::sqlite3_reset(st);
            sqlite_api::sqlite3_clear_bindings(st);
        }
    } const reset{st, keep && !own};

    const int placeholders = sqlite_api::sqlite3_bind_parameter_count(st);
    if (static_cast<std::size_t>(placeholders) != params.size())
        throw DatabaseError("the query has " + std::to_string(placeholders) +
                            " placeholders, expected " + std::to_string(params.size()));
    for (std::size_t i = 0; i < params.size(); ++i) {
        const std::string name = ":p" + std::to_string(i);
        const int index = sqlite_api::sqlite3_bind_parameter_index(st, name.c_str());
        if (index == 0) throw DatabaseError("the query has no placeholder " + name);
        // SQLITE_STATIC: `params` outlives the statement.
        if (sqlite_api::sqlite3_bind_text(st, index, params[i].data(),
                                          static_cast<int>(params[i].size()),
                                          SQLITE_STATIC) != SQLITE_OK)
            throw fail();
    }

    const auto returned = static_cast<std::size_t>(sqlite_api::sqlite3_column_count(st));
    if (returned != columns) throw DatabaseError(column_count_error(returned, columns));

    BatchWriter out(columns, batch_rows, fn, cells == Cells::Numbers);
    SqliteValues values(out, db, cells == Cells::Numbers);
    // On a connection of its own, every row through one call of an aggregate function instead
    // of a step and a call per value (FoldedRead), when the query can be read so.
    if (own && db == own.get()) {
        if (FoldedRead folded(db, st, columns); folded) {
            folded.run(values);
            out.flush();
            return;
        }
    }
    // Every call below takes the connection's (recursive) mutex: taken once here, each of them
    // only counts up and down instead of locking. Nothing else uses the connection meanwhile.
    const SqliteMutexHold hold(sqlite_api::sqlite3_db_mutex(db));
    int step;
    while ((step = sqlite_api::sqlite3_step(st)) == SQLITE_ROW) {
        for (std::size_t c = 0; c < columns; ++c)
            // The value itself, then its type and contents: only sqlite3_column_value takes the
            // connection's mutex (held here), the sqlite3_value_* calls do not. SQLite calls
            // such a value unprotected, to be used only while the connection is not used by
            // another thread: the hold above makes sure of that.
            values.put(c, sqlite_api::sqlite3_column_value(st, static_cast<int>(c)));
        out.end_row();
    }
    if (step != SQLITE_DONE) throw fail();
    out.flush();
}

// ---- PostgreSQL: COPY (query) TO STDOUT through libpq on SOCI's connection.

// libpq's messages end with a newline.
std::string pg_message(const char* message) {
    std::string_view m = message ? message : "";
    while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) m.remove_suffix(1);
    return std::string(m);
}

// One COPY … TO STDOUT in progress: its rows one by one. Abandoned before its end (an error,
// an exception from the caller's function), it cancels the command on the server and reads
// what is left, so that the connection can run the next statement.
class CopyOut {
public:
    CopyOut(PGconn* conn, const std::string& command) : conn_(conn) {
        std::unique_ptr<PGresult, decltype(&PQclear)> result(PQexec(conn, command.c_str()),
                                                             &PQclear);
        if (!result) throw DatabaseError(pg_message(PQerrorMessage(conn)));
        // PQexec has read every result of a command that failed.
        if (PQresultStatus(result.get()) != PGRES_COPY_OUT) {
            const std::string message = pg_message(PQresultErrorMessage(result.get()));
            throw DatabaseError(message.empty() ? "COPY did not start" : message);
        }
        in_progress_ = true;
        columns_ = static_cast<std::size_t>(PQnfields(result.get()));
    }
    CopyOut(const CopyOut&) = delete;
    CopyOut& operator=(const CopyOut&) = delete;
    ~CopyOut() {
        release_row();
        if (in_progress_) {
            if (PGcancel* cancel = PQgetCancel(conn_)) {
                char error[256];
                PQcancel(cancel, error, sizeof error);
                PQfreeCancel(cancel);
            }
            drain();
        }
    }

    std::size_t columns() const { return columns_; }

    // The next row without its newline; false after the last one. Throws DatabaseError when the
    // command fails (the server's message).
    bool next(std::string_view& row) {
        release_row();
        const int n = PQgetCopyData(conn_, &row_, 0);
        if (n > 0) {
            row = std::string_view(row_, static_cast<std::size_t>(n));
            if (!row.empty() && row.back() == '\n') row.remove_suffix(1);
            return true;
        }
        in_progress_ = false;
        std::string message = n == -2 ? pg_message(PQerrorMessage(conn_)) : std::string();
        // The command's own result says whether it succeeded.
        while (PGresult* result = PQgetResult(conn_)) {
            if (PQresultStatus(result) != PGRES_COMMAND_OK && message.empty())
                message = pg_message(PQresultErrorMessage(result));
            PQclear(result);
        }
        if (n == -2 || !message.empty())
            throw DatabaseError(message.empty() ? "COPY failed" : message);
        return false;
    }

private:
    void release_row() {
        if (row_) PQfreemem(row_);
        row_ = nullptr;
    }
    // Reads what is left of the command and its results.
    void drain() {
        for (char* rest = nullptr; PQgetCopyData(conn_, &rest, 0) > 0; rest = nullptr)
            PQfreemem(rest);
        while (PGresult* result = PQgetResult(conn_)) PQclear(result);
        in_progress_ = false;
    }

    PGconn* conn_;
    bool in_progress_ = false;
    std::size_t columns_ = 0;
    char* row_ = nullptr;
};

// A field of COPY's text format with its backslash escapes undone (PostgreSQL's documentation
// of COPY, "Text Format"): \b \f \n \r \t \v; a backslash and one to three octal digits, or \x
// and one or two hex digits, for a byte; a backslash before any other character for that
// character (\\ for a backslash).
void unescape_copy_field(std::string_view field, std::string& out) {
    out.clear();
    auto octal = [](char c) { return c >= '0' && c <= '7'; };
    auto hex = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    };
    std::size_t i = 0;
    while (i < field.size()) {
        const std::size_t slash = field.find('\\', i);
        out.append(field.data() + i, (slash == std::string_view::npos ? field.size() : slash) - i);
        if (slash == std::string_view::npos) break;
        i = slash + 1;
        if (i == field.size()) {  // a lone backslash at the end (COPY never writes one)
            out += '\\';
            break;
        }
        const char c = field[i++];
        switch (c) {
            case 'b': out += '\b'; break;
            case 'f': out += '\f'; break;
            case 'n': out += '\n'; break;
            case 'r': out += '\r'; break;
            case 't': out += '\t'; break;
            case 'v': out += '\v'; break;
            case 'x':
                if (i < field.size() && hex(field[i]) >= 0) {
                    int value = hex(field[i++]);
                    if (i < field.size() && hex(field[i]) >= 0)
                        value = value * 16 + hex(field[i++]);
                    out += static_cast<char>(value);
                } else {
                    out += 'x';
                }
                break;
            default:
                if (octal(c)) {
                    int value = c - '0';
                    for (int k = 0; k < 2 && i < field.size() && octal(field[i]); ++k)
                        value = value * 8 + (field[i++] - '0');
                    out += static_cast<char>(value & 0xff);
                } else {
                    out += c;
                }
        }
    }
}

// One row of COPY's text format into the batch: fields separated by tabs (a tab in a value is
// written \t, so every tab separates), \N for NULL.
void decode_copy_row(std::string_view row, std::size_t columns, BatchWriter& out, std::string& scratch) {
    std::size_t at = 0;
    for (std::size_t c = 0; c < columns; ++c) {
        std::size_t end = row.find('\t', at);
        if (end == std::string_view::npos) end = row.size();
        if (c + 1 < columns && end == row.size())
            throw DatabaseError("COPY returned a row of fewer than " + std::to_string(columns) +
                                " fields");
        const std::string_view field = row.substr(at, end - at);
        if (field == "\\N")
            out.set(c, nullptr, 0);
        else if (field.find('\\') == std::string_view::npos)
            out.set(c, field.data(), field.size());
        else {
            unescape_copy_field(field, scratch);
            out.set(c, scratch.data(), scratch.size());
        }
        at = end + 1;
    }
    // After the last field, `at` is one past the end of the row unless a tab followed it.
    if (columns > 0 ? at != row.size() + 1 : !row.empty())
        throw DatabaseError("COPY returned a row of more than " + std::to_string(columns) +
                            " fields");
}

// COPY streams the rows as the server produces them, one message per row, without a cursor's
// round trip per batch and without a transaction; the values are the same text as a SELECT's.
void stream_postgresql(soci::session& sql, const std::string& query, std::size_t columns,
                       std::size_t batch_rows, const std::function<void(TextBatch&)>& fn) {
    PGconn* conn = static_cast<soci::postgresql_session_backend*>(sql.get_backend())->conn_;
    // COPY takes one statement in parentheses: no trailing semicolon, and the closing
    // parenthesis on a line of its own so that a trailing -- comment does not swallow it.
    CopyOut copy(conn, "COPY (" + strip_query(query) + "\n) TO STDOUT");
    if (copy.columns() != columns) throw DatabaseError(column_count_error(copy.columns(), columns));
    BatchWriter out(columns, batch_rows, fn);
    std::string_view row;
    std::string scratch;  // a field with escapes, undone
    while (copy.next(row)) {
        decode_copy_row(row, columns, out, scratch);
        out.end_row();
    }
    out.flush();
}

void stream_mysql(soci::session& sql, const std::string& query, std::size_t columns,
                  std::size_t batch_rows, const std::function<void(TextBatch&)>& fn) {
    MYSQL* conn = static_cast<soci::mysql_session_backend*>(sql.get_backend())->conn_;
    if (mysql_real_query(conn, query.data(), query.size()) != 0)
        throw DatabaseError(mysql_error(conn));
    MYSQL_RES* result = mysql_use_result(conn);
    if (!result) throw DatabaseError(mysql_error(conn));
    struct Free {
        MYSQL_RES* r;
        ~Free() { mysql_free_result(r); }
    } release{result};
    if (mysql_num_fields(result) != columns)
        throw DatabaseError(column_count_error(mysql_num_fields(result), columns));
    BatchWriter out(columns, batch_rows, fn);
    while (MYSQL_ROW row = mysql_fetch_row(result)) {
        const unsigned long* lengths = mysql_fetch_lengths(result);
        for (std::size_t c = 0; c < columns; ++c) out.set(c, row[c], row[c] ? lengths[c] : 0);
        out.end_row();
    }
    if (mysql_errno(conn) != 0) throw DatabaseError(mysql_error(conn));
    out.flush();
}

void bound_postgresql(soci::session& sql, const std::string& query,
                      const std::vector<std::string>& params, std::size_t columns,
                      std::size_t batch_rows, const std::function<void(TextBatch&)>& fn) {
    PGconn* conn = static_cast<soci::postgresql_session_backend*>(sql.get_backend())->conn_;
    std::vector<const char*> values;
    for (const std::string& p : params) values.push_back(p.c_str());
    // No parameter types: each takes the type its context gives it, as a quoted literal would
    // (an integer customer id column compares with an integer). Text results, as SOCI reads them.
    std::unique_ptr<PGresult, decltype(&PQclear)> result(
        PQexecParams(conn, query.c_str(), static_cast<int>(values.size()), nullptr, values.data(),
                     nullptr, nullptr, 0),
        &PQclear);
    if (!result) throw DatabaseError(PQerrorMessage(conn));
    if (PQresultStatus(result.get()) != PGRES_TUPLES_OK)
        throw DatabaseError(PQresultErrorMessage(result.get()));
    if (static_cast<std::size_t>(PQnfields(result.get())) != columns)
        throw DatabaseError(column_count_error(static_cast<std::size_t>(PQnfields(result.get())), columns));
    BatchWriter out(columns, batch_rows, fn);
    const int rows = PQntuples(result.get());
    for (int r = 0; r < rows; ++r) {
        for (std::size_t c = 0; c < columns; ++c) {
            const int col = static_cast<int>(c);
            if (PQgetisnull(result.get(), r, col))
                out.set(c, nullptr, 0);
            else
                out.set(c, PQgetvalue(result.get(), r, col),
                        static_cast<std::size_t>(PQgetlength(result.get(), r, col)));
        }
        out.end_row();
    }
    out.flush();
}

void bound_mysql(soci::session& sql, const std::string& query,
                 const std::vector<std::string>& params, std::size_t columns,
                 std::size_t batch_rows, const std::function<void(TextBatch&)>& fn) {
    MYSQL* conn = static_cast<soci::mysql_session_backend*>(sql.get_backend())->conn_;
    std::unique_ptr<MYSQL_STMT, decltype(&mysql_stmt_close)> stmt(mysql_stmt_init(conn),
                                                                  &mysql_stmt_close);
    if (!stmt) throw DatabaseError(mysql_error(conn));
    auto fail = [&]() -> DatabaseError { return DatabaseError(mysql_stmt_error(stmt.get())); };
    if (mysql_stmt_prepare(stmt.get(), query.data(), query.size()) != 0) throw fail();
    if (mysql_stmt_param_count(stmt.get()) != params.size())
        throw DatabaseError("the query has " + std::to_string(mysql_stmt_param_count(stmt.get())) +
                            " placeholders, expected " + std::to_string(params.size()));
    std::vector<MYSQL_BIND> in(params.size());
    std::vector<unsigned long> in_length(params.size());
    for (std::size_t i = 0; i < params.size(); ++i) {
        in_length[i] = static_cast<unsigned long>(params[i].size());
        in[i] = MYSQL_BIND{};
        in[i].buffer_type = MYSQL_TYPE_STRING;
        in[i].buffer = const_cast<char*>(params[i].data());
        in[i].buffer_length = in_length[i];
        in[i].length = &in_length[i];
    }
    if (!params.empty() && mysql_stmt_bind_param(stmt.get(), in.data()) != 0) throw fail();
    if (mysql_stmt_execute(stmt.get()) != 0) throw fail();
    if (mysql_stmt_field_count(stmt.get()) != columns)
        throw DatabaseError(column_count_error(mysql_stmt_field_count(stmt.get()), columns));
    // Every value as text, converted by the client library from the binary protocol as the
    // server writes it in the text protocol the full run reads (checked for integers, DECIMAL,
    // DOUBLE, DATE, DATETIME and DATETIME(3) by tests/integration/hooks_test.cpp); a value
    // longer than its buffer is fetched again whole.
    constexpr unsigned long kBuffer = 256;
    std::vector<std::string> buffers(columns, std::string(kBuffer, '\0'));
    std::vector<unsigned long> length(columns);
    std::vector<my_bool> is_null(columns), error(columns);
    std::vector<MYSQL_BIND> out_bind(columns);
    for (std::size_t c = 0; c < columns; ++c) {
        out_bind[c] = MYSQL_BIND{};
        out_bind[c].buffer_type = MYSQL_TYPE_STRING;
        out_bind[c].buffer = buffers[c].data();
        out_bind[c].buffer_length = kBuffer;
        out_bind[c].length = &length[c];
        out_bind[c].is_null = &is_null[c];
        out_bind[c].error = &error[c];
    }
    if (columns > 0 && mysql_stmt_bind_result(stmt.get(), out_bind.data()) != 0) throw fail();
    BatchWriter out(columns, batch_rows, fn);
    std::string whole;
    while (true) {
        const int rc = mysql_stmt_fetch(stmt.get());
        if (rc == MYSQL_NO_DATA) break;
        if (rc != 0 && rc != MYSQL_DATA_TRUNCATED) throw fail();
        for (std::size_t c = 0; c < columns; ++c) {
            if (is_null[c]) {
                out.set(c, nullptr, 0);
            } else if (length[c] > kBuffer) {
                whole.assign(length[c], '\0');
                MYSQL_BIND again = out_bind[c];
                again.buffer = whole.data();
                again.buffer_length = length[c];
                if (mysql_stmt_fetch_column(stmt.get(), &again, static_cast<unsigned int>(c), 0) != 0)
                    throw fail();
                out.set(c, whole.data(), whole.size());
            } else {
                out.set(c, buffers[c].data(), length[c]);
            }
        }
        out.end_row();
    }
    out.flush();
}

}  // namespace

void query_bound(soci::session& sql, const std::string& query,
                 const std::vector<std::string>& params, std::size_t columns,
                 std::size_t batch_rows, const std::function<void(TextBatch&)>& fn,
                 PreparedReads* prepared) {
    switch (dialect_of_backend(sql.get_backend_name())) {
        case Dialect::SQLite:
            return read_sqlite(sql, query, params, columns, batch_rows, fn, Cells::Text,
                               prepared ? &prepared->impl() : nullptr);
        case Dialect::PostgreSQL:
            return bound_postgresql(sql, query, params, columns, batch_rows, fn);
        case Dialect::MySQL: return bound_mysql(sql, query, params, columns, batch_rows, fn);
    }
}

std::size_t number_text(TextBatch::Cell cell, std::int64_t number, char (&out)[kNumberText]) {
    if (cell == TextBatch::Cell::Integer)
        return static_cast<std::size_t>(std::to_chars(out, out + kNumberText, number).ptr - out);
    const auto v = std::bit_cast<double>(number);
    if (const std::size_t size = sqlite_real_text(v, out, kNumberText)) return size;
    // Any other REAL through SQLite's own printf, with the format its text of a REAL uses (the
    // test against CAST(… AS TEXT) holds both ways to it).
    sqlite_api::sqlite3_snprintf(static_cast<int>(kNumberText), out, "%!.15g", v);
    return std::strlen(out);
}

std::optional<std::string_view> TextBatch::text(std::size_t column, std::size_t row,
                                                char (&scratch)[kNumberText]) const {
    if (is_null(column, row)) return std::nullopt;
    if (!is_number(column, row)) return value(column, row);
    return std::string_view(scratch, number_text(cells[column][row], numbers[column][row], scratch));
}

bool reads_on_own_connection(soci::session& sql, Dialect dialect) {
    if (dialect != Dialect::SQLite) return false;
    return reading_connection(static_cast<soci::sqlite3_session_backend*>(sql.get_backend())->conn_) != nullptr;
}

bool reads_folded(soci::session& sql, Dialect dialect, const std::string& query, std::size_t columns) {
    if (dialect != Dialect::SQLite) return false;
    const SqliteConnection own =
        reading_connection(static_cast<soci::sqlite3_session_backend*>(sql.get_backend())->conn_);
    if (!own) return false;
    sqlite_api::sqlite3_stmt* prepared = nullptr;
    const int rc = sqlite_api::sqlite3_prepare_v3(own.get(), query.c_str(), static_cast<int>(query.size() + 1), 0,
                                                  &prepared, nullptr);
    const SqliteStatement statement(prepared);
    if (rc != SQLITE_OK || !prepared ||
        static_cast<std::size_t>(sqlite_api::sqlite3_column_count(prepared)) != columns)
        return false;
    return static_cast<bool>(FoldedRead(own.get(), prepared, columns));
}

void stream_query(soci::session& sql, Dialect dialect, const std::string& query,
                  std::size_t columns, std::size_t batch_rows,
                  const std::function<void(TextBatch&)>& fn, Cells cells) {
    switch (dialect) {
        case Dialect::SQLite: return read_sqlite(sql, query, {}, columns, batch_rows, fn, cells);
        case Dialect::PostgreSQL: return stream_postgresql(sql, query, columns, batch_rows, fn);
        case Dialect::MySQL: return stream_mysql(sql, query, columns, batch_rows, fn);
    }
}

}  // namespace custclass::adapters
