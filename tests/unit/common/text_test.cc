// The characters of API text: decoding, counting and the refused set,
// checked against independent references over generated strings.
#include "server/common/text.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/escaping.h"
#include "google/protobuf/stubs/common.h"
#include "google/protobuf/stubs/logging.h"
#include "rapport/v1/activity.pb.h"
#include "tests/common/utf8_testing.h"

namespace rapport {
namespace {

constexpr uint32_t kSeed = 20261129;

std::string Encode(char32_t c) { return ::rapport::testing::EncodeUtf8(c); }

// A random Unicode scalar value, often from the small ranges where the
// interesting characters are.
char32_t RandomScalar(std::mt19937& rng) {
  static constexpr std::pair<char32_t, char32_t> kRanges[] = {
      {0x0000, 0x00FF},   {0x0100, 0x07FF},    {0x0800, 0xD7FF},
      {0xE000, 0xFFFF},   {0x10000, 0x10FFFF}, {0x2000, 0x206F},
      {0x1F300, 0x1FAFF}, {0x0300, 0x036F}};
  const auto& [lo, hi] =
      kRanges[std::uniform_int_distribution<size_t>(0, 7)(rng)];
  return std::uniform_int_distribution<char32_t>(lo, hi)(rng);
}

// The refused set as the API documents it, one range per line.
constexpr std::pair<char32_t, char32_t> kRefused[] = {
    {0x0000, 0x001F}, {0x007F, 0x009F},  // C0, DELETE, C1.
    {0x00AD, 0x00AD}, {0x034F, 0x034F}, {0x061C, 0x061C}, {0x180E, 0x180E},
    {0x200B, 0x200D}, {0x200E, 0x200F}, {0x2028, 0x2029}, {0x202A, 0x202E},
    {0x2060, 0x2064}, {0x2066, 0x2069}, {0xFEFF, 0xFEFF}, {0xFDD0, 0xFDEF},
};

bool InRefusedTable(char32_t c) {
  for (const auto& [lo, hi] : kRefused) {
    if (c >= lo && c <= hi) return true;
  }
  return (c & 0xFFFF) == 0xFFFE || (c & 0xFFFF) == 0xFFFF;
}

TEST(TextTest, DecodesAndCountsEveryGeneratedString) {
  std::mt19937 rng(kSeed);
  for (int round = 0; round < 2000; ++round) {
    std::vector<char32_t> chars(
        std::uniform_int_distribution<size_t>(0, 40)(rng));
    std::string text;
    for (char32_t& c : chars) {
      c = RandomScalar(rng);
      if (c >= 0xD800 && c <= 0xDFFF) c = 0xFFFD;
      text += Encode(c);
    }
    SCOPED_TRACE(::testing::Message()
                 << "seed " << kSeed << " round " << round);
    ASSERT_TRUE(IsValidUtf8(text));
    ASSERT_EQ(CodePointCount(text), chars.size());
    absl::string_view rest = text;
    for (char32_t expected : chars) {
      const Utf8Char ch = DecodeUtf8(rest);
      ASSERT_TRUE(ch.valid);
      ASSERT_EQ(ch.code_point, expected);
      ASSERT_EQ(ch.size, Encode(expected).size());
      rest.remove_prefix(ch.size);
    }
  }
}

TEST(TextTest, ValidityAgreesWithProtobufOverRandomBytes) {
  // Protobuf logs every string it refuses; the test refuses thousands.
  google::protobuf::LogSilencer silence;
  std::mt19937 rng(kSeed);
  const std::vector<std::string> hand = {"\xC0\x80",
                                         "\xC1\xBF",
                                         "\xE0\x80\x80",
                                         "\xE0\x9F\xBF",
                                         "\xED\xA0\x80",
                                         "\xED\xBF\xBF",
                                         "\xF0\x80\x80\x80",
                                         "\xF0\x8F\xBF\xBF",
                                         "\xF4\x90\x80\x80",
                                         "\xF5\x80\x80\x80",
                                         "\xFF",
                                         "\x80",
                                         "\xE2\x82",
                                         "a\xF0\x9F\x98",
                                         "\xEF\xBF\xBF"};
  std::vector<std::string> cases = hand;
  for (int round = 0; round < 20000; ++round) {
    std::string bytes;
    const size_t n = std::uniform_int_distribution<size_t>(1, 8)(rng);
    for (size_t i = 0; i < n; ++i) {
      // Mostly lead and continuation bytes, where the mistakes are.
      bytes += static_cast<char>(
          std::uniform_int_distribution<int>(0, 3)(rng) == 0
              ? std::uniform_int_distribution<int>(0, 255)(rng)
              : std::uniform_int_distribution<int>(0x80, 0xF7)(rng));
    }
    cases.push_back(bytes);
  }
  for (const std::string& bytes : cases) {
    v1::Member member;
    member.set_display_name(bytes);
    v1::Member parsed;
    const bool protobuf_parses =
        parsed.ParseFromString(member.SerializePartialAsString());
    const bool valid = IsValidUtf8(bytes);
    ASSERT_EQ(valid, google::protobuf::internal::IsStructurallyValidUTF8(bytes))
        << "bytes " << absl::CHexEscape(bytes);
    // Rapport relies on this: a request string field is valid UTF-8 or the
    // request does not parse.
    ASSERT_EQ(valid, protobuf_parses) << "bytes " << absl::CHexEscape(bytes);
  }
  for (const std::string& bytes : hand) {
    if (bytes == "\xEF\xBF\xBF") continue;  // U+FFFF: valid, refused later.
    EXPECT_FALSE(IsValidUtf8(bytes)) << absl::CHexEscape(bytes);
  }
}

TEST(TextTest, RefusesExactlyTheDocumentedCharacters) {
  for (char32_t c = 0; c <= 0x10FFFF; ++c) {
    if (c >= 0xD800 && c <= 0xDFFF) continue;
    ASSERT_EQ(IsForbiddenInText(c), InRefusedTable(c)) << DescribeCodePoint(c);
  }
  // The ends of every range are refused and their neighbours, unless in
  // another range, accepted (as a whole string, too).
  for (const auto& [lo, hi] : kRefused) {
    for (char32_t c : {lo, hi}) {
      EXPECT_TRUE(IsForbiddenInText(c)) << DescribeCodePoint(c);
      const auto found = FirstForbiddenCharacter("ab" + Encode(c) + "c");
      ASSERT_TRUE(found.has_value()) << DescribeCodePoint(c);
      EXPECT_EQ(found->code_point, c);
      EXPECT_EQ(found->position, 3u);
    }
    for (char32_t c : {lo - 1, hi + 1}) {
      if (lo == 0 || InRefusedTable(c)) continue;
      EXPECT_FALSE(IsForbiddenInText(c)) << DescribeCodePoint(c);
      EXPECT_FALSE(FirstForbiddenCharacter("ab" + Encode(c) + "c").has_value())
          << DescribeCodePoint(c);
    }
  }
}

TEST(TextTest, FindsTheFirstRefusedCharacterAtItsPosition) {
  std::mt19937 rng(kSeed);
  std::vector<char32_t> refused;
  for (const auto& [lo, hi] : kRefused) {
    for (char32_t c = lo; c <= hi; ++c) refused.push_back(c);
  }
  for (int round = 0; round < 2000; ++round) {
    SCOPED_TRACE(::testing::Message()
                 << "seed " << kSeed << " round " << round);
    std::string text;
    const size_t n = std::uniform_int_distribution<size_t>(0, 30)(rng);
    for (size_t i = 0; i < n; ++i) {
      char32_t c;
      do {
        c = RandomScalar(rng);
      } while ((c >= 0xD800 && c <= 0xDFFF) || InRefusedTable(c));
      text += Encode(c);
    }
    EXPECT_FALSE(FirstForbiddenCharacter(text).has_value());
    const char32_t bad = refused[std::uniform_int_distribution<size_t>(
        0, refused.size() - 1)(rng)];
    // Insert after a random number of characters.
    const size_t before = std::uniform_int_distribution<size_t>(0, n)(rng);
    absl::string_view rest = text;
    size_t offset = 0;
    for (size_t i = 0; i < before; ++i) {
      const size_t size = DecodeUtf8(rest).size;
      rest.remove_prefix(size);
      offset += size;
    }
    const std::string with = text.substr(0, offset) + Encode(bad) +
                             text.substr(offset) + Encode(bad);
    const auto found = FirstForbiddenCharacter(with);
    ASSERT_TRUE(found.has_value());
    EXPECT_EQ(found->code_point, bad);
    EXPECT_EQ(found->position, before + 1);
    EXPECT_EQ(CodePointCount(with), n + 2);
  }
}

TEST(TextTest, DescribesCodePoints) {
  EXPECT_EQ(DescribeCodePoint(0x202E), "U+202E (RIGHT-TO-LEFT OVERRIDE)");
  EXPECT_EQ(DescribeCodePoint(0x1B), "U+001B (ESCAPE)");
  EXPECT_EQ(DescribeCodePoint(0x01), "U+0001 (CONTROL CHARACTER)");
  EXPECT_EQ(DescribeCodePoint(0x9F), "U+009F (CONTROL CHARACTER)");
  EXPECT_EQ(DescribeCodePoint(0x41), "U+0041");
  EXPECT_EQ(DescribeCodePoint(0x1F600), "U+1F600");
  EXPECT_EQ(DescribeCodePoint(0xFFFF), "U+FFFF");
}

}  // namespace
}  // namespace rapport
