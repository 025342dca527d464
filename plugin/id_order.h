// The order in which a run's customers are handed to the result store: by customer id, byte by
// byte. That is the order of the members table's key (SQLite's BINARY collation, MariaDB's
// utf8mb4_bin), so that the key's B-tree grows at its end instead of at random pages. Hosts
// whose ids do not come in that order pay for the difference on every run: a million UUIDs
// inserted as read took SQLite ~1 s longer than the same rows in key order (bench/RESULTS.md);
// numbers written as text ("9" after "10") ~0.2 s.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace custclass::plugin {

// The rows of `ids` in increasing byte order of their ids (ties, which distinct ids never make,
// by row); empty when the ids are in that order already.
std::vector<std::uint32_t> rows_in_id_order(const std::vector<std::string>& ids);

}  // namespace custclass::plugin
