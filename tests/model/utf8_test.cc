// utf8_test: valid_utf8 keeps well-formed UTF-8 and replaces every byte of a malformed sequence
// with U+FFFD, so a name read from a binary file can always be written as JSON.
#include <gtest/gtest.h>

#include <string>

#include <nlohmann/json.hpp>

#include "model/support/utf8.h"

namespace pietune {
namespace {

const std::string kFffd = "\xEF\xBF\xBD";

TEST(ValidUtf8, WellFormedTextIsUnchanged) {
  for (const std::string& text : {std::string(""), std::string("conv/Relu6"), std::string("\xC2\xB5s \xE2\x82\xAC \xF0\x9F\x98\x80"),
                                 std::string("nul\0inside", 10)})
    EXPECT_EQ(valid_utf8(text), text);
}

TEST(ValidUtf8, MalformedBytesAreReplacedOneByOne) {
  EXPECT_EQ(valid_utf8("a\xFFz"), "a" + kFffd + "z");
  EXPECT_EQ(valid_utf8("\x80"), kFffd);                        // stray continuation byte
  EXPECT_EQ(valid_utf8("\xC2"), kFffd);                        // truncated at the end
  EXPECT_EQ(valid_utf8("\xC0\xAF"), kFffd + kFffd);            // overlong '/'
  EXPECT_EQ(valid_utf8("\xED\xA0\x80"), kFffd + kFffd + kFffd);  // a surrogate
  EXPECT_EQ(valid_utf8("\xF4\x90\x80\x80"), kFffd + kFffd + kFffd + kFffd);  // past U+10FFFF
  EXPECT_EQ(valid_utf8("\xE2\x82z"), kFffd + kFffd + "z");     // cut short before an ASCII byte
}

TEST(ValidUtf8, EveryTwoByteStringBecomesWritableJson) {
  for (int a = 0; a < 256; ++a)
    for (int b = 0; b < 256; b += 7) {
      const std::string bytes{static_cast<char>(a), static_cast<char>(b)};
      EXPECT_NO_THROW((void)nlohmann::json(valid_utf8(bytes)).dump()) << a << " " << b;
    }
}

}  // namespace
}  // namespace pietune
