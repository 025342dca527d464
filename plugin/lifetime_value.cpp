// BG/NBD and Gamma-Gamma: log-likelihoods, maximum-likelihood fits with NLopt, and the
// per-customer predictions (see lifetime_value.h for the models and the references).
#include "lifetime_value.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <limits>
#include <nlopt.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace custclass::plugin {

namespace {

// ---------------------------------------------------------------------------------------------
// Input checks

std::string number(double value) {
    char text[32];
    std::snprintf(text, sizeof text, "%.6g", value);
    return text;
}

[[noreturn]] void bad_customer(std::size_t index, const std::string& what) {
    throw std::invalid_argument("customer " + std::to_string(index) + ": " + what);
}

void check_parameter(const char* name, double value) {
    if (!std::isfinite(value) || value <= 0) {
        throw std::invalid_argument(std::string("parameter ") + name +
                                    " must be a finite number > 0, not " + number(value));
    }
}

void check_parameters(const BgNbdParameters& params) {
    check_parameter("r", params.r);
    check_parameter("alpha", params.alpha);
    check_parameter("a", params.a);
    check_parameter("b", params.b);
}

void check_parameters(const GammaGammaParameters& params) {
    check_parameter("p", params.p);
    check_parameter("q", params.q);
    check_parameter("v", params.v);
}

bool is_whole(double value) {
    return std::isfinite(value) && std::floor(value) == value;
}

void check_customer(std::size_t index, const RepeatSummary& c) {
    if (!is_whole(c.x) || c.x < 0) {
        bad_customer(index, "x (repeat purchases) must be a whole number >= 0, not " + number(c.x));
    }
    if (!std::isfinite(c.T) || c.T < 0) {
        bad_customer(index, "T (age) must be a finite number >= 0, not " + number(c.T));
    }
    if (!std::isfinite(c.t_x) || c.t_x < 0) {
        bad_customer(index, "t_x (time of the last repeat purchase) must be a finite number " +
                                std::string(">= 0, not ") + number(c.t_x));
    }
    if (c.t_x > c.T) {
        bad_customer(index, "t_x (" + number(c.t_x) + ") is after T (" + number(c.T) + ")");
    }
}

void check_customers(const std::vector<RepeatSummary>& customers) {
    if (customers.empty()) throw std::invalid_argument("no customers to fit the BG/NBD model to");
    for (std::size_t i = 0; i < customers.size(); ++i) check_customer(i, customers[i]);
}

void check_customer(std::size_t index, const SpendSummary& c) {
    if (!is_whole(c.x) || c.x < 1) {
        bad_customer(index, "x (transactions) must be a whole number >= 1, not " + number(c.x));
    }
    if (!std::isfinite(c.mean_spend) || c.mean_spend <= 0) {
        bad_customer(index, "mean_spend must be a finite number > 0, not " + number(c.mean_spend));
    }
}

void check_customers(const std::vector<SpendSummary>& customers) {
    if (customers.empty()) {
        throw std::invalid_argument("no customers to fit the Gamma-Gamma model to");
    }
    for (std::size_t i = 0; i < customers.size(); ++i) check_customer(i, customers[i]);
}

// ---------------------------------------------------------------------------------------------
// Log-likelihoods on checked input. The terms that depend on a customer only through x are
// computed once per distinct x (x is a whole number and takes few values), which keeps a fit over
// a large customer base to a few logarithms per customer and evaluation.

// The distinct x values of the customers and, per customer, the index of its x among them.
struct DistinctCounts {
    std::vector<double> values;
    std::vector<std::size_t> index;
};

template <class Summary>
DistinctCounts distinct_counts(const std::vector<Summary>& customers) {
    DistinctCounts counts;
    for (const Summary& c : customers) counts.values.push_back(c.x);
    std::sort(counts.values.begin(), counts.values.end());
    counts.values.erase(std::unique(counts.values.begin(), counts.values.end()),
                        counts.values.end());
    counts.index.reserve(customers.size());
    for (const Summary& c : customers) {
        auto at = std::lower_bound(counts.values.begin(), counts.values.end(), c.x);
        counts.index.push_back(static_cast<std::size_t>(at - counts.values.begin()));
    }
    return counts;
}

// log(exp(u) + exp(w)) without overflow.
double log_add_exp(double u, double w) {
    const double high = std::max(u, w);
    const double low = std::min(u, w);
    return high + std::log1p(std::exp(low - high));
}

// BG/NBD individual likelihood (Fader, Hardie and Lee 2005, section 3):
//   L = B(a, b+x)/B(a, b) · Γ(r+x) α^r / (Γ(r) (α+T)^(r+x))
//     + [x > 0] B(a+1, b+x−1)/B(a, b) · Γ(r+x) α^r / (Γ(r) (α+t_x)^(r+x)).
// Both terms share B(a, b+x)/B(a, b) · Γ(r+x) α^r / Γ(r) (the second one's ratio of beta
// functions is that times a/(b+x−1)), so
//   log L = shared(x) + log(exp(−(r+x) log(α+T)) + [x > 0] exp(log a − log(b+x−1)
//                                                            − (r+x) log(α+t_x))).
double bg_nbd_log_likelihood_checked(const BgNbdParameters& p,
                                     const std::vector<RepeatSummary>& customers,
                                     const DistinctCounts& counts) {
    const double r = p.r, alpha = p.alpha, a = p.a, b = p.b;
    const double per_model =
        -std::lgamma(r) + r * std::log(alpha) + std::lgamma(a + b) - std::lgamma(b);
    std::vector<double> shared(counts.values.size());
    std::vector<double> dropout(counts.values.size());  // log a − log(b+x−1), x > 0
    for (std::size_t k = 0; k < counts.values.size(); ++k) {
        const double x = counts.values[k];
        shared[k] = per_model + std::lgamma(r + x) + std::lgamma(b + x) - std::lgamma(a + b + x);
        dropout[k] = x > 0 ? std::log(a) - std::log(b + x - 1) : 0;
    }
    double total = 0;
    for (std::size_t i = 0; i < customers.size(); ++i) {
        const RepeatSummary& c = customers[i];
        const std::size_t k = counts.index[i];
        const double still_alive = -(r + c.x) * std::log(alpha + c.T);
        double log_l = shared[k] + still_alive;
        if (c.x > 0) {
            const double dropped = dropout[k] - (r + c.x) * std::log(alpha + c.t_x);
            log_l = shared[k] + log_add_exp(still_alive, dropped);
        }
        total += log_l;
    }
    return total;
}

// Gamma-Gamma density of a customer's mean transaction value m given x (Fader and Hardie 2013):
//   f(m | p, q, v; x) = Γ(px+q)/(Γ(px) Γ(q)) · v^q · m^(px−1) · x^(px) / (v + x m)^(px+q).
double gamma_gamma_log_likelihood_checked(const GammaGammaParameters& params,
                                          const std::vector<SpendSummary>& customers,
                                          const DistinctCounts& counts) {
    const double p = params.p, q = params.q, v = params.v;
    const double per_model = -std::lgamma(q) + q * std::log(v);
    std::vector<double> shared(counts.values.size());
    for (std::size_t k = 0; k < counts.values.size(); ++k) {
        const double px = p * counts.values[k];
        shared[k] =
            per_model + std::lgamma(px + q) - std::lgamma(px) + px * std::log(counts.values[k]);
    }
    double total = 0;
    for (std::size_t i = 0; i < customers.size(); ++i) {
        const SpendSummary& c = customers[i];
        const double px = p * c.x;
        total += shared[counts.index[i]] + (px - 1) * std::log(c.mean_spend) -
                 (px + q) * std::log(v + c.x * c.mean_spend);
    }
    return total;
}

// ---------------------------------------------------------------------------------------------
// The maximiser: NLopt's BOBYQA over the logarithms of the parameters.

constexpr double kLowestParameter = 1e-8;
constexpr double kHighestParameter = 1e8;
constexpr int kMaxEvaluations = 20000;
// A parameter whose logarithm has a larger standard error is known only to within a factor of
// e^5 ≈ 150 either way: not determined by the data.
constexpr double kMaxLogStandardError = 5;

template <std::size_t N>
struct Maximum {
    std::array<double, N> params{};
    double log_likelihood = 0;
    int evaluations = 0;
    bool converged = false;
    std::string message;
};

// The model's log-likelihood as a function of its parameters, for NLopt's C callback.
template <std::size_t N>
struct Objective {
    virtual ~Objective() = default;
    virtual double log_likelihood(const std::array<double, N>& params) const = 0;
};

template <std::size_t N>
double negative_log_likelihood(unsigned n, const double* log_params, double* gradient, void* data) {
    (void)gradient;  // derivative-free: NLopt passes no gradient to fill
    std::array<double, N> params{};
    for (unsigned k = 0; k < n && k < N; ++k) params[k] = std::exp(log_params[k]);
    const double value = static_cast<const Objective<N>*>(data)->log_likelihood(params);
    // Within the search box every term is finite for checked input; should one not be, a large
    // finite value steers BOBYQA away without poisoning its quadratic model with inf or NaN.
    return std::isfinite(value) ? -value : 1e100;
}

std::string stop_reason(nlopt::result result) {
    switch (result) {
        case nlopt::SUCCESS:
            return "the optimiser converged";
        case nlopt::STOPVAL_REACHED:
            return "the optimiser reached its stop value";
        case nlopt::FTOL_REACHED:
            return "the optimiser reached its log-likelihood tolerance";
        case nlopt::XTOL_REACHED:
            return "the optimiser reached its parameter tolerance";
        case nlopt::MAXEVAL_REACHED:
            return "the optimiser did not converge within its limit";
        case nlopt::MAXTIME_REACHED:
            return "the optimiser did not converge within its time";
        default:
            return "the optimiser stopped (NLopt result " +
                   std::to_string(static_cast<int>(result)) + ")";
    }
}

// The standard errors of the logarithms of the parameters at a maximum: the square roots of
// the diagonal of the inverse of the observed information (minus the Hessian of the
// log-likelihood in the log-parameters, by central differences). Empty when that matrix is not
// positive definite: the log-likelihood is flat or curves upwards along some direction, so the
// point is not a proper maximum.
template <std::size_t N>
std::optional<std::array<double, N>> log_standard_errors(const Objective<N>& objective,
                                                         const std::vector<double>& at) {
    constexpr double h = 1e-3;  // in log units
    const auto value = [&](int i, int di, int j, int dj) {
        std::array<double, N> params{};
        for (std::size_t k = 0; k < N; ++k) {
            double log_param = at[k];
            if (static_cast<int>(k) == i) log_param += di * h;
            if (static_cast<int>(k) == j) log_param += dj * h;
            params[k] = std::exp(log_param);
        }
        return objective.log_likelihood(params);
    };
    const double centre = value(-1, 0, -1, 0);
    std::array<std::array<double, N>, N> info{};  // minus the Hessian
    for (int i = 0; i < static_cast<int>(N); ++i) {
        info[i][i] = -(value(i, 1, -1, 0) - 2 * centre + value(i, -1, -1, 0)) / (h * h);
        for (int j = 0; j < i; ++j) {
            info[i][j] = info[j][i] = -(value(i, 1, j, 1) - value(i, 1, j, -1) -
                                        value(i, -1, j, 1) + value(i, -1, j, -1)) /
                                      (4 * h * h);
        }
    }
    // Cholesky: info = L Lᵀ.
    std::array<std::array<double, N>, N> lower{};
    for (std::size_t i = 0; i < N; ++i) {
        for (std::size_t j = 0; j <= i; ++j) {
            double sum = info[i][j];
            for (std::size_t k = 0; k < j; ++k) sum -= lower[i][k] * lower[j][k];
            if (i == j) {
                if (!(sum > 0) || !std::isfinite(sum)) return std::nullopt;
                lower[i][i] = std::sqrt(sum);
            } else {
                lower[i][j] = sum / lower[j][j];
            }
        }
    }
    // diag(info⁻¹) = column sums of squares of L⁻¹ (lower triangular, by forward substitution).
    std::array<double, N> errors{};
    for (std::size_t col = 0; col < N; ++col) {
        std::array<double, N> column{};  // column `col` of L⁻¹
        for (std::size_t i = col; i < N; ++i) {
            double sum = i == col ? 1 : 0;
            for (std::size_t k = col; k < i; ++k) sum -= lower[i][k] * column[k];
            column[i] = sum / lower[i][i];
        }
        for (std::size_t i = col; i < N; ++i) errors[col] += column[i] * column[i];
    }
    for (double& e : errors) e = std::sqrt(e);
    return errors;
}

// Runs BOBYQA from `start`, then once more from where it stopped (a restart costs little and
// guards against a premature stop of the trust region), and checks the result. Deterministic.
template <std::size_t N>
Maximum<N> maximise(const Objective<N>& objective, const std::array<double, N>& start,
                    const std::array<const char*, N>& names) {
    const double low = std::log(kLowestParameter);
    const double high = std::log(kHighestParameter);
    std::vector<double> x(N);
    for (std::size_t k = 0; k < N; ++k) x[k] = std::log(start[k]);

    Maximum<N> out;
    bool usable = true;
    std::string how;
    for (int round = 0; round < 2 && usable; ++round) {
        nlopt::opt opt(nlopt::LN_BOBYQA, static_cast<unsigned>(N));
        opt.set_lower_bounds(std::vector<double>(N, low));
        opt.set_upper_bounds(std::vector<double>(N, high));
        opt.set_min_objective(negative_log_likelihood<N>,
                              const_cast<void*>(static_cast<const void*>(&objective)));
        opt.set_xtol_abs(1e-10);
        opt.set_ftol_rel(1e-15);
        opt.set_maxeval(kMaxEvaluations);
        opt.set_initial_step(round == 0 ? 0.5 : 0.05);
        double value = 0;
        try {
            const nlopt::result result = opt.optimize(x, value);
            how = stop_reason(result);
            usable = result != nlopt::MAXEVAL_REACHED && result != nlopt::MAXTIME_REACHED;
        } catch (const nlopt::roundoff_limited&) {
            // The best point so far is in x: the optimum to the precision of the arithmetic.
            how = "the optimiser converged to the limit of floating-point precision";
        } catch (const std::exception& e) {
            how = std::string("the optimiser failed: ") + e.what();
            usable = false;
        }
        out.evaluations += opt.get_numevals();
    }

    for (std::size_t k = 0; k < N; ++k) out.params[k] = std::exp(x[k]);
    out.log_likelihood = objective.log_likelihood(out.params);
    out.converged = usable;
    out.message = how + " after " + std::to_string(out.evaluations) + " evaluations";
    if (!std::isfinite(out.log_likelihood)) {
        out.converged = false;
        out.message += "; the log-likelihood is not finite at the parameters reached";
        out.log_likelihood = -std::numeric_limits<double>::infinity();
        return out;
    }
    // Is it a maximum that the data determine?
    std::string undetermined;
    const auto add = [&](const std::string& what) {
        undetermined += (undetermined.empty() ? "" : ", ") + what;
    };
    for (std::size_t k = 0; k < N; ++k) {
        constexpr double kEdge = 1e-3;  // in log units: within 0.1% of the bound
        if (x[k] <= low + kEdge || x[k] >= high - kEdge) {
            add(std::string(names[k]) + " = " + number(out.params[k]) +
                " ran to the edge of the search range");
        }
    }
    if (undetermined.empty()) {
        const std::optional<std::array<double, N>> errors = log_standard_errors(objective, x);
        if (!errors) {
            add("the log-likelihood is flat (or not at a maximum) along some direction");
        } else {
            for (std::size_t k = 0; k < N; ++k) {
                if ((*errors)[k] > kMaxLogStandardError) {
                    add(std::string(names[k]) + " = " + number(out.params[k]) +
                        " is undetermined (standard error of its logarithm " +
                        number((*errors)[k]) + ")");
                }
            }
        }
    }
    if (!undetermined.empty()) {
        out.converged = false;
        out.message += "; the data do not identify the model: " + undetermined;
    }
    return out;
}

struct BgNbdObjective final : Objective<4> {
    const std::vector<RepeatSummary>& customers;
    DistinctCounts counts;
    explicit BgNbdObjective(const std::vector<RepeatSummary>& c)
        : customers(c), counts(distinct_counts(c)) {}
    double log_likelihood(const std::array<double, 4>& p) const override {
        return bg_nbd_log_likelihood_checked({p[0], p[1], p[2], p[3]}, customers, counts);
    }
};

struct GammaGammaObjective final : Objective<3> {
    const std::vector<SpendSummary>& customers;
    DistinctCounts counts;
    explicit GammaGammaObjective(const std::vector<SpendSummary>& c)
        : customers(c), counts(distinct_counts(c)) {}
    double log_likelihood(const std::array<double, 3>& p) const override {
        return gamma_gamma_log_likelihood_checked({p[0], p[1], p[2]}, customers, counts);
    }
};

// ---------------------------------------------------------------------------------------------
// The conditional expectation

// log of a/(b+x−1) · ((α+T)/(α+t_x))^(r+x), x > 0: the odds of having dropped out after the last
// purchase against being alive.
double log_odds_dropped(const BgNbdParameters& p, const RepeatSummary& c) {
    return std::log(p.a) - std::log(p.b + c.x - 1) +
           (p.r + c.x) * (std::log(p.alpha + c.T) - std::log(p.alpha + c.t_x));
}

double p_alive_checked(const BgNbdParameters& p, const RepeatSummary& c) {
    if (c.x == 0) return 1;
    // 1/(1 + e^d): e^d overflowing to inf gives 0, as it should.
    return 1 / (1 + std::exp(log_odds_dropped(p, c)));
}

constexpr long kMaxSeriesTerms = 10'000'000;

}  // namespace

// ---------------------------------------------------------------------------------------------
// BG/NBD

double bg_nbd_log_likelihood(const BgNbdParameters& params,
                             const std::vector<RepeatSummary>& customers) {
    check_parameters(params);
    check_customers(customers);
    return bg_nbd_log_likelihood_checked(params, customers, distinct_counts(customers));
}

BgNbdFit fit_bg_nbd(const std::vector<RepeatSummary>& customers) {
    check_customers(customers);
    const BgNbdObjective objective(customers);
    const Maximum<4> best = maximise<4>(objective, {1, 1, 1, 1}, {"r", "alpha", "a", "b"});
    BgNbdFit fit;
    fit.params = {best.params[0], best.params[1], best.params[2], best.params[3]};
    fit.log_likelihood = best.log_likelihood;
    fit.iterations = best.evaluations;
    fit.converged = best.converged;
    fit.message = "BG/NBD: " + best.message;
    return fit;
}

double bg_nbd_p_alive(const BgNbdParameters& params, const RepeatSummary& customer) {
    check_parameters(params);
    check_customer(0, customer);
    return p_alive_checked(params, customer);
}

// The paper's eq. 10,
//   E[Y(t) | x, t_x, T] = (a+b+x−1)/(a−1) · [1 − ((α+T)/(α+T+t))^(r+x)
//                                              · 2F1(r+x, b+x; a+b+x−1; z)] · P(alive),
// with z = t/(α+T+t). Euler's transformation 2F1(A, B; C; z) = (1−z)^(C−A−B) 2F1(C−A, C−B; C; z)
// and (1−z)^(r+x) · (1−z)^(C−A−B) = (1−z)^(a−1) turn the bracket into
//   1 − (1−z)^(a−1) · 2F1(a+b−1−r, a−1; a+b+x−1; z),
// a series whose terms fall like n^(a−r−x−2) z^n, fast for customers with many purchases. Every
// term after the first 1 of that 2F1 carries the factor (a−1) (from the Pochhammer symbol
// (a−1)_n = (a−1)(a)_(n−1)), so with c = a+b+x−1
//   c/(a−1) · bracket = c · (1 − (1−z)^(a−1))/(a−1) − (1−z)^(a−1) · U,
//   U = Σ_{n≥1} (a+b−1−r)_n (a)_(n−1) z^n / ((c+1)_(n−1) n!),
// where the factor c has been taken into the series too ((c)_n = c (c+1)_(n−1)). Neither a = 1
// (where (1 − (1−z)^(a−1))/(a−1) tends to −log(1−z)) nor c <= 0 (possible when x = 0 and
// a + b <= 1) is then a singularity.
namespace {

// E[Y(t)] by the paper's eq. 10 as written, 2F1(r + x, b + x; a + b + x − 1; z) summed as its
// power series: every term is positive and the ratio of terms tends to z < 1, with no
// overflow when a is large (where the transformed series above overflows before it converges),
// and the bracket 1 − (1−z)^(r+x) 2F1 loses no digits there, since it is then far from 0.
// For a > 1 only (the factor (a+b+x−1)/(a−1)); nullopt when it does not give a finite value.
std::optional<double> bg_nbd_expected_purchases_direct(const BgNbdParameters& params,
                                                       const RepeatSummary& customer, double t) {
    const double r = params.r, alpha = params.alpha, a = params.a, b = params.b;
    const double x = customer.x;
    if (!(a > 1)) return std::nullopt;
    const double c = a + b + x - 1;
    const double z = t / (alpha + customer.T + t);
    double term = 1, sum = 1;
    bool converged = false;
    for (long n = 0; n < kMaxSeriesTerms; ++n) {
        term *= (r + x + n) * (b + x + n) * z / ((c + n) * (n + 1));
        sum += term;
        if (!std::isfinite(sum)) return std::nullopt;
        // Later ratios stay below max(this one, z): they tend to z, from above or below.
        const double rho = std::max((r + x + n + 1) * (b + x + n + 1) * z / ((c + n + 1) * (n + 2)), z);
        if (rho < 1 && term * rho / (1 - rho) <= 1e-17 * sum) {
            converged = true;
            break;
        }
    }
    if (!converged) return std::nullopt;
    const double lead = std::exp((r + x) * (std::log(alpha + customer.T) - std::log(alpha + customer.T + t)));
    const double expected = c / (a - 1) * (1 - lead * sum) * p_alive_checked(params, customer);
    if (!std::isfinite(expected)) return std::nullopt;
    return std::max(expected, 0.0);
}

}  // namespace

double bg_nbd_expected_purchases(const BgNbdParameters& params, const RepeatSummary& customer,
                                 double t) {
    check_parameters(params);
    check_customer(0, customer);
    if (!std::isfinite(t) || t < 0) {
        throw std::invalid_argument("the horizon t must be a finite number >= 0, not " + number(t));
    }
    if (t == 0) return 0;
    const double r = params.r, alpha = params.alpha, a = params.a, b = params.b;
    const double x = customer.x;
    const double c = a + b + x - 1;
    const double A = a + b - 1 - r;
    const double z = t / (alpha + customer.T + t);
    const double log_one_minus_z = std::log(alpha + customer.T) - std::log(alpha + customer.T + t);
    const double power = std::exp((a - 1) * log_one_minus_z);  // (1−z)^(a−1)
    const double head =
        a == 1 ? -log_one_minus_z : -std::expm1((a - 1) * log_one_minus_z) / (a - 1);

    // U by its terms u_n, u_(n+1) = u_n · (A+n)(a+n−1) z / ((c+n)(n+1)); c + n > 0 for n >= 1.
    // Stop once the rest of the series, bounded by the next term times ρ/(1−ρ) where ρ bounds
    // the ratio of later terms, is below 1e-16 of the sum. The ratios tend to z, and past n_min
    // (well beyond where the Pochhammer factors change sign) they approach it from one side, so
    // ρ = max(current ratio, z).
    const long n_min = 10 + static_cast<long>(2 * (std::fabs(A) + a + std::fabs(c)));
    double sum = 0;
    double term = A * z;
    bool converged = false;
    bool overflow = false;
    for (long n = 1; n <= kMaxSeriesTerms; ++n) {
        sum += term;
        const double ratio = (A + n) * (a + n - 1) * z / ((c + n) * (n + 1));
        const double next = term * ratio;
        if (next == 0) {  // a terminating series, or terms below the smallest double
            converged = true;
            break;
        }
        if (!std::isfinite(next)) {  // a large a: the terms grow like (a z)^n / n! first
            overflow = true;
            break;
        }
        if (n >= n_min) {
            const double rho = std::max(std::fabs(ratio), z);
            if (rho < 1 &&
                std::fabs(next) * rho / (1 - rho) <= 1e-16 * std::max(std::fabs(sum), 1e-300)) {
                sum += next;
                converged = true;
                break;
            }
        }
        term = next;
    }
    if (overflow || (converged && !std::isfinite((c * head - power * sum)))) {
        if (const auto direct = bg_nbd_expected_purchases_direct(params, customer, t)) return *direct;
        throw std::domain_error("E[Y(t)]: the expectation is not finite for these parameters");
    }
    if (!converged) {
        throw std::domain_error("E[Y(t)]: the hypergeometric series did not converge in " +
                                std::to_string(kMaxSeriesTerms) +
                                " terms (z = " + std::to_string(z) +
                                " is too close to 1: alpha + T is tiny next to t)");
    }
    const double expected = (c * head - power * sum) * p_alive_checked(params, customer);
    if (!std::isfinite(expected)) {
        throw std::domain_error("E[Y(t)]: the expectation is not finite for these parameters");
    }
    return std::max(expected, 0.0);  // rounding can leave -1e-17 where the answer is 0
}

// ---------------------------------------------------------------------------------------------
// Gamma-Gamma

double gamma_gamma_log_likelihood(const GammaGammaParameters& params,
                                  const std::vector<SpendSummary>& customers) {
    check_parameters(params);
    check_customers(customers);
    return gamma_gamma_log_likelihood_checked(params, customers, distinct_counts(customers));
}

GammaGammaFit fit_gamma_gamma(const std::vector<SpendSummary>& customers) {
    check_customers(customers);
    const GammaGammaObjective objective(customers);
    const Maximum<3> best = maximise<3>(objective, {1, 1, 1}, {"p", "q", "v"});
    GammaGammaFit fit;
    fit.params = {best.params[0], best.params[1], best.params[2]};
    fit.log_likelihood = best.log_likelihood;
    fit.iterations = best.evaluations;
    fit.converged = best.converged;
    fit.message = "Gamma-Gamma: " + best.message;
    if (fit.params.q <= 1) {
        fit.converged = false;
        fit.message += "; q = " + number(fit.params.q) +
                       " <= 1 at the maximum: the mean spend p v / (q - 1) is infinite, so the "
                       "expected spend is undefined";
    }
    return fit;
}

double gamma_gamma_expected_spend(const GammaGammaParameters& params, double x, double mean_spend) {
    check_parameters(params);
    if (params.q <= 1) {
        throw std::invalid_argument("parameter q must be > 1 for a finite expected spend, not " +
                                    number(params.q));
    }
    if (!is_whole(x) || x < 0) {
        throw std::invalid_argument("x (transactions) must be a whole number >= 0, not " +
                                    number(x));
    }
    if (!std::isfinite(mean_spend) || mean_spend < 0) {
        throw std::invalid_argument("mean_spend must be a finite number >= 0, not " +
                                    number(mean_spend));
    }
    const double px = params.p * x;
    const double own = x > 0 ? mean_spend : 0;
    return params.p * (params.v + x * own) / (px + params.q - 1);
}

}  // namespace custclass::plugin
