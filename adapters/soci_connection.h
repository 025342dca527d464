// Opening a SOCI session from a connection string of the engine config ("backend://params"),
// with the password taken from an environment variable, never from a file. Used by the source
// and by the result store.
#pragma once

#include <memory>
#include <string>

#include "sql_dialect.h"

namespace soci {
class session;
}

namespace custclass::adapters {

struct ConnectionSpec {
    std::string connection;    // "sqlite3://db=…", "postgresql://…", "mysql://…"
    std::string password_env;  // the environment variable holding the password, or ""
};

Dialect dialect_of(const ConnectionSpec& spec);

// Connects; throws DatabaseError naming the backend (never the password) on failure.
std::unique_ptr<soci::session> connect(const ConnectionSpec& spec);

}  // namespace custclass::adapters
