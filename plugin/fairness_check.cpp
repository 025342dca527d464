#include "fairness_check.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <stdexcept>
#include <string>

namespace custclass::plugin {

namespace {

using json = nlohmann::ordered_json;

struct ProtectedAttribute {
    const char* column;
    const char* words;  // as a message says it
};

constexpr ProtectedAttribute kProtected[] = {{"gender", "gender"}, {"age_band", "age band"}};

// A group of customers sharing one value of the attribute.
struct Group {
    std::string value;
    std::uint64_t customers = 0;
};

// A segment's customers of one group over the group's customers, kept as the two counts so that
// shares compare exactly.
struct Share {
    std::uint64_t part = 0;
    std::uint64_t whole = 1;
    double value() const { return static_cast<double>(part) / static_cast<double>(whole); }
};

bool less(const Share& a, const Share& b) {
    return a.part * b.whole < b.part * a.whole;
}

// hi − lo in one division of exact integers, so that a disparity equal to the threshold's decimal
// (9/10 − 7/10 against 0.2) rounds to the same double as the threshold and is not "over" it, as
// 0.9 − 0.7 in doubles would be. Exact while group sizes stay under 2^26 (67 million).
double difference(const Share& hi, const Share& lo) {
    return static_cast<double>(hi.part * lo.whole - lo.part * hi.whole) /
           static_cast<double>(hi.whole * lo.whole);
}

double rounded(double v, int places) {
    const double f = std::pow(10.0, places);
    return std::round(v * f) / f;
}

// `v` with at most `places` decimals, without trailing zeros; whatever the host's locale.
std::string decimal(double v, int places) {
    char buf[64];
    const auto [end, ec] =
        std::to_chars(buf, buf + sizeof buf, rounded(v, places), std::chars_format::fixed, places);
    std::string s(buf, ec == std::errc() ? end : buf);
    if (s.find('.') != std::string::npos) {
        while (s.back() == '0') s.pop_back();
        if (s.back() == '.') s.pop_back();
    }
    return s;
}

// "segment `champions` of `value` holds 31% of customers of gender F but 8% of M (disparity
// 0.2292 > 0.2)". The percentages and the disparity take more decimals only where fewer would
// show two different numbers as one.
std::string message(const std::string& classification, const std::string* segment,
                    const ProtectedAttribute& attribute, const std::string& high, double high_share,
                    const std::string& low, double low_share, double disparity,
                    double max_disparity) {
    int p = 0;
    while (p < 4 && decimal(100 * high_share, p) == decimal(100 * low_share, p)) ++p;
    int d = 4;
    while (d < 12 && rounded(disparity, d) <= max_disparity) ++d;
    std::string m;
    if (segment) {
        m.append("segment `").append(*segment).append("` of `").append(classification);
        m.append("` holds ").append(decimal(100 * high_share, p)).append("% of customers of ");
        m.append(attribute.words).append(" ").append(high);
        m.append(" but ").append(decimal(100 * low_share, p)).append("% of ").append(low);
    } else {
        m.append("`").append(classification).append("` leaves ");
        m.append(decimal(100 * high_share, p)).append("% of customers of ");
        m.append(attribute.words).append(" ").append(high);
        m.append(" unclassified but ").append(decimal(100 * low_share, p)).append("% of ");
        m.append(low);
    }
    m.append(" (disparity ").append(decimal(disparity, d)).append(" > ");
    m.append(decimal(max_disparity, 12)).append(")");
    return m;
}

void check_shapes(const config::RuleSet& rules, const FeatureTable& table,
                  const std::vector<ClassificationResult>& results) {
    if (results.size() != rules.classifications.size())
        throw std::invalid_argument("fairness_check: one result per classification is needed");
    for (std::size_t c = 0; c < results.size(); ++c) {
        const auto& cls = rules.classifications[c];
        const auto& res = results[c];
        if (cls.mode == config::ClassificationMode::FirstMatch) {
            if (res.segment.size() != table.rows())
                throw std::invalid_argument("fairness_check: a segment per row is needed for `" +
                                            cls.id + "`");
            for (const std::int32_t s : res.segment)
                if (s >= static_cast<std::int32_t>(cls.segments.size()))
                    throw std::invalid_argument(
                        "fairness_check: a segment index out of range in `" + cls.id + "`");
        } else {
            bool ok = res.matches.size() == cls.segments.size();
            for (const auto& m : res.matches) ok = ok && m.size() == table.rows();
            if (!ok)
                throw std::invalid_argument(
                    "fairness_check: a membership per segment and row is needed for `" + cls.id +
                    "`");
        }
    }
}

}  // namespace

nlohmann::ordered_json fairness_check(const config::RuleSet& rules, const FeatureTable& table,
                                      const std::vector<ClassificationResult>& results,
                                      double max_disparity, std::int64_t k) {
    check_shapes(rules, table, results);
    const std::uint64_t min_group = k < 1 ? 1 : static_cast<std::uint64_t>(k);
    const std::size_t rows = table.rows();

    json findings = json::array();
    json checked = json::array();
    json not_checked = json::array();

    // The groups of every attribute the table holds, found once for all classifications.
    struct Attribute {
        const ProtectedAttribute* names;
        const Column* column;
        std::vector<Group> groups;           // of k customers or more, in value order
        std::vector<std::int32_t> group_of;  // per code: the group, -1 when none
        json suppressed = json::array();     // values of the groups under k, in value order
    };
    std::vector<Attribute> attributes;
    for (const ProtectedAttribute& names : kProtected) {
        const Column* column = table.find(names.column);
        if (!column || column->type != ValueType::Text) {
            std::string reason = column ? std::string(names.column) + " is not a text feature"
                                        : std::string("the run did not read ") + names.column;
            not_checked.push_back({{"attribute", names.column}, {"reason", std::move(reason)}});
            continue;
        }
        Attribute& a = attributes.emplace_back();
        a.names = &names;
        a.column = column;
        std::vector<std::uint64_t> per_code(column->dictionary.size(), 0);
        for (std::size_t r = 0; r < rows; ++r)
            if (column->codes[r] != kNullCode)
                ++per_code[static_cast<std::size_t>(column->codes[r])];
        std::vector<std::size_t> order(per_code.size());
        for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
        std::sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) {
            return column->dictionary[x] < column->dictionary[y];
        });
        a.group_of.assign(per_code.size(), -1);
        for (const std::size_t code : order) {
            if (per_code[code] == 0) continue;  // in the dictionary, held by no row
            if (per_code[code] < min_group) {
                a.suppressed.push_back(column->dictionary[code]);
                continue;
            }
            a.group_of[code] = static_cast<std::int32_t>(a.groups.size());
            a.groups.push_back({column->dictionary[code], per_code[code]});
        }
    }

    for (std::size_t c = 0; c < rules.classifications.size(); ++c) {
        const auto& cls = rules.classifications[c];
        const auto& res = results[c];
        const bool first_match = cls.mode == config::ClassificationMode::FirstMatch;
        const std::size_t segments = cls.segments.size();
        for (const Attribute& a : attributes) {
            const std::vector<Group>& groups = a.groups;
            checked.push_back({{"classification", cls.id},
                               {"attribute", a.names->column},
                               {"groups", groups.size()},
                               {"suppressed", a.suppressed}});
            if (groups.size() < 2) continue;  // nothing to compare

            auto group_at = [&](std::size_t row) -> std::int32_t {
                const std::int32_t code = a.column->codes[row];
                return code == kNullCode ? -1 : a.group_of[static_cast<std::size_t>(code)];
            };
            // in_bin[b][g]: customers of group g in bin b (the segments, then for a first-match
            // classification the unclassified).
            std::vector<std::vector<std::uint64_t>> in_bin(
                segments + (first_match ? 1 : 0), std::vector<std::uint64_t>(groups.size(), 0));
            if (first_match) {
                for (std::size_t r = 0; r < rows; ++r) {
                    const std::int32_t g = group_at(r);
                    if (g < 0) continue;
                    const std::int32_t s = res.segment[r];
                    ++in_bin[s < 0 ? segments : static_cast<std::size_t>(s)]
                            [static_cast<std::size_t>(g)];
                }
            } else {
                for (std::size_t s = 0; s < segments; ++s)
                    for (std::size_t r = 0; r < rows; ++r) {
                        const std::int32_t g = group_at(r);
                        if (g >= 0 && res.matches[s][r]) ++in_bin[s][static_cast<std::size_t>(g)];
                    }
            }

            for (std::size_t b = 0; b < in_bin.size(); ++b) {
                auto share_of = [&](std::size_t g) {
                    return Share{in_bin[b][g], groups[g].customers};
                };
                std::size_t high = 0, low = 0;  // the first in value order on a tie
                for (std::size_t g = 1; g < groups.size(); ++g) {
                    if (less(share_of(high), share_of(g))) high = g;
                    if (less(share_of(g), share_of(low))) low = g;
                }
                const double disparity = difference(share_of(high), share_of(low));
                if (!(disparity > max_disparity)) continue;
                const std::string* segment = b < segments ? &cls.segments[b].id : nullptr;
                const double high_share = share_of(high).value();
                const double low_share = share_of(low).value();
                findings.push_back(
                    {{"classification", cls.id},
                     {"attribute", a.names->column},
                     {"segment", segment ? json(*segment) : json(nullptr)},
                     {"disparity", rounded(disparity, 4)},
                     {"highest",
                      {{"group", groups[high].value}, {"share", rounded(high_share, 4)}}},
                     {"lowest", {{"group", groups[low].value}, {"share", rounded(low_share, 4)}}},
                     {"message", message(cls.id, segment, *a.names, groups[high].value, high_share,
                                         groups[low].value, low_share, disparity, max_disparity)}});
            }
        }
    }

    return {{"max_disparity", max_disparity},
            {"k", k},
            {"findings", std::move(findings)},
            {"checked", std::move(checked)},
            {"not_checked", std::move(not_checked)}};
}

}  // namespace custclass::plugin
