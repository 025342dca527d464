// Reads the result of a query as text values in batches, never holding the whole result in
// memory, in the way each backend allows, on SOCI's connection but below SOCI (whose bulk fetch
// copies every value twice): SQLite through its C API (sqlite3_step, sqlite3_column_value; a
// whole-table read of a database file on a read-only connection of its own, row_stream.cpp);
// PostgreSQL through libpq's COPY (query) TO STDOUT, decoded from COPY's text format (SOCI's
// PostgreSQL backend would hold the whole result set, and its single-row mode is broken; COPY
// streams without a cursor's round trip per batch); MySQL/MariaDB through the client library's
// streaming mode (mysql_use_result). A batch's buffers are reused from batch to batch, so a
// value costs one copy into memory that is already there.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sql_dialect.h"

namespace soci {
class session;
}

namespace custclass::adapters {

// The longest text number_text writes.
inline constexpr std::size_t kNumberText = 40;

// The rows of a batch, column by column: a column's values back to back in one buffer, each
// ending where `ends` says, so that writing a value is one copy into memory the batch already
// has (no string object per value). Read with Cells::Numbers, a whole number or a REAL arrives as
// the number (`numbers`, no text in `bytes`): its text is written only where it is needed
// (text(), RowView::value), on the thread that takes the batch.
struct TextBatch {
    enum class Cell : std::uint8_t { Text, Null, Integer, Real };
    std::size_t rows = 0;
    std::vector<std::string> bytes;                  // [column]: the values back to back, then unused bytes
    std::vector<std::vector<std::size_t>> ends;      // [column][row]: where the value ends in bytes
    std::vector<std::vector<Cell>> cells;            // [column][row]: what the value is
    std::vector<std::vector<std::int64_t>> numbers;  // [column][row]: an Integer's value, a Real's bits

    std::size_t columns() const { return bytes.size(); }
    bool is_null(std::size_t column, std::size_t row) const { return cells[column][row] == Cell::Null; }
    bool is_number(std::size_t column, std::size_t row) const {
        return cells[column][row] == Cell::Integer || cells[column][row] == Cell::Real;
    }
    // The value of a Text cell (empty for NULL; not for a number: text()).
    std::string_view value(std::size_t column, std::size_t row) const {
        const std::size_t begin = row == 0 ? 0 : ends[column][row - 1];
        return std::string_view(bytes[column]).substr(begin, ends[column][row] - begin);
    }
    // Any cell's text (nullopt: NULL), a number's written into `scratch`.
    std::optional<std::string_view> text(std::size_t column, std::size_t row, char (&scratch)[kNumberText]) const;
};

// The text of a number a batch holds as one (`cell` Integer or Real, `number` as
// TextBatch::numbers holds it), the text Cells::Text would have read: a whole number in decimal,
// a REAL as SQLite writes it ("%!.15g"). Into `out`; its length.
std::size_t number_text(TextBatch::Cell cell, std::int64_t number, char (&out)[kNumberText]);

// How a reader hands a value: as the text the database writes for it (every reader), or, on
// SQLite, a whole number or a REAL as the number, its text written later where it is needed
// (the reading thread, the busier one in a run, then only copies the number).
enum class Cells { Text, Numbers };

// Runs `query` (returning `columns` columns) and calls `fn` with consecutive batches of at most
// `batch_rows` rows. Throws DatabaseError with the database's message on failure, and when the
// query returns another number of columns. A value is the text the database writes for it: on
// SQLite, sqlite3_column_text's (a REAL with 15 significant digits, "%!.15g", as CAST(… AS TEXT)
// gives it), whatever the column's declared type. An exception from `fn` stops the read and
// propagates; the connection stays usable (a PostgreSQL COPY is cancelled). `fn` may keep the
// batch by swapping it with another TextBatch (one it was handed before, or an empty one): the
// reader then fills that one (read_ahead.h hands batches to another thread this way).
void stream_query(soci::session& sql, Dialect dialect, const std::string& query,
                  std::size_t columns, std::size_t batch_rows,
                  const std::function<void(TextBatch&)>& fn, Cells cells = Cells::Text);

// Whether stream_query reads with Cells::Numbers on a connection of their own, opened for the
// read, rather than on the session's: on SQLite, when the database is a file and nothing the
// session holds (a temporary table, an attached database) could be named by the query. Two
// such reads can run at once on two threads, each its own connection.
bool reads_on_own_connection(soci::session& sql, Dialect dialect);

// Whether stream_query reads `query` (returning `columns` columns) with Cells::Numbers as one
// aggregate over its rows, every row's values the arguments of one call of a function of the
// reader's, rather than by stepping through the rows: on SQLite, on a connection of its own
// (reads_on_own_connection), when the query can be wrapped so (a SELECT or VALUES with at most
// as many columns as a function takes). The rows and values are the same either way.
bool reads_folded(soci::session& sql, Dialect dialect, const std::string& query, std::size_t columns);

// Runs `query` with `params` bound as text to its placeholders, written in the database's own
// syntax (:p0, :p1, … on SQLite; $1, $2, … on PostgreSQL; ? on MySQL), and calls `fn` with
// consecutive batches. For the small, parameterised reads of the hooks; throws DatabaseError on
// failure, also when the query has another number of placeholders. The database itself parses
// `query` and binds the values: SQLite through its C API (sqlite3_prepare_v3, sqlite3_bind_text
// by name), PostgreSQL through libpq (PQexecParams: untyped parameters, text results), MySQL
// through a server-side prepared statement (mysql_stmt_*). SOCI's PostgreSQL and MySQL backends
// are not used for it: they look for `:name` placeholders in the text themselves with a scanner
// that knows no comments (an apostrophe or a colon in a comment of a mapped query hid or added
// placeholders), and the MySQL one writes the values into the SQL text instead of binding them.
// `prepared`, on SQLite: the statement is kept there, by its text, and used again by the next
// call with the same text (a hook reads the same few queries for every customer; preparing them
// was 8% of a hook on the 1M benchmark).
class PreparedReads;
void query_bound(soci::session& sql, const std::string& query,
                 const std::vector<std::string>& params, std::size_t columns,
                 std::size_t batch_rows, const std::function<void(TextBatch&)>& fn,
                 PreparedReads* prepared = nullptr);

// SQLite statements of query_bound kept prepared, by their text, on one connection. Destroy it
// before that connection is closed; not for two threads at once. A kept statement is reset
// after each read, so that it holds no read transaction open between reads.
class PreparedReads {
public:
    PreparedReads();
    ~PreparedReads();
    PreparedReads(const PreparedReads&) = delete;
    PreparedReads& operator=(const PreparedReads&) = delete;
    std::size_t size() const;  // statements kept

    struct Impl;
    Impl& impl() { return *impl_; }

private:
    std::unique_ptr<Impl> impl_;
};

}  // namespace custclass::adapters
