// JSON form of a Layer and of a list of layers (the `pietune inspect --json` output and the JSON
// layer file format, documented in README.md "JSON layer format").
//
// One layer (keys are written in this order):
//   {"index": 0, "op": "DEPTHWISE_CONV_2D", "op_name": "DEPTHWISE_CONV_2D",
//    "inputs":  [{"name": "input", "id": 88, "shape": [1, 96, 96, 1], "type": "int8",
//                 "quantization": {"scales": [0.0039], "zero_points": [-128]}}],
//    "weights": {"shape": [1, 3, 3, 8], "type": "int8", "constant": true,
//                "quantization": {"scales": [...8...], "zero_points": [...], "quantized_dimension": 3}},
//    "bias":    {...}, "outputs": [{...}],
//    "options": {"stride": [2, 2], "padding": "SAME", "pads": {"top": 0, "bottom": 1, "left": 0,
//                "right": 1}, "dilation": [1, 1], "filter": [3, 3], "depth_multiplier": 8,
//                "activation": {"kind": "RELU6", "min": -128, "max": 127}}}
// Pairs are [height, width]. Derived options (filter and groups of CONV_2D, filter and
// depth_multiplier of DEPTHWISE_CONV_2D, pads of CONV/DEPTHWISE/pools) may be left out and are
// then derived; when present they must equal the derived value. Activation min/max left out are
// computed from the output quantization; given, they are taken as they are.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "kernels/layer.h"

namespace pietune::kernels {

nlohmann::ordered_json layer_to_json(const Layer& layer);
nlohmann::ordered_json layers_to_json(const std::vector<Layer>& layers);
// layers_to_json as indented text; bytes of names that are not UTF-8 are replaced, never thrown on.
std::string layers_to_json_text(const std::vector<Layer>& layers);

// One layer from its JSON form, completed and checked (complete_layer). `position` is the index
// used when the object has no "index". Throws pietune::InputError "<what>: <value>", e.g.
// "inputs[0].shape: dimension 1 is -3" or "options.padding: unknown padding 'SAMEE'".
Layer layer_from_json(const nlohmann::ordered_json& json, int position);

// The layers of a document: an array of layer objects or a single layer object. Throws
// pietune::InputError "<where>: layer N: <what>: <value>".
std::vector<Layer> layers_from_json(const nlohmann::ordered_json& document, std::string_view where);

// A JSON layer file's text as a Model named after `file_name` (its stem); errors name the file:
// "<file_name>: invalid JSON: parse error at line 3, column 5: ...", "<file_name>: layer 2: ...",
// "<file_name>: key 'op' given twice" (a repeated key is an error). A UTF-8 byte order mark is skipped.
Model parse_layer_file(std::string_view text, std::string_view file_name);

}  // namespace pietune::kernels
