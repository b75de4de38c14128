#include "client/cli/format.h"

#include "client/cli/names.h"
#include "gtest/gtest.h"

namespace rapport::cli {
namespace {

TEST(SparklineTest, MapsTheRangeOntoEightLevels) {
  EXPECT_EQ(Sparkline({0, 1, 2, 3, 4, 5, 6, 7}), "▁▂▃▄▅▆▇█");
  EXPECT_EQ(Sparkline({10, 80, 10}), "▁█▁");
  EXPECT_EQ(Sparkline({42.5}), "▄");
  EXPECT_EQ(Sparkline({3, 3, 3}), "▄▄▄");
  EXPECT_EQ(Sparkline({}), "");
  EXPECT_EQ(DisplayWidth(Sparkline({1, 5, 2, 9, 4})), 5);
}

TEST(SparklineTest, DownsampleAveragesIntoAtMostMaxPoints) {
  EXPECT_EQ(Downsample({1, 2, 3}, 5), (std::vector<double>{1, 2, 3}));
  EXPECT_EQ(Downsample({1, 3, 5, 7}, 2), (std::vector<double>{2, 6}));
  EXPECT_EQ(Downsample(std::vector<double>(365, 1.0), 90).size(), 90u);
}

TEST(BarTest, HasTheRequestedWidth) {
  EXPECT_EQ(Bar(0, 25, 4), "░░░░");
  EXPECT_EQ(Bar(25, 25, 4), "████");
  EXPECT_EQ(Bar(50, 25, 4), "████");  // Clamped.
  EXPECT_EQ(Bar(-3, 25, 4), "░░░░");  // Clamped.
  EXPECT_EQ(Bar(12.5, 25, 4), "██░░");
  EXPECT_EQ(Bar(1, 8, 1), "▏");
  for (double v : {0.0, 3.3, 7.7, 12.1, 24.9}) {
    EXPECT_EQ(DisplayWidth(Bar(v, 25, 20)), 20) << v;
  }
}

TEST(FormatTest, Numbers) {
  EXPECT_EQ(FormatChange(3.14), "▲3.1");
  EXPECT_EQ(FormatChange(-2), "▼2.0");
  EXPECT_EQ(FormatChange(0.01), "=0.0");
  EXPECT_EQ(FormatRate(0.125), "12.5%");
  EXPECT_EQ(FormatRate(std::nullopt), "-");
  EXPECT_EQ(FormatCount(0), "0");
  EXPECT_EQ(FormatCount(999), "999");
  EXPECT_EQ(FormatCount(1234567), "1,234,567");
  EXPECT_EQ(FormatCount(-1234), "-1,234");
}

TEST(FormatTest, TimesAndDurations) {
  google::protobuf::Timestamp t;
  EXPECT_EQ(FormatTimestamp(t), "-");
  t.set_seconds(1717200000);
  EXPECT_EQ(FormatTimestamp(t), "2024-06-01T00:00:00Z");
  EXPECT_EQ(FormatDate(t), "2024-06-01");
  google::protobuf::Duration d;
  EXPECT_EQ(FormatDuration(d), "-");
  d.set_seconds(45);
  EXPECT_EQ(FormatDuration(d), "45s");
  d.set_seconds(3 * 3600 + 20 * 60);
  EXPECT_EQ(FormatDuration(d), "3h 20m");
  d.set_seconds(2 * 86400 + 4 * 3600);
  EXPECT_EQ(FormatDuration(d), "2d 4h");
}

TEST(FormatTest, ParsesRfc3339) {
  absl::StatusOr<absl::Time> t = ParseTime("2024-06-01T02:00:00+02:00");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(absl::ToUnixSeconds(*t), 1717200000);
  EXPECT_EQ(ToTimestamp(*t).seconds(), 1717200000);
  EXPECT_EQ(ParseTime("yesterday").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseTime("2024-06-01").status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(TableTest, AlignsColumnsByCodePoints) {
  Table t({{"NAME"}, {"SCORE", true}});
  t.AddRow({"Zoë", "7.5"});
  t.AddRow({"Al", "▲12.0"});
  EXPECT_EQ(t.Render(),
            "NAME  SCORE\n"
            "Zoë     7.5\n"
            "Al    ▲12.0\n");
}

TEST(TableTest, PadsMissingCellsAndTrimsTrailingSpaces) {
  Table t({{"A"}, {"B"}});
  t.AddRow({"long value"});
  EXPECT_EQ(t.Render(), "A           B\nlong value\n");
}

TEST(NamesTest, ShortEnumNames) {
  EXPECT_EQ(ChannelName(v1::CHANNEL_LINKEDIN_MESSAGE), "linkedin_message");
  EXPECT_EQ(ChannelName(v1::CHANNEL_UNSPECIFIED), "-");
  EXPECT_EQ(SeniorityName(v1::SENIORITY_C_SUITE), "c_suite");
  EXPECT_EQ(CategoryName(v1::NETWORK_CATEGORY_POWER), "power");
  EXPECT_EQ(EventTypeName(v1::EVENT_TYPE_MESSAGE_SENT), "message_sent");
  EXPECT_EQ(PillarName(v1::PILLAR_BUILD_RELATIONSHIPS), "relationships");
}

TEST(NamesTest, ParsesPillars) {
  EXPECT_EQ(*ParsePillar("brand"), v1::PILLAR_PROFESSIONAL_BRAND);
  EXPECT_EQ(*ParsePillar("engage"), v1::PILLAR_ENGAGE_WITH_INSIGHTS);
  EXPECT_EQ(*ParsePillar("total"), v1::PILLAR_UNSPECIFIED);
  EXPECT_EQ(*ParsePillar("PILLAR_FIND_RIGHT_PEOPLE"),
            v1::PILLAR_FIND_RIGHT_PEOPLE);
  EXPECT_EQ(ParsePillar("charisma").status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace rapport::cli
