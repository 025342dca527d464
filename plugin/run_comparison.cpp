#include "run_comparison.h"

#include <algorithm>
#include <cmath>

namespace custclass::plugin {

namespace {

using json = nlohmann::ordered_json;

constexpr double kShareFloor = 0.0001;

double rounded(double v) { return std::round(v * 1e6) / 1e6; }

struct Comparer {
    const ComparedRun& from;
    const ComparedRun& to;
    const ComparisonRequest& request;
    // to's row of every from customer (-1: gone), from's row of every to customer (-1: new).
    std::vector<std::int64_t> to_row, from_row;

    Comparer(const ComparedRun& f, const ComparedRun& t, const ComparisonRequest& r)
        : from(f), to(t), request(r) {
        const RunAssignments& a = *from.assignments;
        const RunAssignments& b = *to.assignments;
        to_row.resize(a.customer_ids.size());
        for (std::size_t i = 0; i < a.customer_ids.size(); ++i) {
            const auto j = b.row_of(a.customer_ids[i]);
            to_row[i] = j ? static_cast<std::int64_t>(*j) : -1;
        }
        from_row.assign(b.customer_ids.size(), -1);
        for (std::size_t i = 0; i < to_row.size(); ++i)
            if (to_row[i] >= 0) from_row[static_cast<std::size_t>(to_row[i])] = static_cast<std::int64_t>(i);
    }

    bool small(std::uint64_t n) const { return n > 0 && n < static_cast<std::uint64_t>(request.k); }
    json count(std::uint64_t n) const { return small(n) ? json(nullptr) : json(n); }

    // The union of both sides' segment ids: the later run's order, then the earlier's others.
    static std::vector<SegmentName> segment_union(const ClassificationAssignments* a,
                                                  const ClassificationAssignments* b) {
        std::vector<SegmentName> out;
        if (b) out = b->segments;
        if (a)
            for (const auto& s : a->segments)
                if (std::none_of(out.begin(), out.end(), [&](const SegmentName& o) { return o.id == s.id; }))
                    out.push_back(s);
        return out;
    }

    // Per customer row of a side, its segment's position in `names` (first match), or -1.
    static std::vector<std::int32_t> positions(const ClassificationAssignments* cls, std::size_t rows,
                                               const std::vector<SegmentName>& names) {
        std::vector<std::int32_t> out(rows, -1);
        if (!cls) return out;
        std::vector<std::int32_t> map(cls->segments.size());
        for (std::size_t s = 0; s < cls->segments.size(); ++s)
            for (std::size_t u = 0; u < names.size(); ++u)
                if (names[u].id == cls->segments[s].id) map[s] = static_cast<std::int32_t>(u);
        for (std::size_t r = 0; r < rows; ++r)
            if (cls->result.segment[r] >= 0) out[r] = map[static_cast<std::size_t>(cls->result.segment[r])];
        return out;
    }

    // Members of the segment called `id` on one side (all-matches or first-match alike).
    static std::vector<std::uint8_t> members(const ClassificationAssignments* cls, std::size_t rows,
                                             const std::string& id) {
        std::vector<std::uint8_t> out(rows, 0);
        if (!cls) return out;
        const auto s = cls->segment_index(id);
        if (!s) return out;
        for (std::size_t r = 0; r < rows; ++r) out[r] = cls->member(r, *s);
        return out;
    }

    json classification(const std::string& id) const {
        const RunAssignments& a = *from.assignments;
        const RunAssignments& b = *to.assignments;
        const ClassificationAssignments* ca = a.find(id);
        const ClassificationAssignments* cb = b.find(id);
        const bool all_matches = (cb ? cb : ca)->all_matches;
        const std::vector<SegmentName> names = segment_union(ca, cb);
        const std::size_t na = a.customer_ids.size(), nb = b.customer_ids.size();
        const std::size_t u = names.size();

        std::vector<std::vector<std::uint8_t>> in_a, in_b;
        for (const auto& s : names) {
            in_a.push_back(members(ca, na, s.id));
            in_b.push_back(members(cb, nb, s.id));
        }
        auto unclassified = [&](const std::vector<std::vector<std::uint8_t>>& in, std::size_t rows) {
            std::uint64_t n = 0;
            for (std::size_t r = 0; r < rows; ++r) {
                bool any = false;
                for (const auto& m : in) any = any || m[r];
                n += !any;
            }
            return n;
        };
        std::vector<std::uint64_t> before(u + 1, 0), after(u + 1, 0);  // last bin: unclassified
        for (std::size_t s = 0; s < u; ++s) {
            for (const auto m : in_a[s]) before[s] += m;
            for (const auto m : in_b[s]) after[s] += m;
        }
        before[u] = unclassified(in_a, na);
        after[u] = unclassified(in_b, nb);

        json sizes = json::array();
        for (std::size_t s = 0; s <= u; ++s) {
            const bool last = s == u;
            json row = {{"segment", last ? json(nullptr) : json(names[s].id)},
                        {"label", last ? std::string("(unclassified)") : names[s].label},
                        {"before", count(before[s])},
                        {"after", count(after[s])}};
            row["change"] = small(before[s]) || small(after[s])
                                ? json(nullptr)
                                : json(static_cast<std::int64_t>(after[s]) - static_cast<std::int64_t>(before[s]));
            sizes.push_back(std::move(row));
        }
        const double psi = population_stability_index(before, after);
        json out = {{"id", id},
                    {"label", (cb ? cb : ca)->label},
                    {"mode", all_matches ? "all_matches" : "first_match"},
                    {"sizes", std::move(sizes)},
                    {"psi", rounded(psi)},
                    {"drift", drift_verdict(psi)}};

        if (!all_matches) {
            // Rows: the earlier run's segments, unclassified, then new customers; columns: the
            // later run's segments, unclassified, then customers gone.
            const auto pa = positions(ca, na, names), pb = positions(cb, nb, names);
            std::vector<std::vector<std::uint64_t>> m(u + 2, std::vector<std::uint64_t>(u + 2, 0));
            for (std::size_t i = 0; i < na; ++i) {
                const std::size_t row = pa[i] < 0 ? u : static_cast<std::size_t>(pa[i]);
                const std::size_t col = to_row[i] < 0 ? u + 1
                                        : pb[static_cast<std::size_t>(to_row[i])] < 0
                                            ? u
                                            : static_cast<std::size_t>(pb[static_cast<std::size_t>(to_row[i])]);
                ++m[row][col];
            }
            for (std::size_t j = 0; j < nb; ++j)
                if (from_row[j] < 0) ++m[u + 1][pb[j] < 0 ? u : static_cast<std::size_t>(pb[j])];
            json labels = json::array();
            for (const auto& s : names) labels.push_back(s.id);
            json rows = labels, columns = labels;
            rows.push_back("(unclassified)");
            rows.push_back("(new)");
            columns.push_back("(unclassified)");
            columns.push_back("(gone)");
            json counts = json::array();
            for (std::size_t r = 0; r < u + 2; ++r) {
                json line = json::array();
                for (std::size_t c = 0; c < u + 2; ++c)
                    line.push_back(r == u + 1 && c == u + 1 ? json(0) : count(m[r][c]));
                counts.push_back(std::move(line));
            }
            out["migration"] = {{"rows", std::move(rows)}, {"columns", std::move(columns)},
                                {"counts", std::move(counts)}};
        } else {
            json moves = json::array();
            for (std::size_t s = 0; s < u; ++s) {
                std::uint64_t stayed = 0, joined = 0, left = 0;
                for (std::size_t i = 0; i < na; ++i) {
                    const bool now = to_row[i] >= 0 && in_b[s][static_cast<std::size_t>(to_row[i])];
                    stayed += in_a[s][i] && now;
                    left += in_a[s][i] && !now;
                }
                for (std::size_t j = 0; j < nb; ++j)
                    joined += in_b[s][j] && (from_row[j] < 0 || !in_a[s][static_cast<std::size_t>(from_row[j])]);
                moves.push_back({{"segment", names[s].id}, {"stayed", count(stayed)},
                                 {"joined", count(joined)}, {"left", count(left)}});
            }
            out["membership_changes"] = std::move(moves);
        }

        // New customers' segment mix next to the existing customers' in the later run.
        std::uint64_t new_total = 0, existing_total = 0;
        for (std::size_t j = 0; j < nb; ++j) (from_row[j] < 0 ? new_total : existing_total) += 1;
        json mix = json::array();
        for (std::size_t s = 0; s < u; ++s) {
            std::uint64_t fresh = 0, existing = 0;
            for (std::size_t j = 0; j < nb; ++j)
                if (in_b[s][j]) (from_row[j] < 0 ? fresh : existing) += 1;
            auto share = [&](std::uint64_t n, std::uint64_t total) {
                return small(n) || total == 0 ? json(nullptr)
                                              : json(rounded(static_cast<double>(n) / static_cast<double>(total)));
            };
            mix.push_back({{"segment", names[s].id},
                           {"new", count(fresh)},
                           {"new_share", share(fresh, new_total)},
                           {"existing", count(existing)},
                           {"existing_share", share(existing, existing_total)}});
        }
        out["new_versus_existing"] = {{"new_customers", count(new_total)},
                                      {"existing_customers", count(existing_total)},
                                      {"segments", std::move(mix)}};

        if (from.features && to.features) out["feature_shifts"] = shifts(names, in_a, in_b);
        return out;
    }

    json shifts(const std::vector<SegmentName>& names, const std::vector<std::vector<std::uint8_t>>& in_a,
                const std::vector<std::vector<std::uint8_t>>& in_b) const {
        json out = json::array();
        auto mean = [&](const RunAssignments& run, const FeatureTable& table, const std::string& feature,
                        const std::vector<std::uint8_t>& in) -> std::pair<double, std::uint64_t> {
            const Column* col = table.find(feature);
            if (!col || col->type != ValueType::Number) return {0, 0};
            double sum = 0;
            std::uint64_t n = 0;
            for (std::size_t r = 0; r < in.size(); ++r) {
                if (!in[r]) continue;
                const auto t = table.row_of(run.customer_ids[r]);
                if (!t) continue;
                const double v = col->numbers[*t];
                if (is_null(v)) continue;
                sum += v;
                ++n;
            }
            return {n ? sum / static_cast<double>(n) : 0, n};
        };
        for (std::size_t s = 0; s < names.size(); ++s) {
            json features = json::object();
            for (const auto& f : request.shift_features) {
                const auto [ma, na] = mean(*from.assignments, *from.features, f, in_a[s]);
                const auto [mb, nb] = mean(*to.assignments, *to.features, f, in_b[s]);
                if (na == 0 || nb == 0 || small(na) || small(nb)) {
                    features[f] = nullptr;
                    continue;
                }
                features[f] = {{"before", rounded(ma)}, {"after", rounded(mb)}, {"change", rounded(mb - ma)}};
            }
            out.push_back({{"segment", names[s].id}, {"means", std::move(features)}});
        }
        return out;
    }
};

}  // namespace

double population_stability_index(const std::vector<std::uint64_t>& before,
                                  const std::vector<std::uint64_t>& after) {
    double tb = 0, ta = 0;
    for (const auto v : before) tb += static_cast<double>(v);
    for (const auto v : after) ta += static_cast<double>(v);
    if (tb == 0 || ta == 0) return 0;
    double psi = 0;
    for (std::size_t i = 0; i < before.size() && i < after.size(); ++i) {
        const double p = std::max(static_cast<double>(before[i]) / tb, kShareFloor);
        const double q = std::max(static_cast<double>(after[i]) / ta, kShareFloor);
        psi += (q - p) * std::log(q / p);
    }
    return psi;
}

const char* drift_verdict(double psi) {
    if (psi < 0.1) return "stable";
    if (psi <= 0.25) return "moderate";
    return "major";
}

nlohmann::ordered_json compare_runs(const ComparedRun& from, const ComparedRun& to,
                                    const ComparisonRequest& request) {
    const Comparer c(from, to, request);
    const RunAssignments& a = *from.assignments;
    const RunAssignments& b = *to.assignments;
    std::uint64_t both = 0;
    for (const auto r : c.to_row) both += r >= 0;
    json classifications = json::array();
    std::vector<std::string> ids;
    for (const auto& cls : b.classifications) ids.push_back(cls.id);
    for (const auto& cls : a.classifications)
        if (std::find(ids.begin(), ids.end(), cls.id) == ids.end()) ids.push_back(cls.id);
    json worst = nullptr;
    double worst_psi = -1;
    for (const auto& id : ids) {
        json one = c.classification(id);
        if (one["psi"].get<double>() > worst_psi) {
            worst_psi = one["psi"].get<double>();
            worst = id;
        }
        classifications.push_back(std::move(one));
    }
    auto side = [](const RunAssignments& r) {
        return json{{"run_id", r.run_id}, {"as_of", config::format_day(r.as_of)},
                    {"customers", r.customer_ids.size()}};
    };
    return {{"k", request.k},
            {"from", side(a)},
            {"to", side(b)},
            {"customers",
             {{"in_both", both},
              {"new", b.customer_ids.size() - both},
              {"gone", a.customer_ids.size() - both}}},
            {"max_psi", worst_psi < 0 ? json(nullptr) : json(rounded(worst_psi))},
            {"max_psi_classification", worst},
            {"classifications", std::move(classifications)}};
}

}  // namespace custclass::plugin
