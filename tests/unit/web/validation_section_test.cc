#include "server/web/validation_section.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace rapport::web {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

core::ValidationReport Report() {
  core::ValidationReport r;
  r.first_day = absl::CivilDay(2025, 1, 1);
  r.last_day = absl::CivilDay(2025, 3, 31);
  r.outcome_days = 30;
  r.confidence = 0.95;
  r.member_days = 300;
  r.members = 100;
  r.team = "";
  r.verdict = "The SSI predicts meetings <script>alert(1)</script>";
  for (int p = 0; p < 5; ++p) {
    core::PredictorFigures& f = r.predictors.emplace_back();
    f.pillar = static_cast<model::Pillar>(p);
    f.meetings = {.rho = 0.1 * p,
                  .ci_low = 0.1 * p - 0.05,
                  .ci_high = 0.1 * p + 0.05,
                  .member_days = 300,
                  .members = 100,
                  .significant = p > 0};
    f.replies = {.rho = 0.01,
                 .ci_low = -0.1,
                 .ci_high = 0.12,
                 .member_days = 300,
                 .members = 100,
                 .significant = false};
    f.verdict = "a & b";
  }
  return r;
}

TEST(ValidationSectionTest, ShowsEveryPredictorEscaped) {
  const std::string html = RenderValidationSection(Report());
  EXPECT_THAT(html, HasSubstr("Does the score predict outcomes here?"));
  EXPECT_THAT(html, Not(HasSubstr("<script>")));
  EXPECT_THAT(html, HasSubstr("&lt;script&gt;"));
  EXPECT_THAT(html, HasSubstr("a &amp; b"));
  EXPECT_THAT(html, Not(HasSubstr("a & b")));
  for (int p = 0; p < 5; ++p) {
    EXPECT_THAT(html, HasSubstr(absl::StrCat("data-predictor=\"", p, "\"")));
  }
  EXPECT_THAT(html, HasSubstr("Build relationships"));
  EXPECT_THAT(html, HasSubstr("data-significant=\"meetings\""));
  EXPECT_THAT(html, HasSubstr("data-significant=\"\""));
  EXPECT_THAT(html, HasSubstr("2025-01-01"));
  EXPECT_THAT(html, HasSubstr("300 member-days of 100 members"));
}

}  // namespace
}  // namespace rapport::web
