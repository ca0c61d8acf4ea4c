// The device report (see the header).
#include "tuner/emit/device_report_html.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <set>
#include <string_view>
#include <utility>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "tuner/emit/html_text.h"
#include "tuner/inspect/inspect_table.h"

namespace pietune::tuner {
namespace {

using Json = nlohmann::json;
using costdb::BenchInstanceRecord;
using costdb::MeasurementRecord;

constexpr std::string_view kPredictedColour = "#2f5597";
constexpr std::string_view kMeasuredColour = "#f4b183";
constexpr std::string_view kAfterColour = "#7030a0";
constexpr std::string_view kWrongColour = "#c00000";
constexpr std::string_view kGridColour = "#dddddd";
constexpr std::string_view kBand10Colour = "#c6e0b4";
constexpr std::string_view kBand25Colour = "#eaf3e3";

// ---- text and numbers --------------------------------------------------------------------------

std::string grouped(double value) { return group_thousands(std::llround(value)); }

// Axis labels: 800, 1.5k, 20k, 1.2M.
std::string compact(double value) {
  if (value >= 1e6) return fmt::format("{:g}M", value / 1e6);
  if (value >= 1e3) return fmt::format("{:g}k", value / 1e3);
  return fmt::format("{:g}", value);
}

// Signed: the prediction's error relative to the measurement.
double error_percent(double predicted, double measured) { return 100 * (predicted - measured) / measured; }

std::string short_id(const std::string& bench_id) { return html_escape(bench_id.substr(0, 8)); }

// "1 bench", "2 benches".
std::string plural(std::size_t n, std::string_view one, std::string_view many) {
  return fmt::format("{} {}", grouped(static_cast<double>(n)), n == 1 ? one : many);
}

// ---- measurements and their predictions --------------------------------------------------------

// Each measurement with the bench instance it measured (null when none is stored).
struct Point {
  const MeasurementRecord* measurement;
  const BenchInstanceRecord* instance;
  bool drawable() const { return instance && measurement->cycles > 0 && instance->predicted_cycles > 0; }
};

std::vector<Point> points_of(const DeviceReportData& data) {
  std::map<std::pair<std::string, int>, const BenchInstanceRecord*> instances;
  for (const DeviceReportBench& b : data.benches)
    for (const BenchInstanceRecord& i : b.instances) instances[{b.bench.id, i.instance}] = &i;
  std::vector<Point> points;
  for (const MeasurementRecord& m : data.measurements) {
    const auto it = instances.find({m.bench_id, m.instance});
    points.push_back({&m, it == instances.end() ? nullptr : it->second});
  }
  return points;
}

std::string variant_of(const Point& p) {
  return html_escape(!p.measurement->variant.empty() ? p.measurement->variant : p.instance ? p.instance->variant : "");
}

// ---- calibration summaries ---------------------------------------------------------------------

// A key of an object, or null: summaries are read leniently.
const Json& member(const Json& j, const char* key) {
  static const Json kNull;
  if (!j.is_object()) return kNull;
  const auto it = j.find(key);
  return it == j.end() ? kNull : *it;
}

Json summary_of(const costdb::CalibrationRecord& c) { return Json::parse(c.summary_json, nullptr, false); }

std::string value_text(const Json& v, std::string_view format) {
  if (v.is_number()) return fmt::format(fmt::runtime(format), v.get<double>());
  if (v.is_null() || v.is_discarded()) return "-";
  return html_escape(v.is_string() ? v.get<std::string>() : v.dump());
}

// "12.3% &rarr; 4.5%" from the before and after blocks of a summary.
std::string change(const Json& before, const Json& after, const char* key, std::string_view format) {
  return value_text(member(before, key), format) + " &rarr; " + value_text(member(after, key), format);
}

// The last calibration's refitted predictions: (measured, after).
std::vector<std::pair<double, double>> after_points(const DeviceReportData& data) {
  std::vector<std::pair<double, double>> points;
  if (data.calibrations.empty()) return points;
  const Json summary = summary_of(data.calibrations.back());
  const Json& list = member(summary, "points");
  if (!list.is_array()) return points;
  for (const Json& p : list) {
    const Json &measured = member(p, "measured"), &after = member(p, "after");
    if (measured.is_number() && after.is_number() && measured.get<double>() > 0 && after.get<double>() > 0)
      points.emplace_back(measured.get<double>(), after.get<double>());
  }
  return points;
}

// ---- the scatter -------------------------------------------------------------------------------

struct ScatterGeometry {
  static constexpr int left = 70, top = 20, plot = 440, right = 230, bottom = 56;
};

// 1, 2 or 5 x 10^k, the first at or above `rough`.
double nice_step(double rough) {
  const double magnitude = std::pow(10.0, std::floor(std::log10(rough)));
  for (double m : {1.0, 2.0, 5.0})
    if (m * magnitude >= rough * (1 - 1e-9)) return m * magnitude;
  return 10 * magnitude;
}

// One logarithmic axis shared by x and y (so that y = x is the diagonal), fitted to the data with a
// margin that shows the +-25% band around the extreme points.
struct LogAxis {
  double lo, hi;
  double position(double v) const {
    return ScatterGeometry::plot * (std::log(v) - std::log(lo)) / (std::log(hi) - std::log(lo));
  }
  // Decades, then 1-2-5, then every digit; evenly stepped for a range narrower than that.
  std::vector<double> ticks() const {
    const int first = static_cast<int>(std::floor(std::log10(lo))), last = static_cast<int>(std::ceil(std::log10(hi)));
    for (const std::vector<double>& mantissas :
         {std::vector<double>{1}, std::vector<double>{1, 2, 5}, std::vector<double>{1, 2, 3, 4, 5, 6, 7, 8, 9}}) {
      std::vector<double> ticks;
      for (int k = first; k <= last; ++k)
        for (double m : mantissas)
          if (const double v = m * std::pow(10.0, k); v >= lo && v <= hi) ticks.push_back(v);
      if (ticks.size() >= 4) return ticks;
    }
    const double step = nice_step((hi - lo) / 5);
    std::vector<double> ticks;
    for (double v = std::ceil(lo / step) * step; v <= hi; v += step) ticks.push_back(v);
    return ticks;
  }
};

LogAxis log_axis(const std::vector<double>& values) {
  const auto [lo, hi] = std::minmax_element(values.begin(), values.end());
  return {*lo / 1.3, *hi * 1.3};
}

// Screen coordinates of (measured, predicted).
struct Plot {
  LogAxis axis;
  double x(double measured) const { return ScatterGeometry::left + axis.position(measured); }
  double y(double predicted) const { return ScatterGeometry::top + ScatterGeometry::plot - axis.position(predicted); }
};

// predicted = measured x (1 +- band), filled between its two lines and clipped to the plot.
std::string band(const Plot& p, double fraction, std::string_view colour, std::string_view name) {
  const double lo = p.axis.lo, hi = p.axis.hi;
  return fmt::format("<polygon class='{}' points='{:.1f},{:.1f} {:.1f},{:.1f} {:.1f},{:.1f} {:.1f},{:.1f}' fill='{}' "
                     "clip-path='url(#plot-area)'/>\n",
                     name, p.x(lo), p.y(lo * (1 - fraction)), p.x(hi), p.y(hi * (1 - fraction)), p.x(hi),
                     p.y(hi * (1 + fraction)), p.x(lo), p.y(lo * (1 + fraction)), colour);
}

// A gridline at every tick; a label where it keeps clear of the previous label (the digits 2..9 of a
// decade crowd together at its top).
std::string scatter_grid(const Plot& p) {
  using G = ScatterGeometry;
  constexpr double kLabelGap = 30;
  std::string svg;
  double labelled = -kLabelGap;
  for (double v : p.axis.ticks()) {
    const bool label = p.axis.position(v) - labelled >= kLabelGap;
    if (label) labelled = p.axis.position(v);
    svg += fmt::format("<line x1='{0:.1f}' x2='{0:.1f}' y1='{1}' y2='{2}' stroke='{3}'/><line x1='{4}' x2='{5}' "
                       "y1='{6:.1f}' y2='{6:.1f}' stroke='{3}'/>\n",
                       p.x(v), G::top, G::top + G::plot, kGridColour, G::left, G::left + G::plot, p.y(v));
    if (label)
      svg += fmt::format("<text class='tick' x='{0:.1f}' y='{1}' text-anchor='middle'>{2}</text><text class='tick' "
                         "x='{3}' y='{4:.1f}' text-anchor='end'>{2}</text>\n",
                         p.x(v), G::top + G::plot + 14, compact(v), G::left - 5, p.y(v) + 4);
  }
  return svg;
}

std::string point_title(const Point& pt) {
  const MeasurementRecord& m = *pt.measurement;
  return fmt::format("<title>bench {} instance {} (layer {}): {}; predicted {}, measured {} ({:+.1f}%){}</title>",
                     short_id(m.bench_id), m.instance, pt.instance->layer_index, variant_of(pt),
                     grouped(pt.instance->predicted_cycles), grouped(m.cycles),
                     error_percent(pt.instance->predicted_cycles, m.cycles),
                     m.correct() ? "" : "; WRONG OUTPUT: board hash " + html_escape(m.output_hash));
}

// A dot, or a red cross for an output that differs from the emulator's.
std::string measurement_marker(const Plot& p, const Point& pt) {
  const double x = p.x(pt.measurement->cycles), y = p.y(pt.instance->predicted_cycles);
  if (pt.measurement->correct())
    return fmt::format("<circle class='measurement' cx='{:.1f}' cy='{:.1f}' r='4' fill='{}' fill-opacity='0.8'>{}"
                       "</circle>\n", x, y, kPredictedColour, point_title(pt));
  return fmt::format("<path class='measurement wrong' d='M{:.1f} {:.1f} l10 10 m0 -10 l-10 10' stroke='{}' "
                     "stroke-width='2.5'>{}</path>\n", x - 5, y - 5, kWrongColour, point_title(pt));
}

std::string diamond(double x, double y, std::string_view cls) {
  return fmt::format("<path class='{}' d='M{:.1f} {:.1f} l5 5 l-5 5 l-5 -5 z' fill='none' stroke='{}' "
                     "stroke-width='1.5'", cls, x, y - 5, kAfterColour);
}

std::string scatter_legend(bool with_after, std::int64_t calibration_id) {
  using G = ScatterGeometry;
  const int x = G::left + G::plot + 20;
  std::string svg = fmt::format(
      "<circle class='legend' cx='{0}' cy='{1}' r='4' fill='{2}'/><text x='{3}' y='{4}'>stored prediction</text>\n"
      "<path class='legend' d='M{5} {6} l10 10 m0 -10 l-10 10' stroke='{7}' stroke-width='2.5'/>"
      "<text x='{3}' y='{8}'>wrong output hash</text>\n"
      "<line x1='{5}' x2='{9}' y1='{10}' y2='{10}' stroke='#555'/><text x='{3}' y='{11}'>y = x</text>\n"
      "<rect x='{5}' y='{12}' width='10' height='10' fill='{13}'/><text x='{3}' y='{14}'>within &#177;10%</text>\n"
      "<rect x='{5}' y='{15}' width='10' height='10' fill='{16}'/><text x='{3}' y='{17}'>within &#177;25%</text>\n",
      x, G::top + 10, kPredictedColour, x + 14, G::top + 14, x - 5, G::top + 25, kWrongColour, G::top + 34, x + 5,
      G::top + 50, G::top + 54, G::top + 65, kBand10Colour, G::top + 74, G::top + 85, kBand25Colour, G::top + 94);
  if (with_after)
    svg += diamond(x, G::top + 110, "legend") + "/>" +
           fmt::format("<text x='{}' y='{}'>after calibration {}</text>\n", x + 14, G::top + 114, calibration_id);
  return svg;
}

std::string scatter_chart(const DeviceReportData& data, const std::vector<Point>& points) {
  using G = ScatterGeometry;
  const std::vector<std::pair<double, double>> after = after_points(data);
  std::vector<double> values;
  for (const Point& pt : points)
    if (pt.drawable()) values.insert(values.end(), {pt.measurement->cycles, pt.instance->predicted_cycles});
  for (const auto& [measured, predicted] : after) values.insert(values.end(), {measured, predicted});
  if (values.empty()) return "<p>No measurement has a stored prediction to compare with.</p>\n";
  const Plot p{log_axis(values)};
  std::string svg = svg_open(G::left + G::plot + G::right, G::top + G::plot + G::bottom, "predicted vs measured cycles",
                             fmt::format("log-log axes from {} to {} cycles; x measured, y predicted", grouped(p.axis.lo),
                                         grouped(p.axis.hi)));
  svg += fmt::format("<defs><clipPath id='plot-area'><rect x='{}' y='{}' width='{}' height='{}'/></clipPath></defs>\n",
                     G::left, G::top, G::plot, G::plot);
  svg += band(p, 0.25, kBand25Colour, "band25") + band(p, 0.10, kBand10Colour, "band10") + scatter_grid(p);
  svg += fmt::format("<rect x='{}' y='{}' width='{}' height='{}' fill='none' stroke='#999'/>\n"
                     "<line class='identity' x1='{:.1f}' y1='{:.1f}' x2='{:.1f}' y2='{:.1f}' stroke='#555'/>\n",
                     G::left, G::top, G::plot, G::plot, p.x(p.axis.lo), p.y(p.axis.lo), p.x(p.axis.hi), p.y(p.axis.hi));
  for (const auto& [measured, predicted] : after)
    svg += diamond(p.x(measured), p.y(predicted), "after") +
           fmt::format("><title>after calibration: predicted {}, measured {} ({:+.1f}%)</title></path>\n",
                       grouped(predicted), grouped(measured), error_percent(predicted, measured));
  for (const Point& pt : points)
    if (pt.drawable()) svg += measurement_marker(p, pt);
  svg += fmt::format("<text x='{0}' y='{1}' text-anchor='middle'>measured cycles (median of the board's runs)</text>"
                     "<text x='16' y='{2}' text-anchor='middle' transform='rotate(-90 16 {2})'>predicted cycles</text>\n",
                     G::left + G::plot / 2, G::top + G::plot + 36, G::top + G::plot / 2);
  svg += scatter_legend(!after.empty(), data.calibrations.empty() ? 0 : data.calibrations.back().id);
  svg += "</svg>\n";
  const auto hidden = std::count_if(points.begin(), points.end(), [](const Point& pt) { return !pt.drawable(); });
  if (hidden > 0)
    svg += fmt::format("<p class='faint'>{} not drawn: no stored bench instance (prediction) matches, or a count is "
                       "zero.</p>\n", plural(static_cast<std::size_t>(hidden), "measurement", "measurements"));
  return svg;
}

// ---- per-layer bars ----------------------------------------------------------------------------

struct BarGeometry {
  static constexpr int label = 340, plot = 460, right = 170, top = 34, layer = 18, row = 26, bar = 9, bottom = 20;
};

struct LinearAxis {
  double max, step;
};

LinearAxis linear_axis(double largest) {
  const double step = nice_step(largest > 0 ? largest / 5 : 1);
  return {step * std::ceil(largest / step - 1e-9), step};
}

// The latest measurement of each measured instance of a bench, by (layer, rank, instance).
std::vector<Point> latest_by_instance(const DeviceReportBench& bench, const std::vector<Point>& points) {
  std::map<int, Point> latest;
  for (const Point& pt : points)
    if (pt.instance && pt.measurement->bench_id == bench.bench.id) latest.insert_or_assign(pt.instance->instance, pt);
  std::vector<Point> rows;
  for (const auto& [instance, pt] : latest) rows.push_back(pt);
  std::stable_sort(rows.begin(), rows.end(), [](const Point& a, const Point& b) {
    return std::pair(a.instance->layer_index, a.instance->rank) < std::pair(b.instance->layer_index, b.instance->rank);
  });
  return rows;
}

std::string bar_grid(const LinearAxis& axis, int bottom_y) {
  using G = BarGeometry;
  std::string svg;
  for (double v = 0; v <= axis.max * (1 + 1e-9); v += axis.step) {
    const double x = G::label + G::plot * v / axis.max;
    svg += fmt::format("<line x1='{0:.1f}' x2='{0:.1f}' y1='{1}' y2='{2}' stroke='{3}'/><text class='tick' x='{0:.1f}' "
                       "y='{4}' text-anchor='middle'>{5}</text>\n",
                       x, G::top - 4, bottom_y, kGridColour, G::top - 8, compact(v));
  }
  return svg;
}

// Predicted over measured, the measured interquartile range as a whisker, the error at the end.
std::string bar_row(const Point& pt, const LinearAxis& axis, int y) {
  using G = BarGeometry;
  const MeasurementRecord& m = *pt.measurement;
  const auto at = [&](double v) { return G::label + G::plot * std::max(v, 0.0) / axis.max; };
  const double predicted = pt.instance->predicted_cycles;
  std::string svg = fmt::format("<text x='{}' y='{}' text-anchor='end'>#{} {}<title>instance {}</title></text>\n",
                                G::label - 6, y + G::bar + 3, pt.instance->rank, variant_of(pt), m.instance);
  svg += fmt::format("<rect class='predicted' x='{}' y='{}' width='{:.1f}' height='{}' fill='{}'><title>predicted {} "
                     "cycles</title></rect>\n", G::label, y, std::max(1.0, at(predicted) - G::label), G::bar,
                     kPredictedColour, grouped(predicted));
  const int my = y + G::bar + 1;
  svg += fmt::format("<rect class='measured' x='{}' y='{}' width='{:.1f}' height='{}' fill='{}'><title>measured {} "
                     "cycles (median of {} runs; IQR {} to {})</title></rect>\n",
                     G::label, my, std::max(1.0, at(m.cycles) - G::label), G::bar,
                     m.correct() ? kMeasuredColour : kWrongColour, grouped(m.cycles), m.runs, grouped(m.q1),
                     grouped(m.q3));
  const double mid = my + G::bar / 2.0;
  if (m.q3 > m.q1)
    svg += fmt::format("<path class='iqr' d='M{0:.1f} {1:.1f} H{2:.1f} M{0:.1f} {3:.1f} v6 M{2:.1f} {3:.1f} v6' "
                       "stroke='#333'/>\n", at(m.q1), mid, at(m.q3), mid - 3);
  const std::string error = m.cycles > 0 ? fmt::format("{:+.1f}%", error_percent(predicted, m.cycles)) : "-";
  const double end = std::max({at(predicted), at(m.cycles), at(m.q3)});
  return svg + fmt::format("<text x='{:.1f}' y='{}'>{}{}</text>\n", end + 6, my + 3, error,
                           m.correct() ? "" : " wrong output");
}

std::string bench_bars(const DeviceReportBench& bench, const std::vector<Point>& points) {
  using G = BarGeometry;
  const std::vector<Point> rows = latest_by_instance(bench, points);
  if (rows.empty()) return "";
  double largest = 0;
  int height = G::top;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const MeasurementRecord& m = *rows[i].measurement;
    largest = std::max({largest, rows[i].instance->predicted_cycles, m.cycles, m.q3});
    height += G::row + (i == 0 || rows[i - 1].instance->layer_index != rows[i].instance->layer_index ? G::layer : 0);
  }
  const LinearAxis axis = linear_axis(largest);
  std::string svg =
      fmt::format("<h3>bench <code>{}</code>: {}</h3>\n", short_id(bench.bench.id), html_escape(bench.bench.model));
  svg += svg_open(G::label + G::plot + G::right, height + G::bottom, "predicted and measured cycles per layer",
                  fmt::format("x axis: 0 to {} cycles", grouped(axis.max)));
  svg += fmt::format("<rect x='{0}' y='4' width='12' height='10' fill='{1}'/><text x='{2}' y='13'>predicted</text>"
                     "<rect x='{3}' y='4' width='12' height='10' fill='{4}'/><text x='{5}' y='13'>measured (whisker: "
                     "interquartile range)</text>\n",
                     G::label, kPredictedColour, G::label + 16, G::label + 90, kMeasuredColour, G::label + 106);
  svg += bar_grid(axis, height);
  int y = G::top;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const BenchInstanceRecord& instance = *rows[i].instance;
    if (i == 0 || rows[i - 1].instance->layer_index != instance.layer_index) {
      svg += fmt::format("<text class='layer' x='4' y='{}'>layer {} {}</text>\n", y + 12, instance.layer_index,
                         html_escape(instance.op));
      y += G::layer;
    }
    svg += bar_row(rows[i], axis, y);
    y += G::row;
  }
  return svg + "</svg>\n";
}

// ---- tables ------------------------------------------------------------------------------------

std::string bench_table(const DeviceReportData& data, const std::vector<Point>& points) {
  std::string html = "<table class='benches'><tr><th>bench</th><th>model</th><th>machine</th><th>placement</th>"
                     "<th>instances</th><th>measurements</th><th>created</th></tr>\n";
  for (const DeviceReportBench& b : data.benches) {
    const auto measured = std::count_if(points.begin(), points.end(),
                                        [&](const Point& pt) { return pt.measurement->bench_id == b.bench.id; });
    html += fmt::format("<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
                        "</tr>\n", html_escape(b.bench.id), html_escape(b.bench.model), html_escape(b.bench.machine_name),
                        html_escape(b.bench.placement), b.instances.size(), measured, html_escape(b.bench.created_at));
  }
  return html + "</table>\n";
}

std::string fitted_cell(const Json& summary) {
  std::string html;
  const Json& fitted = member(summary, "fitted");
  if (fitted.is_array())
    for (const Json& f : fitted)
      html += fmt::format("<div><code>{}</code>: {} &rarr; {} {}</div>", value_text(member(f, "key"), "{:g}"),
                          value_text(member(f, "before"), "{:g}"), value_text(member(f, "after"), "{:g}"),
                          member(f, "unit").is_string() ? html_escape(member(f, "unit").get<std::string>()) : "");
  return html.empty() ? "-" : html;
}

std::string unidentified_cell(const Json& summary) {
  std::string html;
  const Json& list = member(summary, "unidentified");
  if (list.is_array())
    for (const Json& u : list)
      html += fmt::format("<div><code>{}</code> ({})</div>", value_text(member(u, "key"), "{:g}"),
                          value_text(member(u, "reason"), "{:g}"));
  return html.empty() ? "-" : html;
}

std::string calibration_row(const costdb::CalibrationRecord& c) {
  const Json summary = summary_of(c);
  const Json &before = member(member(summary, "before"), "all"), &after = member(member(summary, "after"), "all");
  return fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class='l'>{}"
                     "</td><td class='l'>{}</td></tr>\n",
                     c.id, html_escape(c.calibrated_at), value_text(member(summary, "method"), "{:g}"), c.measurements,
                     change(before, after, "mape_percent", "{:.1f}%"), change(before, after, "kendall_tau", "{:.3f}"),
                     change(before, after, "top1_regret_percent", "{:.1f}%"), fitted_cell(summary),
                     unidentified_cell(summary));
}

// The latest calibration's errors per class and per placement.
std::string breakdown_table(const costdb::CalibrationRecord& c) {
  const Json summary = summary_of(c);
  std::string rows;
  for (const char* group : {"by_class", "by_placement"}) {
    const Json& before = member(member(summary, "before"), group);
    if (!before.is_object()) continue;
    for (const auto& [name, b] : before.items()) {
      const Json& a = member(member(member(summary, "after"), group), name.c_str());
      rows += fmt::format("<tr><td class='l'>{}</td><td class='l'>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
                          "</tr>\n", group == std::string_view("by_class") ? "class" : "placement", html_escape(name),
                          value_text(member(b, "measurements"), "{:g}"), change(b, a, "mape_percent", "{:.1f}%"),
                          change(b, a, "kendall_tau", "{:.3f}"), change(b, a, "top1_regret_percent", "{:.1f}%"));
    }
  }
  if (rows.empty()) return "";
  return fmt::format("<p>Calibration {} by kernel class and placement:</p>\n<table><tr><th>by</th><th>name</th>"
                     "<th>measurements</th><th>MAPE</th><th>Kendall &tau;</th><th>top-1 regret</th></tr>\n{}</table>\n",
                     c.id, rows);
}

std::string calibration_history(const DeviceReportData& data) {
  if (data.calibrations.empty())
    return "<p>No calibration yet (<code>pietune calibrate --db</code> fits the machine to these measurements).</p>\n";
  std::string html = "<table><tr><th>id</th><th>date</th><th>method</th><th>measurements</th><th>MAPE</th><th>Kendall "
                     "&tau;</th><th>top-1 regret</th><th>fitted parameters</th><th>unidentified</th></tr>\n";
  for (const costdb::CalibrationRecord& c : data.calibrations) html += calibration_row(c);
  return html + "</table>\n" + breakdown_table(data.calibrations.back());
}

std::string failures_table(const std::vector<Point>& points) {
  std::string rows;
  for (const Point& pt : points) {
    const MeasurementRecord& m = *pt.measurement;
    if (m.correct()) continue;
    rows += fmt::format("<tr class='failure'><td><code>{}</code></td><td>{}</td><td>{}</td><td class='l'>{}</td>"
                        "<td><code>{}</code></td><td><code>{}</code></td></tr>\n",
                        short_id(m.bench_id), m.instance, pt.instance ? std::to_string(pt.instance->layer_index) : "-",
                        variant_of(pt), html_escape(m.output_hash), html_escape(m.expected_hash));
  }
  if (rows.empty()) return "<p>none</p>\n";
  return "<table><tr><th>bench</th><th>instance</th><th>layer</th><th>variant</th><th>board hash</th><th>emulator "
         "hash</th></tr>\n" + rows + "</table>\n";
}

// ---- the top of the page -----------------------------------------------------------------------

std::string counts(const DeviceReportData& data, const std::vector<Point>& points) {
  std::set<std::string> models;
  for (const DeviceReportBench& b : data.benches) models.insert(b.bench.model);
  const auto failures =
      std::count_if(points.begin(), points.end(), [](const Point& pt) { return !pt.measurement->correct(); });
  return fmt::format("<p>Cost database <code>{}</code>: {}, {}, {}, <b>{}</b>.</p>\n", html_escape(data.db_path),
                     plural(data.measurements.size(), "measurement", "measurements"),
                     plural(data.benches.size(), "bench", "benches"), plural(models.size(), "model", "models"),
                     plural(static_cast<std::size_t>(failures), "correctness failure", "correctness failures"));
}

std::string summary(const DeviceReportData& data, const std::vector<Point>& points) {
  std::size_t n = 0, within10 = 0, within25 = 0;
  double sum_abs = 0, sum_signed = 0;
  for (const Point& pt : points) {
    if (!pt.drawable() || !pt.measurement->correct()) continue;
    const double e = error_percent(pt.instance->predicted_cycles, pt.measurement->cycles);
    ++n;
    sum_abs += std::abs(e);
    sum_signed += e;
    within10 += std::abs(e) <= 10;
    within25 += std::abs(e) <= 25;
  }
  std::string html;
  if (n == 0) {
    html = "<p>No measurement with a correct output has a stored prediction: no error to report.</p>\n";
  } else {
    const double bias = sum_signed / static_cast<double>(n);
    html = fmt::format("<p><b>MAPE of the stored predictions: {:.1f}%</b> over {} with correct outputs ({} within "
                       "&#177;10%, {} within &#177;25%); mean signed error {:+.1f}% (the model {} on average).</p>\n",
                       sum_abs / static_cast<double>(n), plural(n, "measurement", "measurements"), within10, within25, bias,
                       bias >= 0 ? "over-predicts" : "under-predicts");
  }
  if (!data.calibrations.empty()) {
    const costdb::CalibrationRecord& c = data.calibrations.back();
    const Json s = summary_of(c);
    html += fmt::format("<p>Last calibration ({}, {}): MAPE {} over its {}.</p>\n", c.id, html_escape(c.calibrated_at),
                        change(member(member(s, "before"), "all"), member(member(s, "after"), "all"), "mape_percent",
                               "{:.1f}%"),
                        plural(static_cast<std::size_t>(std::max(c.measurements, 0)), "measurement", "measurements"));
  }
  return html;
}

constexpr std::string_view kStyle =
    "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;font-size:12px;margin:6px 0}"
    "td,th{border:1px solid #ccc;padding:2px 6px;text-align:right;vertical-align:top}td.l{text-align:left}"
    "table.benches td{text-align:left}tr.failure td{background:#fde9e9}"
    ".faint{color:#777;fill:#777}svg text{font-size:11px}svg text.layer{font-weight:bold}p.faint{font-size:13px}"
    "</style>";

}  // namespace

std::string device_report_html(const DeviceReportData& data) {
  const std::vector<Point> points = points_of(data);
  std::string html = "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>\n";
  html += fmt::format("<title>pietune device report: {}</title>\n{}</head><body>\n<h1>Device measurements</h1>\n",
                      html_escape(data.db_path), kStyle);
  html += counts(data, points) + bench_table(data, points);
  html += "<h2>Summary</h2>\n" + summary(data, points);
  html += "<h2>Predicted vs measured cycles</h2>\n<p class='faint'>One marker per measurement: x the board's median, "
          "y the prediction stored with its bench; log-log axes. On the diagonal the prediction is exact; the shaded "
          "bands are within &#177;10% and &#177;25%.</p>\n" + scatter_chart(data, points);
  html += "<h2>Per layer: predicted and measured cycles of each measured variant</h2>\n<p class='faint'>#rank: 0 is "
          "tune's choice, k its k-th runner-up; the latest measurement of each instance; the error is (predicted - "
          "measured) / measured.</p>\n";
  for (const DeviceReportBench& b : data.benches) html += bench_bars(b, points);
  html += "<h2>Calibration history</h2>\n" + calibration_history(data);
  html += "<h2>Correctness failures</h2>\n<p class='faint'>Measurements whose output hash on the board differs from "
          "the emulator's: the kernel computed something else on silicon.</p>\n" + failures_table(points);
  return html + "</body></html>\n";
}

}  // namespace pietune::tuner
