// The HTML report (see the header).
#include "tuner/emit/report_html.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string_view>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "tuner/emit/html_text.h"
#include "tuner/emit/report_text.h"

namespace pietune::tuner {
namespace {

using Json = nlohmann::ordered_json;

constexpr double kPeakMacsPerCycle = 16;   // PIE: 16 int8 multiply-accumulates per cycle
constexpr double kDefaultClockHz = 240e6;  // the ESP32-S3's default clock, for a report that gives none
constexpr std::string_view kChosenColour = "#2f5597";
constexpr std::string_view kBaselineColour = "#f4b183";
constexpr std::string_view kUtilisationColour = "#548235";
constexpr std::string_view kPeakColour = "#c00000";
constexpr std::string_view kGridColour = "#dddddd";

// ---- text and numbers --------------------------------------------------------------------------

std::string text_of(const Json& j, const char* key) { return html_escape(j.at(key).get<std::string>()); }

double number_or(const Json& j, const char* key, double fallback) {
  return j.is_object() && j.contains(key) && j.at(key).is_number() ? j.at(key).get<double>() : fallback;
}

// Rounded to a whole number with thousands separators (1,234,567): cycle counts are read by eye.
std::string grouped(double value) {
  const long long n = std::llround(value);
  const std::string digits = std::to_string(n < 0 ? -n : n);
  std::string out = n < 0 ? "-" : "";
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

// About three significant figures: 0.412 ms, 2.22 ms, 65.1 ms, 1,234 ms.
std::string milliseconds(double cycles, double clock_hz) {
  const double ms = cycles / clock_hz * 1e3;
  if (ms >= 1000) return grouped(ms) + " ms";
  return fmt::format("{:.{}f} ms", ms, ms >= 100 ? 0 : ms >= 10 ? 1 : ms >= 1 ? 2 : 3);
}

std::string macs_per_cycle_text(double mpc) { return fmt::format("{:.{}f}", mpc, mpc > 0 && mpc < 0.1 ? 3 : 2); }

// ---- the clock ---------------------------------------------------------------------------------

struct Clock {
  double hz;
  bool from_report;
};

Clock report_clock(const Json& report) {
  const double hz = number_or(report.at("totals"), "clock_hz", 0);
  return hz > 0 ? Clock{hz, true} : Clock{kDefaultClockHz, false};
}

std::string clock_text(const Clock& clock) {
  return fmt::format("{:g} MHz{}", clock.hz / 1e6, clock.from_report ? "" : " (assumed: the report gives no clock)");
}

// ---- axes --------------------------------------------------------------------------------------

struct Axis {
  double max;
  double step;
  int steps() const { return static_cast<int>(std::lround(max / step)); }
};

// A rounded axis: 3 to 8 steps of 1, 2, 2.5 or 5 x 10^k ending at the first step at or above the
// largest value; of those, the lowest end (fewer steps on a tie), so the longest bar fills the chart.
Axis nice_axis(double largest) {
  if (!(largest > 0)) return {1, 0.25};
  const double magnitude = std::pow(10.0, std::floor(std::log10(largest)));
  Axis best{0, 0};
  for (double m : {5.0, 2.5, 2.0, 1.0, 0.5, 0.25, 0.2, 0.1}) {
    const Axis axis{m * magnitude * std::ceil(largest / (m * magnitude) - 1e-9), m * magnitude};
    if (axis.steps() >= 3 && axis.steps() <= 8 && (best.step == 0 || axis.max < best.max * (1 - 1e-9))) best = axis;
  }
  return best;
}

// As many decimals as the step needs (0.25 -> 2, 0.5 -> 1, 500,000 -> 0).
std::string tick_label(double value, double step) {
  int decimals = 0;
  for (double scaled = step; decimals < 6 && std::abs(scaled - std::round(scaled)) > 1e-6; scaled *= 10) ++decimals;
  return decimals == 0 ? grouped(value) : fmt::format("{:.{}f}", value, decimals);
}

// ---- chart: cycles per layer -------------------------------------------------------------------

struct CyclesGeometry {
  static constexpr int label = 190, plot = 720, right = 200, top = 44, row = 26, bar = 10, bottom = 44;
};

double chosen_cycles(const Json& l) { return number_or(l.at("chosen"), "cycles", 0); }
double baseline_cycles(const Json& l) { return number_or(l.at("baseline"), "cycles", 0); }

std::string cycles_legend() {
  return fmt::format("<rect x='{0}' y='4' width='12' height='10' fill='{1}'/><text x='{2}' y='13'>chosen variant"
                     "</text><rect x='{3}' y='4' width='12' height='10' fill='{4}'/><text x='{5}' y='13'>"
                     "esp-nn-structured baseline (modelled, not measured)</text>\n",
                     CyclesGeometry::label, kChosenColour, CyclesGeometry::label + 16, CyclesGeometry::label + 130,
                     kBaselineColour, CyclesGeometry::label + 146);
}

// Vertical gridlines with the tick values above and below the bars.
std::string cycles_grid(const Axis& axis, int bottom_y) {
  using G = CyclesGeometry;
  std::string svg;
  for (int i = 0; i <= axis.steps(); ++i) {
    const double x = G::label + G::plot * i * axis.step / axis.max;
    const std::string value = tick_label(i * axis.step, axis.step);
    svg += fmt::format("<line x1='{0:.1f}' x2='{0:.1f}' y1='{1}' y2='{2}' stroke='{3}'/>"
                       "<text class='tick' x='{0:.1f}' y='{4}' text-anchor='middle'>{5}</text>"
                       "<text x='{0:.1f}' y='{6}' text-anchor='middle'>{5}</text>\n",
                       x, G::top - 4, bottom_y, kGridColour, G::top - 8, value, bottom_y + 14);
  }
  return svg;
}

// One bar with its value at its end; `what` names it in the tooltip.
std::string cycles_bar(double cycles, const Axis& axis, int y, std::string_view colour, std::string_view what,
                       const Clock& clock) {
  using G = CyclesGeometry;
  const double width = std::max(1.0, G::plot * cycles / axis.max);
  return fmt::format("<rect class='{0}' x='{1}' y='{2}' width='{3:.1f}' height='{4}' fill='{5}'><title>{0}: {6} cycles "
                     "({7})</title></rect><text x='{8:.1f}' y='{9}'>{6} ({7})</text>\n",
                     what, G::label, y, width, G::bar, colour, grouped(cycles), milliseconds(cycles, clock.hz),
                     G::label + width + 4, y + G::bar - 1);
}

std::string cycles_note(std::string_view note, int y) {
  return fmt::format("<text class='faint' x='{}' y='{}'>{}</text>\n", CyclesGeometry::label + 4,
                     y + CyclesGeometry::bar - 1, note);
}

std::string cycles_row(const Json& l, const Axis& axis, int y, const Clock& clock) {
  using G = CyclesGeometry;
  std::string svg = fmt::format("<text x='{}' y='{}' text-anchor='end'>{} {}</text>\n", G::label - 6, y + G::bar + 3,
                                l.at("index").get<int>(), text_of(l, "op"));
  const double chosen = chosen_cycles(l), base = baseline_cycles(l);
  if (l.at("chosen").is_null()) return svg + cycles_note("reference op: no kernel, not modelled", y);
  svg += cycles_bar(chosen, axis, y, kChosenColour, "chosen", clock);
  const int base_y = y + G::bar + 1;
  return svg + (l.at("baseline").is_null() ? cycles_note("no baseline for this op", base_y)
                                           : cycles_bar(base, axis, base_y, kBaselineColour, "baseline", clock));
}

// Two horizontal bars per layer: the chosen variant's predicted cycles (dark) above the esp-nn-structured
// baseline's (light), each labelled, on a rounded cycles axis.
std::string cycles_chart(const Json& layers, const Clock& clock) {
  using G = CyclesGeometry;
  double largest = 0;
  for (const auto& l : layers) largest = std::max({largest, chosen_cycles(l), baseline_cycles(l)});
  const Axis axis = nice_axis(largest);
  const int bottom_y = G::top + static_cast<int>(layers.size()) * G::row;
  std::string svg = svg_open(G::label + G::plot + G::right, bottom_y + G::bottom, "predicted cycles per layer",
                             fmt::format("x axis: 0 to {} predicted cycles", grouped(axis.max)));
  svg += cycles_legend() + cycles_grid(axis, bottom_y);
  int y = G::top;
  for (const auto& l : layers) {
    svg += cycles_row(l, axis, y, clock);
    y += G::row;
  }
  svg += fmt::format("<text x='{}' y='{}' text-anchor='middle'>predicted cycles (1 ms = {} cycles at {})</text>\n",
                     G::label + G::plot / 2, bottom_y + 34, grouped(clock.hz / 1e3), clock_text(clock));
  return svg + "</svg>\n";
}

// ---- chart: MAC/cycle per layer ----------------------------------------------------------------

struct UtilisationGeometry {
  static constexpr int left = 60, top = 40, plot = 240, bottom = 46, right = 20, min_width = 640;
};

bool has_macs(const Json& l) { return number_or(l, "macs", 0) > 0; }

double macs_per_cycle(const Json& l) { return number_or(l.at("chosen"), "macs_per_cycle", 0); }

// Whether the 16 MAC/cycle peak gets a place on the axis: only when the best layer reaches a quarter of
// it. Below that, an axis up to 16 squashes every bar to a sliver, so the axis is fitted to the data
// and the peak becomes a labelled arrow above the chart instead.
bool peak_on_axis(double largest) { return largest >= kPeakMacsPerCycle / 4; }

// Horizontal gridlines with the tick values on the left.
std::string utilisation_grid(const Axis& axis, int width) {
  using G = UtilisationGeometry;
  std::string svg;
  for (int i = 0; i <= axis.steps(); ++i) {
    const double y = G::top + G::plot - G::plot * i * axis.step / axis.max;
    svg += fmt::format("<line x1='{0}' x2='{1}' y1='{2:.1f}' y2='{2:.1f}' stroke='{3}'/><text class='tick' "
                       "x='{4}' y='{5:.1f}' text-anchor='end'>{6}</text>\n",
                       G::left, width - G::right, y, kGridColour, G::left - 6, y + 4,
                       tick_label(i * axis.step, axis.step));
  }
  return svg;
}

std::string peak_marker(const Axis& axis, double largest, int width) {
  using G = UtilisationGeometry;
  if (peak_on_axis(largest)) {
    const double y = G::top + G::plot - G::plot * kPeakMacsPerCycle / axis.max;
    return fmt::format("<line x1='{0}' x2='{1}' y1='{2:.1f}' y2='{2:.1f}' stroke='{3}' stroke-dasharray='6 3'/>"
                       "<text x='{1}' y='{4:.1f}' text-anchor='end' fill='{3}'>peak {5:g} MAC/cycle</text>\n",
                       G::left, width - G::right, y, kPeakColour, y - 4, kPeakMacsPerCycle);
  }
  const double x = G::left + 8;
  return fmt::format("<path d='M{0:.1f} {1} l-6 9 h12 z M{0:.1f} {2} v-16' stroke='{3}' fill='{3}'/>"
                     "<text x='{4:.1f}' y='{5}' fill='{3}'>peak {6:g} MAC/cycle: off this scale, {7:.3g}x the axis "
                     "top of {8} (best layer: {9:.1f}% of peak)</text>\n",
                     x, G::top - 30, G::top - 6, kPeakColour, x + 12, G::top - 20, kPeakMacsPerCycle,
                     kPeakMacsPerCycle / axis.max, tick_label(axis.max, axis.step),
                     100 * largest / kPeakMacsPerCycle);
}

std::string utilisation_bar(const Json& l, const Axis& axis, double x, double slot) {
  using G = UtilisationGeometry;
  const int index = l.at("index").get<int>();
  const int base_y = G::top + G::plot;
  if (l.at("chosen").is_null() || !has_macs(l))  // no bar: nothing to compare with the peak
    return fmt::format("<text class='faint' x='{:.1f}' y='{}' text-anchor='middle'>{}<title>layer {}: {}, {}</title>"
                       "</text>\n", x + slot / 2, base_y + 14, index, index, text_of(l, "op"),
                       l.at("chosen").is_null() ? "reference op" : "no MACs");
  const double mpc = macs_per_cycle(l);
  const double h = G::plot * std::min(mpc, axis.max) / axis.max;
  const double bar = slot * 0.7;
  std::string svg = fmt::format("<rect class='mpc' x='{:.1f}' y='{:.1f}' width='{:.1f}' height='{:.1f}' fill='{}'>"
                                "<title>layer {}: {} MAC/cycle ({:.1f}% of peak)</title></rect>\n",
                                x + (slot - bar) / 2, base_y - h, bar, h, kUtilisationColour, index,
                                macs_per_cycle_text(mpc), 100 * mpc / kPeakMacsPerCycle);
  if (slot >= 24)  // the value above the bar when there is room for it
    svg += fmt::format("<text class='small' x='{:.1f}' y='{:.1f}' text-anchor='middle'>{}</text>\n", x + slot / 2,
                       base_y - h - 3, macs_per_cycle_text(mpc));
  return svg + fmt::format("<text x='{:.1f}' y='{}' text-anchor='middle'>{}</text>\n", x + slot / 2, base_y + 14,
                           index);
}

std::string utilisation_axis_titles(int width) {
  using G = UtilisationGeometry;
  const int middle = G::top + G::plot / 2;
  return fmt::format("<text x='16' y='{0}' text-anchor='middle' transform='rotate(-90 16 {0})'>MAC/cycle</text>"
                     "<text x='{1}' y='{2}' text-anchor='middle'>layer</text>\n",
                     middle, (G::left + width - G::right) / 2, G::top + G::plot + 36);
}

// Vertical bars of the chosen variant's MAC/cycle per layer on an axis fitted to the data, with
// horizontal gridlines and the 16 MAC/cycle peak as a line or, when far above, an arrow.
std::string utilisation_chart(const Json& layers) {
  using G = UtilisationGeometry;
  double largest = 0;
  for (const auto& l : layers) largest = std::max(largest, macs_per_cycle(l));
  // On the axis, the peak line keeps a little room above it for its label.
  const Axis axis = nice_axis(peak_on_axis(largest) ? std::max(largest, kPeakMacsPerCycle * 1.05) : largest);
  const double count = std::max<double>(1, static_cast<double>(layers.size()));
  const double slot = std::clamp(880 / count, 18.0, 48.0);
  const int width = std::max(G::min_width, G::left + static_cast<int>(std::ceil(slot * count)) + G::right);
  std::string svg = svg_open(width, G::top + G::plot + G::bottom, "MAC/cycle per layer",
                             fmt::format("y axis: 0 to {} MAC/cycle; peak {:g} MAC/cycle {}",
                                         tick_label(axis.max, axis.step), kPeakMacsPerCycle,
                                         peak_on_axis(largest) ? "on the axis" : "above the axis"));
  svg += utilisation_grid(axis, width) + peak_marker(axis, largest, width);
  double x = G::left;
  for (const auto& l : layers) {
    svg += utilisation_bar(l, axis, x, slot);
    x += slot;
  }
  return svg + utilisation_axis_titles(width) + "</svg>\n";
}

// ---- why families were not used -----------------------------------------------------------------

// The rejections of one (family, rule) pair: one entry per rejected family (per variant, should the
// report list them so), with the layers they came from.
struct RuleGroup {
  std::string family, rule;
  std::vector<std::string> reasons;
  std::vector<int> layers;  // distinct, in report order
};

void add_rejections(std::vector<RuleGroup>& groups, const Json& layer) {
  const int index = layer.at("index").get<int>();
  for (const auto& f : layer.at("illegal_families")) {
    const std::string family = f.at("family").get<std::string>(), rule = f.at("rule").get<std::string>();
    auto g = std::find_if(groups.begin(), groups.end(),
                          [&](const RuleGroup& r) { return r.family == family && r.rule == rule; });
    if (g == groups.end()) g = groups.insert(groups.end(), RuleGroup{family, rule, {}, {}});
    g->reasons.push_back(f.at("reason").get<std::string>());
    if (g->layers.empty() || g->layers.back() != index) g->layers.push_back(index);
  }
}

// "(layer 4)", "(x6 layers: 14, 16, ...)", or with more entries than layers (one per variant)
// "(x12 variants in layer 4)" / "(x12 variants in 6 layers: ...)".
std::string count_text(const RuleGroup& g) {
  std::string where = g.layers.size() == 1 ? fmt::format("layer {}", g.layers[0])
                                           : fmt::format("{} layers: {}", g.layers.size(), g.layers[0]);
  for (std::size_t i = 1; i < g.layers.size(); ++i) where += fmt::format(", {}", g.layers[i]);
  const std::size_t entries = g.reasons.size();
  if (entries > g.layers.size()) return fmt::format("(x{} variants in {})", entries, where);
  return g.layers.size() == 1 ? fmt::format("({})", where) : fmt::format("(x{})", where);
}

// The shared reason, or the first layer's as an example when the numbers differ between layers.
std::string reason_text(const RuleGroup& g) {
  const bool same =
      std::all_of(g.reasons.begin(), g.reasons.end(), [&](const std::string& r) { return r == g.reasons[0]; });
  return same ? html_escape(g.reasons[0]) : fmt::format("e.g. layer {}: {}", g.layers[0], html_escape(g.reasons[0]));
}

// One line per (family, rule) over the whole model, instead of the same line under every layer.
std::string rejection_summary(const Json& layers) {
  std::vector<RuleGroup> groups;
  for (const auto& l : layers) add_rejections(groups, l);
  if (groups.empty()) return "";
  std::string html = "<h2>Families not used, by rule</h2>\n<p class='faint'>One line per kernel family and the "
                     "legality rule that ruled it out, with the layers where it did. A layer's own numbers are in "
                     "the tooltip of its line in the table, in report.json and in <code>pietune explain</code>."
                     "</p>\n<ul class='rules'>\n";
  for (const RuleGroup& g : groups)
    html += fmt::format("<li>not {}: [{}] {} {}</li>\n", html_escape(g.family), html_escape(g.rule), reason_text(g),
                        count_text(g));
  return html + "</ul>\n";
}

// Under a layer's variant: one short line per (family, rule), its reason in the tooltip.
std::string rejection_tags(const Json& layer) {
  std::vector<RuleGroup> groups;
  add_rejections(groups, layer);
  std::string html;
  for (const RuleGroup& g : groups)
    html += fmt::format("<div class='why' title='{}'>not {}: [{}]{}</div>", html_escape(g.reasons[0]), html_escape(g.family),
                        html_escape(g.rule), g.reasons.size() > 1 ? fmt::format(" (x{} variants)", g.reasons.size()) : "");
  return html;
}

// ---- the table ---------------------------------------------------------------------------------

std::string variant_cell(const Json& l) {
  const auto& c = l.at("chosen");
  if (!c.is_null()) return fmt::format("<code>{}</code>", text_of(c, "variant"));
  return l.at("covered").get<bool>() ? "no legal variant" : "reference op";
}

// "requant 67%": the chosen variant's bottleneck and how close it comes to its in-order bound
// (tuner/roofline/roofline.h), the bounds in a tooltip.
std::string roofline_cell(const Json& c) {
  if (c.is_null() || !c.contains("roofline")) return "<td>-</td>";
  const Json& r = c.at("roofline");
  std::string tip;
  for (const char* bound : {"mac", "requant", "data", "memory"})
    if (r.contains(bound)) tip += fmt::format("{}{} {}", tip.empty() ? "" : ", ", bound, grouped(r.at(bound).get<double>()));
  tip += fmt::format("; in order (max(mac + requant, data) + memory) {}", grouped(r.at("in_order").get<double>()));
  return fmt::format("<td title=\"{}\">{} {:.0f}%</td>", tip, r.at("bottleneck").get<std::string>(),
                     100 * r.at("share").get<double>());
}

std::string layer_row(const Json& l, const Clock& clock) {
  const auto& c = l.at("chosen");
  const auto& b = l.at("baseline");
  const auto cycles_cells = [&](const Json& v) {
    if (v.is_null()) return std::string("<td>-</td><td>-</td>");
    const double cycles = v.at("cycles").get<double>();
    return fmt::format("<td>{}</td><td>{}</td>", grouped(cycles), milliseconds(cycles, clock.hz));
  };
  return fmt::format("<tr><td>{}</td><td>{}</td><td>{}&rarr;{}</td><td>{}</td><td>{}{}</td>{}<td>{}</td>{}{}<td>{}"
                     "</td></tr>\n",
                     l.at("index").get<int>(), text_of(l, "op"), text_of(l, "input"), text_of(l, "output"),
                     grouped(static_cast<double>(l.at("macs").get<std::int64_t>())), variant_cell(l),
                     rejection_tags(l), cycles_cells(c),
                     c.is_null() || !has_macs(l) ? "-" : macs_per_cycle_text(c.at("macs_per_cycle").get<double>()),
                     roofline_cell(c), cycles_cells(b),
                     l.at("speedup").is_null() ? "-" : fmt::format("{:.2f}x", l.at("speedup").get<double>()));
}

std::string layer_table(const Json& layers, const Clock& clock) {
  std::string html = "<h2>Layers</h2>\n<table><tr><th>#</th><th>op</th><th>shape</th><th>MACs</th><th>chosen "
                     "variant</th><th>cycles</th><th>ms</th><th>MAC/cycle</th><th title=\"bottleneck, and the share of the "
                     "in-order bound, max(mac + requant, data) + memory, reached\">roofline</th><th>baseline cycles</th><th>baseline "
                     "ms</th><th>speedup</th></tr>\n";
  for (const auto& l : layers) html += layer_row(l, clock);
  return html + "</table>\n";
}

// ---- the top of the page -----------------------------------------------------------------------

std::string provenance(const Json& r) {
  const auto& t = r.at("totals");
  return fmt::format("<p>pietune {} (commit {}), machine {} ({}), {}. Run {}; placement {}; {} estimates computed, {} "
                     "reused.</p>\n",
                     text_of(r, "version"), text_of(r, "commit"), text_of(r, "machine"), text_of(r, "machine_hash"),
                     text_of(r, "date"), grouped(static_cast<double>(r.at("run_id").get<std::int64_t>())),
                     text_of(r.at("options"), "placement"), grouped(number_or(t, "estimates_computed", 0)),
                     grouped(number_or(t, "estimates_reused", 0)));
}

int count_layers(const Json& layers, bool (*pred)(const Json&)) {
  return static_cast<int>(std::count_if(layers.begin(), layers.end(), pred));
}

std::string plural(int n, std::string_view one, std::string_view many) { return std::string(n == 1 ? one : many); }

// Layers without a kernel are in neither total (see report_json.h).
std::string reference_caveat(const Json& layers) {
  const int n = count_layers(layers, [](const Json& l) { return l.at("chosen").is_null(); });
  if (n == 0) return "";
  return fmt::format(" {} layer{} without a kernel {} not counted.", n, plural(n, "", "s"), plural(n, "is", "are"));
}

// A layer with a kernel but no baseline counts in the baseline total at its chosen cycles (see report_json.h).
std::string no_baseline_caveat(const Json& layers) {
  const int n =
      count_layers(layers, [](const Json& l) { return !l.at("chosen").is_null() && l.at("baseline").is_null(); });
  if (n == 0) return "";
  return fmt::format(" {} layer{} without a baseline count{} in the baseline total at {} chosen cycles.", n,
                     plural(n, "", "s"), plural(n, "s", ""), plural(n, "its", "their"));
}

std::string baseline_totals(const Json& r, const Clock& clock) {
  if (count_layers(r.at("layers"), [](const Json& l) { return !l.at("baseline").is_null(); }) == 0)
    return " No layer of this model has an esp-nn-structured baseline to compare with.";
  const auto& t = r.at("totals");
  const double cycles = t.at("cycles").get<double>(), base = t.at("baseline_cycles").get<double>();
  return fmt::format(" The esp-nn-structured baseline: {} cycles = {}; the chosen kernels are {:.2f}x faster.{}",
                     grouped(base), milliseconds(base, clock.hz), cycles > 0 ? base / cycles : 0.0,
                     no_baseline_caveat(r.at("layers")));
}

std::string totals(const Json& r, const Clock& clock) {
  const auto& t = r.at("totals");
  const double cycles = t.at("cycles").get<double>();
  const double mpc = cycles > 0 ? static_cast<double>(t.at("macs").get<std::int64_t>()) / cycles : 0.0;
  return fmt::format("<p><b>{} cycles = {} at {}</b> predicted for the layers with a kernel ({} MAC/cycle, {:.1f}% of "
                     "the {:g} MAC/cycle peak).{}{}</p>\n",
                     grouped(cycles), milliseconds(cycles, clock.hz), clock_text(clock), macs_per_cycle_text(mpc),
                     100 * mpc / kPeakMacsPerCycle, kPeakMacsPerCycle, reference_caveat(r.at("layers")),
                     baseline_totals(r, clock));
}

// The whole model as invoke() would take it, three ways (tuner/latency/model_latency.h).
std::string latency_paragraph(const Json& r) {
  if (!r.contains("latency")) return "";  // a report written before whole-model latency existed
  const Json& l = r.at("latency");
  auto ms = [&](const char* way) { return fmt::format("{:.2f} ms", l.at(way).at("ms").get<double>()); };
  const double espnn = l.at("espnn").at("cycles").get<double>(), ours = l.at("pietune").at("cycles").get<double>();
  std::string unknown;
  if (!l.at("unknown").empty())
    unknown = fmt::format(" Left out, cost unknown: {}.", html_escape(fmt::format("{}", fmt::join(l.at("unknown"), ", "))));
  return fmt::format(
      "<p><b>Whole model, as invoke() would take it</b> ({} operators, each with {:g} cycles of TFLite Micro overhead): "
      "stock TFLite Micro without esp-nn <b>{}</b>; esp-tflite-micro with esp-nn <b>{}</b>; with pietune's kernels "
      "<b>{}</b> ({:.2f}x esp-nn). Layers without a kernel are priced by what runs them: the esp-nn baseline where a "
      "family models its esp-nn path, else a reference-C cost per MAC or element ({} layers).{}</p>\n",
      l.at("operators").get<std::size_t>(), l.at("op_overhead_cycles").get<double>(), ms("stock_tflm"), ms("espnn"),
      ms("pietune"), ours > 0 ? espnn / ours : 0.0, l.at("espnn_reference_priced").get<int>(), unknown);
}

std::string modelled_note(const Json& r) {
  return fmt::format("<p class='note'><b>The baseline is modelled, not measured.</b> Every cycle count on this "
                     "page, the esp-nn-structured baseline's included, is predicted by pietune's timing model for "
                     "machine {}; none was measured on silicon. The baseline is a kernel that pietune generates "
                     "with the structure of esp-nn's ESP32-S3 kernels, timed by the same model as the chosen "
                     "variants.</p>\n",
                     text_of(r, "machine"));
}

constexpr std::string_view kStyle =
    "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;font-size:12px}"
    "td,th{border:1px solid #ccc;padding:2px 6px;text-align:right}td:nth-child(5),th:nth-child(5){text-align:left}"
    ".why{color:#777;font-size:11px}.faint{color:#777;fill:#777}.note{background:#fff4e0;border-left:4px solid "
    "#f0a030;padding:6px 10px;max-width:60em}svg text{font-size:11px}svg text.small{font-size:9px}"
    "p.faint,ul.rules{font-size:13px}ul.rules li{margin:2px 0}</style>";

}  // namespace

std::string report_html(const nlohmann::ordered_json& r) {
  const Clock clock = report_clock(r);
  const auto& layers = r.at("layers");
  std::string html = "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>\n";
  html += fmt::format("<title>pietune: {}</title>\n{}</head><body>\n<h1>{}</h1>\n", text_of(r, "model"), kStyle,
                      text_of(r, "model"));
  html += provenance(r) + totals(r, clock) + latency_paragraph(r) + modelled_note(r);
  if (const std::string plan = layout_plan_sentence(r); !plan.empty()) html += "<p>" + html_escape(plan) + "</p>\n";
  html += "<h2>Predicted cycles per layer: chosen variant (dark) and esp-nn-structured baseline (light)</h2>\n" +
          cycles_chart(layers, clock);
  html += "<h2>MAC/cycle per layer against the 16 MAC/cycle peak</h2>\n" + utilisation_chart(layers);
  html += rejection_summary(layers) + layer_table(layers, clock);
  return html + "</body></html>\n";
}

}  // namespace pietune::tuner
