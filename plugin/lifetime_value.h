// The predicted value of a customer (POTENTIAL.md item 11): the probability that the customer is
// still active (`p_alive`), the purchases expected in the next 90 days (`expected_purchases_90d`)
// and, with the spend model, their value (`clv_90d`). Two probability models, fitted by maximum
// likelihood over all the customers of a run:
//
// - BG/NBD (Fader, Hardie and Lee, 2005, "Counting Your Customers the Easy Way: An Alternative to
//   the Pareto/NBD Model", Marketing Science 24(2)): while active, a customer buys as a Poisson
//   process with rate lambda ~ Gamma(shape r, rate alpha); after each purchase the customer drops
//   out with probability p ~ Beta(a, b). A customer is summarised by x repeat purchases, the time
//   t_x of the last one and the age T, both measured from the first purchase.
// - Gamma-Gamma (Fader and Hardie, 2013, "The Gamma-Gamma Model of Monetary Value"): the value of
//   each transaction is Gamma(shape p, rate nu) with nu ~ Gamma(shape q, rate v) across
//   customers; a customer is summarised by the number x of transactions and their mean value.
//
// Times are in any one unit (days, weeks) used for all of T, t_x and the horizon t: the fitted
// alpha is in that unit (alpha in days = 7 × alpha in weeks) and the other parameters are
// dimensionless. Values are in any one currency unit. With both models fitted,
//   clv_90d = bg_nbd_expected_purchases(bg, c, 90 days) × gamma_gamma_expected_spend(gg, x, m̄)
// (undiscounted: 90 days is short enough for that).
//
// Failures: a malformed input (no customers, a value negative or not finite, t_x > T, a count
// that is not a whole number, parameters that are not positive) throws std::invalid_argument
// naming the customer (its index in the vector) and the field. A fit that does not reach a proper
// maximum (the optimiser stopped early; the data do not identify the model, so that a parameter
// ran to the edge of the search box or is left undetermined; or, for Gamma-Gamma, q <= 1 so that
// the mean spend is infinite) returns its last parameters with converged = false and a message
// saying why; the functions never return NaN.
#pragma once

#include <string>
#include <vector>

namespace custclass::plugin {

// ---------------------------------------------------------------------------------------------
// BG/NBD: purchases and dropout

// One customer's repeat-purchase history. x: number of repeat purchases (purchases after the
// first; a whole number >= 0). t_x: time of the last repeat purchase since the first purchase
// (0 when x == 0). T: time since the first purchase (the customer's age), T >= t_x.
struct RepeatSummary {
    double x = 0;
    double t_x = 0;
    double T = 0;
};

// r, alpha: shape and rate of the Gamma distribution of the purchase rate (alpha in the time
// unit of the data); a, b: the Beta distribution of the dropout probability. All > 0.
struct BgNbdParameters {
    double r = 0;
    double alpha = 0;
    double a = 0;
    double b = 0;
};

struct BgNbdFit {
    BgNbdParameters params;
    double log_likelihood = 0;  // at params, over all customers
    int iterations = 0;         // evaluations of the log-likelihood by the optimiser
    bool converged = false;     // a proper maximum was reached (see message otherwise)
    std::string message;        // how the optimiser stopped, or why the fit is not usable
};

// The maximum-likelihood BG/NBD parameters of the customers. Maximises over the logarithms of
// the parameters (so that they stay positive, each within [1e-8, 1e8]) with NLopt's BOBYQA,
// derivative-free, from r = alpha = a = b = 1 and once more from where that stopped;
// deterministic. About 300 evaluations of a few logarithms per customer (the 2,357 customers of
// CDNOW in some 20 ms, a million in some 6 s, on one core). Throws std::invalid_argument on
// malformed customers (see the top of this file). converged = false, with the parameter named in
// the message, when the maximum is on the edge of the search box or leaves a parameter
// undetermined: the observed information (minus the Hessian of the log-likelihood in the
// log-parameters, by finite differences) is not positive definite, or gives the logarithm of a
// parameter a standard error above 5 (for example when no customer has a repeat purchase, so
// that nothing can be said about dropout).
BgNbdFit fit_bg_nbd(const std::vector<RepeatSummary>& customers);

// The BG/NBD log-likelihood of the customers at params: the log of the likelihood of each
// customer's (x, t_x, T) (the paper's individual-level likelihood), added up. A finite number
// for valid input; throws std::invalid_argument on malformed customers or parameters.
double bg_nbd_log_likelihood(const BgNbdParameters& params,
                             const std::vector<RepeatSummary>& customers);

// P(alive | x, t_x, T): the probability that the customer has not dropped out by T (Fader,
// Hardie and Lee, 2008, "Computing P(alive) Using the BG/NBD Model"; 1 when x == 0, since the
// model only lets a customer drop out just after a repeat purchase).
// In [0, 1]. Throws std::invalid_argument on a malformed customer or parameters.
double bg_nbd_p_alive(const BgNbdParameters& params, const RepeatSummary& customer);

// E[Y(t) | x, t_x, T]: the expected number of purchases in (T, T + t] of the customer (paper
// eq. 10), t in the unit of the data (t = 90 with days gives expected_purchases_90d). The Gaussian
// hypergeometric function of eq. 10 is summed as its power series in z = t / (alpha + T + t) < 1,
// after Euler's transformation (which makes the terms of customers with many purchases decay
// faster) and with the removable singularity at a = 1 taken out. >= 0; 0 when t == 0. Throws
// std::invalid_argument on a malformed customer, parameters or t < 0, and std::domain_error in the
// (pathological: z within about 1e-6 of 1) case where the series has not converged after ten
// million terms.
double bg_nbd_expected_purchases(const BgNbdParameters& params, const RepeatSummary& customer,
                                 double t);

// ---------------------------------------------------------------------------------------------
// Gamma-Gamma: the value of a transaction

// One customer's spending: x transactions (a whole number >= 1; in the usual set-up the repeat
// transactions of the BG/NBD summary) of mean value mean_spend > 0.
struct SpendSummary {
    double x = 0;
    double mean_spend = 0;
};

// p: shape of the Gamma distribution of a transaction's value; q, v: shape and rate of the
// Gamma distribution of its rate parameter across customers (v in currency units). All > 0;
// the mean transaction value p v / (q − 1) is finite only when q > 1.
struct GammaGammaParameters {
    double p = 0;
    double q = 0;
    double v = 0;
};

struct GammaGammaFit {
    GammaGammaParameters params;
    double log_likelihood = 0;  // at params, over all customers
    int iterations = 0;         // evaluations of the log-likelihood by the optimiser
    bool converged = false;     // a proper maximum with q > 1 (see message otherwise)
    std::string message;        // how the optimiser stopped, or why the fit is not usable
};

// The maximum-likelihood Gamma-Gamma parameters of the customers, like fit_bg_nbd: over the
// logarithms of p, q, v (each within [1e-8, 1e8]) with BOBYQA from p = q = v = 1, deterministic.
// Throws std::invalid_argument on malformed customers (x < 1 or not whole, mean_spend <= 0 or not
// finite). converged = false when the maximum is on the edge of the search box, leaves a parameter
// undetermined (as for fit_bg_nbd) or has q <= 1 (the expected spend is then undefined).
GammaGammaFit fit_gamma_gamma(const std::vector<SpendSummary>& customers);

// The Gamma-Gamma log-likelihood of the customers at params: the log of the density of each
// customer's mean transaction value given x,
//   Γ(px + q) / (Γ(px) Γ(q)) · v^q · m̄^(px − 1) · x^(px) / (v + x m̄)^(px + q),
// added up. Throws std::invalid_argument on malformed customers or parameters.
double gamma_gamma_log_likelihood(const GammaGammaParameters& params,
                                  const std::vector<SpendSummary>& customers);

// E[M | p, q, v, m̄, x]: the expected value of the customer's future transactions (the note's
// conditional expectation), a weighted mean of the population mean p v / (q − 1) and the
// customer's own mean m̄:
//   (q − 1) / (p x + q − 1) · p v / (q − 1) + p x / (p x + q − 1) · m̄
//     = p (v + x m̄) / (p x + q − 1).
// x >= 0 (x == 0 gives the population mean; mean_spend is then ignored), mean_spend >= 0, in
// currency units. Throws std::invalid_argument on malformed input or parameters, including q <= 1.
double gamma_gamma_expected_spend(const GammaGammaParameters& params, double x, double mean_spend);

}  // namespace custclass::plugin
