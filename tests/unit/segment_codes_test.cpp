// A run's (classification, segment) pairs get codes 1, 2, … in the order first seen, whatever
// memory the names are handed in: the same names from other buffers get the same code, other
// names in a reused buffer get their own, and "no segment" differs from an empty one.
#include <gtest/gtest.h>

#include <string>

#include "segment_codes.h"

using custclass::adapters::SegmentCodes;

TEST(SegmentCodes, NumberPairsInTheOrderFirstSeen) {
    SegmentCodes codes;
    const std::string value = "value", champions = "champions", at_risk = "at_risk";
    EXPECT_EQ(codes.code_of(value, champions), 1u);
    EXPECT_EQ(codes.code_of(value, at_risk), 2u);
    EXPECT_EQ(codes.code_of(value, std::nullopt), 3u);
    EXPECT_EQ(codes.code_of(value, std::string_view()), 4u);  // an empty segment is not none
    EXPECT_EQ(codes.code_of(value, champions), 1u);
    EXPECT_EQ(codes.code_of(value, std::nullopt), 3u);
    ASSERT_EQ(codes.pairs().size(), 4u);
    EXPECT_EQ(codes.pairs()[1].classification, "value");
    EXPECT_EQ(codes.pairs()[1].segment, std::optional<std::string>("at_risk"));
    EXPECT_FALSE(codes.pairs()[2].segment.has_value());
    EXPECT_EQ(codes.pairs()[3].segment, std::optional<std::string>(""));
}

TEST(SegmentCodes, GoByTheNamesNotByWhereTheyAre) {
    SegmentCodes codes;
    std::string classification = "value", segment = "champions";
    EXPECT_EQ(codes.code_of(classification, segment), 1u);
    // The same buffers written over with other names, as a reader of stored rows does.
    classification.assign("value");
    segment.assign("loyal____");  // as long as before: the same addresses
    EXPECT_EQ(codes.code_of(classification, segment), 2u);
    segment.assign("champions");
    EXPECT_EQ(codes.code_of(classification, segment), 1u);
    classification.assign("other");
    EXPECT_EQ(codes.code_of(classification, segment), 3u);
    // The same names from elsewhere.
    const std::string copy_c = "value", copy_s = "loyal____";
    EXPECT_EQ(codes.code_of(copy_c, copy_s), 2u);
    // Many pairs, more than the addresses remembered: each keeps its code.
    std::vector<std::string> names;
    for (int i = 0; i < 300; ++i) names.push_back("segment " + std::to_string(i));
    for (int round = 0; round < 3; ++round)
        for (int i = 0; i < 300; ++i)
            ASSERT_EQ(codes.code_of(copy_c, names[static_cast<std::size_t>(i)]), 4u + static_cast<std::uint32_t>(i));
}
