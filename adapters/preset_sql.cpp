#include "preset_sql.h"
#include "text.h"

#include <soci/soci.h>

#include <algorithm>
#include <cctype>
#include <set>
#include <stdexcept>

#include "source.h"

namespace custclass::adapters {

namespace {

using config::ascii_lower;
std::string lower(std::string_view text) { return ascii_lower(text); }

std::string joined(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
    return out;
}

// Every column of the named tables, as "table.column" (lower-cased where the database does not
// tell case apart: MySQL's columns, SQLite's tables and columns), and the tables that exist.
struct Catalog {
    std::set<std::string> tables;
    std::set<std::string> columns;
};

Catalog read_catalog(soci::session& session, Dialect dialect, const std::set<std::string>& tables) {
    Catalog catalog;
    if (tables.empty()) return catalog;
    const bool fold = dialect != Dialect::PostgreSQL;
    auto add = [&](std::string table, std::string column) {
        if (fold) {
            table = lower(table);
            column = lower(column);
        }
        catalog.tables.insert(table);
        catalog.columns.insert(table + "." + column);
    };
    if (dialect == Dialect::SQLite) {
        for (const auto& table : tables) {
            soci::rowset<std::string> rows =
                (session.prepare << "SELECT name FROM pragma_table_info(" +
                                        sql_literal(dialect, table) + ")");
            for (const auto& column : rows) add(table, column);
        }
        return catalog;
    }
    std::string list;
    for (const auto& table : tables)
        list += (list.empty() ? "" : ", ") + sql_literal(dialect, table);
    const std::string schema = dialect == Dialect::PostgreSQL
                                   ? "table_schema = ANY (current_schemas(false))"
                                   : "table_schema = DATABASE()";
    const std::string names = dialect == Dialect::PostgreSQL ? "table_name::text, column_name::text"
                                                             : "table_name, column_name";
    soci::rowset<soci::row> rows =
        (session.prepare << "SELECT " + names + " FROM information_schema.columns WHERE " + schema +
                                " AND table_name IN (" + list + ")");
    for (const auto& row : rows) add(row.get<std::string>(0), row.get<std::string>(1));
    return catalog;
}

}  // namespace

std::string render_preset_sql(Dialect dialect, const std::string& text,
                              const std::map<std::string, config::SettingValue>& settings) {
    std::string out;
    std::size_t done = 0;
    for (const auto& p : config::placeholders(text)) {
        const auto it = settings.find(p.name);
        if (it == settings.end())
            throw std::invalid_argument("unknown preset setting `" + p.name + "`");
        const config::SettingValue& value = it->second;
        std::vector<std::string> parts;
        switch (value.type) {
            case config::SettingType::Identifier:
                parts = value.texts;
                break;
            case config::SettingType::Text:
            case config::SettingType::TextList:
                for (const auto& t : value.texts) parts.push_back(sql_literal(dialect, t));
                break;
            case config::SettingType::Integer:
            case config::SettingType::IntegerList:
                for (const auto i : value.integers) parts.push_back(std::to_string(i));
                break;
        }
        out += text.substr(done, p.offset - done) + joined(parts);
        done = p.offset + p.length;
    }
    return out + text.substr(done);
}

config::SourceConfig render_preset_queries(const config::SourceConfig& source) {
    config::SourceConfig out = source;
    const Dialect dialect = dialect_of_backend(source.backend);
    for (auto& [table, query] : out.queries) {
        if (!query.from_preset) continue;
        query.sql = render_preset_sql(dialect, query.sql, source.settings);
        for (auto& required : query.required)
            required.table = render_preset_sql(dialect, required.table, source.settings);
    }
    return out;
}

void check_preset_objects(soci::session& session, Dialect dialect,
                          const config::SourceConfig& source) {
    std::set<std::string> tables;
    for (const auto& [_, query] : source.queries)
        if (query.from_preset)
            for (const auto& required : query.required) tables.insert(required.table);
    if (tables.empty()) return;
    Catalog catalog;
    try {
        catalog = read_catalog(session, dialect, tables);
    } catch (const std::exception& e) {
        throw DatabaseError("reading the database's catalog to check the tables of the `" +
                            source.preset + "` preset failed: " + e.what());
    }
    const bool fold = dialect != Dialect::PostgreSQL;
    std::vector<std::string> problems;
    for (const auto& [table, query] : source.queries) {
        if (!query.from_preset) continue;
        std::vector<std::string> missing;
        for (const auto& required : query.required) {
            const std::string t = fold ? lower(required.table) : required.table;
            if (!catalog.tables.count(t)) {
                missing.push_back("the table `" + required.table + "`");
                continue;
            }
            for (const auto& column : required.columns)
                if (!catalog.columns.count(t + "." + (fold ? lower(column) : column)))
                    missing.push_back("the column `" + required.table + "." + column + "`");
        }
        if (missing.empty()) continue;
        const std::string name(config::table_name(table));
        problems.push_back("the `" + name + "` table (query at " + query.origin + ") needs " +
                           joined(missing) + ", which the database does not have");
    }
    if (problems.empty()) return;
    std::string message = "preset `" + source.preset + "` (" + source.preset_host + " " +
                          source.preset_versions + "): ";
    for (std::size_t i = 0; i < problems.size(); ++i) message += (i ? "; " : "") + problems[i];
    message += ". Is this a " + source.preset_host + " " + source.preset_versions +
               " database with the modules the preset reads? Otherwise override the query under "
               "`source.queries`, or set it to null to stop reading that table";
    throw DataError(message);
}

}  // namespace custclass::adapters
