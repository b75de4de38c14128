// Characters of API text: UTF-8 decoding, counting characters (Unicode code
// points) and the characters that free text must not hold because they
// would hurt a reader: controls, bidirectional controls that reorder what a
// terminal or page shows, and invisible characters that make two different
// names look the same. Hand-written ranges (no ICU): the list is short and
// stable. Thread-safe: pure functions.
#ifndef RAPPORT_SERVER_COMMON_TEXT_H_
#define RAPPORT_SERVER_COMMON_TEXT_H_

#include <cstddef>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"

namespace rapport {

// One character decoded from the front of UTF-8 text.
struct Utf8Char {
  // The code point; meaningless when !valid.
  char32_t code_point = 0;
  // Bytes consumed: 1 to 4; 1 for an invalid byte.
  size_t size = 1;
  // False for a byte that does not start a well-formed sequence: a stray
  // continuation byte, a truncated sequence, an overlong form, a surrogate
  // (U+D800-U+DFFF) or a value above U+10FFFF.
  bool valid = true;
};

// Decodes the character at the front of `text`, which must not be empty.
Utf8Char DecodeUtf8(absl::string_view text);

// Whether `text` is well-formed UTF-8 (RFC 3629).
bool IsValidUtf8(absl::string_view text);

// The number of characters (code points) of `text`; each invalid byte
// counts as one.
size_t CodePointCount(absl::string_view text);

// Whether free text refuses `c`: C0 controls (U+0000-U+001F, U+007F), C1
// controls (U+0080-U+009F), bidirectional controls (U+061C, U+200E, U+200F,
// U+202A-U+202E, U+2066-U+2069), zero-width and invisible characters
// (U+00AD, U+034F, U+180E, U+200B-U+200D, U+2060-U+2064, U+FEFF), the line
// and paragraph separators U+2028 and U+2029, and noncharacters
// (U+FDD0-U+FDEF and the last two code points of every plane).
bool IsForbiddenInText(char32_t c);

// A refused character found in text.
struct ForbiddenCharacter {
  char32_t code_point = 0;
  // Its position, counting characters from 1.
  size_t position = 0;
};

// The first character of `text` that IsForbiddenInText refuses, or nullopt.
// `text` is expected to be valid UTF-8; an invalid byte is skipped as one
// character (check IsValidUtf8 first).
std::optional<ForbiddenCharacter> FirstForbiddenCharacter(
    absl::string_view text);

// "U+202E (RIGHT-TO-LEFT OVERRIDE)" for a character with a short name in
// the refused list, "U+0001 (CONTROL CHARACTER)" for the other controls,
// "U+XXXX" otherwise (at least four hex digits, upper case).
std::string DescribeCodePoint(char32_t c);

}  // namespace rapport

#endif  // RAPPORT_SERVER_COMMON_TEXT_H_
