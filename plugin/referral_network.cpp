// Referrals and key persons: clean-up, success and credit of each referee, and the decayed
// revenue reached breadth-first from every referrer (see referral_network.h for the rules).
#include "referral_network.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace custclass::plugin {

namespace {

constexpr const char* kSelfReferral = "self_referral";
constexpr const char* kUnknownCustomer = "unknown_customer";
constexpr const char* kAlreadyCustomer = "already_customer";
constexpr const char* kNotFirstReferral = "not_first_referral";

using Person = std::uint32_t;  // index of a customer named in a referral

// A referral after rule 1's look-ups, on indices.
struct Link {
    Person referrer = 0;
    Person referee = 0;
    std::optional<std::int32_t> referred_on;
};

// a is dated before b, a null date counting as the latest.
bool dated_before(const std::optional<std::int32_t>& a, const std::optional<std::int32_t>& b) {
    if (!a) return false;
    if (!b) return true;
    return *a < *b;
}

void check_options(const ReferralOptions& options) {
    // Written so that NaN fails too.
    if (!(options.decay > 0 && options.decay <= 1)) {
        char text[32];
        std::snprintf(text, sizeof text, "%g", options.decay);
        throw std::invalid_argument(std::string("referral decay must be in (0, 1], not ") + text);
    }
    if (options.depth < 1) {
        throw std::invalid_argument("referral depth must be >= 1, not " +
                                    std::to_string(options.depth));
    }
}

// The customers named in the referrals, on indices, so that the walks of rule 3 touch arrays
// rather than strings. Only the people in referrals get an index: the customers map may hold a
// million entries and is never walked.
struct People {
    // Keyed by the address of the customer's entry in the customers map, which is stable and
    // unique: cheaper than hashing the id a second time.
    std::unordered_map<const void*, Person> index;
    std::vector<const std::string*> id;  // points into the keys of the customers map
    std::vector<std::optional<std::int32_t>> first_purchase;
    std::vector<std::int64_t> revenue;

    // The index of the customer `it` points at, given one on first sight.
    Person add(std::unordered_map<std::string, ReferralCustomer>::const_iterator it) {
        const auto [slot, inserted] =
            index.try_emplace(static_cast<const void*>(&*it), static_cast<Person>(id.size()));
        if (inserted) {
            id.push_back(&it->first);
            first_purchase.push_back(it->second.first_purchase);
            revenue.push_back(it->second.revenue);
        }
        return slot->second;
    }
};

}  // namespace

ReferralAnalysis analyse_referrals(const std::vector<Referral>& referrals,
                                   const std::unordered_map<std::string, ReferralCustomer>& customers,
                                   const ReferralOptions& options) {
    check_options(options);

    ReferralAnalysis analysis;
    std::uint64_t& self_referrals = analysis.ignored[kSelfReferral];
    std::uint64_t& unknown_customers = analysis.ignored[kUnknownCustomer];
    std::uint64_t& already_customers = analysis.ignored[kAlreadyCustomer];
    std::uint64_t& not_first_referrals = analysis.ignored[kNotFirstReferral];

    // Rule 1: look-ups and self-referrals, per row.
    People people;
    people.index.reserve(referrals.size() * 2);
    std::vector<Link> links;
    links.reserve(referrals.size());
    for (const Referral& row : referrals) {
        const auto referrer = customers.find(row.referrer_id);
        const auto referee = customers.find(row.referee_id);
        if (referrer == customers.end() || referee == customers.end()) {
            ++unknown_customers;
            continue;
        }
        if (row.referrer_id == row.referee_id) {
            ++self_referrals;
            continue;
        }
        links.push_back({people.add(referrer), people.add(referee), row.referred_on});
    }

    // Rule 1: one referral per (referrer, referee), the earliest date first so that `unique`
    // keeps it. Sorted by referrer, the links are also the adjacency lists of rule 3.
    std::sort(links.begin(), links.end(), [](const Link& a, const Link& b) {
        if (a.referrer != b.referrer) return a.referrer < b.referrer;
        if (a.referee != b.referee) return a.referee < b.referee;
        return dated_before(a.referred_on, b.referred_on);
    });
    links.erase(std::unique(links.begin(), links.end(),
                            [](const Link& a, const Link& b) {
                                return a.referrer == b.referrer && a.referee == b.referee;
                            }),
                links.end());

    // Rule 2: classify, and credit each referee to its best successful referral. The tie on the
    // date is broken by the referrer's id, not its index, since indices follow the input order.
    const std::size_t n = people.id.size();
    constexpr std::size_t kNone = std::numeric_limits<std::size_t>::max();
    std::vector<std::size_t> credited(n, kNone);  // per referee, the index of its link
    std::uint64_t would_succeed = 0;
    for (std::size_t i = 0; i < links.size(); ++i) {
        const Link& link = links[i];
        const auto& bought = people.first_purchase[link.referee];
        if (!bought) {
            ++analysis.pending;
            continue;
        }
        if (link.referred_on && *bought < *link.referred_on) {
            ++already_customers;
            continue;
        }
        ++would_succeed;
        std::size_t& best = credited[link.referee];
        if (best == kNone) {
            best = i;
            continue;
        }
        const Link& other = links[best];
        if (dated_before(link.referred_on, other.referred_on) ||
            (!dated_before(other.referred_on, link.referred_on) &&
             *people.id[link.referrer] < *people.id[other.referrer])) {
            best = i;
        }
    }
    for (Person referee = 0; referee < n; ++referee) {
        const std::size_t i = credited[referee];
        if (i == kNone) continue;
        const Link& link = links[i];
        analysis.successful.push_back({*people.id[link.referrer], *people.id[referee],
                                       link.referred_on, *people.first_purchase[referee]});
    }
    not_first_referrals = would_succeed - analysis.successful.size();
    std::sort(analysis.successful.begin(), analysis.successful.end(),
              [](const SuccessfulReferral& a, const SuccessfulReferral& b) {
                  if (a.first_purchase != b.first_purchase) {
                      return a.first_purchase < b.first_purchase;
                  }
                  return a.referee_id < b.referee_id;
              });

    // Rule 3: the edges in compressed rows (the links are sorted by referrer).
    std::vector<std::size_t> first_edge(n + 1, 0);
    for (const Link& link : links) ++first_edge[link.referrer + 1];
    for (std::size_t p = 0; p < n; ++p) first_edge[p + 1] += first_edge[p];
    std::vector<Person> edge_to(links.size());
    for (std::size_t i = 0; i < links.size(); ++i) edge_to[i] = links[i].referee;

    // One breadth-first walk per referrer. `seen` holds the number of the walk that last
    // reached a person, so nobody is cleared between walks and each walk counts a person once.
    const auto depth = static_cast<std::size_t>(options.depth);
    std::vector<std::uint32_t> seen(n, 0);
    std::uint32_t walk = 0;
    std::vector<Person> frontier;
    std::vector<Person> next;
    for (Person source = 0; source < n; ++source) {
        if (first_edge[source] == first_edge[source + 1]) continue;  // referred nobody
        ++walk;
        seen[source] = walk;
        frontier.assign(1, source);
        KeyPerson key{*people.id[source], 0.0, 0, std::vector<ReferralLevel>(depth)};
        for (std::size_t level = 0; level < depth && !frontier.empty(); ++level) {
            next.clear();
            ReferralLevel& tally = key.levels[level];
            for (const Person from : frontier) {
                for (std::size_t e = first_edge[from]; e < first_edge[from + 1]; ++e) {
                    const Person to = edge_to[e];
                    if (seen[to] == walk) continue;
                    seen[to] = walk;
                    next.push_back(to);
                    ++tally.people;
                    if (people.first_purchase[to]) {
                        ++tally.buyers;
                        tally.revenue += people.revenue[to];
                    }
                }
            }
            key.reach += tally.people;
            std::swap(frontier, next);
        }
        // The level sums are exact integers; the decay is applied level by level in a fixed
        // order, so the influence is the same whatever the order of the input.
        double weight = 1;
        for (const ReferralLevel& tally : key.levels) {
            key.influence += weight * static_cast<double>(tally.revenue);
            weight *= options.decay;
        }
        analysis.key_persons.push_back(std::move(key));
    }
    std::sort(analysis.key_persons.begin(), analysis.key_persons.end(),
              [](const KeyPerson& a, const KeyPerson& b) {
                  if (a.influence != b.influence) return a.influence > b.influence;
                  if (a.reach != b.reach) return a.reach > b.reach;
                  return a.customer_id < b.customer_id;
              });
    return analysis;
}

std::vector<SuccessfulReferral> rewards_due(const ReferralAnalysis& analysis,
                                            const std::set<std::string>& rewarded_referees) {
    std::vector<SuccessfulReferral> due;
    for (const SuccessfulReferral& referral : analysis.successful) {
        if (!rewarded_referees.contains(referral.referee_id)) due.push_back(referral);
    }
    return due;
}

}  // namespace custclass::plugin
