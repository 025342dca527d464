#include "result_store.h"

#include <soci/soci.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <stdexcept>
#include <unordered_map>

#include "bulk_insert.h"
#include "civil_time.h"
#include "read_ahead.h"
#include "segment_codes.h"
#include "source.h"
#include "sql_dialect.h"

namespace custclass::adapters {

namespace {

// The run whose assignments are live: the latest that succeeded.
const std::string kLatestRun =
    "(SELECT latest.run_id FROM custclass_runs latest WHERE latest.status = 'succeeded' "
    "ORDER BY latest.run_seq DESC LIMIT 1)";

// The run whose assignments are live, by number (schema 6 and later).
const std::string kLatestRunSeq =
    "(SELECT MAX(latest.run_seq) FROM custclass_runs latest WHERE latest.status = 'succeeded')";

// A statement of a migration that the store carries out in code: copying the assignments of
// every run from the table of schema 5 into the compact tables of schema 6 (segment_codes.h),
// whose layout has no SQL spelling common to the three databases.
const std::string kCopyAssignments = "COPY THE ASSIGNMENTS INTO THE COMPACT TABLES";

// A customer id as a key that tells every id apart: MySQL and MariaDB compare VARCHAR without
// case (and accents) by default, so `a` and `A` would be one key there.
std::string exact_key_type(Dialect d) {
    return d == Dialect::MySQL ? "VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin" : "VARCHAR(255)";
}

// The rows of the assignments of the runs, in the compact tables: one per customer and run, the
// customer's (classification, segment) pairs as flags over the run's codes.
std::string assignment_rows() {
    return " FROM custclass_runs r JOIN custclass_run_members m ON m.run_seq = r.run_seq"
           " JOIN custclass_run_segments s ON s.run_seq = m.run_seq AND substr(m.segment_flags, s.code, 1) = '1'";
}

// The migrations, in order; migration N brings the schema from version N-1 to N. Never edit
// one that has shipped: add the next.
std::vector<std::string> migrations(Dialect d) {
    const std::string text = long_text_type(d);
    const std::string key = "VARCHAR(255)";
    return {
        // 1: rule sets, runs, assignments, live assignments, audit log.
        "CREATE TABLE custclass_rulesets ("
        " hash VARCHAR(80) NOT NULL PRIMARY KEY,"
        " name VARCHAR(200) NOT NULL,"
        " version VARCHAR(100) NOT NULL,"
        " yaml_text " + text + " NOT NULL,"
        " stored_at VARCHAR(32) NOT NULL,"
        " UNIQUE (name, version));"
        "CREATE TABLE custclass_runs ("
        " run_id VARCHAR(36) NOT NULL PRIMARY KEY,"
        " run_seq BIGINT NOT NULL,"
        " ruleset_hash VARCHAR(80) NOT NULL,"
        " as_of VARCHAR(10) NOT NULL,"
        " started_at VARCHAR(32) NOT NULL,"
        " finished_at VARCHAR(32) NOT NULL,"
        " status VARCHAR(16) NOT NULL,"
        " customers BIGINT NOT NULL,"
        " summary_json " + text + ","
        " message " + text + ");"
        "CREATE INDEX custclass_runs_seq ON custclass_runs (status, run_seq);"
        "CREATE TABLE custclass_assignments ("
        " run_id VARCHAR(36) NOT NULL,"
        " customer_id " + key + " NOT NULL,"
        " classification VARCHAR(100) NOT NULL,"
        " segment VARCHAR(100));"
        "CREATE INDEX custclass_assignments_run ON custclass_assignments (run_id, classification, segment);"
        "CREATE INDEX custclass_assignments_customer ON custclass_assignments (customer_id);"
        "CREATE TABLE custclass_live_assignments ("
        " customer_id " + key + " NOT NULL,"
        " classification VARCHAR(100) NOT NULL,"
        " segment VARCHAR(100),"
        " run_id VARCHAR(36) NOT NULL,"
        " updated_at VARCHAR(32) NOT NULL);"
        "CREATE INDEX custclass_live_customer ON custclass_live_assignments (customer_id, classification);"
        "CREATE TABLE custclass_audit_log ("
        " entry_id VARCHAR(36) NOT NULL PRIMARY KEY,"
        " at VARCHAR(32) NOT NULL,"
        " actor VARCHAR(200) NOT NULL,"
        " action VARCHAR(40) NOT NULL,"
        " subject VARCHAR(255),"
        " customers BIGINT,"
        " detail " + text + ");",
        // 2: the cut points of each run, with which the hooks place one customer among the
        // customers of the run (population-dependent features), and a live-table index for
        // member lists.
        "ALTER TABLE custclass_runs ADD population_json " + text + ";"
        "CREATE INDEX custclass_live_segment ON custclass_live_assignments (classification, segment, customer_id);",
        // 3: the audit log in the order it was written (entries of the same second included),
        // and found by subject (data access requests and erasure, PRIVACY.md checks 16 and 17).
        "ALTER TABLE custclass_audit_log ADD seq BIGINT;"
        "CREATE INDEX custclass_audit_subject ON custclass_audit_log (subject, seq);",
        // 4: referral rewards granted (POTENTIAL.md item 4): one row per referee, so that each
        // successful referral is rewarded once, to both parties, whatever the runs after.
        "CREATE TABLE custclass_referral_rewards ("
        " referee_id " + key + " NOT NULL PRIMARY KEY,"
        " referrer_id " + key + " NOT NULL,"
        " referred_on VARCHAR(10),"
        " first_purchase VARCHAR(10) NOT NULL,"
        " run_id VARCHAR(36) NOT NULL,"
        " rewarded_at VARCHAR(32) NOT NULL);"
        "CREATE INDEX custclass_rewards_run ON custclass_referral_rewards (run_id);"
        "CREATE INDEX custclass_rewards_referrer ON custclass_referral_rewards (referrer_id);",
        // 5: the live assignments become a view: the latest succeeded run's assignments, except
        // for the customers the hooks re-classified since, whose rows are in
        // custclass_live_overrides (a row with no classification: the hook found the customer
        // gone). Publishing a run no longer copies its millions of rows into a second table; it
        // empties the overrides. The live table's rows that differ from the latest run (the
        // hooks' work since it) are kept as overrides.
        "CREATE TABLE custclass_live_overrides ("
        " customer_id " + key + " NOT NULL,"
        " classification VARCHAR(100),"
        " segment VARCHAR(100),"
        " run_id VARCHAR(36) NOT NULL,"
        " updated_at VARCHAR(32) NOT NULL);"
        "CREATE INDEX custclass_live_overrides_customer ON custclass_live_overrides (customer_id, classification);"
        "INSERT INTO custclass_live_overrides (customer_id, classification, segment, run_id, updated_at)"
        " SELECT l.customer_id, l.classification, l.segment, l.run_id, l.updated_at"
        " FROM custclass_live_assignments l WHERE l.customer_id IN ("
        "  SELECT m.customer_id FROM custclass_live_assignments m"
        "  LEFT JOIN custclass_runs r ON r.run_id = m.run_id AND r.run_id = " + kLatestRun +
        "  WHERE r.run_id IS NULL OR m.updated_at <> r.finished_at);"
        "INSERT INTO custclass_live_overrides (customer_id, classification, segment, run_id, updated_at)"
        " SELECT DISTINCT a.customer_id, NULL, NULL, a.run_id, r.finished_at"
        " FROM custclass_assignments a JOIN custclass_runs r ON r.run_id = a.run_id"
        " WHERE a.run_id = " + kLatestRun +
        " AND NOT EXISTS (SELECT 1 FROM custclass_live_assignments l WHERE l.customer_id = a.customer_id);"
        "DROP TABLE custclass_live_assignments;"
        "CREATE VIEW custclass_live_assignments AS"
        " SELECT a.customer_id, a.classification, a.segment, a.run_id, r.finished_at AS updated_at"
        " FROM custclass_assignments a JOIN custclass_runs r ON r.run_id = a.run_id"
        " WHERE a.run_id = " + kLatestRun +
        " AND NOT EXISTS (SELECT 1 FROM custclass_live_overrides o WHERE o.customer_id = a.customer_id)"
        " UNION ALL"
        " SELECT customer_id, classification, segment, run_id, updated_at FROM custclass_live_overrides"
        " WHERE classification IS NOT NULL;",
        // 6: the compact store. A run's assignments were a row per customer, classification and
        // segment, in two text indexes (3.5 rows a customer: most of a run's writing time). They
        // become a row per customer and run, under the run's number, with the customer's pairs as
        // flags over the run's codes (custclass_run_segments); custclass_assignments and
        // custclass_live_assignments stay, as views with the same columns. Runs are numbered
        // uniquely (the members' key).
        "DROP VIEW custclass_live_assignments;"
        "CREATE TABLE custclass_run_segments ("
        " run_seq BIGINT NOT NULL,"
        " code INTEGER NOT NULL,"
        " classification VARCHAR(100) NOT NULL,"
        " segment VARCHAR(100),"
        " PRIMARY KEY (run_seq, code));"
        "CREATE INDEX custclass_run_segments_name ON custclass_run_segments (run_seq, classification, segment);"
        "CREATE TABLE custclass_run_members ("
        " run_seq BIGINT NOT NULL,"
        " customer_id " + exact_key_type(d) + " NOT NULL,"
        " segment_flags " + text + " NOT NULL,"
        " PRIMARY KEY (run_seq, customer_id))" + (d == Dialect::SQLite ? " WITHOUT ROWID" : "") + ";" +
        (d == Dialect::MySQL
             ? "ALTER TABLE custclass_live_overrides MODIFY customer_id " + exact_key_type(d) + " NOT NULL;"
             : "") +
        kCopyAssignments + ";"
        "DROP TABLE custclass_assignments;"
        "CREATE UNIQUE INDEX custclass_runs_number ON custclass_runs (run_seq);"
        "CREATE VIEW custclass_assignments AS"
        " SELECT r.run_id, m.customer_id, s.classification, s.segment" + assignment_rows() + ";"
        "CREATE VIEW custclass_live_assignments AS"
        " SELECT m.customer_id, s.classification, s.segment, r.run_id, r.finished_at AS updated_at" +
        assignment_rows() + " WHERE r.run_seq = " + kLatestRunSeq +
        " AND NOT EXISTS (SELECT 1 FROM custclass_live_overrides o WHERE o.customer_id = m.customer_id)"
        " UNION ALL"
        " SELECT customer_id, classification, segment, run_id, updated_at FROM custclass_live_overrides"
        " WHERE classification IS NOT NULL;",
    };
}

std::vector<std::string> split_statements(const std::string& script) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start < script.size()) {
        std::size_t end = script.find(';', start);
        if (end == std::string::npos) end = script.size();
        if (end > start) out.push_back(script.substr(start, end - start));
        start = end + 1;
    }
    return out;
}

using config::utc_now;

// A transaction that writes. On SQLite it takes the write lock when it begins (BEGIN
// IMMEDIATE): a deferred transaction that reads first and then writes gets SQLITE_BUSY at once,
// without waiting, when another connection (a hook, a run) is writing, because waiting could
// deadlock; taking the lock first makes it wait its turn under the busy timeout instead.
class WriteTransaction {
public:
    WriteTransaction(soci::session& sql, Dialect dialect) : sql_(sql), sqlite_(dialect == Dialect::SQLite) {
        if (sqlite_)
            sql_ << "BEGIN IMMEDIATE";
        else
            sql_.begin();
    }
    ~WriteTransaction() {
        if (done_) return;
        try {
            if (sqlite_)
                sql_ << "ROLLBACK";
            else
                sql_.rollback();
        } catch (...) {
            // The connection failed; the database rolls the transaction back itself.
        }
    }
    WriteTransaction(const WriteTransaction&) = delete;
    WriteTransaction& operator=(const WriteTransaction&) = delete;
    void commit() {
        if (sqlite_)
            sql_ << "COMMIT";
        else
            sql_.commit();
        done_ = true;
    }

private:
    soci::session& sql_;
    bool sqlite_;
    bool done_ = false;
};

// A column of a row as text; "" for NULL.
std::string text_of(const soci::row& row, std::size_t i) {
    return row.get_indicator(i) == soci::i_null ? std::string() : row.get<std::string>(i);
}

std::optional<std::string> nullable_text_of(const soci::row& row, std::size_t i) {
    if (row.get_indicator(i) == soci::i_null) return std::nullopt;
    return row.get<std::string>(i);
}

// An integer column, whichever C++ type the backend reads it as.
std::uint64_t count_of(const soci::row& row, std::size_t i) {
    switch (row.get_properties(i).get_data_type()) {
        case soci::dt_long_long: return static_cast<std::uint64_t>(row.get<long long>(i));
        case soci::dt_unsigned_long_long: return row.get<unsigned long long>(i);
        case soci::dt_integer: return static_cast<std::uint64_t>(row.get<int>(i));
        case soci::dt_double: return static_cast<std::uint64_t>(row.get<double>(i));
        default: return std::stoull(row.get<std::string>(i));
    }
}

// `text` as a LIKE pattern matching itself anywhere, with '!' as the escape character.
std::string like_anywhere(const std::string& text) {
    std::string out = "%";
    for (const char c : text) {
        if (c == '!' || c == '%' || c == '_') out += '!';
        out += c;
    }
    return out + "%";
}

// Every occurrence of `from` in `text` replaced by `to`; how many there were.
std::uint64_t replace_all(std::string& text, const std::string& from, const std::string& to) {
    std::uint64_t n = 0;
    for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
        text.replace(at, from.size(), to);
        ++n;
    }
    return n;
}

}  // namespace

class ResultStore::Impl {
public:
    explicit Impl(ConnectionSpec spec) : spec_(std::move(spec)), dialect_(dialect_of(spec_)) {}

    soci::session& sql() {
        if (!session_) {
            session_ = connect(spec_);
            // A run writes millions of rows into two indexes in one transaction: with SQLite's
            // default page cache (2 MB) the index pages go back and forth to the file. 64 MiB,
            // taken only as used, made the 1M benchmark's writing about 30% faster.
            if (dialect_ == Dialect::SQLite) *session_ << "PRAGMA cache_size = -65536";
        }
        return *session_;
    }

    // Runs `fn`; a failed statement (SOCI's or the bulk writer's) becomes a DatabaseError that
    // says what the store was doing.
    template <typename Fn>
    auto guarded(const char* what, Fn&& fn) {
        try {
            return fn();
        } catch (const soci::soci_error& e) {
            throw DatabaseError(std::string("result store: ") + what + " failed: " + e.what());
        } catch (const BulkInsertError& e) {
            throw DatabaseError(std::string("result store: ") + what + " failed: " + e.what());
        }
    }

    bool has_table(const std::string& name) {
        std::string query;
        switch (dialect_) {
            case Dialect::SQLite:
                query = "SELECT count(*) FROM sqlite_master WHERE type IN ('table', 'view') AND name = " +
                        sql_literal(dialect_, name);
                break;
            case Dialect::PostgreSQL:
                query = "SELECT count(*) FROM information_schema.tables WHERE table_schema = "
                        "current_schema() AND table_name = " + sql_literal(dialect_, name);
                break;
            case Dialect::MySQL:
                query = "SELECT count(*) FROM information_schema.tables WHERE table_schema = "
                        "DATABASE() AND table_name = " + sql_literal(dialect_, name);
                break;
        }
        long long count = 0;
        sql() << query, soci::into(count);
        return count > 0;
    }

    int schema_version() {
        return guarded("reading the schema version", [&] {
            if (!has_table("custclass_meta")) return 0;
            std::string value;
            soci::indicator ind = soci::i_null;
            sql() << "SELECT value FROM custclass_meta WHERE name = 'schema_version'",
                soci::into(value, ind);
            return ind == soci::i_ok ? std::stoi(value) : 0;
        });
    }

    void migrate(int up_to) {
        guarded("migrating the schema", [&] {
            if (!has_table("custclass_meta")) {
                sql() << "CREATE TABLE custclass_meta (name VARCHAR(64) NOT NULL PRIMARY KEY, "
                         "value VARCHAR(255) NOT NULL)";
                sql() << "INSERT INTO custclass_meta (name, value) VALUES ('schema_version', '0')";
            }
            const auto all = migrations(dialect_);
            int version = schema_version();
            if (version > static_cast<int>(all.size()))
                throw DatabaseError("result store: the database has schema version " +
                                    std::to_string(version) + ", newer than this plugin's " +
                                    std::to_string(all.size()) + "; upgrade the plugin");
            for (; version < std::min(up_to, static_cast<int>(all.size())); ++version) {
                WriteTransaction tx(sql(), dialect_);
                for (const auto& statement : split_statements(all[static_cast<std::size_t>(version)])) {
                    if (statement == kCopyAssignments)
                        copy_assignments_into_compact_tables();
                    else
                        sql() << statement;
                }
                sql() << "UPDATE custclass_meta SET value = " +
                             sql_literal(dialect_, std::to_string(version + 1)) +
                             " WHERE name = 'schema_version'";
                tx.commit();
            }
            return 0;
        });
    }

    void check_ruleset(const StoredRuleSet& rules) {
        guarded("checking the rule set version", [&] {
            if (!has_table("custclass_rulesets")) return 0;
            std::string hash;
            soci::indicator ind = soci::i_null;
            sql() << "SELECT hash FROM custclass_rulesets WHERE name = " +
                         sql_literal(dialect_, rules.name) +
                         " AND version = " + sql_literal(dialect_, rules.version),
                soci::into(hash, ind);
            if (ind == soci::i_ok && hash != rules.hash)
                throw RuleSetConflict(
                    "the rule set `" + rules.name + "` version `" + rules.version +
                    "` was used before with different content (" + hash + "); the file " +
                    rules.file + " has changed since: give it a new `version` to run it");
            return 0;
        });
    }

    // Whether the audit log numbers its entries (schema 3 or later; not in a database that an
    // older plugin wrote, before this plugin's first run migrates it).
    bool audit_has_seq() {
        if (!audit_seq_known_) audit_seq_known_ = schema_version() >= 3;
        return audit_seq_known_;
    }

    // One audit entry, inside the caller's write transaction; `at` defaults to now.
    void insert_audit(const std::string& actor, const std::string& action,
                      const std::optional<std::string>& subject, std::uint64_t customers,
                      const std::string& detail, const std::string& entry_id,
                      const std::string& at = utc_now()) {
        std::string e = entry_id, a = at, w = actor, x = action, s = subject.value_or(""), d = detail;
        soci::indicator s_ind = subject ? soci::i_ok : soci::i_null;
        long long n = static_cast<long long>(customers);
        if (!audit_has_seq()) {
            sql() << "INSERT INTO custclass_audit_log (entry_id, at, actor, action, subject, customers, detail) "
                     "VALUES (:e, :a, :w, :x, :s, :n, :d)",
                soci::use(e), soci::use(a), soci::use(w), soci::use(x), soci::use(s, s_ind),
                soci::use(n), soci::use(d);
            return;
        }
        long long seq = 0;
        soci::indicator seq_ind = soci::i_null;
        sql() << "SELECT MAX(seq) FROM custclass_audit_log", soci::into(seq, seq_ind);
        if (seq_ind != soci::i_ok) seq = 0;
        ++seq;
        sql() << "INSERT INTO custclass_audit_log (entry_id, at, actor, action, subject, customers, detail, seq) "
                 "VALUES (:e, :a, :w, :x, :s, :n, :d, :q)",
            soci::use(e), soci::use(a), soci::use(w), soci::use(x), soci::use(s, s_ind), soci::use(n),
            soci::use(d), soci::use(seq);
    }

    // Runs are numbered in the order they were recorded: "the latest run" is the highest. The
    // number of the next run, inside the caller's write transaction. On SQLite the transaction
    // holds the write lock already. On PostgreSQL and MySQL/MariaDB two runs published into one
    // store at once may take the same number: the second then fails on the members' key (or the
    // runs' unique number) and writes nothing, rather than share it. No table lock is taken for
    // it: an erasure or a hook running meanwhile takes row locks in an order a table lock here
    // could deadlock with.
    long long next_run_seq() {
        long long seq = 0;
        soci::indicator ind = soci::i_null;
        sql() << "SELECT MAX(run_seq) FROM custclass_runs", soci::into(seq, ind);
        return ind == soci::i_ok ? seq + 1 : 1;
    }

    void insert_run(const RunRecord& run, long long seq) {
        sql() << "INSERT INTO custclass_runs (run_id, run_seq, ruleset_hash, as_of, started_at, finished_at, status, customers, summary_json, message, population_json) VALUES (" +
                     sql_literal(dialect_, run.run_id) + ", " + std::to_string(seq) + ", " +
                     sql_literal(dialect_, run.ruleset_hash) +
                     ", " + sql_literal(dialect_, run.as_of) + ", " +
                     sql_literal(dialect_, run.started_at) + ", " +
                     sql_literal(dialect_, run.finished_at) + ", " + sql_literal(dialect_, run.status) +
                     ", " + std::to_string(run.customers) + ", " +
                     sql_literal(dialect_, run.summary_json) + ", " +
                     sql_literal(dialect_, run.message) + ", " +
                     (run.population_json.empty() ? std::string("NULL")
                                                  : sql_literal(dialect_, run.population_json)) +
                     ")";
    }

    // Whether the assignments are in the compact tables (schema 6 or later; not in a database
    // that an older plugin wrote, before this plugin's first run migrates it).
    bool compact() {
        if (!compact_known_) compact_known_ = schema_version() >= 6;
        return compact_known_;
    }

    // A batch of rows of custclass_run_members: each customer and its flags (the strings of an
    // earlier batch reused).
    struct MemberRows {
        std::vector<std::string> customers, flags;
        std::size_t rows = 0;
    };

    // Writes the assignments of run number `seq` into the compact tables, inside the caller's
    // write transaction: a row per customer (a customer's assignments come one after another)
    // and, once all are seen, the run's codes.
    void write_members(long long seq, const std::function<void(const AssignmentSink&)>& assignments) {
        const BulkInsert::FixedInteger run_seq{"run_seq", seq};
        SegmentCodes codes;
        {
            BulkInsert members(sql(), "custclass_run_members", {"customer_id", "segment_flags"}, run_seq);
            // The caller's assignments turned into rows on a thread of their own, while this one
            // hands the rows before to the database (a run's million rows: the database's work
            // and the rows' making each took about half of writing them). `assignments` only
            // reads the run's results; the session is used by this thread alone.
            constexpr std::size_t kRows = 4096;
            read_ahead<MemberRows>(
                [&](const std::function<void(MemberRows&)>& emit) {
                    MemberRows batch;
                    auto row = [&](std::size_t r) -> std::string& {
                        if (batch.customers.size() <= r) {
                            batch.customers.resize(r + 1);
                            batch.flags.resize(r + 1);
                        }
                        return batch.flags[r];
                    };
                    bool open = false;
                    assignments([&](std::string_view c, std::string_view classification,
                                    std::optional<std::string_view> segment) {
                        if (!open || c != batch.customers[batch.rows]) {
                            if (open && ++batch.rows == kRows) {
                                emit(batch);
                                batch.rows = 0;
                            }
                            row(batch.rows).clear();
                            batch.customers[batch.rows].assign(c);
                            open = true;
                        }
                        set_segment_flag(batch.flags[batch.rows], codes.code_of(classification, segment));
                    });
                    if (open) ++batch.rows;
                    if (batch.rows > 0) emit(batch);
                },
                [&](MemberRows& batch) {
                    for (std::size_t r = 0; r < batch.rows; ++r)
                        members.add_row({batch.customers[r], batch.flags[r]});
                });
            members.finish();
        }
        BulkInsert segments(sql(), "custclass_run_segments", {"code", "classification", "segment"}, run_seq);
        for (std::size_t i = 0; i < codes.pairs().size(); ++i) {
            const SegmentCode& pair = codes.pairs()[i];
            segments.add_row({std::to_string(i + 1), pair.classification,
                              pair.segment ? std::optional<std::string_view>(*pair.segment) : std::nullopt});
        }
        segments.finish();
    }

    // Migration 6, in code: every run's rows of the old custclass_assignments table into the
    // compact tables. Before schema 6 nothing kept two runs from sharing a number; if any do,
    // the runs are numbered again 1, 2, … in the order they had (ties by id).
    void copy_assignments_into_compact_tables() {
        std::vector<std::pair<std::string, long long>> runs;
        {
            const soci::rowset<soci::row> rows =
                (sql().prepare << "SELECT run_id, run_seq FROM custclass_runs ORDER BY run_seq, run_id");
            for (const soci::row& row : rows)
                runs.emplace_back(text_of(row, 0), static_cast<long long>(count_of(row, 1)));
        }
        bool repeated = false;
        for (std::size_t i = 1; i < runs.size(); ++i) repeated = repeated || runs[i].second == runs[i - 1].second;
        if (repeated) {
            for (std::size_t i = 0; i < runs.size(); ++i) {
                runs[i].second = static_cast<long long>(i + 1);
                std::string id = runs[i].first;
                long long seq = runs[i].second;
                sql() << "UPDATE custclass_runs SET run_seq = :s WHERE run_id = :r", soci::use(seq), soci::use(id);
            }
        }
        for (const auto& [run_id, seq] : runs) {
            // A run's rows, grouped by customer in memory (the database's order of the ids
            // need not keep equal ids together: MySQL's compares them without case).
            std::vector<std::string> customers;
            std::vector<std::vector<std::pair<std::string, std::optional<std::string>>>> rows_of;
            std::unordered_map<std::string, std::size_t> row_of;
            read_old_assignments(run_id, [&](std::string_view customer, std::string_view classification,
                                             std::optional<std::string_view> segment) {
                auto [at, added] = row_of.try_emplace(std::string(customer), customers.size());
                if (added) {
                    customers.emplace_back(customer);
                    rows_of.emplace_back();
                }
                rows_of[at->second].emplace_back(
                    std::string(classification),
                    segment ? std::optional<std::string>(std::string(*segment)) : std::nullopt);
            });
            write_members(seq, [&](const AssignmentSink& sink) {
                for (std::size_t i = 0; i < customers.size(); ++i)
                    for (const auto& [classification, segment] : rows_of[i])
                        sink(customers[i], classification,
                             segment ? std::optional<std::string_view>(*segment) : std::nullopt);
            });
        }
    }

    void publish(const StoredRuleSet& rules, const std::function<void(const AssignmentSink&)>& assignments,
                 const std::function<Publication()>& finish, const std::string& actor) {
        guarded("publishing the run", [&] {
            WriteTransaction tx(sql(), dialect_);
            std::string stored;
            soci::indicator ind = soci::i_null;
            sql() << "SELECT hash FROM custclass_rulesets WHERE hash = " +
                         sql_literal(dialect_, rules.hash),
                soci::into(stored, ind);
            if (ind != soci::i_ok) {
                check_ruleset(rules);
                sql() << "INSERT INTO custclass_rulesets (hash, name, version, yaml_text, stored_at) VALUES (" +
                             sql_literal(dialect_, rules.hash) + ", " + sql_literal(dialect_, rules.name) +
                             ", " + sql_literal(dialect_, rules.version) + ", " +
                             sql_literal(dialect_, rules.yaml) + ", " + sql_literal(dialect_, utc_now()) + ")";
            }
            const long long seq = next_run_seq();
            write_members(seq, assignments);
            const Publication finished = finish();
            const RunRecord& run = finished.run;
            const std::vector<ReferralReward>& rewards = finished.rewards;
            // The run's assignments are live (the view custclass_live_assignments) once the
            // run is recorded below; the hooks' overrides of the previous run go.
            sql() << "DELETE FROM custclass_live_overrides";
            // Rewards: a referee rewarded meanwhile (by another engine on this store) breaks the
            // primary key, and the run fails rather than reward twice.
            if (!rewards.empty()) {
                BulkInsert granted(sql(), "custclass_referral_rewards",
                                   {"referee_id", "referrer_id", "referred_on", "first_purchase",
                                    "run_id", "rewarded_at"});
                for (const ReferralReward& r : rewards)
                    granted.add_row({r.referee_id, r.referrer_id, r.referred_on, r.first_purchase,
                                     run.run_id, run.finished_at});
                granted.finish();
            }
            insert_run(run, seq);
            insert_audit(actor, "run", run.run_id, run.customers,
                         "rule set " + rules.name + " " + rules.version + ", as of " + run.as_of +
                             (rules.purpose.empty() ? std::string() : ", purpose " + rules.purpose),
                         run.run_id);
            tx.commit();
            return 0;
        });
    }

    void record_unsuccessful(const RunRecord& run, const std::string& actor) {
        guarded("recording the run", [&] {
            WriteTransaction tx(sql(), dialect_);
            insert_run(run, next_run_seq());
            insert_audit(actor, "run_" + run.status, run.run_id, 0, run.message, run.run_id);
            tx.commit();
            return 0;
        });
    }

    // The runs' cut points, in a database migrated to schema 2 or later (NULL before: a database
    // that an older plugin wrote, read before this plugin's first run migrates it).
    std::string population_column() {
        if (!population_column_known_) population_column_known_ = schema_version() >= 2;
        return population_column_known_ ? "population_json" : "NULL";
    }

    std::optional<RunRecord> select_run(const std::string& where) {
        return guarded("reading a run", [&]() -> std::optional<RunRecord> {
            if (!has_table("custclass_runs")) return std::nullopt;
            soci::row row;
            soci::statement st = (sql().prepare
                                      << "SELECT run_id, ruleset_hash, as_of, started_at, finished_at, status, "
                                         "customers, summary_json, message, " + population_column() +
                                         " FROM custclass_runs " + where,
                                  soci::into(row));
            if (!st.execute(true)) return std::nullopt;
            auto text = [&](std::size_t i) {
                return row.get_indicator(i) == soci::i_null ? std::string() : row.get<std::string>(i);
            };
            RunRecord r;
            r.run_id = text(0);
            r.ruleset_hash = text(1);
            r.as_of = text(2);
            r.started_at = text(3);
            r.finished_at = text(4);
            r.status = text(5);
            r.customers = count_of(row, 6);
            r.summary_json = text(7);
            r.message = text(8);
            r.population_json = text(9);
            return r;
        });
    }

    void read_assignments(const std::string& run_id, const AssignmentSink& sink) {
        guarded("reading the assignments of a run", [&] {
            if (compact())
                read_compact_assignments(run_id, sink);
            else if (has_table("custclass_assignments"))
                read_old_assignments(run_id, sink);
            return 0;
        });
    }

    // A run's rows of custclass_assignments as a table (before schema 6).
    void read_old_assignments(const std::string& run_id, const AssignmentSink& sink) {
        constexpr std::size_t kBatch = 5000;
        std::vector<std::string> customers(kBatch), classifications(kBatch), segments(kBatch);
        std::vector<soci::indicator> segment_null(kBatch);
        soci::statement st =
            (sql().prepare << "SELECT customer_id, classification, segment FROM custclass_assignments "
                              "WHERE run_id = " + sql_literal(dialect_, run_id),
             soci::into(customers), soci::into(classifications), soci::into(segments, segment_null));
        st.execute();
        while (st.fetch()) {
            for (std::size_t i = 0; i < customers.size(); ++i)
                sink(customers[i], classifications[i],
                     segment_null[i] == soci::i_null ? std::nullopt
                                                     : std::optional<std::string_view>(segments[i]));
            customers.resize(kBatch);
            classifications.resize(kBatch);
            segments.resize(kBatch);
            segment_null.resize(kBatch);
        }
    }

    // A run's assignments from the compact tables: its codes, then a row per customer.
    void read_compact_assignments(const std::string& run_id, const AssignmentSink& sink) {
        long long seq = 0;
        soci::indicator seq_ind = soci::i_null;
        std::string id = run_id;
        sql() << "SELECT run_seq FROM custclass_runs WHERE run_id = :r", soci::use(id), soci::into(seq, seq_ind);
        if (seq_ind != soci::i_ok) return;
        std::vector<std::optional<SegmentCode>> codes;
        {
            const soci::rowset<soci::row> rows =
                (sql().prepare << "SELECT code, classification, segment FROM custclass_run_segments "
                                  "WHERE run_seq = :s", soci::use(seq));
            for (const soci::row& row : rows) {
                const std::uint64_t code = count_of(row, 0);
                if (code == 0 || code > 1'000'000)
                    throw DatabaseError("result store: custclass_run_segments holds code " +
                                        std::to_string(code) + " for run `" + run_id +
                                        "`; codes are numbered from 1");
                if (codes.size() < code) codes.resize(code);
                codes[code - 1] = SegmentCode{text_of(row, 1), nullable_text_of(row, 2)};
            }
        }
        constexpr std::size_t kBatch = 5000;
        std::vector<std::string> customers(kBatch), flags(kBatch);
        soci::statement st = (sql().prepare << "SELECT customer_id, segment_flags FROM custclass_run_members "
                                               "WHERE run_seq = :s",
                              soci::use(seq), soci::into(customers), soci::into(flags));
        st.execute();
        while (st.fetch()) {
            for (std::size_t i = 0; i < customers.size(); ++i) {
                try {
                    for_each_segment_code(flags[i], [&](std::uint32_t code) {
                        if (code > codes.size() || !codes[code - 1])
                            throw std::invalid_argument("code " + std::to_string(code) +
                                                        " is not among the run's codes in custclass_run_segments");
                        const SegmentCode& pair = *codes[code - 1];
                        sink(customers[i], pair.classification,
                             pair.segment ? std::optional<std::string_view>(*pair.segment) : std::nullopt);
                    });
                } catch (const std::invalid_argument& e) {
                    throw DatabaseError("result store: custclass_run_members, run `" + run_id +
                                        "`, customer `" + customers[i] + "`: " + e.what());
                }
            }
            customers.resize(kBatch);
            flags.resize(kBatch);
        }
    }

    // One customer's live rows replaced (a hook), in one transaction, with bound values.
    void replace_live(const std::string& customer_id, const std::string& run_id,
                      const std::vector<LiveAssignment>& rows) {
        guarded("updating the live assignments of a customer", [&] {
            WriteTransaction tx(sql(), dialect_);
            if (!live_) live_ = std::make_unique<LiveStatements>(sql());
            LiveStatements& st = *live_;
            st.customer = customer_id;
            st.remove.execute(true);
            st.run = run_id;
            st.at = utc_now();
            // No rows: one row without a classification, which hides the run's rows.
            const std::vector<LiveAssignment> gone(1);
            for (const LiveAssignment& row : rows.empty() ? gone : rows) {
                st.classification = row.classification;
                st.segment = row.segment.value_or("");
                st.classification_ind = rows.empty() ? soci::i_null : soci::i_ok;
                st.segment_ind = row.segment ? soci::i_ok : soci::i_null;
                st.insert.execute(true);
            }
            tx.commit();
            return 0;
        });
    }

    void read_live_members(const std::string& classification, const std::string& segment,
                           const std::function<void(std::string_view)>& sink) {
        guarded("reading the members of a segment", [&] {
            if (!has_table("custclass_live_assignments")) return 0;
            constexpr std::size_t kBatch = 5000;
            std::vector<std::string> customers(kBatch);
            std::string k = classification, s = segment;
            soci::statement st =
                (sql().prepare << "SELECT customer_id FROM custclass_live_assignments "
                                  "WHERE classification = :k AND segment = :s ORDER BY customer_id",
                 soci::use(k), soci::use(s), soci::into(customers));
            st.execute();
            while (st.fetch()) {
                for (const auto& c : customers) sink(c);
                customers.resize(kBatch);
            }
            return 0;
        });
    }

    // The compact tables' rows of one customer, found through the members' key run by run
    // (`WHERE customer_id = …` alone would read every member of every run).
    static std::string members_of_customer() {
        return " m.run_seq IN (SELECT run_seq FROM custclass_runs) AND m.customer_id = :c";
    }

    std::vector<CustomerRunAssignment> read_customer_history(const std::string& customer_id) {
        return guarded("reading the history of a customer", [&] {
            std::vector<CustomerRunAssignment> out;
            if (!has_table("custclass_assignments")) return out;
            std::string c = customer_id;
            const std::string query =
                compact() ? "SELECT r.run_id, r.as_of, s.classification, s.segment" + assignment_rows() +
                                " WHERE" + members_of_customer() +
                                " ORDER BY r.run_seq, s.classification, s.segment"
                          : "SELECT a.run_id, r.as_of, a.classification, a.segment "
                            "FROM custclass_assignments a JOIN custclass_runs r ON r.run_id = a.run_id "
                            "WHERE a.customer_id = :c ORDER BY r.run_seq, a.classification, a.segment";
            const soci::rowset<soci::row> rows = (sql().prepare << query, soci::use(c));
            for (const soci::row& row : rows)
                out.push_back({text_of(row, 0), text_of(row, 1), text_of(row, 2), nullable_text_of(row, 3)});
            return out;
        });
    }

    std::vector<LiveAssignmentRecord> read_live_assignments_of(const std::string& customer_id) {
        return guarded("reading the live assignments of a customer", [&] {
            std::vector<LiveAssignmentRecord> out;
            if (!has_table("custclass_live_assignments")) return out;
            std::string c = customer_id;
            const soci::rowset<soci::row> rows =
                (sql().prepare << "SELECT classification, segment, run_id, updated_at "
                                  "FROM custclass_live_assignments WHERE customer_id = :c "
                                  "ORDER BY classification, segment",
                 soci::use(c));
            for (const soci::row& row : rows)
                out.push_back({text_of(row, 0), nullable_text_of(row, 1), text_of(row, 2), text_of(row, 3)});
            return out;
        });
    }

    std::vector<AuditEntry> read_audit_entries_of(const std::string& subject) {
        return guarded("reading the audit log", [&] {
            std::vector<AuditEntry> out;
            if (!has_table("custclass_audit_log")) return out;
            std::string s = subject;
            // Entries written before migration 3 have no number: first, by time.
            const std::string order = audit_has_seq() ? "COALESCE(seq, 0), at, entry_id" : "at, entry_id";
            const soci::rowset<soci::row> rows =
                (sql().prepare << "SELECT entry_id, at, actor, action, subject, customers, detail "
                                  "FROM custclass_audit_log WHERE subject = :s ORDER BY " + order,
                 soci::use(s));
            for (const soci::row& row : rows) {
                AuditEntry e{text_of(row, 0), text_of(row, 1), text_of(row, 2), text_of(row, 3),
                             nullable_text_of(row, 4), std::nullopt, text_of(row, 6)};
                if (row.get_indicator(5) != soci::i_null) e.customers = count_of(row, 5);
                out.push_back(std::move(e));
            }
            return out;
        });
    }

    // Runs a bound DELETE or UPDATE; the rows it changed.
    template <typename... Uses>
    std::uint64_t change(const std::string& statement, Uses&&... uses) {
        soci::statement st = ((sql().prepare << statement), ..., std::forward<Uses>(uses));
        st.execute(true);
        const long long n = st.get_affected_rows();
        return n > 0 ? static_cast<std::uint64_t>(n) : 0;
    }

    CustomerErasure erase_customer(const std::string& customer_id, const PopulationScrubber& scrub,
                                   const ErasureTombstone& tombstone) {
        return guarded("erasing a customer", [&] {
            CustomerErasure erased;
            WriteTransaction tx(sql(), dialect_);
            std::string c = customer_id;
            // The live rows are a view of the latest run's rows and the hooks' overrides: counted
            // first, then gone with the rows they show.
            long long live = 0;
            sql() << "SELECT count(*) FROM custclass_live_assignments WHERE customer_id = :c", soci::use(c),
                soci::into(live);
            erased.live_assignments = static_cast<std::uint64_t>(live);
            if (compact()) {
                // Counted as custclass_assignments shows them: the flags set in the rows.
                const soci::rowset<soci::row> rows =
                    (sql().prepare << "SELECT m.segment_flags FROM custclass_run_members m WHERE" +
                                          members_of_customer(),
                     soci::use(c));
                for (const soci::row& row : rows) {
                    const std::string flags = text_of(row, 0);
                    erased.assignments += static_cast<std::uint64_t>(std::count(flags.begin(), flags.end(), '1'));
                }
                change("DELETE FROM custclass_run_members WHERE run_seq IN (SELECT run_seq FROM custclass_runs) "
                       "AND customer_id = :c",
                       soci::use(c));
            } else {
                erased.assignments =
                    change("DELETE FROM custclass_assignments WHERE customer_id = :c", soci::use(c));
            }
            change("DELETE FROM custclass_live_overrides WHERE customer_id = :c", soci::use(c));
            erased.audit_entries =
                change("DELETE FROM custclass_audit_log WHERE subject = :c", soci::use(c));
            if (has_table("custclass_referral_rewards")) {
                erased.referral_rewards =
                    change("DELETE FROM custclass_referral_rewards WHERE referee_id = :c", soci::use(c));
                // A reward whose referrer is erased stays, without its id, so that the referee
                // is not rewarded again by a later run.
                std::string c2 = customer_id;
                erased.referral_rewards += change(
                    "UPDATE custclass_referral_rewards SET referrer_id = '(erased)' WHERE referrer_id = :c",
                    soci::use(c2));
            }

            // The cut points of every run: read first, then rewritten (no statement is left
            // open on the session while another one writes).
            if (population_column() != "NULL") {
                std::vector<std::pair<std::string, std::string>> runs;
                const soci::rowset<soci::row> rows =
                    (sql().prepare << "SELECT run_id, population_json FROM custclass_runs "
                                      "WHERE population_json IS NOT NULL");
                for (const soci::row& row : rows) runs.emplace_back(text_of(row, 0), text_of(row, 1));
                for (auto& [run_id, text] : runs) {
                    std::optional<std::string> population = text;
                    const std::uint64_t named = scrub(population);
                    if (named == 0) continue;
                    erased.cut_points += named;
                    std::string r = run_id, p = population.value_or("");
                    soci::indicator p_ind = population ? soci::i_ok : soci::i_null;
                    change("UPDATE custclass_runs SET population_json = :p WHERE run_id = :r",
                           soci::use(p, p_ind), soci::use(r));
                }
            }

            // Messages that quote the id (a failed run's error naming the customer's row).
            const std::string quoted = "`" + customer_id + "`";
            const std::string pattern = like_anywhere(quoted);
            auto scrub_messages = [&](const std::string& table, const std::string& key,
                                      const std::string& column) {
                std::vector<std::pair<std::string, std::string>> found;
                std::string p = pattern;
                const soci::rowset<soci::row> rows =
                    (sql().prepare << "SELECT " + key + ", " + column + " FROM " + table + " WHERE " +
                                          column + " LIKE :p ESCAPE '!'",
                     soci::use(p));
                for (const soci::row& row : rows) found.emplace_back(text_of(row, 0), text_of(row, 1));
                for (auto& [k, text] : found) {
                    if (replace_all(text, quoted, "`(erased)`") == 0) continue;  // a case-insensitive LIKE
                    ++erased.messages;
                    change("UPDATE " + table + " SET " + column + " = :t WHERE " + key + " = :k",
                           soci::use(text), soci::use(k));
                }
            };
            scrub_messages("custclass_runs", "run_id", "message");
            scrub_messages("custclass_audit_log", "entry_id", "detail");

            erased.at = utc_now();
            const std::string detail =
                "erased what the plugin held on one customer: " + std::to_string(erased.assignments) +
                " assignments, " + std::to_string(erased.live_assignments) + " live assignments, " +
                std::to_string(erased.audit_entries) + " audit entries, " +
                std::to_string(erased.cut_points) + " cut points, " + std::to_string(erased.messages) +
                " messages";
            insert_audit(tombstone.actor, "erasure", tombstone.subject, 1, detail, tombstone.entry_id,
                         erased.at);
            tx.commit();
            return erased;
        });
    }

    std::uint64_t purge_runs_before(const std::string& cutoff) {
        return guarded("purging old runs", [&]() -> std::uint64_t {
            if (!has_table("custclass_runs")) return 0;
            WriteTransaction tx(sql(), dialect_);
            std::string latest;
            soci::indicator latest_ind = soci::i_null;
            sql() << "SELECT run_id FROM custclass_runs WHERE status = 'succeeded' "
                     "ORDER BY run_seq DESC LIMIT 1",
                soci::into(latest, latest_ind);
            if (latest_ind != soci::i_ok) latest.clear();
            std::string cut_a = cutoff, keep_a = latest, cut_b = cutoff, keep_b = latest;
            if (compact()) {
                for (const char* table : {"custclass_run_members", "custclass_run_segments"}) {
                    std::string cut = cutoff, keep = latest;
                    change(std::string("DELETE FROM ") + table +
                               " WHERE run_seq IN (SELECT run_seq FROM custclass_runs "
                               "WHERE finished_at < :t AND run_id <> :k)",
                           soci::use(cut), soci::use(keep));
                }
            } else {
                change("DELETE FROM custclass_assignments WHERE run_id IN (SELECT run_id FROM custclass_runs "
                       "WHERE finished_at < :t AND run_id <> :k)",
                       soci::use(cut_a), soci::use(keep_a));
            }
            const std::uint64_t runs =
                change("DELETE FROM custclass_runs WHERE finished_at < :t AND run_id <> :k",
                       soci::use(cut_b), soci::use(keep_b));
            tx.commit();
            return runs;
        });
    }

    // The statements of a hook's live update, prepared once per connection (a hook runs them
    // for each customer) and bound to the values here.
    struct LiveStatements {
        std::string customer, classification, segment, run, at;
        soci::indicator classification_ind = soci::i_ok, segment_ind = soci::i_ok;
        soci::statement remove, insert;
        explicit LiveStatements(soci::session& sql)
            : remove((sql.prepare << "DELETE FROM custclass_live_overrides WHERE customer_id = :c",
                      soci::use(customer))),
              insert((sql.prepare << "INSERT INTO custclass_live_overrides (customer_id, classification, "
                                     "segment, run_id, updated_at) VALUES (:c, :k, :s, :r, :u)",
                      soci::use(customer), soci::use(classification, classification_ind),
                      soci::use(segment, segment_ind), soci::use(run), soci::use(at))) {}
    };

    ConnectionSpec spec_;
    Dialect dialect_;
    std::unique_ptr<soci::session> session_;
    std::unique_ptr<LiveStatements> live_;  // after session_: destroyed before it
    bool population_column_known_ = false;
    bool audit_seq_known_ = false;
    bool compact_known_ = false;
};

ResultStore::ResultStore(ConnectionSpec spec) : impl_(std::make_unique<Impl>(std::move(spec))) {}
ResultStore::~ResultStore() = default;

int ResultStore::latest_schema_version() {
    return static_cast<int>(migrations(Dialect::SQLite).size());
}
void ResultStore::migrate(int up_to) { impl_->migrate(up_to); }
int ResultStore::schema_version() { return impl_->schema_version(); }
void ResultStore::check_ruleset(const StoredRuleSet& rules) { impl_->check_ruleset(rules); }
void ResultStore::publish(const StoredRuleSet& rules, const RunRecord& run,
                          const std::function<void(const AssignmentSink&)>& assignments,
                          const std::string& actor, const std::vector<ReferralReward>& rewards) {
    impl_->publish(rules, assignments, [&] { return Publication{run, rewards}; }, actor);
}
void ResultStore::publish(const StoredRuleSet& rules, const std::function<void(const AssignmentSink&)>& assignments,
                          const std::function<Publication()>& finish, const std::string& actor) {
    impl_->publish(rules, assignments, finish, actor);
}
std::set<std::string> ResultStore::rewarded_referees() {
    return impl_->guarded("reading the referral rewards", [&] {
        std::set<std::string> out;
        if (!impl_->has_table("custclass_referral_rewards")) return out;
        const soci::rowset<soci::row> rows =
            (impl_->sql().prepare << "SELECT referee_id FROM custclass_referral_rewards");
        for (const soci::row& row : rows) out.insert(text_of(row, 0));
        return out;
    });
}
std::vector<ReferralReward> ResultStore::read_referral_rewards(const std::optional<std::string>& run_id,
                                                               const std::optional<std::string>& customer_id) {
    return impl_->guarded("reading the referral rewards", [&] {
        std::vector<ReferralReward> out;
        if (!impl_->has_table("custclass_referral_rewards")) return out;
        std::string where = " WHERE 1 = 1";
        if (run_id) where += " AND run_id = " + sql_literal(impl_->dialect_, *run_id);
        if (customer_id)
            where += " AND (referee_id = " + sql_literal(impl_->dialect_, *customer_id) +
                     " OR referrer_id = " + sql_literal(impl_->dialect_, *customer_id) + ")";
        const soci::rowset<soci::row> rows =
            (impl_->sql().prepare << "SELECT referee_id, referrer_id, referred_on, first_purchase, run_id, "
                                     "rewarded_at FROM custclass_referral_rewards" + where +
                                     " ORDER BY first_purchase, referee_id");
        for (const soci::row& row : rows) {
            ReferralReward r;
            r.referee_id = text_of(row, 0);
            r.referrer_id = text_of(row, 1);
            r.referred_on = nullable_text_of(row, 2);
            r.first_purchase = text_of(row, 3);
            r.run_id = text_of(row, 4);
            r.rewarded_at = text_of(row, 5);
            out.push_back(std::move(r));
        }
        return out;
    });
}
void ResultStore::record_unsuccessful(const RunRecord& run, const std::string& actor) {
    impl_->record_unsuccessful(run, actor);
}
std::optional<RunRecord> ResultStore::find_run(const std::string& run_id) {
    return impl_->select_run("WHERE run_id = " + sql_literal(impl_->dialect_, run_id));
}
std::optional<RunRecord> ResultStore::previous_succeeded_run(const std::string& run_id) {
    return impl_->select_run(
        "WHERE status = 'succeeded' AND run_seq < (SELECT run_seq FROM custclass_runs WHERE run_id = " +
        sql_literal(impl_->dialect_, run_id) + ") ORDER BY run_seq DESC LIMIT 1");
}
void ResultStore::read_assignments(const std::string& run_id, const AssignmentSink& sink) {
    impl_->read_assignments(run_id, sink);
}
void ResultStore::record_audit(const std::string& entry_id, const std::string& actor,
                               const std::string& action, const std::string& subject,
                               std::uint64_t customers, const std::string& detail) {
    impl_->guarded("writing the audit log", [&] {
        WriteTransaction tx(impl_->sql(), impl_->dialect_);
        impl_->insert_audit(actor, action, subject, customers, detail, entry_id);
        tx.commit();
        return 0;
    });
}

void ResultStore::replace_live_assignments(const std::string& customer_id, const std::string& run_id,
                                           const std::vector<LiveAssignment>& rows) {
    impl_->replace_live(customer_id, run_id, rows);
}
void ResultStore::read_live_members(const std::string& classification, const std::string& segment,
                                    const std::function<void(std::string_view)>& sink) {
    impl_->read_live_members(classification, segment, sink);
}
std::vector<CustomerRunAssignment> ResultStore::read_customer_history(const std::string& customer_id) {
    return impl_->read_customer_history(customer_id);
}
std::vector<LiveAssignmentRecord> ResultStore::read_live_assignments_of(const std::string& customer_id) {
    return impl_->read_live_assignments_of(customer_id);
}
std::vector<AuditEntry> ResultStore::read_audit_entries_of(const std::string& subject) {
    return impl_->read_audit_entries_of(subject);
}
CustomerErasure ResultStore::erase_customer(const std::string& customer_id,
                                            const PopulationScrubber& scrub,
                                            const ErasureTombstone& tombstone) {
    return impl_->erase_customer(customer_id, scrub, tombstone);
}
std::uint64_t ResultStore::purge_runs_before(const std::string& utc_iso_cutoff) {
    return impl_->purge_runs_before(utc_iso_cutoff);
}
std::optional<RunRecord> ResultStore::latest_succeeded_run() {
    return impl_->select_run(
        "WHERE status = 'succeeded' ORDER BY run_seq DESC LIMIT 1");
}

}  // namespace custclass::adapters
