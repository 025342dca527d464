// The rule set's `potential:` section and the interaction points of scores (POTENTIAL.md items 2-10,
// config/rule_set.cpp): a full section loads into the model with every value, the defaults stand
// when keys are left out, and every mistake gives exactly one diagnostic, with its line, column,
// message and hint (positions are 1-based; columns count bytes, as yaml-cpp does).
//
// The documents are built from fixed surroundings so that the interesting value always stands at
// the same place:
//
//   potential("...")  a rule set (text attribute `vip`, number attribute `limit`; classification
//                     `value` with segments champions and at_risk, classification `life` with
//                     segments fresh and at_risk; both at_risk segments are direct-marketing)
//                     whose `potential:` section holds the given text from line 21 on
//   points("...")     a rule set with one score `s` whose points are the given text from line 7 on
//
// As in invalid_config_test.cpp, a case whose expectation the loader does not meet is a loader
// defect: it fails until the loader is fixed, and is never weakened to match.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "rule_set.h"
#include "yaml_document.h"

namespace {

using custclass::config::Diagnostic;
using custclass::config::Diagnostics;
using custclass::config::InteractionPoint;
using custclass::config::load_rule_set;
using custclass::config::RuleSet;
using custclass::config::Severity;
using custclass::config::YamlDocument;

// ------------------------------------------------------------------------------- fixtures --

const std::string kHead = "custclass: 1\nname: t\nversion: \"1\"\n";
const std::string kSegment =
    "classifications:\n  - id: v\n    segments:\n      - id: a\n        when: \"true\"\n";

// Lines 1-20; `potential:` is line 20.
const std::string kPotentialHead =
    kHead +                                             // 1-3
    "attributes: {vip: text, limit: number}\n"          // 4
    "classifications:\n"                                // 5
    "  - id: value\n"                                   // 6
    "    segments:\n"                                   // 7
    "      - id: champions\n"                           // 8
    "        when: frequency >= 5\n"                    // 9
    "      - id: at_risk\n"                             // 10
    "        when: recency_days > 180\n"                // 11
    "        direct_marketing: true\n"                  // 12
    "  - id: life\n"                                    // 13
    "    segments:\n"                                   // 14
    "      - id: fresh\n"                               // 15
    "        when: tenure_days <= 90\n"                 // 16
    "      - id: at_risk\n"                             // 17
    "        when: recency_days > 90\n"                 // 18
    "        direct_marketing: true\n"                  // 19
    "potential:\n";                                     // 20

// The potential section's text from line 21 on.
std::string potential(std::string_view body) { return kPotentialHead + std::string(body); }

// One score `s` (line 5) whose points are `body` from line 7 on, then a valid classification.
std::string points(std::string_view body) {
    return kHead + "scores:\n  - id: s\n    points:\n" + std::string(body) + kSegment;
}

struct Loaded {
    Diagnostics diagnostics;
    std::optional<RuleSet> rules;
};

Loaded load(const std::string& yaml) {
    Loaded out;
    const auto doc = YamlDocument::parse(yaml, "case.yaml", out.diagnostics);
    if (doc) out.rules = load_rule_set(*doc, out.diagnostics);
    return out;
}

// Loads a document that must be valid.
RuleSet valid(const std::string& yaml) {
    Loaded l = load(yaml);
    EXPECT_EQ(l.diagnostics.to_string(), "") << yaml;
    EXPECT_TRUE(l.rules.has_value()) << yaml;
    return l.rules ? std::move(*l.rules) : RuleSet{};
}

bool contains(const std::vector<std::string>& list, std::string_view item) {
    return std::find(list.begin(), list.end(), item) != list.end();
}

// ---------------------------------------------------------------------------- error cases --

struct Expected {
    int line;
    int column;
    std::string message;
    std::string hint;
};

Expected E(int line, int column, std::string message, std::string hint = {}) {
    return {line, column, std::move(message), std::move(hint)};
}

struct Case {
    std::string name;
    std::string yaml;
    std::vector<Expected> expected;
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

const std::string kInteractionHint = "add `interaction: KIND`, e.g. `interaction: email_open`";
const std::string kMonthDayHint = "e.g. `12-01`";
const std::string kOneSeasonHint = "a day belongs to one season at most";
const std::string kDecay = "the decay per level must be above 0 and at most 1";
const std::string kNotAnAttribute = "is not an attribute the look-alike model can use";
const std::string kAllAttributes =
    "one of: district age_band gender lead_source income_band interests attr.vip";
const std::string kNotDirectMarketing =
    "is not marked for direct marketing: an offer goes only to members of direct-marketing "
    "segments (PRIVACY.md check 5)";

std::vector<Case> cases() {
    return {
        // ------------------------------------------------------------------- keys --
        {"UnknownKeyInPotentialWithSuggestion",
         potential("  lookalke:\n    targets: [champions]\n"),
         {E(21, 3, "unknown key `lookalke` in the `potential` section", "did you mean `lookalike`?")}},
        {"UnknownKeyInPotentialListsTheAllowedOnes", potential("  colour: red\n"),
         {E(21, 3, "unknown key `colour` in the `potential` section",
            "allowed keys: classification lookalike referrals offers seasons bestsellers keywords "
            "keyword_period_days signup_sources category_keywords")}},
        {"UnknownKeyInLookalike",
         potential("  lookalike:\n    targets: [champions]\n    smoothng: 1\n"),
         {E(23, 5, "unknown key `smoothng` in the look-alike model", "did you mean `smoothing`?")}},
        {"UnknownKeyInReferrals", potential("  referrals:\n    dept: 2\n"),
         {E(22, 5, "unknown key `dept` in the referral settings", "did you mean `depth`?")}},
        {"UnknownKeyInOffer",
         potential("  offers:\n    - id: o\n      segments: [value.at_risk]\n      wen: frequency > 1\n"),
         {E(24, 7, "unknown key `wen` in an offer", "did you mean `when`?")}},
        {"UnknownClassification", potential("  classification: valu\n"),
         {E(21, 19, "unknown classification `valu`", "did you mean `value`?")}},
        {"LookalikeWithoutTargets", potential("  lookalike:\n    smoothing: 1\n"),
         {E(22, 5, "the look-alike model lacks the required key `targets`")}},

        // --------------------------------------------------------------- segments --
        {"UnknownQualifiedSegmentWithSuggestion",
         potential("  lookalike:\n    targets: [value.champion]\n"),
         {E(22, 15, "unknown segment `value.champion`", "did you mean `value.champions`?")}},
        // A segment is mostly named by its id alone: the suggestion is the id.
        {"UnknownSegmentIdWithSuggestion", potential("  lookalike:\n    targets: [champion]\n"),
         {E(22, 15, "unknown segment `champion`", "did you mean `champions`?")}},
        // Nothing near: the names one may write, an id alone where it is unique.
        {"UnknownSegmentListsTheSegments", potential("  lookalike:\n    targets: [vip]\n"),
         {E(22, 15, "unknown segment `vip`",
            "one of: champions value.at_risk fresh life.at_risk")}},
        {"SegmentOfAnotherClassification",
         potential("  lookalike:\n    targets: [life.champions]\n"),
         {E(22, 15, "unknown segment `life.champions`",
            "one of: value.champions value.at_risk life.fresh life.at_risk")}},
        {"AmbiguousSegmentId", potential("  lookalike:\n    targets: [champions, at_risk]\n"),
         {E(22, 26, "segment `at_risk` is in several classifications",
            "write it as `classification.segment`, e.g. `value.at_risk`")}},
        {"OfferNamesASegmentThatIsNotDirectMarketing",
         potential("  offers:\n    - id: o\n      segments: [value.at_risk, value.champions]\n"),
         {E(23, 33, "segment `value.champions` " + kNotDirectMarketing,
            "add `direct_marketing: true` to the segment")}},
        {"OfferNamesASegmentIdThatIsNotDirectMarketing",
         potential("  offers:\n    - id: o\n      segments: [fresh]\n"),
         {E(23, 18, "segment `fresh` " + kNotDirectMarketing,
            "add `direct_marketing: true` to the segment")}},
        {"OfferWithAnAmbiguousSegment",
         potential("  offers:\n    - id: o\n      segments: [at_risk]\n"),
         {E(23, 18, "segment `at_risk` is in several classifications",
            "write it as `classification.segment`, e.g. `value.at_risk`")}},
        {"OfferWithoutSegments", potential("  offers:\n    - id: o\n      segments: []\n"),
         {E(23, 17, "an offer targets at least one segment")}},
        {"OfferWithUnknownFeature",
         potential("  offers:\n    - id: o\n      segments: [life.at_risk]\n      when: frequncy > 1\n"),
         {E(24, 13, "unknown feature `frequncy`", "did you mean `frequency`?")}},
        {"DuplicateOfferId",
         potential("  offers:\n    - id: o\n      segments: [life.at_risk]\n"
                   "    - id: o\n      segments: [value.at_risk]\n"),
         {E(24, 11, "duplicate offer id `o`", "ids must be unique")}},

        // ---------------------------------------------------------------- seasons --
        {"SeasonMonth13", potential("  seasons:\n    - id: a\n      from: 13-01\n      to: 12-31\n"),
         {E(23, 13, "`from` is a day of the year written MM-DD, not `13-01`", kMonthDayHint)}},
        {"SeasonFebruary30", potential("  seasons:\n    - id: a\n      from: 01-01\n      to: 02-30\n"),
         {E(24, 11, "`to` is a day of the year written MM-DD, not `02-30`", kMonthDayHint)}},
        {"SeasonWithoutLeadingZeros",
         potential("  seasons:\n    - id: a\n      from: 1-5\n      to: 12-31\n"),
         {E(23, 13, "`from` is a day of the year written MM-DD, not `1-5`", kMonthDayHint)}},
        // A season whose days cannot be read overlaps nothing: only its own days are reported.
        {"BadDaysDoNotMakeOverlaps",
         potential("  seasons:\n"
                   "    - id: a\n      from: 13-01\n      to: 03-31\n"    // 22-24
                   "    - id: b\n      from: 04-01\n      to: 02-30\n"    // 25-27
                   "    - id: c\n      from: 1-5\n      to: 09-30\n"      // 28-30
                   "    - id: d\n      from: 10-01\n      to: 12-31\n"),  // 31-33
         {E(23, 13, "`from` is a day of the year written MM-DD, not `13-01`", kMonthDayHint),
          E(27, 11, "`to` is a day of the year written MM-DD, not `02-30`", kMonthDayHint),
          E(29, 13, "`from` is a day of the year written MM-DD, not `1-5`", kMonthDayHint)}},
        {"OverlappingSeasons",
         potential("  seasons:\n"
                   "    - {id: spring, from: 03-01, to: 05-31}\n"
                   "    - {id: summer, from: 05-31, to: 08-31}\n"),
         {E(23, 7, "season `summer` overlaps season `spring`", kOneSeasonHint)}},
        {"OverlapWithASeasonWrappingTheYearEnd",
         potential("  seasons:\n"
                   "    - {id: winter, from: 12-01, to: 02-29}\n"
                   "    - {id: spring, from: 02-15, to: 05-31}\n"),
         {E(23, 7, "season `spring` overlaps season `winter`", kOneSeasonHint)}},
        {"OverlapAcrossTheYearEnd",
         potential("  seasons:\n"
                   "    - {id: rest, from: 02-01, to: 12-20}\n"
                   "    - {id: holidays, from: 12-24, to: 01-02}\n"
                   "    - {id: newyear, from: 01-01, to: 01-31}\n"),
         {E(24, 7, "season `newyear` overlaps season `holidays`", kOneSeasonHint)}},
        {"TwoSeasonsWrappingTheYearEndOverlap",
         potential("  seasons:\n"
                   "    - {id: a, from: 11-01, to: 01-15}\n"
                   "    - {id: b, from: 12-25, to: 10-31}\n"),
         {E(23, 7, "season `b` overlaps season `a`", kOneSeasonHint)}},
        // An overlap is reported at the season that overlaps, also after an item that is no season.
        {"OverlapAfterAnItemThatIsNoSeason",
         potential("  seasons:\n"
                   "    - winter\n"
                   "    - {id: a, from: 01-01, to: 06-30}\n"
                   "    - {id: b, from: 06-01, to: 12-31}\n"),
         {E(22, 7, "a season must be a mapping of keys to values"),
          E(24, 7, "season `b` overlaps season `a`", kOneSeasonHint)}},
        {"SeasonWithoutTo", potential("  seasons:\n    - id: a\n      from: 01-01\n"),
         {E(22, 7, "a season lacks the required key `to`")}},

        // --------------------------------------------------------------- numbers --
        {"ReferralDecay0", potential("  referrals:\n    decay: 0\n"), {E(22, 12, kDecay)}},
        {"ReferralDecay1_5", potential("  referrals:\n    decay: 1.5\n"), {E(22, 12, kDecay)}},
        {"ReferralDepth11", potential("  referrals:\n    depth: 11\n"),
         {E(22, 12, "`depth` must be between 1 and 10, not 11")}},
        {"ReferralDepth0", potential("  referrals:\n    depth: 0\n"),
         {E(22, 12, "`depth` must be between 1 and 10, not 0")}},
        {"LookalikeSmoothing0",
         potential("  lookalike:\n    targets: [champions]\n    smoothing: 0\n"),
         {E(23, 16, "the Laplace smoothing must be above 0", "1 is usual")}},
        {"BestsellersTop0", potential("  bestsellers:\n    top: 0\n"),
         {E(22, 10, "`top` must be between 1 and 1000, not 0")}},
        {"KeywordPeriod3661", potential("  keyword_period_days: 3661\n"),
         {E(21, 24, "`keyword_period_days` must be between 1 and 3660, not 3661")}},
        {"EmptyKeyword", potential("  keywords: [serum, \"\"]\n"),
         {E(21, 21, "a campaign keyword must be non-empty text")}},
        {"CategoryKeywordsNotAList", potential("  category_keywords:\n    skincare: serum\n"),
         {E(22, 15, "the keywords a category serves are a list of text")}},

        // ------------------------------------------------------ look-alike attributes --
        {"LookalikeAttributeUnknown",
         potential("  lookalike:\n    targets: [champions]\n    attributes: [district, age]\n"),
         {E(23, 28, "`age` " + kNotAnAttribute, kAllAttributes)}},
        {"LookalikeAttributeTypo",
         potential("  lookalike:\n    targets: [champions]\n    attributes: [distrct, gender]\n"),
         {E(23, 18, "`distrct` " + kNotAnAttribute, "did you mean `district`?")}},
        // The only attribute is wrong: that is the one problem (not also "name at least one").
        {"LookalikeAttributeNumber",
         potential("  lookalike:\n    targets: [champions]\n    attributes: [attr.limit]\n"),
         {E(23, 18, "`attr.limit` " + kNotAnAttribute, kAllAttributes)}},
        {"LookalikeAttributeUndeclared",
         potential("  lookalike:\n    targets: [champions]\n    attributes: [gender, attr.vipp]\n"),
         {E(23, 26, "`attr.vipp` " + kNotAnAttribute, "did you mean `attr.vip`?")}},
        {"LookalikeAttributeTwice",
         potential("  lookalike:\n    targets: [champions]\n    attributes: [gender, gender]\n"),
         {E(23, 26, "duplicate attribute `gender`")}},
        {"LookalikeAttributesEmpty",
         potential("  lookalike:\n    targets: [champions]\n    attributes: []\n"),
         {E(23, 17, "name at least one attribute")}},

        // ------------------------------------------------------- interaction points --
        {"WhenAndInteractionInOnePoint",
         points("      - interaction: email_open\n        when: frequency > 1\n        add: 1\n"),
         {E(8, 15, "a score point has either `when` or `interaction`, not both", "make two points")}},
        {"KeywordWithoutInteraction",
         points("      - when: frequency > 1\n        keyword: serum\n        add: 1\n"),
         {E(8, 18, "`keyword` belongs to an interaction point", kInteractionHint)}},
        {"HalfLifeWithoutInteraction",
         points("      - when: frequency > 1\n        decay_half_life_days: 7\n        add: 1\n"),
         {E(8, 31, "`decay_half_life_days` belongs to an interaction point", kInteractionHint)}},
        {"MaxWithoutInteraction",
         points("      - when: frequency > 1\n        max: 10\n        add: 1\n"),
         {E(8, 14, "`max` belongs to an interaction point", kInteractionHint)}},
        {"HalfLife0",
         points("      - interaction: email_open\n        decay_half_life_days: 0\n        add: 1\n"),
         {E(8, 31, "`decay_half_life_days` must be a number of days above 0")}},
        {"HalfLifeNegative",
         points("      - interaction: email_open\n        decay_half_life_days: -3\n        add: 1\n"),
         {E(8, 31, "`decay_half_life_days` must be a number of days above 0")}},
        {"InteractionKindWithABar",
         points("      - interaction: email|open\n        add: 1\n"),
         {E(7, 22, "`interaction` names a kind of interaction, e.g. `email_open`, `search`, "
                   "`visit`, `signup`, `click`")}},
        {"InteractionKeywordWithABar",
         points("      - interaction: search\n        keyword: a|b\n        add: 1\n"),
         {E(8, 18, "a keyword may not hold `|`")}},
        {"InteractionPointWithoutAdd", points("      - interaction: search\n"),
         {E(7, 9, "a score point lacks the required key `add`")}},
    };
}

std::string format(int line, int column, Severity severity, const std::string& message,
                   const std::string& hint) {
    return std::to_string(line) + ":" + std::to_string(column) +
           (severity == Severity::Error ? ": error: " : ": warning: ") + message +
           (hint.empty() ? "" : "  [hint: " + hint + "]");
}

// Sorted lines, one per diagnostic, so that the order of reporting does not matter.
std::string listing(std::vector<std::string> lines) {
    std::sort(lines.begin(), lines.end());
    std::string out;
    for (const auto& l : lines) out += l + "\n";
    return out;
}

class PotentialRulesInvalid : public testing::TestWithParam<Case> {};

TEST_P(PotentialRulesInvalid, Diagnostics) {
    const Case& c = GetParam();
    ASSERT_FALSE(c.expected.empty()) << "a case expects at least one diagnostic";
    const Loaded l = load(c.yaml);
    EXPECT_FALSE(l.rules.has_value()) << "a rule set with errors does not load";
    std::vector<std::string> actual, expected;
    for (const Diagnostic& item : l.diagnostics.items()) {
        EXPECT_EQ(item.file, "case.yaml");
        actual.push_back(format(item.line, item.column, item.severity, item.message, item.hint));
    }
    for (const Expected& e : c.expected)
        expected.push_back(format(e.line, e.column, Severity::Error, e.message, e.hint));
    EXPECT_EQ(listing(expected), listing(actual)) << "input:\n" << c.yaml;
}

INSTANTIATE_TEST_SUITE_P(Case, PotentialRulesInvalid, testing::ValuesIn(cases()),
                         [](const testing::TestParamInfo<Case>& info) { return info.param.name; });

// The surroundings the cases are built from are valid by themselves.
TEST(PotentialRulesHarness, TheTemplatesAreValid) {
    EXPECT_EQ(load(potential("  {}\n")).diagnostics.to_string(), "");
    EXPECT_EQ(load(points("      - when: frequency > 1\n        add: 1\n")).diagnostics.to_string(), "");
    EXPECT_EQ(load(points("      - interaction: search\n        add: 1\n")).diagnostics.to_string(), "");
}

// ------------------------------------------------------------------------ the full section --

const std::string kFullPotential =
    "scores:\n"
    "  - id: engagement\n"
    "    points:\n"
    "      - when: frequency >= 2\n"
    "        add: 10\n"
    "    tiers: {hot: 10}\n" +
    potential(
        "  classification: life\n"                                            // 21
        "  lookalike:\n"                                                      // 22
        "    targets: [champions, life.at_risk]\n"                            // 23
        "    attributes: [district, income_band, attr.vip]\n"                 // 24
        "    smoothing: 0.5\n"                                                // 25
        "  referrals: {decay: 0.25, depth: 5}\n"                              // 26
        "  offers:\n"                                                         // 27
        "    - id: winback\n"                                                 // 28
        "      label: Win back\n"                                             // 29
        "      description: Lapsed customers who spent.\n"                    // 30
        "      segments: [value.at_risk, life.at_risk]\n"                     // 31
        "      when: monetary > 100 and engagement_tier == 'hot'\n"           // 32
        "    - id: hello\n"                                                   // 33
        "      segments: [life.at_risk]\n"                                    // 34
        "  seasons:\n"                                                        // 35
        "    - {id: winter, label: Winter, from: 12-01, to: 02-29}\n"         // 36
        "    - {id: rest, from: 03-01, to: 11-30}\n"                          // 37
        "  bestsellers: {top: 25}\n"                                          // 38
        "  keywords: [Serum, \"Vitamin C\"]\n"                                // 39
        "  keyword_period_days: 90\n"                                         // 40
        "  signup_sources: [Website, Pop-up]\n"                               // 41
        "  category_keywords:\n"                                              // 42
        "    Skincare: [Serum, moisturiser]\n"                                // 43
        "    shoes: []\n")                                                    // 44
        .substr(kHead.size());

TEST(PotentialRules, AFullSectionLoadsEveryValue) {
    // The scores go between the head and the attributes, so every line above moves down by 6.
    const RuleSet rs = valid(kHead + kFullPotential);
    const auto& p = rs.potential;
    EXPECT_TRUE(p.declared);
    EXPECT_EQ(p.classification, "life");

    ASSERT_EQ(p.lookalike_targets.size(), 2u);
    EXPECT_EQ(p.lookalike_targets[0].classification, "value");
    EXPECT_EQ(p.lookalike_targets[0].segment, "champions");
    EXPECT_EQ(p.lookalike_targets[0].position.line, 23 + 6);
    EXPECT_EQ(p.lookalike_targets[0].position.column, 15);
    EXPECT_EQ(p.lookalike_targets[1].classification, "life");
    EXPECT_EQ(p.lookalike_targets[1].segment, "at_risk");
    EXPECT_EQ(p.lookalike_targets[1].position.line, 23 + 6);
    EXPECT_EQ(p.lookalike_targets[1].position.column, 26);
    EXPECT_EQ(p.lookalike_attributes,
              (std::vector<std::string>{"district", "income_band", "attr.vip"}));
    EXPECT_EQ(p.lookalike_smoothing, 0.5);

    EXPECT_EQ(p.referral_decay, 0.25);
    EXPECT_EQ(p.referral_depth, 5);

    ASSERT_EQ(p.offers.size(), 2u);
    const auto& winback = p.offers[0];
    EXPECT_EQ(winback.id, "winback");
    EXPECT_EQ(winback.label, "Win back");
    EXPECT_EQ(winback.description, "Lapsed customers who spent.");
    ASSERT_EQ(winback.segments.size(), 2u);
    EXPECT_EQ(winback.segments[0].classification, "value");
    EXPECT_EQ(winback.segments[0].segment, "at_risk");
    EXPECT_EQ(winback.segments[0].position.line, 31 + 6);
    EXPECT_EQ(winback.segments[0].position.column, 18);
    EXPECT_EQ(winback.segments[1].classification, "life");
    EXPECT_EQ(winback.segments[1].segment, "at_risk");
    EXPECT_EQ(winback.when.text, "monetary > 100 and engagement_tier == 'hot'");
    EXPECT_NE(winback.when.expr, nullptr);
    EXPECT_EQ(winback.when.position.line, 32 + 6);
    EXPECT_EQ(winback.when.position.column, 13);
    EXPECT_EQ(winback.when.reads, (std::vector<std::string>{"monetary", "engagement_tier"}));
    EXPECT_EQ(winback.position.line, 28 + 6);
    EXPECT_EQ(winback.position.column, 7);
    const auto& hello = p.offers[1];
    EXPECT_EQ(hello.id, "hello");
    EXPECT_EQ(hello.label, "hello");  // the id when left out
    EXPECT_EQ(hello.description, "");
    ASSERT_EQ(hello.segments.size(), 1u);
    EXPECT_EQ(hello.segments[0].classification, "life");
    EXPECT_EQ(hello.when.text, "");  // no further condition
    EXPECT_EQ(hello.when.expr, nullptr);
    EXPECT_TRUE(hello.when.reads.empty());

    ASSERT_EQ(p.seasons.size(), 2u);
    EXPECT_EQ(p.seasons[0].id, "winter");
    EXPECT_EQ(p.seasons[0].label, "Winter");
    EXPECT_EQ(p.seasons[0].from_month, 12);
    EXPECT_EQ(p.seasons[0].from_day, 1);
    EXPECT_EQ(p.seasons[0].to_month, 2);
    EXPECT_EQ(p.seasons[0].to_day, 29);
    EXPECT_EQ(p.seasons[1].id, "rest");
    EXPECT_EQ(p.seasons[1].label, "rest");
    EXPECT_EQ(p.seasons[1].from_month, 3);
    EXPECT_EQ(p.seasons[1].from_day, 1);
    EXPECT_EQ(p.seasons[1].to_month, 11);
    EXPECT_EQ(p.seasons[1].to_day, 30);

    EXPECT_EQ(p.bestsellers_top, 25);
    EXPECT_EQ(p.keywords, (std::vector<std::string>{"serum", "vitamin c"}));  // lower-cased
    EXPECT_EQ(p.keyword_period_days, 90);
    EXPECT_EQ(p.signup_sources, (std::vector<std::string>{"website", "pop-up"}));
    const std::map<std::string, std::vector<std::string>> categories = {
        {"skincare", {"serum", "moisturiser"}}, {"shoes", {}}};
    EXPECT_EQ(p.category_keywords, categories);
}

TEST(PotentialRules, TheLimitsOfTheRangesAreAccepted) {
    const RuleSet low = valid(potential("  referrals: {decay: 0.001, depth: 1}\n  bestsellers: {top: 1}\n"
                                        "  keyword_period_days: 1\n"));
    EXPECT_EQ(low.potential.referral_decay, 0.001);
    EXPECT_EQ(low.potential.referral_depth, 1);
    EXPECT_EQ(low.potential.bestsellers_top, 1);
    EXPECT_EQ(low.potential.keyword_period_days, 1);
    const RuleSet high = valid(potential("  referrals: {decay: 1, depth: 10}\n  bestsellers: {top: 1000}\n"
                                         "  keyword_period_days: 3660\n"));
    EXPECT_EQ(high.potential.referral_decay, 1.0);
    EXPECT_EQ(high.potential.referral_depth, 10);
    EXPECT_EQ(high.potential.bestsellers_top, 1000);
    EXPECT_EQ(high.potential.keyword_period_days, 3660);
}

TEST(PotentialRules, SeasonsMayTouchAndWrapTheYearEnd) {
    const RuleSet rs = valid(potential("  seasons:\n"
                                       "    - {id: holidays, from: 12-20, to: 01-05}\n"
                                       "    - {id: rest, from: 01-06, to: 12-19}\n"));
    ASSERT_EQ(rs.potential.seasons.size(), 2u);
    EXPECT_EQ(rs.potential.seasons[0].from_month, 12);
    EXPECT_EQ(rs.potential.seasons[0].to_month, 1);
    EXPECT_EQ(rs.potential.seasons[0].to_day, 5);
}

// ------------------------------------------------------------------------------ defaults --

void expect_defaults_except_declared(const custclass::config::PotentialDecl& p) {
    EXPECT_EQ(p.classification, "");
    EXPECT_TRUE(p.lookalike_targets.empty());
    EXPECT_EQ(p.lookalike_attributes,
              (std::vector<std::string>{"district", "age_band", "gender", "lead_source", "interests"}));
    EXPECT_EQ(p.lookalike_smoothing, 1.0);
    EXPECT_EQ(p.referral_decay, 0.5);
    EXPECT_EQ(p.referral_depth, 3);
    EXPECT_TRUE(p.offers.empty());
    EXPECT_TRUE(p.seasons.empty());
    EXPECT_EQ(p.bestsellers_top, 10);
    EXPECT_TRUE(p.keywords.empty());
    EXPECT_EQ(p.keyword_period_days, 30);
    EXPECT_EQ(p.signup_sources, (std::vector<std::string>{"website"}));
    EXPECT_TRUE(p.category_keywords.empty());
}

TEST(PotentialRules, WithoutASectionEverythingIsTheDefault) {
    const RuleSet rs = valid(kHead + kSegment);
    EXPECT_FALSE(rs.potential.declared);
    expect_defaults_except_declared(rs.potential);
}

TEST(PotentialRules, AnEmptySectionKeepsTheDefaults) {
    const RuleSet rs = valid(potential("  {}\n"));
    EXPECT_TRUE(rs.potential.declared);
    expect_defaults_except_declared(rs.potential);
}

TEST(PotentialRules, EmptySubsectionsKeepTheDefaults) {
    const RuleSet rs = valid(potential("  referrals: {}\n  bestsellers: {}\n  offers: []\n  seasons: []\n"));
    EXPECT_TRUE(rs.potential.declared);
    expect_defaults_except_declared(rs.potential);
}

TEST(PotentialRules, LookalikeWithTargetsOnlyKeepsTheDefaultAttributesAndSmoothing) {
    const RuleSet rs = valid(potential("  lookalike:\n    targets: [value.champions]\n"));
    ASSERT_EQ(rs.potential.lookalike_targets.size(), 1u);
    EXPECT_EQ(rs.potential.lookalike_targets[0].segment, "champions");
    EXPECT_EQ(rs.potential.lookalike_attributes,
              (std::vector<std::string>{"district", "age_band", "gender", "lead_source", "interests"}));
    EXPECT_EQ(rs.potential.lookalike_smoothing, 1.0);
}

TEST(PotentialRules, SignupSourcesGivenReplaceTheDefault) {
    const RuleSet rs = valid(potential("  signup_sources: [Landing_Page]\n"));
    EXPECT_EQ(rs.potential.signup_sources, (std::vector<std::string>{"landing_page"}));
}

// ------------------------------------------------------------------------- features read --

TEST(PotentialRules, FeaturesReadHoldOfferConditionsAndLookalikeAttributes) {
    const RuleSet rs = valid(kHead + kFullPotential);
    const std::vector<std::string> read = rs.features_read();
    // The rules and scores.
    for (const char* f : {"frequency", "recency_days", "tenure_days"}) EXPECT_TRUE(contains(read, f)) << f;
    // The offer's condition (the score and its tier are not features).
    EXPECT_TRUE(contains(read, "monetary"));
    EXPECT_FALSE(contains(read, "engagement"));
    EXPECT_FALSE(contains(read, "engagement_tier"));
    // The look-alike attributes, targets being given.
    for (const char* f : {"district", "income_band", "attr.vip"}) EXPECT_TRUE(contains(read, f)) << f;
    EXPECT_FALSE(contains(read, "gender"));  // a default attribute, replaced
    // Each once.
    for (const auto& f : read) EXPECT_EQ(std::count(read.begin(), read.end(), f), 1) << f;
}

TEST(PotentialRules, FeaturesReadHoldTheDefaultLookalikeAttributesWhenTargetsAreGiven) {
    const RuleSet rs = valid(potential("  lookalike:\n    targets: [champions]\n"));
    const std::vector<std::string> read = rs.features_read();
    for (const char* f : {"district", "age_band", "gender", "lead_source", "interests"})
        EXPECT_TRUE(contains(read, f)) << f;
    EXPECT_FALSE(contains(read, "income_band"));
}

TEST(PotentialRules, FeaturesReadLeaveOutLookalikeAttributesWithoutTargets) {
    const RuleSet rs = valid(potential("  offers:\n    - id: o\n      segments: [life.at_risk]\n"
                                       "      when: \"'serum' in interests\"\n"));
    const std::vector<std::string> read = rs.features_read();
    EXPECT_EQ(read, (std::vector<std::string>{"frequency", "recency_days", "tenure_days", "interests"}));
}

// -------------------------------------------------------------------- interaction points --

TEST(InteractionPoints, APointLoadsEveryValue) {
    const RuleSet rs = valid(points("      - interaction: Email_Open\n"
                                    "        keyword: Vitamin C Serum\n"
                                    "        decay_half_life_days: 14\n"
                                    "        max: 30\n"
                                    "        add: 2.5\n"
                                    "      - when: frequency > 1\n"
                                    "        add: 5\n"));
    ASSERT_EQ(rs.scores.size(), 1u);
    const auto& s = rs.scores[0];
    ASSERT_EQ(s.points.size(), 2u);
    ASSERT_TRUE(s.points[0].interaction.has_value());
    const InteractionPoint& ip = *s.points[0].interaction;
    EXPECT_EQ(ip.kind, "email_open");  // lower-cased
    EXPECT_EQ(ip.keyword, "vitamin c serum");
    EXPECT_EQ(ip.half_life_days, std::optional<double>(14));
    EXPECT_EQ(s.points[0].max, std::optional<double>(30));
    EXPECT_EQ(s.points[0].add, 2.5);
    EXPECT_EQ(s.points[0].when.text, "");
    EXPECT_EQ(s.points[0].when.expr, nullptr);
    // The condition point beside it.
    EXPECT_FALSE(s.points[1].interaction.has_value());
    EXPECT_FALSE(s.points[1].max.has_value());
    EXPECT_EQ(s.points[1].when.text, "frequency > 1");
    EXPECT_EQ(s.points[1].add, 5);
    EXPECT_EQ(s.reads,
              (std::vector<std::string>{"interactions:email_open|vitamin c serum|14", "frequency"}));
}

TEST(InteractionPoints, AMinimalPointHasNoKeywordHalfLifeOrMax) {
    const RuleSet rs = valid(points("      - interaction: visit\n        add: 1\n"));
    const auto& p = rs.scores.at(0).points.at(0);
    ASSERT_TRUE(p.interaction.has_value());
    EXPECT_EQ(p.interaction->kind, "visit");
    EXPECT_EQ(p.interaction->keyword, "");
    EXPECT_FALSE(p.interaction->half_life_days.has_value());
    EXPECT_FALSE(p.max.has_value());
    EXPECT_EQ(p.interaction->feature(), "interactions:visit||");
}

TEST(InteractionPoints, FeatureNames) {
    InteractionPoint p;
    p.kind = "search";
    EXPECT_EQ(p.feature(), "interactions:search||");
    p.keyword = "serum";
    EXPECT_EQ(p.feature(), "interactions:search|serum|");
    p.half_life_days = 30;
    EXPECT_EQ(p.feature(), "interactions:search|serum|30");
    p.keyword.clear();
    p.half_life_days = 7.5;
    EXPECT_EQ(p.feature(), "interactions:search||7.5");
}

TEST(InteractionPoints, FeatureNamesRoundTrip) {
    std::vector<InteractionPoint> all;
    for (const char* kind : {"email_open", "search", "signup"})
        for (const char* keyword : {"", "serum", "vitamin c serum", "面霜"})
            for (std::optional<double> h : {std::optional<double>(), std::optional<double>(1),
                                            std::optional<double>(0.1), std::optional<double>(365.25),
                                            std::optional<double>(1e-9)}) {
                InteractionPoint p;
                p.kind = kind;
                p.keyword = keyword;
                p.half_life_days = h;
                all.push_back(p);
            }
    for (const auto& p : all) {
        const std::string name = p.feature();
        const auto back = InteractionPoint::of_feature(name);
        ASSERT_TRUE(back.has_value()) << name;
        EXPECT_EQ(back->kind, p.kind) << name;
        EXPECT_EQ(back->keyword, p.keyword) << name;
        EXPECT_EQ(back->half_life_days, p.half_life_days) << name;  // exactly: %.17g
        EXPECT_EQ(back->feature(), name);
    }
}

TEST(InteractionPoints, OfFeatureRejectsOtherNames) {
    for (const char* name : {"", "frequency", "share:shoes", "interactions", "interactions:",
                             "interactions:search", "interactions:search|serum",
                             "interactions:search||0", "interactions:search||-1",
                             "interactions:search||abc", "interactions:search||14d",
                             "Interactions:search||"})
        EXPECT_FALSE(InteractionPoint::of_feature(name).has_value()) << name;
}

TEST(InteractionPoints, AScoreWithAnInteractionPointReadsItsFeature) {
    const RuleSet rs = valid(points("      - interaction: search\n        keyword: serum\n"
                                    "        decay_half_life_days: 30\n        add: 1\n"
                                    "      - interaction: search\n        keyword: Serum\n"
                                    "        decay_half_life_days: 30\n        max: 5\n        add: 2\n"
                                    "      - interaction: email_open\n        add: 1\n"));
    const std::vector<std::string> read = rs.features_read();
    EXPECT_TRUE(contains(read, "interactions:search|serum|30"));
    EXPECT_TRUE(contains(read, "interactions:email_open||"));
    // The same interactions counted twice are read once.
    EXPECT_EQ(std::count(read.begin(), read.end(), "interactions:search|serum|30"), 1);
    EXPECT_EQ(rs.scores.at(0).reads,
              (std::vector<std::string>{"interactions:search|serum|30", "interactions:email_open||"}));
    // And each name is one the engine reads back.
    for (const auto& f : read) {
        if (f.starts_with("interactions:")) {
            EXPECT_TRUE(InteractionPoint::of_feature(f).has_value()) << f;
        }
    }
    // The table those features need.
    EXPECT_EQ(rs.table_of("interactions:email_open||"),
              std::optional(custclass::config::CanonicalTable::Interactions));
}

TEST(InteractionPoints, AScoreReadByARuleListsTheInteractionsItNeeds) {
    const RuleSet rs = valid(kHead +
                             "scores:\n  - id: s\n    points:\n      - interaction: visit\n"
                             "        decay_half_life_days: 7\n        add: 1\n"
                             "classifications:\n  - id: v\n    segments:\n      - id: a\n"
                             "        when: s > 3\n");
    EXPECT_EQ(rs.features_read(), (std::vector<std::string>{"interactions:visit||7"}));
}

}  // namespace
