#include "run_assignments.h"

#include <algorithm>
#include <map>
#include <set>
#include <stdexcept>

#include "errors.h"

namespace custclass::plugin {

namespace {

ClassificationAssignments named(const config::Classification& cls) {
    ClassificationAssignments a;
    a.id = cls.id;
    a.label = cls.label;
    a.all_matches = cls.mode == config::ClassificationMode::AllMatches;
    for (const auto& s : cls.segments)
        a.segments.push_back({s.id, s.label, s.description, s.direct_marketing});
    return a;
}

}  // namespace

std::optional<std::size_t> ClassificationAssignments::segment_index(std::string_view segment_id) const {
    for (std::size_t s = 0; s < segments.size(); ++s)
        if (segments[s].id == segment_id) return s;
    return std::nullopt;
}

void RunAssignments::index() {
    rows_.clear();
    rows_.reserve(customer_ids.size());
    for (std::size_t r = 0; r < customer_ids.size(); ++r) rows_.emplace(customer_ids[r], r);
}

std::optional<std::size_t> RunAssignments::row_of(std::string_view customer_id) const {
    const auto it = rows_.find(customer_id);
    if (it == rows_.end()) return std::nullopt;
    return it->second;
}

const ClassificationAssignments* RunAssignments::find(std::string_view classification_id) const {
    for (const auto& c : classifications)
        if (c.id == classification_id) return &c;
    return nullptr;
}

RunAssignments RunAssignments::computed(std::string run_id, config::Day as_of,
                                        std::vector<std::string> customer_ids,
                                        const config::RuleSet& rules,
                                        std::vector<ClassificationResult> results) {
    RunAssignments out;
    out.run_id = std::move(run_id);
    out.as_of = as_of;
    out.customer_ids = std::move(customer_ids);
    for (std::size_t c = 0; c < rules.classifications.size(); ++c) {
        ClassificationAssignments a = named(rules.classifications[c]);
        a.result = std::move(results.at(c));
        out.classifications.push_back(std::move(a));
    }
    out.index();
    return out;
}

RunAssignments RunAssignments::stored(adapters::ResultStore& store, const adapters::RunRecord& run,
                                      const config::RuleSet& rules) {
    RunAssignments out;
    out.run_id = run.run_id;
    const auto as_of = config::parse_day(run.as_of);
    if (!as_of) throw std::logic_error("result store: run " + run.run_id + " has the date `" + run.as_of + "`");
    out.as_of = *as_of;

    // Read once into compact triples; the classification's shape is known after the last row.
    struct Row {
        std::uint32_t customer;
        std::uint32_t classification;
        std::int32_t segment;  // -1: unclassified
    };
    std::vector<Row> rows;
    std::unordered_map<std::string, std::uint32_t> customer_index;
    std::map<std::string, std::uint32_t, std::less<>> classification_index;
    std::vector<std::map<std::string, std::int32_t, std::less<>>> segment_index;
    store.read_assignments(run.run_id, [&](std::string_view customer, std::string_view classification,
                                           std::optional<std::string_view> segment) {
        auto [cit, new_customer] =
            customer_index.try_emplace(std::string(customer), static_cast<std::uint32_t>(customer_index.size()));
        if (new_customer) out.customer_ids.emplace_back(customer);
        auto [kit, new_cls] = classification_index.try_emplace(
            std::string(classification), static_cast<std::uint32_t>(classification_index.size()));
        if (new_cls) segment_index.emplace_back();
        std::int32_t s = -1;
        if (segment) {
            auto& segs = segment_index[kit->second];
            s = segs.try_emplace(std::string(*segment), static_cast<std::int32_t>(segs.size())).first->second;
        }
        rows.push_back({cit->second, kit->second, s});
    });

    const std::size_t n = out.customer_ids.size();
    // The rule set's classifications first, in its order, then the others the run holds.
    std::vector<std::string> order;
    for (const auto& cls : rules.classifications)
        if (classification_index.count(cls.id)) order.push_back(cls.id);
    for (const auto& [id, _] : classification_index)
        if (std::find(order.begin(), order.end(), id) == order.end()) order.push_back(id);

    for (const auto& id : order) {
        const std::uint32_t k = classification_index.find(id)->second;
        const auto& stored_segments = segment_index[k];
        ClassificationAssignments a;
        const auto declared = std::find_if(rules.classifications.begin(), rules.classifications.end(),
                                           [&](const config::Classification& c) { return c.id == id; });
        if (declared != rules.classifications.end()) {
            a = named(*declared);
        } else {
            a.id = id;
            a.label = id;
        }
        // Segments the run holds that the rule set does not declare (a renamed or removed one).
        for (const auto& [sid, _] : stored_segments)
            if (!a.segment_index(sid)) a.segments.push_back({sid, sid, "", false});
        std::vector<std::int32_t> to_declared(stored_segments.size());
        for (const auto& [sid, code] : stored_segments)
            to_declared[static_cast<std::size_t>(code)] = static_cast<std::int32_t>(*a.segment_index(sid));
        // A classification that is not the rule set's is all-matches if some customer holds two
        // segments in it.
        if (declared == rules.classifications.end()) {
            std::vector<std::uint8_t> seen(n, 0);
            for (const Row& row : rows)
                if (row.classification == k && row.segment >= 0 && seen[row.customer]++ > 0) a.all_matches = true;
        }
        ClassificationResult& res = a.result;
        res.counts.assign(a.segments.size(), 0);
        if (a.all_matches) {
            res.matches.assign(a.segments.size(), std::vector<std::uint8_t>(n, 0));
        } else {
            res.segment.assign(n, -1);
        }
        for (const Row& row : rows) {
            if (row.classification != k || row.segment < 0) continue;
            const auto s = static_cast<std::size_t>(to_declared[static_cast<std::size_t>(row.segment)]);
            if (a.all_matches)
                res.matches[s][row.customer] = 1;
            else
                res.segment[row.customer] = static_cast<std::int32_t>(s);
        }
        for (std::size_t r = 0; r < n; ++r) {
            bool any = false;
            for (std::size_t s = 0; s < a.segments.size(); ++s)
                if (a.member(r, s)) {
                    ++res.counts[s];
                    any = true;
                }
            if (!any) ++res.unclassified;
        }
        out.classifications.push_back(std::move(a));
    }
    out.index();
    return out;
}

}  // namespace custclass::plugin
