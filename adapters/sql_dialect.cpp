#include "sql_dialect.h"

#include <cctype>
#include <stdexcept>

namespace custclass::adapters {

Dialect dialect_of_backend(std::string_view backend) {
    if (backend == "sqlite3") return Dialect::SQLite;
    if (backend == "postgresql") return Dialect::PostgreSQL;
    if (backend == "mysql") return Dialect::MySQL;
    throw std::invalid_argument("unsupported database backend `" + std::string(backend) + "`");
}

std::string quote_identifier(Dialect dialect, std::string_view name) {
    const char q = dialect == Dialect::MySQL ? '`' : '"';
    std::string out(1, q);
    for (char c : name) {
        if (c == q) out += q;  // doubled to escape
        out += c;
    }
    out += q;
    return out;
}

std::string sql_literal(Dialect dialect, std::string_view text) {
    std::string out = "'";
    out.reserve(text.size() + 2);
    for (char c : text) {
        if (c == '\'') out += '\'';
        if (c == '\\' && dialect == Dialect::MySQL) out += '\\';
        out += c;
    }
    return out + "'";
}

const char* long_text_type(Dialect dialect) {
    return dialect == Dialect::MySQL ? "LONGTEXT" : "TEXT";
}

std::string strip_query(std::string_view query) {
    while (!query.empty() &&
           (query.back() == ';' || std::isspace(static_cast<unsigned char>(query.back()))))
        query.remove_suffix(1);
    return std::string(query);
}

std::string wrap_query(Dialect dialect, std::string_view query, std::string_view columns) {
    return "SELECT " + std::string(columns) + " FROM (" + strip_query(query) + "\n) AS " +
           quote_identifier(dialect, "custclass_q");
}

}  // namespace custclass::adapters
