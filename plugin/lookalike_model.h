// Look-alike fit of prospects: for a prospect (no purchase yet), the probability of becoming a
// high-value customer, learnt from the current customers at each run. A naive-Bayes classifier
// over the prospect's categorical attributes (district, age band, gender, lead source, ...) and
// the set of its interests (keywords), with Laplace smoothing; the target is membership of the
// segments the rule set names (e.g. champions), decided by the caller. Prospects are ranked by
// the probability, and each score lists the attributes that moved it most.
//
// The model. n training examples, n1 of them targets (class 1), n0 = n − n1 not (class 0); α > 0
// is the smoothing. Natural logarithms throughout.
// - Prior log-odds: log(n1 / n0), unsmoothed (both classes must be present).
// - Categorical attribute a: V_a = the distinct non-null values of a in training, K_a = |V_a| + 1
//   (the extra bucket stands for every value never seen in training), n_{c,a} = the examples of
//   class c whose a is non-null, count(v, c) = those with a = v:
//     P(v | c) = (count(v, c) + α) / (n_{c,a} + α K_a),
//   so a value never seen in training has P = α / (n_{c,a} + α K_a). Its weight is
//     w_a(v) = log P(v | 1) − log P(v | 0).
//   A null value in a scored example skips the attribute (no contribution).
// - Keywords (Bernoulli event model, only with LookalikeOptions::use_keywords): W = the keywords
//   present in some training example with a non-null list, m_c = the examples of class c with a
//   non-null list, count(w, c) = those whose list holds w:
//     P(w present | c) = (count(w, c) + α) / (m_c + 2α),
//     P(w absent  | c) = (m_c − count(w, c) + α) / (m_c + 2α)   (= 1 − P(w present | c)).
//   For a scored example with a non-null list, every w in W adds
//     log P(w present | 1) − log P(w present | 0)  when the list holds w,
//     log P(w absent  | 1) − log P(w absent  | 0)  when it does not;
//   keywords outside W add nothing. A null list skips the keywords.
// - log_odds = log(n1 / n0) + the contributions; probability = 1 / (1 + exp(−log_odds)).
//
// Each weight is computed as the logarithm of one ratio of two products, e.g. for a categorical
// value log[(count(v,1) + α)(n_{0,a} + α K_a) / ((count(v,0) + α)(n_{1,a} + α K_a))]: with a whole
// α and counts below 2^26 the products are exact, so weights that are equal as fractions are
// equal as numbers, and the orders below are decided by their documented tie-breaks and not by
// rounding.
//
// Keyword lists are taken as given (the caller lower-cases them); a keyword repeated in one list
// counts once, in training and in scoring. Everything is deterministic: the result does not
// depend on hash-table order. Training is O(n × attributes + keywords listed), scoring
// O(attributes + |W| + keywords listed) with hash lookups (a million training rows of four
// attributes and up to five keywords from forty train in about 0.4 s on one core; scoring takes
// about 2 µs a prospect, mostly copying the contributions' strings).
//
// Failures: std::invalid_argument for bad options (α not a finite number > 0, an attribute name
// empty or repeated, the keywords name empty or the name of an attribute), for an example whose
// number of values differs from the number of attributes (naming the example's index), and when
// the training set has no target or no non-target example (saying which and how many examples
// there are).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace custclass::plugin {

// One customer (training) or prospect (scoring). values: one per categorical attribute, in the
// order of LookalikeOptions::attributes; nullopt = unknown. keywords: the interests, lower-cased
// by the caller (repeats are ignored here); nullopt = unknown, an empty list = known to have none.
// target: training only, the customer is a member of a target segment; ignored when scoring.
struct LookalikeExample {
    std::vector<std::optional<std::string>> values;
    std::optional<std::vector<std::string>> keywords;
    bool target = false;
};

// attributes: the names of the categorical attributes, non-empty and distinct, e.g.
// {"district", "age_band", "gender", "lead_source"}. use_keywords: model the keyword sets too,
// under the name keywords_name (non-empty and not one of the attributes, since contributions and
// evidence are keyed by name); when false, keywords are ignored in training and scoring.
// alpha: the Laplace smoothing α, a finite number > 0.
struct LookalikeOptions {
    std::vector<std::string> attributes;
    bool use_keywords = true;
    std::string keywords_name = "interests";
    double alpha = 1.0;
};

// What one piece of a scored example added to its log-odds. attribute: the attribute's name, or
// LookalikeOptions::keywords_name for keywords. value: the example's value of the attribute
// (kept as given when never seen in training), the keyword present, or nullopt for the summed
// contribution of all the vocabulary keywords absent from the example. weight: the natural
// log-likelihood ratio, target vs not (> 0 speaks for the target).
struct Contribution {
    std::string attribute;
    std::optional<std::string> value;
    double weight = 0;
};

// probability: P(target | example) in [0, 1]; log_odds: its log-odds, log(n1/n0) + the sum of
// the contributions' weights. contributions: one per categorical attribute with a non-null value,
// one per vocabulary keyword present, and one (value nullopt) for the vocabulary keywords absent
// when the keyword list is non-null and the vocabulary non-empty (weight 0 when none is absent);
// ordered by |weight| descending, then attribute, then value (nullopt first).
struct LookalikeScore {
    double probability = 0;
    double log_odds = 0;
    std::vector<Contribution> contributions;
};

// One attribute value or keyword seen in training. support: the training examples holding it (a
// keyword counted once per example); targets: those of them that are targets; weight: w_a(v) for
// a categorical value, the weight of presence log P(w present | 1) − log P(w present | 0) for a
// keyword (attribute = LookalikeOptions::keywords_name).
struct AttributeEvidence {
    std::string attribute;
    std::string value;
    std::uint64_t support = 0;
    std::uint64_t targets = 0;
    double weight = 0;
};

// A trained model (see the top of this file for the mathematics). A plain value: copyable,
// immutable after train, safe to score from several threads at once.
class LookalikeModel {
public:
    // Trains on the current customers (target = member of a target segment). Throws
    // std::invalid_argument on bad options, on an example whose values.size() differs from
    // options.attributes.size() ("training example <i> has <k> attribute values, not <m> ..."),
    // and when no example is a target or every example is one (the message gives the number of
    // examples).
    static LookalikeModel train(const std::vector<LookalikeExample>& training,
                                const LookalikeOptions& options);

    // P(target | example) with its contributions; example.target is ignored. log_odds is added up
    // in a fixed order (the prior, the attributes in options order, the present keywords in
    // vocabulary order, then the absent keywords' sum, itself added up in vocabulary order), so
    // equal examples score equal bits whatever the order of their keywords. The probability is
    // computed without overflow for any log_odds (through exp(log_odds) when it is negative).
    // Throws std::invalid_argument when example.values.size() differs from the number of
    // attributes.
    LookalikeScore score(const LookalikeExample& example) const;

    // Every categorical value and keyword seen in training, ordered by weight descending, then
    // support descending, then attribute, then value.
    std::vector<AttributeEvidence> evidence() const;

    std::uint64_t targets() const { return targets_; }    // n1
    std::uint64_t examples() const { return examples_; }  // n
    double prior() const;                                 // n1 / n, the share of targets
    double prior_log_odds() const { return prior_log_odds_; }  // log(n1 / n0)
    const LookalikeOptions& options() const { return options_; }

private:
    // The values of one categorical attribute, or the keyword vocabulary W: per value its
    // counts and its weight (presence weight for keywords), indexed through `index`.
    struct ValueTable {
        std::unordered_map<std::string, std::size_t> index;  // value -> position below
        std::vector<std::string> values;
        std::vector<std::uint64_t> targets;      // count(v, 1)
        std::vector<std::uint64_t> non_targets;  // count(v, 0)
        std::vector<double> weights;             // w_a(v), or the weight of presence
    };
    struct CategoricalAttribute {
        ValueTable table;
        double unseen_weight = 0;  // w_a of a value never seen in training
    };
    struct Keywords {
        ValueTable table;                    // sorted by keyword, so that sums run in that order
        std::vector<double> absent_weights;  // log P(w absent | 1) − log P(w absent | 0)
    };

    LookalikeModel() = default;

    LookalikeOptions options_;
    std::uint64_t examples_ = 0;
    std::uint64_t targets_ = 0;
    double prior_log_odds_ = 0;
    std::vector<CategoricalAttribute> attributes_;  // in options_.attributes order
    Keywords keywords_;                             // empty unless options_.use_keywords
};

}  // namespace custclass::plugin
