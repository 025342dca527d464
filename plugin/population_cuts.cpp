#include "population_cuts.h"

#include <algorithm>
#include <stdexcept>

namespace custclass::plugin {

ScoreCuts ScoreCuts::of_ascending(const std::vector<std::int64_t>& ascending, bool better_is_larger) {
    ScoreCuts cuts;
    cuts.better_is_larger = better_is_larger;
    cuts.active = ascending.size();
    if (ascending.empty()) return cuts;
    // The k-th value, worst first (k from 1): the k-th smallest when larger is better, else the
    // k-th largest.
    const auto n = static_cast<std::uint64_t>(ascending.size());
    const auto worst_first = [&](std::uint64_t k) { return better_is_larger ? ascending[k - 1] : ascending[n - k]; };
    for (std::uint64_t s = 2; s <= 5; ++s) {
        const std::uint64_t k = ((s - 1) * n + 4) / 5;  // ceil((s − 1) n / 5) ≥ 1 for n ≥ 1
        cuts.bounds[s - 2] = worst_first(k);
    }
    return cuts;
}

int ScoreCuts::score(std::int64_t value) const {
    if (active == 0) return 1;
    int s = 1;
    for (const std::int64_t bound : bounds)
        if (better_is_larger ? value > bound : value < bound) ++s;
    return s;
}

namespace {

// Whether (monetary, id) ranks at or before `key` in the Pareto order.
bool at_or_before(std::int64_t monetary, const std::string& id, const ParetoCuts::Key& key) {
    if (monetary != key.monetary) return monetary > key.monetary;
    return id <= key.customer_id;
}

nlohmann::json score_json(const ScoreCuts& c) {
    return {{"better_is_larger", c.better_is_larger},
            {"active", c.active},
            {"bounds", std::vector<std::int64_t>(c.bounds.begin(), c.bounds.end())}};
}

ScoreCuts score_of(const nlohmann::json& j) {
    ScoreCuts c;
    c.better_is_larger = j.at("better_is_larger").get<bool>();
    c.active = j.at("active").get<std::uint64_t>();
    const auto bounds = j.at("bounds").get<std::vector<std::int64_t>>();
    if (bounds.size() != c.bounds.size()) throw std::invalid_argument("a score needs 4 bounds");
    std::copy(bounds.begin(), bounds.end(), c.bounds.begin());
    return c;
}

nlohmann::json key_json(const std::optional<ParetoCuts::Key>& k) {
    if (!k) return nullptr;
    return {{"monetary_minor", k->monetary}, {"customer_id", k->customer_id}};
}

std::optional<ParetoCuts::Key> key_of(const nlohmann::json& j) {
    if (j.is_null()) return std::nullopt;
    return ParetoCuts::Key{j.at("monetary_minor").get<std::int64_t>(),
                           j.at("customer_id").get<std::string>()};
}

}  // namespace

std::optional<const char*> ParetoCuts::pareto_class(std::int64_t monetary,
                                                    const std::string& customer_id) const {
    if (monetary <= 0) return std::nullopt;
    if (!last_a || at_or_before(monetary, customer_id, *last_a)) return "A";
    if (last_b && at_or_before(monetary, customer_id, *last_b)) return "B";
    return "C";
}

nlohmann::json PopulationCuts::to_json() const {
    nlohmann::json j = nlohmann::json::object();
    if (recency) j["recency_days"] = score_json(*recency);
    if (frequency) j["frequency"] = score_json(*frequency);
    if (monetary) j["monetary_minor"] = score_json(*monetary);
    if (pareto)
        j["pareto"] = {{"last_a", key_json(pareto->last_a)}, {"last_b", key_json(pareto->last_b)}};
    if (lifetime_value) {
        // Doubles round-trip exactly through nlohmann's shortest representation.
        nlohmann::json lv = nlohmann::json::object();
        if (const auto& bg = lifetime_value->bg_nbd)
            lv["bg_nbd"] = {{"r", bg->r}, {"alpha", bg->alpha}, {"a", bg->a}, {"b", bg->b}};
        if (const auto& gg = lifetime_value->gamma_gamma)
            lv["gamma_gamma"] = {{"p", gg->p}, {"q", gg->q}, {"v", gg->v}};
        j["lifetime_value"] = std::move(lv);
    }
    return j;
}

PopulationCuts PopulationCuts::from_json(const nlohmann::json& j) {
    try {
        PopulationCuts c;
        if (!j.is_object()) throw std::invalid_argument("not an object");
        if (j.contains("recency_days")) c.recency = score_of(j["recency_days"]);
        if (j.contains("frequency")) c.frequency = score_of(j["frequency"]);
        if (j.contains("monetary_minor")) c.monetary = score_of(j["monetary_minor"]);
        if (j.contains("pareto"))
            c.pareto =
                ParetoCuts{key_of(j["pareto"].at("last_a")), key_of(j["pareto"].at("last_b"))};
        if (j.contains("lifetime_value")) {
            const auto& lv = j["lifetime_value"];
            LifetimeValueModels models;
            if (lv.contains("bg_nbd")) {
                const auto& b = lv["bg_nbd"];
                models.bg_nbd = BgNbdParameters{b.at("r").get<double>(), b.at("alpha").get<double>(),
                                                b.at("a").get<double>(), b.at("b").get<double>()};
            }
            if (lv.contains("gamma_gamma")) {
                const auto& g = lv["gamma_gamma"];
                models.gamma_gamma = GammaGammaParameters{g.at("p").get<double>(), g.at("q").get<double>(),
                                                          g.at("v").get<double>()};
            }
            c.lifetime_value = models;
        }
        return c;
    } catch (const nlohmann::json::exception& e) {
        throw std::invalid_argument(std::string("population cut points: ") + e.what());
    }
}

}  // namespace custclass::plugin
