#include "rule_set.h"
#include "yaml_document.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <tuple>
#include <filesystem>
#include <functional>
#include <map>
#include <regex>
#include <set>

#include "civil_time.h"
#include "nearest_name.h"
#include "text.h"

namespace custclass::config {

namespace {

// A hint naming the closest valid name, or all of them when few.
std::string nearest_hint(std::string_view name, const std::vector<std::string>& valid) {
    const std::string best = nearest_name(name, valid);
    if (!best.empty()) return "did you mean `" + best + "`?";
    if (valid.empty() || valid.size() > 12) return {};
    std::string all = "one of:";
    for (const auto& v : valid) all += " " + v;
    return all;
}

bool valid_id(const std::string& id) {
    static const std::regex pattern("[a-z][a-z0-9_]*");
    return std::regex_match(id, pattern);
}

class RuleSetLoader {
public:
    RuleSetLoader(const YamlDocument& doc, Diagnostics& d) : doc_(doc), d_(d) {}

    std::optional<RuleSet> load() {
        const std::size_t errors_before = d_.error_count();
        MapReader top(doc_, doc_.root(), "the rule set",
                      {"custclass", "name", "version", "purpose", "window_days", "time_zone",
                       "attributes", "enrich", "classifications", "scores", "potential"},
                      d_);
        if (!top.valid()) return std::nullopt;
        RuleSet rs;
        rs.file = doc_.file();
        rs.text = doc_.text();
        if (const auto format = top.integer("custclass", true); format && *format != 1)
            doc_.error(d_, top.node("custclass"),
                       "unsupported file format version " + std::to_string(*format),
                       "this version of custclass reads `custclass: 1`");
        if (auto name = top.text("name", true)) {
            static const std::regex name_pattern("[a-z0-9][a-z0-9_.-]*");
            if (!std::regex_match(*name, name_pattern))
                doc_.error(d_, top.node("name"), "the rule set name `" + *name + "` is not valid",
                           "use lower-case letters, digits, `-` and `_`");
            rs.name = *name;
        }
        if (auto version = top.text("version", true)) {
            if (version->empty())
                doc_.error(d_, top.node("version"), "`version` must not be empty");
            rs.version = *version;
        }
        if (auto purpose = top.text("purpose")) rs.purpose = *purpose;
        if (auto window = top.integer("window_days", false, 1, 36600)) rs.window_days = *window;
        if (auto zone = top.text("time_zone")) {
            if (!TimeZone::exists(*zone))
                doc_.error(d_, top.node("time_zone"), "unknown time zone `" + *zone + "`",
                           "use a name of the IANA time zone database, e.g. Asia/Hong_Kong");
            rs.time_zone = *zone;
        }
        read_attributes(top.mapping("attributes"), rs);
        read_enrichments(top.sequence("enrich"), rs);
        // Scores first: classifications may read them.
        read_scores(top.sequence("scores"), rs);
        read_classifications(top.sequence("classifications", true), rs);
        read_potential(top.mapping("potential"), rs);
        order_scores(rs);
        if (d_.error_count() > errors_before) return std::nullopt;
        return rs;
    }

private:
    // Parses and type-checks one condition; `node` is the YAML scalar holding it.
    Condition condition(MapReader& map, const RuleSet& rs, std::string_view what) {
        const YAML::Node node = map.node("when");
        Condition c;
        c.position = doc_.position(node);
        if (node.IsScalar() && node.Tag().size() > 1 && node.Tag()[0] == '!') {
            doc_.error(d_, node,
                       "`" + node.Tag() + "` is read by YAML as a tag, not as an expression",
                       "write `not` instead of `!`, or put the expression in double quotes");
            return c;
        }
        if (!node.IsScalar() || node.IsNull()) {
            doc_.error(d_, map.anchor("when", node),
                       std::string(what) + " must be an expression written as text");
            return c;
        }
        c.text = node.Scalar();
        ParsedExpr parsed = parse_expression(c.text);
        if (parsed.error) {
            report(node, *parsed.error);
            return c;
        }
        ExprScope scope;
        scope.feature_type = [&](std::string_view name) -> std::optional<ValueType> {
            if (const FeatureInfo* f = find_feature(name)) return f->type;
            if (name.starts_with("attr."))
                if (const AttributeDecl* a = rs.find_attribute(name.substr(5))) return a->type;
            if (name.starts_with("enrich.")) {
                const auto dot = name.find('.', 7);
                if (dot != std::string_view::npos)
                    if (const EnrichmentDecl* e = rs.find_enrichment(name.substr(7, dot - 7)))
                        for (const auto& c : e->columns)
                            if (c.name == name.substr(dot + 1)) return c.type;
            }
            for (const auto& s : declared_scores_) {
                if (name == s) return ValueType::Number;
                if (name == s + "_tier") return ValueType::Text;
            }
            if (FeatureCall::of(name)) return ValueType::Number;
            return std::nullopt;
        };
        scope.feature_names = [&]() {
            std::vector<std::string> names = feature_names();
            for (const auto& a : rs.attributes) names.push_back("attr." + a.name);
            for (const auto& e : rs.enrichments)
                for (const auto& c : e.columns) names.push_back("enrich." + e.id + "." + c.name);
            for (const auto& s : declared_scores_) {
                names.push_back(s);
                names.push_back(s + "_tier");
            }
            return names;
        };
        scope.is_score = [&](std::string_view id) {
            return std::find(declared_scores_.begin(), declared_scores_.end(), id) !=
                   declared_scores_.end();
        };
        const auto errors = check_expression(*parsed.expr, scope, ValueType::Boolean);
        for (const auto& e : errors) report(node, e);
        if (errors.empty()) {
            c.reads = features_read(*parsed.expr);
            c.expr = std::move(parsed.expr);
        }
        return c;
    }

    void report(const YAML::Node& node, const ExprError& e) {
        const Position pos = doc_.position_in_scalar(node, e.offset);
        d_.error(doc_.file(), pos.line, pos.column, e.message, e.hint);
    }

    std::optional<std::string> id_of(MapReader& r, std::string_view what,
                                     std::set<std::string>& seen) {
        auto id = r.text("id", true);
        if (!id) return std::nullopt;
        const YAML::Node node = r.node("id");
        if (!valid_id(*id)) {
            doc_.error(d_, node, "the " + std::string(what) + " id `" + *id + "` is not valid",
                       "use lower-case letters, digits and `_`, starting with a letter");
        } else if (!seen.insert(*id).second) {
            doc_.error(d_, node, "duplicate " + std::string(what) + " id `" + *id + "`",
                       "ids must be unique");
        }
        return id;
    }

    std::optional<ValueType> column_type(const YAML::Node& node, const std::string& what) {
        if (node.IsScalar() && node.Scalar() == "text") return ValueType::Text;
        if (node.IsScalar() && node.Scalar() == "number") return ValueType::Number;
        doc_.error(d_, node, "the type of " + what + " must be `text` or `number`");
        return std::nullopt;
    }

    void read_attributes(const YAML::Node& map, RuleSet& rs) {
        if (!map.IsDefined()) return;
        for (auto it = map.begin(); it != map.end(); ++it) {
            const std::string name = it->first.Scalar();
            if (!valid_id(name)) {
                doc_.error(d_, it->first, "the attribute name `" + name + "` is not valid",
                           "use lower-case letters, digits and `_`; the host maps it as `attr_" +
                               name + "`");
                continue;
            }
            if (rs.find_attribute(name)) {
                doc_.error(d_, it->first, "duplicate attribute `" + name + "`");
                continue;
            }
            if (auto type = column_type(it->second, "attribute `" + name + "`"))
                rs.attributes.push_back({name, *type});
        }
    }

    void read_enrichments(const YAML::Node& list, RuleSet& rs) {
        if (!list.IsDefined()) return;
        std::set<std::string> seen;
        for (const auto& item : list) {
            MapReader r(doc_, item, "an enrichment table",
                        {"id", "key", "key_column", "csv", "query", "columns"}, d_);
            if (!r.valid()) continue;
            EnrichmentDecl e;
            e.position = doc_.position(item);
            e.id = id_of(r, "enrichment", seen).value_or("");
            if (auto key = r.text("key", true)) {
                const FeatureInfo* f = find_feature(*key);
                if (!f || f->type != ValueType::Text || f->table != CanonicalTable::Customers)
                    doc_.error(d_, r.node("key"),
                               "an enrichment table is joined on a text feature of the customer, "
                               "not `" + *key + "`",
                               "e.g. `key: district`");
                e.key = *key;
            }
            e.key_column = r.text("key_column").value_or(e.key);
            const auto csv = r.text("csv");
            const auto query = r.text("query");
            if (csv.has_value() == query.has_value())
                doc_.error(d_, item, "an enrichment table needs exactly one of `csv` and `query`");
            if (csv) {
                std::filesystem::path path(*csv);
                if (path.is_relative())
                    path = std::filesystem::path(doc_.file()).parent_path() / path;
                e.csv = path.lexically_normal().string();
            }
            e.query = query.value_or("");
            const YAML::Node columns = r.mapping("columns", true);
            if (columns.IsDefined())
                for (auto it = columns.begin(); it != columns.end(); ++it) {
                    const std::string name = it->first.Scalar();
                    const bool duplicate = std::any_of(e.columns.begin(), e.columns.end(),
                                                       [&](const auto& c) { return c.name == name; });
                    if (!valid_id(name))
                        doc_.error(d_, it->first, "the column name `" + name + "` is not valid",
                                   "use lower-case letters, digits and `_`");
                    else if (duplicate)
                        doc_.error(d_, it->first, "duplicate column `" + name + "`");
                    else if (auto type = column_type(it->second, "column `" + name + "`"))
                        e.columns.push_back({name, *type});
                }
            rs.enrichments.push_back(std::move(e));
        }
    }

    void read_scores(const YAML::Node& list, RuleSet& rs) {
        if (!list.IsDefined()) return;
        // Collect the declared ids first so that scores may read each other in any order.
        for (const auto& item : list)
            if (item.IsMap())
                for (auto it = item.begin(); it != item.end(); ++it)
                    if (it->first.Scalar() == "id" && it->second.IsScalar())
                        declared_scores_.push_back(it->second.Scalar());
        std::set<std::string> seen;
        for (const auto& item : list) {
            MapReader r(doc_, item, "a score", {"id", "label", "description", "points", "tiers"},
                        d_);
            if (!r.valid()) continue;
            Score score;
            if (auto id = id_of(r, "score", seen)) {
                score.id = *id;
                if (find_feature(*id))
                    doc_.error(d_, r.node("id"),
                               "the score id `" + *id + "` is the name of a feature",
                               "choose another id");
            }
            score.label = r.text("label").value_or(score.id);
            score.description = r.text("description").value_or("");
            const YAML::Node points = r.sequence("points", true);
            if (points.IsDefined()) {
                if (points.size() == 0) doc_.error(d_, points, "a score needs at least one point");
                for (const auto& p : points) {
                    MapReader pr(doc_, p, "a score point",
                                 {"when", "add", "interaction", "keyword",
                                  "decay_half_life_days", "max"}, d_);
                    if (!pr.valid()) continue;
                    ScorePoints sp;
                    if (pr.has("interaction")) {
                        InteractionPoint ip;
                        if (pr.has("when"))
                            doc_.error(d_, pr.node("when"),
                                       "a score point has either `when` or `interaction`, not both",
                                       "make two points");
                        if (auto kind = pr.text("interaction", true)) {
                            ip.kind = ascii_lower(*kind);
                            if (ip.kind.empty() || ip.kind.find('|') != std::string::npos)
                                doc_.error(d_, pr.node("interaction"),
                                           "`interaction` names a kind of interaction, e.g. "
                                           "`email_open`, `search`, `visit`, `signup`, `click`");
                        }
                        if (auto kw = pr.text("keyword")) {
                            ip.keyword = ascii_lower(*kw);
                            if (ip.keyword.find('|') != std::string::npos)
                                doc_.error(d_, pr.node("keyword"), "a keyword may not hold `|`");
                        }
                        if (pr.has("decay_half_life_days")) {
                            const auto h = pr.number("decay_half_life_days");
                            if (h && !(*h > 0))
                                doc_.error(d_, pr.node("decay_half_life_days"),
                                           "`decay_half_life_days` must be a number of days above 0");
                            else if (h)
                                ip.half_life_days = *h;
                        }
                        if (pr.has("max")) sp.max = pr.number("max");
                        const std::string feature = ip.feature();
                        sp.interaction = std::move(ip);
                        if (std::find(score.reads.begin(), score.reads.end(), feature) == score.reads.end())
                            score.reads.push_back(feature);
                    } else {
                        for (const char* key : {"keyword", "decay_half_life_days", "max"})
                            if (pr.has(key))
                                doc_.error(d_, pr.node(key),
                                           "`" + std::string(key) + "` belongs to an interaction point",
                                           "add `interaction: KIND`, e.g. `interaction: email_open`");
                        if (pr.has("when"))
                            sp.when = condition(pr, rs, "`when`");
                        else
                            pr.text("when", true);
                    }
                    if (auto add = pr.number("add", true)) sp.add = *add;
                    for (const auto& f : sp.when.reads)
                        if (std::find(score.reads.begin(), score.reads.end(), f) ==
                            score.reads.end())
                            score.reads.push_back(f);
                    score.points.push_back(std::move(sp));
                }
            }
            const YAML::Node tiers = r.mapping("tiers");
            if (tiers.IsDefined()) {
                std::set<std::string> tier_ids;
                for (auto it = tiers.begin(); it != tiers.end(); ++it) {
                    const std::string tid = it->first.Scalar();
                    if (!valid_id(tid))
                        doc_.error(d_, it->first, "the tier name `" + tid + "` is not valid",
                                   "use lower-case letters, digits and `_`");
                    else if (!tier_ids.insert(tid).second)
                        doc_.error(d_, it->first, "duplicate tier `" + tid + "`");
                    const auto min = it->second.IsScalar() && it->second.Tag() == "?"
                                         ? parse_number(it->second.Scalar())
                                         : std::nullopt;
                    if (!min) {
                        doc_.error(d_, it->second, "the threshold of tier `" + tid +
                                                       "` must be a number");
                        continue;
                    }
                    score.tiers.push_back({tid, *min});
                }
                std::stable_sort(score.tiers.begin(), score.tiers.end(),
                                 [](const ScoreTier& a, const ScoreTier& b) { return a.min > b.min; });
            }
            score_nodes_.push_back(r.node("id"));
            rs.scores.push_back(std::move(score));
        }
    }

    void read_classifications(const YAML::Node& list, RuleSet& rs) {
        if (!list.IsDefined()) return;
        if (list.size() == 0) doc_.error(d_, list, "a rule set needs at least one classification");
        std::set<std::string> seen;
        for (const auto& item : list) {
            MapReader r(doc_, item, "a classification",
                        {"id", "label", "description", "mode", "segments"}, d_);
            if (!r.valid()) continue;
            Classification c;
            if (auto id = id_of(r, "classification", seen)) c.id = *id;
            c.label = r.text("label").value_or(c.id);
            c.description = r.text("description").value_or("");
            if (auto mode = r.text("mode")) {
                if (*mode == "first_match") {
                    c.mode = ClassificationMode::FirstMatch;
                } else if (*mode == "all_matches") {
                    c.mode = ClassificationMode::AllMatches;
                } else {
                    doc_.error(d_, r.node("mode"), "unknown mode `" + *mode + "`",
                               "use `first_match` (the default) or `all_matches`");
                }
            }
            const YAML::Node segments = r.sequence("segments", true);
            std::set<std::string> segment_ids;
            if (segments.IsDefined()) {
                if (segments.size() == 0)
                    doc_.error(d_, segments, "a classification needs at least one segment");
                for (const auto& s : segments) {
                    MapReader sr(doc_, s, "a segment",
                                 {"id", "label", "description", "when", "direct_marketing",
                                  "transfer_to"}, d_);
                    if (!sr.valid()) continue;
                    Segment seg;
                    if (auto id = id_of(sr, "segment", segment_ids)) seg.id = *id;
                    seg.label = sr.text("label").value_or(seg.id);
                    seg.description = sr.text("description").value_or("");
                    seg.direct_marketing = sr.boolean("direct_marketing").value_or(false);
                    seg.transfer_to = sr.text("transfer_to").value_or("");
                    if (!seg.transfer_to.empty() && !seg.direct_marketing)
                        doc_.error(d_, sr.node("transfer_to"),
                                   "a segment transferred to another party for its marketing is a "
                                   "direct-marketing list",
                                   "add `direct_marketing: true` to the segment");
                    if (sr.has("when"))
                        seg.when = condition(sr, rs, "`when`");
                    else
                        sr.text("when", true);
                    c.segments.push_back(std::move(seg));
                }
            }
            rs.classifications.push_back(std::move(c));
        }
    }

    // A segment named as `classification.segment`, or by its id alone when one classification
    // has it.
    std::optional<SegmentRef> segment_ref(const YAML::Node& node, const RuleSet& rs,
                                          bool direct_marketing_only) {
        if (!node.IsScalar()) {
            doc_.error(d_, node, "a segment is named as text: `classification.segment` or `segment`");
            return std::nullopt;
        }
        const std::string name = node.Scalar();
        const auto dot = name.find('.');
        std::vector<std::pair<const Classification*, const Segment*>> found;
        // The names to suggest: for a name without a dot, a segment's id alone where no other
        // classification has it.
        std::map<std::string, int> classifications_of;
        for (const auto& c : rs.classifications)
            for (const auto& seg : c.segments) ++classifications_of[seg.id];
        std::vector<std::string> all;
        for (const auto& c : rs.classifications)
            for (const auto& seg : c.segments) {
                all.push_back(dot == std::string::npos && classifications_of[seg.id] == 1
                                  ? seg.id
                                  : c.id + "." + seg.id);
                if (dot == std::string::npos ? seg.id == name
                                             : c.id == name.substr(0, dot) && seg.id == name.substr(dot + 1))
                    found.emplace_back(&c, &seg);
            }
        if (found.empty()) {
            doc_.error(d_, node, "unknown segment `" + name + "`", nearest_hint(name, all));
            return std::nullopt;
        }
        if (found.size() > 1) {
            doc_.error(d_, node, "segment `" + name + "` is in several classifications",
                       "write it as `classification.segment`, e.g. `" + found[0].first->id + "." +
                           name + "`");
            return std::nullopt;
        }
        if (direct_marketing_only && !found[0].second->direct_marketing)
            doc_.error(d_, node,
                       "segment `" + name + "` is not marked for direct marketing: an offer goes "
                       "only to members of direct-marketing segments (PRIVACY.md check 5)",
                       "add `direct_marketing: true` to the segment");
        return SegmentRef{found[0].first->id, found[0].second->id, doc_.position(node)};
    }

    std::optional<std::pair<int, int>> month_day(MapReader& r, std::string_view key) {
        const auto text = r.text(key, true);
        if (!text) return std::nullopt;
        static const std::regex pattern("([0-9]{2})-([0-9]{2})");
        std::smatch m;
        static constexpr int days_in[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
        if (std::regex_match(*text, m, pattern)) {
            const int month = std::stoi(m[1]), day = std::stoi(m[2]);
            if (month >= 1 && month <= 12 && day >= 1 && day <= days_in[month - 1]) return std::pair{month, day};
        }
        doc_.error(d_, r.node(key), "`" + std::string(key) + "` is a day of the year written MM-DD, not `" + *text + "`",
                   "e.g. `12-01`");
        return std::nullopt;
    }

    std::vector<std::string> text_list(const YAML::Node& node, std::string_view what) {
        std::vector<std::string> out;
        if (!node.IsDefined()) return out;
        for (const auto& item : node) {
            if (!item.IsScalar() || item.Scalar().empty()) {
                doc_.error(d_, item, std::string(what) + " must be non-empty text");
                continue;
            }
            out.push_back(ascii_lower(item.Scalar()));
        }
        return out;
    }

    void read_potential(const YAML::Node& map, RuleSet& rs) {
        if (!map.IsDefined()) return;
        PotentialDecl& p = rs.potential;
        p.declared = true;
        MapReader r(doc_, map, "the `potential` section",
                    {"classification", "lookalike", "referrals", "offers", "seasons", "bestsellers",
                     "keywords", "keyword_period_days", "signup_sources", "category_keywords"}, d_);
        if (!r.valid()) return;
        if (auto c = r.text("classification")) {
            const bool known = std::any_of(rs.classifications.begin(), rs.classifications.end(),
                                           [&](const auto& k) { return k.id == *c; });
            if (!known) {
                std::vector<std::string> ids;
                for (const auto& k : rs.classifications) ids.push_back(k.id);
                doc_.error(d_, r.node("classification"), "unknown classification `" + *c + "`",
                           nearest_hint(*c, ids));
            }
            p.classification = *c;
        }
        if (const YAML::Node l = r.mapping("lookalike"); l.IsDefined()) {
            MapReader lr(doc_, l, "the look-alike model", {"targets", "attributes", "smoothing"}, d_);
            if (lr.valid()) {
                const YAML::Node targets = lr.sequence("targets", true);
                if (targets.IsDefined()) {
                    if (targets.size() == 0) doc_.error(d_, targets, "name at least one target segment");
                    for (const auto& t : targets)
                        if (auto ref = segment_ref(t, rs, false)) p.lookalike_targets.push_back(*ref);
                }
                if (const YAML::Node a = lr.sequence("attributes"); a.IsDefined()) {
                    static const std::vector<std::string> allowed = {
                        "district", "age_band", "gender", "lead_source", "income_band", "interests"};
                    p.lookalike_attributes.clear();
                    for (const auto& item : a) {
                        const std::string name = item.IsScalar() ? item.Scalar() : "";
                        const bool is_attr = name.starts_with("attr.") && rs.find_attribute(name.substr(5)) &&
                                             rs.find_attribute(name.substr(5))->type == ValueType::Text;
                        if (std::find(allowed.begin(), allowed.end(), name) == allowed.end() && !is_attr) {
                            std::vector<std::string> names = allowed;
                            for (const auto& at : rs.attributes)
                                if (at.type == ValueType::Text) names.push_back("attr." + at.name);
                            doc_.error(d_, item, "`" + name + "` is not an attribute the look-alike model can use",
                                       nearest_hint(name, names));
                        } else if (std::find(p.lookalike_attributes.begin(), p.lookalike_attributes.end(), name) !=
                                   p.lookalike_attributes.end()) {
                            doc_.error(d_, item, "duplicate attribute `" + name + "`");
                        } else {
                            p.lookalike_attributes.push_back(name);
                        }
                    }
                    if (a.size() == 0) doc_.error(d_, a, "name at least one attribute");
                }
                if (lr.has("smoothing")) {
                    const auto alpha = lr.number("smoothing");
                    if (alpha && !(*alpha > 0))
                        doc_.error(d_, lr.node("smoothing"), "the Laplace smoothing must be above 0", "1 is usual");
                    else if (alpha)
                        p.lookalike_smoothing = *alpha;
                }
            }
        }
        if (const YAML::Node ref = r.mapping("referrals"); ref.IsDefined()) {
            MapReader rr(doc_, ref, "the referral settings", {"decay", "depth"}, d_);
            if (rr.valid()) {
                if (rr.has("decay")) {
                    const auto decay = rr.number("decay");
                    if (decay && !(*decay > 0 && *decay <= 1))
                        doc_.error(d_, rr.node("decay"), "the decay per level must be above 0 and at most 1");
                    else if (decay)
                        p.referral_decay = *decay;
                }
                if (auto depth = rr.integer("depth", false, 1, 10)) p.referral_depth = *depth;
            }
        }
        if (const YAML::Node offers = r.sequence("offers"); offers.IsDefined()) {
            std::set<std::string> seen;
            for (const auto& item : offers) {
                MapReader orr(doc_, item, "an offer", {"id", "label", "description", "segments", "when"}, d_);
                if (!orr.valid()) continue;
                OfferDecl o;
                o.position = doc_.position(item);
                o.id = id_of(orr, "offer", seen).value_or("");
                o.label = orr.text("label").value_or(o.id);
                o.description = orr.text("description").value_or("");
                const YAML::Node segs = orr.sequence("segments", true);
                if (segs.IsDefined()) {
                    if (segs.size() == 0) doc_.error(d_, segs, "an offer targets at least one segment");
                    for (const auto& sref : segs)
                        if (auto refd = segment_ref(sref, rs, true)) o.segments.push_back(*refd);
                }
                if (orr.has("when")) o.when = condition(orr, rs, "`when`");
                p.offers.push_back(std::move(o));
            }
        }
        if (const YAML::Node seasons = r.sequence("seasons"); seasons.IsDefined()) {
            std::set<std::string> seen;
            std::vector<YAML::Node> items;  // of each season read
            std::vector<bool> dated;        // its days were read (else it overlaps nothing)
            for (const auto& item : seasons) {
                MapReader sr(doc_, item, "a season", {"id", "label", "from", "to"}, d_);
                if (!sr.valid()) continue;
                SeasonDecl season;
                season.id = id_of(sr, "season", seen).value_or("");
                season.label = sr.text("label").value_or(season.id);
                const auto from = month_day(sr, "from");
                const auto to = month_day(sr, "to");
                if (from && to) {
                    std::tie(season.from_month, season.from_day) = *from;
                    std::tie(season.to_month, season.to_day) = *to;
                }
                p.seasons.push_back(season);
                items.push_back(item);
                dated.push_back(from.has_value() && to.has_value());
            }
            // Overlaps: a day of a leap year in two seasons.
            auto holds = [](const SeasonDecl& s, int md) {
                const int from = s.from_month * 100 + s.from_day, to = s.to_month * 100 + s.to_day;
                return from <= to ? md >= from && md <= to : md >= from || md <= to;
            };
            for (std::size_t i = 0; i < p.seasons.size(); ++i)
                for (std::size_t j = i + 1; j < p.seasons.size(); ++j)
                    for (int m = 1; m <= 12 && dated[i] && dated[j]; ++m)
                        for (int d = 1; d <= 31; ++d)
                            if (holds(p.seasons[i], m * 100 + d) && holds(p.seasons[j], m * 100 + d)) {
                                doc_.error(d_, items[j], "season `" + p.seasons[j].id + "` overlaps season `" +
                                                               p.seasons[i].id + "`",
                                           "a day belongs to one season at most");
                                m = 13;
                                break;
                            }
        }
        if (const YAML::Node b = r.mapping("bestsellers"); b.IsDefined()) {
            MapReader br(doc_, b, "the best-seller settings", {"top"}, d_);
            if (br.valid())
                if (auto top = br.integer("top", false, 1, 1000)) p.bestsellers_top = *top;
        }
        p.keywords = text_list(r.sequence("keywords"), "a campaign keyword");
        if (auto days = r.integer("keyword_period_days", false, 1, 3660)) p.keyword_period_days = *days;
        if (r.has("signup_sources")) p.signup_sources = text_list(r.sequence("signup_sources"), "a lead source");
        if (const YAML::Node ck = r.mapping("category_keywords"); ck.IsDefined())
            for (auto it = ck.begin(); it != ck.end(); ++it) {
                if (!it->second.IsSequence()) {
                    doc_.error(d_, it->second, "the keywords a category serves are a list of text");
                    continue;
                }
                p.category_keywords[ascii_lower(it->first.Scalar())] = text_list(it->second, "a keyword");
            }
    }

    // Topological order of the scores; a cycle is an error that names it.
    void order_scores(RuleSet& rs) {
        std::map<std::string, std::size_t> index;
        for (std::size_t i = 0; i < rs.scores.size(); ++i) index[rs.scores[i].id] = i;
        auto depends = [&](const Score& s) {
            std::vector<std::size_t> out;
            for (const auto& f : s.reads) {
                std::string id = f;
                if (id.size() > 5 && id.ends_with("_tier") && !index.count(id))
                    id.resize(id.size() - 5);
                if (auto it = index.find(id); it != index.end()) out.push_back(it->second);
            }
            return out;
        };
        std::vector<int> state(rs.scores.size(), 0);  // 0 new, 1 on the path, 2 done
        std::vector<std::size_t> order, path;
        bool cycle = false;
        std::function<void(std::size_t)> visit = [&](std::size_t i) {
            if (cycle || state[i] == 2) return;
            if (state[i] == 1) {
                std::string names;
                auto from = std::find(path.begin(), path.end(), i);
                for (auto it = from; it != path.end(); ++it) names += rs.scores[*it].id + " → ";
                names += rs.scores[i].id;
                doc_.error(d_, score_nodes_[i], "the scores read each other in a cycle: " + names,
                           "a score may read only scores that do not read it back");
                cycle = true;
                return;
            }
            state[i] = 1;
            path.push_back(i);
            for (std::size_t dep : depends(rs.scores[i])) visit(dep);
            path.pop_back();
            state[i] = 2;
            order.push_back(i);
        };
        for (std::size_t i = 0; i < rs.scores.size(); ++i) visit(i);
        if (cycle) return;
        std::vector<Score> sorted;
        for (std::size_t i : order) sorted.push_back(std::move(rs.scores[i]));
        rs.scores = std::move(sorted);
    }

    const YamlDocument& doc_;
    Diagnostics& d_;
    std::vector<std::string> declared_scores_;
    std::vector<YAML::Node> score_nodes_;
};

}  // namespace

std::vector<std::string> RuleSet::features_read() const {
    std::vector<std::string> out;
    auto add = [&](const std::vector<std::string>& names) {
        for (const auto& n : names)
            if (!find_score(n) && !(n.ends_with("_tier") && find_score(n.substr(0, n.size() - 5))) &&
                std::find(out.begin(), out.end(), n) == out.end())
                out.push_back(n);
    };
    for (const auto& s : scores) add(s.reads);
    for (const auto& c : classifications)
        for (const auto& seg : c.segments) add(seg.when.reads);
    for (const auto& o : potential.offers) add(o.when.reads);
    if (!potential.lookalike_targets.empty()) add(potential.lookalike_attributes);
    return out;
}

std::string InteractionPoint::feature() const {
    std::string argument = kind + "|" + keyword + "|";
    if (half_life_days) {
        char buffer[32];
        std::snprintf(buffer, sizeof buffer, "%.17g", *half_life_days);
        argument += buffer;
    }
    return FeatureCall{"interactions", std::move(argument)}.name();
}

std::optional<InteractionPoint> InteractionPoint::of_feature(std::string_view name) {
    const auto call = FeatureCall::of(name);
    if (!call || call->function != "interactions") return std::nullopt;
    name = call->argument;
    const auto bar1 = name.find('|');
    const auto bar2 = bar1 == std::string_view::npos ? bar1 : name.find('|', bar1 + 1);
    if (bar2 == std::string_view::npos) return std::nullopt;
    InteractionPoint p;
    p.kind = std::string(name.substr(0, bar1));
    p.keyword = std::string(name.substr(bar1 + 1, bar2 - bar1 - 1));
    if (bar2 + 1 < name.size()) {
        const std::string h(name.substr(bar2 + 1));
        char* end = nullptr;
        const double v = std::strtod(h.c_str(), &end);
        if (end != h.c_str() + h.size() || !(v > 0)) return std::nullopt;
        p.half_life_days = v;
    }
    return p;
}

const AttributeDecl* RuleSet::find_attribute(std::string_view name) const {
    for (const auto& a : attributes)
        if (a.name == name) return &a;
    return nullptr;
}

const EnrichmentDecl* RuleSet::find_enrichment(std::string_view id) const {
    for (const auto& e : enrichments)
        if (e.id == id) return &e;
    return nullptr;
}

std::optional<CanonicalTable> RuleSet::table_of(std::string_view feature) const {
    if (const FeatureInfo* f = find_feature(feature)) return f->table;
    if (feature.starts_with("attr.")) return CanonicalTable::Customers;
    if (feature.starts_with("enrich.")) {
        const auto dot = feature.find('.', 7);
        const EnrichmentDecl* e =
            find_enrichment(feature.substr(7, dot == std::string_view::npos ? dot : dot - 7));
        if (e && !e->query.empty()) return CanonicalTable::Customers;
        return std::nullopt;
    }
    if (const auto call = FeatureCall::of(feature)) return call->definition()->table;
    return std::nullopt;
}

const Score* RuleSet::find_score(std::string_view id) const {
    for (const auto& s : scores)
        if (s.id == id) return &s;
    return nullptr;
}

std::optional<RuleSet> load_rule_set(const YamlDocument& doc, Diagnostics& diagnostics) {
    return RuleSetLoader(doc, diagnostics).load();
}

RuleSet load_rule_set_file(const std::string& path) {
    Diagnostics d;
    auto doc = YamlDocument::load(path, d);
    if (!doc) throw ConfigError(std::move(d));
    auto rs = load_rule_set(*doc, d);
    if (!rs) throw ConfigError(std::move(d));
    return std::move(*rs);
}

}  // namespace custclass::config
