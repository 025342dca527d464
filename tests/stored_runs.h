// A stored rule set and a succeeded run record, for the tests that publish runs straight through
// the result store (unit and integration tests alike).
#pragma once

#include <string>

#include "result_store.h"

namespace custclass::test {

inline const adapters::StoredRuleSet kStoredRules{"t", "1", "sha256:00", "name: t", "rules.yaml", ""};

// A succeeded run of kStoredRules that finished at `finished_at` (its day is the run's date).
inline adapters::RunRecord succeeded_run(const std::string& id, const std::string& finished_at) {
    adapters::RunRecord r;
    r.run_id = id;
    r.ruleset_hash = kStoredRules.hash;
    r.as_of = finished_at.substr(0, 10);
    r.started_at = finished_at;
    r.finished_at = finished_at;
    r.status = "succeeded";
    return r;
}

}  // namespace custclass::test
