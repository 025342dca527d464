// E-mail list growth: prospects captured from website sign-ups (lead_source or signup
// interactions) with an e-mail and consent, counted per calendar month and per source. The caller
// decides what a capture is (one per prospect, with an e-mail and consent, on the day it was
// captured, in the rule set's time zone) and passes them here; this file counts them, lists every
// month between the first and the last capture (empty months too, so that a chart has no gaps) and
// suppresses small cells: counts of fewer than k captures (the privacy policy's small-cell
// threshold, `min_count`) are not given, only named, so that the caller can print "<k".
//
// Suppression is per cell, as the privacy policy asks: a shown total less the shown cells of its
// row gives the sum of the row's suppressed cells (and the count itself when exactly one cell of
// the row is suppressed). Hiding that too (secondary suppression) is left to the caller.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "civil_time.h"

namespace custclass::plugin {

// One captured prospect: the day it was captured (days since 1970-01-01) and its source (the
// lead_source or the sign-up interaction's form or channel; non-empty; sources are compared as
// given, byte for byte).
struct SignupCapture {
    config::Day day = 0;
    std::string source;
};

// The captures of one calendar month.
struct SignupPeriod {
    std::string period;  // "YYYY-MM"
    // source -> captures, for the sources with at least min_count captures in the month.
    std::map<std::string, std::uint64_t> by_source;
    // The sources with 1 .. min_count-1 captures in the month (small cells: print "<k"), in name
    // (byte) order. A source with no capture in the month is in neither list.
    std::vector<std::string> suppressed_sources;
    // All the month's captures: exact when 0 or >= min_count; otherwise (a small cell) 0, with
    // total_suppressed set.
    std::uint64_t total = 0;
    bool total_suppressed = false;
};

struct SignupGrowth {
    // Every calendar month from the first capture's to the last capture's, in order (empty when
    // there is no capture); a month without captures has total 0 and empty lists.
    std::vector<SignupPeriod> periods;
    // The whole span, suppressed alike: source -> captures for the sources with at least
    // min_count captures in all, the others in suppressed_sources (name order), and the total of
    // all captures (0 with total_suppressed when 1 .. min_count-1).
    std::map<std::string, std::uint64_t> total_by_source;
    std::vector<std::string> suppressed_sources;
    std::uint64_t total = 0;
    bool total_suppressed = false;
    std::uint64_t min_count = 0;  // as given, for printing "<k"
};

// Counts the captures per calendar month and source (captures in any order). A count is shown
// when it is >= min_count (min_count 0 or 1: every count), otherwise its source is listed as
// suppressed (see SignupPeriod); totals of 0 are shown. Throws std::invalid_argument, naming the
// capture (its index in the vector), for an empty source or a day outside the years 0000..9999
// (which "YYYY-MM" cannot write).
SignupGrowth count_signups(const std::vector<SignupCapture>& captures, std::uint64_t min_count);

}  // namespace custclass::plugin
