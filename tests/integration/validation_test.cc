// The validation report over a real SqliteStore: recorded daily history and
// outcome events generated with a fixed seed, with the relation between
// them planted (or not) by the test.
#include "server/core/validation.h"

#include <algorithm>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/model/score_snapshot.h"
#include "server/scoring/model.h"
#include "server/store/sqlite_store.h"
#include "tests/common/temp_dir.h"

namespace rapport::core {
namespace {

using ::testing::HasSubstr;

const store::TenantId kTenant = "acme";
// 2025-06-01 12:00 UTC: as_of's day is 2025-06-01.
const absl::Time kAsOf = absl::FromCivil(
    absl::CivilSecond(2025, 6, 1, 12, 0, 0), absl::UTCTimeZone());
const absl::CivilDay kAsOfDay(2025, 6, 1);

// What the generated outcomes follow.
enum class Plant {
  kNothing,                      // Outcomes independent of every score.
  kMeetingsFollowRelationships,  // And replies follow find-the-right-people.
};

class ValidationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store::SqliteStoreOptions options;
    options.path = dir_.File("rapport.db");
    auto store = store::SqliteStore::Open(options);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
    model_.version = "validation-test-1";
    validation_ = std::make_unique<ScoreValidation>(store_.get(), &model_);
  }

  // `members` members of team `team`, with a snapshot for every day from
  // `first` to as_of's day and outcome events drawn from `seed`: each day a
  // meeting is booked with a probability of relationships/50 (under
  // kMeetingsFollowRelationships; else 0.25), and a thread the member starts
  // gets a reply the same day with a probability of find/50 (else 0.25).
  // A member's pillars drift day to day around a level of their own.
  void Generate(int members, const std::string& team, absl::CivilDay first,
                Plant plant, unsigned seed) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<double> level(0, 25);
    std::normal_distribution<double> drift(0, 1.5);
    std::uniform_real_distribution<double> coin(0, 1);
    const auto clamp = [](double v) { return std::clamp(v, 0.0, 25.0); };
    for (int m = 0; m < members; ++m) {
      model::Member member;
      member.member_id = absl::StrCat(team, "-", m);
      member.team = team;
      ASSERT_TRUE(store_->UpsertMember(kTenant, member, kAsOf).ok());
      std::array<double, 4> base = {level(rng), level(rng), level(rng),
                                    level(rng)};
      std::vector<model::ScoreSnapshot> snapshots;
      std::vector<model::Event> events;
      std::array<double, 4> previous{};
      for (absl::CivilDay day = first; day <= kAsOfDay; ++day) {
        // Outcomes of `day` follow the pillars of the day before.
        const double p_meeting =
            plant == Plant::kNothing ? 0.25 : previous[3] / 50;
        const double p_reply =
            plant == Plant::kNothing ? 0.25 : previous[1] / 50;
        const absl::Time morning = absl::FromCivil(
            absl::CivilSecond(day) + 9 * 3600, absl::UTCTimeZone());
        if (day > first && coin(rng) < p_meeting) {
          model::Event e;
          e.event_id = absl::StrCat(member.member_id, "-meet-",
                                    absl::FormatCivilTime(day));
          e.member_id = member.member_id;
          e.occur_time = morning;
          e.type = model::EventType::kMeetingBooked;
          e.channel = model::Channel::kPhone;
          e.contact.contact_id =
              absl::StrCat("c-", m, "-", absl::FormatCivilTime(day));
          events.push_back(e);
        }
        if (day > first && coin(rng) < p_reply) {
          const std::string thread =
              absl::StrCat("t-", m, "-", absl::FormatCivilTime(day));
          model::Event out;
          out.event_id = absl::StrCat(member.member_id, "-out-",
                                      absl::FormatCivilTime(day));
          out.member_id = member.member_id;
          out.occur_time = morning;
          out.type = model::EventType::kMessageSent;
          out.channel = model::Channel::kEmail;
          out.contact.contact_id =
              absl::StrCat("r-", m, "-", absl::FormatCivilTime(day));
          out.thread_id = thread;
          model::Event in = out;
          in.event_id = absl::StrCat(member.member_id, "-in-",
                                     absl::FormatCivilTime(day));
          in.occur_time = morning + absl::Hours(2);
          in.type = model::EventType::kMessageReceived;
          events.push_back(out);
          events.push_back(in);
        }
        model::ScoreSnapshot s;
        s.member_id = member.member_id;
        s.day = day;
        s.model_version = model_.version;
        for (int p = 0; p < 4; ++p) {
          s.pillars[p] = clamp(base[p] + drift(rng));
          s.total += s.pillars[p];
        }
        previous = s.pillars;
        snapshots.push_back(s);
      }
      ASSERT_TRUE(store_->WriteScoreSnapshots(kTenant, snapshots).ok());
      auto outcomes = store_->AppendEvents(kTenant, events);
      ASSERT_TRUE(outcomes.ok()) << outcomes.status();
      for (store::AppendOutcome o : *outcomes) {
        ASSERT_EQ(o, store::AppendOutcome::kAccepted);
      }
    }
  }

  ValidationReport MustReport(const ValidationRequest& request) {
    absl::StatusOr<ValidationReport> report =
        validation_->Report(kTenant, request);
    EXPECT_TRUE(report.ok()) << report.status();
    return report.ok() ? *std::move(report) : ValidationReport{};
  }

  ::rapport::testing::TempDir dir_;
  std::unique_ptr<store::SqliteStore> store_;
  scoring::ScoringModel model_;
  std::unique_ptr<ScoreValidation> validation_;
};

const PredictorFigures& Of(const ValidationReport& r, model::Pillar p) {
  return r.predictors[static_cast<int>(p)];
}

TEST_F(ValidationTest, FindsThePlantedRelationsAt95Percent) {
  Generate(40, "north", kAsOfDay - 200, Plant::kMeetingsFollowRelationships,
           20251130);
  ValidationRequest request;
  request.as_of = kAsOf;
  request.outcome_days = 7;
  request.history_days = 120;
  const ValidationReport r = MustReport(request);
  ASSERT_EQ(r.predictors.size(), 5u);
  for (int p = 0; p < 5; ++p) {
    EXPECT_EQ(static_cast<int>(r.predictors[p].pillar), p);
  }
  EXPECT_EQ(r.confidence, 0.95);
  EXPECT_EQ(r.last_day, kAsOfDay - 1 - 7);
  EXPECT_EQ(r.first_day, r.last_day - 119);
  // Every day is recorded: each member gives the days last_day, last_day -
  // 7, ... down to first_day.
  EXPECT_EQ(r.members, 40);
  EXPECT_EQ(r.member_days, 40 * ((120 - 1) / 7 + 1));
  EXPECT_EQ(r.model_version, "validation-test-1");

  const PredictorFigures& relate = Of(r, model::Pillar::kBuildRelationships);
  EXPECT_TRUE(relate.meetings.significant);
  EXPECT_GT(relate.meetings.rho, 0.3);
  EXPECT_GT(relate.meetings.ci_low, 0);
  EXPECT_EQ(relate.meetings.member_days, r.member_days);
  EXPECT_EQ(relate.meetings.members, 40);
  EXPECT_THAT(relate.verdict,
              HasSubstr("Build relationships predicts meetings in this "
                        "tenant (rho "));
  const PredictorFigures& find = Of(r, model::Pillar::kFindRightPeople);
  EXPECT_TRUE(find.replies.significant);
  EXPECT_GT(find.replies.rho, 0.3);
  EXPECT_THAT(find.verdict, HasSubstr("and predicts replies (rho "));
  // Brand was planted to nothing: no reliable relation at 95% (seeded).
  const PredictorFigures& brand = Of(r, model::Pillar::kProfessionalBrand);
  EXPECT_FALSE(brand.meetings.significant) << brand.verdict;
  EXPECT_THAT(brand.verdict,
              HasSubstr("shows no reliable relation to meetings"));
  EXPECT_THAT(r.verdict, HasSubstr("Build relationships"));
  EXPECT_THAT(r.verdict, HasSubstr("Find the right people"));
  // Every interval holds its rho.
  for (const PredictorFigures& p : r.predictors) {
    for (const CorrelationFigures* c : {&p.meetings, &p.replies}) {
      EXPECT_LE(c->ci_low, c->rho);
      EXPECT_GE(c->ci_high, c->rho);
      EXPECT_EQ(c->significant, c->ci_low > 0 || c->ci_high < 0);
    }
  }
}

TEST_F(ValidationTest, NothingPlantedIsNotSignificantAt95Percent) {
  Generate(40, "north", kAsOfDay - 200, Plant::kNothing, 7);
  ValidationRequest request;
  request.as_of = kAsOf;
  request.outcome_days = 7;
  request.history_days = 120;
  const ValidationReport r = MustReport(request);
  ASSERT_EQ(r.predictors.size(), 5u);
  EXPECT_GT(r.member_days, 100);
  const PredictorFigures& relate = Of(r, model::Pillar::kBuildRelationships);
  EXPECT_FALSE(relate.meetings.significant) << relate.verdict;
  EXPECT_LT(relate.meetings.ci_low, 0);
  EXPECT_GT(relate.meetings.ci_high, 0);
  EXPECT_THAT(relate.verdict,
              HasSubstr("Build relationships shows no reliable relation to "
                        "meetings in this tenant (rho "));
  EXPECT_THAT(relate.verdict, HasSubstr("95% CI"));
  const PredictorFigures& find = Of(r, model::Pillar::kFindRightPeople);
  EXPECT_FALSE(find.replies.significant) << find.verdict;
}

TEST_F(ValidationTest, MembersDaysBeingAlikeDoesNotInventRelations) {
  // Pillar levels persist per member, so a member's days are alike: taken
  // as independent member-days, pillars planted to nothing came out
  // significant at 95% in about half of such tenants. Over ten seeded
  // tenants, the unrelated pillars (brand and engage, against meetings and
  // replies: 40 correlations) must be significant about as rarely as the
  // confidence says, and the planted one found every time.
  int false_findings = 0;
  int found = 0;
  for (unsigned seed = 1; seed <= 10; ++seed) {
    const std::string team = absl::StrCat("seed-", seed);
    Generate(30, team, kAsOfDay - 200, Plant::kMeetingsFollowRelationships,
             seed);
    ValidationRequest request;
    request.as_of = kAsOf;
    request.team = team;
    request.outcome_days = 7;
    request.history_days = 120;
    const ValidationReport r = MustReport(request);
    for (model::Pillar p : {model::Pillar::kProfessionalBrand,
                            model::Pillar::kEngageWithInsights}) {
      false_findings += Of(r, p).meetings.significant;
      false_findings += Of(r, p).replies.significant;
      EXPECT_GE(Of(r, p).meetings.effective_member_days, 30);
      EXPECT_LT(Of(r, p).meetings.effective_member_days, r.member_days);
    }
    found += Of(r, model::Pillar::kBuildRelationships).meetings.significant;
  }
  EXPECT_LE(false_findings, 6) << "of 40 at 95%";
  EXPECT_EQ(found, 10);
}

TEST_F(ValidationTest, ReadsTheSameHistoryPerDayAsPerMember) {
  // The tenant's history is read day by day, each team's member by member.
  Generate(20, "east", kAsOfDay - 60, Plant::kNothing, 3);
  Generate(15, "west", kAsOfDay - 45, Plant::kNothing, 4);
  // A day recorded under another model is skipped either way.
  const int outcome_days = 29;
  const absl::CivilDay last = kAsOfDay - 1 - outcome_days;
  model::ScoreSnapshot stale{"east-0", last, 50, {}, "old-model", std::nullopt};
  ASSERT_TRUE(store_->WriteScoreSnapshots(kTenant, {stale}).ok());
  ValidationRequest request;
  request.as_of = kAsOf;
  request.outcome_days = outcome_days;
  request.history_days = 30;
  const ValidationReport tenant = MustReport(request);
  request.team = "east";
  const ValidationReport east = MustReport(request);
  request.team = "west";
  const ValidationReport west = MustReport(request);
  EXPECT_EQ(tenant.member_days, east.member_days + west.member_days);
  EXPECT_EQ(tenant.members, 35);
  // East gives last and last - 29, but east-0 only last - 1 (last - 30 is
  // before the window); west, recorded from last - 15, gives last only.
  EXPECT_EQ(east.member_days, 19 * 2 + 1);
  EXPECT_EQ(west.member_days, 15);
}

TEST_F(ValidationTest, OutcomeWindowsOfOneMemberNeverOverlap) {
  // Whatever the data, each member gives the days last_day, last_day -
  // outcome_days, ... that fall in the history window and were recorded.
  Generate(5, "south", kAsOfDay - 150, Plant::kNothing, 1);
  for (int outcome_days : {1, 7, 30, 45, 90}) {
    ValidationRequest request;
    request.as_of = kAsOf;
    request.outcome_days = outcome_days;
    request.history_days = 90;
    const ValidationReport r = MustReport(request);
    const int per_member = std::max(
        0, std::min((90 - 1) / outcome_days + 1,
                    // Days recorded before the window starts do not count.
                    static_cast<int>((r.last_day - (kAsOfDay - 150)) /
                                     outcome_days) +
                        1));
    EXPECT_EQ(r.member_days, 5 * per_member) << outcome_days;
    EXPECT_EQ(r.outcome_days, outcome_days);
  }
}

TEST_F(ValidationTest, CountsExactlyTheOutcomesInsideTheWindow) {
  // One member per outcome count, with one recorded day: the day's score is
  // the number of meetings planted in (day, day + outcome_days], and
  // meetings planted on the day itself and just after the window are noise
  // that must not be counted: rho is then exactly 1.
  const int outcome_days = 5;
  const absl::CivilDay day = kAsOfDay - 1 - outcome_days;
  for (int m = 0; m < 12; ++m) {
    model::Member member;
    member.member_id = absl::StrCat("m", m);
    ASSERT_TRUE(store_->UpsertMember(kTenant, member, kAsOf).ok());
    model::ScoreSnapshot s{
        member.member_id,       day,
        static_cast<double>(m), {0, 0, 0, static_cast<double>(m)},
        model_.version,         std::nullopt};
    ASSERT_TRUE(store_->WriteScoreSnapshots(kTenant, {s}).ok());
    std::vector<model::Event> events;
    auto meeting = [&](absl::Time t, int i) {
      model::Event e;
      e.event_id = absl::StrCat(member.member_id, "-", i);
      e.member_id = member.member_id;
      e.occur_time = t;
      e.type = model::EventType::kMeetingBooked;
      e.channel = model::Channel::kPhone;
      e.contact.contact_id = "c";
      e.quantity = 1;
      return e;
    };
    // Noise outside the window: the day itself, the day after it ends.
    events.push_back(meeting(model::EndOfDay(day) - absl::Minutes(1), 1000));
    events.push_back(
        meeting(model::EndOfDay(day + outcome_days) + absl::Minutes(1), 1001));
    for (int i = 0; i < m; ++i) {
      // Spread over the window, first and last instants included.
      const absl::Time t =
          i % 2 == 0
              ? model::EndOfDay(day) + absl::Microseconds(1)
              : model::EndOfDay(day + outcome_days) - absl::Microseconds(1);
      events.push_back(meeting(t, i));
    }
    ASSERT_TRUE(store_->AppendEvents(kTenant, events).ok());
  }
  // A snapshot of another model version is not used.
  model::ScoreSnapshot stale{"m0", day - outcome_days, 99,
                             {},   "old-model",        std::nullopt};
  ASSERT_TRUE(store_->WriteScoreSnapshots(kTenant, {stale}).ok());
  ValidationRequest request;
  request.as_of = kAsOf;
  request.outcome_days = outcome_days;
  request.history_days = 30;
  const ValidationReport r = MustReport(request);
  EXPECT_EQ(r.last_day, day);
  EXPECT_EQ(r.member_days, 12);
  EXPECT_NEAR(r.predictors[0].meetings.rho, 1, 1e-12);
  EXPECT_NEAR(Of(r, model::Pillar::kBuildRelationships).meetings.rho, 1, 1e-12);
  // Constant pillars give no correlation.
  EXPECT_EQ(Of(r, model::Pillar::kProfessionalBrand).meetings.rho, 0);
  EXPECT_FALSE(Of(r, model::Pillar::kProfessionalBrand).meetings.significant);
}

TEST_F(ValidationTest, TooLittleHistoryIsAVerdictNotAnError) {
  Generate(3, "tiny", kAsOfDay - 40, Plant::kNothing, 5);
  ValidationRequest request;
  request.as_of = kAsOf;
  request.team = "tiny";
  const ValidationReport r = MustReport(request);
  EXPECT_LT(r.member_days, 10);
  EXPECT_EQ(r.team, "tiny");
  EXPECT_THAT(r.verdict, HasSubstr("Too little history to judge in team tiny"));
  for (const PredictorFigures& p : r.predictors) {
    EXPECT_THAT(p.verdict,
                HasSubstr(absl::StrCat("too little history: ", r.member_days,
                                       " member-days, at least 10 needed")));
    EXPECT_FALSE(p.meetings.significant);
  }
}

TEST_F(ValidationTest, RefusesOutOfRangeFieldsByNameAndUnknownTeams) {
  Generate(2, "north", kAsOfDay - 10, Plant::kNothing, 5);
  struct Case {
    int history_days;
    int outcome_days;
    double confidence;
    const char* field;
  };
  for (const Case& c : std::vector<Case>{{29, 0, 0, "history_days"},
                                         {731, 0, 0, "history_days"},
                                         {-1, 0, 0, "history_days"},
                                         {0, 91, 0, "outcome_days"},
                                         {0, -3, 0, "outcome_days"},
                                         {0, 0, 0.4999, "confidence"},
                                         {0, 0, 0.9995, "confidence"},
                                         {0, 0, 1, "confidence"}}) {
    ValidationRequest request;
    request.as_of = kAsOf;
    request.history_days = c.history_days;
    request.outcome_days = c.outcome_days;
    request.confidence = c.confidence;
    absl::StatusOr<ValidationReport> r = validation_->Report(kTenant, request);
    ASSERT_TRUE(absl::IsInvalidArgument(r.status())) << c.field;
    EXPECT_THAT(r.status().message(), HasSubstr(absl::StrCat(c.field, ": ")));
  }
  // The bounds themselves and zeros (the defaults) are accepted.
  for (const Case& c : std::vector<Case>{
           {30, 1, 0.5, ""}, {730, 90, 0.999, ""}, {0, 0, 0, ""}}) {
    ValidationRequest request;
    request.as_of = kAsOf;
    request.history_days = c.history_days;
    request.outcome_days = c.outcome_days;
    request.confidence = c.confidence;
    EXPECT_TRUE(validation_->Report(kTenant, request).ok());
  }
  ValidationRequest defaults;
  defaults.as_of = kAsOf;
  const ValidationReport r = MustReport(defaults);
  EXPECT_EQ(r.history_days, 90);
  EXPECT_EQ(r.outcome_days, 30);
  EXPECT_EQ(r.confidence, 0.95);
  ValidationRequest unknown = defaults;
  unknown.team = "nobody-here";
  EXPECT_TRUE(absl::IsNotFound(validation_->Report(kTenant, unknown).status()));
}

TEST_F(ValidationTest, DailyReportIsComputedOncePerDay) {
  Generate(12, "north", kAsOfDay - 100, Plant::kNothing, 9);
  auto first = validation_->DailyReport(kTenant, kAsOf);
  ASSERT_TRUE(first.ok());
  auto again = validation_->DailyReport(kTenant, kAsOf + absl::Hours(5));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(first->get(), again->get());
  auto tomorrow = validation_->DailyReport(kTenant, kAsOf + absl::Hours(24));
  ASSERT_TRUE(tomorrow.ok());
  EXPECT_NE(first->get(), tomorrow->get());
  EXPECT_EQ((*tomorrow)->last_day, (*first)->last_day + 1);
}

// The page's call never computes: the first returns nothing and starts the
// day's report in the background; once it is in, the same report as
// DailyReport's, until the day turns.
TEST_F(ValidationTest, ReadyDailyReportIsComputedInTheBackground) {
  Generate(12, "north", kAsOfDay - 100, Plant::kNothing, 9);
  EXPECT_EQ(validation_->ReadyDailyReport(kTenant, kAsOf), nullptr);
  std::shared_ptr<const ValidationReport> ready;
  for (int i = 0; i < 600 && ready == nullptr; ++i) {
    absl::SleepFor(absl::Milliseconds(50));
    ready = validation_->ReadyDailyReport(kTenant, kAsOf + absl::Minutes(1));
  }
  ASSERT_NE(ready, nullptr);
  auto daily = validation_->DailyReport(kTenant, kAsOf + absl::Hours(2));
  ASSERT_TRUE(daily.ok());
  EXPECT_EQ(daily->get(), ready.get());
  EXPECT_EQ(validation_->ReadyDailyReport(kTenant, kAsOf + absl::Hours(24)),
            nullptr);
}

}  // namespace
}  // namespace rapport::core
