// The SOCI source: reads the canonical tables from the host's own database (SQLite, PostgreSQL,
// MySQL/MariaDB) through the admin's mapped SELECTs, in bulk batches, and parses each value
// into the canonical rows. A missing column or an unparseable value is an error naming the
// table, the query, the key and the value.
#pragma once

#include <memory>

#include "engine_config.h"
#include "source.h"

namespace custclass::adapters {

std::unique_ptr<Source> make_soci_source(const config::SourceConfig& config);

}  // namespace custclass::adapters
