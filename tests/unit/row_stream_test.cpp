// The SQLite reader of row_stream (stream_query and query_bound): batches, NULLs, values as the
// text SQLite holds, errors. PostgreSQL's and MySQL's readers are exercised by
// tests/integration/cross_backend_test.cpp.
#include "row_stream.h"

#include <gtest/gtest.h>

#include <soci/soci.h>

#include <bit>
#include <cstdint>
#include <optional>
#include <stdexcept>

#include "soci_connection.h"
#include "test_database.h"
#include "source.h"
#include "value_parsing.h"

namespace custclass::adapters {
namespace {

using Row = std::vector<std::optional<std::string>>;  // nullopt: SQL NULL

struct Read {
    std::vector<std::size_t> batch_sizes;
    std::vector<Row> rows;
};

// Collects the batches' values as text (a number of a batch read with Cells::Numbers through
// TextBatch::text).
std::function<void(TextBatch&)> collect_into(Read& out) {
    return [&out](TextBatch& batch) {
        out.batch_sizes.push_back(batch.rows);
        char scratch[kNumberText];
        for (std::size_t r = 0; r < batch.rows; ++r) {
            Row row;
            for (std::size_t c = 0; c < batch.columns(); ++c) {
                const auto text = batch.text(c, r, scratch);
                row.push_back(text ? std::optional<std::string>(*text) : std::nullopt);
            }
            out.rows.push_back(std::move(row));
        }
    };
}

// Each test runs on a database in memory and on a file. On the file a read with Cells::Numbers
// has a connection of its own and reads the rows as one aggregate over them (reads_folded): there
// every read is made both ways, folded and stepped (Cells::Text, on the shared connection), and
// both must give the same batches and values; the folded one first, so that a test of an error
// sees the folded read's.
class RowStream : public ::testing::TestWithParam<bool> {
protected:
    Read stream(const std::string& query, std::size_t columns, std::size_t batch_rows = 100,
                Cells cells = Cells::Text) {
        if (!on_file_) {
            Read out;
            stream_query(*sql_, Dialect::SQLite, query, columns, batch_rows, collect_into(out), cells);
            return out;
        }
        Read folded;
        stream_query(*sql_, Dialect::SQLite, query, columns, batch_rows, collect_into(folded), Cells::Numbers);
        Read stepped;
        stream_query(*sql_, Dialect::SQLite, query, columns, batch_rows, collect_into(stepped), Cells::Text);
        EXPECT_EQ(folded.rows, stepped.rows) << query;
        EXPECT_EQ(folded.batch_sizes, stepped.batch_sizes) << query;
        EXPECT_TRUE(reads_folded(*sql_, Dialect::SQLite, query, columns)) << query;
        return cells == Cells::Numbers ? folded : stepped;
    }
    Read bound(const std::string& query, const std::vector<std::string>& params,
               std::size_t columns, std::size_t batch_rows = 100) {
        Read out;
        query_bound(*sql_, query, params, columns, batch_rows, collect_into(out));
        return out;
    }
    // The message of the DatabaseError that `read` throws.
    template <typename F>
    std::string error_of(F read) {
        try {
            read();
        } catch (const DatabaseError& e) {
            return e.what();
        }
        ADD_FAILURE() << "no DatabaseError";
        return {};
    }
    void exec(const std::string& statement) { *sql_ << statement; }

    const bool on_file_ = GetParam();
    custclass::test::TestDatabase dir_;  // for its temporary directory: a file of no tables
    std::unique_ptr<soci::session> sql_ = connect(
        {on_file_ ? "sqlite3://db=" + (dir_.dir() / "rows.sqlite").string() : "sqlite3://db=:memory:", ""});
};

INSTANTIATE_TEST_SUITE_P(InMemoryAndOnAFile, RowStream, ::testing::Values(false, true),
                         [](const ::testing::TestParamInfo<bool>& info) {
                             return info.param ? "OnAFile" : "InMemory";
                         });

const std::string kNumbers2500 =
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2500) "
    "SELECT i, 'row ' || i FROM n";

TEST_P(RowStream, DeliversFullBatchesThenTheRest) {
    const Read read = stream(kNumbers2500, 2, 1000);
    EXPECT_EQ(read.batch_sizes, (std::vector<std::size_t>{1000, 1000, 500}));
    ASSERT_EQ(read.rows.size(), 2500u);
    EXPECT_EQ(read.rows.front(), (Row{"1", "row 1"}));
    EXPECT_EQ(read.rows[999], (Row{"1000", "row 1000"}));
    EXPECT_EQ(read.rows[1000], (Row{"1001", "row 1001"}));
    EXPECT_EQ(read.rows.back(), (Row{"2500", "row 2500"}));
}

TEST_P(RowStream, AnExactMultipleOfTheBatchEndsWithAFullBatch) {
    EXPECT_EQ(stream(kNumbers2500, 2, 500).batch_sizes, (std::vector<std::size_t>(5, 500)));
}

TEST_P(RowStream, AnEmptyResultDeliversNoBatch) {
    EXPECT_TRUE(stream("SELECT 1, 2 WHERE 0", 2).batch_sizes.empty());
}

TEST_P(RowStream, NullIsFlaggedAndEmptyTextIsAValue) {
    exec("CREATE TABLE t(k INTEGER, a TEXT, b REAL)");
    exec("INSERT INTO t VALUES (1, NULL, NULL), (2, '', 1.5), (3, 'x', NULL)");
    const Read read = stream("SELECT k, a, b FROM t ORDER BY k", 3);
    ASSERT_EQ(read.rows.size(), 3u);
    EXPECT_EQ(read.rows[0], (Row{"1", std::nullopt, std::nullopt}));
    EXPECT_EQ(read.rows[1], (Row{"2", "", "1.5"}));
    EXPECT_EQ(read.rows[2], (Row{"3", "x", std::nullopt}));
}

TEST_P(RowStream, AValueShorterThanTheOneBeforeItInItsSlotReplacesItWhole) {
    // Batches of one row reuse the same buffers: a long value, then a short one, then NULL, then
    // an empty one.
    const Read read = stream(
        "SELECT v FROM (SELECT 1 AS k, 'a long value of forty characters or so..' AS v "
        "UNION ALL SELECT 2, 'ab' UNION ALL SELECT 3, NULL UNION ALL SELECT 4, '') ORDER BY k",
        1, 1);
    EXPECT_EQ(read.batch_sizes, (std::vector<std::size_t>{1, 1, 1, 1}));
    ASSERT_EQ(read.rows.size(), 4u);
    EXPECT_EQ(read.rows[1], (Row{"ab"}));
    EXPECT_EQ(read.rows[2], (Row{std::nullopt}));
    EXPECT_EQ(read.rows[3], (Row{""}));
}

// A column's values lie back to back in one buffer that grows while a batch is written: values
// far longer than those before them, in the middle of a batch and in a later batch that reuses
// the buffer, arrive byte for byte, and so do the values written before the buffer grew.
TEST_P(RowStream, ValuesArriveWholeWhileTheBatchBufferGrows) {
    exec("CREATE TABLE t(k INTEGER PRIMARY KEY, v TEXT, w TEXT)");
    exec("INSERT INTO t(v, w) VALUES ('a', 'b'), (hex(randomblob(50000)), 'c'), ('dd', NULL),"
         " (hex(randomblob(3)), hex(randomblob(300000))), ('', 'e'), ('f', hex(randomblob(20)))");
    const Read expected = stream("SELECT v || '', w || '' FROM t ORDER BY k", 2, 1);
    const Read read = stream("SELECT v, w FROM t ORDER BY k", 2, 4);
    EXPECT_EQ(read.batch_sizes, (std::vector<std::size_t>{4, 2}));
    ASSERT_EQ(read.rows.size(), 6u);
    EXPECT_EQ(read.rows, expected.rows);
    EXPECT_EQ(read.rows[1][0]->size(), 100000u);
    EXPECT_EQ(read.rows[3][1]->size(), 600000u);
    EXPECT_EQ(read.rows[2], (Row{"dd", std::nullopt}));
    EXPECT_EQ(read.rows[4], (Row{"", "e"}));
}

// The source selects the mapped columns as they are: the values are SQLite's own text of what
// it holds, the text CAST(column AS TEXT) gives and the SOCI bulk fetch delivered before the
// reader went to the C API. The reader writes integers itself and takes every other value's
// text from SQLite. A REAL becomes text with 15 significant digits and at least one decimal
// ("%!.15g"); these strings are the ones the SOCI reader produced.
TEST_P(RowStream, ValuesArriveAsSqlitesTextOfThem) {
    exec("CREATE TABLE t(k INTEGER, i INTEGER, r REAL, n NUMERIC, s TEXT)");
    exec(
        "INSERT INTO t VALUES"
        " (1, 42, 12.5, '12.50', 'a'),"
        " (2, -7, 0.1, '12,50', ''),"
        " (3, 9223372036854775807, -3.25, 7, 'b'),"
        " (4, 0, 1.0, 1.5, 'c'),"
        " (5, 1, 123456789.123, 0.1, 'd'),"
        " (6, 2, 1e-5, 3, 'e'),"
        " (7, 3, 1234567890123456789.0, 4, 'f'),"
        " (8, 4, 0.30000000000000004, 5, 'g'),"
        " (9, -9223372036854775808, 1e20, -0.0, 'h')");
    const Read read = stream("SELECT i, r, n, s FROM t ORDER BY k", 4);
    const Read cast = stream(
        "SELECT CAST(i AS TEXT), CAST(r AS TEXT), CAST(n AS TEXT), CAST(s AS TEXT) FROM t "
        "ORDER BY k",
        4);
    EXPECT_EQ(read.rows, cast.rows);
    const std::vector<Row> expected = {
        {"42", "12.5", "12.5", "a"},
        {"-7", "0.1", "12,50", ""},
        {"9223372036854775807", "-3.25", "7", "b"},
        {"0", "1.0", "1.5", "c"},
        {"1", "123456789.123", "0.1", "d"},
        {"2", "1.0e-05", "3", "e"},
        {"3", "1.23456789012346e+18", "4", "f"},
        {"4", "0.3", "5", "g"},
        {"-9223372036854775808", "1.0e+20", "0", "h"},
    };
    EXPECT_EQ(read.rows, expected);
    // Read as numbers, their text written afterwards: the same text.
    EXPECT_EQ(stream("SELECT i, r, n, s FROM t ORDER BY k", 4, 4, Cells::Numbers).rows, expected);
}

// Read with Cells::Numbers, a whole number or a REAL arrives as its value, its text written by
// TextBatch::text; text and NULLs arrive as they are.
TEST_P(RowStream, NumbersArriveAsNumbersAndTheirTextAfterwards) {
    exec("CREATE TABLE t(k INTEGER, i, s TEXT)");
    exec("INSERT INTO t VALUES (1, 42, 'a'), (2, NULL, NULL), (3, -9223372036854775808, ''),"
         " (4, 2.5, 'long text beyond sixteen bytes'), (5, '17', 'x'), (6, 0, 'y')");
    std::vector<std::vector<std::optional<std::int64_t>>> integers;
    std::vector<Row> rows;
    auto integer = [](const TextBatch& batch, std::size_t c, std::size_t r) -> std::optional<std::int64_t> {
        if (batch.cells[c][r] != TextBatch::Cell::Integer) return std::nullopt;
        return batch.numbers[c][r];
    };
    stream_query(*sql_, Dialect::SQLite, "SELECT i, s, k FROM t ORDER BY k", 3, 4,
                 [&](TextBatch& batch) {
                     char scratch[kNumberText];
                     for (std::size_t r = 0; r < batch.rows; ++r) {
                         integers.push_back({integer(batch, 0, r), integer(batch, 1, r)});
                         EXPECT_FALSE(batch.is_number(1, r));  // text only
                         EXPECT_EQ(integer(batch, 2, r), static_cast<std::int64_t>(rows.size() + 1));
                         if (rows.size() == 3) {
                             EXPECT_EQ(batch.cells[0][r], TextBatch::Cell::Real);
                             EXPECT_EQ(std::bit_cast<double>(batch.numbers[0][r]), 2.5);
                         }
                         Row row;
                         for (std::size_t c = 0; c < 3; ++c) {
                             const auto text = batch.text(c, r, scratch);
                             row.push_back(text ? std::optional<std::string>(*text) : std::nullopt);
                         }
                         rows.push_back(std::move(row));
                     }
                 },
                 Cells::Numbers);
    const std::vector<std::vector<std::optional<std::int64_t>>> expected_integers = {
        {42, std::nullopt}, {std::nullopt, std::nullopt}, {INT64_MIN, std::nullopt},
        {std::nullopt, std::nullopt}, {std::nullopt, std::nullopt}, {0, std::nullopt}};
    EXPECT_EQ(integers, expected_integers);
    const std::vector<Row> expected = {{"42", "a", "1"},
                                       {std::nullopt, std::nullopt, "2"},
                                       {"-9223372036854775808", "", "3"},
                                       {"2.5", "long text beyond sixteen bytes", "4"},
                                       {"17", "x", "5"},
                                       {"0", "y", "6"}};
    EXPECT_EQ(rows, expected);
}

// The reader writes a REAL's text itself when SQLite would write its shortest decimal (amounts),
// and asks SQLite otherwise: either way the text is SQLite's own, over 300,000 values of every
// kind (cents up to a billion, values with 1 to 17 significant digits, both signs, from 1e-6 to
// 1e16, whole numbers, the edges of SQLite's notation at 1e-4 and 1e15).
TEST_P(RowStream, RealsWrittenByTheReaderAreSqlitesTextOfThem) {
    exec("CREATE TABLE t(k INTEGER PRIMARY KEY, r REAL)");
    exec(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 50000) "
        "INSERT INTO t(r) SELECT (abs(random()) % 100000000000) / 100.0 FROM n "
        "UNION ALL SELECT -(abs(random()) % 1000000) / 100.0 FROM n "
        "UNION ALL SELECT random() / 1e6 FROM n "
        "UNION ALL SELECT (abs(random()) % 1000000) * 1e-9 FROM n "
        "UNION ALL SELECT (random() % 100000) * 1.0 FROM n "
        "UNION ALL SELECT CAST(abs(random()) % 1000 AS REAL) / ((i % 97) + 3) FROM n");
    exec(
        "INSERT INTO t(r) VALUES (0.0001), (0.00009999999999999999), (-0.0001), (1e-4 * 3),"
        " (999999999999999.0), (1e15), (99999999999999.9), (100000000000000.0), (0.1), (0.3),"
        " (0.1 + 0.2), (2.675), (1.005), (-0.0), (0.0), (123456789012345.0), (1234567890123456.0)");
    const Read cast = stream("SELECT CAST(r AS TEXT) FROM t ORDER BY k", 1);
    // As the reader writes them, and as TextBatch::text writes them on the thread that takes the
    // batch (Cells::Numbers).
    for (const Cells cells : {Cells::Text, Cells::Numbers}) {
        const Read read = stream("SELECT r FROM t ORDER BY k", 1, 100, cells);
        ASSERT_EQ(read.rows.size(), 300017u);
        std::size_t differing = 0;
        for (std::size_t i = 0; i < read.rows.size(); ++i)
            if (read.rows[i] != cast.rows[i] && differing++ < 10)
                ADD_FAILURE() << "row " << i + 1 << ": " << read.rows[i][0].value_or("NULL")
                              << " against SQLite's " << cast.rows[i][0].value_or("NULL");
        EXPECT_EQ(differing, 0u) << (cells == Cells::Text ? "text" : "numbers");
    }
}

TEST_P(RowStream, ExpressionsWithoutADeclaredTypeArriveAsSqlitesText) {
    const Read read = stream("SELECT 12.5, 42, 0.1, 'a', 1e20, -0.5, 2.0", 7);
    ASSERT_EQ(read.rows.size(), 1u);
    EXPECT_EQ(read.rows[0], (Row{"12.5", "42", "0.1", "a", "1.0e+20", "-0.5", "2.0"}));
}

// SOCI converted a column of a declared type by that type (a REAL 0.1 arrived as
// 0.10000000000000000555, a NUMERIC '12,50' as 12, an INTEGER beyond 32 bits wrapped), which is
// why the source casts to TEXT. The C API reader hands every column as SQLite's text of it.
TEST_P(RowStream, DeclaredColumnTypesDoNotAlterTheText) {
    exec("CREATE TABLE t(i INTEGER, r REAL, n NUMERIC)");
    exec("INSERT INTO t VALUES (9223372036854775807, 0.1, '12,50')");
    const Read read = stream("SELECT i, r, n FROM t", 3);
    ASSERT_EQ(read.rows.size(), 1u);
    EXPECT_EQ(read.rows[0], (Row{"9223372036854775807", "0.1", "12,50"}));
}

// Amounts stored as REAL reach the parsers as text they read with the value that was stored:
// 15 significant digits are the digits a person typed (2.675 is held as 2.67499999999999982…;
// its text "2.675" rounds to 268 cents as the typed amount does).
TEST_P(RowStream, RealAmountsParseToTheStoredValue) {
    exec("CREATE TABLE sale(k INTEGER, total REAL)");
    exec(
        "INSERT INTO sale VALUES (1, 12.5), (2, 0.1), (3, 2.675), (4, -19.99), (5, 1234567.89),"
        " (6, 100), (7, 1e-5), (8, 99999999999.99)");
    const Read read = stream("SELECT CAST(total AS TEXT) FROM sale ORDER BY k", 1);
    const std::vector<std::int64_t> cents = {1250,      10,    268, -1999,
                                             123456789, 10000, 0,   9999999999999};
    const std::vector<double> stored = {12.5,       0.1, 2.675, -19.99,
                                        1234567.89, 100, 1e-5,  99999999999.99};
    ASSERT_EQ(read.rows.size(), cents.size());
    for (std::size_t i = 0; i < cents.size(); ++i) {
        const std::string& text = *read.rows[i][0];
        EXPECT_EQ(parse_money(text, 2), cents[i]) << text;
        EXPECT_EQ(parse_number(text), stored[i]) << text;
    }
}

// A whole-table read (Cells::Numbers) of a database file runs on a read-only connection of its
// own, without the shared connection's mutex: it sees what is committed (not the shared
// connection's open transaction). A query naming what only the shared connection has (a
// temporary table, an attached database) is read there; errors are SQLite's either way.
TEST(RowStreamOnAFile, AWholeTableReadHasAConnectionOfItsOwnWhereItCan) {
    custclass::test::TestDatabase db;
    const auto sql = connect({"sqlite3://db=" + db.db_path(), ""});
    *sql << "CREATE TABLE t(k INTEGER, v REAL, s TEXT)";
    *sql << "INSERT INTO t VALUES (1, 2.5, 'a'), (2, 0.1, NULL), (3, 1e20, 'c')";
    auto read = [&](const std::string& query, Cells cells) {
        Read out;
        stream_query(*sql, Dialect::SQLite, query, 3, 2, collect_into(out), cells);
        return out.rows;
    };
    const std::vector<Row> committed = {{"1", "2.5", "a"}, {"2", "0.1", std::nullopt}, {"3", "1.0e+20", "c"}};
    EXPECT_EQ(read("SELECT k, v, s FROM t ORDER BY k", Cells::Numbers), committed);
    sql->begin();
    *sql << "INSERT INTO t VALUES (4, 4.0, 'd')";
    EXPECT_EQ(read("SELECT k, v, s FROM t ORDER BY k", Cells::Numbers), committed);
    EXPECT_EQ(read("SELECT k, v, s FROM t ORDER BY k", Cells::Text).size(), 4u);
    sql->rollback();

    *sql << "CREATE TEMP TABLE scratch(k INTEGER, v REAL, s TEXT)";
    *sql << "INSERT INTO scratch VALUES (7, 7.5, 'temp')";
    EXPECT_EQ(read("SELECT k, v, s FROM scratch", Cells::Numbers), (std::vector<Row>{{"7", "7.5", "temp"}}));
    *sql << "DROP TABLE scratch";
    // A temporary table of a main table's name hides it on the shared connection: read there.
    *sql << "CREATE TEMP TABLE t(k INTEGER, v REAL, s TEXT)";
    *sql << "INSERT INTO temp.t VALUES (9, 9.5, 'hiding')";
    EXPECT_EQ(read("SELECT k, v, s FROM t ORDER BY k", Cells::Numbers), (std::vector<Row>{{"9", "9.5", "hiding"}}));
    *sql << "DROP TABLE temp.t";
    *sql << "ATTACH DATABASE ':memory:' AS other";
    *sql << "CREATE TABLE other.o(k INTEGER, v REAL, s TEXT)";
    *sql << "INSERT INTO other.o VALUES (8, 8.25, 'attached')";
    EXPECT_EQ(read("SELECT k, v, s FROM o", Cells::Numbers), (std::vector<Row>{{"8", "8.25", "attached"}}));
    *sql << "DETACH DATABASE other";
    try {
        read("SELECT k, v, s FROM missing_table", Cells::Numbers);
        ADD_FAILURE() << "a query of a missing table read";
    } catch (const DatabaseError& e) {
        EXPECT_NE(std::string(e.what()).find("no such table: missing_table"), std::string::npos) << e.what();
    }
    EXPECT_EQ(read("SELECT k, v, s FROM t ORDER BY k", Cells::Numbers), committed);
}

// A whole-table read on a connection of its own reads the rows as one aggregate over them where
// the query can be wrapped so: a SELECT with its own WITH, an ORDER BY, a LIMIT, a join, columns
// of one name, VALUES, a semicolon, a comment or blanks after it. Where it cannot (a table of
// the name the wrapping takes, a comment left open at the end, too many columns), the rows are
// stepped through. Either way the batches are those of a stepped read on the shared connection,
// in its order. An exception from the batches' function, and SQLite's error while the rows are
// read, end a folded read as they end a stepped one, after the same batches.
TEST(RowStreamOnAFile, AWholeTableReadIsOneAggregateWhereTheQueryAllowsIt) {
    custclass::test::TestDatabase db;
    const auto sql = connect({"sqlite3://db=" + db.db_path(), ""});
    *sql << "CREATE TABLE t(k INTEGER PRIMARY KEY, i INTEGER, r REAL, n NUMERIC, s TEXT, b BLOB, x)";
    *sql << "INSERT INTO t VALUES (1, 42, 12.5, '12.50', 'a', x'00ff', 3),"
            " (2, NULL, 0.1, '12,50', '', NULL, 'text'), (3, -7, 1e20, 7, NULL, x'', 2.25),"
            " (4, 9223372036854775807, -0.0, 1.5, 'long text beyond sixteen bytes', 'blob as text', NULL),"
            " (5, -9223372036854775808, 100, '0x10', '陳大文', x'41', x'42')";
    *sql << "CREATE TABLE u(k INTEGER, name TEXT)";
    *sql << "INSERT INTO u VALUES (1, 'one'), (3, 'three')";
    struct Both {
        Read folded, stepped;
    };
    auto both = [&](const std::string& query, std::size_t columns, std::size_t batch_rows) {
        Both out;
        stream_query(*sql, Dialect::SQLite, query, columns, batch_rows, collect_into(out.folded), Cells::Numbers);
        stream_query(*sql, Dialect::SQLite, query, columns, batch_rows, collect_into(out.stepped), Cells::Text);
        return out;
    };
    const std::vector<std::pair<std::string, std::size_t>> folded = {
        {"SELECT k, i, r, n, s, b, x FROM t", 7},
        {"SELECT k, i, r, n, s, b, x FROM t ORDER BY k DESC", 7},
        {"SELECT i, s FROM t ORDER BY k LIMIT 2 OFFSET 1", 2},
        {kNumbers2500, 2},
        {"SELECT t.k, u.name FROM t LEFT JOIN u ON u.k = t.k ORDER BY t.k DESC", 2},
        {"SELECT k AS c0, s AS c0, i AS custclass_read FROM t", 3},
        {"VALUES (1, 'a'), (2, NULL)", 2},
        {"SELECT i, s FROM t;", 2},
        {"SELECT i, s FROM t ; \n\t ", 2},
        {"SELECT i, s FROM t -- the last comment", 2},
        {"SELECT i, s FROM t /* a comment; */ ;", 2},
        {"SELECT i, s FROM t; SELECT 1, 2", 2},
    };
    for (const auto& [query, columns] : folded) {
        EXPECT_TRUE(reads_folded(*sql, Dialect::SQLite, query, columns)) << query;
        for (const std::size_t batch_rows : {1u, 2u, 1000u}) {
            const Both read = both(query, columns, batch_rows);
            EXPECT_FALSE(read.folded.rows.empty()) << query;
            EXPECT_EQ(read.folded.rows, read.stepped.rows) << query;
            EXPECT_EQ(read.folded.batch_sizes, read.stepped.batch_sizes) << query;
        }
    }
    // The rows of a table of the name the wrapping gives the query: stepped through.
    *sql << "CREATE TABLE custclass_read(k INTEGER, v TEXT)";
    *sql << "INSERT INTO custclass_read VALUES (1, 'kept'), (2, NULL)";
    EXPECT_FALSE(reads_folded(*sql, Dialect::SQLite, "SELECT k, v FROM custclass_read", 2));
    EXPECT_EQ(both("SELECT k, v FROM custclass_read", 2, 10).folded.rows,
              (std::vector<Row>{{"1", "kept"}, {"2", std::nullopt}}));
    // A query ending in a comment left open (SQLite ends it with the text): the wrapping would be
    // inside the comment, so the rows are stepped through.
    EXPECT_FALSE(reads_folded(*sql, Dialect::SQLite, "SELECT k, s FROM t ORDER BY k /* open", 2));
    const Both open_comment = both("SELECT k, s FROM t ORDER BY k /* open", 2, 10);
    EXPECT_EQ(open_comment.folded.rows.size(), 5u);
    EXPECT_EQ(open_comment.folded.rows, open_comment.stepped.rows);
    // More columns than SQLite lets a function take (127 unless built otherwise): read all the same.
    std::string wide = "SELECT k";
    for (int c = 1; c < 200; ++c) wide += ", k + " + std::to_string(c);
    const Both wide_read = both(wide + " FROM t", 200, 3);
    ASSERT_EQ(wide_read.folded.rows.size(), 5u);
    EXPECT_EQ(wide_read.folded.rows, wide_read.stepped.rows);
    EXPECT_EQ(wide_read.folded.rows[4][199], "204");

    // An exception from the batches' function, after the first batch: the same exception, and the
    // next read works.
    std::size_t handed = 0;
    try {
        stream_query(*sql, Dialect::SQLite, "SELECT k, s FROM t", 2, 2,
                     [&](TextBatch&) {
                         if (++handed == 2) throw std::invalid_argument("stopped by the caller");
                     },
                     Cells::Numbers);
        ADD_FAILURE() << "no exception";
    } catch (const std::invalid_argument& e) {
        EXPECT_STREQ(e.what(), "stopped by the caller");
    }
    EXPECT_EQ(handed, 2u);
    EXPECT_EQ(both("SELECT k, s FROM t WHERE k = 1", 2, 2).folded.rows, (std::vector<Row>{{"1", "a"}}));
    // SQLite's error at the third row: the first two rows' batches, then SQLite's message.
    const std::string failing =
        "SELECT CASE WHEN k < 3 THEN k ELSE abs(-9223372036854775807 - 1 + 0 * k) END FROM t ORDER BY k";
    EXPECT_TRUE(reads_folded(*sql, Dialect::SQLite, failing, 1));
    for (const Cells cells : {Cells::Numbers, Cells::Text}) {
        Read read;
        try {
            stream_query(*sql, Dialect::SQLite, failing, 1, 1, collect_into(read), cells);
            ADD_FAILURE() << "no error";
        } catch (const DatabaseError& e) {
            EXPECT_NE(std::string(e.what()).find("integer overflow"), std::string::npos) << e.what();
        }
        EXPECT_EQ(read.rows, (std::vector<Row>{{"1"}, {"2"}}));
    }
}

// query_bound with statements kept: the same text prepared once and bound again with each
// call's values; a kept statement holds no read open after its read, even one stopped by the
// caller (another connection then writes at once); a failing text keeps nothing; at most 64.
TEST(RowStreamOnAFile, KeptStatementsAreBoundAgainAndHoldNoReadOpen) {
    custclass::test::TestDatabase db;
    const auto sql = connect({"sqlite3://db=" + db.db_path(), ""});
    *sql << "CREATE TABLE t(k INTEGER, s TEXT)";
    *sql << "INSERT INTO t VALUES (1, 'a'), (2, 'b'), (3, 'c'), (4, 'd')";
    PreparedReads kept;
    auto read = [&](const std::string& query, const std::vector<std::string>& params) {
        Read out;
        query_bound(*sql, query, params, 2, 2, collect_into(out), &kept);
        return out.rows;
    };
    const std::string query = "SELECT k, s FROM t WHERE k IN (:p0, :p1) ORDER BY k";
    EXPECT_EQ(read(query, {"1", "3"}), (std::vector<Row>{{"1", "a"}, {"3", "c"}}));
    EXPECT_EQ(read(query, {"2", "4"}), (std::vector<Row>{{"2", "b"}, {"4", "d"}}));
    EXPECT_EQ(read(query, {"4", "9"}), (std::vector<Row>{{"4", "d"}}));
    EXPECT_EQ(kept.size(), 1u);

    // A read stopped by the caller after its first batch: the statement is reset all the same.
    EXPECT_THROW(query_bound(*sql, "SELECT k, s FROM t WHERE k > :p0 ORDER BY k", {"0"}, 2, 1,
                             [](TextBatch&) { throw std::runtime_error("stop"); }, &kept),
                 std::runtime_error);
    EXPECT_EQ(kept.size(), 2u);
    const auto writer = connect({"sqlite3://db=" + db.db_path(), ""});
    *writer << "PRAGMA busy_timeout = 0";
    EXPECT_NO_THROW(*writer << "INSERT INTO t VALUES (5, 'e')");
    EXPECT_EQ(read(query, {"5", "1"}), (std::vector<Row>{{"1", "a"}, {"5", "e"}}));

    EXPECT_THROW(read("SELECT k, s FROM missing_table WHERE k = :p0", {"1"}), DatabaseError);
    EXPECT_EQ(kept.size(), 2u);
    for (int i = 0; i < 70; ++i)
        EXPECT_EQ(read("SELECT k, s FROM t WHERE k = :p0 AND " + std::to_string(i) + " = " + std::to_string(i), {"2"}),
                  (std::vector<Row>{{"2", "b"}}));
    EXPECT_LE(kept.size(), 64u);
}

TEST_P(RowStream, UnicodeTextArrivesByteForByte) {
    exec("CREATE TABLE t(k INTEGER, s TEXT)");
    const std::vector<std::string> texts = {"陳大文",      "Zoë Ångström", "😀 emoji", "tab\there",
                                            "line\nbreak", "back\\slash",  "quote'"};
    for (std::size_t i = 0; i < texts.size(); ++i)
        exec("INSERT INTO t VALUES (" + std::to_string(i) + ", " +
             sql_literal(Dialect::SQLite, texts[i]) + ")");
    const Read read = stream("SELECT s FROM t ORDER BY k", 1);
    ASSERT_EQ(read.rows.size(), texts.size());
    for (std::size_t i = 0; i < texts.size(); ++i) EXPECT_EQ(read.rows[i][0], texts[i]);
}

TEST_P(RowStream, AFailingQueryThrowsSqlitesMessage) {
    const std::string message = error_of([&] { stream("SELECT a FROM missing_table", 1); });
    EXPECT_NE(message.find("no such table: missing_table"), std::string::npos) << message;
    const std::string bound_message =
        error_of([&] { bound("SELECT nope FROM (SELECT 1 AS a) WHERE a = :p0", {"1"}, 1); });
    EXPECT_NE(bound_message.find("no such column: nope"), std::string::npos) << bound_message;
}

TEST_P(RowStream, AnErrorWhileSteppingThrowsSqlitesMessage) {
    // abs() of the smallest integer overflows when the row is computed, not when prepared.
    const std::string message =
        error_of([&] { stream("SELECT abs(-9223372036854775807 - 1)", 1); });
    EXPECT_NE(message.find("integer overflow"), std::string::npos) << message;
}

TEST_P(RowStream, AColumnCountOtherThanExpectedIsAnError) {
    EXPECT_EQ(error_of([&] { stream("SELECT 1, 2", 3); }),
              "the query returned 2 columns, expected 3");
    EXPECT_EQ(error_of([&] { bound("SELECT 1, 2, 3 WHERE :p0 = '1'", {"1"}, 2); }),
              "the query returned 3 columns, expected 2");
}

TEST_P(RowStream, AnExceptionFromTheCallbackLeavesNoStatementOpen) {
    exec("CREATE TABLE t(k INTEGER)");
    exec("INSERT INTO t VALUES (1), (2), (3)");
    for (const Cells cells : {Cells::Text, Cells::Numbers})
        EXPECT_THROW(stream_query(*sql_, Dialect::SQLite, "SELECT k FROM t", 1, 1,
                                  [](const TextBatch&) { throw std::runtime_error("cancelled"); }, cells),
                     std::runtime_error);
    // SQLite refuses to drop a table that a statement still reads.
    EXPECT_NO_THROW(exec("DROP TABLE t"));
}

TEST_P(RowStream, QueryBoundBindsTheParametersAsText) {
    exec("CREATE TABLE customer(id TEXT, name TEXT)");
    exec(
        "INSERT INTO customer VALUES ('c1', 'Ann'), ('c2', 'Bo'), ('c3', NULL), ('c4', 'Di'),"
        " ('x''y', 'Quote')");
    const Read read =
        bound("SELECT id, name FROM customer WHERE id IN (:p0, :p1, :p2, :p3) ORDER BY id",
              {"c3", "c1", "x'y", "nobody"}, 2);
    const std::vector<Row> expected = {{"c1", "Ann"}, {"c3", std::nullopt}, {"x'y", "Quote"}};
    EXPECT_EQ(read.rows, expected);
}

TEST_P(RowStream, QueryBoundComparesTextWithIntegerKeysAsSqliteDoes) {
    // A text parameter against an INTEGER column: the column's affinity converts it.
    exec("CREATE TABLE customer(id INTEGER, name TEXT)");
    exec("INSERT INTO customer VALUES (17, 'Ann'), (18, 'Bo')");
    const Read read = bound("SELECT id, name FROM customer WHERE id IN (:p0)", {"18"}, 2);
    EXPECT_EQ(read.rows, (std::vector<Row>{{"18", "Bo"}}));
}

TEST_P(RowStream, QueryBoundDeliversInBatches) {
    const Read read = bound("SELECT * FROM (" + kNumbers2500 + ") WHERE i > CAST(:p0 AS INTEGER)",
                            {"2300"}, 2, 64);
    EXPECT_EQ(read.batch_sizes, (std::vector<std::size_t>{64, 64, 64, 8}));
    ASSERT_EQ(read.rows.size(), 200u);
    EXPECT_EQ(read.rows.front(), (Row{"2301", "row 2301"}));
}

TEST_P(RowStream, QueryBoundNeedsOnePlaceholderPerParameter) {
    EXPECT_EQ(error_of([&] { bound("SELECT :p0, :p1", {"a"}, 2); }),
              "the query has 2 placeholders, expected 1");
}

TEST_P(RowStream, QueryBoundWithoutParameters) {
    EXPECT_EQ(bound("SELECT 'a', NULL", {}, 2).rows, (std::vector<Row>{{"a", std::nullopt}}));
}

}  // namespace
}  // namespace custclass::adapters
