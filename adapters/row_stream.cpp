#include "row_stream.h"

#include <soci/mysql/soci-mysql.h>
#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>

#include <memory>

#include "source.h"

namespace custclass::adapters {

namespace {

// SOCI bulk fetch into vectors of strings: SQLite, and each FETCH of a PostgreSQL cursor.
class BulkFetch {
public:
    BulkFetch(std::size_t columns, std::size_t batch_rows)
        : batch_rows_(batch_rows),
          values_(columns, std::vector<std::string>(batch_rows)),
          indicators_(columns, std::vector<soci::indicator>(batch_rows)) {
        batch_.values.resize(columns);
        batch_.null.resize(columns);
    }

    soci::statement prepare(soci::session& sql, const std::string& query,
                            const std::vector<std::string>* params = nullptr) {
        soci::statement st(sql);
        st.alloc();
        st.prepare(query);
        if (params)
            for (const std::string& p : *params) st.exchange(soci::use(p));
        for (std::size_t c = 0; c < values_.size(); ++c)
            st.exchange(soci::into(values_[c], indicators_[c]));
        st.define_and_bind();
        return st;
    }

    // Hands the fetched rows to `fn`; returns how many there were.
    std::size_t deliver(const std::function<void(const TextBatch&)>& fn) {
        const std::size_t n = values_.empty() ? 0 : values_[0].size();
        if (n > 0) {
            batch_.rows = n;
            for (std::size_t c = 0; c < values_.size(); ++c) {
                batch_.values[c].swap(values_[c]);
                batch_.null[c].resize(n);
                for (std::size_t r = 0; r < n; ++r)
                    batch_.null[c][r] = indicators_[c][r] == soci::i_null;
            }
            fn(batch_);
            for (std::size_t c = 0; c < values_.size(); ++c) batch_.values[c].swap(values_[c]);
        }
        for (std::size_t c = 0; c < values_.size(); ++c) {
            values_[c].resize(batch_rows_);
            indicators_[c].resize(batch_rows_);
        }
        return n;
    }

private:
    std::size_t batch_rows_;
    std::vector<std::vector<std::string>> values_;
    std::vector<std::vector<soci::indicator>> indicators_;
    TextBatch batch_;
};

void stream_sqlite(soci::session& sql, const std::string& query, std::size_t columns,
                   std::size_t batch_rows, const std::function<void(const TextBatch&)>& fn) {
    BulkFetch fetch(columns, batch_rows);
    soci::statement st = fetch.prepare(sql, query);
    st.execute(false);
    while (st.fetch()) fetch.deliver(fn);
}

void stream_postgresql(soci::session& sql, const std::string& query, std::size_t columns,
                       std::size_t batch_rows, const std::function<void(const TextBatch&)>& fn) {
    // A cursor lives in a transaction; it only reads, so it is rolled back at the end.
    soci::transaction tx(sql);
    sql << "DECLARE custclass_cursor NO SCROLL CURSOR FOR " + query;
    BulkFetch fetch(columns, batch_rows);
    soci::statement st =
        fetch.prepare(sql, "FETCH FORWARD " + std::to_string(batch_rows) + " FROM custclass_cursor");
    while (true) {
        st.execute(true);
        if (fetch.deliver(fn) < batch_rows) break;
    }
    sql << "CLOSE custclass_cursor";
    tx.rollback();
}

void stream_mysql(soci::session& sql, const std::string& query, std::size_t columns,
                  std::size_t batch_rows, const std::function<void(const TextBatch&)>& fn) {
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
        throw DatabaseError("the query returned " + std::to_string(mysql_num_fields(result)) +
                            " columns, expected " + std::to_string(columns));
    TextBatch batch;
    batch.values.assign(columns, std::vector<std::string>(batch_rows));
    batch.null.assign(columns, std::vector<std::uint8_t>(batch_rows));
    std::size_t n = 0;
    while (MYSQL_ROW row = mysql_fetch_row(result)) {
        const unsigned long* lengths = mysql_fetch_lengths(result);
        for (std::size_t c = 0; c < columns; ++c) {
            batch.null[c][n] = row[c] == nullptr;
            if (row[c]) batch.values[c][n].assign(row[c], lengths[c]);
        }
        if (++n == batch_rows) {
            batch.rows = n;
            fn(batch);
            n = 0;
        }
    }
    if (mysql_errno(conn) != 0) throw DatabaseError(mysql_error(conn));
    if (n > 0) {
        batch.rows = n;
        fn(batch);
    }
}

// Rows collected into batches of at most `batch_rows` for query_bound.
class BatchWriter {
public:
    BatchWriter(std::size_t columns, std::size_t batch_rows, const std::function<void(const TextBatch&)>& fn)
        : batch_rows_(batch_rows), fn_(fn) {
        batch_.values.assign(columns, std::vector<std::string>(batch_rows));
        batch_.null.assign(columns, std::vector<std::uint8_t>(batch_rows));
    }
    // The value of column `c` in the row being written (nullptr: NULL).
    void set(std::size_t c, const char* data, std::size_t size) {
        batch_.null[c][n_] = data == nullptr;
        if (data) batch_.values[c][n_].assign(data, size);
    }
    void end_row() {
        if (++n_ == batch_rows_) flush();
    }
    void flush() {
        if (n_ == 0) return;
        batch_.rows = n_;
        fn_(batch_);
        n_ = 0;
    }

private:
    std::size_t batch_rows_;
    const std::function<void(const TextBatch&)>& fn_;
    TextBatch batch_;
    std::size_t n_ = 0;
};

void bound_postgresql(soci::session& sql, const std::string& query,
                      const std::vector<std::string>& params, std::size_t columns,
                      std::size_t batch_rows, const std::function<void(const TextBatch&)>& fn) {
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
        throw DatabaseError("the query returned " + std::to_string(PQnfields(result.get())) +
                            " columns, expected " + std::to_string(columns));
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
                 std::size_t batch_rows, const std::function<void(const TextBatch&)>& fn) {
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
        throw DatabaseError("the query returned " + std::to_string(mysql_stmt_field_count(stmt.get())) +
                            " columns, expected " + std::to_string(columns));
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
                 std::size_t batch_rows, const std::function<void(const TextBatch&)>& fn) {
    try {
        switch (dialect_of_backend(sql.get_backend_name())) {
            case Dialect::SQLite: {
                // SOCI hands the text to sqlite3_prepare as it is and binds by position.
                BulkFetch fetch(columns, batch_rows);
                soci::statement st = fetch.prepare(sql, query, &params);
                st.execute(false);
                while (st.fetch()) fetch.deliver(fn);
                return;
            }
            case Dialect::PostgreSQL:
                return bound_postgresql(sql, query, params, columns, batch_rows, fn);
            case Dialect::MySQL: return bound_mysql(sql, query, params, columns, batch_rows, fn);
        }
    } catch (const soci::soci_error& e) {
        throw DatabaseError(e.what());
    }
}

void stream_query(soci::session& sql, Dialect dialect, const std::string& query,
                  std::size_t columns, std::size_t batch_rows,
                  const std::function<void(const TextBatch&)>& fn) {
    try {
        switch (dialect) {
            case Dialect::SQLite: return stream_sqlite(sql, query, columns, batch_rows, fn);
            case Dialect::PostgreSQL: return stream_postgresql(sql, query, columns, batch_rows, fn);
            case Dialect::MySQL: return stream_mysql(sql, query, columns, batch_rows, fn);
        }
    } catch (const soci::soci_error& e) {
        throw DatabaseError(e.what());
    }
}

}  // namespace custclass::adapters
