// Keyword normalisation and whole-word matching, the many-keyword matcher, and the ranking of the
// keywords trending up (see keyword_targeting.h for the definitions).
#include "keyword_targeting.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace custclass::plugin {

namespace {

// A letter or digit for word splitting: ASCII alphanumerics and every byte of a multi-byte UTF-8
// character (>= 0x80), so that non-ASCII text is never split or changed.
bool is_word_byte(unsigned char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
}

char ascii_lower(unsigned char c) {
    return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
}

// Whether the normalised `keyword` (not empty) occurs in the normalised `text` at byte `pos`, a
// word start, ending at a word end.
bool occurs_at(std::string_view text, std::size_t pos, std::string_view keyword) {
    return text.size() - pos >= keyword.size() && text.compare(pos, keyword.size(), keyword) == 0 &&
           (pos + keyword.size() == text.size() || text[pos + keyword.size()] == ' ');
}

std::string_view first_word(std::string_view normalised) {
    return normalised.substr(0, normalised.find(' '));
}

}  // namespace

std::string normalise_keyword(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    bool pending_space = false;  // a separator run since the last word byte
    for (const char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        if (is_word_byte(c)) {
            if (pending_space && !out.empty()) out.push_back(' ');
            pending_space = false;
            out.push_back(ascii_lower(c));
        } else {
            pending_space = true;
        }
    }
    return out;
}

bool keyword_matches(std::string_view keyword, std::string_view text) {
    const std::string k = normalise_keyword(keyword);
    if (k.empty()) return false;
    const std::string t = normalise_keyword(text);
    // Every word start of t: 0 and each byte after a space.
    for (std::size_t pos = 0; pos < t.size();) {
        if (occurs_at(t, pos, k)) return true;
        const std::size_t space = t.find(' ', pos);
        if (space == std::string::npos) break;
        pos = space + 1;
    }
    return false;
}

KeywordMatcher::KeywordMatcher(std::vector<std::string> keywords) : keywords_(std::move(keywords)) {
    normalised_.reserve(keywords_.size());
    for (std::size_t i = 0; i < keywords_.size(); ++i) {
        normalised_.push_back(normalise_keyword(keywords_[i]));
        if (!normalised_.back().empty())
            by_first_word_.emplace_back(std::string(first_word(normalised_.back())), i);
    }
    std::sort(by_first_word_.begin(), by_first_word_.end());
}

std::vector<std::size_t> KeywordMatcher::matches(std::string_view text) const {
    std::vector<std::size_t> hits;
    if (by_first_word_.empty()) return hits;
    const std::string t = normalise_keyword(text);
    const auto word_less = [](const std::pair<std::string, std::size_t>& entry,
                              std::string_view word) {
        return std::string_view(entry.first) < word;
    };
    for (std::size_t pos = 0; pos < t.size();) {
        const std::size_t space = t.find(' ', pos);
        const std::size_t end = space == std::string::npos ? t.size() : space;
        const std::string_view word(t.data() + pos, end - pos);
        for (auto it =
                 std::lower_bound(by_first_word_.begin(), by_first_word_.end(), word, word_less);
             it != by_first_word_.end() && it->first == word; ++it) {
            if (occurs_at(t, pos, normalised_[it->second])) hits.push_back(it->second);
        }
        if (space == std::string::npos) break;
        pos = space + 1;
    }
    std::sort(hits.begin(), hits.end());
    hits.erase(std::unique(hits.begin(), hits.end()), hits.end());
    return hits;
}

std::vector<KeywordCount> trending_keywords(const std::map<std::string, std::uint64_t>& before,
                                            const std::map<std::string, std::uint64_t>& after,
                                            std::uint64_t min_count, std::size_t top) {
    std::vector<KeywordCount> out;
    for (const auto& [keyword, later] : after) {
        const auto found = before.find(keyword);
        const std::uint64_t earlier = found == before.end() ? 0 : found->second;
        if (later <= earlier || later < min_count) continue;
        KeywordCount row;
        row.keyword = keyword;
        row.before = earlier;
        row.after = later;
        // In double so that after = UINT64_MAX does not wrap.
        row.growth = (static_cast<double>(later) + 1.0) / (static_cast<double>(earlier) + 1.0);
        out.push_back(std::move(row));
    }
    std::sort(out.begin(), out.end(), [](const KeywordCount& a, const KeywordCount& b) {
        if (a.growth != b.growth) return a.growth > b.growth;
        if (a.after != b.after) return a.after > b.after;
        return a.keyword < b.keyword;
    });
    if (top != 0 && out.size() > top) out.resize(top);
    return out;
}

}  // namespace custclass::plugin
