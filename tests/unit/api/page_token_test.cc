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
