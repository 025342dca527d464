// The lifetime-value models (POTENTIAL.md item 11): BG/NBD checked against the CDNOW figures of
// Fader, Hardie and Lee (2005), Gamma-Gamma against a simulated customer base, both against
// values computed independently. "mpmath" below means: computed with Python's mpmath 1.3 at
// 30-60 significant digits straight from the papers' formulas (the BG/NBD conditional expectation
// as the paper's eq. 10 with mpmath.hyp2f1, not through the Euler-transformed series the module
// sums), when this test was written.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <limits>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "lifetime_value.h"

using namespace custclass::plugin;

namespace {

// The parameters the paper publishes for the CDNOW cohort (weeks), and its log-likelihood.
const BgNbdParameters kPublished{0.243, 4.414, 0.793, 2.426};
constexpr double kPublishedLogLikelihood = -9582.4;

// The paper's CDNOW calibration data (2,357 customers, 39 weeks), one customer a line:
// ID,frequency,recency,T with frequency = x repeat purchases, recency = t_x, T in weeks. Kept in
// shared/ beside the repository.
std::vector<RepeatSummary> cdnow_customers() {
    const std::string path =
        std::string(CUSTCLASS_SOURCE_DIR) + "/../shared/data/cdnow/cdnow_customers_summary.csv";
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot open " + path);
    std::string line;
    std::getline(in, line);  // the header
    std::vector<RepeatSummary> customers;
    while (std::getline(in, line)) {
        if (line.empty()) continue;
        std::stringstream fields(line);
        std::string id, frequency, recency, age;
        std::getline(fields, id, ',');
        std::getline(fields, frequency, ',');
        std::getline(fields, recency, ',');
        std::getline(fields, age, ',');
        customers.push_back({std::stod(frequency), std::stod(recency), std::stod(age)});
    }
    return customers;
}

double total_repeat_purchases(const std::vector<RepeatSummary>& customers) {
    double total = 0;
    for (const RepeatSummary& c : customers) total += c.x;
    return total;
}

void expect_relatively_near(double actual, double expected, double tolerance, const char* what) {
    EXPECT_NEAR(actual, expected, tolerance * std::fabs(expected)) << what;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// BG/NBD

TEST(BgNbd, CdnowDataHasThePapersCustomers) {
    const std::vector<RepeatSummary> customers = cdnow_customers();
    EXPECT_EQ(customers.size(), 2357u);
    EXPECT_EQ(total_repeat_purchases(customers), 2457);  // as Python sums the file
}

TEST(BgNbd, LogLikelihoodAtThePublishedCdnowParametersIsThePapers) {
    const double ll = bg_nbd_log_likelihood(kPublished, cdnow_customers());
    EXPECT_NEAR(ll, kPublishedLogLikelihood, 0.5);
    // mpmath, summed over the same file: -9582.42683118236...
    EXPECT_NEAR(ll, -9582.426831182365, 1e-6);
}

TEST(BgNbd, FitOnCdnowRecoversThePublishedParameters) {
    const BgNbdFit fit = fit_bg_nbd(cdnow_customers());
    EXPECT_TRUE(fit.converged) << fit.message;
    expect_relatively_near(fit.params.r, kPublished.r, 0.02, "r");
    expect_relatively_near(fit.params.alpha, kPublished.alpha, 0.02, "alpha");
    expect_relatively_near(fit.params.a, kPublished.a, 0.02, "a");
    expect_relatively_near(fit.params.b, kPublished.b, 0.02, "b");
    EXPECT_NEAR(fit.log_likelihood, kPublishedLogLikelihood, 0.5);
    // A maximum: at least as likely as the published (rounded) parameters.
    EXPECT_GE(fit.log_likelihood, bg_nbd_log_likelihood(kPublished, cdnow_customers()));
    EXPECT_GT(fit.iterations, 0);
    EXPECT_FALSE(fit.message.empty());
}

TEST(BgNbd, FitIsDeterministic) {
    const std::vector<RepeatSummary> customers = cdnow_customers();
    const BgNbdFit first = fit_bg_nbd(customers);
    const BgNbdFit second = fit_bg_nbd(customers);
    EXPECT_EQ(first.params.r, second.params.r);
    EXPECT_EQ(first.params.alpha, second.params.alpha);
    EXPECT_EQ(first.params.a, second.params.a);
    EXPECT_EQ(first.params.b, second.params.b);
    EXPECT_EQ(first.log_likelihood, second.log_likelihood);
    EXPECT_EQ(first.iterations, second.iterations);
}

TEST(BgNbd, FitInDaysScalesAlphaAndKeepsTheShapes) {
    // The same customers measured in days: alpha (a rate's scale) is 7 times larger, r, a and b
    // do not change, and each repeat purchase's time density is 7 times smaller, so the
    // log-likelihood falls by (total repeat purchases) × log 7.
    const std::vector<RepeatSummary> weeks = cdnow_customers();
    std::vector<RepeatSummary> days = weeks;
    for (RepeatSummary& c : days) {
        c.t_x *= 7;
        c.T *= 7;
    }
    const BgNbdFit in_weeks = fit_bg_nbd(weeks);
    const BgNbdFit in_days = fit_bg_nbd(days);
    ASSERT_TRUE(in_days.converged) << in_days.message;
    expect_relatively_near(in_days.params.r, in_weeks.params.r, 1e-4, "r");
    expect_relatively_near(in_days.params.alpha, 7 * in_weeks.params.alpha, 1e-4, "alpha");
    expect_relatively_near(in_days.params.a, in_weeks.params.a, 1e-4, "a");
    expect_relatively_near(in_days.params.b, in_weeks.params.b, 1e-4, "b");
    EXPECT_NEAR(in_days.log_likelihood,
                in_weeks.log_likelihood - total_repeat_purchases(weeks) * std::log(7.0), 1e-3);
}

TEST(BgNbd, CustomerWithoutRepeatPurchasesIsAlive) {
    EXPECT_EQ(bg_nbd_p_alive(kPublished, {0, 0, 38.86}), 1.0);
    EXPECT_EQ(bg_nbd_p_alive(kPublished, {0, 0, 0}), 1.0);
}

TEST(BgNbd, PAliveOfCdnowCustomersMatchesAnIndependentComputation) {
    // mpmath: 1 / (1 + a/(b+x-1) · ((alpha+T)/(alpha+t_x))^(r+x)) at the published parameters.
    EXPECT_NEAR(bg_nbd_p_alive(kPublished, {2, 30.43, 38.86}), 0.72657857008067291, 1e-14);
    EXPECT_NEAR(bg_nbd_p_alive(kPublished, {1, 1.71, 38.86}), 0.21210098537737908, 1e-14);
    EXPECT_NEAR(bg_nbd_p_alive(kPublished, {7, 29.43, 38.86}), 0.64175634594610725, 1e-14);
    EXPECT_NEAR(bg_nbd_p_alive(kPublished, {15, 35.0, 38.86}), 0.83294300087874371, 1e-14);
}

TEST(BgNbd, PAliveFallsTheLongerACustomerHasNotBought) {
    double previous = 1;
    for (double T = 30.43; T <= 100; T += 10) {
        const double p = bg_nbd_p_alive(kPublished, {2, 30.43, T});
        EXPECT_LT(p, previous) << "T = " << T;
        EXPECT_GT(p, 0);
        previous = p;
    }
    // A customer who was a frequent buyer and then went silent for a long time is almost
    // surely gone: the odds overflow, and the answer is 0, not NaN.
    EXPECT_EQ(bg_nbd_p_alive(kPublished, {400, 1, 1e6}), 0.0);
}

TEST(BgNbd, ExpectedPurchasesOfThePapersExampleCustomerIs1Point226) {
    // The customer of the paper's worked example (CDNOW ID 1: x = 2, t_x = 30.43, T = 38.86) is
    // expected to make 1.226 purchases in the next 39 weeks at the published parameters: the
    // figure quoted for this customer (not checked here against the paper's own text), and what
    // mpmath gives from eq. 10: 1.22602817476714444...
    const double expected = bg_nbd_expected_purchases(kPublished, {2, 30.43, 38.86}, 39);
    EXPECT_NEAR(expected, 1.226, 0.0005);
    EXPECT_NEAR(expected, 1.2260281747671444, 1e-12);
}

TEST(BgNbd, ExpectedPurchasesMatchAnIndependentComputation) {
    struct Case {
        BgNbdParameters params;
        RepeatSummary customer;
        double t;
        double expected;   // mpmath, eq. 10
        double tolerance;  // relative
    };
    const BgNbdParameters other{2.5, 30, 4.2, 1.1};  // a > 1, days
    const std::vector<Case> cases = {
        {kPublished, {0, 0, 38.86}, 39, 0.19509805201126264, 1e-12},
        {kPublished, {1, 1.71, 38.86}, 39, 0.20318698707975406, 1e-12},
        {kPublished, {7, 29.43, 38.86}, 13, 1.2791364086180936, 1e-12},
        {kPublished, {15, 35.0, 38.86}, 52, 11.198254883363362, 1e-12},
        {kPublished, {0, 0, 0}, 90, 2.0255821264760437, 1e-12},  // a customer of today
        {kPublished, {50, 38, 38.86}, 13, 13.060081550375385, 1e-12},
        {kPublished, {300, 38, 38.86}, 520, 488.11582092053669, 1e-12},  // many purchases
        {kPublished, {1, 1.71, 38.86}, 1e6, 17.457274074021055, 1e-10},  // z close to 1
        {other, {7, 200, 365}, 90, 0.014842463153016503, 1e-12},
        {other, {0, 0, 365}, 90, 0.42966942620749149, 1e-12},
        {{0.8, 100, 3, 8}, {12, 700, 720}, 90, 1.0501723334370201, 1e-12},
        // a + b + x - 1 = 0 (x = 0, a + b = 1), where eq. 10 is 0/0: the limit, by mpmath at
        // b = 0.7 ± 1e-25: 215.563238299163735...
        {{0.3, 0.01, 0.3, 0.7}, {0, 0, 0}, 90, 215.56323829916374, 1e-11},
        {{0.3, 0.01, 0.3, 0.4}, {0, 0, 0}, 90, 164.11117359334227, 1e-11},
        {{0.3, 0.01, 0.3, 0.4}, {1, 0.5, 1}, 90, 13.067001483602024, 1e-12},
    };
    for (const Case& c : cases) {
        const double e = bg_nbd_expected_purchases(c.params, c.customer, c.t);
        EXPECT_NEAR(e, c.expected, c.tolerance * c.expected)
            << "x=" << c.customer.x << " t_x=" << c.customer.t_x << " T=" << c.customer.T
            << " t=" << c.t;
    }
}

TEST(BgNbd, ExpectedPurchasesAreContinuousThroughADropoutShapeOfOne) {
    // At a = 1 eq. 10 is 0/0; the module takes the limit. mpmath at a = 1 ± 1e-7:
    // 1.88818913526561620 and 1.88818948142246292, so a = 1 is their mean to ~1e-14.
    const RepeatSummary customer{3, 10, 20};
    const double at_one = bg_nbd_expected_purchases({0.243, 4.414, 1, 2.426}, customer, 50);
    const double above = bg_nbd_expected_purchases({0.243, 4.414, 1.0000001, 2.426}, customer, 50);
    const double below = bg_nbd_expected_purchases({0.243, 4.414, 0.9999999, 2.426}, customer, 50);
    EXPECT_NEAR(above, 1.8881891352656162, 1e-12);
    EXPECT_NEAR(below, 1.8881894814224629, 1e-12);
    EXPECT_NEAR(at_one, (above + below) / 2, 1e-9);
}

TEST(BgNbd, ExpectedPurchasesGrowWithTheHorizonFromZero) {
    const RepeatSummary customer{2, 30.43, 38.86};
    EXPECT_EQ(bg_nbd_expected_purchases(kPublished, customer, 0), 0.0);
    double previous = 0;
    for (double t : {1.0, 13.0, 39.0, 52.0, 104.0, 520.0}) {
        const double e = bg_nbd_expected_purchases(kPublished, customer, t);
        EXPECT_GT(e, previous) << "t = " << t;
        previous = e;
    }
}

TEST(BgNbd, ExpectedPurchasesRefuseASeriesThatCannotConverge) {
    // alpha + T = 1e-10 next to t = 90: z = 1 - 1e-12, beyond what the series can sum.
    EXPECT_THROW(bg_nbd_expected_purchases({0.243, 1e-10, 0.793, 2.426}, {0, 0, 0}, 90),
                 std::domain_error);
}

TEST(BgNbd, MalformedCustomersAreRejected) {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const double inf = std::numeric_limits<double>::infinity();
    EXPECT_THROW(fit_bg_nbd({}), std::invalid_argument);
    EXPECT_THROW(bg_nbd_log_likelihood(kPublished, {}), std::invalid_argument);
    const std::vector<RepeatSummary> bad = {
        {-1, 0, 10},   // negative x
        {1.5, 2, 10},  // x not a whole number
        {nan, 2, 10},  // not a number
        {2, nan, 10},  // not a number
        {2, 2, nan},   // not a number
        {2, 2, inf},   // infinite
        {2, -1, 10},   // negative t_x
        {2, 5, -1},    // negative T
        {2, 12, 10},   // t_x after T
    };
    for (const RepeatSummary& c : bad) {
        std::vector<RepeatSummary> customers = {{1, 2, 10}, c};
        EXPECT_THROW(fit_bg_nbd(customers), std::invalid_argument)
            << c.x << " " << c.t_x << " " << c.T;
        EXPECT_THROW(bg_nbd_log_likelihood(kPublished, customers), std::invalid_argument);
        EXPECT_THROW(bg_nbd_p_alive(kPublished, c), std::invalid_argument);
        EXPECT_THROW(bg_nbd_expected_purchases(kPublished, c, 90), std::invalid_argument);
    }
    try {
        fit_bg_nbd({{1, 2, 10}, {2, 12, 10}});
        FAIL() << "t_x > T accepted";
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find("customer 1"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("t_x"), std::string::npos) << e.what();
    }
}

TEST(BgNbd, MalformedParametersAndHorizonsAreRejected) {
    const RepeatSummary customer{2, 30.43, 38.86};
    const double nan = std::numeric_limits<double>::quiet_NaN();
    for (const BgNbdParameters& p :
         {BgNbdParameters{0, 4.414, 0.793, 2.426}, BgNbdParameters{0.243, -1, 0.793, 2.426},
          BgNbdParameters{0.243, 4.414, nan, 2.426},
          BgNbdParameters{0.243, 4.414, 0.793, std::numeric_limits<double>::infinity()}}) {
        EXPECT_THROW(bg_nbd_log_likelihood(p, {customer}), std::invalid_argument);
        EXPECT_THROW(bg_nbd_p_alive(p, customer), std::invalid_argument);
        EXPECT_THROW(bg_nbd_expected_purchases(p, customer, 90), std::invalid_argument);
    }
    EXPECT_THROW(bg_nbd_expected_purchases(kPublished, customer, -1), std::invalid_argument);
    EXPECT_THROW(bg_nbd_expected_purchases(kPublished, customer, nan), std::invalid_argument);
}

TEST(BgNbd, FitWithoutAnyRepeatPurchaseSaysTheModelIsNotIdentified) {
    // Nobody came back: the likelihood grows as the purchase rate goes to 0, without a maximum.
    std::vector<RepeatSummary> customers;
    for (int i = 0; i < 100; ++i) customers.push_back({0, 0, 10.0 + i});
    const BgNbdFit fit = fit_bg_nbd(customers);
    EXPECT_FALSE(fit.converged);
    EXPECT_NE(fit.message.find("the data do not identify the model"), std::string::npos)
        << fit.message;
    EXPECT_TRUE(std::isfinite(fit.log_likelihood));
}

TEST(BgNbd, FitWithASingleRepeatBuyerSaysDropoutIsUndetermined) {
    // One repeat purchase among 101 customers says next to nothing about a and b: the fit finds
    // a point, but the standard errors of log a and log b (from the observed information) are
    // huge, and the fit says so.
    std::vector<RepeatSummary> customers;
    for (int i = 0; i < 100; ++i) customers.push_back({0, 0, 10.0 + i});
    customers.push_back({1, 5, 20});
    const BgNbdFit fit = fit_bg_nbd(customers);
    EXPECT_FALSE(fit.converged);
    EXPECT_NE(fit.message.find("the data do not identify the model"), std::string::npos)
        << fit.message;
}

// ---------------------------------------------------------------------------------------------
// Gamma-Gamma

TEST(GammaGamma, LogLikelihoodOfThreeCustomersMatchesAnIndependentComputation) {
    // mpmath, per customer log[Γ(px+q)/(Γ(px)Γ(q)) v^q m^(px-1) x^(px) / (v+xm)^(px+q)]:
    // -3.52004217464397295, -4.22552996144319849, -3.61486595971507699.
    const GammaGammaParameters params{6, 4, 15};
    EXPECT_NEAR(gamma_gamma_log_likelihood(params, {{1, 20}}), -3.52004217464397295, 1e-12);
    EXPECT_NEAR(gamma_gamma_log_likelihood(params, {{1, 20}, {3, 35.5}, {10, 12.25}}),
                -11.3604380958022484, 1e-11);
}

TEST(GammaGamma, FitRecoversTheParametersOfASimulatedCustomerBase) {
    // 3,000 customers: nu ~ Gamma(shape q, rate v) per customer, x ~ uniform 1..10 transactions
    // each worth z ~ Gamma(shape p, rate nu); fixed seed.
    const GammaGammaParameters truth{6, 4, 15};
    std::mt19937_64 random(20240611);
    std::gamma_distribution<double> nu_of_customer(truth.q, 1 / truth.v);
    std::uniform_int_distribution<int> transactions(1, 10);
    std::vector<SpendSummary> customers;
    for (int i = 0; i < 3000; ++i) {
        const double nu = nu_of_customer(random);
        const int x = transactions(random);
        std::gamma_distribution<double> value(truth.p, 1 / nu);
        double total = 0;
        for (int k = 0; k < x; ++k) total += value(random);
        customers.push_back({static_cast<double>(x), total / x});
    }
    const GammaGammaFit fit = fit_gamma_gamma(customers);
    EXPECT_TRUE(fit.converged) << fit.message;
    expect_relatively_near(fit.params.p, truth.p, 0.15, "p");
    expect_relatively_near(fit.params.q, truth.q, 0.15, "q");
    expect_relatively_near(fit.params.v, truth.v, 0.15, "v");
    EXPECT_GE(fit.log_likelihood, gamma_gamma_log_likelihood(truth, customers));
    // The mean transaction value p v / (q - 1) = 30 is better determined than its parts.
    expect_relatively_near(fit.params.p * fit.params.v / (fit.params.q - 1), 30, 0.05, "mean");
}

TEST(GammaGamma, ExpectedSpendWeighsTheCustomersMeanAgainstThePopulations) {
    const GammaGammaParameters params{6, 4, 15};
    // By hand: x = 0 gives the population mean p v / (q - 1) = 6·15/3 = 30.
    EXPECT_DOUBLE_EQ(gamma_gamma_expected_spend(params, 0, 0), 30);
    // x = 3, m = 35.5: 6·(15 + 3·35.5)/(6·3 + 4 - 1) = 729/21 = 34.714285714285714..., which is
    // (3/21)·30 + (18/21)·35.5.
    EXPECT_DOUBLE_EQ(gamma_gamma_expected_spend(params, 3, 35.5), 729.0 / 21.0);
    EXPECT_DOUBLE_EQ(gamma_gamma_expected_spend(params, 3, 35.5),
                     3.0 / 21.0 * 30 + 18.0 / 21.0 * 35.5);
    // The more transactions, the closer to the customer's own mean.
    EXPECT_LT(std::fabs(gamma_gamma_expected_spend(params, 100, 50) - 50),
              std::fabs(gamma_gamma_expected_spend(params, 2, 50) - 50));
}

TEST(GammaGamma, MalformedInputIsRejected) {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    EXPECT_THROW(fit_gamma_gamma({}), std::invalid_argument);
    EXPECT_THROW(gamma_gamma_log_likelihood({6, 4, 15}, {}), std::invalid_argument);
    for (const SpendSummary& c :
         {SpendSummary{0, 10}, SpendSummary{2.5, 10}, SpendSummary{-1, 10}, SpendSummary{2, 0},
          SpendSummary{2, -5}, SpendSummary{2, nan}, SpendSummary{nan, 10}}) {
        EXPECT_THROW(fit_gamma_gamma({{1, 10}, c}), std::invalid_argument)
            << c.x << " " << c.mean_spend;
        EXPECT_THROW(gamma_gamma_log_likelihood({6, 4, 15}, {c}), std::invalid_argument);
    }
    EXPECT_THROW(gamma_gamma_log_likelihood({0, 4, 15}, {{1, 10}}), std::invalid_argument);
    EXPECT_THROW(gamma_gamma_log_likelihood({6, nan, 15}, {{1, 10}}), std::invalid_argument);
    // The expected spend needs q > 1 (a finite population mean) and sensible customers.
    EXPECT_THROW(gamma_gamma_expected_spend({6, 1, 15}, 3, 35.5), std::invalid_argument);
    EXPECT_THROW(gamma_gamma_expected_spend({6, 0.5, 15}, 3, 35.5), std::invalid_argument);
    EXPECT_THROW(gamma_gamma_expected_spend({6, 4, 15}, -1, 35.5), std::invalid_argument);
    EXPECT_THROW(gamma_gamma_expected_spend({6, 4, 15}, 3, -35.5), std::invalid_argument);
    EXPECT_THROW(gamma_gamma_expected_spend({6, 4, 15}, 3, nan), std::invalid_argument);
}

TEST(GammaGamma, FitWithAnInfiniteMeanSpendIsNotConverged) {
    // Rates nu ~ Gamma(q = 0.6, v = 15): the population's mean transaction value is infinite,
    // and the maximum has q <= 1, which the fit must report rather than pass on.
    std::mt19937_64 random(7);
    std::gamma_distribution<double> nu_of_customer(0.6, 1 / 15.0);
    std::vector<SpendSummary> customers;
    for (int i = 0; i < 3000; ++i) {
        const double nu = nu_of_customer(random);
        std::gamma_distribution<double> value(6, 1 / nu);
        double total = 0;
        for (int k = 0; k < 4; ++k) total += value(random);
        customers.push_back({4, total / 4});
    }
    const GammaGammaFit fit = fit_gamma_gamma(customers);
    EXPECT_LE(fit.params.q, 1);
    EXPECT_FALSE(fit.converged);
    EXPECT_NE(fit.message.find("q = "), std::string::npos) << fit.message;
}

// A fit where customers hardly ever drop out (a and b in the tens of thousands): the transformed
// series overflows, and the expectation comes from eq. 10 as written. The values are the
// paper's formula evaluated with mpmath at 40 digits.
TEST(BgNbd, ExpectedPurchasesWithLargeBetaParametersAreFinite) {
    const BgNbdParameters p{1.0985, 73.11, 15354.6, 96200.8};
    EXPECT_NEAR(bg_nbd_expected_purchases(p, {0, 0, 40}, 90), 0.78383489189952147, 1e-10);
    EXPECT_NEAR(bg_nbd_expected_purchases(p, {3, 30, 40}, 90), 2.0433563462900706, 1e-10);
    EXPECT_NEAR(bg_nbd_expected_purchases(p, {20, 300, 400}, 90), 0.12255528717786944, 1e-10);
}
