// One request line in, one response line out (see the header).
#include "tuner/query/line_protocol.h"

#include <exception>
#include <optional>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "costdb/costdb.h"
#include "model/support/error.h"
#include "model/support/json_input.h"
#include "tuner/query/request_scan.h"

namespace pietune::tuner {
namespace {

using json = nlohmann::ordered_json;

std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

LineResponse error_response(const json& id, const std::string& message) {
  return {dump(json{{"id", id}, {"ok", false}, {"error", message}}), false};
}

void expect_fields(const json& request, std::initializer_list<const char*> allowed) {
  for (const auto& [key, unused] : request.items()) {
    bool known = false;
    for (const char* a : allowed) known = known || key == a;
    if (!known) throw InputError(fmt::format("request: unknown field '{}'", key));
  }
}

const json& field(const json& request, const char* name) {
  const auto it = request.find(name);
  if (it == request.end()) throw InputError(fmt::format("request: missing field '{}'", name));
  return *it;
}

// The answer's fields after "id" and "ok"; a failed answer names its problem in "error".
LineResponse answer_response(const json& id, Answer answer) {
  json response = {{"id", id}, {"ok", answer.status == AnswerStatus::kOk}};
  if (answer.status != AnswerStatus::kOk) response["error"] = answer.message;
  for (auto& [key, value] : answer.json.items()) response[key] = std::move(value);
  return {dump(response), false};
}

LineResponse dispatch(QueryService& service, const json& request, const json& id) {
  const json& method = field(request, "method");
  if (!method.is_string()) throw InputError("request: method: expected a string");
  const std::string& name = method.get_ref<const std::string&>();
  if (name == "shutdown") {
    expect_fields(request, {"id", "method"});
    return {dump(json{{"id", id}, {"ok", true}, {"shutdown", true}}), true};
  }
  if (name == "query") {
    expect_fields(request, {"id", "method", "layer", "variant"});
    const kernels::Layer layer = layer_request_from_json(field(request, "layer"), "layer");
    const auto variant = request.find("variant");
    const VariantRequest wanted =
        variant == request.end() ? VariantRequest{} : variant_request_from_json(*variant, "variant");
    return answer_response(id, service.query(layer, wanted));
  }
  if (name == "explain") {
    expect_fields(request, {"id", "method", "layer", "top"});
    const kernels::Layer layer = layer_request_from_json(field(request, "layer"), "layer");
    int top = 3;
    if (const auto t = request.find("top"); t != request.end()) {
      if (!t->is_number_integer() || t->get<std::int64_t>() < 1 || t->get<std::int64_t>() > 1000)
        throw InputError(fmt::format("top: {}: expected an integer from 1 to 1000", t->dump()));
      top = t->get<int>();
    }
    return answer_response(id, service.explain(layer, top));
  }
  throw InputError(fmt::format("request: method: unknown method '{}' (methods: query, explain, shutdown)", name));
}

// {"id": .., "ok": .., "error": ..?, <the answer's members>} from an answer already in text.
LineResponse text_response(const json& id, const TextAnswer& answer) {
  const bool ok = answer.status == AnswerStatus::kOk;
  std::string text = R"({"id":)" + dump(id) + (ok ? R"(,"ok":true)" : R"(,"ok":false)");
  if (!ok) text += R"(,"error":)" + dump(json(answer.message));
  text += ',';
  text.append(answer.json, 1);  // the answer object's members and its closing brace
  return {std::move(text), false};
}

// A "query" whose members are plain (id, method, layer, variant, each once) goes through
// QueryService::query_text: a layer seen before costs a scan and a lookup instead of a parse.
// nullopt sends the line down the full path, which also words every error.
std::optional<LineResponse> fast_query(QueryService& service, std::string_view line) {
  const std::optional<std::vector<ScannedMember>> members = scan_object(line);
  if (!members) return std::nullopt;
  std::string_view id = "null", method, layer, variant = R"("best")";
  int seen_id = 0, seen_variant = 0;
  for (const ScannedMember& m : *members) {
    if (m.key == "id" && seen_id++ == 0) id = m.value;
    else if (m.key == "method" && method.empty()) method = m.value;
    else if (m.key == "layer" && layer.empty()) layer = m.value;
    else if (m.key == "variant" && seen_variant++ == 0) variant = m.value;
    else return std::nullopt;  // unknown or repeated member
  }
  if (method != R"("query")" || layer.empty() || layer.front() != '{') return std::nullopt;
  try {
    // Parsed as every request is (json_input.h): a deep nest in "id" would overflow the stack when
    // the id is echoed back.
    const json id_value = parse_ordered_json_input(id, "request");
    std::string variant_text;
    if (variant.front() == '"') variant_text = parse_ordered_json_input(variant, "variant").get<std::string>();
    else if (variant.front() == '{') variant_text = std::string(variant);
    if (variant_text.empty()) return std::nullopt;
    return text_response(id_value, service.query_text(layer, variant_text));
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

}  // namespace

LineResponse handle_request_line(QueryService& service, std::string_view line) {
  if (std::optional<LineResponse> fast = fast_query(service, line)) return std::move(*fast);
  json request;
  try {
    request = parse_ordered_json_input(line, "request");
  } catch (const InputError& e) {
    return error_response(nullptr, e.what());
  }
  if (!request.is_object()) return error_response(nullptr, fmt::format("request: expected an object, got {}",
                                                                       request.type_name()));
  const auto id_field = request.find("id");
  const json id = id_field == request.end() ? json(nullptr) : *id_field;
  try {
    return dispatch(service, request, id);
  } catch (const InputError& e) {
    return error_response(id, e.what());
  } catch (const costdb::Error& e) {
    return error_response(id, fmt::format("costdb: {}", e.what()));
  } catch (const std::exception& e) {
    return error_response(id, fmt::format("internal error: {}", e.what()));
  }
}

LineResponse line_too_long_response(std::size_t max_bytes) {
  return error_response(nullptr, fmt::format("request: line longer than {} bytes: not read", max_bytes));
}

}  // namespace pietune::tuner
