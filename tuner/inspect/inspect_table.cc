// Formats the `pietune inspect` table and totals with fmt.
#include "tuner/inspect/inspect_table.h"

#include <algorithm>
#include <array>
#include <vector>

#include <fmt/format.h>

#include "tuner/inspect/model_summary.h"

namespace pietune::tuner {
namespace {

using kernels::Layer;
using kernels::OpKind;

constexpr std::size_t kColumns = 12;
using Row = std::array<std::string, kColumns>;
constexpr std::array<const char*, kColumns> kHeader{
    "#", "op", "input", "output", "kernel", "stride", "padding t/b/l/r", "dilation", "activation",
    "quant", "MACs", "weight B"};
constexpr std::array<bool, kColumns> kRightAligned{true,  false, false, false, false, false,
                                                   false, false, false, false, true,  true};

bool has_fused_activation(OpKind op) {
  return is_spatial(op) || op == OpKind::kFullyConnected || op == OpKind::kAdd ||
         op == OpKind::kMul || op == OpKind::kConcatenation;
}

// Shapes of the activation inputs; long lists (LSTM has 20) are cut after the first.
std::string input_shapes(const Layer& layer) {
  std::vector<std::string> shapes;
  for (const auto& t : layer.inputs) shapes.push_back(kernels::shape_to_string(t.shape));
  if (shapes.empty()) return "-";
  if (shapes.size() > 3) return fmt::format("{} (+{} more)", shapes.front(), shapes.size() - 1);
  return fmt::format("{}", fmt::join(shapes, ", "));
}

std::string output_shapes(const Layer& layer) {
  std::vector<std::string> shapes;
  for (const auto& t : layer.outputs) shapes.push_back(kernels::shape_to_string(t.shape));
  return shapes.empty() ? "-" : fmt::format("{}", fmt::join(shapes, ", "));
}

std::string quant_kind(const Layer& layer) {
  const kernels::TensorDesc* t = layer.weights ? &*layer.weights
                                 : layer.inputs.empty() ? nullptr : &layer.inputs.front();
  if (!t || !t->quant) return "-";
  return t->quant->per_channel() ? "per-channel" : "per-tensor";
}

Row make_row(const Layer& layer) {
  const kernels::LayerOptions& o = layer.options;
  const bool spatial = is_spatial(layer.op);
  const bool conv = layer.op == OpKind::kConv2d || layer.op == OpKind::kDepthwiseConv2d;
  Row row;
  row[0] = std::to_string(layer.index);
  row[1] = layer.op == OpKind::kUnsupported ? layer.op_name + " *" : layer.op_name;
  row[2] = input_shapes(layer);
  row[3] = output_shapes(layer);
  row[4] = spatial ? fmt::format("{}x{}", o.filter_h, o.filter_w) : "-";
  row[5] = spatial ? fmt::format("{}x{}", o.stride_h, o.stride_w) : "-";
  if (spatial || layer.op == OpKind::kPad) {
    row[6] = fmt::format("{}{}/{}/{}/{}", spatial ? std::string(kernels::to_string(o.padding)) + " " : "",
                         o.pads.top, o.pads.bottom, o.pads.left, o.pads.right);
  } else {
    row[6] = "-";
  }
  row[7] = conv ? fmt::format("{}x{}", o.dilation_h, o.dilation_w) : "-";
  row[8] = has_fused_activation(layer.op)
               ? fmt::format("{} [{},{}]", kernels::to_string(o.activation.kind), o.activation.min,
                             o.activation.max)
               : "-";
  row[9] = quant_kind(layer);
  row[10] = group_thousands(layer.macs());
  row[11] = group_thousands(layer.weight_bytes());
  return row;
}

void append_row(std::string& out, const Row& row, const std::array<std::size_t, kColumns>& widths) {
  std::string line;
  for (std::size_t c = 0; c < kColumns; ++c) {
    if (c > 0) line += "  ";
    line += kRightAligned[c] ? fmt::format("{:>{}}", row[c], widths[c])
                             : fmt::format("{:<{}}", row[c], widths[c]);
  }
  while (!line.empty() && line.back() == ' ') line.pop_back();
  out += line + '\n';
}

void append_totals(std::string& out, const kernels::Model& model) {
  const ModelSummary s = summarize(model);
  std::size_t op_width = 3;
  for (const auto& t : s.per_op) op_width = std::max(op_width, t.op.size());
  out += "\ntotals\n";
  out += "  MACs by op kind\n";
  for (const auto& t : s.per_op) {
    out += fmt::format("    {:<{}}  {:>4} layer{}  {:>15}\n", t.op, op_width, t.layers,
                       t.layers == 1 ? " " : "s", group_thousands(t.macs));
  }
  out += fmt::format("    {:<{}}  {:>4} layer{}  {:>15}\n", "all", op_width, model.layers.size(),
                     model.layers.size() == 1 ? " " : "s", group_thousands(s.macs));
  out += fmt::format("  weight bytes             {}\n", group_thousands(s.weight_bytes));
  if (s.largest_activation_layer >= 0) {
    const auto it = std::find_if(model.layers.begin(), model.layers.end(), [&](const Layer& l) {
      return l.index == s.largest_activation_layer;
    });
    out += fmt::format("  largest activation pair  {} bytes (layer {} {}: inputs + outputs)\n",
                       group_thousands(s.largest_activation_bytes), s.largest_activation_layer,
                       it->op_name);
  }
  if (!s.unsupported_layers.empty()) {
    out += fmt::format("  * not modelled by pietune: {} layer{} ({})\n", s.unsupported_layers.size(),
                       s.unsupported_layers.size() == 1 ? "" : "s",
                       fmt::join(s.unsupported_layers, ", "));
  }
}

}  // namespace

std::string group_thousands(std::int64_t value) {
  const bool negative = value < 0;
  std::string digits = std::to_string(value);
  if (negative) digits.erase(0, 1);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return negative ? "-" + out : out;
}

std::string format_inspect_table(const kernels::Model& model) {
  std::vector<Row> rows;
  for (const Layer& layer : model.layers) rows.push_back(make_row(layer));
  std::array<std::size_t, kColumns> widths{};
  for (std::size_t c = 0; c < kColumns; ++c) widths[c] = std::string_view(kHeader[c]).size();
  for (const Row& row : rows) {
    for (std::size_t c = 0; c < kColumns; ++c) widths[c] = std::max(widths[c], row[c].size());
  }
  std::string out = fmt::format("{}: {} layer{}\n", model.name, model.layers.size(),
                                model.layers.size() == 1 ? "" : "s");
  Row header;
  for (std::size_t c = 0; c < kColumns; ++c) header[c] = kHeader[c];
  append_row(out, header, widths);
  for (const Row& row : rows) append_row(out, row, widths);
  append_totals(out, model);
  return out;
}

}  // namespace pietune::tuner
