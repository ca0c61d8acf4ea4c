// The C API (tuner/capi/pietune.h) over QueryService: every C++ exception stops here and becomes
// a status code with its message, since unwinding into a C caller is undefined behaviour.
#include "tuner/capi/pietune.h"

#include <cstring>
#include <exception>
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <fmt/format.h>

#include "costdb/costdb.h"
#include "model/support/error.h"
#include "model/timing/machine.h"
#include "tuner/query/query_request.h"
#include "tuner/query/query_service.h"

struct pietune_handle {
  std::unique_ptr<pietune::tuner::QueryService> service;
  std::string last_error;
};

namespace {

using pietune::tuner::Answer;
using pietune::tuner::AnswerStatus;
using pietune::tuner::TextAnswer;

// Copies `text` into a C buffer of `len` bytes, truncating; true when it fit with its NUL.
bool copy_out(std::string_view text, char* out, std::size_t len) {
  if (out == nullptr || len == 0) return text.empty();
  const std::size_t n = text.size() < len - 1 ? text.size() : len - 1;
  std::memcpy(out, text.data(), n);
  out[n] = '\0';
  return n == text.size();
}

int status_of(AnswerStatus status) {
  switch (status) {
    case AnswerStatus::kOk: return PIETUNE_OK;
    case AnswerStatus::kNotCovered: return PIETUNE_NOT_COVERED;
    case AnswerStatus::kIllegal: return PIETUNE_ILLEGAL;
  }
  return PIETUNE_ERROR;
}

// Runs `body` (which returns a status), turning exceptions into statuses and messages.
template <typename Body>
int guarded(pietune_handle* handle, Body&& body) {
  try {
    handle->last_error.clear();
    return body();
  } catch (const pietune::InputError& e) {
    handle->last_error = e.what();
    return PIETUNE_BAD_INPUT;
  } catch (const pietune::costdb::Error& e) {
    handle->last_error = fmt::format("costdb: {}", e.what());
    return PIETUNE_ERROR;
  } catch (const std::bad_alloc&) {
    handle->last_error = "out of memory";
    return PIETUNE_ERROR;
  } catch (const std::exception& e) {
    handle->last_error = fmt::format("internal error: {}", e.what());
    return PIETUNE_ERROR;
  } catch (...) {
    handle->last_error = "internal error: unknown exception";
    return PIETUNE_ERROR;
  }
}

// Writes the answer out; the answer's own status comes first, a truncated OK answer second.
int deliver(pietune_handle* handle, const TextAnswer& answer, char* out_json, std::size_t out_len) {
  const std::string& text = answer.json;
  const bool fit = out_len == 0 || copy_out(text, out_json, out_len);
  if (answer.status != AnswerStatus::kOk) {
    handle->last_error = answer.message;
    return status_of(answer.status);
  }
  if (!fit) {
    handle->last_error = fmt::format("out_json: the answer needs {} bytes, out_len is {}", text.size() + 1, out_len);
    return PIETUNE_BUFFER_TOO_SMALL;
  }
  return PIETUNE_OK;
}

bool bad_arguments(pietune_handle* handle, const char* layer_json, char* out_json, std::size_t out_len) {
  if (layer_json == nullptr) handle->last_error = "layer_json: NULL";
  else if (out_json == nullptr && out_len > 0) handle->last_error = "out_json: NULL with out_len > 0";
  else return false;
  return true;
}

const char* const kNullHandle = "pietune: NULL handle (pietune_open failed?)";

}  // namespace

extern "C" {

const char* pietune_version(void) { return PIETUNE_VERSION; }

pietune_handle* pietune_open(const char* db_path, const char* machine_path, char* err, size_t err_len) {
  try {
    pietune::model::Machine machine = machine_path != nullptr ? pietune::model::load_machine_or_preset(machine_path)
                                                              : pietune::model::default_machine();
    std::optional<pietune::costdb::Database> db;
    if (db_path != nullptr) db = pietune::costdb::Database::open(db_path, pietune::costdb::Access::kReadWriteIfPossible);
    auto handle = std::make_unique<pietune_handle>();
    handle->service = std::make_unique<pietune::tuner::QueryService>(std::move(db), std::move(machine),
                                                                     pietune::tuner::QueryServiceOptions{});
    copy_out("", err, err_len);
    return handle.release();
  } catch (const pietune::costdb::Error& e) {
    copy_out(fmt::format("costdb: {}", e.what()), err, err_len);
  } catch (const std::exception& e) {
    copy_out(e.what(), err, err_len);
  } catch (...) {
    copy_out("internal error: unknown exception", err, err_len);
  }
  return nullptr;
}

int pietune_query(pietune_handle* handle, const char* layer_json, const char* variant, double* cycles, char* out_json,
                  size_t out_len) {
  if (handle == nullptr) return PIETUNE_BAD_INPUT;
  return guarded(handle, [&] {
    if (bad_arguments(handle, layer_json, out_json, out_len)) return PIETUNE_BAD_INPUT;
    const TextAnswer answer = handle->service->query_text(layer_json, variant != nullptr ? variant : "best");
    if (cycles != nullptr && answer.status == AnswerStatus::kOk) *cycles = answer.cycles;
    return deliver(handle, answer, out_json, out_len);
  });
}

int pietune_explain(pietune_handle* handle, const char* layer_json, int top, char* out_json, size_t out_len) {
  if (handle == nullptr) return PIETUNE_BAD_INPUT;
  return guarded(handle, [&] {
    if (bad_arguments(handle, layer_json, out_json, out_len)) return PIETUNE_BAD_INPUT;
    const pietune::kernels::Layer layer = pietune::tuner::layer_request_from_text(layer_json, "layer");
    const Answer answer = handle->service->explain(layer, top);
    return deliver(handle,
                   {answer.status, answer.cycles, answer.message,
                    answer.json.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace)},
                   out_json, out_len);
  });
}

const char* pietune_last_error(const pietune_handle* handle) {
  return handle != nullptr ? handle->last_error.c_str() : kNullHandle;
}

void pietune_close(pietune_handle* handle) { delete handle; }

}  // extern "C"
