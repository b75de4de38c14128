#include "server/common/text.h"

#include <cstdint>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace rapport {
namespace {

struct Named {
  char32_t code_point;
  const char* name;
};

// The refused characters worth naming; other controls are "CONTROL
// CHARACTER".
constexpr Named kNames[] = {
    {0x0000, "NULL"},
    {0x0007, "BELL"},
    {0x0008, "BACKSPACE"},
    {0x0009, "CHARACTER TABULATION"},
    {0x000A, "LINE FEED"},
    {0x000D, "CARRIAGE RETURN"},
    {0x001B, "ESCAPE"},
    {0x007F, "DELETE"},
    {0x0085, "NEXT LINE"},
    {0x009B, "CONTROL SEQUENCE INTRODUCER"},
    {0x00AD, "SOFT HYPHEN"},
    {0x034F, "COMBINING GRAPHEME JOINER"},
    {0x061C, "ARABIC LETTER MARK"},
    {0x180E, "MONGOLIAN VOWEL SEPARATOR"},
    {0x200B, "ZERO WIDTH SPACE"},
    {0x200C, "ZERO WIDTH NON-JOINER"},
    {0x200D, "ZERO WIDTH JOINER"},
    {0x200E, "LEFT-TO-RIGHT MARK"},
    {0x200F, "RIGHT-TO-LEFT MARK"},
    {0x2028, "LINE SEPARATOR"},
    {0x2029, "PARAGRAPH SEPARATOR"},
    {0x202A, "LEFT-TO-RIGHT EMBEDDING"},
    {0x202B, "RIGHT-TO-LEFT EMBEDDING"},
    {0x202C, "POP DIRECTIONAL FORMATTING"},
    {0x202D, "LEFT-TO-RIGHT OVERRIDE"},
    {0x202E, "RIGHT-TO-LEFT OVERRIDE"},
    {0x2060, "WORD JOINER"},
    {0x2061, "FUNCTION APPLICATION"},
    {0x2062, "INVISIBLE TIMES"},
    {0x2063, "INVISIBLE SEPARATOR"},
    {0x2064, "INVISIBLE PLUS"},
    {0x2066, "LEFT-TO-RIGHT ISOLATE"},
    {0x2067, "RIGHT-TO-LEFT ISOLATE"},
    {0x2068, "FIRST STRONG ISOLATE"},
    {0x2069, "POP DIRECTIONAL ISOLATE"},
    {0xFEFF, "ZERO WIDTH NO-BREAK SPACE"},
};

bool IsContinuation(unsigned char b) { return (b & 0xC0) == 0x80; }

bool IsControl(char32_t c) { return c <= 0x1F || (c >= 0x7F && c <= 0x9F); }

}  // namespace

Utf8Char DecodeUtf8(absl::string_view text) {
  constexpr Utf8Char kInvalid{0, 1, false};
  const auto byte = [&](size_t i) {
    return static_cast<unsigned char>(text[i]);
  };
  const unsigned char b0 = byte(0);
  if (b0 < 0x80) return {b0, 1, true};
  size_t size;
  char32_t c;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    size = 2;
    c = b0 & 0x1F;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    size = 3;
    c = b0 & 0x0F;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    size = 4;
    c = b0 & 0x07;
  } else {
    return kInvalid;  // A continuation byte, C0/C1 (overlong) or F5-FF.
  }
  if (text.size() < size) return kInvalid;
  for (size_t i = 1; i < size; ++i) {
    if (!IsContinuation(byte(i))) return kInvalid;
    c = (c << 6) | (byte(i) & 0x3F);
  }
  const bool overlong = (size == 3 && c < 0x800) || (size == 4 && c < 0x10000);
  const bool surrogate = c >= 0xD800 && c <= 0xDFFF;
  if (overlong || surrogate || c > 0x10FFFF) return kInvalid;
  return {c, size, true};
}

bool IsValidUtf8(absl::string_view text) {
  while (!text.empty()) {
    const Utf8Char ch = DecodeUtf8(text);
    if (!ch.valid) return false;
    text.remove_prefix(ch.size);
  }
  return true;
}

size_t CodePointCount(absl::string_view text) {
  size_t n = 0;
  while (!text.empty()) {
    text.remove_prefix(DecodeUtf8(text).size);
    ++n;
  }
  return n;
}

bool IsForbiddenInText(char32_t c) {
  if (IsControl(c)) return true;
  switch (c) {
    case 0x00AD:
    case 0x034F:
    case 0x061C:
    case 0x180E:
    case 0xFEFF:
      return true;
    default:
      break;
  }
  if (c >= 0x200B && c <= 0x200F) return true;  // Zero-width, LRM, RLM.
  if (c >= 0x2028 && c <= 0x202E) return true;  // Separators, embeddings.
  if (c >= 0x2060 && c <= 0x2064) return true;  // Word joiner, invisibles.
  if (c >= 0x2066 && c <= 0x2069) return true;  // Isolates.
  if (c >= 0xFDD0 && c <= 0xFDEF) return true;  // Noncharacters.
  return (c & 0xFFFE) == 0xFFFE;                // U+xxFFFE and U+xxFFFF.
}

std::optional<ForbiddenCharacter> FirstForbiddenCharacter(
    absl::string_view text) {
  size_t position = 0;
  while (!text.empty()) {
    const Utf8Char ch = DecodeUtf8(text);
    ++position;
    if (ch.valid && IsForbiddenInText(ch.code_point)) {
      return ForbiddenCharacter{ch.code_point, position};
    }
    text.remove_prefix(ch.size);
  }
  return std::nullopt;
}

std::string DescribeCodePoint(char32_t c) {
  std::string out = absl::StrFormat("U+%04X", static_cast<uint32_t>(c));
  for (const Named& n : kNames) {
    if (n.code_point == c) return absl::StrFormat("%s (%s)", out, n.name);
  }
  if (IsControl(c)) return absl::StrCat(out, " (CONTROL CHARACTER)");
  return out;
}

}  // namespace rapport
