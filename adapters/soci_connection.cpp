#include "soci_connection.h"

#include <soci/mysql/soci-mysql.h>
#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <cstdlib>
#include <cstring>

#include "source.h"

namespace custclass::adapters {

Dialect dialect_of(const ConnectionSpec& spec) {
    const std::size_t sep = spec.connection.find("://");
    return dialect_of_backend(sep == std::string::npos ? std::string_view()
                                                       : std::string_view(spec.connection).substr(0, sep));
}

std::unique_ptr<soci::session> connect(const ConnectionSpec& spec) {
    const Dialect dialect = dialect_of(spec);
    std::string params = spec.connection.substr(spec.connection.find("://") + 3);
    if (!spec.password_env.empty()) {
        const char* password = std::getenv(spec.password_env.c_str());
        if (!password)
            throw DatabaseError("the environment variable `" + spec.password_env +
                                "` named by `password_env` is not set");
        params += " password=" + std::string(password);
    }
    const soci::backend_factory* factory = nullptr;
    const char* name = "";
    switch (dialect) {
        case Dialect::SQLite: factory = soci::factory_sqlite3(); name = "SQLite"; break;
        case Dialect::PostgreSQL: factory = soci::factory_postgresql(); name = "PostgreSQL"; break;
        case Dialect::MySQL: factory = soci::factory_mysql(); name = "MySQL/MariaDB"; break;
    }
    try {
        auto session = std::make_unique<soci::session>(*factory, params);
        if (dialect == Dialect::SQLite) *session << "PRAGMA busy_timeout = 10000";
        // Text arrives as UTF-8 whatever the server's default character set.
        if (dialect == Dialect::MySQL) *session << "SET NAMES utf8mb4";
        // Dates as YYYY-MM-DD whatever DateStyle the server, database or role sets; text as
        // UTF-8 whatever PGCLIENTENCODING says (the COPY reader, row_stream.cpp, decodes its
        // backslash escapes byte by byte, which only an encoding like UTF-8 allows).
        if (dialect == Dialect::PostgreSQL) *session << "SET DateStyle = ISO";
        if (dialect == Dialect::PostgreSQL) *session << "SET client_encoding = 'UTF8'";
        return session;
    } catch (const std::exception& e) {
        std::string message = e.what();
        if (!spec.password_env.empty()) {  // never echo the password
            const char* password = std::getenv(spec.password_env.c_str());
            for (std::size_t at; password && *password &&
                                 (at = message.find(password)) != std::string::npos;)
                message.replace(at, std::strlen(password), "***");
        }
        throw DatabaseError(std::string("cannot connect to the ") + name + " database: " + message);
    }
}

}  // namespace custclass::adapters
