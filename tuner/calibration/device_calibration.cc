// Calibration to device measurements (see the header).
#include "tuner/calibration/device_calibration.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>

#include <fmt/format.h>

#include "kernels/layer_json.h"
#include "model/support/error.h"
#include "model/timing/fast_model.h"
#include "tuner/search/placement.h"

namespace pietune::tuner {
namespace {

// A calibratable parameter with the search bounds of the fit: wide enough for any plausible board
// (several times the documented or inferred value), narrow enough that the search stays physical.
struct Calibratable {
  const char* key;
  double lo, hi;
  double probe;  // the step that tests whether a prediction depends on it
};

constexpr Calibratable kCalibratable[] = {
    {"flash_fill_fixed_ns", 0, 2000, 100},        // a flash line fill: command, address, dummy phase
    {"flash_fill_ns_per_byte", 0, 100, 5},        // and its data phase
    {"psram_fill_fixed_ns", 0, 2000, 100},
    {"psram_fill_ns_per_byte", 0, 50, 2},
    {"psram_writeback_ns_per_byte", 0, 50, 2},
    {"loop_min_body_cycles", 1, 4, 0.5},
    {"store_extra_cycles", 0, 4, 0.5},
    {"flash_loop_back_cycles", 0, 4, 0.5},
    {"sram_latency_cycles", 0, 4, 1},
    {"taken_branch_penalty", 0, 6, 1},
    {"jump_penalty", 0, 6, 1},
    {"loop_setup_cycles", 0, 8, 1},
    {"call_penalty", 0, 6, 1},
    {"return_penalty", 0, 6, 1},
    {"entry_extra_cycles", 0, 4, 1},
    {"window_exception_overhead_cycles", 0, 64, 4},
};

const Calibratable& spec_of(const std::string& key) {
  for (const Calibratable& c : kCalibratable)
    if (key == c.key) return c;
  PIETUNE_CHECK(false) << "not calibratable: " << key;
  return kCalibratable[0];
}

bool is_integer(const std::string& key) { return model::machine_key_range(key)->integer; }

std::string layer_class(const kernels::Layer& layer) {
  switch (layer.op) {
    case kernels::OpKind::kConv2d: return fmt::format("conv_{}x{}", layer.options.filter_h, layer.options.filter_w);
    case kernels::OpKind::kDepthwiseConv2d: return "depthwise";
    case kernels::OpKind::kFullyConnected: return "fully_connected";
    case kernels::OpKind::kAveragePool2d:
    case kernels::OpKind::kMaxPool2d: return "pool";
    case kernels::OpKind::kAdd:
    case kernels::OpKind::kMul: return "elementwise";
    default: {
      std::string name = layer.op_name;
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      return name;
    }
  }
}

}  // namespace

Placement bench_placement(const costdb::BenchRecord& record) {
  const std::string& bench = record.id;
  const nlohmann::json o = nlohmann::json::parse(record.options_json, nullptr, false);
  if (o.is_discarded() || !o.contains("placement"))
    throw InputError(fmt::format("bench {}: its stored options have no placement", bench));
  const nlohmann::json& p = o.at("placement");
  const std::string where = "bench " + bench + " placement";
  return Placement{.activations = parse_region(p.value("activations", "sram"), where, false),
                   .weights = parse_region(p.value("weights", "flash"), where, true),
                   .scratch = parse_region(p.value("scratch", "sram"), where, false),
                   .code_in_iram = p.value("code", "iram") == "iram",
                   .cold_code = p.value("cold_code", false),
                   .warm_inputs = p.value("warm_inputs", true)};
}

namespace {

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

// Fast-mode predictions of every sample with `values` substituted into each bench machine.
class Predictor {
 public:
  explicit Predictor(const DeviceSamples& samples) : samples_(samples) {}

  std::vector<double> predict(const std::map<std::string, double>& values) const {
    std::vector<model::Machine> machines;
    for (const model::Machine& m : samples_.machines) machines.push_back(model::with_param_values(m, values));
    std::vector<std::unique_ptr<model::FastModel>> fast;
    for (const model::Machine& m : machines) fast.push_back(std::make_unique<model::FastModel>(m));
    std::vector<double> out;
    for (const DeviceSample& s : samples_.samples)
      out.push_back(std::max(1.0, estimate_prepared(*fast[s.machine], s.input).cost.cycles));
    return out;
  }

  // Mean squared log ratio predicted / measured.
  double loss(const std::map<std::string, double>& values) const {
    const std::vector<double> p = predict(values);
    double sum = 0;
    for (std::size_t i = 0; i < p.size(); ++i) {
      const double r = std::log(p[i] / samples_.samples[i].measured);
      sum += r * r;
    }
    return sum / static_cast<double>(p.size());
  }

 private:
  const DeviceSamples& samples_;
};

// Golden-section search of continuous parameter `key` over its bounds; keeps the best value.
double fit_continuous(const Predictor& predictor, std::map<std::string, double>& values, const std::string& key) {
  const Calibratable& c = spec_of(key);
  const auto loss_at = [&](double x) {
    values[key] = x;
    return predictor.loss(values);
  };
  double best = values.at(key), best_loss = loss_at(best);
  const double phi = (std::sqrt(5.0) - 1) / 2;
  double a = c.lo, b = c.hi;
  double x1 = b - phi * (b - a), x2 = a + phi * (b - a);
  double f1 = loss_at(x1), f2 = loss_at(x2);
  for (int i = 0; i < 24; ++i) {
    if (f1 < f2) {
      b = x2, x2 = x1, f2 = f1, x1 = b - phi * (b - a), f1 = loss_at(x1);
    } else {
      a = x1, x1 = x2, f1 = f2, x2 = a + phi * (b - a), f2 = loss_at(x2);
    }
  }
  if (std::min(f1, f2) < best_loss - 1e-12) best = f1 < f2 ? x1 : x2, best_loss = std::min(f1, f2);
  values[key] = best;
  return best_loss;
}

// Integer parameter `key`: each value within 2 of the current one, with the continuous parameters
// refitted for it (an integer step is coarse: a continuous parameter would otherwise absorb part of
// its effect and hold the search at the wrong integer).
double fit_integer(const Predictor& predictor, std::map<std::string, double>& values, const std::string& key,
                   const std::vector<std::string>& continuous) {
  const Calibratable& c = spec_of(key);
  std::map<std::string, double> best = values;
  double best_loss = predictor.loss(values);
  const double now = values.at(key);
  for (double x = std::max(c.lo, now - 2); x <= std::min(c.hi, now + 2); x += 1) {
    std::map<std::string, double> trial = values;
    trial[key] = x;
    double loss = predictor.loss(trial);
    for (const std::string& k : continuous) loss = fit_continuous(predictor, trial, k);
    if (loss < best_loss - 1e-12) best = trial, best_loss = loss;
  }
  values = best;
  return best_loss;
}

// Decides which parameters the samples identify (see the header); fills `unidentified`.
std::vector<std::string> identifiable(const Predictor& predictor, const std::map<std::string, double>& values,
                                      std::size_t sample_count, double noise,
                                      std::vector<UnidentifiedParameter>& unidentified) {
  const std::vector<double> base = predictor.predict(values);
  std::vector<std::string> accepted;
  std::vector<std::vector<double>> basis;  // orthonormal sensitivity directions of `accepted`
  std::vector<std::vector<double>> raw;    // their sensitivities as measured
  for (const Calibratable& c : kCalibratable) {
    std::map<std::string, double> probe = values;
    const double v = values.at(c.key);
    probe[c.key] = v + c.probe <= c.hi ? v + c.probe : v - c.probe;
    const std::vector<double> moved = predictor.predict(probe);
    std::vector<double> s(base.size());
    double largest = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
      s[i] = std::log(moved[i] / base[i]);
      largest = std::max(largest, std::abs(s[i]));
    }
    if (largest < 1e-4) {
      unidentified.push_back({c.key, "no measured prediction depends on it"});
      continue;
    }
    double norm = 0;
    for (double x : s) norm += x * x;
    norm = std::sqrt(norm);
    std::vector<double> r = s;
    for (const std::vector<double>& q : basis) {
      double dot = 0;
      for (std::size_t i = 0; i < r.size(); ++i) dot += r[i] * q[i];
      for (std::size_t i = 0; i < r.size(); ++i) r[i] -= dot * q[i];
    }
    double rest = 0;
    for (double x : r) rest += x * x;
    rest = std::sqrt(rest);
    if (rest < 0.25 * norm) {
      std::size_t closest = 0;
      double best_cos = -1;
      for (std::size_t k = 0; k < raw.size(); ++k) {
        double dot = 0, n2 = 0;
        for (std::size_t i = 0; i < s.size(); ++i) dot += s[i] * raw[k][i], n2 += raw[k][i] * raw[k][i];
        const double cosine = std::abs(dot) / (norm * std::sqrt(n2));
        if (cosine > best_cos) best_cos = cosine, closest = k;
      }
      unidentified.push_back({c.key, fmt::format("its effect on these measurements is that of {} (collinear): "
                                                 "measurements of another kind or configuration would separate them",
                                                 accepted[closest])});
      continue;
    }
    if (rest < 2 * noise * std::sqrt(static_cast<double>(r.size()))) {
      unidentified.push_back({c.key, fmt::format("its own effect on the predictions is within the measurements' noise "
                                                 "({:.2g}% per run)",
                                                 100 * noise)});
      continue;
    }
    if (accepted.size() + 1 >= sample_count) {
      unidentified.push_back({c.key, "fewer measurements than parameters"});
      continue;
    }
    for (double& x : r) x /= rest;
    basis.push_back(r);
    raw.push_back(s);
    accepted.push_back(c.key);
  }
  return accepted;
}

FitStats stats_of(const DeviceSamples& samples, const std::vector<double>& predictions,
                  const std::vector<std::size_t>& which) {
  FitStats f;
  f.measurements = static_cast<int>(which.size());
  if (which.empty()) return f;
  double ape = 0;
  std::map<std::pair<std::string, int>, std::vector<std::size_t>> layers;
  for (std::size_t i : which) {
    const DeviceSample& s = samples.samples[i];
    ape += std::abs(predictions[i] - s.measured) / s.measured;
    layers[{s.bench_id, s.layer_index}].push_back(i);
  }
  f.mape_percent = 100 * ape / static_cast<double>(which.size());
  long concordant = 0, discordant = 0;
  double regret = 0;
  int regret_layers = 0;
  for (const auto& [key, members] : layers) {
    if (members.size() < 2) continue;
    for (std::size_t a = 0; a < members.size(); ++a)
      for (std::size_t b = a + 1; b < members.size(); ++b) {
        const double dp = predictions[members[a]] - predictions[members[b]];
        const double dm = samples.samples[members[a]].measured - samples.samples[members[b]].measured;
        if (dp == 0 || dm == 0) continue;
        ((dp > 0) == (dm > 0) ? concordant : discordant)++;
      }
    std::size_t pick = members[0];
    double best_measured = samples.samples[members[0]].measured;
    for (std::size_t m : members) {
      if (predictions[m] < predictions[pick]) pick = m;
      best_measured = std::min(best_measured, samples.samples[m].measured);
    }
    regret += samples.samples[pick].measured / best_measured - 1;
    ++regret_layers;
  }
  if (concordant + discordant > 0)
    f.kendall_tau = static_cast<double>(concordant - discordant) / static_cast<double>(concordant + discordant);
  if (regret_layers > 0) f.top1_regret_percent = 100 * regret / regret_layers;
  return f;
}

nlohmann::ordered_json stats_json(const FitStats& f) {
  return {{"measurements", f.measurements},
          {"mape_percent", f.mape_percent},
          {"kendall_tau", f.kendall_tau ? nlohmann::ordered_json(*f.kendall_tau) : nlohmann::ordered_json()},
          {"top1_regret_percent",
           f.top1_regret_percent ? nlohmann::ordered_json(*f.top1_regret_percent) : nlohmann::ordered_json()}};
}

nlohmann::ordered_json grouped_json(const GroupedStats& g) {
  nlohmann::ordered_json by_class = nlohmann::ordered_json::object(), by_placement = nlohmann::ordered_json::object();
  for (const auto& [k, f] : g.by_class) by_class[k] = stats_json(f);
  for (const auto& [k, f] : g.by_placement) by_placement[k] = stats_json(f);
  return {{"all", stats_json(g.all)}, {"by_class", by_class}, {"by_placement", by_placement}};
}

std::string optional_text(const std::optional<double>& v, const char* format) {
  return v ? fmt::format(fmt::runtime(format), *v) : "-";
}

}  // namespace

const std::vector<std::string>& calibratable_parameters() {
  static const std::vector<std::string> keys = [] {
    std::vector<std::string> k;
    for (const Calibratable& c : kCalibratable) k.emplace_back(c.key);
    return k;
  }();
  return keys;
}

DeviceSamples device_samples(const costdb::Database& db) {
  DeviceSamples out;
  std::map<std::pair<std::string, int>, std::vector<double>> measured, spread;
  for (const costdb::MeasurementRecord& m : db.all_measurements()) {
    if (m.bench_id.empty()) continue;
    if (!m.correct()) {
      ++out.wrong_outputs;
      continue;
    }
    measured[{m.bench_id, m.instance}].push_back(m.cycles);
    if (m.cycles > 0) spread[{m.bench_id, m.instance}].push_back((m.q3 - m.q1) / 1.349 / m.cycles);
  }
  std::map<std::string, std::size_t> machine_of;  // machine hash -> index
  for (const costdb::BenchRecord& bench : db.benches()) {
    const Placement placement = bench_placement(bench);
    for (const costdb::BenchInstanceRecord& i : db.bench_instances(bench.id)) {
      const auto it = measured.find({bench.id, i.instance});
      if (it == measured.end()) continue;
      if (!machine_of.contains(bench.machine_hash)) {
        machine_of[bench.machine_hash] = out.machines.size();
        out.machines.push_back(model::parse_machine(bench.machine_json, "bench " + bench.id + " machine"));
      }
      const kernels::Layer layer =
          kernels::layer_from_json(nlohmann::ordered_json::parse(i.layer_json), i.layer_index);
      const std::optional<kernels::Variant> variant = kernels::parse_variant_name(i.variant);
      if (!variant) throw InputError(fmt::format("bench {} instance {}: unknown variant {}", bench.id, i.instance, i.variant));
      DeviceSample& s = out.samples.emplace_back();
      s.bench_id = bench.id;
      s.instance = i.instance;
      s.layer_index = i.layer_index;
      s.layer_class = layer_class(layer);
      s.placement = bench.placement;
      s.variant = i.variant;
      s.measured = std::max(1.0, median(it->second));
      const auto sp = spread.find({bench.id, i.instance});
      s.spread = sp == spread.end() ? 0 : median(sp->second);
      s.stored_prediction = i.predicted_cycles;
      s.machine = machine_of.at(bench.machine_hash);
      s.input = estimate_input(layer, *variant, placement);
    }
  }
  if (out.samples.empty())
    throw InputError(fmt::format("{}: no device measurements with a right output to calibrate to (run `pietune "
                                 "device-bench`, then `pietune import LOG --db {}`)",
                                 db.path(), db.path()));
  return out;
}

GroupedStats fit_stats(const DeviceSamples& samples, const std::vector<double>& predictions) {
  GroupedStats g;
  std::vector<std::size_t> all;
  std::map<std::string, std::vector<std::size_t>> by_class, by_placement;
  for (std::size_t i = 0; i < samples.samples.size(); ++i) {
    all.push_back(i);
    by_class[samples.samples[i].layer_class].push_back(i);
    by_placement[samples.samples[i].placement].push_back(i);
  }
  g.all = stats_of(samples, predictions, all);
  for (const auto& [k, v] : by_class) g.by_class[k] = stats_of(samples, predictions, v);
  for (const auto& [k, v] : by_placement) g.by_placement[k] = stats_of(samples, predictions, v);
  return g;
}

DeviceCalibration calibrate_to_device(const DeviceSamples& samples) {
  DeviceCalibration result;
  result.before = samples.machines.front();
  const Predictor predictor(samples);
  std::map<std::string, double> values;
  for (const Calibratable& c : kCalibratable) values[c.key] = result.before.params.at(c.key).value;
  const std::map<std::string, double> start = values;
  result.before_predictions = predictor.predict(values);
  result.before_stats = fit_stats(samples, result.before_predictions);

  std::vector<double> spreads;
  for (const DeviceSample& s : samples.samples) spreads.push_back(s.spread);
  // The uncertainty of a median of n runs is about 1.25 sigma / sqrt(n); below 0.1% the boards'
  // repeatability (boot to boot, other core's traffic), not the statistics, is the limit.
  const double noise = std::max(0.001, 1.25 * median(spreads) / std::sqrt(101.0));
  const std::vector<std::string> keys =
      identifiable(predictor, values, samples.samples.size(), noise, result.unidentified);
  std::vector<std::string> continuous;
  for (const std::string& key : keys)
    if (!is_integer(key)) continuous.push_back(key);
  double loss = predictor.loss(values);
  for (int pass = 0; pass < 4; ++pass) {  // until a pass gains nothing
    double after_pass = loss;
    for (const std::string& key : keys)
      after_pass = is_integer(key) ? fit_integer(predictor, values, key, continuous)
                                   : fit_continuous(predictor, values, key);
    if (after_pass > loss * (1 - 1e-6)) break;
    loss = after_pass;
  }

  std::map<std::string, double> changed;
  for (const std::string& key : keys) {
    changed[key] = values.at(key);
    result.fitted.push_back({key, start.at(key), values.at(key), result.before.params.at(key).unit});
  }
  result.after = model::with_param_values(
      result.before, changed,
      fmt::format("calibrated by `pietune calibrate --db` to {} device measurements (bounded coordinate descent on "
                  "the mean squared log error)",
                  samples.samples.size()));
  std::map<std::string, double> after_values = start;
  for (const auto& [k, v] : changed) after_values[k] = v;
  result.after_predictions = predictor.predict(after_values);
  result.after_stats = fit_stats(samples, result.after_predictions);
  return result;
}

nlohmann::ordered_json device_calibration_json(const DeviceSamples& samples, const DeviceCalibration& c) {
  nlohmann::ordered_json fitted = nlohmann::ordered_json::array(), unidentified = nlohmann::ordered_json::array(),
                         points = nlohmann::ordered_json::array();
  for (const FittedParameter& f : c.fitted)
    fitted.push_back({{"key", f.key}, {"before", f.before}, {"after", f.after}, {"unit", f.unit}});
  for (const UnidentifiedParameter& u : c.unidentified) unidentified.push_back({{"key", u.key}, {"reason", u.reason}});
  for (std::size_t i = 0; i < samples.samples.size(); ++i) {
    const DeviceSample& s = samples.samples[i];
    points.push_back({{"bench", s.bench_id}, {"instance", s.instance}, {"layer", s.layer_index},
                      {"variant", s.variant}, {"class", s.layer_class}, {"placement", s.placement},
                      {"measured", s.measured}, {"stored_prediction", s.stored_prediction}, {"before", c.before_predictions[i]},
                      {"after", c.after_predictions[i]}});
  }
  return {{"method", "bounded coordinate descent (golden section; integers by scan with the continuous ones refitted), up to 4 passes, on the mean squared "
                     "log ratio predicted/measured; fast-mode predictions"},
          {"machine_before", c.before.hash_hex()},
          {"machine_after", c.after.hash_hex()},
          {"before", grouped_json(c.before_stats)},
          {"after", grouped_json(c.after_stats)},
          {"fitted", fitted},
          {"unidentified", unidentified},
          {"points", points}};
}

std::string device_calibration_text(const DeviceSamples& samples, const DeviceCalibration& c) {
  std::string out = fmt::format("calibrated to {} measured kernel instances ({} left out: wrong output on the board)\n\n",
                                samples.samples.size(), samples.wrong_outputs);
  out += fmt::format("{:<34} {:>5}  {:>17}  {:>15}  {:>19}\n", "group", "n", "MAPE % before>after",
                     "tau before>after", "regret % before>after");
  const auto row = [&](const std::string& name, const FitStats& b, const FitStats& a) {
    out += fmt::format("{:<34} {:>5}  {:>8.1f} > {:<6.1f}  {:>6} > {:<6}  {:>8} > {:<8}\n", name, b.measurements,
                       b.mape_percent, a.mape_percent, optional_text(b.kendall_tau, "{:.2f}"),
                       optional_text(a.kendall_tau, "{:.2f}"), optional_text(b.top1_regret_percent, "{:.1f}"),
                       optional_text(a.top1_regret_percent, "{:.1f}"));
  };
  row("all", c.before_stats.all, c.after_stats.all);
  for (const auto& [k, f] : c.before_stats.by_class) row("class " + k, f, c.after_stats.by_class.at(k));
  for (const auto& [k, f] : c.before_stats.by_placement) row("placement " + k, f, c.after_stats.by_placement.at(k));
  out += "\nfitted:\n";
  for (const FittedParameter& f : c.fitted)
    out += fmt::format("  {:<34} {:>10.4g} -> {:<10.4g} {}\n", f.key, f.before, f.after, f.unit);
  if (c.fitted.empty()) out += "  (none)\n";
  out += "left alone:\n";
  for (const UnidentifiedParameter& u : c.unidentified) out += fmt::format("  {:<34} {}\n", u.key, u.reason);
  return out;
}

}  // namespace pietune::tuner
