// Writes many rows into one table in the way each backend takes them fastest, on the connection
// of a SOCI session and inside the caller's transaction: SQLite through a multi-row INSERT
// prepared once and run for each batch of a few hundred rows with the values bound as parameters
// (sqlite3_prepare_v3, sqlite3_bind_text64, sqlite3_step, sqlite3_reset); PostgreSQL through
// COPY … FROM STDIN in text format (libpq, PQputCopyData in large chunks); MySQL/MariaDB through
// multi-row INSERT statements of literal values. Used by the result store for the assignments of
// a run (millions of rows) and its referral rewards: no round trip per row, and on SQLite and
// PostgreSQL no SQL text per value.
#pragma once

#include <cstddef>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "source.h"

namespace soci {
class session;
}

namespace custclass::adapters {

// A bulk insert failed; the message names the table and gives the database's own message.
class BulkInsertError : public DatabaseError {
public:
    using DatabaseError::DatabaseError;
};

// One table's rows written in bulk. Open it for a table and its columns, add rows, finish it.
// Everything it writes is part of the transaction open on the session (it neither begins nor
// commits one), so a failure, here or later in that transaction, leaves nothing once the caller
// rolls back. While it is open the session must not run other statements (on PostgreSQL the
// connection is in COPY mode). Destroyed unfinished (an exception in the caller), it abandons the
// rows not yet sent and leaves the connection usable for the rollback.
class BulkInsert {
public:
    // A column that holds the same whole number in every row (a run's number): written once, as
    // a literal of the statement where the rows' values are parameters (SQLite) or literals
    // (MySQL), and into each row's text for PostgreSQL's COPY, instead of passed with each row.
    // On SQLite a number bound as text into an integer column is converted row by row; a
    // million rows then take about 10% longer to insert.
    struct FixedInteger {
        std::string column;
        long long value = 0;
    };

    // `table` and `columns` are SQL identifiers written into the statement as they are (names
    // from the code, never from data); `fixed`, when given, is a column before them. Throws
    // BulkInsertError when the database refuses the statement (no such table, say).
    BulkInsert(soci::session& sql, std::string table, std::vector<std::string> columns,
               std::optional<FixedInteger> fixed = std::nullopt);
    ~BulkInsert();
    BulkInsert(const BulkInsert&) = delete;
    BulkInsert& operator=(const BulkInsert&) = delete;

    // One row: a value per column, in the order of the columns (the fixed one not among them);
    // nullopt is SQL NULL. The values are copied before it returns. Rows are sent in batches, so
    // a row the database refuses (a broken constraint, say) makes the add_row() that sends its
    // batch, or finish(), throw BulkInsertError; the insert is then of no further use, and the
    // caller rolls its transaction back. Throws std::invalid_argument when the number of values
    // is not the number of columns.
    void add_row(std::initializer_list<std::optional<std::string_view>> values);

    // Sends what is left and checks that the database took every row; throws BulkInsertError
    // otherwise. Nothing may be added after it.
    void finish();

    // The backend's way of writing (bulk_insert.cpp).
    class Writer;

private:
    std::string table_;
    std::size_t columns_;
    std::unique_ptr<Writer> writer_;
    bool finished_ = false;
};

}  // namespace custclass::adapters
