// A reference UTF-8 encoder for tests (RFC 3629), written apart from the
// server's decoder so that each checks the other.
#ifndef RAPPORT_TESTS_COMMON_UTF8_TESTING_H_
#define RAPPORT_TESTS_COMMON_UTF8_TESTING_H_

#include <string>

namespace rapport::testing {

// The UTF-8 bytes of code point `c` (any value up to U+10FFFF, surrogates
// included, so that tests can also make invalid text).
inline std::string EncodeUtf8(char32_t c) {
  std::string out;
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (c >> 18));
    out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
  return out;
}

}  // namespace rapport::testing

#endif  // RAPPORT_TESTS_COMMON_UTF8_TESTING_H_
