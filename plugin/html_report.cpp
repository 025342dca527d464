#include "html_report.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string_view>
#include <utility>
#include <vector>

namespace custclass::plugin {

namespace {

using json = nlohmann::ordered_json;

// ---------------------------------------------------------------------------------------------
// Reading the documents. Optional members may be missing and counts may be null (suppressed), so
// every read goes through these and none of them throws.

const json& none() {
    static const json null_value;
    return null_value;
}

const json& member(const json& object, const char* key) {
    if (!object.is_object()) return none();
    const auto it = object.find(key);
    return it == object.end() ? none() : *it;
}

bool has(const json& object, const char* key) {
    return object.is_object() && object.contains(key);
}

// Iterating over a missing or mistyped member yields nothing instead of throwing.
const json& list(const json& value) {
    static const json empty = json::array();
    return value.is_array() ? value : empty;
}

std::string text(const json& value) {
    return value.is_string() ? value.get<std::string>() : "";
}

std::optional<double> number(const json& value) {
    if (!value.is_number()) return std::nullopt;
    return value.get<double>();
}

// ---------------------------------------------------------------------------------------------
// Text for people. Everything that comes from a document (labels come from consultants' YAML)
// passes through escape() on its way into the markup; formatted numbers do too, since the
// suppression mark "<k" is itself markup-significant.

std::string escape(std::string_view raw) {
    std::string out;
    out.reserve(raw.size());
    for (const char c : raw) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            case '\'':
                out += "&#39;";
                break;
            default:
                out += c;
        }
    }
    return out;
}

// std::to_chars rather than printf: the host may run under a locale whose decimal separator is a
// comma, which would corrupt both the figures and the SVG coordinates.
std::string fixed(double value, int decimals) {
    char buf[64];
    const auto [end, ec] =
        std::to_chars(buf, buf + sizeof buf, value, std::chars_format::fixed, decimals);
    return ec == std::errc() ? std::string(buf, end) : std::string("–");
}

std::string grouped(double value, int decimals) {
    if (!std::isfinite(value)) return "–";
    std::string digits = fixed(value, decimals);
    const bool negative = digits.front() == '-';
    if (negative) digits.erase(0, 1);
    const bool zero = digits.find_first_not_of("0.") == std::string::npos;
    std::size_t point = digits.find('.');
    if (point == std::string::npos) point = digits.size();
    for (std::size_t i = point; i > 3; i -= 3) digits.insert(i - 3, 1, ',');
    return negative && !zero ? "−" + digits : digits;
}

std::string whole(double value) {
    return grouped(value, 0);
}
std::string money(double value) {
    return grouped(value, 2);
}
// A share that rounds to 0.0% but is not nothing says so.
std::string percent(double share) {
    if (share > 0 && share < 0.0005) return "<0.1%";
    return grouped(100 * share, 1) + "%";
}

// Days and counts read better without a trailing ".0"; averages keep one decimal.
std::string statistic(double value) {
    return std::fabs(value - std::round(value)) < 0.05 ? whole(std::round(value))
                                                       : grouped(value, 1);
}

// Bar tops are narrow: 12,345 purchases become "12.3k".
std::string compact(double value) {
    if (value < 10'000) return whole(value);
    if (value < 1'000'000) return fixed(value / 1'000, 1) + "k";
    return fixed(value / 1'000'000, 1) + "M";
}

std::string signed_change(double change) {
    if (change > 0) return "+" + whole(change);
    return whole(change);
}

std::string coordinate(double value) {
    std::string s = fixed(value, 1);
    if (s.size() > 2 && s.compare(s.size() - 2, 2, ".0") == 0) s.resize(s.size() - 2);
    return s == "-0" ? "0" : s;
}

// Replaces snake_case identifiers (exclusion reasons, purposes) with words.
std::string words(std::string id) {
    std::replace(id.begin(), id.end(), '_', ' ');
    return id;
}

// The review writes names as `classification.segment`; show them as code. Runs on escaped text.
std::string with_code(const std::string& escaped) {
    std::string out;
    bool open = false;
    for (const char c : escaped) {
        if (c != '`') {
            out += c;
            continue;
        }
        out += open ? "</code>" : "<code>";
        open = !open;
    }
    if (open) out += "</code>";
    return out;
}

// ---------------------------------------------------------------------------------------------
// Label geometry. SVG text does not wrap, so labels are measured (roughly: an average Latin
// glyph is ~0.58 em, a CJK one a full em, and labels may be in Chinese) and cut with an ellipsis.

std::size_t utf8_length(unsigned char lead) {
    if (lead < 0x80) return 1;
    if ((lead >> 5) == 0x6) return 2;
    if ((lead >> 4) == 0xE) return 3;
    if ((lead >> 3) == 0x1E) return 4;
    return 1;
}

char32_t code_point(std::string_view s, std::size_t at, std::size_t length) {
    const auto lead = static_cast<unsigned char>(s[at]);
    if (length == 1) return lead;
    char32_t cp = lead & (0x7F >> length);
    for (std::size_t i = 1; i < length && at + i < s.size(); ++i)
        cp = (cp << 6) | (static_cast<unsigned char>(s[at + i]) & 0x3F);
    return cp;
}

double glyph_width(char32_t cp, double font_px) {
    return (cp >= 0x2E80 ? 1.0 : 0.58) * font_px;
}

double text_width(std::string_view s, double font_px) {
    double width = 0;
    for (std::size_t i = 0; i < s.size();) {
        const std::size_t n = utf8_length(static_cast<unsigned char>(s[i]));
        width += glyph_width(code_point(s, i, n), font_px);
        i += n;
    }
    return width;
}

std::string fit(std::string_view s, double max_px, double font_px) {
    if (text_width(s, font_px) <= max_px) return std::string(s);
    const double room = max_px - glyph_width(U'…', font_px);
    double width = 0;
    std::size_t cut = 0;
    for (std::size_t i = 0; i < s.size();) {
        const std::size_t n = utf8_length(static_cast<unsigned char>(s[i]));
        width += glyph_width(code_point(s, i, n), font_px);
        if (width > room) break;
        i += n;
        cut = std::min(i, s.size());
    }
    return std::string(s.substr(0, cut)) + "…";
}

double widest(const std::vector<std::string>& labels, double font_px) {
    double w = 0;
    for (const auto& l : labels) w = std::max(w, text_width(l, font_px));
    return w;
}

// ---------------------------------------------------------------------------------------------
// SVG pieces. Inline SVG in HTML needs no xmlns (and that namespace URI would be the only URL in
// the file). Width, height and viewBox are all set so the charts scale down on narrow pages.

constexpr const char* kBlue = "#0072B2";  // Okabe–Ito palette: safe for colour-blind readers
constexpr const char* kVermillion = "#D55E00";
constexpr const char* kGrey = "#999999";
constexpr double kFont = 12;

std::string svg_open(const char* css_class, double width, double height, const std::string& label) {
    const std::string w = coordinate(std::ceil(width)), h = coordinate(std::ceil(height));
    return "<svg class=\"" + std::string(css_class) + "\" width=\"" + w + "\" height=\"" + h +
           "\" viewBox=\"0 0 " + w + " " + h + "\" role=\"img\" aria-label=\"" + escape(label) +
           "\">";
}

std::string svg_text(double x, double y, const std::string& content,
                     const std::string& attributes = "") {
    return "<text x=\"" + coordinate(x) + "\" y=\"" + coordinate(y) + "\"" +
           (attributes.empty() ? "" : " " + attributes) + ">" + escape(content) + "</text>";
}

std::string svg_rect(double x, double y, double w, double h, const std::string& fill,
                     const std::string& attributes = "") {
    return "<rect x=\"" + coordinate(x) + "\" y=\"" + coordinate(y) + "\" width=\"" +
           coordinate(w) + "\" height=\"" + coordinate(h) + "\" fill=\"" + fill + "\"" +
           (attributes.empty() ? "" : " " + attributes) + "/>";
}

std::string svg_line(double x1, double y1, double x2, double y2, const std::string& attributes) {
    return "<line x1=\"" + coordinate(x1) + "\" y1=\"" + coordinate(y1) + "\" x2=\"" +
           coordinate(x2) + "\" y2=\"" + coordinate(y2) + "\" " + attributes + "/>";
}

std::string svg_title(const std::string& content) {
    return "<title>" + escape(content) + "</title>";
}

// Suppressed cells are hatched, so that they read as "not shown" rather than as zero, also in
// black-and-white print.
std::string hatch_pattern(const std::string& id) {
    return "<defs><pattern id=\"" + id +
           "\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" "
           "patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#ececec\"/>"
           "<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#9a9a9a\" stroke-width=\"2\"/>"
           "</pattern></defs>";
}

std::string hex_colour(int r, int g, int b) {
    static const char* digits = "0123456789abcdef";
    std::string out = "#";
    for (const int c : {r, g, b}) {
        out += digits[(c >> 4) & 0xF];
        out += digits[c & 0xF];
    }
    return out;
}

// A single-hue blue ramp: intensity is carried by lightness, which survives colour blindness and
// greyscale printing.
std::string blue_ramp(double t) {
    t = std::clamp(t, 0.0, 1.0);
    const auto mix = [t](int from, int to) {
        return static_cast<int>(std::lround(from + (to - from) * t));
    };
    return hex_colour(mix(0xea, 0x08), mix(0xf1, 0x45), mix(0xfb, 0x94));
}

// What a chart needs to know about suppression: the mark it prints and its hatch pattern's id.
struct Suppression {
    std::string mark;        // "<5"
    std::string pattern_id;  // unique in the document
};

struct Bar {
    std::string label;
    std::optional<double> count;  // nullopt: suppressed
    bool muted = false;           // the unclassified, drawn in grey
};

// The width of the label column, shared by the bar charts of a section so that their bars line up.
double bar_label_area(const std::vector<std::vector<Bar>>& charts) {
    double widest_label = 0;
    for (const auto& bars : charts)
        for (const auto& b : bars)
            widest_label = std::max(widest_label, text_width(b.label, kFont));
    return std::clamp(widest_label + 16, 90.0, 250.0);
}

std::string bar_chart_svg(const std::vector<Bar>& bars, double label_area, double customers,
                          const Suppression& s, const std::string& title) {
    constexpr double kRow = 26, kBarHeight = 16, kBarArea = 380, kValueArea = 170;
    double largest = 0;
    for (const auto& b : bars) largest = std::max(largest, b.count.value_or(0));
    const double width = label_area + kBarArea + kValueArea;
    const double height = static_cast<double>(bars.size()) * kRow + 8;
    std::string svg =
        svg_open("chart bar-chart", width, height, title) + hatch_pattern(s.pattern_id);
    for (std::size_t i = 0; i < bars.size(); ++i) {
        const Bar& b = bars[i];
        const double top = 4 + static_cast<double>(i) * kRow;
        const double baseline = top + kRow / 2 + 4;
        std::string value;
        svg += "<g>";
        if (b.count) {
            const double n = *b.count;
            value = whole(n) + (customers > 0 ? " · " + percent(n / customers) : "");
            const double length =
                largest > 0 ? std::max(n > 0 ? 2.0 : 0.0, kBarArea * n / largest) : 0;
            svg += svg_title(b.label + ": " + value + " customers");
            svg += svg_rect(label_area, top + (kRow - kBarHeight) / 2, length, kBarHeight,
                            b.muted ? kGrey : kBlue, "rx=\"2\"");
            svg += svg_text(label_area + length + 6, baseline, value);
        } else {
            value = s.mark + " · suppressed";
            svg +=
                svg_title(b.label + ": fewer than " + s.mark.substr(1) + " customers, suppressed");
            svg += svg_rect(label_area, top + (kRow - kBarHeight) / 2, 12, kBarHeight,
                            "url(#" + s.pattern_id + ")", "stroke=\"#9a9a9a\"");
            svg += svg_text(label_area + 18, baseline, value, "class=\"muted\"");
        }
        svg += svg_text(label_area - 10, baseline, fit(b.label, label_area - 16, kFont),
                        "text-anchor=\"end\"");
        svg += "</g>";
    }
    return svg + "</svg>";
}

struct Column {
    std::string label;
    std::optional<double> value;  // nullopt: suppressed
};

std::string weekday_chart_svg(const std::vector<Column>& columns, const Suppression& s) {
    constexpr double kColumn = 36, kBar = 22, kTop = 16, kBarArea = 56, kBottom = 18;
    double largest = 0;
    for (const auto& c : columns) largest = std::max(largest, c.value.value_or(0));
    const double width = static_cast<double>(columns.size()) * kColumn + 8;
    const double height = kTop + kBarArea + kBottom;
    const double floor = kTop + kBarArea;
    std::string svg = svg_open("chart weekday-chart", width, height, "Purchases by weekday") +
                      hatch_pattern(s.pattern_id);
    svg += svg_line(4, floor + 0.5, width - 4, floor + 0.5, "stroke=\"#afb8c1\"");
    for (std::size_t i = 0; i < columns.size(); ++i) {
        const Column& c = columns[i];
        const double centre = 4 + (static_cast<double>(i) + 0.5) * kColumn;
        svg += "<g>";
        if (c.value) {
            const double v = *c.value;
            const double h = largest > 0 ? std::max(v > 0 ? 1.0 : 0.0, kBarArea * v / largest) : 0;
            svg += svg_title(c.label + ": " + whole(v) + " purchases");
            svg += svg_rect(centre - kBar / 2, floor - h, kBar, h, kBlue);
            svg += svg_text(centre, floor - h - 3, compact(v),
                            "class=\"small\" text-anchor=\"middle\"");
        } else {
            svg += svg_title(c.label + ": fewer than " + s.mark.substr(1) + " buyers, suppressed");
            svg += svg_rect(centre - kBar / 2, floor - 8, kBar, 8, "url(#" + s.pattern_id + ")");
            svg += svg_text(centre, floor - 11, s.mark,
                            "class=\"small muted\" text-anchor=\"middle\"");
        }
        svg += svg_text(centre, height - 4, c.label, "class=\"small\" text-anchor=\"middle\"");
        svg += "</g>";
    }
    return svg + "</svg>";
}

struct HeatGrid {
    std::vector<std::string> row_ids, column_ids;  // to outline the cells where customers stayed
    std::vector<std::string> row_labels, column_labels;
    std::vector<std::vector<std::optional<double>>> counts;  // nullopt: suppressed
};

std::string heatmap_cell(const HeatGrid& g, std::size_t r, std::size_t c, double x, double y,
                         double w, double h, double largest, const Suppression& s) {
    const std::optional<double>& count =
        r < g.counts.size() && c < g.counts[r].size() ? g.counts[r][c] : std::optional<double>(0.0);
    const bool stayed = g.row_ids[r] == g.column_ids[c];
    const std::string outline =
        stayed ? "stroke=\"#1f2328\" stroke-width=\"1.5\"" : "stroke=\"#ffffff\"";
    const std::string from_to = "From " + g.row_labels[r] + " to " + g.column_labels[c] + ": ";
    std::string cell = "<g>";
    if (!count) {
        cell += svg_title(from_to + "fewer than " + s.mark.substr(1) + " customers, suppressed");
        cell += svg_rect(x, y, w, h, "url(#" + s.pattern_id + ")", outline);
        return cell +
               svg_text(x + w / 2, y + h / 2 + 4, s.mark,
                        "class=\"muted\" text-anchor=\"middle\"") +
               "</g>";
    }
    const double n = *count;
    // A square-root scale: the stayers on the diagonal dwarf the movers, who are the news.
    const double t = largest > 0 && n > 0 ? std::sqrt(n / largest) : 0;
    cell += svg_title(from_to + whole(n) + " customers");
    cell += svg_rect(x, y, w, h, n > 0 ? blue_ramp(0.12 + 0.88 * t) : "#f6f8fa", outline);
    const char* ink = n == 0 ? "class=\"muted\"" : t > 0.55 ? "class=\"on-dark\"" : "";
    return cell +
           svg_text(x + w / 2, y + h / 2 + 4, compact(n),
                    std::string(ink) + " text-anchor=\"middle\"") +
           "</g>";
}

std::string heatmap_svg(const HeatGrid& g, const Suppression& s, const std::string& title) {
    constexpr double kCell = 52, kCellHeight = 26, kSlant = 0.7071;  // column labels at 45°
    const std::size_t rows = g.row_labels.size(), columns = g.column_labels.size();
    const double row_area = std::clamp(widest(g.row_labels, kFont) + 14, 80.0, 210.0);
    const double column_label = std::clamp(widest(g.column_labels, kFont), 30.0, 170.0);
    const double head = column_label * kSlant + 18;
    const double width =
        row_area + static_cast<double>(columns) * kCell + column_label * kSlant + 10;
    const double height = head + static_cast<double>(rows) * kCellHeight + 6;
    double largest = 0;
    for (const auto& line : g.counts)
        for (const auto& n : line) largest = std::max(largest, n.value_or(0));
    std::string svg = svg_open("chart heatmap", width, height, title) + hatch_pattern(s.pattern_id);
    for (std::size_t c = 0; c < columns; ++c) {
        const double x = row_area + (static_cast<double>(c) + 0.5) * kCell, y = head - 6;
        svg += svg_text(x, y, fit(g.column_labels[c], 170, kFont),
                        "transform=\"rotate(-45 " + coordinate(x) + " " + coordinate(y) + ")\"");
    }
    svg += svg_text(row_area - 8, head - 22, "this run →",
                    "class=\"small muted\" text-anchor=\"end\"");
    svg += svg_text(row_area - 8, head - 8, "earlier run ↓",
                    "class=\"small muted\" text-anchor=\"end\"");
    for (std::size_t r = 0; r < rows; ++r) {
        const double y = head + static_cast<double>(r) * kCellHeight;
        svg += svg_text(row_area - 8, y + kCellHeight / 2 + 4,
                        fit(g.row_labels[r], row_area - 14, kFont), "text-anchor=\"end\"");
        for (std::size_t c = 0; c < columns; ++c)
            svg += heatmap_cell(g, r, c, row_area + static_cast<double>(c) * kCell, y, kCell,
                                kCellHeight, largest, s);
    }
    return svg + "</svg>";
}

struct CurvePoint {
    double customers_share, revenue_share;
};

std::string concentration_svg(const std::vector<CurvePoint>& points, std::optional<double> for_80) {
    constexpr double kWidth = 480, kHeight = 350, kLeft = 58, kRight = 22, kTop = 16, kBottom = 50;
    constexpr double kPlotW = kWidth - kLeft - kRight, kPlotH = kHeight - kTop - kBottom;
    const auto px = [&](double x) { return kLeft + std::clamp(x, 0.0, 1.0) * kPlotW; };
    const auto py = [&](double y) { return kTop + (1 - std::clamp(y, 0.0, 1.0)) * kPlotH; };
    std::string svg =
        svg_open("chart concentration-curve", kWidth, kHeight,
                 "Revenue concentration: share of revenue by share of buying customers");
    for (int i = 0; i <= 5; ++i) {
        const double v = i / 5.0;
        const std::string tick = whole(100 * v) + "%";
        svg += svg_line(px(v), py(0), px(v), py(1), "stroke=\"#e5e7ea\"");
        svg += svg_line(px(0), py(v), px(1), py(v), "stroke=\"#e5e7ea\"");
        svg += svg_text(px(v), py(0) + 16, tick, "class=\"small\" text-anchor=\"middle\"");
        svg += svg_text(px(0) - 6, py(v) + 4, tick, "class=\"small\" text-anchor=\"end\"");
    }
    svg += svg_line(px(0), py(0), px(1), py(1),
                    "stroke=\"" + std::string(kGrey) + "\" stroke-dasharray=\"5 4\"");
    if (for_80) {
        const std::string guide = "stroke=\"#57606a\" stroke-dasharray=\"2 3\"";
        svg += svg_line(px(0), py(0.8), px(*for_80), py(0.8), guide);
        svg += svg_line(px(*for_80), py(0.8), px(*for_80), py(0), guide);
    }
    if (!points.empty()) {
        std::string path;
        for (const auto& p : points)
            path += coordinate(px(p.customers_share)) + "," + coordinate(py(p.revenue_share)) + " ";
        path.pop_back();
        svg += "<polyline points=\"" + path + "\" fill=\"none\" stroke=\"" + kVermillion +
               "\" stroke-width=\"2.5\" stroke-linejoin=\"round\"/>";
    }
    if (for_80) {
        svg += "<circle cx=\"" + coordinate(px(*for_80)) + "\" cy=\"" + coordinate(py(0.8)) +
               "\" r=\"4\" fill=\"" + kVermillion + "\"/>";
        svg += svg_text(px(*for_80) + 8, py(0.8) + 16,
                        percent(*for_80) + " of customers → 80% of revenue");
    }
    svg += svg_text(kLeft + kPlotW / 2, kHeight - 10, "Buying customers, biggest spenders first",
                    "text-anchor=\"middle\"");
    const std::string y_title =
        "transform=\"rotate(-90 14 " + coordinate(kTop + kPlotH / 2) + ")\" text-anchor=\"middle\"";
    svg += svg_text(14, kTop + kPlotH / 2, "Share of revenue", y_title);
    return svg + "</svg>";
}

// ---------------------------------------------------------------------------------------------
// HTML pieces.

struct Table {
    std::vector<std::string> headers;            // plain text
    std::vector<std::vector<std::string>> rows;  // markup (already escaped)
    std::size_t label_columns = 1;  // the columns after these are right-aligned figures
    std::string css_class;
};

std::string table_html(const Table& t) {
    std::string out =
        "<table" + (t.css_class.empty() ? "" : " class=\"" + t.css_class + "\"") + "><thead><tr>";
    for (std::size_t i = 0; i < t.headers.size(); ++i)
        out +=
            (i < t.label_columns ? "<th>" : "<th class=\"num\">") + escape(t.headers[i]) + "</th>";
    out += "</tr></thead><tbody>";
    for (const auto& row : t.rows) {
        out += "<tr>";
        for (std::size_t i = 0; i < row.size(); ++i)
            out += (i < t.label_columns ? "<td>" : "<td class=\"num\">") + row[i] + "</td>";
        out += "</tr>";
    }
    return out + "</tbody></table>";
}

std::string figure_html(const std::string& svg, const std::string& caption) {
    return "<figure>" + svg + "<figcaption>" + escape(caption) + "</figcaption></figure>\n";
}

std::string mode_words(const std::string& mode) {
    return mode == "all_matches" ? "a customer can be in several segments"
                                 : "one segment per customer";
}

constexpr const char* kStyle = R"css(
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1120px; padding: 24px 32px 48px; background: #fff; color: #1f2328;
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", Arial,
  "PingFang TC", "Microsoft JhengHei", "Noto Sans CJK TC", sans-serif; }
h1 { font-size: 28px; line-height: 1.2; margin: 0 0 6px; }
h2 { font-size: 22px; line-height: 1.25; margin: 0 0 8px; }
h3 { font-size: 17px; margin: 22px 0 6px; }
h4 { font-size: 15.5px; margin: 0 0 2px; }
p { margin: 6px 0; max-width: 80ch; }
section { border-top: 1px solid #d0d7de; margin-top: 22px; padding-top: 16px; }
section#overview { border-top: none; margin-top: 0; padding-top: 0; }
.lead { color: #57606a; }
.muted, .suppressed-value { color: #6e7781; }
nav.contents ol { display: flex; flex-wrap: wrap; gap: 2px 18px; list-style: none; margin: 10px 0 0; padding: 0; font-size: 14px; }
nav.contents a { color: #0a58a8; text-decoration: none; }
nav.contents a:hover { text-decoration: underline; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 3px 18px; margin: 12px 0; }
dl.facts dt { color: #57606a; font-weight: 600; }
dd { margin: 0; }
ul.classification-lines { padding-left: 20px; }
table { border-collapse: collapse; margin: 8px 0 14px; font-size: 14px; font-variant-numeric: tabular-nums; }
th, td { border-bottom: 1px solid #e1e4e8; padding: 3px 10px; text-align: left; vertical-align: top; }
thead th { border-bottom: 2px solid #afb8c1; font-weight: 600; }
.num { text-align: right; white-space: nowrap; }
table.shifts .num { white-space: normal; }
tr.total td { font-weight: 600; }
figure { margin: 8px 0 18px; }
figcaption { color: #57606a; font-size: 13px; margin-top: 4px; max-width: 80ch; }
svg.chart { display: block; height: auto; max-width: 100%; }
svg.chart text { fill: #1f2328; font-family: inherit; font-size: 12px; }
svg.chart text.small { font-size: 10.5px; }
svg.chart text.muted { fill: #6e7781; }
svg.chart text.on-dark { fill: #ffffff; }
.cards { display: grid; gap: 14px; grid-template-columns: repeat(auto-fill, minmax(440px, 1fr)); }
.item { white-space: nowrap; }
.profile-card { background: #fff; border: 1px solid #d0d7de; border-radius: 8px; padding: 12px 14px;
  break-inside: avoid; page-break-inside: avoid; }
.profile-card.suppressed { align-self: start; background: #f6f8fa; color: #57606a; }
.profile-card .description { color: #57606a; font-size: 14px; margin: 0 0 6px; }
.profile-card .size { margin: 4px 0 8px; }
.profile-card table { font-size: 13px; margin: 4px 0 8px; }
.profile-card dl { display: grid; font-size: 13.5px; gap: 2px 10px; grid-template-columns: max-content 1fr; margin: 6px 0; }
.profile-card dt { color: #57606a; }
.profile-card figure { margin: 8px 0 0; }
.verdict { border-left: 4px solid #0072B2; background: #f1f6fb; padding: 6px 12px; }
.verdict.moderate { border-color: #E69F00; background: #fdf6e7; }
.verdict.major { border-color: #D55E00; background: #fcefe6; }
ul.findings { list-style: none; padding: 0; }
ul.findings li { background: #f6f8fa; border-left: 4px solid #0072B2; margin: 6px 0; padding: 6px 12px; break-inside: avoid; }
ul.findings li.warning { border-color: #D55E00; }
.severity { font-weight: 700; margin-right: 6px; }
li.warning .severity { color: #9c3f00; }
li.info .severity { color: #005a8c; }
.suggestion { color: #57606a; display: block; font-size: 14px; }
code { background: #eef1f4; border-radius: 3px; font-family: "DejaVu Sans Mono", ui-monospace, monospace; font-size: 0.9em; padding: 0 3px; }
.note { background: #f6f8fa; border-left: 4px solid #009E73; padding: 8px 12px; }
footer { border-top: 1px solid #d0d7de; color: #6e7781; font-size: 13px; margin-top: 28px; padding-top: 10px; }
@media print {
  @page { margin: 14mm; }
  body { font-size: 10.5pt; max-width: none; padding: 0; }
  nav.contents { display: none; }
  h2, h3, h4 { break-after: avoid; page-break-after: avoid; }
  figure, table, .profile-card, ul.findings li, .verdict { break-inside: avoid; page-break-inside: avoid; }
  .cards { grid-template-columns: repeat(2, 1fr); }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
)css";

// The numeric features a manager reads first, in the words of the shop floor.
struct FeatureName {
    const char* id;
    const char* words;
    bool is_money;
};
constexpr FeatureName kKeyFeatures[] = {
    {"recency_days", "Days since last purchase", false},
    {"frequency", "Purchases in the window", false},
    {"monetary", "Spend in the window", true},
    {"avg_order_value", "Average order value", true},
};
constexpr FeatureName kTextFeatures[] = {
    {"district", "District", false},   {"age_band", "Age band", false},
    {"gender", "Gender", false},       {"lead_source", "Came through", false},
    {"interests", "Interests", false}, {"top_category", "Favourite category", false},
};

// ---------------------------------------------------------------------------------------------

class ReportWriter {
public:
    explicit ReportWriter(const ReportDocuments& d)
        : summary_(*d.summary),
          profiles_(*d.profiles),
          comparison_(d.comparison),
          review_(*d.review),
          privacy_(d.privacy),
          k_(small_cell_k(d)) {
        learn_labels();
    }

    std::string write() {
        head();
        contents();
        overview();
        segment_sizes();
        migration();
        profiles();
        concentration();
        review();
        privacy();
        html_ += "<footer>Generated by custclass from run " +
                 escape(text(member(summary_, "run_id"))) +
                 ". This file is self-contained: it loads nothing from the network.</footer>\n";
        html_ += "</body>\n</html>\n";
        return std::move(html_);
    }

private:
    // The policy's k decides; the documents carry the k they were made with as a fallback.
    static std::int64_t small_cell_k(const ReportDocuments& d) {
        for (const json* source : {&d.privacy, d.profiles, d.review})
            if (const auto k = number(member(*source, "k")); k && *k >= 1)
                return static_cast<std::int64_t>(*k);
        return 5;
    }

    // -- counts of customers: every one passes here, so that the run summary's and the review's
    // raw counts are held to the same k as the documents that suppress their own small cells.

    bool hidden(const json& count) const {
        const auto n = number(count);
        return !n || (*n > 0 && *n < static_cast<double>(k_));
    }
    std::optional<double> shown(const json& count) const {
        if (hidden(count)) return std::nullopt;
        return number(count);
    }
    std::string mark() const { return "<" + std::to_string(k_); }
    std::string count_html(const json& count) const {
        if (!hidden(count)) return escape(whole(*number(count)));
        return "<span class=\"suppressed-value\" title=\"fewer than " + std::to_string(k_) +
               " customers, suppressed\">" + escape(mark()) + "</span>";
    }
    std::string share_html(const json& count, const json& share) const {
        if (hidden(count) || !number(share)) return "<span class=\"suppressed-value\">–</span>";
        return escape(percent(*number(share)));
    }
    Suppression suppression() { return {mark(), "hatch-" + std::to_string(++patterns_)}; }

    // -- labels: the run summary carries segment ids only; the other documents carry labels.

    void learn_labels() {
        const auto learn = [this](const json& classification, const char* key) {
            const std::string id = text(member(classification, "id"));
            if (const std::string label = text(member(classification, "label")); !label.empty())
                classification_labels_.emplace(id, label);
            // Profiles and the review name a segment "id", the comparison's sizes "segment".
            for (const auto& s : list(member(classification, key))) {
                const std::string sid = text(member(s, has(s, "id") ? "id" : "segment"));
                if (const std::string label = text(member(s, "label"));
                    !sid.empty() && !label.empty())
                    segment_labels_[id].emplace(sid, label);
            }
        };
        for (const auto& c : list(member(profiles_, "classifications"))) learn(c, "segments");
        for (const auto& c : list(member(review_, "classifications"))) learn(c, "segments");
        if (comparison_)
            for (const auto& c : list(member(*comparison_, "classifications"))) learn(c, "sizes");
        for (const auto& [id, c] : summary_classifications())
            if (const std::string label = text(member(*c, "label")); !label.empty())
                classification_labels_[id] = label;
    }

    std::string classification_label(const std::string& id) const {
        const auto it = classification_labels_.find(id);
        return it == classification_labels_.end() ? id : it->second;
    }

    std::string segment_label(const std::string& classification, const std::string& segment) const {
        if (segment == "(unclassified)") return "Unclassified";
        if (segment == "(new)") return "New customers";
        if (segment == "(gone)") return "No longer in the data";
        const auto c = segment_labels_.find(classification);
        if (c == segment_labels_.end()) return segment;
        const auto s = c->second.find(segment);
        return s == c->second.end() ? segment : s->second;
    }

    // The run summary keys its classifications by id (an object); tolerate an array too.
    std::vector<std::pair<std::string, const json*>> summary_classifications() const {
        std::vector<std::pair<std::string, const json*>> out;
        const json& all = member(summary_, "classifications");
        if (all.is_object())
            for (const auto& [id, c] : all.items()) out.emplace_back(id, &c);
        for (const auto& c : list(all)) out.emplace_back(text(member(c, "id")), &c);
        return out;
    }

    double customers() const {
        if (const auto n = number(member(summary_, "customers"))) return *n;
        return number(member(member(profiles_, "population"), "customers")).value_or(0);
    }

    // -- the document

    void head() {
        const json& ruleset = member(summary_, "ruleset");
        html_ +=
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
        html_ += "<title>Customer classification report – " +
                 escape(text(member(ruleset, "name"))) + ", as of " +
                 escape(text(member(summary_, "as_of"))) + "</title>\n";
        html_ += "<style>" + std::string(kStyle) + "</style>\n</head>\n<body>\n";
    }

    void contents() {
        static constexpr std::pair<const char*, const char*> kSections[] = {
            {"overview", "Overview"},     {"segment-sizes", "Segment sizes"},
            {"migration", "Changes"},     {"profiles", "Customer files"},
            {"concentration", "Revenue"}, {"review", "Rule review"},
            {"privacy", "Privacy"}};
        html_ += "<nav class=\"contents\" aria-label=\"Contents\"><ol>";
        for (const auto& [id, name] : kSections)
            html_ += "<li><a href=\"#" + std::string(id) + "\">" + name + "</a></li>";
        html_ += "</ol></nav>\n";
    }

    void overview() {
        const json& ruleset = member(summary_, "ruleset");
        html_ += "<section id=\"overview\">\n<h1>Customer classification report</h1>\n";
        html_ +=
            "<p class=\"lead\">Who your customers are, grouped by the rules of your rule set, as "
            "of the date of the run.</p>\n<dl class=\"facts\">";
        fact("Run", escape(text(member(summary_, "run_id"))));
        fact("As of", escape(text(member(summary_, "as_of"))));
        fact("Rule set", escape(text(member(ruleset, "name"))) + ", version " +
                             escape(text(member(ruleset, "version"))));
        fact("Customers", escape(whole(customers())));
        if (comparison_)
            fact("Compared with",
                 "the run as of " + escape(text(member(member(*comparison_, "from"), "as_of"))));
        html_ += "</dl>\n";
        if (member(summary_, "dry_run") == true)
            html_ +=
                "<p class=\"note\">This was a dry run: its results were not published to the "
                "CRM.</p>\n";
        html_ += "<ul class=\"classification-lines\">\n";
        for (const auto& [id, c] : summary_classifications())
            html_ += "<li>" + classification_line(id, *c) + "</li>\n";
        html_ += "</ul>\n</section>\n";
    }

    void fact(const char* term, const std::string& value_html) {
        html_ += "<dt>" + std::string(term) + "</dt><dd>" + value_html + "</dd>";
    }

    std::string classification_line(const std::string& id, const json& c) const {
        const json& segments = member(c, "segments");
        std::string largest;
        double most = -1;
        if (segments.is_object())
            for (const auto& [sid, n] : segments.items())
                if (const auto v = shown(n); v && *v > most) most = *v, largest = sid;
        std::string line = "<strong>" + escape(classification_label(id)) + "</strong> (" +
                           mode_words(text(member(c, "mode"))) +
                           "): " + escape(whole(static_cast<double>(segments.size()))) +
                           " segments";
        if (most > 0)
            line += "; the largest is " + escape(segment_label(id, largest)) + " with " +
                    escape(whole(most)) + " customers (" +
                    escape(percent(most / std::max(1.0, customers()))) + ")";
        const json& unclassified = member(c, "unclassified");
        if (hidden(unclassified) && unclassified.is_number())
            line += "; " + count_html(unclassified) + " customers match no segment";
        else if (const auto u = shown(unclassified); u && *u > 0)
            line += "; " + escape(whole(*u)) + " customers (" +
                    escape(percent(*u / std::max(1.0, customers()))) + ") match no segment";
        return line + ".";
    }

    std::vector<Bar> size_bars(const std::string& id, const json& c) const {
        std::vector<Bar> bars;
        const json& segments = member(c, "segments");
        if (segments.is_object())
            for (const auto& [sid, n] : segments.items())
                bars.push_back({segment_label(id, sid), shown(n), false});
        if (has(c, "unclassified"))
            bars.push_back({"Unclassified", shown(member(c, "unclassified")), true});
        return bars;
    }

    void segment_sizes() {
        html_ +=
            "<section id=\"segment-sizes\">\n<h2>Segment sizes</h2>\n<p class=\"lead\">How many "
            "customers each segment holds, with their share of all customers.</p>\n";
        const auto classifications = summary_classifications();
        std::vector<std::vector<Bar>> charts;
        for (const auto& [id, c] : classifications) charts.push_back(size_bars(id, *c));
        const double label_area = bar_label_area(charts);
        for (std::size_t i = 0; i < classifications.size(); ++i) {
            const auto& [id, c] = classifications[i];
            const std::string label = classification_label(id);
            html_ += "<h3>" + escape(label) + "</h3>\n";
            std::string caption =
                "Customers per segment (" + mode_words(text(member(*c, "mode"))) + ").";
            if (text(member(*c, "mode")) == "all_matches")
                caption += " Shares can add up to more than 100%.";
            html_ += figure_html(bar_chart_svg(charts[i], label_area, customers(), suppression(),
                                               label + ": segment sizes"),
                                 caption);
        }
        html_ += "</section>\n";
    }

    // -- changes since the previous run

    void migration() {
        html_ += "<section id=\"migration\">\n<h2>Changes since the previous run</h2>\n";
        if (!comparison_) {
            html_ +=
                "<p>There is no earlier run to compare with: this is the first run of these "
                "rules, so the next report will show how customers move between segments.</p>\n"
                "</section>\n";
            return;
        }
        const json& from = member(*comparison_, "from");
        const json& people = member(*comparison_, "customers");
        html_ +=
            "<p class=\"lead\">Compared with the run as of " + escape(text(member(from, "as_of"))) +
            " (" + count_html(member(from, "customers")) +
            " customers): " + count_html(member(people, "in_both")) +
            " customers are in both runs, " + count_html(member(people, "new")) + " are new and " +
            count_html(member(people, "gone")) + " are no longer in the data.</p>\n";
        for (const auto& c : list(member(*comparison_, "classifications"))) changes_of(c);
        html_ += "</section>\n";
    }

    void changes_of(const json& c) {
        const std::string id = text(member(c, "id"));
        html_ += "<h3>" + escape(classification_label(id)) + "</h3>\n";
        html_ += verdict_html(c);
        if (has(c, "migration")) html_ += migration_figure(id, member(c, "migration"));
        if (has(c, "membership_changes"))
            html_ += membership_table(id, member(c, "membership_changes"));
        html_ += sizes_table(id, member(c, "sizes"));
        if (has(c, "new_versus_existing"))
            html_ += newcomers_table(id, member(c, "new_versus_existing"));
        if (has(c, "feature_shifts")) html_ += shifts_table(id, member(c, "feature_shifts"));
    }

    static std::string drift_of(const json& c, double psi) {
        const std::string drift = text(member(c, "drift"));
        if (!drift.empty()) return drift;
        return psi < 0.1 ? "stable" : psi <= 0.25 ? "moderate" : "major";
    }

    std::string verdict_html(const json& c) const {
        const double psi = number(member(c, "psi")).value_or(0);
        const std::string drift = drift_of(c, psi);
        std::string words;
        if (drift == "stable")
            words =
                "The mix of customers is stable: the segments hold about the same shares as in "
                "the earlier run.";
        else if (drift == "moderate")
            words =
                "The mix of customers has shifted somewhat: worth checking which segments grew or "
                "shrank below.";
        else
            words =
                "The mix of customers has changed a lot: check whether the market or the data "
                "changed before acting on these segments.";
        const std::string css = drift == "stable" || drift == "moderate" ? drift : "major";
        return "<p class=\"verdict " + css + "\">" + escape(words) +
               " <span class=\"muted\">(population stability index " + escape(fixed(psi, 3)) +
               ": below 0.1 stable, up to 0.25 moderate, above that a major change)</span></p>\n";
    }

    HeatGrid heat_grid(const std::string& classification, const json& migration) const {
        HeatGrid g;
        for (const auto& r : list(member(migration, "rows"))) g.row_ids.push_back(text(r));
        for (const auto& c : list(member(migration, "columns"))) g.column_ids.push_back(text(c));
        for (const auto& r : g.row_ids) g.row_labels.push_back(segment_label(classification, r));
        for (const auto& c : g.column_ids)
            g.column_labels.push_back(segment_label(classification, c));
        for (const auto& line : list(member(migration, "counts"))) {
            std::vector<std::optional<double>> cells;
            for (const auto& n : list(line)) cells.push_back(shown(n));
            g.counts.push_back(std::move(cells));
        }
        return g;
    }

    std::string migration_figure(const std::string& id, const json& migration) {
        const HeatGrid g = heat_grid(id, migration);
        if (g.row_labels.empty() || g.column_labels.empty()) return "";
        const std::string caption =
            "Where customers went. Each row is a segment in the earlier run, each column a segment "
            "in this run; a cell counts the customers who moved from its row to its column. Darker "
            "cells hold more customers; outlined cells are customers who stayed; hatched cells (" +
            mark() + ") are groups of fewer than " + std::to_string(k_) + " customers, not shown.";
        return figure_html(
            heatmap_svg(g, suppression(), classification_label(id) + ": migration between runs"),
            caption);
    }

    std::string membership_table(const std::string& id, const json& changes) const {
        Table t{{"Segment", "Stayed", "Joined", "Left"}, {}, 1, ""};
        for (const auto& m : list(changes))
            t.rows.push_back({escape(segment_label(id, text(member(m, "segment")))),
                              count_html(member(m, "stayed")), count_html(member(m, "joined")),
                              count_html(member(m, "left"))});
        return "<p>Customers can be in several of these segments, so the changes are counted per "
               "segment:</p>\n" +
               table_html(t) + "\n";
    }

    std::string change_html(const json& row) const {
        if (hidden(member(row, "before")) || hidden(member(row, "after")) ||
            !number(member(row, "change")))
            return "<span class=\"suppressed-value\">–</span>";
        return escape(signed_change(*number(member(row, "change"))));
    }

    std::string sizes_table(const std::string& id, const json& sizes) const {
        Table t{{"Segment", "Before", "After", "Change"}, {}, 1, ""};
        for (const auto& row : list(sizes)) {
            const json& segment = member(row, "segment");
            const std::string label =
                segment.is_string() ? segment_label(id, text(segment)) : "Unclassified";
            t.rows.push_back({escape(label), count_html(member(row, "before")),
                              count_html(member(row, "after")), change_html(row)});
        }
        return t.rows.empty() ? "" : table_html(t) + "\n";
    }

    std::string newcomers_table(const std::string& id, const json& mix) const {
        const auto fresh = shown(member(mix, "new_customers"));
        if (!fresh || *fresh <= 0) return "";
        Table t{{"Segment", "New customers", "Share of new", "Share of existing"}, {}, 1, ""};
        for (const auto& s : list(member(mix, "segments")))
            t.rows.push_back({escape(segment_label(id, text(member(s, "segment")))),
                              count_html(member(s, "new")),
                              share_html(member(s, "new"), member(s, "new_share")),
                              share_html(member(s, "existing"), member(s, "existing_share"))});
        return "<p>" + escape(whole(*fresh)) +
               " customers are new since the earlier run. Their "
               "segments next to those of existing customers:</p>\n" +
               table_html(t) + "\n";
    }

    std::string shifts_table(const std::string& id, const json& shifts) const {
        std::vector<const FeatureName*> features;
        for (const auto& f : kKeyFeatures)
            for (const auto& s : list(shifts))
                if (has(member(s, "means"), f.id)) {
                    features.push_back(&f);
                    break;
                }
        if (features.empty() || list(shifts).empty()) return "";
        Table t{{"Segment"}, {}, 1, "shifts"};
        for (const auto* f : features) t.headers.push_back(f->words);
        for (const auto& s : list(shifts)) {
            std::vector<std::string> row{escape(segment_label(id, text(member(s, "segment"))))};
            for (const auto* f : features)
                row.push_back(shift_html(member(member(s, "means"), f->id), f->is_money));
            t.rows.push_back(std::move(row));
        }
        return "<p>Averages in each segment, earlier run → this run:</p>\n" + table_html(t) + "\n";
    }

    static std::string shift_html(const json& mean, bool is_money) {
        const auto before = number(member(mean, "before")), after = number(member(mean, "after"));
        if (!before || !after) return "<span class=\"muted\">–</span>";
        const auto show = [is_money](double v) { return is_money ? money(v) : grouped(v, 1); };
        return "<span class=\"item\">" + escape(show(*before)) + "</span> → <span class=\"item\">" +
               escape(show(*after)) + "</span>";
    }

    // -- customer files

    void profiles() {
        html_ +=
            "<section id=\"profiles\">\n<h2>Customer files</h2>\n<p class=\"lead\">One card per "
            "segment: who its customers are and how they buy. <em>Lift</em> compares the "
            "segment's share of spending on a category with that of all customers (above 1: "
            "they favour it).</p>\n";
        for (const auto& c : list(member(profiles_, "classifications"))) {
            const std::string id = text(member(c, "id"));
            html_ += "<h3>" + escape(classification_label(id)) + "</h3>\n";
            if (text(member(c, "mode")) == "all_matches")
                html_ += "<p class=\"muted\">A customer can be in several of these segments.</p>\n";
            html_ += "<div class=\"cards\">\n";
            for (const auto& s : list(member(c, "segments"))) profile_card(s);
            html_ += "</div>\n";
        }
        html_ += "</section>\n";
    }

    void profile_card(const json& s) {
        const bool suppressed = member(s, "suppressed") == true || hidden(member(s, "customers"));
        html_ += std::string("<article class=\"profile-card") + (suppressed ? " suppressed" : "") +
                 "\">";
        html_ += "<h4>" + escape(text(member(s, "label"))) + "</h4>";
        if (const std::string d = text(member(s, "description")); !d.empty())
            html_ += "<p class=\"description\">" + escape(d) + "</p>";
        if (suppressed) {
            html_ += "<p>Fewer than " + std::to_string(k_) +
                     " customers: this customer file is "
                     "suppressed to protect their privacy.</p></article>\n";
            return;
        }
        html_ += "<p class=\"size\"><strong>" + count_html(member(s, "customers")) +
                 "</strong> customers · " +
                 share_html(member(s, "customers"), member(s, "share_of_customers")) +
                 " of customers · " +
                 share_html(member(s, "customers"), member(s, "share_of_revenue")) + " of revenue";
        if (const auto revenue = number(member(s, "revenue")))
            html_ += " (" + escape(money(*revenue)) + ")";
        html_ += "</p>";
        html_ += statistics_table(member(s, "numeric"));
        html_ += traits_list(s);
        html_ += weekday_figure(member(s, "purchases_by_weekday"));
        html_ += "</article>\n";
    }

    std::string statistics_table(const json& numeric) const {
        Table t{{"", "Mean", "Median"}, {}, 1, "stats"};
        for (const auto& f : kKeyFeatures) {
            if (!has(numeric, f.id)) continue;
            const json& stats = member(numeric, f.id);
            const auto mean = number(member(stats, "mean")),
                       median = number(member(stats, "median"));
            if (hidden(member(stats, "customers"))) {
                t.rows.push_back(
                    {escape(f.words), "<span class=\"suppressed-value\">suppressed</span>", ""});
            } else if (!mean || !median) {
                t.rows.push_back({escape(f.words), "<span class=\"muted\">no data</span>", ""});
            } else {
                const auto show = [&f](double v) { return f.is_money ? money(v) : statistic(v); };
                t.rows.push_back({escape(f.words), escape(show(*mean)), escape(show(*median))});
            }
        }
        return t.rows.empty() ? "" : table_html(t);
    }

    std::string top_values(const json& distribution, std::size_t how_many) const {
        std::string out;
        std::size_t listed = 0;
        for (const auto& v : list(member(distribution, "values"))) {
            if (hidden(member(v, "customers")) || listed == how_many) continue;
            if (listed++ > 0) out += " · ";
            out += "<span class=\"item\">" + escape(text(member(v, "value")));
            if (const auto share = number(member(v, "share"))) out += " " + escape(percent(*share));
            out += "</span>";
        }
        return out;
    }

    std::string top_categories(const json& categories) const {
        std::string out;
        std::size_t listed = 0;
        for (const auto& c : list(categories)) {
            if (listed == 4) break;
            if (listed++ > 0) out += " · ";
            out += "<span class=\"item\">" + escape(text(member(c, "category")));
            if (const auto share = number(member(c, "share"))) out += " " + escape(percent(*share));
            if (const auto lift = number(member(c, "lift")))
                out += " <span class=\"muted\">(lift " + escape(fixed(*lift, 2)) + ")</span>";
            out += "</span>";
        }
        return out;
    }

    std::string top_products(const json& products) const {
        std::string out;
        std::size_t listed = 0;
        for (const auto& p : list(products)) {
            if (listed == 4) break;
            if (listed++ > 0) out += " · ";
            out += "<span class=\"item\">" + escape(text(member(p, "product_id")));
            if (const auto amount = number(member(p, "amount")))
                out += " <span class=\"muted\">(" + escape(money(*amount)) + ")</span>";
            out += "</span>";
        }
        return out;
    }

    std::string preferred_channel(const json& s) const {
        const std::string channel = text(member(s, "preferred_channel"));
        if (channel.empty()) return "<span class=\"muted\">none recorded</span>";
        std::string out = escape(channel);
        for (const auto& c : list(member(s, "channels")))
            if (text(member(c, "channel")) == channel)
                if (const auto share = number(member(c, "share")))
                    out += " <span class=\"muted\">(" + escape(percent(*share)) +
                           " of purchases)</span>";
        return out;
    }

    std::string traits_list(const json& s) const {
        std::string items;
        const auto trait = [&items](const char* term, const std::string& value_html) {
            items += "<dt>" + std::string(term) + "</dt><dd>" + value_html + "</dd>";
        };
        const json& texts = member(s, "text");
        for (const auto& f : kTextFeatures) {
            if (!has(texts, f.id)) continue;
            const std::string values = top_values(member(texts, f.id), 3);
            trait(f.words, values.empty()
                               ? "<span class=\"muted\">too few customers per value to show</span>"
                               : values);
        }
        if (const std::string c = top_categories(member(s, "top_categories")); !c.empty())
            trait("Top categories", c);
        if (const std::string p = top_products(member(s, "top_products")); !p.empty())
            trait("Top products", p);
        if (has(s, "preferred_channel")) trait("Preferred channel", preferred_channel(s));
        return items.empty() ? "" : "<dl>" + items + "</dl>";
    }

    std::string weekday_figure(const json& weekdays) {
        std::vector<Column> columns;
        for (const auto& d : list(weekdays)) {
            const bool cut = member(d, "suppressed") == true || hidden(member(d, "buyers"));
            columns.push_back(
                {text(member(d, "day")), cut ? std::nullopt : number(member(d, "purchases"))});
        }
        if (columns.empty()) return "";
        return figure_html(weekday_chart_svg(columns, suppression()), "Purchases by weekday");
    }

    // -- revenue concentration

    void concentration() {
        const json& curve = member(member(profiles_, "population"), "revenue_concentration");
        std::vector<CurvePoint> points;
        for (const auto& p : list(member(curve, "points")))
            if (const auto x = number(member(p, "customers_share")),
                y = number(member(p, "revenue_share"));
                x && y)
                points.push_back({*x, *y});
        const auto for_80 = number(member(curve, "share_of_customers_for_80_percent"));
        html_ += "<section id=\"concentration\">\n<h2>Where the revenue comes from</h2>\n";
        if (for_80)
            html_ += "<p class=\"verdict\"><strong>" + escape(percent(*for_80)) +
                     " of buying customers bring 80% of revenue.</strong></p>\n";
        else
            html_ +=
                "<p>No customer bought anything in the window, so there is no revenue to "
                "divide.</p>\n";
        std::string caption =
            "The orange line: the share of revenue brought by the biggest spenders, "
            "adding customers from the largest spender down. The dashed line is what "
            "it would be if every customer spent the same.";
        if (const auto buyers = number(member(curve, "customers")))
            caption +=
                " Based on the " + whole(*buyers) + " customers who spent more than nothing.";
        html_ += figure_html(concentration_svg(points, for_80), caption);
        html_ += "</section>\n";
    }

    // -- rule review

    void review() {
        html_ +=
            "<section id=\"review\">\n<h2>Review of the rules</h2>\n<p class=\"lead\">What the "
            "rules did on the data of this run: points a consultant may want to look at, and per "
            "segment how many customers its rule holds for.</p>\n<h3>Findings</h3>\n";
        const json& findings = member(review_, "findings");
        if (list(findings).empty())
            html_ += "<p>The review found nothing to point out.</p>\n";
        else {
            html_ += "<ul class=\"findings\">\n";
            for (const auto& f : list(findings)) html_ += finding_html(f);
            html_ += "</ul>\n";
        }
        html_ +=
            "<p class=\"muted\"><strong>Matched</strong>: customers for whom the segment's rule "
            "holds. <strong>First-matched</strong>: customers the segment takes. "
            "<strong>Shadowed</strong>: matched, but taken by an earlier segment.</p>\n";
        for (const auto& c : list(member(review_, "classifications"))) review_table(c);
        html_ += "</section>\n";
    }

    // The review's under-k message quotes the small count itself; the report says "fewer than k".
    std::string finding_message(const json& f) const {
        if (text(member(f, "kind")) != "under_k") return text(member(f, "message"));
        return "`" + text(member(f, "classification")) + "." + text(member(f, "segment")) +
               "`: fewer than k = " + std::to_string(k_) +
               " customers; its customer file is suppressed";
    }

    std::string finding_html(const json& f) const {
        const std::string severity = text(member(f, "severity"));
        const std::string css = severity == "warning" ? "warning" : "info";
        const std::string name = severity == "warning" ? "Warning"
                                 : severity == "info"  ? "Note"
                                                       : severity;
        std::string out = "<li class=\"" + css + "\"><span class=\"severity\">" + escape(name) +
                          "</span>" + with_code(escape(finding_message(f)));
        if (const std::string s = text(member(f, "suggestion")); !s.empty())
            out += "<span class=\"suggestion\">Suggestion: " + with_code(escape(s)) + "</span>";
        return out + "</li>\n";
    }

    void review_table(const json& c) {
        const std::string id = text(member(c, "id"));
        html_ += "<h3>" + escape(classification_label(id)) + " <span class=\"muted\">(" +
                 mode_words(text(member(c, "mode"))) + ")</span></h3>\n";
        Table t{
            {"Segment", "Matched", "First-matched", "Shadowed", "Share of customers"}, {}, 1, ""};
        for (const auto& s : list(member(c, "segments")))
            t.rows.push_back({escape(text(member(s, "label")).empty() ? text(member(s, "id"))
                                                                      : text(member(s, "label"))),
                              count_html(member(s, "matched")),
                              count_html(member(s, "first_matched")),
                              count_html(member(s, "shadowed")),
                              share_html(member(s, "first_matched"), member(s, "share"))});
        if (has(c, "unclassified"))
            t.rows.push_back(
                {"<em>Unclassified</em>", "", count_html(member(c, "unclassified")), "",
                 share_html(member(c, "unclassified"), member(c, "unclassified_share"))});
        html_ += table_html(t) + "\n";
        if (const json& stability = member(c, "stability"); stability.is_object()) {
            const double psi = number(member(stability, "psi")).value_or(0);
            html_ +=
                "<p class=\"muted\">Since the previous run: " + escape(drift_of(stability, psi)) +
                " (population stability index " + escape(fixed(psi, 3)) + ").</p>\n";
        }
    }

    // -- privacy

    void privacy() {
        html_ +=
            "<section id=\"privacy\">\n<h2>Privacy</h2>\n<p class=\"lead\">How this run handled "
            "personal data under the Personal Data (Privacy) Ordinance.</p>\n<dl class=\"facts\">";
        const std::string purpose = text(member(privacy_, "purpose"));
        const std::string policy = text(member(privacy_, "policy"));
        fact("Purpose",
             purpose.empty() ? "<span class=\"muted\">not stated</span>" : escape(words(purpose)));
        fact("Privacy policy",
             policy.empty() ? "<span class=\"muted\">not stated</span>" : escape(policy));
        fact("Small-cell threshold", "k = " + std::to_string(k_) + " customers");
        fact("Customers left out", exclusions_html());
        fact("Sensitive features used", sensitive_features_html());
        html_ += "</dl>\n<p class=\"note\">Groups of fewer than " + std::to_string(k_) +
                 " customers are suppressed everywhere in this report: their counts show as “" +
                 escape(mark()) + "” and their customer files are not shown.</p>\n</section>\n";
    }

    static std::string exclusion_reason(const std::string& reason) {
        static const std::map<std::string, std::string> kReasons = {
            {"opted_out", "opted out"},
            {"no_consent", "no consent to direct marketing"},
            {"retention", "inactive for longer than the retention period"},
            {"not_yet_customer", "not yet a customer on the as-of date"}};
        const auto it = kReasons.find(reason);
        return it == kReasons.end() ? words(reason) : it->second;
    }

    std::string exclusions_html() const {
        const json& policy_view = member(privacy_, "excluded");
        const json& excluded = policy_view.is_object() ? policy_view : member(summary_, "excluded");
        if (!excluded.is_object() || excluded.empty()) return "none";
        std::string out;
        for (const auto& [reason, n] : excluded.items())
            out += (out.empty() ? "" : " · ") + escape(exclusion_reason(reason)) + ": " +
                   count_html(n);
        return out;
    }

    std::string sensitive_features_html() const {
        std::string out;
        for (const auto& f : list(member(privacy_, "sensitive_features")))
            out += (out.empty() ? "" : ", ") + ("<code>" + escape(text(f)) + "</code>");
        return out.empty() ? "none" : out;
    }

    const json& summary_;
    const json& profiles_;
    const json* comparison_;
    const json& review_;
    const json& privacy_;
    const std::int64_t k_;
    std::map<std::string, std::string> classification_labels_;
    std::map<std::string, std::map<std::string, std::string>> segment_labels_;
    int patterns_ = 0;
    std::string html_;
};

}  // namespace

std::string html_report(const ReportDocuments& documents) {
    if (!documents.summary || !documents.profiles || !documents.review)
        throw std::invalid_argument(
            "html_report: the run summary, profiles and review are required");
    return ReportWriter(documents).write();
}

}  // namespace custclass::plugin
