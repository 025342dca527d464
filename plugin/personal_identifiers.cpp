#include "personal_identifiers.h"

#include <algorithm>
#include <optional>

#include "value_parsing.h"

namespace custclass::plugin {

namespace {

// The full-width brackets of Chinese text, U+FF08 and U+FF09, in UTF-8.
constexpr std::string_view fullwidth_open = "\xEF\xBC\x88";
constexpr std::string_view fullwidth_close = "\xEF\xBC\x89";

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}
bool is_letter(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}
bool is_alnum(char c) {
    return is_digit(c) || is_letter(c);
}
char to_upper(char c) {
    return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
}

// `compact` upper-cased, without spaces or brackets: one or two letters, six digits, the check
// character; true when its check character is the one PRIVACY.md's algorithm gives.
bool hkid_verifies(std::string_view compact) {
    if (compact.size() != 8 && compact.size() != 9) return false;
    const std::size_t letters = compact.size() - 7;
    int sum = 0;
    int weight = 9;
    if (letters == 1) sum += 36 * weight--;  // the space a one-letter prefix is padded with
    for (std::size_t i = 0; i < letters; ++i) {
        const char c = compact[i];
        if (c < 'A' || c > 'Z') return false;
        sum += (c - 'A' + 10) * weight--;
    }
    for (std::size_t i = letters; i < letters + 6; ++i) {
        const char c = compact[i];
        if (!is_digit(c)) return false;
        sum += (c - '0') * weight--;
    }
    const int check = (11 - sum % 11) % 11;
    const char expected = check == 10 ? 'A' : static_cast<char>('0' + check);
    return compact.back() == expected;
}

// A span found before overlaps are merged. For a phone number, `local_*` is where its eight
// digits (with the separator between the halves) are: what adapters::normalise_phone reads.
struct Span {
    std::size_t offset = 0;
    std::size_t end = 0;
    IdentifierKind kind = IdentifierKind::hkid;
    std::size_t local_offset = 0;
    std::size_t local_end = 0;
};

class Scanner {
public:
    explicit Scanner(std::string_view text) : t_(text) {}

    // All spans, in order, overlapping ones merged (see the header).
    std::vector<Span> scan() const {
        std::vector<Span> found = emails();
        for (std::size_t i = 0; i < t_.size();) {
            const char c = t_[i];
            if (is_letter(c) && !word_before(i)) {
                if (const auto end = hkid_at(i)) {
                    found.push_back({i, *end, IdentifierKind::hkid, 0, 0});
                    i = *end;
                    continue;
                }
            } else if ((is_digit(c) || c == '+' || c == '(') && phone_may_start(i)) {
                if (const auto span = phone_at(i)) {
                    found.push_back(*span);
                    i = span->end;
                    continue;
                }
            }
            ++i;
        }
        std::sort(found.begin(), found.end(), [](const Span& a, const Span& b) {
            return a.offset != b.offset ? a.offset < b.offset : a.end > b.end;
        });
        std::vector<Span> merged;
        for (const Span& s : found) {
            if (!merged.empty() && s.offset < merged.back().end)
                merged.back().end = std::max(merged.back().end, s.end);
            else
                merged.push_back(s);
        }
        return merged;
    }

private:
    // The byte at `i`, or NUL past the end (NUL is no letter, digit, bracket or separator).
    char at(std::size_t i) const { return i < t_.size() ? t_[i] : '\0'; }
    bool has(std::size_t i, std::string_view s) const {
        return t_.substr(std::min(i, t_.size())).starts_with(s);
    }

    bool word_before(std::size_t i) const { return i > 0 && is_alnum(t_[i - 1]); }

    // --- HKID ---

    // The end of an HKID number starting at `i` (see the header for the forms), when its check
    // character verifies.
    std::optional<std::size_t> hkid_at(std::size_t i) const {
        char compact[9];
        std::size_t n = 0;
        std::size_t p = i;
        while (is_letter(at(p)) && n < 2) compact[n++] = to_upper(t_[p++]);
        for (int k = 0; k < 6; ++k, ++p) {
            if (!is_digit(at(p))) return std::nullopt;
            compact[n++] = t_[p];
        }
        const auto is_check = [](char c) { return is_digit(c) || c == 'A' || c == 'a'; };
        std::size_t q = at(p) == ' ' ? p + 1 : p;  // one space is allowed before a bracket
        std::size_t open = 0;
        if (at(q) == '(')
            open = 1;
        else if (has(q, fullwidth_open))
            open = fullwidth_open.size();
        std::size_t end = 0;
        if (open > 0) {
            q += open;
            if (!is_check(at(q))) return std::nullopt;
            compact[n++] = to_upper(t_[q++]);
            if (at(q) == ')')
                end = q + 1;
            else if (has(q, fullwidth_close))
                end = q + fullwidth_close.size();
            else
                return std::nullopt;
        } else {
            if (!is_check(at(p)) || is_alnum(at(p + 1))) return std::nullopt;
            compact[n++] = to_upper(t_[p]);
            end = p + 1;
        }
        if (!hkid_verifies(std::string_view(compact, n))) return std::nullopt;
        return end;
    }

    // --- Phone numbers ---

    static bool joins_digits(char c) { return c == '-' || c == '.' || c == '_'; }
    static bool joins_letters(char c) { return c == '-' || c == '/' || c == '_'; }

    // Whether a phone number may start at `i`: it is not the tail of a word, a longer number, a
    // code, a foreign number, a reference or an amount.
    bool phone_may_start(std::size_t i) const {
        if (i == 0) return true;
        const char c = t_[i - 1];
        if (is_alnum(c) || c == '+' || c == '#' || c == '$') return false;
        if (i < 2) return true;
        const char before = t_[i - 2];
        return !(joins_digits(c) && is_digit(before)) && !(joins_letters(c) && is_letter(before));
    }

    // Whether a phone number may end just before `end`: the mirror image of phone_may_start.
    bool phone_may_end(std::size_t end) const {
        const char c = at(end);
        if (is_alnum(c)) return false;
        const char after = at(end + 1);
        return !(joins_digits(c) && is_digit(after)) && !(joins_letters(c) && is_letter(after));
    }

    // The end of eight digits starting at `p`, the first 2-9, with at most one space or hyphen
    // between the two halves of four.
    std::optional<std::size_t> local_number_at(std::size_t p) const {
        if (at(p) < '2' || at(p) > '9') return std::nullopt;
        for (int k = 0; k < 4; ++k)
            if (!is_digit(at(p + k))) return std::nullopt;
        p += 4;
        if ((at(p) == ' ' || at(p) == '-') && is_digit(at(p + 1))) ++p;
        for (int k = 0; k < 4; ++k)
            if (!is_digit(at(p + k))) return std::nullopt;
        return p + 4;
    }

    std::optional<Span> phone_at(std::size_t i) const {
        // With a country code first, so that a number written with one is taken whole.
        for (const std::string_view prefix : {"(+852)", "+852", "(852)", "00852", "852"}) {
            if (!has(i, prefix)) continue;
            std::size_t p = i + prefix.size();
            if (at(p) == ' ' || at(p) == '-') ++p;
            if (const auto end = local_number_at(p); end && phone_may_end(*end))
                return Span{i, *end, IdentifierKind::phone, p, *end};
        }
        if (const auto end = local_number_at(i); end && phone_may_end(*end))
            return Span{i, *end, IdentifierKind::phone, i, *end};
        return std::nullopt;
    }

    // --- E-mail addresses ---

    static bool local_char(char c) {
        return is_alnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
    }
    static bool domain_char(char c) { return is_alnum(c) || c == '.' || c == '-'; }

    static bool valid_domain(std::string_view domain) {
        std::size_t labels = 0;
        std::string_view last;
        while (true) {
            const std::size_t dot = domain.find('.');
            const std::string_view label = domain.substr(0, dot);
            if (label.empty() || label.front() == '-' || label.back() == '-') return false;
            ++labels;
            last = label;
            if (dot == std::string_view::npos) break;
            domain.remove_prefix(dot + 1);
        }
        return labels >= 2 && last.size() >= 2 && std::all_of(last.begin(), last.end(), is_letter);
    }

    std::vector<Span> emails() const {
        std::vector<Span> found;
        for (std::size_t at_sign = t_.find('@'); at_sign != std::string_view::npos;
             at_sign = t_.find('@', at_sign + 1)) {
            std::size_t start = at_sign;
            while (start > 0 && local_char(t_[start - 1])) --start;
            while (start < at_sign && t_[start] == '.') ++start;
            if (start == at_sign) continue;
            std::size_t end = at_sign + 1;
            while (end < t_.size() && domain_char(t_[end])) ++end;
            while (end > at_sign + 1 && (t_[end - 1] == '.' || t_[end - 1] == '-')) --end;
            if (!valid_domain(t_.substr(at_sign + 1, end - at_sign - 1))) continue;
            found.push_back({start, end, IdentifierKind::email, 0, 0});
        }
        return found;
    }

    std::string_view t_;
};

}  // namespace

bool is_valid_hkid(std::string_view text) {
    char compact[9];
    std::size_t n = 0;
    for (const char c : text) {
        if (c == ' ' || c == '(' || c == ')') continue;
        if (n == sizeof compact) return false;
        compact[n++] = to_upper(c);
    }
    return hkid_verifies(std::string_view(compact, n));
}

std::string_view identifier_kind_name(IdentifierKind kind) {
    switch (kind) {
        case IdentifierKind::hkid:
            return "hkid";
        case IdentifierKind::phone:
            return "phone";
        case IdentifierKind::email:
            return "email";
    }
    return "unknown";
}

std::string_view mask_token(IdentifierKind kind) {
    switch (kind) {
        case IdentifierKind::hkid:
            return "[HKID]";
        case IdentifierKind::phone:
            return "[PHONE]";
        case IdentifierKind::email:
            return "[EMAIL]";
    }
    return "[PERSONAL]";
}

std::vector<FoundIdentifier> find_personal_identifiers(std::string_view text) {
    std::vector<FoundIdentifier> out;
    for (const Span& s : Scanner(text).scan()) {
        FoundIdentifier f{s.offset, s.end - s.offset, s.kind, {}};
        if (s.kind == IdentifierKind::phone) {
            const std::string_view local =
                text.substr(s.local_offset, s.local_end - s.local_offset);
            if (auto e164 = adapters::normalise_phone(local, "852"))
                f.normalised = std::move(*e164);
        } else if (s.kind == IdentifierKind::email) {
            if (auto email = adapters::normalise_email(text.substr(s.offset, s.end - s.offset)))
                f.normalised = std::move(*email);
        }
        out.push_back(std::move(f));
    }
    return out;
}

std::string mask_personal_identifiers(std::string_view text) {
    // Every identifier holds an ASCII digit or an "@" (an HKID six digits, a phone number eight,
    // an e-mail address its "@"; a full-width digit or at sign is never part of a match): a text
    // without either, the common case of free text, is returned after one pass over its bytes.
    if (std::none_of(text.begin(), text.end(), [](char c) { return (c >= '0' && c <= '9') || c == '@'; }))
        return std::string(text);
    std::string out;
    out.reserve(text.size());
    std::size_t copied = 0;
    for (const Span& s : Scanner(text).scan()) {
        out.append(text.substr(copied, s.offset - copied));
        out.append(mask_token(s.kind));
        copied = s.end;
    }
    out.append(text.substr(copied));
    return out;
}

}  // namespace custclass::plugin
