// A rule set (RULES.md section 2): the classifications with their segments, and the scores,
// as written by a consultant, loaded strictly and type-checked. Loading never opens a database.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "diagnostic.h"
#include "expression.h"

namespace custclass::config {

// Loaders read a parsed document (yaml_document.h); the model itself knows no YAML.
class YamlDocument;

// A condition as written, with its compiled syntax tree and where it stands in the file.
struct Condition {
    std::string text;
    std::unique_ptr<Expr> expr;
    Position position;
    std::vector<std::string> reads;  // features it reads
};

struct Segment {
    std::string id;
    std::string label;
    std::string description;
    Condition when;
    bool direct_marketing = false;
    // The class of recipient the members are transferred to for its own marketing (PDPO
    // ss.35J-35M), e.g. "insurance_partners"; empty when they are not. Only members whose
    // `transfer_consent` names that class are exported.
    std::string transfer_to;
};

enum class ClassificationMode { FirstMatch, AllMatches };

struct Classification {
    std::string id;
    std::string label;
    std::string description;
    ClassificationMode mode = ClassificationMode::FirstMatch;
    std::vector<Segment> segments;
};

// A point for interactions (POTENTIAL.md item 2): `add` points per interaction of a kind (and,
// when given, whose keyword matches) in the window, each weighed by 0.5^(age / half-life) when
// the point has a half-life (age: as_of minus the interaction's day, in days), the sum capped at
// `max` when given.
struct InteractionPoint {
    std::string kind;                  // lower-cased
    std::string keyword;               // empty: any interaction of the kind
    std::optional<double> half_life_days;
    // The feature the engine computes for it (the weighed count of interactions), named
    // `interactions:<kind>|<keyword>|<half-life>`; and back from such a name.
    std::string feature() const;
    static std::optional<InteractionPoint> of_feature(std::string_view name);
};

struct ScorePoints {
    Condition when;  // a condition point: `add` when it holds
    std::optional<InteractionPoint> interaction;  // or an interaction point
    double add = 0;
    std::optional<double> max;  // interaction points: the most the point gives
};

struct ScoreTier {
    std::string id;
    double min = 0;
};

struct Score {
    std::string id;
    std::string label;
    std::string description;
    std::vector<ScorePoints> points;
    std::vector<ScoreTier> tiers;  // by descending `min`
    std::vector<std::string> reads;
};

// An extra customer column the host maps as `attr_<name>`, read by rules as `attr.<name>`.
struct AttributeDecl {
    std::string name;
    ValueType type = ValueType::Text;  // text or number
};

// Market information joined to customers by one of their text features: a CSV file or a query
// on the source database; its columns are read as `enrich.<id>.<column>`.
struct EnrichmentDecl {
    std::string id;
    std::string key;     // the customer feature to join on (e.g. district)
    std::string csv;     // absolute path of the CSV file, or
    std::string query;   // a SELECT on the source database
    std::string key_column;  // the column holding the key (default: the key's name)
    std::vector<AttributeDecl> columns;
    Position position;
};

// What the potential-customer results need of the rule set (POTENTIAL.md, `potential:`).
struct SegmentRef {
    std::string classification;
    std::string segment;
    Position position;
};

struct OfferDecl {
    std::string id;
    std::string label;
    std::string description;
    std::vector<SegmentRef> segments;  // direct-marketing segments whose members it targets
    Condition when;                    // optional further condition (empty text: none)
    Position position;
};

struct SeasonDecl {
    std::string id;
    std::string label;
    int from_month = 1, from_day = 1, to_month = 12, to_day = 31;  // inclusive; may wrap
};

struct PotentialDecl {
    // The classification whose segments the per-segment lists (best-sellers, unmet demand) use;
    // empty: the first.
    std::string classification;
    // Look-alike fit: the target segments, the prospects' attributes, Laplace smoothing.
    std::vector<SegmentRef> lookalike_targets;
    std::vector<std::string> lookalike_attributes = {"district", "age_band", "gender",
                                                     "lead_source", "interests"};
    double lookalike_smoothing = 1.0;
    // Key persons.
    double referral_decay = 0.5;
    std::int64_t referral_depth = 3;
    std::vector<OfferDecl> offers;
    std::vector<SeasonDecl> seasons;  // empty: calendar quarters
    std::int64_t bestsellers_top = 10;
    std::vector<std::string> keywords;  // campaign keywords
    std::int64_t keyword_period_days = 30;
    // The lead sources that are website sign-ups (lower-cased).
    std::vector<std::string> signup_sources = {"website"};
    // Category (lower-cased) -> the interests it serves, besides those matching its name.
    std::map<std::string, std::vector<std::string>> category_keywords;
    bool declared = false;  // the rule set has a `potential:` section
};

struct RuleSet {
    std::string file;
    std::string text;  // the YAML as read, stored with every run
    std::string name;
    std::string version;
    std::string purpose = "customer_analytics";
    std::int64_t window_days = 365;
    std::string time_zone = "Asia/Hong_Kong";
    std::vector<AttributeDecl> attributes;
    std::vector<EnrichmentDecl> enrichments;
    std::vector<Classification> classifications;
    std::vector<Score> scores;  // in dependency order: a score comes after those it reads
    PotentialDecl potential;

    // Every catalog feature any rule, score, offer or look-alike attribute reads (not the scores
    // themselves).
    std::vector<std::string> features_read() const;
    const Score* find_score(std::string_view id) const;
    const AttributeDecl* find_attribute(std::string_view name) const;
    const EnrichmentDecl* find_enrichment(std::string_view id) const;
    // The canonical table a feature read by this rule set needs, or nullopt when it needs none
    // (a score, a CSV enrichment).
    std::optional<CanonicalTable> table_of(std::string_view feature) const;
};

// Loads a rule set from a parsed document; problems go to `diagnostics` (all of them), and the
// result is empty when there is any error.
std::optional<RuleSet> load_rule_set(const YamlDocument& doc, Diagnostics& diagnostics);
// Reads, parses and loads a file; throws ConfigError (all diagnostics) or FileError.
RuleSet load_rule_set_file(const std::string& path);

}  // namespace custclass::config
