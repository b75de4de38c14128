#include "server/metrics/http_request.h"

#include <random>
#include <string>

#include "gtest/gtest.h"
#include "server/web/html.h"

namespace rapport::metrics {
namespace {

TEST(PreflightStatusTest, OnlyGetAndHeadReachTheHandlers) {
  for (const char* path : {"/", "/metrics", "/other", "", "/metrics/"}) {
    EXPECT_EQ(PreflightStatus("GET", path), 0) << path;
    EXPECT_EQ(PreflightStatus("HEAD", path), 0) << path;
  }
  EXPECT_EQ(PreflightStatus("POST", "/"), 405);
  EXPECT_EQ(PreflightStatus("DELETE", "/metrics"), 405);
  EXPECT_EQ(PreflightStatus("PROPFIND", "/metrics/"), 404);
  EXPECT_EQ(PreflightStatus("get", "/"), 405);  // Methods are case-sensitive.
  EXPECT_EQ(PreflightStatus("", "/x"), 404);
}

TEST(PageTeamOfQueryTest, ReadsTheFirstTeamDecoded) {
  EXPECT_EQ(PageTeamOfQuery(""), "");
  EXPECT_EQ(PageTeamOfQuery("team=North"), "North");
  EXPECT_EQ(PageTeamOfQuery("x=1&team=Sales+East&team=West"), "Sales East");
  EXPECT_EQ(PageTeamOfQuery("team=%E2%82%AC%20EU"), "\u20ac EU");
  EXPECT_EQ(PageTeamOfQuery("teams=North"), "");
  EXPECT_EQ(PageTeamOfQuery("team="), "");
}

// The page links to a team as "?team=" + UrlQueryEscape(team): every such
// link must read back as its team, whatever characters the team holds.
TEST(PageTeamOfQueryTest, ReadsBackEveryTeamLinkThePageMakes) {
  std::mt19937 rng(20250615);
  const std::string alphabet =
      "abcXYZ019 -._~+&=%?#/\\\"'<>;,\u00e9\u20ac\U0001F600";
  for (int i = 0; i < 2000; ++i) {
    std::string team;
    const int length = 1 + static_cast<int>(rng() % 24);
    for (int k = 0; k < length; ++k) {
      // Whole UTF-8 sequences: pick a start byte, copy its continuation.
      size_t at = rng() % alphabet.size();
      while ((alphabet[at] & 0xC0) == 0x80) --at;
      team += alphabet[at];
      while (at + 1 < alphabet.size() && (alphabet[at + 1] & 0xC0) == 0x80) {
        team += alphabet[++at];
      }
    }
    EXPECT_EQ(PageTeamOfQuery("team=" + web::UrlQueryEscape(team)), team)
        << "team " << team;
  }
}

}  // namespace
}  // namespace rapport::metrics
