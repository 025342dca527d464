// Keyword targeting (keyword_targeting.h): normalisation (punctuation, ASCII-only case, non-ASCII
// bytes kept whole), whole-word matching, the many-keyword matcher against the one-keyword
// definition, and the ranking of the keywords trending up, with hand-computed expectations.
#include <gtest/gtest.h>

#include <map>
#include <random>
#include <string>
#include <vector>

#include "keyword_targeting.h"

using custclass::plugin::keyword_matches;
using custclass::plugin::KeywordCount;
using custclass::plugin::KeywordMatcher;
using custclass::plugin::normalise_keyword;
using custclass::plugin::trending_keywords;

namespace {

std::vector<std::string> names(const std::vector<KeywordCount>& rows) {
    std::vector<std::string> out;
    for (const auto& row : rows) out.push_back(row.keyword);
    return out;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// normalise_keyword

TEST(NormaliseKeyword, CollapsesPunctuationAndWhitespaceAndLowerCases) {
    EXPECT_EQ(normalise_keyword("  Vitamin-C  Serum!"), "vitamin c serum");
    EXPECT_EQ(normalise_keyword("Women's\tDAY\n"), "women s day");
    EXPECT_EQ(normalise_keyword("SPF50+ / Sunscreen"), "spf50 sunscreen");
    EXPECT_EQ(normalise_keyword("a\001b\177c"), "a b c");  // control characters separate
    EXPECT_EQ(normalise_keyword("abc123XYZ"), "abc123xyz");
}

TEST(NormaliseKeyword, EmptyAndAllPunctuationGiveEmpty) {
    EXPECT_EQ(normalise_keyword(""), "");
    EXPECT_EQ(normalise_keyword("   "), "");
    EXPECT_EQ(normalise_keyword("!?-- ..."), "");
}

TEST(NormaliseKeyword, KeepsNonAsciiBytesAsLetters) {
    // Chinese kept as is; the ASCII letter inside is lower-cased.
    EXPECT_EQ(normalise_keyword("维生素C 精华"), "维生素c 精华");
    EXPECT_EQ(normalise_keyword("  护肤品!! "), "护肤品");
    // Full-width punctuation is non-ASCII, hence part of the word.
    EXPECT_EQ(normalise_keyword("护肤，精华"), "护肤，精华");
    // Lower-casing is ASCII-only: É (C3 89) stays, T is lowered.
    EXPECT_EQ(normalise_keyword("ÉTÉ"), "ÉtÉ");
    // Invalid UTF-8 bytes are left untouched, not split.
    EXPECT_EQ(normalise_keyword("A\377B"), "a\377b");
}

TEST(NormaliseKeyword, IsIdempotent) {
    for (const char* text : {"  Vitamin-C  Serum!", "维生素C 精华", "x", "", "--a--b--"})
        EXPECT_EQ(normalise_keyword(normalise_keyword(text)), normalise_keyword(text)) << text;
}

// ---------------------------------------------------------------------------------------------
// keyword_matches

struct MatchCase {
    const char* keyword;
    const char* text;
    bool expected;
};

const std::vector<MatchCase> kMatchCases = {
    {"serum", "vitamin c serum", true},
    {"serum", "Vitamin-C Serum!", true},
    {"SERUM", "vitamin c serum", true},
    {"serum", "serums", false},
    {"serums", "serum", false},
    {"serum", "preserum", false},
    {"c serum", "vitamin c serum", true},
    {"c serum", "Vitamin-C, SERUM", true},
    {"vitamin serum", "vitamin c serum", false},   // not contiguous
    {"serum c", "vitamin c serum", false},         // wrong order
    {"vitamin c serum", "vitamin c serum", true},  // itself
    {"vitamin c serum", "c serum", false},         // longer than the text
    {"vitamin", "vitamin c serum", true},
    {"c", "vitamin c serum", true},
    {"c", "vitamins", false},
    {"", "vitamin c serum", false},
    {"!!!", "vitamin c serum", false},
    {"", "", false},
    {"serum", "", false},
    {"a a", "a b a a", true},  // second occurrence of the first word
    {"a b", "a a b", true},
    {"护肤", "护肤 精华", true},
    {"护肤", "面部护肤品", false},  // no ASCII separator around it
    {"护肤", "护肤", true},
    {"维生素c", "维生素C 精华", true},
    {"été", "ÉTÉ", false},  // ASCII-only lower-casing
    {"women s", "Women's day", true},
};

TEST(KeywordMatches, WholeWordsContiguous) {
    for (const auto& c : kMatchCases)
        EXPECT_EQ(keyword_matches(c.keyword, c.text), c.expected)
            << "keyword=\"" << c.keyword << "\" text=\"" << c.text << "\"";
}

// ---------------------------------------------------------------------------------------------
// KeywordMatcher

TEST(KeywordMatcher, AgreesWithKeywordMatchesOnTheTable) {
    std::vector<std::string> keywords;
    std::vector<std::string> texts;
    for (const auto& c : kMatchCases) {
        keywords.push_back(c.keyword);
        texts.push_back(c.text);
    }
    const KeywordMatcher matcher(keywords);
    for (const auto& text : texts) {
        std::vector<std::size_t> expected;
        for (std::size_t i = 0; i < keywords.size(); ++i)
            if (keyword_matches(keywords[i], text)) expected.push_back(i);
        EXPECT_EQ(matcher.matches(text), expected) << "text=\"" << text << "\"";
    }
}

TEST(KeywordMatcher, AgreesWithKeywordMatchesOnRandomTexts) {
    const std::vector<std::string> words = {"a", "b", "ab", "serum", "Serum", "c", "护肤", "精华"};
    const std::vector<std::string> separators = {" ", "-", ", ", "!", "  ", "\t", ""};
    std::mt19937_64 random(20260101);
    const auto phrase = [&](std::size_t max_words) {
        std::string out;
        const std::size_t n = random() % (max_words + 1);
        for (std::size_t i = 0; i < n; ++i) {
            out += separators[random() % separators.size()];
            out += words[random() % words.size()];
        }
        if (random() % 2) out += separators[random() % separators.size()];
        return out;
    };
    std::vector<std::string> keywords;
    for (int i = 0; i < 40; ++i) keywords.push_back(phrase(3));
    const KeywordMatcher matcher(keywords);
    EXPECT_EQ(matcher.keywords(), keywords);
    for (int trial = 0; trial < 3000; ++trial) {
        const std::string text = phrase(8);
        std::vector<std::size_t> expected;
        for (std::size_t i = 0; i < keywords.size(); ++i)
            if (keyword_matches(keywords[i], text)) expected.push_back(i);
        ASSERT_EQ(matcher.matches(text), expected) << "text=\"" << text << "\"";
    }
}

TEST(KeywordMatcher, IndicesAscendingOnceEachWithDuplicatesAndEmptyKeywords) {
    const KeywordMatcher matcher({"serum", "", "Vitamin C", "SERUM", "c serum", "toner", "!!"});
    ASSERT_EQ(matcher.keywords().size(), 7u);
    EXPECT_EQ(matcher.keywords()[2], "Vitamin C");  // as given
    // "serum" occurs twice in the text but is listed once; its duplicate "SERUM" matches too.
    EXPECT_EQ(matcher.matches("Vitamin-C serum, serum"), (std::vector<std::size_t>{0, 2, 3, 4}));
    EXPECT_EQ(matcher.matches("serums"), std::vector<std::size_t>{});
    EXPECT_EQ(matcher.matches(""), std::vector<std::size_t>{});
    EXPECT_EQ(KeywordMatcher({}).matches("serum"), std::vector<std::size_t>{});
}

// ---------------------------------------------------------------------------------------------
// trending_keywords

// Hand-computed growth = (after + 1) / (before + 1):
//   cleanser 0->4: 5;  spf 0->3: 4;  toner 1->4: 2.5;  mask 9->19: 2;  aloe 4->9: 2;
//   serum 4->9: 2;  retinol (absent)->1: 2;  sunscreen 20->20 and lipstick 3->2 do not trend up;
//   moisturiser only before.
const std::map<std::string, std::uint64_t> kBefore = {
    {"serum", 4},      {"aloe", 4},     {"toner", 1},       {"mask", 9},
    {"sunscreen", 20}, {"lipstick", 3}, {"moisturiser", 7}, {"spf", 0},
};
const std::map<std::string, std::uint64_t> kAfter = {
    {"serum", 9},    {"aloe", 9},    {"toner", 4},    {"mask", 19}, {"sunscreen", 20},
    {"lipstick", 2}, {"retinol", 1}, {"cleanser", 4}, {"spf", 3},
};

TEST(TrendingKeywords, OrderGrowthThenAfterThenKeyword) {
    const auto rows = trending_keywords(kBefore, kAfter, 2, 0);
    // growth 2 ties: mask (after 19) first, then aloe and serum (after 9) by keyword.
    EXPECT_EQ(names(rows),
              (std::vector<std::string>{"cleanser", "spf", "toner", "mask", "aloe", "serum"}));
    ASSERT_EQ(rows.size(), 6u);
    EXPECT_EQ(rows[0].before, 0u);  // absent from before
    EXPECT_EQ(rows[0].after, 4u);
    EXPECT_DOUBLE_EQ(rows[0].growth, 5.0);
    EXPECT_DOUBLE_EQ(rows[1].growth, 4.0);
    EXPECT_EQ(rows[2].before, 1u);
    EXPECT_EQ(rows[2].after, 4u);
    EXPECT_DOUBLE_EQ(rows[2].growth, 2.5);
    EXPECT_EQ(rows[3].before, 9u);
    EXPECT_EQ(rows[3].after, 19u);
    EXPECT_DOUBLE_EQ(rows[3].growth, 2.0);
    EXPECT_EQ(rows[4].growth, rows[5].growth);  // exact tie
}

TEST(TrendingKeywords, MinCountFiltersOnAfter) {
    // min_count 0 (or 1) also lists retinol (0 -> 1), last among the growth-2 ties (after 1).
    EXPECT_EQ(
        names(trending_keywords(kBefore, kAfter, 0, 0)),
        (std::vector<std::string>{"cleanser", "spf", "toner", "mask", "aloe", "serum", "retinol"}));
    EXPECT_EQ(names(trending_keywords(kBefore, kAfter, 1, 0)),
              names(trending_keywords(kBefore, kAfter, 0, 0)));
    // min_count 5 keeps after >= 5 only.
    EXPECT_EQ(names(trending_keywords(kBefore, kAfter, 5, 0)),
              (std::vector<std::string>{"mask", "aloe", "serum"}));
    EXPECT_TRUE(trending_keywords(kBefore, kAfter, 20, 0).empty());  // sunscreen is flat
}

TEST(TrendingKeywords, TopKeepsTheFirst) {
    EXPECT_EQ(names(trending_keywords(kBefore, kAfter, 2, 4)),
              (std::vector<std::string>{"cleanser", "spf", "toner", "mask"}));
    EXPECT_EQ(trending_keywords(kBefore, kAfter, 2, 100).size(), 6u);
}

TEST(TrendingKeywords, EmptyInputs) {
    EXPECT_TRUE(trending_keywords({}, {}, 0, 0).empty());
    EXPECT_TRUE(trending_keywords(kBefore, {}, 0, 0).empty());
    const auto rows = trending_keywords({}, {{"new", 3}}, 0, 0);
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0].before, 0u);
    EXPECT_DOUBLE_EQ(rows[0].growth, 4.0);
}
