// The score changes feed's cursor: every position survives the round trip,
// and a cursor is refused under another tenant or team, or altered.
#include "server/api/feed_cursor.h"

#include <random>
#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace rapport::api {
namespace {

using ::testing::StartsWith;

core::FeedPosition RandomPosition(std::mt19937_64& rng) {
  core::FeedPosition p;
  p.since = static_cast<int64_t>(rng() % 1000000);
  if (rng() % 2) {
    p.upto = p.since + static_cast<int64_t>(rng() % 1000);
    // Ids of 0 to 128 characters from the member_id alphabet, ':' included.
    const std::string alphabet = "abcXYZ019._:@-";
    const size_t length = rng() % 129;
    for (size_t i = 0; i < length; ++i) {
      p.after_member_id.push_back(alphabet[rng() % alphabet.size()]);
    }
  }
  return p;
}

TEST(FeedCursorTest, EveryPositionRoundTrips) {
  std::mt19937_64 rng(42);
  for (int i = 0; i < 2000; ++i) {
    const core::FeedPosition p = RandomPosition(rng);
    const std::string team = i % 3 ? absl::StrCat("team ", i % 7) : "";
    const std::string cursor = EncodeFeedCursor(p, "acme", team);
    absl::StatusOr<core::FeedPosition> back =
        DecodeFeedCursor(cursor, "acme", team);
    ASSERT_TRUE(back.ok()) << back.status();
    EXPECT_EQ(back->since, p.since);
    EXPECT_EQ(back->upto, p.upto);
    EXPECT_EQ(back->after_member_id, p.after_member_id);
  }
}

TEST(FeedCursorTest, EmptyIsTheStart) {
  absl::StatusOr<core::FeedPosition> start = DecodeFeedCursor("", "acme", "x");
  ASSERT_TRUE(start.ok());
  EXPECT_EQ(start->since, 0);
  EXPECT_FALSE(start->upto.has_value());
}

TEST(FeedCursorTest, OtherTeamOrTenantIsRefused) {
  core::FeedPosition p{.since = 3, .upto = 9, .after_member_id = "m1"};
  const std::string cursor = EncodeFeedCursor(p, "acme", "north");
  for (const auto& [tenant, team] :
       {std::pair<std::string, std::string>{"acme", "south"},
        {"acme", ""},
        {"other", "north"}}) {
    absl::StatusOr<core::FeedPosition> got =
        DecodeFeedCursor(cursor, tenant, team);
    EXPECT_EQ(got.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(got.status().message()), StartsWith("cursor:"));
  }
}

TEST(FeedCursorTest, EveryAlterationIsRefused) {
  std::mt19937_64 rng(7);
  for (int i = 0; i < 50; ++i) {
    const core::FeedPosition p = RandomPosition(rng);
    std::string raw;
    ASSERT_TRUE(
        absl::WebSafeBase64Unescape(EncodeFeedCursor(p, "acme", "t"), &raw));
    for (size_t at = 0; at < raw.size(); ++at) {
      std::string altered = raw;
      altered[at] = static_cast<char>(altered[at] ^ (1 + rng() % 127));
      absl::StatusOr<core::FeedPosition> got =
          DecodeFeedCursor(absl::WebSafeBase64Escape(altered), "acme", "t");
      EXPECT_EQ(got.status().code(), absl::StatusCode::kInvalidArgument)
          << "byte " << at << " of " << raw;
    }
    // Cut short.
    absl::StatusOr<core::FeedPosition> cut = DecodeFeedCursor(
        absl::WebSafeBase64Escape(raw.substr(0, raw.size() / 2)), "acme", "t");
    EXPECT_EQ(cut.status().code(), absl::StatusCode::kInvalidArgument);
  }
}

}  // namespace
}  // namespace rapport::api
