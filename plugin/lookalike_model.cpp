// The look-alike naive-Bayes model: counting at training, weights computed once, scoring by hash
// lookups (see lookalike_model.h for the mathematics).
#include "lookalike_model.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <numeric>
#include <optional>
#include <stdexcept>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

namespace custclass::plugin {

namespace {

std::string number(double value) {
    char text[32];
    std::snprintf(text, sizeof text, "%.6g", value);
    return text;
}

std::string quoted(const std::string& text) {
    return "\"" + text + "\"";
}

void check_options(const LookalikeOptions& options) {
    if (!std::isfinite(options.alpha) || options.alpha <= 0) {
        throw std::invalid_argument(
            "LookalikeOptions::alpha (the Laplace smoothing) must be a finite number > 0, not " +
            number(options.alpha));
    }
    std::unordered_set<std::string> names;
    for (std::size_t i = 0; i < options.attributes.size(); ++i) {
        const std::string& name = options.attributes[i];
        if (name.empty()) {
            throw std::invalid_argument("LookalikeOptions::attributes[" + std::to_string(i) +
                                        "] is empty: every attribute needs a name");
        }
        if (!names.insert(name).second) {
            throw std::invalid_argument("LookalikeOptions::attributes names " + quoted(name) +
                                        " twice");
        }
    }
    if (options.use_keywords) {
        if (options.keywords_name.empty()) {
            throw std::invalid_argument("LookalikeOptions::keywords_name is empty");
        }
        // Contributions and evidence are keyed by name: the keywords must not pass for an
        // attribute.
        if (names.count(options.keywords_name) != 0) {
            throw std::invalid_argument("LookalikeOptions::keywords_name " +
                                        quoted(options.keywords_name) +
                                        " is also the name of an attribute");
        }
    }
}

void check_values(const LookalikeExample& example, std::size_t attributes,
                  const std::string& which) {
    if (example.values.size() != attributes) {
        throw std::invalid_argument(which + " has " + std::to_string(example.values.size()) +
                                    " attribute values, not " + std::to_string(attributes) +
                                    " (one per LookalikeOptions::attributes)");
    }
}

// log[(a1 / d1) / (a0 / d0)], all four > 0, as the log of one ratio of products: with whole
// numbers below 2^26 the products are exact and the division correctly rounded, so that equal
// fractions give bit-equal weights (ties in the orders are then real ties). Extreme smoothing
// (products overflowing or underflowing) falls back to a difference of logarithms.
double log_ratio(double a1, double d1, double a0, double d0) {
    const double numerator = a1 * d0;
    const double denominator = a0 * d1;
    if (std::isfinite(numerator) && std::isfinite(denominator) && numerator > 0 &&
        denominator > 0) {
        const double ratio = numerator / denominator;
        if (std::isfinite(ratio) && ratio > 0) return std::log(ratio);
    }
    return (std::log(a1) - std::log(d1)) - (std::log(a0) - std::log(d0));
}

double logistic(double log_odds) {
    // exp of a negative number only, so that nothing overflows.
    if (log_odds >= 0) return 1.0 / (1.0 + std::exp(-log_odds));
    const double e = std::exp(log_odds);
    return e / (1.0 + e);
}

}  // namespace

LookalikeModel LookalikeModel::train(const std::vector<LookalikeExample>& training,
                                     const LookalikeOptions& options) {
    check_options(options);
    const std::size_t attribute_count = options.attributes.size();
    const double alpha = options.alpha;

    LookalikeModel model;
    model.options_ = options;
    model.attributes_.resize(attribute_count);

    // n_{c,a}: examples of class c with attribute a non-null; m_c: with a non-null keyword list.
    std::vector<std::uint64_t> non_null[2] = {std::vector<std::uint64_t>(attribute_count, 0),
                                              std::vector<std::uint64_t>(attribute_count, 0)};
    std::uint64_t lists[2] = {0, 0};
    std::uint64_t class_size[2] = {0, 0};
    // Per vocabulary keyword, 1 + the index of the last example that counted it: a keyword
    // repeated within one list counts once, without a set per example.
    std::vector<std::size_t> last_counted;

    // Values are numbered in order of first appearance while counting (one hash lookup per value)
    // and the keywords sorted afterwards.
    const auto count_value = [](ValueTable& table, const std::string& value) -> std::size_t {
        const auto [it, inserted] = table.index.try_emplace(value, table.values.size());
        if (inserted) {
            table.values.push_back(value);
            table.targets.push_back(0);
            table.non_targets.push_back(0);
        }
        return it->second;
    };

    for (std::size_t i = 0; i < training.size(); ++i) {
        const LookalikeExample& example = training[i];
        check_values(example, attribute_count, "training example " + std::to_string(i));
        const int c = example.target ? 1 : 0;
        ++class_size[c];
        for (std::size_t a = 0; a < attribute_count; ++a) {
            const std::optional<std::string>& value = example.values[a];
            if (!value) continue;
            ValueTable& table = model.attributes_[a].table;
            const std::size_t v = count_value(table, *value);
            ++(c == 1 ? table.targets : table.non_targets)[v];
            ++non_null[c][a];
        }
        if (options.use_keywords && example.keywords) {
            ++lists[c];
            ValueTable& table = model.keywords_.table;
            for (const std::string& keyword : *example.keywords) {
                const std::size_t w = count_value(table, keyword);
                if (w == last_counted.size()) last_counted.push_back(0);
                if (last_counted[w] == i + 1) continue;
                last_counted[w] = i + 1;
                ++(c == 1 ? table.targets : table.non_targets)[w];
            }
        }
    }

    const std::uint64_t n = training.size();
    if (class_size[1] == 0) {
        throw std::invalid_argument(
            "no target example: none of the " + std::to_string(n) +
            " training examples is a target, so nothing can be learnt about targets");
    }
    if (class_size[0] == 0) {
        throw std::invalid_argument("no non-target example: all " + std::to_string(n) +
                                    " training examples are targets, so nothing can be learnt "
                                    "about what sets targets apart");
    }
    model.examples_ = n;
    model.targets_ = class_size[1];
    model.prior_log_odds_ = std::log(static_cast<double>(class_size[1]) /
                                     static_cast<double>(class_size[0]));

    for (std::size_t a = 0; a < attribute_count; ++a) {
        CategoricalAttribute& attribute = model.attributes_[a];
        ValueTable& table = attribute.table;
        const double k = static_cast<double>(table.values.size() + 1);
        const double d1 = static_cast<double>(non_null[1][a]) + alpha * k;
        const double d0 = static_cast<double>(non_null[0][a]) + alpha * k;
        table.weights.resize(table.values.size());
        for (std::size_t v = 0; v < table.values.size(); ++v) {
            table.weights[v] = log_ratio(static_cast<double>(table.targets[v]) + alpha, d1,
                                         static_cast<double>(table.non_targets[v]) + alpha, d0);
        }
        attribute.unseen_weight = log_ratio(alpha, d1, alpha, d0);
    }

    if (options.use_keywords) {
        // Sort the vocabulary so that the absent keywords are summed in an order that does not
        // depend on the order of the training rows.
        ValueTable& counted = model.keywords_.table;
        std::vector<std::size_t> order(counted.values.size());
        std::iota(order.begin(), order.end(), std::size_t{0});
        std::sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) {
            return counted.values[x] < counted.values[y];
        });
        ValueTable sorted;
        sorted.index.reserve(order.size());
        sorted.values.reserve(order.size());
        for (const std::size_t w : order) {
            sorted.index.emplace(counted.values[w], sorted.values.size());
            sorted.values.push_back(std::move(counted.values[w]));
            sorted.targets.push_back(counted.targets[w]);
            sorted.non_targets.push_back(counted.non_targets[w]);
        }
        const double m1 = static_cast<double>(lists[1]);
        const double m0 = static_cast<double>(lists[0]);
        const double d1 = m1 + 2 * alpha;
        const double d0 = m0 + 2 * alpha;
        sorted.weights.resize(order.size());
        model.keywords_.absent_weights.resize(order.size());
        for (std::size_t w = 0; w < order.size(); ++w) {
            const double c1 = static_cast<double>(sorted.targets[w]);
            const double c0 = static_cast<double>(sorted.non_targets[w]);
            sorted.weights[w] = log_ratio(c1 + alpha, d1, c0 + alpha, d0);
            // (m − count + α) rather than 1 − P: no cancellation when P is close to 1.
            model.keywords_.absent_weights[w] = log_ratio(m1 - c1 + alpha, d1, m0 - c0 + alpha, d0);
        }
        model.keywords_.table = std::move(sorted);
    }
    return model;
}

LookalikeScore LookalikeModel::score(const LookalikeExample& example) const {
    check_values(example, attributes_.size(), "scored example");
    LookalikeScore result;
    result.contributions.reserve(attributes_.size() +
                                 (example.keywords ? example.keywords->size() + 1 : 0));
    double log_odds = prior_log_odds_;

    for (std::size_t a = 0; a < attributes_.size(); ++a) {
        const std::optional<std::string>& value = example.values[a];
        if (!value) continue;
        const CategoricalAttribute& attribute = attributes_[a];
        const auto it = attribute.table.index.find(*value);
        const double weight =
            it == attribute.table.index.end() ? attribute.unseen_weight
                                              : attribute.table.weights[it->second];
        result.contributions.push_back({options_.attributes[a], value, weight});
        log_odds += weight;
    }

    const ValueTable& vocabulary = keywords_.table;
    if (options_.use_keywords && example.keywords && !vocabulary.values.empty()) {
        // The vocabulary positions of the example's keywords, sorted and without repeats: the
        // present ones in vocabulary order, and a merge walk over the vocabulary for the absent.
        std::vector<std::size_t> present;
        present.reserve(example.keywords->size());
        for (const std::string& keyword : *example.keywords) {
            const auto it = vocabulary.index.find(keyword);
            if (it != vocabulary.index.end()) present.push_back(it->second);
        }
        std::sort(present.begin(), present.end());
        present.erase(std::unique(present.begin(), present.end()), present.end());
        for (const std::size_t w : present) {
            const double weight = vocabulary.weights[w];
            result.contributions.push_back({options_.keywords_name, vocabulary.values[w], weight});
            log_odds += weight;
        }
        double absent = 0;
        std::size_t next_present = 0;
        for (std::size_t w = 0; w < vocabulary.values.size(); ++w) {
            if (next_present < present.size() && present[next_present] == w) {
                ++next_present;
                continue;
            }
            absent += keywords_.absent_weights[w];
        }
        result.contributions.push_back({options_.keywords_name, std::nullopt, absent});
        log_odds += absent;
    }

    std::sort(result.contributions.begin(), result.contributions.end(),
              [](const Contribution& x, const Contribution& y) {
                  const double ax = std::fabs(x.weight);
                  const double ay = std::fabs(y.weight);
                  if (ax != ay) return ax > ay;
                  if (x.attribute != y.attribute) return x.attribute < y.attribute;
                  return x.value < y.value;  // nullopt first
              });
    result.log_odds = log_odds;
    result.probability = logistic(log_odds);
    return result;
}

std::vector<AttributeEvidence> LookalikeModel::evidence() const {
    std::vector<AttributeEvidence> result;
    const auto add = [&result](const std::string& attribute, const ValueTable& table) {
        for (std::size_t v = 0; v < table.values.size(); ++v) {
            result.push_back({attribute, table.values[v], table.targets[v] + table.non_targets[v],
                              table.targets[v], table.weights[v]});
        }
    };
    for (std::size_t a = 0; a < attributes_.size(); ++a) {
        add(options_.attributes[a], attributes_[a].table);
    }
    if (options_.use_keywords) add(options_.keywords_name, keywords_.table);
    std::sort(result.begin(), result.end(),
              [](const AttributeEvidence& x, const AttributeEvidence& y) {
                  if (x.weight != y.weight) return x.weight > y.weight;
                  if (x.support != y.support) return x.support > y.support;
                  if (x.attribute != y.attribute) return x.attribute < y.attribute;
                  return x.value < y.value;
              });
    return result;
}

double LookalikeModel::prior() const {
    return static_cast<double>(targets_) / static_cast<double>(examples_);
}

}  // namespace custclass::plugin
