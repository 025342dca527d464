// Invalid configuration files and exactly what validation says about them: for each case, every
// diagnostic with its file, line, column, message and hint, no more and no fewer.
//
// The cases are one table. To add one, add an entry to `cases()`: a name (a C++ identifier; it
// becomes the test's name), the kind of file, the YAML text and the diagnostics expected, in any
// order. Positions are 1-based; columns count bytes, as yaml-cpp does. The helpers below build
// the usual surroundings so that the interesting value always stands at the same place:
//
//   when_("x")       a rule set whose first segment's `when:` value starts at line 8, column 15
//   point_when("x")  a rule set whose first score point's `when:` value starts at line 7, column 15
//   policy("...")    a privacy policy whose text from line 5 on is given
//   engine("...")    an engine config (preset tryton, line 3; connection, line 4) whose text
//                    from line 5 on is given
//
// Engine configs are loaded with a base directory holding rules.yaml and privacy.yaml (valid;
// the rules read no feature), bad-rules.yaml (line 8, column 15: unknown feature `frequncy`),
// broken-rules.yaml (a YAML syntax error at line 3, column 8), share-rules.yaml (valid, reads
// `share('shoes')`) and bad-privacy.yaml (line 7, column 15: `small_cell_k: 0`), and with a data
// directory holding the presets odoo and tryton (generic is built in) and a valid
// privacy/pdpo.yaml. In an expected text, {base} stands for the base directory and {empty} for
// a data directory that holds nothing.
//
// A case whose expectation the loaders do not meet yet is a loader defect: it fails until the
// loader is fixed, and is never weakened to match.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <ostream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "engine_config.h"
#include "privacy_policy.h"
#include "rule_set.h"
#include "validation.h"
#include "yaml_document.h"

namespace {

namespace fs = std::filesystem;
using custclass::config::Diagnostic;
using custclass::config::Diagnostics;
using custclass::config::Severity;
using custclass::config::YamlDocument;

// ------------------------------------------------------------------------------- fixtures --

const std::string kHead = "custclass: 1\nname: t\nversion: \"1\"\n";
const std::string kSegment =
    "classifications:\n  - id: v\n    segments:\n      - id: a\n        when: \"true\"\n";
const std::string kValidRules = kHead + kSegment;
const std::string kPolicyHead =
    "custclass: 1\npolicy: p\nversion: \"1\"\npurposes: [customer_analytics, direct_marketing]\n";
const std::string kValidPolicy =
    kPolicyHead + "fields:\n  customer_id: {category: identifier, purposes: [customer_analytics]}\n";
const std::string kEngineHead =
    "custclass: 1\nsource:\n  preset: tryton\n  connection: \"sqlite3://db=shop.sqlite\"\n";

// A rule set whose first segment is `when: <value>`: the value starts at line 8, column 15.
std::string when_(std::string_view value) {
    return kHead + "classifications:\n  - id: v\n    segments:\n      - id: a\n        when: " +
           std::string(value) + "\n";
}

// A rule set with one score `s` (line 5) whose text from line 6 on is `body`, then a valid
// classification.
std::string score_with(std::string_view body) {
    return kHead + "scores:\n  - id: s\n" + std::string(body) + kSegment;
}

// A rule set whose first score point is `when: <value>`: the value starts at line 7, column 15.
std::string point_when(std::string_view value) {
    return score_with("    points:\n      - when: " + std::string(value) + "\n        add: 1\n");
}

// A segment `a` with `when: "true"` (line 8) followed by `extra` (from line 9).
std::string segment_with(std::string_view extra) { return when_("\"true\"") + std::string(extra); }

std::string policy(std::string_view rest) { return kPolicyHead + std::string(rest); }

std::string engine(std::string_view rest) { return kEngineHead + std::string(rest); }

std::string repeat(std::string_view s, int n) {
    std::string out;
    for (int i = 0; i < n; ++i) out += s;
    return out;
}

void write(const fs::path& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary);
    out << text;
    if (!out) throw std::runtime_error("cannot write " + path.string());
}

// The directories the engine configs are loaded with; removed at exit.
// A valid host preset on every backend, mapping customers, orders and order lines.
const std::string kTestPreset =
    "custclass_preset: 1\nhost: Test\nversions: \"1\"\nbackends: [sqlite3, postgresql, mysql]\n"
    "requires:\n  customers: {c: [id]}\n  orders: {o: [id]}\n  order_lines: {l: [id]}\n"
    "queries:\n  customers: SELECT id AS customer_id FROM c\n"
    "  orders: SELECT id AS order_id, c AS customer_id, at AS ordered_at, t AS amount FROM o\n"
    "  order_lines: SELECT o AS order_id, p AS product_id, a AS amount FROM l\n";

// A preset with settings, on SQLite and PostgreSQL only.
const std::string kSettingsPreset =
    "custclass_preset: 1\nhost: Settings\nversions: \"2\"\nbackends: [sqlite3, postgresql]\n"
    "settings:\n  prefix: {type: identifier, default: s_}\n"
    "  states: {type: text_list, default: [paid]}\n  limit: {type: integer, default: 0}\n"
    "  purchases: {type: text, default: orders, choices: [orders, invoices]}\n"
    "requires:\n  customers: {\"{{prefix}}c\": [id]}\n  orders: {\"{{prefix}}o\": [id]}\n"
    "queries:\n  customers: SELECT id AS customer_id FROM {{prefix}}c WHERE id > {{limit}}\n"
    "  orders: SELECT id AS order_id, c AS customer_id, at AS ordered_at, t AS amount\n"
    "    FROM {{prefix}}o WHERE state IN ({{states}})\n";

// A preset whose text from line 5 on is `rest` (lines 1-4: format, host, versions, backends).
std::string preset(std::string_view rest) {
    return "custclass_preset: 1\nhost: Shop\nversions: \"1\"\nbackends: [sqlite3]\n" +
           std::string(rest);
}
const std::string kPresetBody =
    "requires:\n  customers: {c: [id]}\n  orders: {o: [id]}\n"
    "queries:\n  customers: SELECT id AS customer_id FROM c\n"
    "  orders: SELECT id AS order_id, c AS customer_id, at AS ordered_at, t AS amount FROM o\n";
// An engine config over the `odoo` test preset (kSettingsPreset); its text from line 5 on is
// `rest`.
std::string odoo(std::string_view rest) {
    return "custclass: 1\nsource:\n  preset: odoo\n  connection: \"sqlite3://db=shop.sqlite\"\n" +
           std::string(rest);
}

struct Directories {
    fs::path root, base, data, empty_data;

    Directories() {
        std::string pattern = (fs::temp_directory_path() / "custclass-config-test-XXXXXX").string();
        if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
        root = pattern;
        base = root / "base";
        data = root / "data";
        empty_data = root / "empty-data";
        for (const auto& dir : {base, data / "presets", data / "privacy", empty_data})
            fs::create_directories(dir);
        write(base / "rules.yaml", kValidRules);
        write(base / "bad-rules.yaml", when_("frequncy >= 1"));
        write(base / "broken-rules.yaml", "custclass: 1\nname: [t\nversion: 1\n");
        write(base / "share-rules.yaml", when_("share('shoes') > 0.1"));
        write(base / "privacy.yaml", kValidPolicy);
        write(base / "bad-privacy.yaml", kValidPolicy + "small_cell_k: 0\n");
        write(data / "presets" / "tryton.yaml", kTestPreset);
        write(data / "presets" / "odoo.yaml", kSettingsPreset);
        write(data / "privacy" / "pdpo.yaml", kValidPolicy);
    }
    ~Directories() {
        std::error_code ec;
        fs::remove_all(root, ec);
    }
};

const Directories& dirs() {
    static const Directories d;
    return d;
}

// ---------------------------------------------------------------------------------- cases --

enum class Kind {
    RuleSet,          // load_rule_set
    Privacy,          // load_privacy_policy
    Engine,           // load_engine_config with the base and data directories
    EngineEmptyData,  // load_engine_config with a data directory that holds nothing
    Detect,           // validate_text: the kind is told by the keys
    Preset,           // load_preset
};

struct Expected {
    std::string file;
    int line;
    int column;
    Severity severity;
    std::string message;
    std::string hint;
};

// An error in the file under test.
Expected E(int line, int column, std::string message, std::string hint = {}) {
    return {"case.yaml", line, column, Severity::Error, std::move(message), std::move(hint)};
}
// A warning in the file under test.
Expected W(int line, int column, std::string message, std::string hint = {}) {
    return {"case.yaml", line, column, Severity::Warning, std::move(message), std::move(hint)};
}
// An error in another file ({base}/… for the files beside an engine config).
Expected In(std::string file, int line, int column, std::string message, std::string hint = {}) {
    return {std::move(file), line, column, Severity::Error, std::move(message), std::move(hint)};
}

struct Case {
    std::string name;
    Kind kind;
    std::string yaml;
    std::vector<Expected> expected;
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

const std::string kCannotTell = "cannot tell what kind of configuration file this is";
const std::string kCannotTellHint =
    "an engine config has the keys `source` and `rules`; a rule set has `classifications`; a "
    "privacy policy has `policy` and `fields`; a host preset has `custclass_preset`";
const std::string kIdHint = "use lower-case letters, digits and `_`, starting with a letter";
const std::string kIanaHint = "use a name of the IANA time zone database, e.g. Asia/Hong_Kong";
const std::string kBackendHint =
    "write `backend://parameters` with backend sqlite3, postgresql or mysql, e.g. "
    "`sqlite3://db=shop.sqlite`";
const std::string kRelativeHint = "relative paths are relative to the directory of case.yaml";
const std::string kVersionHint = "this version of custclass reads `custclass: 1`";
const std::string kNotReadable = ": no such file, or not readable";

std::vector<Case> cases() {
    return {
        // ------------------------------------------------------------ YAML structure --
        {"Yaml_UnclosedFlowSequence", Kind::RuleSet, "custclass: 1\nname: [t\nversion: 1\n",
         {E(3, 8, "invalid YAML: end of sequence flow not found")}},
        {"Yaml_UnclosedFlowMapping", Kind::RuleSet, "custclass: 1\nname: {a: 1\n",
         {E(3, 1, "invalid YAML: end of map flow not found")}},
        {"Yaml_TabIndentation", Kind::RuleSet, "custclass: 1\n\tname: t\n",
         {E(2, 1, "invalid YAML: illegal tab when looking for indentation")}},
        {"Yaml_IndentedKeyAfterScalar", Kind::RuleSet, "custclass: 1\nname: t\n  version: \"1\"\n",
         {E(3, 10, "invalid YAML: illegal map value")}},
        {"Yaml_UndefinedAlias", Kind::RuleSet, "custclass: 1\nname: *nope\n",
         {E(2, 7, "invalid YAML: the referenced anchor is not defined")}},
        // yaml-cpp takes a quoted scalar left open to the end of the file as its value, so
        // `version` swallows the rest of the file; the quote that is never closed is the error.
        {"Yaml_UnterminatedQuotedScalarIsASyntaxError", Kind::RuleSet,
         "custclass: 1\nname: t\nversion: \"1\nclassifications: []\n",
         {E(3, 10, "invalid YAML: unterminated string", "close it with \"")}},
        // Only the first document is read; a second one must not be dropped in silence.
        {"Yaml_SecondDocumentIsAnError", Kind::RuleSet, when_("\"true\"") + "---\nfoo: bar\n",
         {E(9, 1, "the file holds more than one YAML document",
            "keep one document per file: remove this `---` and what follows")}},
        // yaml-cpp stops at its nesting limit with the message "bad file".
        {"Yaml_DeepNestingSaysSo", Kind::RuleSet,
         kHead + "classifications: " + repeat("[", 1000) + repeat("]", 1000) + "\n",
         {E(4, 2018, "invalid YAML: the document is nested too deeply")}},
        // yaml-cpp gives an alias the node its anchor names: one inside that node never ends.
        {"Yaml_AliasInsideTheNodeItNamesSaysSo", Kind::RuleSet,
         kHead + "classifications: &c [*c]\n",
         {E(4, 18, "invalid YAML: an alias refers to the node that holds it, which never ends",
            "an alias (`*name`) may only name a node that ends before it")}},
        {"Yaml_AliasInsideANestedNodeItNamesSaysSo", Kind::Detect,
         "custclass: 1\nname: t\nx: [1, &inner {k: [*inner]}]\n",
         {E(3, 8, "invalid YAML: an alias refers to the node that holds it, which never ends",
            "an alias (`*name`) may only name a node that ends before it")}},
        // A wide one passes the count of values before the depth: still the alias inside.
        {"Yaml_AliasInsideAWideNodeItNamesSaysSo", Kind::Detect,
         "custclass: 1\nname: t\nx: &wide [" + repeat("v, ", 200) + "*wide]\n",
         {E(3, 4, "invalid YAML: an alias refers to the node that holds it, which never ends",
            "an alias (`*name`) may only name a node that ends before it")}},
        // Ten aliases of ten aliases, five times over, stand for ten million values.
        {"Yaml_AliasesThatExpandTooFarSaySo", Kind::RuleSet,
         kHead + "l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n" +
             "l1: &l1 [*l0, *l0, *l0, *l0, *l0, *l0, *l0, *l0, *l0, *l0]\n" +
             "l2: &l2 [*l1, *l1, *l1, *l1, *l1, *l1, *l1, *l1, *l1, *l1]\n" +
             "l3: &l3 [*l2, *l2, *l2, *l2, *l2, *l2, *l2, *l2, *l2, *l2]\n" +
             "l4: &l4 [*l3, *l3, *l3, *l3, *l3, *l3, *l3, *l3, *l3, *l3]\n" +
             "l5: &l5 [*l4, *l4, *l4, *l4, *l4, *l4, *l4, *l4, *l4, *l4]\n" +
             "l6: &l6 [*l5, *l5, *l5, *l5, *l5, *l5, *l5, *l5, *l5, *l5]\n",
         {E(8, 5, "invalid YAML: the document, with its aliases written out, holds more than 100000 values",
            "use fewer aliases of aliases, or split the file")}},
        // Each alias nests the one before 400 levels deeper: deeper than the parser lets a file.
        {"Yaml_AliasesThatNestTooDeeplySaySo", Kind::RuleSet,
         [] {
             std::string text = kHead + "d0: &d0 " + repeat("[", 400) + repeat("]", 400) + "\n";
             for (int i = 1; i <= 3; ++i)
                 text += "d" + std::to_string(i) + ": &d" + std::to_string(i) + " " + repeat("[", 400) +
                         "*d" + std::to_string(i - 1) + repeat("]", 400) + "\n";
             return text;
         }(),
         {E(6, 5, "invalid YAML: the aliases nest the document more than 1000 levels deep",
            "use fewer aliases of aliases, or split the file")}},
        // An expression that starts with a quote ends, for YAML, at the closing quote.
        {"Yaml_ExpressionStartingWithAQuoteSaysToQuoteIt", Kind::RuleSet,
         when_("'skincare' in interests"),
         {E(8, 26, "invalid YAML: end of map not found",
            "a value that starts with a quote ends at the closing quote: quote the whole value")}},
        {"Yaml_RuleSetIsAList", Kind::RuleSet, "- custclass: 1\n- name: t\n",
         {E(1, 1, "the rule set must be a mapping of keys to values")}},
        {"Yaml_PolicyIsAList", Kind::Privacy, "- policy: p\n",
         {E(1, 1, "the privacy policy must be a mapping of keys to values")}},
        {"Yaml_EngineConfigIsAList", Kind::Engine, "- source: x\n- rules: y\n",
         {E(1, 1, "the engine config must be a mapping of keys to values")}},
        {"Yaml_DocumentIsAScalar", Kind::Detect, "hello\n", {E(1, 1, kCannotTell, kCannotTellHint)}},
        {"Yaml_UnrecognisedMapping", Kind::Detect, "name: t\nlabel: x\n",
         {E(1, 1, kCannotTell, kCannotTellHint)}},
        {"Yaml_ClassificationsIsAMapping", Kind::RuleSet, kHead + "classifications: {v: 1}\n",
         {E(4, 18, "`classifications` must be a list")}},
        {"Yaml_ClassificationIsAList", Kind::RuleSet, kHead + "classifications:\n  - [v]\n",
         {E(5, 5, "a classification must be a mapping of keys to values")}},
        {"Yaml_SegmentsIsABoolean", Kind::RuleSet,
         kHead + "classifications:\n  - id: v\n    segments: true\n",
         {E(6, 15, "`segments` must be a list")}},
        {"Yaml_SegmentIsText", Kind::RuleSet,
         kHead + "classifications:\n  - id: v\n    segments:\n      - champions\n",
         {E(7, 9, "a segment must be a mapping of keys to values")}},
        {"Yaml_DuplicateTopLevelKey", Kind::RuleSet, kHead + "name: u\n" + kSegment,
         {E(4, 1, "duplicate key `name` in the rule set", "first given at line 2; keep one")}},
        {"Yaml_DuplicateKeyInSegment", Kind::RuleSet, when_("true") + "        when: false\n",
         {E(9, 9, "duplicate key `when` in a segment", "first given at line 8; keep one")}},
        {"Yaml_UnknownKeyWithSuggestion", Kind::RuleSet, kHead + "windw_days: 30\n" + kSegment,
         {E(4, 1, "unknown key `windw_days` in the rule set", "did you mean `window_days`?")}},
        {"Yaml_UnknownKeyListsTheAllowedOnes", Kind::RuleSet, segment_with("        colour: red\n"),
         {E(9, 9, "unknown key `colour` in a segment",
            "allowed keys: id label description when direct_marketing transfer_to")}},
        {"Yaml_KeyThatIsAList", Kind::RuleSet, "? [a, b]\n: 1\n" + kHead + kSegment,
         {E(1, 3, "a key of the rule set must be a plain name")}},
        {"Yaml_MissingRequiredKeys", Kind::RuleSet, "custclass: 1\nwindow_days: 30\n",
         {E(1, 1, "the rule set lacks the required key `name`"),
          E(1, 1, "the rule set lacks the required key `version`"),
          E(1, 1, "the rule set lacks the required key `classifications`")}},
        {"Yaml_FieldsIsAList", Kind::Privacy, policy("fields: [email]\n"),
         {E(5, 9, "`fields` must be a mapping")}},
        {"Yaml_FieldPolicyIsText", Kind::Privacy, policy("fields:\n  email: contact\n"),
         {E(6, 10, "the policy of field `email` must be a mapping of keys to values")}},
        {"Yaml_SourceIsText", Kind::Engine, "custclass: 1\nsource: sqlite3://db=x\nrules: rules.yaml\n",
         {E(2, 9, "`source` must be a mapping")}},
        // A key without a value: yaml-cpp places the empty value at the next token, which may
        // be on a later line (or past the end of the file); the error belongs at the key.
        {"Yaml_EmptyWhenIsReportedAtItsKey", Kind::RuleSet,
         kHead + "classifications:\n  - id: v\n    segments:\n      - id: a\n        when:\n",
         {E(8, 9, "`when` must be an expression written as text")}},
        {"Yaml_EmptyDescriptionIsReportedAtItsKey", Kind::RuleSet,
         kHead + "classifications:\n  - id: v\n    segments:\n      - id: a\n        description:\n"
                 "        when: \"true\"\n",
         {E(8, 9, "`description` must be text")}},
        {"Yaml_EmptyQueryIsReportedAtItsKey", Kind::Engine,
         engine("  queries:\n    orders:\n    customers: SELECT 1\nrules: rules.yaml\n"),
         {E(6, 5, "the query for `orders` must be a SELECT statement",
            "write `null` to stop reading the table")}},

        // --------------------------------------------------------------------- types --
        {"Type_WindowDaysIsText", Kind::RuleSet, kHead + "window_days: abc\n" + kSegment,
         {E(4, 14, "`window_days` must be a whole number, not `abc`")}},
        {"Type_WindowDaysIsAFraction", Kind::RuleSet, kHead + "window_days: 36.5\n" + kSegment,
         {E(4, 14, "`window_days` must be a whole number, not `36.5`")}},
        // "must be a whole number, not `365`" alone puzzles whoever wrote "365".
        {"Type_QuotedNumberSaysToRemoveTheQuotes", Kind::RuleSet,
         kHead + "window_days: \"365\"\n" + kSegment,
         {E(4, 14, "`window_days` must be a whole number, not `365`",
            "write it without quotes: a quoted value is text")}},
        {"Type_FormatVersionIsText", Kind::RuleSet,
         "custclass: one\nname: t\nversion: \"1\"\n" + kSegment,
         {E(1, 12, "`custclass` must be a whole number, not `one`")}},
        {"Type_UnsupportedFormatVersion", Kind::RuleSet,
         "custclass: 2\nname: t\nversion: \"1\"\n" + kSegment,
         {E(1, 12, "unsupported file format version 2", kVersionHint)}},
        {"Type_DirectMarketingIsAList", Kind::RuleSet,
         segment_with("        direct_marketing: [true]\n"),
         {E(9, 27, "`direct_marketing` must be true or false")}},
        {"Type_DirectMarketingIsAWord", Kind::RuleSet,
         segment_with("        direct_marketing: maybe\n"),
         {E(9, 27, "`direct_marketing` must be true or false, not `maybe`")}},
        {"Type_LabelIsAList", Kind::RuleSet, segment_with("        label: [x]\n"),
         {E(9, 16, "`label` must be text")}},
        {"Type_WhenIsAList", Kind::RuleSet, when_("[frequency > 1]"),
         {E(8, 15, "`when` must be an expression written as text")}},
        {"Type_AddIsText", Kind::RuleSet,
         score_with("    points:\n      - when: age > 1\n        add: ten\n"),
         {E(8, 14, "`add` must be a number, not `ten`")}},
        // from_chars reads "nan" and "inf"; no score should add not-a-number points.
        {"Type_AddIsNotANumber", Kind::RuleSet,
         score_with("    points:\n      - when: age > 1\n        add: nan\n"),
         {E(8, 14, "`add` must be a number, not `nan`")}},
        {"Type_TierThresholdIsText", Kind::RuleSet,
         score_with("    points:\n      - when: age > 1\n        add: 1\n    tiers: {hot: high}\n"),
         {E(9, 18, "the threshold of tier `hot` must be a number")}},
        {"Type_TiersIsAList", Kind::RuleSet,
         score_with("    points:\n      - when: age > 1\n        add: 1\n    tiers: [hot]\n"),
         {E(9, 12, "`tiers` must be a mapping")}},
        {"Type_CurrencyDecimalsOutOfRange", Kind::Engine,
         engine("  currency_decimals: 5\nrules: rules.yaml\n"),
         {E(5, 22, "`currency_decimals` must be between 0 and 4, not 5")}},
        {"Type_PurposesIsText", Kind::Privacy,
         "custclass: 1\npolicy: p\nversion: \"1\"\npurposes: direct_marketing\nfields: {}\n",
         {E(4, 11, "`purposes` must be a list")}},
        {"Type_PurposesHoldsNoNames", Kind::Privacy,
         "custclass: 1\npolicy: p\nversion: \"1\"\npurposes: [[a], \"\"]\nfields: {}\n",
         {E(4, 12, "`purposes` must be a list of names"),
          E(4, 17, "`purposes` must be a list of names")}},
        {"Type_FieldPurposesIsABoolean", Kind::Privacy,
         policy("fields:\n  email: {category: contact, purposes: true}\n"),
         {E(6, 40, "`purposes` must be a list")}},
        {"Type_PseudonymKeyEnvIsAList", Kind::Privacy, policy("fields: {}\npseudonym_key_env: [a]\n"),
         {E(6, 20, "`pseudonym_key_env` must be text")}},
        {"Type_FairnessIsANumber", Kind::Privacy, policy("fields: {}\nfairness: 0.2\n"),
         {E(6, 11, "`fairness` must be a mapping")}},

        // ---------------------------------------------------------------- bad values --
        {"Value_WindowDaysZero", Kind::RuleSet, kHead + "window_days: 0\n" + kSegment,
         {E(4, 14, "`window_days` must be between 1 and 36600, not 0")}},
        {"Value_WindowDaysTooLarge", Kind::RuleSet, kHead + "window_days: 36601\n" + kSegment,
         {E(4, 14, "`window_days` must be between 1 and 36600, not 36601")}},
        {"Value_WindowDaysNegative", Kind::RuleSet, kHead + "window_days: -5\n" + kSegment,
         {E(4, 14, "`window_days` must be between 1 and 36600, not -5")}},
        {"Value_UnknownTimeZone", Kind::RuleSet, kHead + "time_zone: Mars/Olympus_Mons\n" + kSegment,
         {E(4, 12, "unknown time zone `Mars/Olympus_Mons`", kIanaHint)}},
        {"Value_RuleSetName", Kind::RuleSet, "custclass: 1\nname: HK Retail\nversion: \"1\"\n" + kSegment,
         {E(2, 7, "the rule set name `HK Retail` is not valid",
            "use lower-case letters, digits, `-` and `_`")}},
        {"Value_EmptyVersion", Kind::RuleSet, "custclass: 1\nname: t\nversion: \"\"\n" + kSegment,
         {E(3, 10, "`version` must not be empty")}},
        {"Value_SegmentIdWithCapitals", Kind::RuleSet,
         kHead + "classifications:\n  - id: v\n    segments:\n      - id: Champions\n        when: true\n",
         {E(7, 13, "the segment id `Champions` is not valid", kIdHint)}},
        {"Value_ClassificationIdStartingWithADigit", Kind::RuleSet,
         kHead + "classifications:\n  - id: 1st\n    segments:\n      - id: a\n        when: true\n",
         {E(5, 9, "the classification id `1st` is not valid", kIdHint)}},
        {"Value_ScoreIdWithAHyphen", Kind::RuleSet,
         kHead + "scores:\n  - id: my-score\n    points:\n      - when: age > 1\n        add: 1\n" +
             kSegment,
         {E(5, 9, "the score id `my-score` is not valid", kIdHint)}},
        {"Value_ScoreIdIsAFeature", Kind::RuleSet,
         kHead + "scores:\n  - id: frequency\n    points:\n      - when: age > 1\n        add: 1\n" +
             kSegment,
         {E(5, 9, "the score id `frequency` is the name of a feature", "choose another id")}},
        {"Value_UnknownMode", Kind::RuleSet,
         kHead + "classifications:\n  - id: v\n    mode: any\n    segments:\n      - id: a\n"
                 "        when: true\n",
         {E(6, 11, "unknown mode `any`", "use `first_match` (the default) or `all_matches`")}},
        {"Value_TierName", Kind::RuleSet,
         score_with("    points:\n      - when: age > 1\n        add: 1\n    tiers: {Hot: 50}\n"),
         {E(9, 13, "the tier name `Hot` is not valid", "use lower-case letters, digits and `_`")}},
        {"Value_DuplicateTier", Kind::RuleSet,
         score_with("    points:\n      - when: age > 1\n        add: 1\n    tiers: {hot: 5, hot: 6}\n"),
         {E(9, 21, "duplicate tier `hot`")}},
        {"Value_NoClassification", Kind::RuleSet, kHead + "classifications: []\n",
         {E(4, 18, "a rule set needs at least one classification")}},
        {"Value_NoSegment", Kind::RuleSet, kHead + "classifications:\n  - id: v\n    segments: []\n",
         {E(6, 15, "a classification needs at least one segment")}},
        {"Value_NoPoint", Kind::RuleSet, score_with("    points: []\n"),
         {E(6, 13, "a score needs at least one point")}},
        {"Value_SegmentWithoutWhen", Kind::RuleSet,
         kHead + "classifications:\n  - id: v\n    segments:\n      - id: a\n        label: A\n",
         {E(7, 9, "a segment lacks the required key `when`")}},
        {"Value_PointWithoutAdd", Kind::RuleSet, score_with("    points:\n      - when: age > 1\n"),
         {E(7, 9, "a score point lacks the required key `add`")}},
        {"Value_ConnectionWithoutBackend", Kind::Engine,
         "custclass: 1\nsource:\n  preset: tryton\n  connection: \"shop.sqlite\"\nrules: rules.yaml\n",
         {E(4, 15, "the connection has no `backend://` prefix", kBackendHint)}},
        {"Value_BackendWithSuggestion", Kind::Engine,
         "custclass: 1\nsource:\n  preset: tryton\n  connection: \"postgres://dbname=shop\"\n"
         "rules: rules.yaml\n",
         {E(4, 15, "unknown database backend `postgres`", "did you mean `postgresql`?")}},
        {"Value_UnknownBackend", Kind::Engine,
         "custclass: 1\nsource:\n  preset: tryton\n  connection: \"oracle://shop\"\nrules: rules.yaml\n",
         {E(4, 15, "unknown database backend `oracle`", kBackendHint)}},
        {"Value_PasswordInTheConnection", Kind::Engine,
         "custclass: 1\nsource:\n  preset: tryton\n"
         "  connection: \"postgresql://dbname=shop password=secret\"\nrules: rules.yaml\n",
         {W(4, 15, "the connection string holds a password",
            "put it in an environment variable and name it in `password_env`")}},
        {"Value_StoreSameWithAPassword", Kind::Engine,
         engine("store:\n  connection: same\n  password_env: X\nrules: rules.yaml\n"),
         {E(7, 17, "`password_env` belongs to the source when the store is `same`")}},
        {"Value_StoreWithoutConnection", Kind::Engine, engine("store: {}\nrules: rules.yaml\n"),
         {E(5, 8, "`store` lacks the required key `connection`")}},
        {"Value_StoreConnectionWithoutBackend", Kind::Engine,
         engine("store:\n  connection: elsewhere\nrules: rules.yaml\n"),
         {E(6, 15, "the connection has no `backend://` prefix", kBackendHint)}},
        {"Value_RetentionAndSmallCellOutOfRange", Kind::Privacy,
         policy("fields: {}\nretention_days: 0\nsmall_cell_k: 1001\n"),
         {E(6, 17, "`retention_days` must be between 1 and 36600, not 0"),
          E(7, 15, "`small_cell_k` must be between 1 and 1000, not 1001")}},
        {"Value_MaxDisparityZero", Kind::Privacy, policy("fields: {}\nfairness:\n  max_disparity: 0\n"),
         {E(7, 18, "`max_disparity` must be above 0 and at most 1")}},
        {"Value_MaxDisparityAboveOne", Kind::Privacy,
         policy("fields: {}\nfairness:\n  max_disparity: 1.5\n"),
         {E(7, 18, "`max_disparity` must be above 0 and at most 1")}},
        // NaN passes both `<= 0` and `> 1` as false: the range check lets it through.
        {"Value_MaxDisparityNotANumber", Kind::Privacy,
         policy("fields: {}\nfairness:\n  max_disparity: nan\n"),
         {E(7, 18, "`max_disparity` must be a number, not `nan`")}},
        {"Value_PolicyFormatVersion", Kind::Privacy,
         "custclass: 3\npolicy: p\nversion: \"1\"\npurposes: []\nfields: {}\n",
         {E(1, 12, "unsupported file format version 3", kVersionHint)}},
        // A rule set's empty version is an error; a policy's, recorded in the audit log, too.
        {"Value_PolicyEmptyVersion", Kind::Privacy,
         "custclass: 1\npolicy: p\nversion: \"\"\npurposes: []\nfields: {}\n",
         {E(3, 10, "`version` must not be empty")}},

        // ------------------------------------------------- expressions: the lexer --
        {"Lex_MalformedNumber", Kind::RuleSet, when_("frequency >= 1.2.3"),
         {E(8, 28, "malformed number `1.2.3`")}},
        {"Lex_LetterAfterANumber", Kind::RuleSet, when_("frequency >= 3days"),
         {E(8, 29, "unexpected `d` after a number",
            "put a space or an operator between a number and a name")}},
        {"Lex_UnterminatedSingleQuotedString", Kind::RuleSet, when_("district == 'abc"),
         {E(8, 27, "unterminated string", "close it with '")}},
        {"Lex_UnterminatedDoubleQuotedString", Kind::RuleSet, when_("'district == \"abc'"),
         {E(8, 28, "unterminated string", "close it with \"")}},
        {"Lex_SingleEquals", Kind::RuleSet, when_("frequency = 3"),
         {E(8, 25, "`=` is not an operator", "write `==` to compare")}},
        {"Lex_Bang", Kind::RuleSet, when_("\"!marketing_consent\""),
         {E(8, 16, "`!` is not an operator", "write `not` or `!=`")}},
        {"Lex_AngleBrackets", Kind::RuleSet, when_("frequency <> 3"),
         {E(8, 25, "`<>` is not an operator", "write `!=`")}},
        {"Lex_Ampersands", Kind::RuleSet, when_("frequency > 1 && marketing_consent"),
         {E(8, 29, "`&` is not an operator", "write `and`")}},
        {"Lex_Pipes", Kind::RuleSet, when_("frequency > 1 || marketing_consent"),
         {E(8, 29, "`|` is not an operator", "write `or`")}},
        {"Lex_UnexpectedCharacter", Kind::RuleSet, when_("frequency @ 3"),
         {E(8, 25, "unexpected character `@`")}},
        // The message must show the whole character, not its first byte.
        {"Lex_UnexpectedNonAsciiCharacterIsShownWhole", Kind::RuleSet, when_("frequency ≥ 3"),
         {E(8, 25, "unexpected character `≥`")}},
        // In a block scalar `#` is text, not a comment.
        {"Lex_HashInABlockScalar", Kind::RuleSet,
         kHead + "classifications:\n  - id: v\n    segments:\n      - id: a\n        when: >\n"
                 "          frequency >= 3 # and\n          and frequncy < 9\n",
         {E(9, 26, "unexpected character `#`")}},
        {"Lex_TooLong", Kind::RuleSet,
         when_("frequency > 1" + repeat(" or frequency > 1", 699)),
         {E(8, 8515, "the expression is too long (over 2000 tokens)",
            "split it into several rules or scores")}},
        // `!x` unquoted is a YAML tag: the value is empty, which says nothing of the `!`.
        {"Lex_UnquotedBangIsExplainedAsAYamlTag", Kind::RuleSet, when_("!marketing_consent"),
         {E(8, 15, "`!marketing_consent` is read by YAML as a tag, not as an expression",
            "write `not` instead of `!`, or put the expression in double quotes")}},

        // ------------------------------------------------ expressions: the parser --
        {"Parse_TokensAfterACompleteExpression", Kind::RuleSet, when_("frequency >= 3 monetary > 1"),
         {E(8, 30, "unexpected `monetary` after a complete expression",
            "join conditions with `and` or `or`")}},
        {"Parse_MissingCloseParenthesis", Kind::RuleSet, when_("(frequency >= 3"),
         {E(8, 30, "expected `)`, found the end of the expression")}},
        {"Parse_NotWithoutIn", Kind::RuleSet, when_("district not 'a'"),
         {E(8, 28, "expected `in` after `not`, found `'a'`")}},
        {"Parse_BetweenWithoutAnd", Kind::RuleSet, when_("frequency between 1 or 3"),
         {E(8, 35, "expected `and` in `between … and …`, found `or`")}},
        {"Parse_IsWithoutNull", Kind::RuleSet, when_("age is 5"),
         {E(8, 22, "expected `null` after `is`, found `5`")}},
        {"Parse_ChainedComparison", Kind::RuleSet, when_("1 < frequency < 3"),
         {E(8, 29, "comparisons cannot be chained", "write `a < b and b < c`, or `b between a and c`")}},
        {"Parse_MissingOperand", Kind::RuleSet, when_("frequency >="),
         {E(8, 27, "expected a value, a name or `(`, found the end of the expression")}},
        {"Parse_EmptyExpression", Kind::RuleSet, when_("\"\""),
         {E(8, 16, "expected a value, a name or `(`, found the end of the expression")}},
        {"Parse_UnclosedList", Kind::RuleSet, when_("district in ['a', 'b'"),
         {E(8, 36, "expected `,` or `]` in a list, found the end of the expression")}},
        {"Parse_UnclosedArguments", Kind::RuleSet, when_("coalesce(age, 1"),
         {E(8, 30, "expected `,` or `)` in the arguments of `coalesce`, found the end of the expression")}},
        {"Parse_ParenthesesNestedTooDeeply", Kind::RuleSet,
         when_(repeat("(", 101) + "frequency > 1" + repeat(")", 101)),
         {E(8, 115, "the expression is nested too deeply", "split it into simpler rules or scores")}},
        {"Parse_NotNestedTooDeeply", Kind::RuleSet, when_(repeat("not ", 101) + "marketing_consent"),
         {E(8, 411, "the expression is nested too deeply", "split it into simpler rules or scores")}},

        // ---------------------------------------------- expressions: type checking --
        {"Check_RuleIsANumber", Kind::RuleSet, when_("frequency"),
         {E(8, 15, "a rule must be a boolean, but this is a number")}},
        {"Check_RuleIsNull", Kind::RuleSet, when_("\"null\""),
         {E(8, 16, "a rule cannot be `null`", "write `true` or `false`")}},
        {"Check_NotOfANumber", Kind::RuleSet, when_("not frequency"),
         {E(8, 19, "the operand of `not` must be a boolean, but this is a number")}},
        {"Check_AndOfANumber", Kind::RuleSet, when_("frequency and true"),
         {E(8, 15, "each side of `and` must be a boolean, but this is a number")}},
        {"Check_OrOfText", Kind::RuleSet, when_("true or district"),
         {E(8, 23, "each side of `or` must be a boolean, but this is a text")}},
        {"Check_MinusOfText", Kind::RuleSet, when_("-district == 1"),
         {E(8, 16, "the operand of `-` must be a number, but this is a text")}},
        {"Check_CompareNumberWithText", Kind::RuleSet, when_("frequency > 'x'"),
         {E(8, 15, "cannot compare a number with a text")}},
        {"Check_OrderBooleans", Kind::RuleSet, when_("marketing_consent > true"),
         {E(8, 15, "only numbers, dates and text can be ordered, not a boolean")}},
        {"Check_CompareLists", Kind::RuleSet, when_("interests == interests"),
         {E(8, 15, "a list of text cannot be compared", "test membership with `'value' in list`")}},
        {"Check_ArithmeticOnText", Kind::RuleSet, when_("district + 1 > 0"),
         {E(8, 15, "arithmetic needs numbers, but this is a text")}},
        {"Check_BetweenMixedTypes", Kind::RuleSet, when_("frequency between 'a' and 3"),
         {E(8, 15, "`between` needs three values of one type")}},
        {"Check_BetweenBooleans", Kind::RuleSet, when_("marketing_consent between true and false"),
         {E(8, 15, "`between` needs numbers, dates or text")}},
        {"Check_UnknownFeatureWithSuggestion", Kind::RuleSet, when_("frequncy > 1"),
         {E(8, 15, "unknown feature `frequncy`", "did you mean `frequency`?")}},
        {"Check_UnknownFeatureWithoutSuggestion", Kind::RuleSet, when_("zzzz > 1"),
         {E(8, 15, "unknown feature `zzzz`")}},
        {"Check_UnknownFeatureSuggestsAScoreTier", Kind::RuleSet,
         kHead + "scores:\n  - id: engagement\n    points:\n      - when: frequency > 1\n        add: 1\n"
                 "classifications:\n  - id: v\n    segments:\n      - id: a\n"
                 "        when: engagment_tier == 'hot'\n",
         {E(13, 15, "unknown feature `engagment_tier`", "did you mean `engagement_tier`?")}},
        {"Check_UnknownFunction", Kind::RuleSet, when_("coalese(age, 1) > 3"),
         {E(8, 15, "unknown function `coalese`", "did you mean `coalesce`?")}},
        {"Check_ArityTooMany", Kind::RuleSet, when_("abs(1, 2) > 0"),
         {E(8, 15, "`abs` takes 1 argument, not 2")}},
        {"Check_ArityTooFew", Kind::RuleSet, when_("min(age) > 1"),
         {E(8, 15, "`min` takes at least 2 arguments, not 1")}},
        {"Check_ArityNone", Kind::RuleSet, when_("days_since() > 1"),
         {E(8, 15, "`days_since` takes 1 argument, not 0")}},
        {"Check_ArityOfContains", Kind::RuleSet, when_("contains(district)"),
         {E(8, 15, "`contains` takes 2 arguments, not 1")}},
        {"Check_ArityAtLeastOneIsSingular", Kind::RuleSet, when_("coalesce() > 1"),
         {E(8, 15, "`coalesce` takes at least 1 argument, not 0")}},
        {"Check_ShareOfAName", Kind::RuleSet, when_("share(district) > 0.1"),
         {E(8, 21, "the argument of `share` must be a category written in quotes")}},
        {"Check_ChannelShareOfAName", Kind::RuleSet, when_("channel_share(district) > 0.1"),
         {E(8, 29, "the argument of `channel_share` must be a channel written in quotes")}},
        {"Check_ScoreOfAName", Kind::RuleSet, when_("score(engagement) > 1"),
         {E(8, 21, "the argument of `score` must be a score id written in quotes")}},
        {"Check_BadDateLiteral", Kind::RuleSet, when_("date('2026-02-30') < date('2026-01-01')"),
         {E(8, 20, "`2026-02-30` is not a valid date", "write it as YYYY-MM-DD, e.g. date('2026-01-31')")}},
        {"Check_DateOfAName", Kind::RuleSet, when_("date(age) < date('2026-01-01')"),
         {E(8, 20, "the argument of `date` must be a date YYYY-MM-DD written in quotes")}},
        {"Check_CoalesceMixedTypes", Kind::RuleSet, when_("coalesce(age, 'x') > 1"),
         {E(8, 29, "the arguments of `coalesce` must all be of one type; this is a text, an earlier "
                   "one a number")}},
        {"Check_MinOfText", Kind::RuleSet, when_("min(district, 'a') == 'a'"),
         {E(8, 15, "`min` takes numbers or dates, not a text")}},
        {"Check_LowerOfANumber", Kind::RuleSet, when_("lower(1) == 'a'"),
         {E(8, 21, "the argument of `lower` must be a text, but this is a number")}},
        {"Check_ContainsFirstArgument", Kind::RuleSet, when_("contains(1, 'a')"),
         {E(8, 24, "the first argument of `contains` must be a text, but this is a number")}},
        {"Check_ContainsSecondArgument", Kind::RuleSet, when_("contains(district, 2)"),
         {E(8, 34, "the second argument of `contains` must be a text, but this is a number")}},
        {"Check_DaysSinceOfANumber", Kind::RuleSet, when_("days_since(5) > 1"),
         {E(8, 26, "the argument of `days_since` must be a date, but this is a number")}},
        {"Check_ErrorInAScorePoint", Kind::RuleSet, point_when("monetary > 'high'"),
         {E(7, 15, "cannot compare a number with a text")}},

        // ----------------------------------------------- expressions: lists and `in` --
        {"List_ItemOfAnotherType", Kind::RuleSet, when_("district in ['a', 1]"),
         {E(8, 33, "this list item is a number, but the value tested is a text")}},
        {"List_OfAListFeature", Kind::RuleSet, when_("interests in ['a']"),
         {E(8, 29, "this list item is a text, but the value tested is a list of text")}},
        {"List_RightSideIsNotAList", Kind::RuleSet, when_("\"'a' in district\""),
         {E(8, 23, "the right side of `in` must be a list, but this is a text",
            "write `x in ['a', 'b']` or `'a' in interests`")}},
        {"List_NumberInAListOfText", Kind::RuleSet, when_("1 in interests"),
         {E(8, 15, "only text can be looked up in a list of text, not a number")}},
        {"List_HoldsAFunctionCall", Kind::RuleSet, when_("district in [lower('A')]"),
         {E(8, 28, "a list holds literal values only")}},
        {"List_OutsideIn", Kind::RuleSet, when_("frequency == [1, 2]"),
         {E(8, 28, "a list literal can only stand on the right of `in`")}},

        // ------------------------------- expressions: where errors are, in each style --
        {"Where_PlainScalar", Kind::RuleSet, when_("frequency >= 3 and frequncy < 9"),
         {E(8, 34, "unknown feature `frequncy`", "did you mean `frequency`?")}},
        {"Where_PlainScalarOnTwoLines", Kind::RuleSet,
         when_("frequency >= 3\n          and frequncy < 9"),
         {E(9, 15, "unknown feature `frequncy`", "did you mean `frequency`?")}},
        {"Where_SingleQuotedWithEscapedQuotes", Kind::RuleSet,
         when_("'district == ''x'' and frequncy > 1'"),
         {E(8, 38, "unknown feature `frequncy`", "did you mean `frequency`?")}},
        {"Where_SingleQuotedOverABlankLine", Kind::RuleSet,
         when_("'frequency >= 3\n\n          and frequncy < 9'"),
         {E(10, 15, "unknown feature `frequncy`", "did you mean `frequency`?")}},
        {"Where_DoubleQuotedWithEscapedQuotes", Kind::RuleSet,
         when_("\"district == \\\"x\\\" and frequncy > 1\""),
         {E(8, 38, "unknown feature `frequncy`", "did you mean `frequency`?")}},
        {"Where_DoubleQuotedOnTwoLines", Kind::RuleSet,
         when_("\"frequency >= 3\n          and frequncy < 9\""),
         {E(9, 15, "unknown feature `frequncy`", "did you mean `frequency`?")}},
        // An escape such as \u00e9 or \t is one character of the value but several of the source.
        {"Where_DoubleQuotedAfterAUnicodeEscape", Kind::RuleSet,
         when_("\"district == 'Caf\\u00e9' and frequncy > 1\""),
         {E(8, 44, "unknown feature `frequncy`", "did you mean `frequency`?")}},
        {"Where_DoubleQuotedAfterATabEscape", Kind::RuleSet,
         when_("\"district == 'a\\tb' and frequncy > 1\""),
         {E(8, 39, "unknown feature `frequncy`", "did you mean `frequency`?")}},
        {"Where_LiteralBlock", Kind::RuleSet,
         when_("|\n          frequency >= 3\n          and frequncy < 9"),
         {E(10, 15, "unknown feature `frequncy`", "did you mean `frequency`?")}},
        {"Where_LiteralBlockStripMoreIndented", Kind::RuleSet,
         when_("|-\n            frequency >= 3\n              and frequncy < 9"),
         {E(10, 19, "unknown feature `frequncy`", "did you mean `frequency`?")}},
        {"Where_FoldedBlockStrip", Kind::RuleSet,
         when_(">-\n          frequency >= 3 and\n          monetary > 100 and frequncy < 9"),
         {E(10, 30, "unknown feature `frequncy`", "did you mean `frequency`?")}},
        {"Where_FoldedBlockOverABlankLine", Kind::RuleSet,
         when_(">-\n          frequency >= 3 and\n\n          frequncy < 9"),
         {E(11, 11, "unknown feature `frequncy`", "did you mean `frequency`?")}},
        {"Where_FlowMapping", Kind::RuleSet,
         kHead + "classifications:\n  - id: v\n    segments:\n      - {id: a, when: frequncy > 1}\n",
         {E(7, 23, "unknown feature `frequncy`", "did you mean `frequency`?")}},
        {"Where_SyntaxErrorInAFoldedBlock", Kind::RuleSet,
         when_(">-\n          frequency >= 3 and\n          (monetary > 100"),
         {E(10, 26, "expected `)`, found the end of the expression")}},

        // ---------------------------------------------- attributes and enrichments --
        {"Attr_UnknownType", Kind::RuleSet, kHead + "attributes:\n  vip: boolean\n" + kSegment,
         {E(5, 8, "the type of attribute `vip` must be `text` or `number`")}},
        {"Attr_NameWithCapitals", Kind::RuleSet, kHead + "attributes:\n  VIP: text\n" + kSegment,
         {E(5, 3, "the attribute name `VIP` is not valid",
            "use lower-case letters, digits and `_`; the host maps it as `attr_VIP`")}},
        {"Attr_Duplicate", Kind::RuleSet, kHead + "attributes: {vip: text, vip: number}\n" + kSegment,
         {E(4, 25, "duplicate attribute `vip`")}},
        {"Attr_IsAList", Kind::RuleSet, kHead + "attributes: [vip]\n" + kSegment,
         {E(4, 13, "`attributes` must be a mapping")}},
        {"Attr_MisspeltRead", Kind::RuleSet,
         kHead + "attributes:\n  vip: text\nclassifications:\n  - id: v\n    segments:\n      - id: a\n"
                 "        when: attr.vpi == 'gold'\n",
         {E(10, 15, "unknown feature `attr.vpi`", "did you mean `attr.vip`?")}},
        {"Attr_ReadWithTheWrongType", Kind::RuleSet,
         kHead + "attributes:\n  spend: number\nclassifications:\n  - id: v\n    segments:\n"
                 "      - id: a\n        when: attr.spend == 'high'\n",
         {E(10, 15, "cannot compare a number with a text")}},
        {"Enrich_BothCsvAndQuery", Kind::RuleSet,
         kHead + "enrich:\n  - id: income\n    key: district\n    csv: income.csv\n"
                 "    query: SELECT 1\n    columns: {median: number}\n" + kSegment,
         {E(5, 5, "an enrichment table needs exactly one of `csv` and `query`")}},
        {"Enrich_NeitherCsvNorQuery", Kind::RuleSet,
         kHead + "enrich:\n  - id: income\n    key: district\n    columns: {median: number}\n" +
             kSegment,
         {E(5, 5, "an enrichment table needs exactly one of `csv` and `query`")}},
        {"Enrich_KeyIsNotACustomerTextFeature", Kind::RuleSet,
         kHead + "enrich:\n  - id: income\n    key: frequency\n    csv: income.csv\n"
                 "    columns: {median: number}\n" + kSegment,
         {E(6, 10, "an enrichment table is joined on a text feature of the customer, not `frequency`",
            "e.g. `key: district`")}},
        {"Enrich_ColumnType", Kind::RuleSet,
         kHead + "enrich:\n  - id: income\n    key: district\n    csv: income.csv\n"
                 "    columns: {median: money}\n" + kSegment,
         {E(8, 23, "the type of column `median` must be `text` or `number`")}},
        {"Enrich_ColumnName", Kind::RuleSet,
         kHead + "enrich:\n  - id: income\n    key: district\n    csv: income.csv\n"
                 "    columns: {Median: number}\n" + kSegment,
         {E(8, 15, "the column name `Median` is not valid", "use lower-case letters, digits and `_`")}},
        {"Enrich_WithoutColumns", Kind::RuleSet,
         kHead + "enrich:\n  - id: income\n    key: district\n    csv: income.csv\n" + kSegment,
         {E(5, 5, "an enrichment table lacks the required key `columns`")}},
        {"Enrich_DuplicateId", Kind::RuleSet,
         kHead + "enrich:\n  - {id: income, key: district, csv: a.csv, columns: {median: number}}\n"
                 "  - {id: income, key: district, csv: b.csv, columns: {mean: number}}\n" + kSegment,
         {E(6, 10, "duplicate enrichment id `income`", "ids must be unique")}},
        // Attributes and tiers report a name given twice; the columns of a table must too.
        {"Enrich_DuplicateColumn", Kind::RuleSet,
         kHead + "enrich:\n  - {id: income, key: district, csv: a.csv, columns: {m: number, m: text}}\n" +
             kSegment,
         {E(5, 66, "duplicate column `m`")}},
        {"Enrich_MisspeltColumnRead", Kind::RuleSet,
         kHead + "enrich:\n  - {id: income, key: district, csv: a.csv, columns: {median: number}}\n"
                 "classifications:\n  - id: v\n    segments:\n      - id: a\n"
                 "        when: enrich.income.mean > 30000\n",
         {E(10, 15, "unknown feature `enrich.income.mean`", "did you mean `enrich.income.median`?")}},

        // ----------------------------------------------------------------- references --
        {"Ref_UnknownPresetWithSuggestion", Kind::Engine,
         "custclass: 1\nsource:\n  preset: trytn\n  connection: \"sqlite3://db=x\"\nrules: rules.yaml\n",
         {E(3, 11, "unknown preset `trytn`", "did you mean `tryton`?")}},
        {"Ref_UnknownPresetListsTheAvailableOnes", Kind::Engine,
         "custclass: 1\nsource:\n  preset: sap\n  connection: \"sqlite3://db=x\"\nrules: rules.yaml\n",
         {E(3, 11, "unknown preset `sap`", "available presets: generic push odoo tryton")}},
        // ------------------------------------------------------------------- presets --
        {"Preset_UnknownKey", Kind::Preset, preset("hosts: x\n" + kPresetBody),
         {E(5, 1, "unknown key `hosts` in the preset", "did you mean `host`?")}},
        {"Preset_UnknownBackend", Kind::Preset,
         "custclass_preset: 1\nhost: Shop\nversions: \"1\"\nbackends: [sqlite3, oracle]\n" +
             kPresetBody,
         {E(4, 21, "unknown backend `oracle`", "use sqlite3, postgresql or mysql")}},
        {"Preset_UnknownSettingType", Kind::Preset,
         preset("settings:\n  states: {type: txt_list, default: [a]}\n" + kPresetBody),
         {E(6, 18, "unknown setting type `txt_list`", "did you mean `text_list`?")}},
        {"Preset_SettingWithoutDefault", Kind::Preset,
         preset("settings:\n  states: {type: text_list}\n" + kPresetBody),
         {E(6, 12, "setting `states` needs a `default`")}},
        {"Preset_EmptyListDefault", Kind::Preset,
         preset("settings:\n  states: {type: text_list, default: []}\n" + kPresetBody),
         {E(6, 38, "the default of `states` must be a non-empty list", "write it as [a, b]; it is text_list")}},
        {"Preset_IdentifierDefaultWithADash", Kind::Preset,
         preset("settings:\n  prefix: {type: identifier, default: llx-}\n" + kPresetBody),
         {E(6, 39, "the default of `prefix` must be letters, digits and `_` only, not `llx-`",
            "it is written into SQL as part of a table name")}},
        {"Preset_IntegerDefaultIsText", Kind::Preset,
         preset("settings:\n  entity: {type: integer, default: one}\n" + kPresetBody),
         {E(6, 36, "the default of `entity` must be an integer, not `one`")}},
        {"Preset_UnknownPlaceholderInAQuery", Kind::Preset,
         preset("settings:\n  states: {type: text_list, default: [a]}\n"
                "requires:\n  customers: {c: [id]}\n  orders: {o: [id]}\n"
                "queries:\n  customers: SELECT id AS customer_id FROM c\n"
                "  orders: SELECT id AS order_id FROM o WHERE s IN ({{state}})\n"),
         {E(12, 52, "unknown setting `state` in {{…}}", "did you mean `states`?")}},
        {"Preset_TextSettingInATableName", Kind::Preset,
         preset("settings:\n  states: {type: text_list, default: [a]}\n"
                "requires:\n  customers: {\"{{states}}c\": [id]}\n  orders: {o: [id]}\n"
                "queries:\n  customers: SELECT id AS customer_id FROM c\n"
                "  orders: SELECT id AS order_id FROM o\n"),
         {E(8, 16, "a table name may only hold identifier settings; `states` is text_list")}},
        {"Preset_QueryWithoutRequires", Kind::Preset,
         preset("requires:\n  customers: {c: [id]}\n  orders: {o: [id]}\n"
                "queries:\n  customers: SELECT id AS customer_id FROM c\n"
                "  orders: SELECT id AS order_id FROM o\n  referrals: SELECT a AS referrer_id FROM r\n"),
         {E(11, 3, "the `referrals` query has no `requires.referrals` entry",
            "list the host tables and columns it reads, so that a host without them gets a clear "
            "error")}},
        {"Preset_RequiresWithoutQuery", Kind::Preset,
         preset("requires:\n  customers: {c: [id]}\n  orders: {o: [id]}\n  opt_outs: {u: [email]}\n"
                "queries:\n  customers: SELECT id AS customer_id FROM c\n"
                "  orders: SELECT id AS order_id FROM o\n"),
         {E(6, 3, "`requires.opt_outs` names a table with no query")}},
        {"Preset_ColumnsAreNotAList", Kind::Preset,
         preset("requires:\n  customers: {c: id}\n  orders: {o: [id]}\n"
                "queries:\n  customers: SELECT id AS customer_id FROM c\n"
                "  orders: SELECT id AS order_id FROM o\n"),
         {E(6, 18, "the columns of `c` must be a non-empty list")}},
        {"Preset_NoOrdersQuery", Kind::Preset,
         preset("requires:\n  customers: {c: [id]}\n"
                "queries:\n  customers: SELECT id AS customer_id FROM c\n"),
         {E(8, 3, "a preset needs a query for the `orders` table")}},
        {"Preset_AlternativeOnAnotherBackend", Kind::Preset,
         preset("requires:\n  customers: {c: [id]}\n  orders: {o: [id]}\n"
                "queries:\n  customers: SELECT id AS customer_id FROM c\n"
                "  orders:\n    - backend: mysql\n      sql: SELECT 1\n"),
         {E(11, 16, "`mysql` is not one of the preset's `backends`")}},
        {"Preset_WhenOnAListSetting", Kind::Preset,
         preset("settings:\n  states: {type: text_list, default: [a]}\n"
                "requires:\n  customers: {c: [id]}\n  orders: {o: [id]}\n"
                "queries:\n  customers: SELECT id AS customer_id FROM c\n"
                "  orders:\n    - when: {states: a}\n      sql: SELECT 1\n"),
         {E(13, 14, "`when` compares a setting that holds one value with one value")}},
        {"Preset_DefaultOutsideTheChoices", Kind::Preset,
         preset("settings:\n  from: {type: text, default: order, choices: [orders, invoices]}\n" +
                kPresetBody),
         {E(6, 31, "`order` is not one of the choices of the default of `from`",
            "did you mean `orders`?")}},
        {"Preset_WhenValueOutsideTheChoices", Kind::Preset,
         preset("settings:\n  from: {type: text, default: orders, choices: [orders, invoices]}\n"
                "requires:\n  customers: {c: [id]}\n  orders: {o: [id]}\n"
                "queries:\n  customers: SELECT id AS customer_id FROM c\n"
                "  orders:\n    - when: {from: invoice}\n      sql: SELECT 1\n"),
         {E(13, 20, "`invoice` is not one of the choices of `from`", "did you mean `invoices`?")}},
        {"Preset_Detected", Kind::Detect, preset("hosts: x\n" + kPresetBody),
         {E(5, 1, "unknown key `hosts` in the preset", "did you mean `host`?")}},
        {"Engine_UnknownPresetSetting", Kind::Engine,
         odoo("  settings:\n    prefx: t_\nrules: rules.yaml\n"),
         {E(6, 5, "the `odoo` preset has no setting `prefx`", "did you mean `prefix`?")}},
        {"Engine_PresetSettingOfTheWrongType", Kind::Engine,
         odoo("  settings:\n    limit: [1, 2]\nrules: rules.yaml\n"),
         {E(6, 12, "setting `limit` is integer, not a list")}},
        {"Engine_PresetSettingListIsText", Kind::Engine,
         odoo("  settings:\n    states: paid\nrules: rules.yaml\n"),
         {E(6, 13, "setting `states` must be a non-empty list", "write it as [a, b]; it is text_list")}},
        {"Engine_PresetSettingOutsideTheChoices", Kind::Engine,
         odoo("  settings:\n    purchases: sales\nrules: rules.yaml\n"),
         {E(6, 16, "`sales` is not one of the choices of setting `purchases`",
            "the choices: orders invoices")}},
        {"Engine_SettingsWithTheGenericSource", Kind::Engine,
         "custclass: 1\nsource:\n  connection: \"sqlite3://db=x\"\n  settings: {a: 1}\n"
         "  queries: {customers: SELECT 1, orders: SELECT 1}\nrules: rules.yaml\n",
         {E(4, 3, "`settings` belong to a host preset",
            "with `preset: generic` there is nothing to set; remove it")}},
        {"Engine_PresetOnABackendItDoesNotRead", Kind::Engine,
         "custclass: 1\nsource:\n  preset: odoo\n  connection: \"mysql://db=x\"\nrules: rules.yaml\n",
         {E(4, 15, "the `odoo` preset (Settings 2) does not read mysql databases",
            "it reads sqlite3, postgresql")}},
        {"Engine_NullQueryStopsReadingATableARuleNeeds", Kind::Engine,
         engine("  queries:\n    order_lines: null\nrules: share-rules.yaml\n"),
         {E(3, 3, "the rule set {base}/share-rules.yaml reads `share('shoes')`, which needs the "
                  "`order_lines` table, and the source does not map it",
            "add `order_lines: SELECT …` under `source.queries`, or change the rule")}},
        {"Engine_NullQueryOfARequiredTable", Kind::Engine,
         engine("  queries:\n    orders: ~\nrules: rules.yaml\n"),
         {E(6, 5, "the source needs a query for the `orders` table",
            "add `queries: {orders: SELECT …}`, see ADAPTERS.md for the columns")}},
        {"Ref_MissingRulesFile", Kind::Engine, engine("rules: missing.yaml\n"),
         {E(5, 8, "cannot read `{base}/missing.yaml`" + kNotReadable, kRelativeHint)}},
        {"Ref_ErrorsInTheRulesFile", Kind::Engine, engine("rules: bad-rules.yaml\n"),
         {In("{base}/bad-rules.yaml", 8, 15, "unknown feature `frequncy`", "did you mean `frequency`?")}},
        {"Ref_SyntaxErrorInTheRulesFile", Kind::Engine, engine("rules: broken-rules.yaml\n"),
         {In("{base}/broken-rules.yaml", 3, 8, "invalid YAML: end of sequence flow not found")}},
        // A directory opens as an empty file: the error must say what `rules` names.
        {"Ref_RulesIsADirectory", Kind::Engine, engine("rules: .\n"),
         {E(5, 8, "cannot read `{base}/`: it is a directory, not a file", kRelativeHint)}},
        {"Ref_MissingPrivacyFile", Kind::Engine, engine("rules: rules.yaml\nprivacy: nope.yaml\n"),
         {E(6, 10, "cannot read `{base}/nope.yaml`" + kNotReadable, kRelativeHint)}},
        {"Ref_ErrorsInThePrivacyFile", Kind::Engine,
         engine("rules: rules.yaml\nprivacy: bad-privacy.yaml\n"),
         {In("{base}/bad-privacy.yaml", 7, 15, "`small_cell_k` must be between 1 and 1000, not 0")}},
        {"Ref_MissingDefaultPrivacyPolicy", Kind::EngineEmptyData,
         "custclass: 1\nsource:\n  connection: \"sqlite3://db=x\"\n"
         "  queries: {customers: SELECT 1, orders: SELECT 2}\nrules: rules.yaml\n",
         {E(0, 0, "the default privacy policy: cannot read `{empty}/privacy/pdpo.yaml`" + kNotReadable,
            "name a policy with `privacy:`, or reinstall the shipped files")}},
        {"Ref_GenericSourceWithoutQueries", Kind::Engine,
         "custclass: 1\nsource:\n  connection: \"sqlite3://db=x\"\nrules: rules.yaml\n",
         {E(3, 3, "the generic source needs a query for the `customers` table",
            "add `queries: {customers: SELECT …}`, see ADAPTERS.md for the columns"),
          E(3, 3, "the generic source needs a query for the `orders` table",
            "add `queries: {orders: SELECT …}`, see ADAPTERS.md for the columns")}},
        {"Ref_GenericSourceWithoutOrders", Kind::Engine,
         "custclass: 1\nsource:\n  preset: generic\n  connection: \"sqlite3://db=x\"\n  queries:\n"
         "    customers: SELECT 1\nrules: rules.yaml\n",
         {E(6, 5, "the generic source needs a query for the `orders` table",
            "add `queries: {orders: SELECT …}`, see ADAPTERS.md for the columns")}},
        {"Ref_RuleReadsATableTheGenericSourceDoesNotMap", Kind::Engine,
         "custclass: 1\nsource:\n  connection: \"sqlite3://db=x\"\n"
         "  queries: {customers: SELECT 1, orders: SELECT 2}\nrules: share-rules.yaml\n",
         {E(3, 3,
            "the rule set {base}/share-rules.yaml reads `share('shoes')`, which needs the "
            "`order_lines` table, and the source does not map it",
            "add `order_lines: SELECT …` under `source.queries`, or change the rule")}},
        {"Ref_UnknownQueryTable", Kind::Engine, engine("  queries:\n    sales: SELECT 1\nrules: rules.yaml\n"),
         {E(6, 5, "unknown key `sales` in `queries`",
            "allowed keys: customers orders order_lines referrals opt_outs interactions")}},
        {"Ref_DuplicateQuery", Kind::Engine,
         engine("  queries:\n    orders: SELECT 1\n    orders: SELECT 2\nrules: rules.yaml\n"),
         {E(7, 5, "duplicate key `orders` in `queries`", "first given at line 6; keep one")}},
        {"Ref_DuplicateSegmentId", Kind::RuleSet,
         when_("\"true\"") + "      - id: a\n        when: \"true\"\n",
         {E(9, 13, "duplicate segment id `a`", "ids must be unique")}},
        {"Ref_DuplicateClassificationId", Kind::RuleSet, kHead + kSegment + kSegment.substr(17),
         {E(9, 9, "duplicate classification id `v`", "ids must be unique")}},
        {"Ref_DuplicateScoreId", Kind::RuleSet,
         kHead + "scores:\n  - id: s\n    points:\n      - when: age > 1\n        add: 1\n"
                 "  - id: s\n    points:\n      - when: age > 1\n        add: 2\n" + kSegment,
         {E(9, 9, "duplicate score id `s`", "ids must be unique")}},
        {"Ref_ScoreCycle", Kind::RuleSet,
         kHead + "scores:\n  - id: a\n    points:\n      - when: b > 1\n        add: 1\n"
                 "  - id: b\n    points:\n      - when: c_tier == 'x'\n        add: 1\n"
                 "  - id: c\n    points:\n      - when: score('a') > 1\n        add: 1\n" + kSegment,
         {E(5, 9, "the scores read each other in a cycle: a → b → c → a",
            "a score may read only scores that do not read it back")}},
        {"Ref_ScoreReadsItself", Kind::RuleSet,
         kHead + "scores:\n  - id: a\n    points:\n      - when: a > 1\n        add: 1\n" + kSegment,
         {E(5, 9, "the scores read each other in a cycle: a → a",
            "a score may read only scores that do not read it back")}},
        {"Ref_UnknownScoreWithSuggestion", Kind::RuleSet,
         kHead + "scores:\n  - id: engagement\n    points:\n      - when: frequency > 1\n        add: 1\n"
                 "classifications:\n  - id: v\n    segments:\n      - id: a\n"
                 "        when: score('engagment') > 1\n",
         {E(13, 21, "unknown score `engagment`", "did you mean `engagement`?")}},

        // ----------------------------------------------------------- privacy policies --
        {"Privacy_MissingKeys", Kind::Privacy, "custclass: 1\nfields: {}\n",
         {E(1, 1, "the privacy policy lacks the required key `policy`"),
          E(1, 1, "the privacy policy lacks the required key `version`"),
          E(1, 1, "the privacy policy lacks the required key `purposes`")}},
        {"Privacy_UnknownFieldWithSuggestion", Kind::Privacy,
         policy("fields:\n  emal: {category: contact, purposes: [direct_marketing]}\n"),
         {E(6, 3, "unknown key `emal` in `fields`", "did you mean `email`?")}},
        {"Privacy_UnknownFieldListsTheFields", Kind::Privacy,
         policy("fields:\n  passport: {category: government_id, purposes: []}\n"),
         {E(6, 3, "unknown key `passport` in `fields`",
            "allowed keys: customer_id created_at birth_date gender district income_band email "
            "phone lead_source is_prospect interests marketing_consent consent_at opted_out hkid "
            "orders order_lines referrals opt_outs interactions transfer_consent")}},
        {"Privacy_UnknownCategory", Kind::Privacy,
         policy("fields:\n  email: {category: contct, purposes: [direct_marketing]}\n"),
         {E(6, 21, "unknown data category `contct`", "did you mean `contact`?")}},
        {"Privacy_FieldWithoutCategory", Kind::Privacy, policy("fields:\n  email: {purposes: []}\n"),
         {E(6, 10, "the policy of field `email` lacks the required key `category`")}},
        {"Privacy_FieldWithoutPurposes", Kind::Privacy, policy("fields:\n  email: {category: contact}\n"),
         {E(6, 10, "the policy of field `email` lacks the required key `purposes`")}},
        {"Privacy_UndeclaredPurpose", Kind::Privacy,
         policy("fields:\n  email: {category: contact, purposes: [marketing]}\n"),
         {E(6, 41, "purpose `marketing` is not declared in `purposes`")}},
        {"Privacy_UndeclaredPurposeWithSuggestion", Kind::Privacy,
         policy("fields:\n  email: {category: contact, purposes: [direct_marketting]}\n"),
         {E(6, 41, "purpose `direct_marketting` is not declared in `purposes`",
            "did you mean `direct_marketing`?")}},
        {"Privacy_PurposeListedTwice", Kind::Privacy,
         "custclass: 1\npolicy: p\nversion: \"1\"\npurposes: [a, a]\nfields: {}\n",
         {E(4, 15, "`a` is listed twice in `purposes`")}},
        {"Privacy_FieldPurposeListedTwice", Kind::Privacy,
         policy("fields:\n  email: {category: contact, purposes: [direct_marketing, direct_marketing]}\n"),
         {E(6, 59, "`direct_marketing` is listed twice in the purposes of `email`")}},
        {"Privacy_GovernmentIdentifierUsed", Kind::Privacy,
         policy("fields:\n  hkid: {category: government_id, purposes: [customer_analytics]}\n"),
         {E(6, 45, "a government identifier (`hkid`) may not be used for any purpose",
            "leave its purposes empty: `purposes: []`")}},
        {"Privacy_FairnessTypo", Kind::Privacy, policy("fields: {}\nfairness:\n  max_disparty: 0.1\n"),
         {E(7, 3, "unknown key `max_disparty` in `fairness`", "did you mean `max_disparity`?")}},
        {"Privacy_ApprovalScopeAndDate", Kind::Privacy,
         policy("fields: {}\napprovals:\n  - scope: rule_sets\n    subject: hk-retail 1\n    who: DPO\n"
                "    when: 2026-02-30\n    why: ok\n"),
         {E(7, 12, "unknown approval scope `rule_sets`", "did you mean `rule_set`?"),
          E(10, 11, "`2026-02-30` is not a date", "write it as YYYY-MM-DD")}},
        {"Privacy_ApprovalMissingKeys", Kind::Privacy,
         policy("fields: {}\napprovals:\n  - scope: rule_set\n    who: DPO\n"),
         {E(7, 5, "an approval lacks the required key `subject`"),
          E(7, 5, "an approval lacks the required key `when`"),
          E(7, 5, "an approval lacks the required key `why`")}},
        {"Privacy_ApprovalIsText", Kind::Privacy, policy("fields: {}\napprovals: [x]\n"),
         {E(6, 13, "an approval must be a mapping of keys to values")}},

        // ------------------------------------------------- many errors, one pass --
        {"Multi_EveryErrorOfARuleSetInOnePass", Kind::RuleSet,
         "custclass: 2\nname: Bad Name\nversion: \"1\"\nwindow_days: abc\ntime_zone: Asia/Hongkong_\n"
         "colour: red\nscores:\n  - id: engagement\n    points:\n      - when: frequncy >= 3\n"
         "        add: lots\nclassifications:\n  - id: v\n    mode: any\n    segments:\n"
         "      - id: a\n        when: 1\n      - id: a\n"
         "        when: engagement_tier == 'hot' and district > 3\n        direct_marketing: maybe\n",
         {E(1, 12, "unsupported file format version 2", kVersionHint),
          E(2, 7, "the rule set name `Bad Name` is not valid", "use lower-case letters, digits, `-` and `_`"),
          E(4, 14, "`window_days` must be a whole number, not `abc`"),
          E(5, 12, "unknown time zone `Asia/Hongkong_`", kIanaHint),
          E(6, 1, "unknown key `colour` in the rule set",
            "allowed keys: custclass name version purpose window_days time_zone attributes enrich "
            "classifications scores potential"),
          E(10, 15, "unknown feature `frequncy`", "did you mean `frequency`?"),
          E(11, 14, "`add` must be a number, not `lots`"),
          E(14, 11, "unknown mode `any`", "use `first_match` (the default) or `all_matches`"),
          E(17, 15, "a rule must be a boolean, but this is a number"),
          E(18, 13, "duplicate segment id `a`", "ids must be unique"),
          E(19, 44, "cannot compare a text with a number"),
          E(20, 27, "`direct_marketing` must be true or false, not `maybe`")}},
        {"Multi_EveryErrorOfAPolicyInOnePass", Kind::Privacy,
         "custclass: 1\npolicy: p\nversion: \"1\"\npurposes: [customer_analytics, customer_analytics]\n"
         "fields:\n  emal: {category: contact, purposes: [direct_marketing]}\n"
         "  hkid: {category: government_id, purposes: [customer_analytics]}\n"
         "retention_days: forever\napprovals:\n  - scope: sensitive\n    subject: gender\n"
         "    who: DPO\n    when: 31/01/2026\n    why: fairness review\n",
         {E(4, 32, "`customer_analytics` is listed twice in `purposes`"),
          E(6, 3, "unknown key `emal` in `fields`", "did you mean `email`?"),
          E(6, 40, "purpose `direct_marketing` is not declared in `purposes`"),
          E(7, 45, "a government identifier (`hkid`) may not be used for any purpose",
            "leave its purposes empty: `purposes: []`"),
          E(8, 17, "`retention_days` must be a whole number, not `forever`"),
          E(10, 12, "unknown approval scope `sensitive`"),
          E(13, 11, "`31/01/2026` is not a date", "write it as YYYY-MM-DD")}},
        {"Multi_EngineConfigAndTheFilesItNames", Kind::Engine,
         engine("  pasword_env: X\nrules: bad-rules.yaml\nprivacy: bad-privacy.yaml\n"),
         {E(5, 3, "unknown key `pasword_env` in `source`", "did you mean `password_env`?"),
          In("{base}/bad-rules.yaml", 8, 15, "unknown feature `frequncy`", "did you mean `frequency`?"),
          In("{base}/bad-privacy.yaml", 7, 15, "`small_cell_k` must be between 1 and 1000, not 0")}},
        {"Multi_DetectedRuleSetThroughValidateText", Kind::Detect,
         kHead + "window_days: 0\n" + when_("frequncy > 1").substr(kHead.size()),
         {E(4, 14, "`window_days` must be between 1 and 36600, not 0"),
          E(9, 15, "unknown feature `frequncy`", "did you mean `frequency`?")}},
    };
}

// ---------------------------------------------------------------------------- the harness --

std::string replace_all(std::string s, std::string_view from, const std::string& to) {
    for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
        s.replace(at, from.size(), to);
    return s;
}

std::string resolve(const std::string& s) {
    return replace_all(replace_all(s, "{base}", dirs().base.string()), "{empty}",
                       dirs().empty_data.string());
}

std::string format(const std::string& file, int line, int column, Severity severity,
                   const std::string& message, const std::string& hint) {
    return file + ":" + std::to_string(line) + ":" + std::to_string(column) +
           (severity == Severity::Error ? ": error: " : ": warning: ") + message +
           (hint.empty() ? "" : "  [hint: " + hint + "]");
}

Diagnostics run(const Case& c) {
    using namespace custclass::config;
    const std::string base = dirs().base.string();
    if (c.kind == Kind::Detect)
        return validate_text(c.yaml, "case.yaml", base, LoadContext{dirs().data.string()});
    Diagnostics d;
    const auto doc = YamlDocument::parse(c.yaml, "case.yaml", d);
    if (!doc) return d;
    switch (c.kind) {
        case Kind::RuleSet: load_rule_set(*doc, d); break;
        case Kind::Privacy: load_privacy_policy(*doc, d); break;
        case Kind::Engine: load_engine_config(*doc, base, {dirs().data.string()}, d); break;
        case Kind::Preset: load_preset(*doc, "shop", d); break;
        case Kind::EngineEmptyData:
            load_engine_config(*doc, base, {dirs().empty_data.string()}, d);
            break;
        case Kind::Detect: break;
    }
    return d;
}

// Sorted lines, one per diagnostic, so that the order of reporting does not matter.
std::string listing(std::vector<std::string> lines) {
    std::sort(lines.begin(), lines.end());
    std::string out;
    for (const auto& l : lines) out += l + "\n";
    return out;
}

class InvalidConfig : public testing::TestWithParam<Case> {};

TEST_P(InvalidConfig, Diagnostics) {
    const Case& c = GetParam();
    ASSERT_FALSE(c.expected.empty()) << "a case expects at least one diagnostic";
    const Diagnostics d = run(c);
    std::vector<std::string> actual, expected;
    for (const Diagnostic& item : d.items())
        actual.push_back(
            format(item.file, item.line, item.column, item.severity, item.message, item.hint));
    for (const Expected& e : c.expected)
        expected.push_back(format(resolve(e.file), e.line, e.column, e.severity,
                                  resolve(e.message), resolve(e.hint)));
    const std::string input = c.yaml.size() > 1500 ? c.yaml.substr(0, 1500) + "…" : c.yaml;
    EXPECT_EQ(listing(expected), listing(actual)) << "input:\n" << input;
}

INSTANTIATE_TEST_SUITE_P(Case, InvalidConfig, testing::ValuesIn(cases()),
                         [](const testing::TestParamInfo<Case>& info) { return info.param.name; });

// The surroundings the cases are built from are valid by themselves, so every diagnostic a case
// gets comes from what the case changed.
TEST(InvalidConfigHarness, TheTemplatesAreValid) {
    const std::vector<Case> valid = {
        {"rules", Kind::RuleSet, kValidRules, {}},
        {"when", Kind::RuleSet, when_("frequency >= 1"), {}},
        {"point", Kind::RuleSet, point_when("frequency >= 1"), {}},
        {"segment", Kind::RuleSet, segment_with("        direct_marketing: true\n"), {}},
        {"score", Kind::RuleSet,
         score_with("    points:\n      - when: age > 1\n        add: 1\n    tiers: {hot: 50}\n"), {}},
        {"policy", Kind::Privacy, kValidPolicy, {}},
        {"engine", Kind::Engine, engine("rules: rules.yaml\nprivacy: privacy.yaml\n"), {}},
        {"engine_default_policy", Kind::Engine, engine("rules: rules.yaml\n"), {}},
        {"detect_rules", Kind::Detect, kValidRules, {}},
        {"detect_policy", Kind::Detect, kValidPolicy, {}},
        {"detect_engine", Kind::Detect, engine("rules: rules.yaml\n"), {}},
    };
    for (const Case& c : valid) EXPECT_EQ(run(c).to_string(), "") << c.name;
}

TEST(InvalidConfigHarness, TheTableHasEnoughCases) { EXPECT_GE(cases().size(), 60u); }

}  // namespace
