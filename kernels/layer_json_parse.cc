// Reading layers from their JSON form: strict field checks with the JSON path in every message.
#include <cmath>
#include <initializer_list>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <utility>

#include <fmt/format.h>

#include "kernels/layer_check.h"
#include "kernels/layer_json.h"
#include "model/support/error.h"
#include "model/support/json_input.h"

namespace pietune::kernels {
namespace {

using json = nlohmann::ordered_json;  // keys keep the order they are written in

template <typename... Args>
[[noreturn]] void fail(fmt::format_string<Args...> format, Args&&... args) {
  throw InputError(fmt::format(format, std::forward<Args>(args)...));
}

const char* kind_name(const json& j) { return j.type_name(); }

// How much of a wrong value a message quotes.
constexpr std::size_t kExcerptChars = 60;

// A JSON value with its path from the layer object ("inputs[0].shape"), for messages.
struct Node {
  const json& value;
  std::string path;

  Node field(const char* key) const { return {value.at(key), join(key)}; }
  Node element(std::size_t i) const { return {value.at(i), fmt::format("{}[{}]", path, i)}; }
  std::string join(const char* key) const { return path.empty() ? key : path + "." + key; }
  bool has(const char* key) const { return value.contains(key); }

  void expect_object(std::initializer_list<const char*> allowed) const {
    if (!value.is_object()) fail("{}: expected an object, got {}", where(), kind_name(value));
    for (const auto& [key, unused] : value.items()) {
      bool known = false;
      for (const char* a : allowed) known = known || key == a;
      if (!known) fail("{}: unknown field '{}'", where(), key);
    }
  }
  std::string where() const { return path.empty() ? "layer" : path; }

  std::int64_t integer(std::int64_t min, std::int64_t max) const {
    if (!value.is_number_integer()) fail("{}: expected an integer, got {}", path, json_excerpt(value, kExcerptChars));
    // Unsigned values above INT64_MAX read as negative through get<int64_t>, so test them first.
    if (value.is_number_unsigned() &&
        value.get<std::uint64_t>() > static_cast<std::uint64_t>(max)) {
      fail("{}: {} out of range [{}, {}]", path, json_excerpt(value, kExcerptChars), min, max);
    }
    const auto v = value.get<std::int64_t>();
    if (v < min || v > max) fail("{}: {} out of range [{}, {}]", path, v, min, max);
    return v;
  }
  int int32() const {
    return static_cast<int>(integer(std::numeric_limits<std::int32_t>::min(),
                                    std::numeric_limits<std::int32_t>::max()));
  }
  float number() const {
    if (!value.is_number()) fail("{}: expected a number, got {}", path, json_excerpt(value, kExcerptChars));
    const auto v = value.get<double>();
    if (!std::isfinite(v) || std::fabs(v) > std::numeric_limits<float>::max()) {
      fail("{}: {} is not a finite float", path, json_excerpt(value, kExcerptChars));
    }
    return static_cast<float>(v);
  }
  bool boolean() const {
    if (!value.is_boolean()) fail("{}: expected true or false, got {}", path, json_excerpt(value, kExcerptChars));
    return value.get<bool>();
  }
  std::string string() const {
    if (!value.is_string()) fail("{}: expected a string, got {}", path, json_excerpt(value, kExcerptChars));
    return value.get<std::string>();
  }
  void expect_array(std::size_t max_size) const {
    if (!value.is_array()) fail("{}: expected an array, got {}", path, kind_name(value));
    if (value.size() > max_size) fail("{}: {} elements, at most {}", path, value.size(), max_size);
  }
  // [height, width]
  std::pair<int, int> pair() const {
    if (!value.is_array() || value.size() != 2) {
      fail("{}: expected [height, width], got {}", path, json_excerpt(value, kExcerptChars));
    }
    return {element(0).int32(), element(1).int32()};
  }
};

constexpr std::size_t kMaxListSize = 1u << 24;

Quantization parse_quantization(const Node& n) {
  n.expect_object({"scales", "zero_points", "quantized_dimension"});
  Quantization q;
  if (!n.has("scales")) fail("{}: missing field 'scales'", n.path);
  const Node scales = n.field("scales");
  scales.expect_array(kMaxListSize);
  for (std::size_t i = 0; i < scales.value.size(); ++i) q.scales.push_back(scales.element(i).number());
  if (n.has("zero_points")) {
    const Node zps = n.field("zero_points");
    zps.expect_array(kMaxListSize);
    for (std::size_t i = 0; i < zps.value.size(); ++i) {
      q.zero_points.push_back(zps.element(i).integer(std::numeric_limits<std::int64_t>::min(),
                                                     std::numeric_limits<std::int64_t>::max()));
    }
  }
  if (n.has("quantized_dimension")) q.quantized_dimension = n.field("quantized_dimension").int32();
  return q;
}

TensorDesc parse_tensor(const Node& n) {
  n.expect_object({"name", "id", "shape", "type", "quantization", "constant"});
  TensorDesc t;
  if (n.has("name")) t.name = n.field("name").string();
  if (n.has("id")) t.id = static_cast<int>(n.field("id").integer(-1, std::numeric_limits<std::int32_t>::max()));
  if (!n.has("shape")) fail("{}: missing field 'shape'", n.path);
  const Node shape = n.field("shape");
  shape.expect_array(static_cast<std::size_t>(kMaxRank));
  for (std::size_t i = 0; i < shape.value.size(); ++i) t.shape.push_back(shape.element(i).int32());
  if (n.has("type")) {
    const std::string name = n.field("type").string();
    const auto type = element_type_from_string(name);
    if (!type) fail("{}.type: unknown element type '{}'", n.path, name);
    t.type = *type;
  }
  if (n.has("constant")) t.constant = n.field("constant").boolean();
  if (n.has("quantization")) t.quant = parse_quantization(n.field("quantization"));
  try {
    check_tensor(t, true);  // zero dims are the layer's call (unsupported ops may have them)
  } catch (const InputError& e) {
    fail("{}: {}", n.path, e.what());
  }
  return t;
}

std::vector<TensorDesc> parse_tensor_list(const Node& n) {
  n.expect_array(1u << 16);
  std::vector<TensorDesc> tensors;
  for (std::size_t i = 0; i < n.value.size(); ++i) tensors.push_back(parse_tensor(n.element(i)));
  return tensors;
}

// What the JSON gave for options that complete_layer derives; compared after deriving.
struct GivenDerived {
  std::optional<std::pair<int, int>> filter;
  std::optional<int> groups, depth_multiplier;
  std::optional<PadAmounts> pads;
  std::optional<std::int32_t> act_min, act_max;
};

PadAmounts parse_pads(const Node& n) {
  n.expect_object({"top", "bottom", "left", "right"});
  PadAmounts p;
  constexpr std::int64_t kMaxPad = std::numeric_limits<std::int32_t>::max();
  if (n.has("top")) p.top = static_cast<int>(n.field("top").integer(0, kMaxPad));
  if (n.has("bottom")) p.bottom = static_cast<int>(n.field("bottom").integer(0, kMaxPad));
  if (n.has("left")) p.left = static_cast<int>(n.field("left").integer(0, kMaxPad));
  if (n.has("right")) p.right = static_cast<int>(n.field("right").integer(0, kMaxPad));
  return p;
}

void parse_options(const Node& n, LayerOptions& o, GivenDerived& given) {
  n.expect_object({"stride", "padding", "pads", "dilation", "filter", "depth_multiplier", "groups",
                   "activation", "axis", "axes", "perm", "keep_dims", "beta", "layout"});
  if (n.has("stride")) std::tie(o.stride_h, o.stride_w) = n.field("stride").pair();
  if (n.has("padding")) {
    const std::string name = n.field("padding").string();
    const auto padding = padding_from_string(name);
    if (!padding) fail("{}.padding: unknown padding '{}' (SAME, VALID or EXPLICIT)", n.path, name);
    o.padding = *padding;
  }
  if (n.has("pads")) given.pads = parse_pads(n.field("pads"));
  if (n.has("dilation")) std::tie(o.dilation_h, o.dilation_w) = n.field("dilation").pair();
  if (n.has("filter")) given.filter = n.field("filter").pair();
  if (n.has("depth_multiplier")) given.depth_multiplier = n.field("depth_multiplier").int32();
  if (n.has("groups")) given.groups = n.field("groups").int32();
  if (n.has("activation")) {
    const Node act = n.field("activation");
    act.expect_object({"kind", "min", "max"});
    if (act.has("kind")) {
      const std::string name = act.field("kind").string();
      const auto kind = activation_kind_from_string(name);
      if (!kind) fail("{}.kind: unknown activation '{}'", act.path, name);
      o.activation.kind = *kind;
    }
    if (act.has("min")) given.act_min = act.field("min").int32();
    if (act.has("max")) given.act_max = act.field("max").int32();
  }
  if (n.has("axis")) o.axis = n.field("axis").int32();
  if (n.has("axes")) {
    const Node axes = n.field("axes");
    axes.expect_array(static_cast<std::size_t>(kMaxRank));
    for (std::size_t i = 0; i < axes.value.size(); ++i) o.axes.push_back(axes.element(i).int32());
  }
  if (n.has("perm")) {
    const Node perm = n.field("perm");
    perm.expect_array(static_cast<std::size_t>(kMaxRank));
    for (std::size_t i = 0; i < perm.value.size(); ++i) o.perm.push_back(perm.element(i).int32());
  }
  if (n.has("keep_dims")) o.keep_dims = n.field("keep_dims").boolean();
  if (n.has("beta")) o.beta = n.field("beta").number();
  if (n.has("layout")) {
    const std::string name = n.field("layout").string();
    const auto layout = activation_layout_from_string(name);
    if (!layout) fail("{}.layout: unknown activation layout '{}' (NHWC or NCHW)", n.path, name);
    o.layout = *layout;
  }
}

bool is_pool(OpKind op) { return op == OpKind::kAveragePool2d || op == OpKind::kMaxPool2d; }

// Sets what the JSON gives directly, before complete_layer derives the rest.
void apply_given(Layer& layer, const GivenDerived& given) {
  LayerOptions& o = layer.options;
  if (is_pool(layer.op)) {
    if (!given.filter) fail("options.filter: missing, {} needs the pool size", to_string(layer.op));
    std::tie(o.filter_h, o.filter_w) = *given.filter;
  } else if (given.filter && layer.op != OpKind::kConv2d && layer.op != OpKind::kDepthwiseConv2d) {
    std::tie(o.filter_h, o.filter_w) = *given.filter;
  }
  if (o.padding == Padding::kExplicit) {
    if (!is_spatial(layer.op)) fail("options.padding: EXPLICIT on {}, which has no window", to_string(layer.op));
    if (!given.pads) fail("options.pads: missing, EXPLICIT padding needs top, bottom, left and right");
  }
  if ((layer.op == OpKind::kPad || o.padding == Padding::kExplicit) && given.pads) o.pads = *given.pads;
}

std::string pads_text(const PadAmounts& p) {
  return fmt::format("{},{},{},{}", p.top, p.bottom, p.left, p.right);
}

// Given values of derived options must equal what complete_layer derived.
void compare_given(const Layer& layer, const GivenDerived& given) {
  const LayerOptions& o = layer.options;
  const bool conv = layer.op == OpKind::kConv2d || layer.op == OpKind::kDepthwiseConv2d;
  if (conv && given.filter && *given.filter != std::pair{o.filter_h, o.filter_w}) {
    fail("options.filter: {}x{} does not match weights shape {}", given.filter->first,
         given.filter->second, shape_to_string(layer.weights->shape));
  }
  if (given.groups && *given.groups != o.groups) {
    fail("options.groups: {} does not match input channels / weights input channels = {}",
         *given.groups, o.groups);
  }
  if (given.depth_multiplier && *given.depth_multiplier != o.depth_multiplier) {
    fail("options.depth_multiplier: {} does not match output channels / input channels = {}",
         *given.depth_multiplier, o.depth_multiplier);
  }
  if (given.pads && layer.op != OpKind::kPad && o.padding != Padding::kExplicit) {
    const PadAmounts& g = *given.pads;
    if (g.top != o.pads.top || g.bottom != o.pads.bottom || g.left != o.pads.left ||
        g.right != o.pads.right) {
      fail("options.pads: {} do not match {} derived from {} padding", pads_text(g),
           pads_text(o.pads), to_string(o.padding));
    }
  }
}

Layer parse_layer(const Node& n, int position) {
  n.expect_object({"index", "op", "op_name", "inputs", "outputs", "weights", "bias", "options"});
  Layer layer;
  layer.index = n.has("index") ? n.field("index").int32() : position;
  if (!n.has("op")) fail("missing field 'op'");
  const std::string op = n.field("op").string();
  const auto kind = op_kind_from_string(op);
  if (!kind) {
    fail("op: unknown op '{}' (ops pietune does not model are written \"op\": \"UNSUPPORTED\", "
         "\"op_name\": \"{}\")", op, op);
  }
  layer.op = *kind;
  layer.op_name = n.has("op_name") ? n.field("op_name").string() : op;
  if (!n.has("inputs")) fail("missing field 'inputs'");
  if (!n.has("outputs")) fail("missing field 'outputs'");
  layer.inputs = parse_tensor_list(n.field("inputs"));
  layer.outputs = parse_tensor_list(n.field("outputs"));
  if (n.has("weights")) layer.weights = parse_tensor(n.field("weights"));
  if (n.has("bias")) layer.bias = parse_tensor(n.field("bias"));
  GivenDerived given;
  if (n.has("options")) parse_options(n.field("options"), layer.options, given);
  apply_given(layer, given);
  complete_layer(layer);
  compare_given(layer, given);
  if (given.act_min || given.act_max) {
    if (given.act_min) layer.options.activation.min = *given.act_min;
    if (given.act_max) layer.options.activation.max = *given.act_max;
    check_layer(layer);
  }
  return layer;
}

std::string file_stem(std::string_view file_name) {
  const std::size_t slash = file_name.find_last_of('/');
  std::string_view base = slash == std::string_view::npos ? file_name : file_name.substr(slash + 1);
  const std::size_t dot = base.find_last_of('.');
  if (dot != std::string_view::npos && dot > 0) base = base.substr(0, dot);
  return std::string(base);
}

}  // namespace

Layer layer_from_json(const json& j, int position) {
  try {
    return parse_layer(Node{j, ""}, position);
  } catch (const nlohmann::json::exception& e) {
    // Every value is type-checked before it is read; one missed is still a clean error.
    throw InputError(json_error_message(e));
  }
}

// A layer's "index" names it (in headers, reports and --index) and may be any value from 0 up,
// in any order, with gaps (a slice of a model): only negative and repeated values are refused,
// since two layers would then share one name.
void check_layer_indexes(const std::vector<Layer>& layers, std::string_view where) {
  std::map<int, std::size_t> first_position;
  for (std::size_t i = 0; i < layers.size(); ++i) {
    const int index = layers[i].index;
    if (index < 0) fail("{}: layer {}: index {}: must be 0 or more", where, i, index);
    auto [it, inserted] = first_position.emplace(index, i);
    if (!inserted) fail("{}: layer {}: index {}: already the index of layer {}", where, i, index, it->second);
  }
}

std::vector<Layer> layers_from_json(const json& document, std::string_view where) {
  std::vector<Layer> layers;
  if (document.is_object()) {
    try {
      layers.push_back(layer_from_json(document, 0));
    } catch (const InputError& e) {
      throw InputError(fmt::format("{}: layer 0: {}", where, e.what()));
    }
    check_layer_indexes(layers, where);
    return layers;
  }
  if (!document.is_array()) {
    fail("{}: expected a layer object or an array of layers, got {}", where, kind_name(document));
  }
  if (document.empty()) fail("{}: no layers", where);
  for (std::size_t i = 0; i < document.size(); ++i) {
    try {
      layers.push_back(layer_from_json(document[i], static_cast<int>(i)));
    } catch (const InputError& e) {
      throw InputError(fmt::format("{}: layer {}: {}", where, i, e.what()));
    }
  }
  check_layer_indexes(layers, where);
  return layers;
}

Model parse_layer_file(std::string_view text, std::string_view file_name) {
  // A repeated key is refused, not resolved silently to its last value (as in state files).
  const json document = parse_ordered_json_input(text, file_name, DuplicateKeys::kReject);
  Model model;
  model.name = file_stem(file_name);
  model.layers = layers_from_json(document, file_name);
  return model;
}

}  // namespace pietune::kernels
