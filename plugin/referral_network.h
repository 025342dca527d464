// Referrals and key persons (POTENTIAL.md items 4 and 5): who referred whom, which referrals
// succeeded (the referee made a first purchase) and earn a reward for both parties, and which
// customers bring the most revenue through the people they referred, counting referrals of
// referrals with a decay per level. The caller passes only the data up to the run date (so
// "made a first purchase" means on or before it) and records the rewards it pays, so that
// rewards_due never names a referee twice across runs.
//
// The rules, applied in this order:
// 1. Clean-up. A referral whose referrer or referee is not a key of `customers` is ignored as
//    "unknown_customer" (checked first); one whose referrer is its referee as "self_referral".
//    Both are counted per row. Of the rows left, those with the same referrer and referee count
//    as one referral, dated by the earliest referred_on (a null date counts as the latest); the
//    other rows are dropped without being counted.
// 2. Success (rewards). A referral is successful when the referee has a first purchase and
//    either referred_on is null or first_purchase >= referred_on (the same day counts). A
//    referee whose first purchase is before referred_on was already a customer: the referral is
//    ignored as "already_customer". A referee is credited to one referral only, the earliest
//    referred_on (null last), then the smallest referrer id; its other would-be successful
//    referrals are ignored as "not_first_referral". A referee without a first purchase leaves
//    the referral pending (it may succeed in a later run). So every referral kept by rule 1 is
//    exactly one of: successful, pending, "already_customer", "not_first_referral".
// 3. Key persons. Every referral kept by rule 1 is an edge referrer → referee (including the
//    "already_customer", "not_first_referral" and pending ones: they still reach people). For a
//    customer c, level L (1..depth) holds the people first reached at distance L breadth-first
//    from c, never c itself: cycles terminate and nobody counts twice. reach = the people of all
//    levels; a level's buyers are its people with a first purchase, its revenue the sum of their
//    revenues; influence = sum over L of decay^(L-1) × revenue of level L.
// 4. Results do not depend on the order of the input except where an order is named above.
//
// Cost: two look-ups in `customers` per referral (never a walk over it), a sort of the
// referrals, and for each referrer a breadth-first walk bounded by depth, on integer indices.
// A million customers and 200,000 referrals take some 0.35-0.5 s at -O1 on a shared two-core
// machine, most of it in the look-ups. A hub referred by many customers is walked through once
// per such referrer, so dense graphs cost more than the usual trees of referrals.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

namespace custclass::plugin {

// One row of the referrals: referrer_id referred referee_id on referred_on (a day number, days
// since 1970-01-01; nullopt when the source does not say when).
struct Referral {
    std::string referrer_id;
    std::string referee_id;
    std::optional<std::int32_t> referred_on;
};

// What the analysis needs of one customer: its first purchase day (nullopt: never purchased)
// and its revenue (the run's `monetary`, net amount in the window, minor units; may be 0 or
// negative).
struct ReferralCustomer {
    std::optional<std::int32_t> first_purchase;
    std::int64_t revenue = 0;
};

// decay: the weight of each further level in the influence, in (0, 1] (1: every level counts
// in full). depth: how many levels of referrals of referrals to follow, >= 1 (1: only the
// direct referees). Anything else makes analyse_referrals throw std::invalid_argument.
struct ReferralOptions {
    double decay = 0.5;
    int depth = 3;
};

// A successful referral (rule 2): the reward goes to both referrer_id and referee_id.
// referred_on is the date kept by rule 1; first_purchase the referee's first purchase day.
struct SuccessfulReferral {
    std::string referrer_id;
    std::string referee_id;
    std::optional<std::int32_t> referred_on;
    std::int32_t first_purchase = 0;

    friend bool operator==(const SuccessfulReferral&, const SuccessfulReferral&) = default;
};

// The people a key person reaches at one distance (rule 3): how many, how many of them bought,
// and the revenue of those who bought (minor units).
struct ReferralLevel {
    std::uint64_t people = 0;
    std::uint64_t buyers = 0;
    std::int64_t revenue = 0;

    friend bool operator==(const ReferralLevel&, const ReferralLevel&) = default;
};

// A customer who reached at least one person through referrals (rule 3). influence: the decayed
// revenue of the people reached (minor units, as a double); reach: how many people, all levels;
// levels[0] the direct referees, levels[L-1] those first reached at distance L, always depth
// entries (the empty deeper ones included).
struct KeyPerson {
    std::string customer_id;
    double influence = 0;
    std::uint64_t reach = 0;
    std::vector<ReferralLevel> levels;

    friend bool operator==(const KeyPerson&, const KeyPerson&) = default;
};

// What analyse_referrals finds in one run's referrals: the rewards earned (rule 2), the rows
// and referrals left out and why, and the key persons (rule 3).
struct ReferralAnalysis {
    // Rule 2, by the referee's first_purchase, then referee id (each referee appears once).
    std::vector<SuccessfulReferral> successful;
    // Rows or referrals not used, by reason: "self_referral", "unknown_customer" (rows, rule 1),
    // "already_customer", "not_first_referral" (referrals, rule 2). All four keys are always
    // present, with 0 when none.
    std::map<std::string, std::uint64_t> ignored;
    // Referrals whose referee has not made a first purchase (yet): neither successful nor
    // ignored.
    std::uint64_t pending = 0;
    // Rule 3: every customer with reach >= 1, by influence descending, then reach descending,
    // then customer id ascending.
    std::vector<KeyPerson> key_persons;

    friend bool operator==(const ReferralAnalysis&, const ReferralAnalysis&) = default;
};

// The referrals of a run, analysed by the rules at the top of this file. referrals: the rows as
// the source has them, in any order, duplicates allowed. customers: every customer of the run
// by id (a referral naming anyone else is "unknown_customer"). Throws std::invalid_argument when
// options.decay is not in (0, 1] (NaN included) or options.depth < 1; nothing else fails.
ReferralAnalysis analyse_referrals(const std::vector<Referral>& referrals,
                                   const std::unordered_map<std::string, ReferralCustomer>& customers,
                                   const ReferralOptions& options = {});

// The successful referrals of `analysis` whose referee is not in `rewarded_referees` (the
// referees rewarded, with their referrer, in an earlier run), in the order of
// analysis.successful: the reward list of this run. Since a referee is credited to one referral
// only, keying the record by referee is enough to never reward anybody twice for the same
// referee. Does not fail.
std::vector<SuccessfulReferral> rewards_due(const ReferralAnalysis& analysis,
                                            const std::set<std::string>& rewarded_referees);

}  // namespace custclass::plugin
