// An enrichment table (market information, e.g. median household income per district): read
// from a CSV file or from a query on the source database, keyed by a customer feature. The
// feature builder joins its columns to customers as `enrich.<table>.<column>`.
#pragma once

#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "rule_set.h"
#include "source.h"

namespace custclass::plugin {

struct EnrichmentTable {
    std::vector<std::string> columns;  // the declared columns, in declaration order
    std::unordered_map<std::string, std::vector<std::optional<std::string>>> rows;  // by key
};

// Reads the table; a missing column, a duplicate key or an unreadable file is an error naming
// the table, the file (line) or query, and the value.
EnrichmentTable load_enrichment(const config::EnrichmentDecl& decl, adapters::Source& source);

}  // namespace custclass::plugin
