// `rapport goals set`: the request its flags make, and the flag named when
// one is wrong; the goal lines `rapport goals list` and `rapport score`
// print.
#include "client/cli/goal_commands.h"

#include <string>

#include "absl/time/time.h"
#include "client/cli/goal_render.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace rapport::cli {
namespace {

using ::testing::HasSubstr;

TEST(GoalRequestTest, FlagsMakeTheGoal) {
  SetGoalOptions o;
  o.team = "Atlas";
  o.pillar = "find";
  o.target = "15.5";
  o.due = "2027-03-31";
  o.note = "Q1";
  absl::StatusOr<rapport::v1::CreateGoalRequest> r = GoalRequestOf(o);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->goal().team(), "Atlas");
  EXPECT_EQ(r->goal().pillar(), rapport::v1::PILLAR_FIND_RIGHT_PEOPLE);
  EXPECT_EQ(r->goal().target(), 15.5);
  EXPECT_EQ(r->goal().note(), "Q1");
  // Due at the last second of that UTC day.
  EXPECT_EQ(absl::FromUnixSeconds(r->goal().due_time().seconds()),
            absl::FromCivil(absl::CivilSecond(2027, 3, 31, 23, 59, 59),
                            absl::UTCTimeZone()));
}

TEST(GoalRequestTest, AWrongFlagIsNamed) {
  SetGoalOptions good;
  good.member_id = "rep-1";
  good.target = "60";
  good.due = "2027-01-15";
  ASSERT_TRUE(GoalRequestOf(good).ok());
  struct Case {
    std::string flag;
    SetGoalOptions options;
  };
  Case cases[] = {{"--member", good}, {"--member", good}, {"--pillar", good},
                  {"--target", good}, {"--target", good}, {"--due", good},
                  {"--due", good}};
  cases[0].options.member_id.clear();  // Neither subject.
  cases[1].options.team = "Atlas";     // Both.
  cases[2].options.pillar = "charm";
  cases[3].options.target = "";
  cases[4].options.target = "sixty";
  cases[5].options.due = "15/01/2027";
  cases[6].options.due = "";
  for (const Case& c : cases) {
    absl::StatusOr<rapport::v1::CreateGoalRequest> r = GoalRequestOf(c.options);
    ASSERT_FALSE(r.ok()) << c.flag;
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(r.status().message(), HasSubstr(c.flag));
  }
}

TEST(GoalRenderTest, ALineGivesProgressStatusAndDueDate) {
  rapport::v1::GoalProgress p;
  p.mutable_goal()->set_goal_id("g_0123456789abcdef");
  p.mutable_goal()->set_member_id("rep-1");
  p.mutable_goal()->set_target(60);
  p.mutable_goal()->mutable_due_time()->set_seconds(absl::ToUnixSeconds(
      absl::FromCivil(absl::CivilDay(2027, 1, 15), absl::UTCTimeZone())));
  p.set_current(52.3);
  p.set_projected(61);
  p.set_status(rapport::v1::GOAL_STATUS_ON_TRACK);
  const std::string line = RenderGoalLine(p);
  EXPECT_THAT(line, HasSubstr("g_0123456789abcdef"));
  EXPECT_THAT(line, HasSubstr("member rep-1"));
  EXPECT_THAT(line, HasSubstr("SSI 52.3 / 60.0 (projected 61.0)"));
  EXPECT_THAT(line, HasSubstr("on track"));
  EXPECT_THAT(line, HasSubstr("due 2027-01-15"));
  google::protobuf::RepeatedPtrField<rapport::v1::GoalProgress> none;
  EXPECT_EQ(RenderGoalSection(none), "");
}

}  // namespace
}  // namespace rapport::cli
