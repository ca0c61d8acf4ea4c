// Text from binary files (a .tflite's tensor names) made safe for JSON, tables and messages.
#pragma once

#include <string>
#include <string_view>

namespace pietune {

// `bytes` with every byte that does not belong to a well-formed UTF-8 sequence (stray continuation
// bytes, truncated or overlong sequences, surrogates, code points past U+10FFFF) replaced by U+FFFD.
// Valid text comes back unchanged.
std::string valid_utf8(std::string_view bytes);

}  // namespace pietune
