// The HTML report (see the header).
#include "tuner/emit/report_html.h"

#include <algorithm>

#include <fmt/format.h>

namespace pietune::tuner {
namespace {

std::string escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

double number_or(const nlohmann::ordered_json& j, const char* key, double fallback) {
  return j.is_object() && j.contains(key) && j.at(key).is_number() ? j.at(key).get<double>() : fallback;
}

// Horizontal bars per layer: chosen cycles (dark) over baseline cycles (light).
std::string cycles_chart(const nlohmann::ordered_json& layers) {
  double top = 1;
  for (const auto& l : layers) {
    top = std::max(top, number_or(l.at("chosen"), "cycles", 0));
    top = std::max(top, number_or(l.at("baseline"), "cycles", 0));
  }
  const int row = 16, label = 150, width = 600;
  std::string svg = fmt::format("<svg xmlns='http://www.w3.org/2000/svg' width='{}' height='{}' role='img'>\n",
                                label + width + 90, static_cast<int>(layers.size()) * row + 10);
  int y = 4;
  for (const auto& l : layers) {
    const double chosen = number_or(l.at("chosen"), "cycles", 0), base = number_or(l.at("baseline"), "cycles", 0);
    svg += fmt::format("<text x='0' y='{}' font-size='11'>{} {}</text>\n", y + 11, l.at("index").get<int>(),
                       escape(l.at("op").get<std::string>()));
    if (base > 0)
      svg += fmt::format("<rect x='{}' y='{}' width='{:.1f}' height='12' fill='#f4b183'><title>baseline {:.0f} "
                         "cycles</title></rect>\n", label, y, width * base / top, base);
    if (chosen > 0)
      svg += fmt::format("<rect x='{}' y='{}' width='{:.1f}' height='7' fill='#2f5597'><title>chosen {:.0f} "
                         "cycles</title></rect>\n<text x='{:.1f}' y='{}' font-size='10'>{:.0f}</text>\n",
                         label, y + 2, width * chosen / top, chosen, label + width * std::max(chosen, base) / top + 4,
                         y + 10, chosen);
    y += row;
  }
  return svg + "</svg>\n";
}

// MAC/cycle per layer against the 16 MAC/cycle peak.
std::string utilisation_chart(const nlohmann::ordered_json& layers) {
  const int bar = 14, height = 160, peak = 16;
  const int width = std::max(1, static_cast<int>(layers.size())) * bar + 40;
  std::string svg = fmt::format("<svg xmlns='http://www.w3.org/2000/svg' width='{}' height='{}' role='img'>\n", width,
                                height + 30);
  svg += fmt::format("<line x1='30' x2='{}' y1='10' y2='10' stroke='#c00' stroke-dasharray='4'/><text x='0' y='14' "
                     "font-size='10'>16</text><text x='0' y='{}' font-size='10'>0</text>\n", width, height + 10);
  int x = 32;
  for (const auto& l : layers) {
    const double mpc = number_or(l.at("chosen"), "macs_per_cycle", 0);
    const double h = height * std::min(mpc, double{peak}) / peak;
    svg += fmt::format("<rect x='{}' y='{:.1f}' width='{}' height='{:.1f}' fill='#548235'><title>layer {}: {:.2f} "
                       "MAC/cycle</title></rect>\n", x, 10 + height - h, bar - 3, h, l.at("index").get<int>(), mpc);
    svg += fmt::format("<text x='{}' y='{}' font-size='8'>{}</text>\n", x, height + 24, l.at("index").get<int>());
    x += bar;
  }
  return svg + "</svg>\n";
}

std::string layer_rows(const nlohmann::ordered_json& layers) {
  std::string rows;
  for (const auto& l : layers) {
    const auto& c = l.at("chosen");
    const auto& b = l.at("baseline");
    std::string illegal;
    for (const auto& f : l.at("illegal_families"))
      illegal += fmt::format("<div class='why'>not {}: [{}] {}</div>", escape(f.at("family").get<std::string>()),
                             escape(f.at("rule").get<std::string>()), escape(f.at("reason").get<std::string>()));
    rows += fmt::format(
        "<tr><td>{}</td><td>{}</td><td>{}&rarr;{}</td><td>{}</td><td><code>{}</code>{}</td><td>{}</td><td>{}</td>"
        "<td>{}</td><td>{}</td></tr>\n",
        l.at("index").get<int>(), escape(l.at("op").get<std::string>()), escape(l.at("input").get<std::string>()),
        escape(l.at("output").get<std::string>()), l.at("macs").get<std::int64_t>(),
        c.is_null() ? "reference op" : escape(c.at("variant").get<std::string>()), illegal,
        c.is_null() ? "-" : fmt::format("{:.0f}", c.at("cycles").get<double>()),
        c.is_null() ? "-" : fmt::format("{:.2f}", c.at("macs_per_cycle").get<double>()),
        b.is_null() ? "-" : fmt::format("{:.0f}", b.at("cycles").get<double>()),
        l.at("speedup").is_null() ? "-" : fmt::format("{:.2f}x", l.at("speedup").get<double>()));
  }
  return rows;
}

}  // namespace

std::string report_html(const nlohmann::ordered_json& r) {
  const auto& t = r.at("totals");
  const double cycles = t.at("cycles").get<double>();
  std::string html = "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>\n";
  html += fmt::format("<title>pietune: {}</title>\n", escape(r.at("model").get<std::string>()));
  html += "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;font-size:12px}"
          "td,th{border:1px solid #ccc;padding:2px 6px;text-align:right}td:nth-child(5){text-align:left}"
          ".why{color:#777;font-size:11px}</style></head><body>\n";
  html += fmt::format("<h1>{}</h1>\n<p>pietune {} (commit {}), machine {} ({}), {}. Run {}; placement {}.</p>\n",
                      escape(r.at("model").get<std::string>()), escape(r.at("version").get<std::string>()),
                      escape(r.at("commit").get<std::string>()), escape(r.at("machine").get<std::string>()),
                      escape(r.at("machine_hash").get<std::string>()), escape(r.at("date").get<std::string>()),
                      r.at("run_id").get<std::int64_t>(), escape(r.at("options").at("placement").get<std::string>()));
  html += fmt::format("<p><b>{:.0f} cycles</b> predicted for the layers with a kernel ({:.2f} MAC/cycle of the 16 "
                      "MAC/cycle peak); the esp-nn-structured baseline: {:.0f} cycles ({:.2f}x).</p>\n",
                      cycles, cycles > 0 ? static_cast<double>(t.at("macs").get<std::int64_t>()) / cycles : 0.0,
                      t.at("baseline_cycles").get<double>(), cycles > 0 ? t.at("baseline_cycles").get<double>() / cycles : 0.0);
  html += "<h2>Predicted cycles per layer: chosen (dark) and baseline (light)</h2>\n" + cycles_chart(r.at("layers"));
  html += "<h2>MAC/cycle per layer against the 16 MAC/cycle peak</h2>\n" + utilisation_chart(r.at("layers"));
  html += "<h2>Layers</h2>\n<table><tr><th>#</th><th>op</th><th>shape</th><th>MACs</th><th>chosen variant</th>"
          "<th>cycles</th><th>MAC/cycle</th><th>baseline</th><th>speedup</th></tr>\n";
  html += layer_rows(r.at("layers")) + "</table>\n</body></html>\n";
  return html;
}

}  // namespace pietune::tuner
