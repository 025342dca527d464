#include "yaml_document.h"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <sstream>

#include "nearest_name.h"

namespace custclass::config {

std::optional<YamlDocument> YamlDocument::parse(std::string text, std::string file,
                                                Diagnostics& diagnostics) {
    YamlDocument doc;
    doc.file_ = std::move(file);
    doc.text_ = std::move(text);
    doc.line_starts_.push_back(0);
    for (std::size_t i = 0; i < doc.text_.size(); ++i)
        if (doc.text_[i] == '\n') doc.line_starts_.push_back(i + 1);
    try {
        doc.root_ = YAML::Load(doc.text_);
    } catch (const YAML::Exception& e) {
        diagnostics.error(doc.file_, e.mark.line + 1, e.mark.column + 1,
                          "invalid YAML: " + e.msg);
        return std::nullopt;
    }
    return doc;
}

std::optional<YamlDocument> YamlDocument::load(const std::string& path, Diagnostics& diagnostics) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw FileError("cannot read `" + path + "`: no such file, or not readable");
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) throw FileError("cannot read `" + path + "`: read error");
    return parse(text.str(), path, diagnostics);
}

Position YamlDocument::position(const YAML::Node& node) const {
    const YAML::Mark mark = node.Mark();
    if (mark.line < 0) return {};
    return {mark.line + 1, mark.column + 1};
}

Position YamlDocument::position_in_scalar(const YAML::Node& node, std::size_t offset) const {
    const YAML::Mark mark = node.Mark();
    if (mark.line < 0 || static_cast<std::size_t>(mark.line) >= line_starts_.size())
        return position(node);
    std::size_t p = line_starts_[static_cast<std::size_t>(mark.line)] +
                    static_cast<std::size_t>(mark.column);
    if (p < text_.size() && (text_[p] == '|' || text_[p] == '>')) {
        // A block scalar: its content starts on the next line.
        while (p < text_.size() && text_[p] != '\n') ++p;
    } else if (p < text_.size() && (text_[p] == '"' || text_[p] == '\'')) {
        ++p;
    }
    // Walk the value and the source together; the source may hold extra characters (line breaks,
    // indentation, escapes) that folding or quoting removed from the value.
    const std::string& value = node.Scalar();
    for (std::size_t i = 0; i < offset && i < value.size() && p < text_.size(); ++i) {
        std::size_t q = p;
        while (q < text_.size() && text_[q] != value[i]) ++q;
        if (q == text_.size()) break;
        p = q + 1;
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
    if (ec != std::errc() || ptr != end || begin == end) return std::nullopt;
    return value;
}

std::optional<bool> parse_boolean(std::string_view text) {
    std::string lower(text);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
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
        doc_.error(diagnostics_, n, "`" + std::string(key) + "` must be text");
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
    if (!value)
        doc_.error(diagnostics_, n,
                   "`" + std::string(key) + "` must be " + what +
                       (n.IsScalar() ? ", not `" + n.Scalar() + "`" : std::string()));
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

YAML::Node MapReader::present(std::string_view key, bool required) {
    const YAML::Node n = node(key);
    if (!n.IsDefined() && required && valid_) missing(key);
    return n;
}

YAML::Node MapReader::collection(std::string_view key, bool required, YAML::NodeType::value type,
                                 const char* what) {
    const YAML::Node n = present(key, required);
    if (!n.IsDefined() || n.Type() == type) return n;
    doc_.error(diagnostics_, n, "`" + std::string(key) + "` must be " + what);
    return YAML::Node(YAML::NodeType::Undefined);
}

YAML::Node MapReader::sequence(std::string_view key, bool required) {
    return collection(key, required, YAML::NodeType::Sequence, "a list");
}

YAML::Node MapReader::mapping(std::string_view key, bool required) {
    return collection(key, required, YAML::NodeType::Map, "a mapping");
}

}  // namespace custclass::config
