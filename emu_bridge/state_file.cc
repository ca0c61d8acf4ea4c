// State file reading: JSON to StateFile, validating every key, value, length and address.
#include "emu_bridge/state_file.h"

#include <algorithm>

#include <fmt/format.h>

#include "emu_bridge/asm/asm_names.h"
#include "emu_bridge/memory_map.h"
#include "emu_bridge/state_file_hex.h"
#include "model/support/bounded_read.h"
#include "model/support/error.h"
#include "model/support/json_input.h"

namespace pietune::emu {
namespace {

using Json = nlohmann::json;

constexpr std::string_view kTopKeys = "ar, q, accx, qacc_l, qacc_h, sar, sar_byte, memory";

// A state file holds at most every mapped byte twice over as hex, with room for the rest.
constexpr std::uint64_t kMaxStateFileBytes = 128u << 20;

// The JSON value as a message shows it: its type, and the value itself when it is short.
std::string describe(const Json& value) { return fmt::format("{} {}", value.type_name(), json_excerpt(value, 40)); }

// All mapped memory: what the blocks of one state file may add up to (they may overlap, but more
// than this cannot be meant and would only cost memory).
std::uint64_t mapped_bytes() {
  std::uint64_t total = 0;
  for (const RegionInfo& r : memory_regions()) total += r.size_bytes;
  return total;
}

// Bytes from `addr` to the end of its region: the most a block starting there can hold (0 when
// unmapped).
std::uint64_t room_from(std::uint32_t addr) {
  for (const RegionInfo& r : memory_regions())
    if (addr >= r.base && addr - r.base < r.size_bytes) return r.end() - std::uint64_t{addr};
  return 0;
}

class StateReader {
 public:
  StateReader(std::string_view name, std::filesystem::path base_dir) : name_(name), base_dir_(std::move(base_dir)) {}

  StateFile read(std::string_view text) {
    const Json root = parse_json_input(text, name_, DuplicateKeys::kReject);
    if (!root.is_object()) fail("", fmt::format("expected a JSON object, got {}", describe(root)));
    StateFile state;
    for (const auto& [key, value] : root.items()) {
      if (key == "ar") read_ar(value, state);
      else if (key == "q") read_q(value, state);
      else if (key == "accx") state.accx = sign_extend40(integer(value, "accx", -(std::int64_t{1} << 39), (std::int64_t{1} << 40) - 1));
      else if (key == "qacc_l") state.qacc_l = fixed_hex<20>(value, "qacc_l");
      else if (key == "qacc_h") state.qacc_h = fixed_hex<20>(value, "qacc_h");
      else if (key == "sar") state.sar = static_cast<std::uint32_t>(integer(value, "sar", 0, 63));
      else if (key == "sar_byte") state.sar_byte = static_cast<std::uint32_t>(integer(value, "sar_byte", 0, 15));
      else if (key == "memory") read_memory(value, state);
      else if (key == "instructions") integer(value, "instructions", 0, INT64_MAX);  // a dump's count: ignored
      else fail("", fmt::format("unknown key '{}' (expected {})", key, kTopKeys));
    }
    return state;
  }

 private:
  [[noreturn]] void fail(std::string_view where, std::string_view what) const {
    if (where.empty()) throw InputError(fmt::format("{}: {}", name_, what));
    throw InputError(fmt::format("{}: {}: {}", name_, where, what));
  }

  // A JSON integer or a "0x..." string, inside [min, max].
  std::int64_t integer(const Json& value, std::string_view where, std::int64_t min, std::int64_t max) const {
    std::int64_t result = 0;
    if (value.is_number_unsigned()) {
      const auto u = value.get<std::uint64_t>();
      if (u > static_cast<std::uint64_t>(max)) fail(where, fmt::format("{} out of range {}..{}", u, min, max));
      result = static_cast<std::int64_t>(u);
    } else if (value.is_number_integer()) {
      result = value.get<std::int64_t>();
    } else if (value.is_string() && (value.get<std::string>().starts_with("0x") || value.get<std::string>().starts_with("0X"))) {
      const std::string text = value.get<std::string>();
      const std::string_view digits = std::string_view(text).substr(2);
      if (digits.empty() || digits.size() > 16) fail(where, fmt::format("bad hex integer '{}'", text));
      std::uint64_t u = 0;
      for (char c : digits) {
        int d = -1;
        if (c >= '0' && c <= '9') d = c - '0';
        else if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F') d = c - 'A' + 10;
        if (d < 0) fail(where, fmt::format("bad hex integer '{}'", text));
        u = u * 16 + static_cast<std::uint64_t>(d);
      }
      if (u > static_cast<std::uint64_t>(max)) fail(where, fmt::format("{} out of range {}..{}", text, min, max));
      result = static_cast<std::int64_t>(u);
    } else {
      fail(where, fmt::format("expected an integer, got {}", describe(value)));
    }
    if (result < min || result > max) fail(where, fmt::format("{} out of range {}..{}", result, min, max));
    return result;
  }

  static std::int64_t sign_extend40(std::int64_t value) {
    return static_cast<std::int64_t>(static_cast<std::uint64_t>(value) << 24) >> 24;
  }

  std::vector<std::uint8_t> hex(const Json& value, std::string_view where) const {
    if (!value.is_string()) fail(where, fmt::format("expected a hex string, got {}", describe(value)));
    HexDecode decoded = from_hex(value.get<std::string>());
    if (!decoded.error.empty()) fail(where, decoded.error);
    return std::move(decoded.bytes);
  }

  template <std::size_t kBytes>
  std::array<std::uint8_t, kBytes> fixed_hex(const Json& value, std::string_view where) const {
    if (!value.is_string()) fail(where, fmt::format("expected a hex string, got {}", describe(value)));
    const std::size_t digits = value.get<std::string>().size();
    if (digits != 2 * kBytes)
      fail(where, fmt::format("expected {} hex digits ({} bytes), got {}", 2 * kBytes, kBytes, digits));
    const std::vector<std::uint8_t> bytes = hex(value, where);
    std::array<std::uint8_t, kBytes> out{};
    std::copy(bytes.begin(), bytes.end(), out.begin());
    return out;
  }

  const Json& object(const Json& value, std::string_view where) const {
    if (!value.is_object()) fail(where, fmt::format("expected an object, got {}", describe(value)));
    return value;
  }

  void read_ar(const Json& value, StateFile& state) const {
    for (const auto& [key, v] : object(value, "ar").items()) {
      const std::optional<model::Operand> reg = parse_register(key);
      const std::string where = fmt::format("ar.{}", key);
      if (!reg || reg->kind != model::OperandKind::kAr) fail("ar", fmt::format("unknown register '{}' (a2..a15)", key));
      if (reg->value < kFirstStateAr)
        fail(where, "set by the emulator (a0 is the return address, a1 the stack pointer); give a2..a15");
      state.ar[static_cast<std::size_t>(reg->value)] =
          static_cast<std::uint32_t>(integer(v, where, INT32_MIN, UINT32_MAX));
    }
  }

  void read_q(const Json& value, StateFile& state) const {
    for (const auto& [key, v] : object(value, "q").items()) {
      const std::optional<model::Operand> reg = parse_register(key);
      if (!reg || reg->kind != model::OperandKind::kQr) fail("q", fmt::format("unknown register '{}' (q0..q7)", key));
      state.q[static_cast<std::size_t>(reg->value)] = fixed_hex<16>(v, fmt::format("q.{}", key));
    }
  }

  void read_memory(const Json& value, StateFile& state) const {
    if (!value.is_array()) fail("memory", fmt::format("expected an array, got {}", describe(value)));
    std::uint64_t total = 0;
    for (std::size_t i = 0; i < value.size(); ++i) {
      const std::string where = fmt::format("memory[{}]", i);
      const Json& block = object(value[i], where);
      if (block.contains("hex") && block.contains("file")) fail(where, "give either \"hex\" or \"file\", not both");
      MemoryBlock out;
      bool has_addr = false;
      bool has_data = false;
      std::string file_field;
      for (const auto& [key, v] : block.items()) {
        const std::string field = fmt::format("{}.{}", where, key);
        if (key == "addr") {
          out.addr = static_cast<std::uint32_t>(integer(v, field, 0, UINT32_MAX));
          has_addr = true;
        } else if (key == "hex") {
          out.bytes = hex(v, field);
          has_data = true;
        } else if (key == "file") {
          if (!v.is_string() || v.get<std::string>().empty())
            fail(field, fmt::format("expected a file name, got {}", describe(v)));
          out.file = v.get<std::string>();
          file_field = field;
          has_data = true;
        } else {
          fail(where, fmt::format("unknown key '{}' (expected addr and hex or file)", key));
        }
      }
      if (!has_addr) fail(where, "missing \"addr\"");
      if (!has_data) fail(where, "missing \"hex\" or \"file\"");
      // Read once the address is known: a block can be no larger than the rest of its region.
      if (!out.file.empty()) out.bytes = read_file(out.file, file_field, out.addr);
      if (out.bytes.empty()) fail(where, "empty block");
      check_mapped(out, where);
      total += out.bytes.size();
      if (total > mapped_bytes())
        fail("memory", fmt::format("blocks total more than the {} bytes of mapped memory", mapped_bytes()));
      state.memory.push_back(std::move(out));
    }
  }

  // A block's file, at most the bytes from `addr` to the end of its region (an unmapped address
  // gets the largest region's size, and check_mapped's message).
  std::vector<std::uint8_t> read_file(const std::string& file, std::string_view where, std::uint32_t addr) const {
    std::filesystem::path path(file);
    if (path.is_relative()) path = base_dir_ / path;
    std::uint64_t room = room_from(addr);
    const bool mapped = room > 0;
    if (!mapped)
      for (const RegionInfo& r : memory_regions()) room = std::max<std::uint64_t>(room, r.size_bytes);
    BoundedRead read = read_bounded(path, room);
    if (read.outcome == BoundedRead::Outcome::kTooLarge)
      fail(where, fmt::format("'{}': {} ({})", path.string(), read.reason,
                              mapped ? fmt::format("the bytes from 0x{:08x} to the end of its region", addr)
                                     : std::string("the largest region")));
    if (!read.ok()) fail(where, fmt::format("cannot read '{}': {}", path.string(), read.reason));
    return {read.bytes.begin(), read.bytes.end()};
  }

  void check_mapped(const MemoryBlock& block, std::string_view where) const {
    const std::uint64_t end = std::uint64_t{block.addr} + block.bytes.size();
    if (end <= std::uint64_t{1} << 32 && Memory::mapped(block.addr, static_cast<std::uint32_t>(block.bytes.size())))
      return;
    std::string regions;
    for (const RegionInfo& r : memory_regions())
      regions += fmt::format("{}{} 0x{:08x}..0x{:08x}", regions.empty() ? "" : ", ", to_string(r.region), r.base, r.end() - 1);
    fail(where, fmt::format("block 0x{:08x}..0x{:08x} ({} bytes) is not inside one mapped region ({})", block.addr,
                            end - 1, block.bytes.size(), regions));
  }

  std::string_view name_;
  std::filesystem::path base_dir_;
};

}  // namespace

std::array<std::uint32_t, kArgCount> StateFile::args() const {
  std::array<std::uint32_t, kArgCount> out{};
  for (int i = 0; i < kArgCount; ++i) out[static_cast<std::size_t>(i)] = ar[static_cast<std::size_t>(kFirstStateAr + i)].value_or(0);
  return out;
}

StateFile parse_state(std::string_view json_text, std::string_view name, const std::filesystem::path& base_dir) {
  // Every value is type-checked before it is read; a get<>() missed on the way is still a clean error.
  return read_json_input(name, [&] { return StateReader(name, base_dir).read(json_text); });
}

StateFile load_state_file(const std::string& path) {
  const BoundedRead read = read_bounded(path, kMaxStateFileBytes);
  if (read.outcome == BoundedRead::Outcome::kTooLarge)
    throw InputError(fmt::format("{}: {}: too large for a state file", path, read.reason));
  if (!read.ok()) throw InputError(fmt::format("{}: cannot open state file: {}", path, read.reason));
  return parse_state(read.bytes, path, std::filesystem::path(path).parent_path());
}

}  // namespace pietune::emu
