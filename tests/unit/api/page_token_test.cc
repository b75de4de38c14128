#include "server/api/page_token.h"

#include "gtest/gtest.h"

namespace rapport::api {
namespace {

TEST(PageTokenTest, RoundTrips) {
  const std::string token = EncodePageToken("team-a", "rep:42");
  absl::StatusOr<std::string> cursor = DecodePageToken(token, "team-a");
  ASSERT_TRUE(cursor.ok()) << cursor.status();
  EXPECT_EQ(*cursor, "rep:42");
}

TEST(PageTokenTest, EmptyTokenIsTheFirstPage) {
  absl::StatusOr<std::string> cursor = DecodePageToken("", "anything");
  ASSERT_TRUE(cursor.ok());
  EXPECT_EQ(*cursor, "");
}

TEST(PageTokenTest, OnlyShortWebSafeBase64IsDecoded) {
  // Every character of a real token, with a control, a space, a padding
  // newline or a non-ASCII character spliced in, is refused; so is a token
  // longer than any the server issues.
  const std::string token = EncodePageToken("f", std::string(128, 'm'));
  ASSERT_TRUE(DecodePageToken(token, "f").ok());
  for (const std::string& bad : {std::string("\x1b"), std::string(" "),
                                 std::string("\n"), std::string("\xC3\xA9")}) {
    for (size_t at = 0; at <= token.size(); at += 7) {
      std::string spliced = token;
      spliced.insert(at, bad);
      EXPECT_EQ(DecodePageToken(spliced, "f").status().message(),
                "page_token: is not a token this server issued")
          << at;
    }
  }
  EXPECT_EQ(DecodePageToken(std::string(1025, 'A'), "f").status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(PageTokenTest, RefusesGarbageAndOtherFilters) {
  EXPECT_EQ(DecodePageToken("not a token!", "f").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(DecodePageToken("bm9wZQ", "f").status().code(),
            absl::StatusCode::kInvalidArgument);
  const std::string token = EncodePageToken("team-a", "rep-1");
  absl::Status s = DecodePageToken(token, "team-b").status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message().substr(0, 10), "page_token");
}

}  // namespace
}  // namespace rapport::api
