// A SQLite connection's mutex held for a scope. On a connection in serialized mode (SOCI opens
// its connections so) every API call takes the connection's recursive mutex: held around a loop
// of calls, each of them only counts up and down instead of locking.
#pragma once

// SOCI's SQLite header includes <sqlite3.h> inside namespace sqlite_api.
#include <soci/sqlite3/soci-sqlite3.h>

namespace custclass::adapters {

class SqliteMutexHold {
public:
    explicit SqliteMutexHold(sqlite_api::sqlite3_mutex* mutex) : mutex_(mutex) {
        sqlite_api::sqlite3_mutex_enter(mutex_);  // a no-op on a null mutex (no threading)
    }
    ~SqliteMutexHold() { sqlite_api::sqlite3_mutex_leave(mutex_); }
    SqliteMutexHold(const SqliteMutexHold&) = delete;
    SqliteMutexHold& operator=(const SqliteMutexHold&) = delete;

private:
    sqlite_api::sqlite3_mutex* mutex_;
};

}  // namespace custclass::adapters
