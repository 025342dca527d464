// One YAML file as loaded for validation: the parsed tree, the source text (to point at a column
// inside a scalar, such as the bad token of an expression) and a strict reader of mappings.
//
// yaml-cpp accepts unknown and duplicate keys silently and reports 0-based positions; everything
// here reports 1-based positions and checks every mapping against the keys it may hold.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "diagnostic.h"

namespace custclass::config {

class YamlDocument {
public:
    // Parses `text`; a syntax error becomes a diagnostic and an empty optional.
    static std::optional<YamlDocument> parse(std::string text, std::string file,
                                             Diagnostics& diagnostics);
    // Reads and parses a file; an unreadable file throws FileError.
    static std::optional<YamlDocument> load(const std::string& path, Diagnostics& diagnostics);

    const YAML::Node& root() const { return root_; }
    const std::string& file() const { return file_; }
    const std::string& text() const { return text_; }

    Position position(const YAML::Node& node) const;
    // Where character `offset` of a scalar's value stands in the source, whether the scalar is
    // plain, quoted or a block scalar.
    Position position_in_scalar(const YAML::Node& node, std::size_t offset) const;

    // Whether `node` is a null written out (`~`, `null`), not an empty value.
    bool is_explicit_null(const YAML::Node& node) const;

    void error(Diagnostics& d, const YAML::Node& at, std::string message,
               std::string hint = {}) const;
    void warning(Diagnostics& d, const YAML::Node& at, std::string message,
                 std::string hint = {}) const;

private:
    // A tree the aliases make endless (an alias inside the node it names) or too big to walk.
    struct AliasProblem {
        Position at;
        std::string message;
        std::string hint;
    };
    std::optional<AliasProblem> alias_problem() const;
    std::optional<Position> unterminated_quote(const YAML::Node& node) const;

    std::string file_;
    std::string text_;
    std::vector<std::size_t> line_starts_;
    YAML::Node root_;
};

// Reads one mapping strictly: reports unknown keys (with the nearest allowed one), duplicate keys
// and values of the wrong type, every one at its position, and keeps going.
class MapReader {
public:
    MapReader(const YamlDocument& doc, const YAML::Node& map, std::string what,
              std::vector<std::string> allowed_keys, Diagnostics& diagnostics);

    bool valid() const { return valid_; }  // the node is a mapping
    bool has(std::string_view key) const;
    // The value node of `key` (an undefined node when absent).
    YAML::Node node(std::string_view key) const;
    // Typed values; a wrong type is reported and gives nullopt. `required` reports a missing key.
    std::optional<std::string> text(std::string_view key, bool required = false);
    std::optional<std::int64_t> integer(std::string_view key, bool required = false,
                                        std::int64_t min = INT64_MIN, std::int64_t max = INT64_MAX);
    std::optional<double> number(std::string_view key, bool required = false);
    std::optional<bool> boolean(std::string_view key, bool required = false);
    // A sequence or mapping node, type-checked; undefined when absent or wrong.
    YAML::Node sequence(std::string_view key, bool required = false);
    YAML::Node mapping(std::string_view key, bool required = false);

    const YamlDocument& document() const { return doc_; }
    Diagnostics& diagnostics() const { return diagnostics_; }
    const YAML::Node& map() const { return map_; }
    // The key node of `key`, and where to report a problem with its value (the key itself when
    // the value is empty).
    YAML::Node key_node(std::string_view key) const;
    YAML::Node anchor(std::string_view key, const YAML::Node& value) const;

private:
    void missing(std::string_view key);
    // The node of `key`, reporting it missing when required.
    YAML::Node present(std::string_view key, bool required);
    template <typename T, typename Parse>
    std::optional<T> scalar(std::string_view key, bool required, const char* what, Parse&& parse);
    YAML::Node collection(std::string_view key, bool required, YAML::NodeType::value type,
                          const char* what);

    const YamlDocument& doc_;
    YAML::Node map_;
    std::string what_;
    Diagnostics& diagnostics_;
    bool valid_ = false;
};

// Scalar conversions shared by the readers, with no error reporting of their own.
std::optional<std::int64_t> parse_integer(std::string_view text);
std::optional<double> parse_number(std::string_view text);
std::optional<bool> parse_boolean(std::string_view text);

}  // namespace custclass::config
