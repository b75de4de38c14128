#include <string>

#include "absl/strings/str_cat.h"
#include "client/cli/validate_command.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace rapport::cli {
namespace {

using ::testing::HasSubstr;

TEST(RenderValidationTest, ATableRowPerPredictorThenTheVerdicts) {
  rapport::v1::GetValidationReportResponse r;
  r.set_team("north");
  r.set_outcome_days(30);
  r.set_confidence(0.95);
  r.set_member_days(120);
  r.set_members(40);
  r.set_model_version("ssi-test");
  r.mutable_start_time()->set_seconds(1735689600);  // 2025-01-01T00:00:00Z.
  r.mutable_end_time()->set_seconds(1743379200);    // 2025-03-31T00:00:00Z.
  r.set_verdict("The summary.");
  for (int p = 0; p < 5; ++p) {
    auto* v = r.add_predictors();
    v->set_pillar(static_cast<rapport::v1::Pillar>(p));
    v->mutable_meetings()->set_rho(0.25 + p / 100.0);
    v->mutable_meetings()->set_ci_low(0.1);
    v->mutable_meetings()->set_ci_high(0.4);
    v->mutable_meetings()->set_significant(p == 4);
    v->set_verdict(absl::StrCat("verdict ", p));
  }
  const std::string out = RenderValidation(r);
  EXPECT_THAT(out, HasSubstr("team north"));
  EXPECT_THAT(out, HasSubstr("scores of 2025-01-01 to 2025-03-31,"));
  EXPECT_THAT(out, HasSubstr("120 member-days of 40 members; 95% intervals"));
  EXPECT_THAT(out, HasSubstr("relationships"));
  EXPECT_THAT(out, HasSubstr("+0.29 [+0.10, +0.40] *"));
  EXPECT_THAT(out, HasSubstr("+0.25 [+0.10, +0.40]  "));
  for (int p = 0; p < 5; ++p) {
    EXPECT_THAT(out, HasSubstr(absl::StrCat("  - verdict ", p, "\n")));
  }
  EXPECT_THAT(out, HasSubstr("\nThe summary.\n"));
  // The verdicts come after the table.
  EXPECT_LT(out.find("relationships"), out.find("verdict 0"));
}

}  // namespace
}  // namespace rapport::cli
