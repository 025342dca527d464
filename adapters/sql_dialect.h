// How the SQL text of each supported database differs: quoting of identifiers and literals,
// columns read as text, the long-text type, wrapping a mapped query. Differences of protocol
// rather than text (how a large result streams, where the schema is described, what pushdown
// can total) stay with the code that talks to the database (row_stream, preset_sql,
// soci_source), which branches on Dialect.
#pragma once

#include <string>
#include <string_view>

namespace custclass::adapters {

enum class Dialect { SQLite, PostgreSQL, MySQL };

// From a SOCI backend name (sqlite3, postgresql, mysql); throws std::invalid_argument otherwise.
Dialect dialect_of_backend(std::string_view backend);

// An identifier quoted for the dialect ("x" or `x`).
std::string quote_identifier(Dialect dialect, std::string_view name);

// A text value as an SQL string literal (quotes doubled; backslashes too for MySQL, which
// treats them as escapes by default).
std::string sql_literal(Dialect dialect, std::string_view text);

// The column type for long text (the YAML of a rule set, a summary document).
const char* long_text_type(Dialect dialect);

// `SELECT <columns> FROM (<query>) AS <alias>`: a mapped query wrapped as a derived table.
std::string wrap_query(Dialect dialect, std::string_view query, std::string_view columns);

// A mapped query with its trailing semicolons and white space removed, ready to wrap.
std::string strip_query(std::string_view query);

}  // namespace custclass::adapters
