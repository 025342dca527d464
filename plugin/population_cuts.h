// Population cut points: where the customers of a full run put the boundaries of the features
// that place one customer among all the others (RULES.md section 4: r_score, f_score, m_score,
// and so rfm; pareto_class). A full run records them with its results; the hooks, which read one
// customer, score that customer against them instead of against a population they do not read.
// For every customer of the run itself the cut points give exactly the value the full run gave.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "lifetime_value.h"

namespace custclass::plugin {

// The quintile boundaries of one r/f/m score. With the active customers' values ordered from
// worst to best (u_0 worst) and k_s = ceil((s − 1) × n / 5), a customer scores at least s
// (s = 2..5) exactly when its value is strictly better than u_(k_s − 1): 1 + floor(5w/n) ≥ s
// ⇔ w ≥ k_s, and w (active customers strictly worse) ≥ k ⇔ the k-th worst is strictly worse.
struct ScoreCuts {
    bool better_is_larger = true;  // frequency, monetary: larger is better; recency: smaller
    std::uint64_t active = 0;      // n, the customers ranked
    std::array<std::int64_t, 4> bounds{};  // u_(k_s − 1) for s = 2, 3, 4, 5

    // From the values of the active customers, in ascending order.
    static ScoreCuts of_ascending(const std::vector<std::int64_t>& ascending, bool better_is_larger);
    // The score of a value among the customers the cuts were taken from: 1 to 5. With no active
    // customer at all, 1 (a population of one has nobody worse).
    int score(std::int64_t value) const;
};

// The boundaries of pareto_class: customers with monetary > 0 ordered by monetary descending
// then customer id ascending, each class a run of that order; the last customer of class A and
// of class B (absent when the class is empty).
struct ParetoCuts {
    struct Key {
        std::int64_t monetary = 0;  // minor units
        std::string customer_id;
    };
    std::optional<Key> last_a, last_b;

    // "A", "B" or "C" for a customer with monetary > 0 (nullopt otherwise). With no customer
    // with monetary > 0 in the run, "A" (a population of one: nobody ranks ahead).
    std::optional<const char*> pareto_class(std::int64_t monetary,
                                            const std::string& customer_id) const;
};

// The predicted-value models a run fitted (absent: not fitted, or the fit did not converge).
struct LifetimeValueModels {
    std::optional<BgNbdParameters> bg_nbd;
    std::optional<GammaGammaParameters> gamma_gamma;
};

struct PopulationCuts {
    std::optional<ScoreCuts> recency, frequency, monetary;  // present when the run ranked them
    std::optional<ParetoCuts> pareto;                       // present when the run computed it
    std::optional<LifetimeValueModels> lifetime_value;      // present when the run fitted them

    nlohmann::json to_json() const;
    // Throws std::invalid_argument when the document is not one to_json wrote.
    static PopulationCuts from_json(const nlohmann::json& document);
};

}  // namespace custclass::plugin
