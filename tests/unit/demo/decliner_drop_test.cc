// The demo's decliners must be flagged by the decline list whatever the time
// of day the demo ends at, and nobody else may be: the demo org is loaded
// into the real store and scored the way the server's score board does
// (ScoreBoard::ScoreOne at as_of and at board::PreviousInstant(as_of, 7),
// the default model),
// for end times spread over two days and across UTC midnight, for the demo
// sizes the end-to-end tests and the quickstart load.
#include <algorithm>
#include <cstdint>
#include <iostream>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "client/demo/demo.h"
#include "gtest/gtest.h"
#include "server/api/convert.h"
#include "server/board/score_board.h"
#include "server/common/clock.h"
#include "server/model/event.h"
#include "server/scoring/model.h"
#include "server/store/sqlite_store.h"
#include "tests/common/workday_buckets.h"

namespace rapport::demo {
namespace {

// The decline list's threshold in the end-to-end tests and the server's
// default (--metrics_decline_points).
constexpr double kFlagPoints = 5;
// What a decliner must lose in seven days: the threshold with a point of
// margin. Seven silent days can cost little more: recency weights fall by
// 1 - 2^(-7/14) = 29% in a week, which costs a saturating component at most
// 14.7% of its points; the recency-weighted counts are worth 46 points
// (6.8 at most), and people counted once (capped weights) younger than about
// 23 days do not decay at all.
constexpr double kDeclinerDrop = 6;

const store::TenantId kTenant = "demo";

// The demo org of `options` in a private in-memory store, scored as the
// server scores it.
class ScoredDemo {
 public:
  explicit ScoredDemo(const DemoOptions& options)
      : options_(options), clock_(options.end_time) {
    store::SqliteStoreOptions store_options;
    store_options.path = ":memory:";
    auto opened = store::SqliteStore::Open(store_options);
    EXPECT_TRUE(opened.ok()) << opened.status();
    if (!opened.ok()) return;
    store_ = *std::move(opened);
    board_ = std::make_unique<board::ScoreBoard>(store_.get(), &model_, &clock_,
                                                 board::ScoreBoardOptions{});
    for (const DemoMember& m : GenerateDemoMembers(options)) {
      members_.push_back({api::FromProto(m.member), m.persona});
      auto upserted =
          store_->UpsertMember(kTenant, members_.back().member, clock_.Now());
      EXPECT_TRUE(upserted.ok()) << upserted.status();
      std::vector<model::Event> events;
      for (const v1::Event& e : GenerateMemberEvents(options, m)) {
        events.push_back(api::FromProto(e));
      }
      auto appended = store_->AppendEvents(kTenant, events);
      EXPECT_TRUE(appended.ok()) << appended.status();
    }
  }

  struct Member {
    model::Member member;
    Persona persona;
  };
  const std::vector<Member>& members() const { return members_; }

  double Total(const model::Member& member, absl::Time as_of) {
    auto score = board_->ScoreOne(kTenant, member, as_of);
    EXPECT_TRUE(score.ok()) << score.status();
    return score.ok() ? score->total : 0;
  }

  // The change the decline list compares with its threshold.
  double Change7d(const model::Member& member, absl::Time as_of) {
    return Total(member, as_of) -
           Total(member, board::PreviousInstant(as_of, board::kChangeDays));
  }

 private:
  const DemoOptions options_;
  const scoring::ScoringModel model_ = scoring::DefaultModel();
  FakeClock clock_;
  std::unique_ptr<store::SqliteStore> store_;
  std::unique_ptr<board::ScoreBoard> board_;
  std::vector<Member> members_;
};

absl::Time Utc(int y, int mo, int d, int h = 0, int mi = 0, int s = 0) {
  return absl::FromCivil(absl::CivilSecond(y, mo, d, h, mi, s),
                         absl::UTCTimeZone());
}

// The generated days depend on the end's time of day only through where the
// window is cut, and on its date only through the weekday the window starts
// on: end times every few hours over eight days (every weekday, hours
// drifting across the day, both sides of midnights) and right at one
// midnight cover every end time.
std::vector<absl::Time> EndTimes(int step_minutes) {
  const absl::Time first = Utc(2024, 5, 27, 0, 0, 7);
  std::vector<absl::Time> ends;
  for (absl::Time t = first; t < first + absl::Hours(24 * 8);
       t += absl::Minutes(step_minutes)) {
    ends.push_back(t);
  }
  const absl::Time midnight = Utc(2024, 6, 1);
  ends.push_back(midnight - absl::Milliseconds(1));
  ends.push_back(midnight);
  ends.push_back(midnight + absl::Milliseconds(1));
  return ends;
}

struct Size {
  int members;
  int days;
  int step_minutes;  // Between end times: larger orgs cost more.
};

class DeclinerDropTest : public ::testing::TestWithParam<Size> {};

TEST_P(DeclinerDropTest, DeclinersAndOnlyThemDropAtAnyEndTime) {
  const Size size = GetParam();
  ASSERT_TRUE(scoring::ValidateModel(scoring::DefaultModel()).ok());
  double weakest_decline = -100;  // The smallest drop of a decliner.
  double worst_other = 100;       // The largest drop of anyone else.
  int decliners = 0;
  for (const absl::Time end : EndTimes(size.step_minutes)) {
    DemoOptions options;
    options.member_count = size.members;
    options.days = size.days;
    options.end_time = end;
    ScoredDemo demo(options);
    // As of the end and a few minutes later, as a server asked right after
    // loading the demo sees it.
    for (const absl::Time as_of : {end, end + absl::Minutes(3)}) {
      for (const ScoredDemo::Member& m : demo.members()) {
        const double change = demo.Change7d(m.member, as_of);
        const std::string where =
            absl::StrCat(m.member.member_id, " (", PersonaName(m.persona),
                         ") as of ", absl::FormatTime(as_of), " ending ",
                         absl::FormatTime(end), ": ", change);
        if (m.persona == Persona::kDecliner) {
          ++decliners;
          EXPECT_LE(change, -kDeclinerDrop) << where;
          weakest_decline = std::max(weakest_decline, change);
        } else {
          EXPECT_GT(change, -kFlagPoints) << where;
          worst_other = std::min(worst_other, change);
        }
      }
    }
  }
  EXPECT_GT(decliners, 0);
  std::cout << size.members << " members x " << size.days << " days, "
            << EndTimes(size.step_minutes).size()
            << " end times: weakest decline " << weakest_decline
            << ", largest other drop " << worst_other << "\n";
}

// How much a score moves at UTC midnight, where every age grows by a day at
// once, against how much it moves from hour to hour otherwise. Measured on
// the demo org: "live" (the store holds the events up to each instant, as a
// running server would) over the last two days of the window, and "idle"
// (no new events) over the day after. Asserts what whole-day ages imply:
// with no new events a score is constant within a UTC day and never rises
// at midnight; prints the figures per persona.
TEST(ScoreAtMidnightTest, JumpsAtMidnightAgainstHourlyChanges) {
  DemoOptions options;
  options.member_count = 24;
  options.days = 30;
  options.end_time = Utc(2024, 6, 2, 20);
  const scoring::ScoringModel model = scoring::DefaultModel();
  FakeClock clock(options.end_time);
  store::SqliteStoreOptions store_options;
  store_options.path = ":memory:";
  auto opened = store::SqliteStore::Open(store_options);
  ASSERT_TRUE(opened.ok()) << opened.status();
  std::unique_ptr<store::SqliteStore> store = *std::move(opened);
  board::ScoreBoard board(store.get(), &model, &clock, {});
  std::vector<std::pair<model::Member, Persona>> members;
  std::vector<model::Event> events;
  for (const DemoMember& m : GenerateDemoMembers(options)) {
    members.emplace_back(api::FromProto(m.member), m.persona);
    ASSERT_TRUE(
        store->UpsertMember(kTenant, members.back().first, clock.Now()).ok());
    for (const v1::Event& e : GenerateMemberEvents(options, m)) {
      events.push_back(api::FromProto(e));
    }
  }
  std::sort(events.begin(), events.end(),
            [](const model::Event& a, const model::Event& b) {
              return a.occur_time < b.occur_time;
            });
  // Instants: every hour from two days before the end to a day after it,
  // and 1 ns before each midnight.
  const absl::Time from = Utc(2024, 6, 1);
  std::vector<absl::Time> instants;
  for (int h = 0; h <= 72; ++h) {
    const absl::Time t = from + absl::Hours(h);
    if (h % 24 == 0 && h > 0) instants.push_back(t - absl::Nanoseconds(1));
    instants.push_back(t);
  }
  size_t ingested = 0;
  struct Jumps {
    double midnight = 0, hourly = 0, idle_midnight = 0;
  };
  std::map<Persona, Jumps> jumps;
  std::vector<double> previous(members.size());
  absl::Time previous_time = absl::InfinitePast();
  for (const absl::Time t : instants) {
    size_t n = ingested;
    while (n < events.size() && events[n].occur_time <= t) ++n;
    if (n > ingested) {
      ASSERT_TRUE(
          store
              ->AppendEvents(kTenant, absl::MakeConstSpan(events).subspan(
                                          ingested, n - ingested))
              .ok());
      ingested = n;
    }
    const bool midnight =
        absl::ToCivilSecond(t, absl::UTCTimeZone()) ==
        absl::CivilSecond(absl::ToCivilDay(t, absl::UTCTimeZone()));
    const bool idle = previous_time >= options.end_time;
    for (size_t i = 0; i < members.size(); ++i) {
      auto score = board.ScoreOne(kTenant, members[i].first, t);
      ASSERT_TRUE(score.ok()) << score.status();
      if (previous_time != absl::InfinitePast()) {
        const double change = score->total - previous[i];
        Jumps& j = jumps[members[i].second];
        if (midnight && t - previous_time == absl::Nanoseconds(1)) {
          j.midnight = std::max(j.midnight, std::abs(change));
          if (idle) {
            j.idle_midnight = std::max(j.idle_midnight, -change);
            EXPECT_LE(change, 0)
                << members[i].first.member_id << " at " << absl::FormatTime(t);
          }
        } else if (!midnight) {
          j.hourly = std::max(j.hourly, std::abs(change));
          if (idle) {
            EXPECT_EQ(change, 0)
                << members[i].first.member_id << " at " << absl::FormatTime(t);
          }
        }
      }
      previous[i] = score->total;
    }
    previous_time = t;
  }
  for (const auto& [persona, j] : jumps) {
    std::cout << PersonaName(persona) << ": largest midnight jump "
              << j.midnight << " (idle " << j.idle_midnight
              << "), largest hour-to-hour change elsewhere " << j.hourly
              << "\n";
  }
}

// The same for a steady rep (tests/common/workday_buckets.h: a few of every
// kind of event each working day of the 90 days up to a day), scored with
// nothing new: flat within the day, then the whole day's decay at midnight.
TEST(ScoreAtMidnightTest, SteadyRepLosesADaysDecayAtMidnight) {
  const scoring::ScoringModel model = scoring::DefaultModel();
  std::mt19937_64 rng(7);
  model::MemberActivity activity;
  const absl::Time day = Utc(2024, 6, 3, 12);  // A Monday.
  testing::AddWorkdayBuckets(rng, day, activity);
  // A third of the buckets, one event each: below the targets, where a
  // day's decay shows.
  std::vector<model::DailyCount> thin;
  for (size_t i = 0; i < activity.daily.size(); i += 3) {
    thin.push_back(activity.daily[i]);
    thin.back().count = 1;
  }
  activity.daily = thin;
  const model::Profile profile;
  double hourly = 0;
  double before =
      scoring::Score(model, profile, activity, Utc(2024, 6, 3)).total;
  for (int h = 1; h < 24; ++h) {
    const double now =
        scoring::Score(model, profile, activity, Utc(2024, 6, 3, h)).total;
    hourly = std::max(hourly, std::abs(now - before));
    EXPECT_EQ(now, before) << h;
    before = now;
  }
  const absl::Time midnight = Utc(2024, 6, 4);
  const double last =
      scoring::Score(model, profile, activity, midnight - absl::Nanoseconds(1))
          .total;
  const double next = scoring::Score(model, profile, activity, midnight).total;
  EXPECT_LT(next, last);
  std::cout << "steady rep: " << last << " at 1 ns before midnight, " << next
            << " at midnight (jump " << next - last
            << "), largest hour-to-hour change " << hourly << "\n";
}

INSTANTIATE_TEST_SUITE_P(DemoSizes, DeclinerDropTest,
                         ::testing::Values(Size{24, 30, 193}, Size{30, 45, 401},
                                           Size{60, 90, 1213}),
                         [](const ::testing::TestParamInfo<Size>& info) {
                           return absl::StrCat(info.param.members, "x",
                                               info.param.days);
                         });

}  // namespace
}  // namespace rapport::demo
