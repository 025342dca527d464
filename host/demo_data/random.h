// Deterministic random numbers for the data generator: a seed gives the same numbers on every
// platform, compiler and standard library. That is why nothing here uses <random>'s distributions
// (their algorithms are unspecified and differ between libstdc++, libc++ and MSVC) nor <cmath>'s
// log and exp (whose last bit differs between C libraries): every mapping from raw bits to a value
// is written out here, from integer arithmetic and IEEE-754 operations that are exact (+ - * /,
// sqrt, floor, frexp, ldexp). Code including this header must be compiled without floating-point
// contraction (-ffp-contract=off), as host/demo_data/CMakeLists.txt does, so that no FMA changes a
// rounding on the architectures that have one.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <span>
#include <vector>

namespace custclass::datagen {

// splitmix64 (Steele, Lea, Flood 2014): a 64-bit mixing function, used to seed and to derive
// independent streams.
constexpr std::uint64_t mix64(std::uint64_t x) {
    x += 0x9E3779B97F4A7C15ULL;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
    return x ^ (x >> 31);
}

// Natural logarithm and exponential from exact operations only (see the top of the file).
// Accurate to a few units in the last place, which is all a simulation needs.
inline double portable_log(double x) {
    // x = m * 2^e with m in [sqrt(1/2), sqrt(2)); log(m) = 2 atanh(s), s = (m - 1) / (m + 1).
    int e = 0;
    double m = std::frexp(x, &e);
    if (m < 0.70710678118654752) {
        m *= 2.0;
        e -= 1;
    }
    const double s = (m - 1.0) / (m + 1.0);
    const double s2 = s * s;  // <= 0.0295, so 12 terms of the series reach double precision
    double series = 0.0;
    for (int k = 11; k >= 0; --k) series = series * s2 + 1.0 / (2 * k + 1);
    return e * 0.69314718055994531 + 2.0 * s * series;
}

inline double portable_exp(double x) {
    if (x < -745.0) return 0.0;
    if (x > 709.0) return HUGE_VAL;
    // x = k ln2 + r with |r| <= ln2 / 2; exp(r) by its Taylor series, then scaled by 2^k.
    const double k = std::floor(x / 0.69314718055994531 + 0.5);
    const double r = x - k * 0.69314718055994531;
    double series = 1.0;
    for (int n = 18; n >= 1; --n) series = 1.0 + series * r / n;
    return std::ldexp(series, static_cast<int>(k));
}

// Names of the independent random streams. Each (seed, stream, key) triple seeds its own
// generator, so that, for example, customer 42's purchases do not change when the way names are
// drawn changes, and the product catalogue does not depend on the number of customers.
enum class Stream : std::uint64_t {
    catalogue = 1,          // products and prices
    person = 2,             // key = customer id: who the customer is
    purchases = 3,          // key = customer id: what and when the customer buys
    calibration = 4,        // key = sample number: the calibration of purchase rates
    opt_outs = 5,           // key = customer id: addresses opted out without being customers
    interactions = 6,       // key = customer id: web-shop sessions, sign-up, newsletter e-mails
    sale_interactions = 7,  // key = order id: the e-mail click or search that led to a sale
};

// xoshiro256** 1.0 (Blackman and Vigna 2018): fast, 256 bits of state, passes BigCrush.
class Rng {
  public:
    Rng(std::uint64_t seed, Stream stream, std::uint64_t key) {
        std::uint64_t x = mix64(seed) ^ mix64((static_cast<std::uint64_t>(stream) << 56) ^ key);
        for (auto& word : state_) {
            x = mix64(x);
            word = x;
        }
    }

    std::uint64_t next() {
        const std::uint64_t result = rotl(state_[1] * 5, 7) * 9;
        const std::uint64_t t = state_[1] << 17;
        state_[2] ^= state_[0];
        state_[3] ^= state_[1];
        state_[1] ^= state_[2];
        state_[0] ^= state_[3];
        state_[2] ^= t;
        state_[3] = rotl(state_[3], 45);
        return result;
    }

    // Uniform in [0, n), without bias (Lemire 2019, 32-bit variant). n must be > 0.
    std::uint32_t below(std::uint32_t n) {
        std::uint64_t m = (next() >> 32) * n;
        if (static_cast<std::uint32_t>(m) < n) {
            const std::uint32_t threshold = static_cast<std::uint32_t>(-n) % n;
            while (static_cast<std::uint32_t>(m) < threshold) m = (next() >> 32) * n;
        }
        return static_cast<std::uint32_t>(m >> 32);
    }

    // Uniform in [0, n) for any n > 0 (rejection of the incomplete last block).
    std::uint64_t below64(std::uint64_t n) {
        const std::uint64_t limit = UINT64_MAX - UINT64_MAX % n;
        std::uint64_t x = next();
        while (x >= limit) x = next();
        return x % n;
    }

    // Uniform integer in [lo, hi]; lo <= hi and hi - lo < 2^63.
    std::int64_t between(std::int64_t lo, std::int64_t hi) {
        const auto span = static_cast<std::uint64_t>(hi - lo) + 1;
        if (span <= UINT32_MAX) return lo + below(static_cast<std::uint32_t>(span));
        return lo + static_cast<std::int64_t>(below64(span));
    }

    // Uniform in [0, 1), 53 random bits.
    double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

    // True with probability p.
    bool chance(double p) { return uniform() < p; }

    // Exponentially distributed with the given mean.
    double exponential(double mean) { return -mean * portable_log(1.0 - uniform()); }

    // Standard normal (Marsaglia's polar method: needs only log and sqrt).
    double normal() {
        for (;;) {
            const double u = 2.0 * uniform() - 1.0;
            const double v = 2.0 * uniform() - 1.0;
            const double s = u * u + v * v;
            if (s > 0.0 && s < 1.0) return u * std::sqrt(-2.0 * portable_log(s) / s);
        }
    }

    // Log-normal with mean 1: exp(sigma Z - sigma^2 / 2).
    double lognormal_mean_one(double sigma) {
        return portable_exp(sigma * normal() - 0.5 * sigma * sigma);
    }

    // An element of a non-empty span, uniformly.
    template <class T>
    const T& pick(std::span<const T> items) {
        return items[below(static_cast<std::uint32_t>(items.size()))];
    }

  private:
    static constexpr std::uint64_t rotl(std::uint64_t x, int k) {
        return (x << k) | (x >> (64 - k));
    }

    std::uint64_t state_[4];
};

// Draws an index with probability proportional to integer weights (cumulative table plus binary
// search; integer weights keep the choice exact and portable).
class WeightedChoice {
  public:
    WeightedChoice() = default;
    explicit WeightedChoice(std::span<const std::uint32_t> weights) {
        cumulative_.reserve(weights.size());
        std::uint32_t total = 0;
        for (std::uint32_t w : weights) cumulative_.push_back(total += w);
    }

    std::size_t size() const { return cumulative_.size(); }
    std::uint32_t total() const { return cumulative_.empty() ? 0 : cumulative_.back(); }

    // Requires total() > 0.
    std::size_t draw(Rng& rng) const {
        const std::uint32_t r = rng.below(total());
        return static_cast<std::size_t>(
            std::upper_bound(cumulative_.begin(), cumulative_.end(), r) - cumulative_.begin());
    }

  private:
    std::vector<std::uint32_t> cumulative_;
};

}  // namespace custclass::datagen
