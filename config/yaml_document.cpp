#include "yaml_document.h"
#include "text.h"

#include <yaml-cpp/depthguard.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "nearest_name.h"
#include "utf8.h"

namespace custclass::config {

std::optional<YamlDocument> YamlDocument::parse(std::string text, std::string file,
                                                Diagnostics& diagnostics) {
    YamlDocument doc;
    doc.file_ = std::move(file);
    doc.text_ = std::move(text);
    doc.line_starts_.push_back(0);
    for (std::size_t i = 0; i < doc.text_.size(); ++i)
        if (doc.text_[i] == '\n') doc.line_starts_.push_back(i + 1);
    if (const auto bad = first_invalid_utf8(doc.text_)) {
        const auto line_it = std::upper_bound(doc.line_starts_.begin(), doc.line_starts_.end(), *bad);
        const std::size_t line = static_cast<std::size_t>(line_it - doc.line_starts_.begin()) - 1;
        diagnostics.error(doc.file_, static_cast<int>(line) + 1,
                          static_cast<int>(*bad - doc.line_starts_[line]) + 1,
                          "the file is not valid UTF-8", "save it as UTF-8");
        return std::nullopt;
    }
    try {
        doc.root_ = YAML::Load(doc.text_);
        // Only one document is read: a second one (a `---` at the start of a line after some
        // content) must not be dropped in silence.
        bool content = false;
        for (std::size_t l = 0; l < doc.line_starts_.size(); ++l) {
            const std::size_t start = doc.line_starts_[l];
            const std::size_t end = l + 1 < doc.line_starts_.size() ? doc.line_starts_[l + 1] : doc.text_.size();
            const std::string_view line(doc.text_.data() + start, end - start);
            const bool marker = line.starts_with("---") &&
                                (line.size() == 3 || line[3] == ' ' || line[3] == '\n' || line[3] == '\r');
            if (marker && content) {
                diagnostics.error(doc.file_, static_cast<int>(l) + 1, 1,
                                  "the file holds more than one YAML document",
                                  "keep one document per file: remove this `---` and what follows");
                return std::nullopt;
            }
            const std::size_t first = line.find_first_not_of(" \t\r\n");
            if (!marker && first != std::string_view::npos && line[first] != '#') content = true;
        }
        if (const auto problem = doc.alias_problem()) {
            diagnostics.error(doc.file_, problem->at.line, problem->at.column,
                              "invalid YAML: " + problem->message, problem->hint);
            return std::nullopt;
        }
        if (const auto open = doc.unterminated_quote(doc.root_)) {
            diagnostics.error(doc.file_, open->line, open->column, "invalid YAML: unterminated string",
                              std::string("close it with ") +
                                  doc.text_[doc.line_starts_[static_cast<std::size_t>(open->line - 1)] +
                                            static_cast<std::size_t>(open->column - 1)]);
            return std::nullopt;
        }
    } catch (const YAML::DeepRecursion& e) {
        diagnostics.error(doc.file_, e.mark.line + 1, e.mark.column + 1,
                          "invalid YAML: the document is nested too deeply");
        return std::nullopt;
    } catch (const YAML::Exception& e) {
        // A plain value that starts with a quote ends at the closing quote: say so.
        std::string hint;
        if (e.mark.line >= 0 && static_cast<std::size_t>(e.mark.line) < doc.line_starts_.size()) {
            const std::size_t start = doc.line_starts_[static_cast<std::size_t>(e.mark.line)];
            const std::string line = doc.text_.substr(start, doc.text_.find('\n', start) - start);
            const std::size_t colon = line.find(": ");
            const std::size_t open = colon + 2;
            const std::size_t close = colon == std::string::npos || open >= line.size() ||
                                              (line[open] != '\'' && line[open] != '"')
                                          ? std::string::npos
                                          : line.find(line[open], open + 1);
            const std::size_t after = close == std::string::npos
                                          ? std::string::npos
                                          : line.find_first_not_of(' ', close + 1);
            if (after != std::string::npos && line[after] != '#')
                hint = "a value that starts with a quote ends at the closing quote: quote the whole value";
        }
        diagnostics.error(doc.file_, e.mark.line + 1, e.mark.column + 1,
                          "invalid YAML: " + e.msg, hint);
        return std::nullopt;
    }
    return doc;
}

std::optional<YamlDocument> YamlDocument::load(const std::string& path, Diagnostics& diagnostics) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec))
        throw FileError("cannot read `" + path + "`: it is a directory, not a file");
    std::ifstream in(path, std::ios::binary);
    if (!in) throw FileError("cannot read `" + path + "`: no such file, or not readable");
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) throw FileError("cannot read `" + path + "`: read error");
    return parse(text.str(), path, diagnostics);
}

namespace {

// yaml-cpp gives an alias the very node its anchor names, so `a: &x [*x]` is a node inside
// itself and a few nested aliases stand for millions of values. Nothing that reads the tree
// could finish either, so it is bounded here, before anything walks it: a tree counted with its
// aliases written out is at most kMaxExpandedNodes values and kMaxExpandedDepth deep (yaml-cpp's
// parser stops nesting written out at about 500 levels; a shipped rule set holds a few hundred
// values).
constexpr std::size_t kMaxExpandedNodes = 100000;
constexpr std::size_t kMaxExpandedDepth = 1000;

struct ExpansionWalk {
    std::vector<YAML::Node> path;  // the nodes from the root to the one being walked
    std::size_t nodes = 0;
    bool too_deep = false;
    bool too_many = false;

    // False once a bound is passed; `path` then ends at the node that passed it.
    bool walk(const YAML::Node& node) {
        if (++nodes > kMaxExpandedNodes) return !(too_many = true);
        path.push_back(node);
        if (path.size() > kMaxExpandedDepth) return !(too_deep = true);
        if (node.IsMap()) {
            for (auto it = node.begin(); it != node.end(); ++it)
                if (!walk(it->first) || !walk(it->second)) return false;
        } else if (node.IsSequence()) {
            for (const auto& item : node)
                if (!walk(item)) return false;
        }
        path.pop_back();
        return true;
    }
};

}  // namespace

std::optional<YamlDocument::AliasProblem> YamlDocument::alias_problem() const {
    ExpansionWalk w;
    if (w.walk(root_)) return std::nullopt;
    const std::string hint = "use fewer aliases of aliases, or split the file";
    // An endless tree repeats a node on its path, whichever bound it passed first (a wide one
    // passes the count): the node whose alias sits inside it.
    for (std::size_t i = 0; i < w.path.size(); ++i)
        for (std::size_t j = i + 1; j < w.path.size(); ++j)
            if (w.path[i].is(w.path[j]))
                return AliasProblem{position(w.path[i]),
                                    "an alias refers to the node that holds it, which never ends",
                                    "an alias (`*name`) may only name a node that ends before it"};
    // Otherwise, where the root's entry that grew too deep or too big starts.
    const Position entry = position(w.path.size() > 1 ? w.path[1] : root_);
    if (w.too_deep)
        return AliasProblem{entry,
                            "the aliases nest the document more than " +
                                std::to_string(kMaxExpandedDepth) + " levels deep",
                            hint};
    return AliasProblem{entry,
                        "the document, with its aliases written out, holds more than " +
                            std::to_string(kMaxExpandedNodes) + " values",
                        hint};
}

// yaml-cpp accepts a quoted scalar left open to the end of the file, which then swallows the
// rest of the file: find such a scalar.
std::optional<Position> YamlDocument::unterminated_quote(const YAML::Node& node) const {
    if (node.IsMap()) {
        for (auto it = node.begin(); it != node.end(); ++it) {
            if (auto p = unterminated_quote(it->first)) return p;
            if (auto p = unterminated_quote(it->second)) return p;
        }
    } else if (node.IsSequence()) {
        for (const auto& item : node)
            if (auto p = unterminated_quote(item)) return p;
    } else if (node.IsScalar() && node.Mark().line >= 0) {
        std::size_t p = line_starts_[static_cast<std::size_t>(node.Mark().line)] +
                        static_cast<std::size_t>(node.Mark().column);
        if (p >= text_.size() || (text_[p] != '"' && text_[p] != '\'')) return std::nullopt;
        const char quote = text_[p];
        for (++p; p < text_.size(); ++p) {
            if (quote == '"' && text_[p] == '\\') {
                ++p;
            } else if (text_[p] == quote) {
                if (quote == '\'' && p + 1 < text_.size() && text_[p + 1] == '\'') {
                    ++p;  // '' stands for one quote
                    continue;
                }
                return std::nullopt;
            }
        }
        return position(node);
    }
    return std::nullopt;
}

bool YamlDocument::is_explicit_null(const YAML::Node& node) const {
    if (!node.IsNull()) return false;
    const YAML::Mark mark = node.Mark();
    if (mark.line < 0 || static_cast<std::size_t>(mark.line) >= line_starts_.size()) return false;
    const std::size_t at = line_starts_[static_cast<std::size_t>(mark.line)] +
                           static_cast<std::size_t>(std::max(mark.column, 0));
    if (at >= text_.size()) return false;
    const std::string_view rest = std::string_view(text_).substr(at);
    for (const std::string_view word : {"~", "null", "Null", "NULL"})
        if (rest.substr(0, word.size()) == word &&
            (rest.size() == word.size() || std::string_view(" \t\r\n,}#").find(rest[word.size()]) !=
                                               std::string_view::npos))
            return true;
    return false;
}

Position YamlDocument::position(const YAML::Node& node) const {
    const YAML::Mark mark = node.Mark();
    if (mark.line < 0) return {};
    return {mark.line + 1, mark.column + 1};
}

namespace {

// The bytes a double-quoted escape sequence starting at text[p] ('\\') stands for, and its
// length in the source.
std::pair<std::size_t, std::size_t> escape_size(const std::string& text, std::size_t p) {
    if (p + 1 >= text.size()) return {1, 1};
    auto code_point = [&](std::size_t digits) -> std::pair<std::size_t, std::size_t> {
        unsigned long cp = 0;
        try {
            cp = std::stoul(text.substr(p + 2, digits), nullptr, 16);
        } catch (const std::exception&) {
        }
        const std::size_t bytes = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
        return {bytes, digits + 2};
    };
    switch (text[p + 1]) {
        case 'x': return code_point(2);
        case 'u': return code_point(4);
        case 'U': return code_point(8);
        case 'N': return {2, 2};  // U+0085
        case '_': return {2, 2};  // U+00A0
        case 'L':
        case 'P': return {3, 2};  // U+2028, U+2029
        case '\n': return {0, 2};  // an escaped line break joins the lines
        default: return {1, 2};
    }
}

}  // namespace

Position YamlDocument::position_in_scalar(const YAML::Node& node, std::size_t offset) const {
    const YAML::Mark mark = node.Mark();
    if (mark.line < 0 || static_cast<std::size_t>(mark.line) >= line_starts_.size())
        return position(node);
    std::size_t p = line_starts_[static_cast<std::size_t>(mark.line)] +
                    static_cast<std::size_t>(mark.column);
    bool double_quoted = false;
    if (p < text_.size() && (text_[p] == '|' || text_[p] == '>')) {
        // A block scalar: its content starts on the next line.
        while (p < text_.size() && text_[p] != '\n') ++p;
    } else if (p < text_.size() && (text_[p] == '"' || text_[p] == '\'')) {
        double_quoted = text_[p] == '"';
        ++p;
    }
    // Walk the value and the source together; the source may hold extra characters (line breaks,
    // indentation, quotes doubled or escaped) that folding or quoting removed from the value.
    const std::string& value = node.Scalar();
    std::size_t i = 0;
    while (i < offset && i < value.size() && p < text_.size()) {
        if (double_quoted && text_[p] == '\\') {
            const auto [bytes, length] = escape_size(text_, p);
            i += bytes;
            p += length;
            continue;
        }
        std::size_t q = p;
        while (q < text_.size() && text_[q] != value[i]) ++q;
        if (q == text_.size()) break;
        p = q + 1;
        ++i;
    }
    while (p < text_.size() && (text_[p] == '\n' || text_[p] == ' ') && offset < value.size() &&
           value[offset] != ' ' && value[offset] != '\n')
        ++p;
    const auto line_it = std::upper_bound(line_starts_.begin(), line_starts_.end(), p);
    const std::size_t line = static_cast<std::size_t>(line_it - line_starts_.begin()) - 1;
    return {static_cast<int>(line) + 1, static_cast<int>(p - line_starts_[line]) + 1};
}

void YamlDocument::error(Diagnostics& d, const YAML::Node& at, std::string message,
                         std::string hint) const {
    const Position pos = position(at);
    d.error(file_, pos.line, pos.column, std::move(message), std::move(hint));
}

void YamlDocument::warning(Diagnostics& d, const YAML::Node& at, std::string message,
                           std::string hint) const {
    const Position pos = position(at);
    d.warning(file_, pos.line, pos.column, std::move(message), std::move(hint));
}

std::optional<std::int64_t> parse_integer(std::string_view text) {
    std::int64_t value = 0;
    const char* end = text.data() + text.size();
    const char* begin = text.data();
    if (begin != end && *begin == '+') ++begin;
    const auto [ptr, ec] = std::from_chars(begin, end, value);
    if (ec != std::errc() || ptr != end || begin == end) return std::nullopt;
    return value;
}

std::optional<double> parse_number(std::string_view text) {
    double value = 0;
    const char* end = text.data() + text.size();
    const char* begin = text.data();
    if (begin != end && *begin == '+') ++begin;
    const auto [ptr, ec] = std::from_chars(begin, end, value);
    if (ec != std::errc() || ptr != end || begin == end || !std::isfinite(value)) return std::nullopt;
    return value;
}

std::optional<bool> parse_boolean(std::string_view text) {
    const std::string lower = ascii_lower(text);
    if (lower == "true" || lower == "yes" || lower == "on") return true;
    if (lower == "false" || lower == "no" || lower == "off") return false;
    return std::nullopt;
}

MapReader::MapReader(const YamlDocument& doc, const YAML::Node& map, std::string what,
                     std::vector<std::string> allowed_keys, Diagnostics& diagnostics)
    : doc_(doc), map_(map), what_(std::move(what)), diagnostics_(diagnostics) {
    if (!map.IsMap()) {
        doc.error(diagnostics, map, what_ + " must be a mapping of keys to values");
        return;
    }
    valid_ = true;
    std::vector<std::pair<std::string, YAML::Node>> seen;
    for (auto it = map.begin(); it != map.end(); ++it) {
        const YAML::Node key = it->first;
        if (!key.IsScalar()) {
            doc.error(diagnostics, key, "a key of " + what_ + " must be a plain name");
            continue;
        }
        const std::string name = key.Scalar();
        const auto earlier = std::find_if(seen.begin(), seen.end(),
                                          [&](const auto& s) { return s.first == name; });
        if (earlier != seen.end()) {
            doc.error(diagnostics, key, "duplicate key `" + name + "` in " + what_,
                      "first given at line " +
                          std::to_string(doc.position(earlier->second).line) + "; keep one");
            continue;
        }
        seen.emplace_back(name, key);
        if (std::find(allowed_keys.begin(), allowed_keys.end(), name) == allowed_keys.end()) {
            std::string hint = did_you_mean(name, allowed_keys);
            if (hint.empty()) {
                hint = "allowed keys:";
                for (const auto& k : allowed_keys) hint += " " + k;
            }
            doc.error(diagnostics, key, "unknown key `" + name + "` in " + what_,
                      std::move(hint));
        }
    }
}

bool MapReader::has(std::string_view key) const {
    return valid_ && map_[std::string(key)].IsDefined();
}

YAML::Node MapReader::node(std::string_view key) const {
    if (!valid_) return YAML::Node(YAML::NodeType::Undefined);
    // Iterate rather than index: indexing a non-const node would insert the key.
    for (auto it = map_.begin(); it != map_.end(); ++it)
        if (it->first.IsScalar() && it->first.Scalar() == key) return it->second;
    return YAML::Node(YAML::NodeType::Undefined);
}

void MapReader::missing(std::string_view key) {
    doc_.error(diagnostics_, map_, what_ + " lacks the required key `" + std::string(key) + "`");
}

std::optional<std::string> MapReader::text(std::string_view key, bool required) {
    const YAML::Node n = present(key, required);
    if (!n.IsDefined()) return std::nullopt;
    if (!n.IsScalar() || (n.Tag() == "?" && n.Scalar() == "~") || n.IsNull()) {
        doc_.error(diagnostics_, anchor(key, n), "`" + std::string(key) + "` must be text");
        return std::nullopt;
    }
    return n.Scalar();
}

// A plain scalar parsed by `parse`, or an error saying it must be `what`.
template <typename T, typename Parse>
std::optional<T> MapReader::scalar(std::string_view key, bool required, const char* what,
                                   Parse&& parse) {
    const YAML::Node n = present(key, required);
    if (!n.IsDefined()) return std::nullopt;
    const std::optional<T> value =
        n.IsScalar() && n.Tag() == "?" ? parse(n.Scalar()) : std::optional<T>();
    if (!value) {
        const bool quoted = n.IsScalar() && n.Tag() == "!" && parse(n.Scalar());
        doc_.error(diagnostics_, anchor(key, n),
                   "`" + std::string(key) + "` must be " + what +
                       (n.IsScalar() && !n.Scalar().empty() ? ", not `" + n.Scalar() + "`"
                                                            : std::string()),
                   quoted ? "write it without quotes: a quoted value is text" : "");
    }
    return value;
}

std::optional<std::int64_t> MapReader::integer(std::string_view key, bool required,
                                               std::int64_t min, std::int64_t max) {
    const auto value = scalar<std::int64_t>(key, required, "a whole number", parse_integer);
    if (value && (*value < min || *value > max)) {
        doc_.error(diagnostics_, node(key),
                   "`" + std::string(key) + "` must be between " + std::to_string(min) + " and " +
                       std::to_string(max) + ", not " + std::to_string(*value));
        return std::nullopt;
    }
    return value;
}

std::optional<double> MapReader::number(std::string_view key, bool required) {
    return scalar<double>(key, required, "a number", parse_number);
}

std::optional<bool> MapReader::boolean(std::string_view key, bool required) {
    return scalar<bool>(key, required, "true or false", parse_boolean);
}

YAML::Node MapReader::key_node(std::string_view key) const {
    if (!valid_) return YAML::Node(YAML::NodeType::Undefined);
    for (auto it = map_.begin(); it != map_.end(); ++it)
        if (it->first.IsScalar() && it->first.Scalar() == key) return it->first;
    return YAML::Node(YAML::NodeType::Undefined);
}

// An empty value has no position of its own (yaml-cpp gives it the next token's): point at its
// key instead.
YAML::Node MapReader::anchor(std::string_view key, const YAML::Node& value) const {
    if (value.IsNull() || (value.IsScalar() && value.Scalar().empty() && value.Tag() == "?"))
        return key_node(key);
    return value;
}

YAML::Node MapReader::present(std::string_view key, bool required) {
    const YAML::Node n = node(key);
    if (!n.IsDefined() && required && valid_) missing(key);
    return n;
}

YAML::Node MapReader::collection(std::string_view key, bool required, YAML::NodeType::value type,
                                 const char* what) {
    const YAML::Node n = present(key, required);
    if (!n.IsDefined() || n.Type() == type) return n;
    doc_.error(diagnostics_, anchor(key, n), "`" + std::string(key) + "` must be " + what);
    return YAML::Node(YAML::NodeType::Undefined);
}

YAML::Node MapReader::sequence(std::string_view key, bool required) {
    return collection(key, required, YAML::NodeType::Sequence, "a list");
}

YAML::Node MapReader::mapping(std::string_view key, bool required) {
    return collection(key, required, YAML::NodeType::Map, "a mapping");
}

}  // namespace custclass::config
