// Store::ReadActivity is exact at `to`: over generated members and instants,
// what it returns (and the score of it) does not change when events dated
// after `to` are appended, and its daily buckets are the events up to `to`
// counted by hand.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <iostream>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "server/model/activity.h"
#include "server/model/enums.h"
#include "server/scoring/model.h"
#include "server/scoring/score.h"
#include "server/store/store.h"
#include "tests/unit/store/conformance/store_factory.h"
#include "tests/unit/store/store_test_data.h"

namespace rapport::store {
namespace {

using model::Channel;
using model::EventType;
using model::NetworkCategory;
using model::Seniority;
using testing::Describe;

constexpr char kTenant[] = "acme";
constexpr int kMembers = 40;
constexpr int kInstantsPerMember = 16;
constexpr absl::Duration kMicro = absl::Microseconds(1);
const absl::CivilDay kFirstDay(2024, 2, 1);

absl::Time StartOf(absl::CivilDay day) {
  return absl::FromCivil(day, absl::UTCTimeZone());
}

absl::CivilDay DayOf(absl::Time t) {
  return absl::ToCivilDay(t, absl::UTCTimeZone());
}

// `t` truncated to the store's resolution.
absl::Time FloorMicros(absl::Time t) {
  return absl::FromUnixMicros(absl::ToUnixMicros(t));
}

// Deterministic random members, events and instants. Event times are whole
// microseconds, the resolution the store keeps.
class Generator {
 public:
  explicit Generator(uint64_t seed) : rng_(seed) {}

  int Uniform(int lo, int hi) {
    return std::uniform_int_distribution<int>(lo, hi)(rng_);
  }
  bool Chance(int percent) { return Uniform(1, 100) <= percent; }

  // A whole-microsecond instant of `day`, often one of its edges.
  absl::Time TimeIn(absl::CivilDay day) {
    const absl::Time start = StartOf(day);
    if (Chance(8)) return start;
    if (Chance(8)) return StartOf(day + 1) - kMicro;
    const int64_t micros_per_day = int64_t{86400} * 1000000;
    return start + kMicro * std::uniform_int_distribution<int64_t>(
                                0, micros_per_day - 1)(rng_);
  }

  model::Event Event(const std::string& member, absl::Time at) {
    model::Event e;
    e.event_id = absl::StrCat(member, "-e", next_id_++);
    e.member_id = member;
    e.occur_time = at;
    e.type = static_cast<EventType>(Uniform(1, model::kMaxEventType));
    e.channel = static_cast<Channel>(
        Uniform(model::NeedsChannel(e.type) ? 1 : 0, model::kMaxChannel));
    if (model::IsContactEvent(e.type)) {
      // Threads t0..t5 each belong to contact c0..c5; contacts c6, c7 have
      // no thread.
      const int contact = Uniform(0, model::IsThreadEvent(e.type) ? 5 : 7);
      e.contact.contact_id = absl::StrCat("c", contact);
      e.contact.seniority =
          static_cast<Seniority>(Uniform(0, model::kMaxSeniority));
      e.contact.category =
          static_cast<NetworkCategory>(Uniform(0, model::kMaxNetworkCategory));
      e.contact.industry = Chance(50) ? "finance" : "retail";
      e.contact.region = Chance(50) ? "eu" : "us";
      if (model::IsThreadEvent(e.type)) {
        e.thread_id = absl::StrCat("t", contact);
      }
    }
    if (model::IsCountedEvent(e.type)) e.quantity = Uniform(1, 5);
    if (e.type == EventType::kPostPublished) e.content_id = "post";
    return e;
  }

  // An instant of one of `days` days from `first`, mostly at the edges that
  // matter: exactly midnight, a nanosecond or a microsecond before it, an
  // event's own time (a nanosecond finer or not), anywhere.
  absl::Time Instant(absl::CivilDay first, int days,
                     const std::vector<model::Event>& events) {
    const absl::CivilDay day = first + Uniform(0, days - 1);
    switch (Uniform(0, 6)) {
      case 0:
        return StartOf(day);
      case 1:
        return StartOf(day + 1) - absl::Nanoseconds(1);
      case 2:
        return StartOf(day + 1) - kMicro;
      case 3:
        if (!events.empty()) {
          return events[Uniform(0, static_cast<int>(events.size()) - 1)]
              .occur_time;
        }
        return StartOf(day);
      case 4:
        return TimeIn(day) + absl::Nanoseconds(Uniform(1, 999));
      default:
        return TimeIn(day);
    }
  }

  // A whole-microsecond time after `t`: its next microsecond, later on its
  // day, or on one of the following days.
  absl::Time After(absl::Time t) {
    const absl::Time next = FloorMicros(t) + kMicro;
    const absl::Time next_day = StartOf(DayOf(t) + 1);
    switch (Uniform(0, 3)) {
      case 0:
        return next;
      case 1:
      case 2:
        if (next < next_day) {
          const int64_t room = (next_day - next) / kMicro;
          return next + kMicro * std::uniform_int_distribution<int64_t>(
                                     0, room - 1)(rng_);
        }
        return next;
      default:
        return TimeIn(DayOf(t) + Uniform(1, 5));
    }
  }

 private:
  std::mt19937_64 rng_;
  int64_t next_id_ = 0;
};

// The daily buckets of the days from from's to to's, counting the events
// with occur_time <= to: the contract of Store::ReadActivity, by hand.
std::vector<model::DailyCount> CountByHand(
    const std::vector<model::Event>& events, absl::Time from, absl::Time to) {
  std::map<std::tuple<absl::CivilDay, int, int, int>, int64_t> sums;
  for (const model::Event& e : events) {
    if (e.occur_time > to || DayOf(e.occur_time) < DayOf(from)) continue;
    sums[{DayOf(e.occur_time), static_cast<int>(e.type),
          static_cast<int>(e.channel),
          static_cast<int>(e.contact.seniority)}] += e.quantity;
  }
  std::vector<model::DailyCount> daily;
  for (const auto& [key, count] : sums) {
    model::DailyCount& d = daily.emplace_back();
    d.day = std::get<0>(key);
    d.type = static_cast<EventType>(std::get<1>(key));
    d.channel = static_cast<Channel>(std::get<2>(key));
    d.seniority = static_cast<Seniority>(std::get<3>(key));
    d.count = count;
  }
  return daily;
}

std::string DescribeDaily(const std::vector<model::DailyCount>& daily) {
  std::vector<std::string> lines;
  for (const auto& d : daily) lines.push_back(Describe(d));
  return absl::StrJoin(lines, "\n");
}

// Whether a read up to `t` takes whole days only: `t` is within the last
// microsecond of its UTC day.
bool IsLastInstantOfDay(absl::Time t) {
  return t >= StartOf(DayOf(t) + 1) - kMicro;
}

uint64_t Bits(double d) {
  uint64_t bits;
  std::memcpy(&bits, &d, sizeof bits);
  return bits;
}

class AsOfExactTest : public testing::StoreConformanceTest {
 protected:
  void Append(const std::vector<model::Event>& events) {
    auto outcomes = store_->AppendEvents(kTenant, events);
    ASSERT_TRUE(outcomes.ok()) << outcomes.status();
    for (AppendOutcome o : *outcomes) ASSERT_EQ(o, AppendOutcome::kAccepted);
  }

  model::MemberActivity Read(const std::string& member, absl::Time from,
                             absl::Time to) {
    auto activity = store_->ReadActivity(kTenant, member, from, to);
    EXPECT_TRUE(activity.ok()) << activity.status();
    return activity.ok() ? *activity : model::MemberActivity{};
  }

  const scoring::ScoringModel model_ = scoring::DefaultModel();
};

TEST_P(AsOfExactTest, LaterEventsNeverChangeActivityOrScoreAtAnInstant) {
  Generator gen(20240201);
  const auto started = std::chrono::steady_clock::now();
  int checked = 0, events_total = 0, partial_days = 0;
  for (int m = 0; m < kMembers; ++m) {
    model::Member member = testing::MakeMember(absl::StrCat("m", m));
    member.profile.connections_count = gen.Uniform(0, 900);
    member.profile.has_summary = gen.Chance(50);
    ASSERT_TRUE(store_->UpsertMember(kTenant, member, StartOf(kFirstDay)).ok());
    const int days = gen.Uniform(30, 60);
    std::vector<model::Event> events;
    for (int d = 0; d < days; ++d) {
      const int n = gen.Chance(15) ? 0 : gen.Uniform(1, 14);
      for (int i = 0; i < n; ++i) {
        events.push_back(
            gen.Event(member.member_id, gen.TimeIn(kFirstDay + d)));
      }
    }
    Append(events);
    std::vector<absl::Time> instants;
    for (int i = 0; i < kInstantsPerMember; ++i) {
      instants.push_back(gen.Instant(kFirstDay, days, events));
    }
    // Ascending, so that what is appended after one instant is history for
    // the next ones.
    std::sort(instants.begin(), instants.end());
    for (absl::Time t : instants) {
      SCOPED_TRACE(absl::StrCat(member.member_id, " at ", absl::FormatTime(t)));
      const absl::Time from = gen.Chance(50)
                                  ? t - absl::Hours(24) * model_.window_days
                                  : t - absl::Minutes(gen.Uniform(0, 20000));
      const model::MemberActivity before = Read(member.member_id, from, t);
      EXPECT_EQ(DescribeDaily(before.daily),
                DescribeDaily(CountByHand(events, from, t)));
      const scoring::ScoreResult score_before =
          scoring::Score(model_, member.profile, before, t);

      std::vector<model::Event> later;
      for (int i = gen.Uniform(1, 8); i > 0; --i) {
        later.push_back(gen.Event(member.member_id, gen.After(t)));
        ASSERT_GT(later.back().occur_time, t);
      }
      Append(later);
      events.insert(events.end(), later.begin(), later.end());

      const model::MemberActivity after = Read(member.member_id, from, t);
      EXPECT_EQ(Describe(before), Describe(after));
      const scoring::ScoreResult score_after =
          scoring::Score(model_, member.profile, after, t);
      EXPECT_TRUE(score_before == score_after);
      EXPECT_EQ(Bits(score_before.total), Bits(score_after.total));
      ++checked;
      if (!IsLastInstantOfDay(t)) ++partial_days;
    }
    events_total += static_cast<int>(events.size());
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started)
          .count();
  EXPECT_EQ(checked, kMembers * kInstantsPerMember);
  // The generator reaches both paths of the read.
  EXPECT_GT(partial_days, checked / 2);
  EXPECT_LT(partial_days, checked);
  RecordProperty("members", kMembers);
  RecordProperty("instants", checked);
  RecordProperty("events", events_total);
  std::cout << "as_of property: " << kMembers << " members x "
            << kInstantsPerMember << " instants = " << checked << " checks ("
            << partial_days << " mid-day), " << events_total << " events, "
            << seconds << " s\n";
}

// The edges, spelled out: an event at exactly `to` counts, one a
// microsecond later does not; at a day's last microsecond (or its last
// nanosecond) the whole day counts; at midnight only the events at
// midnight do.
TEST_P(AsOfExactTest, DayEdges) {
  ASSERT_TRUE(
      store_
          ->UpsertMember(kTenant, testing::MakeMember("m"), StartOf(kFirstDay))
          .ok());
  const absl::CivilDay day = kFirstDay + 3;
  const absl::Time noon = StartOf(day) + absl::Hours(12);
  const absl::Time last = StartOf(day + 1) - kMicro;
  auto post = [](const std::string& id, absl::Time at, int quantity) {
    return testing::MakeEvent(id, "m", EventType::kProspectSearch, at,
                              quantity);
  };
  Append({post("midnight", StartOf(day), 1), post("noon", noon, 2),
          post("noon+1us", noon + kMicro, 4), post("last", last, 8),
          post("next", StartOf(day + 1), 16)});
  auto count_on = [&](absl::Time to) -> int64_t {
    model::MemberActivity a = Read("m", StartOf(day), to);
    int64_t sum = 0;
    for (const auto& d : a.daily) {
      if (d.day == day) sum += d.count;
    }
    return sum;
  };
  EXPECT_EQ(count_on(StartOf(day)), 1);
  EXPECT_EQ(count_on(noon - absl::Nanoseconds(1)), 1);
  EXPECT_EQ(count_on(noon), 3);
  EXPECT_EQ(count_on(noon + absl::Nanoseconds(999)), 3);
  EXPECT_EQ(count_on(noon + kMicro), 7);
  EXPECT_EQ(count_on(last - kMicro), 7);
  EXPECT_EQ(count_on(last), 15);
  EXPECT_EQ(count_on(StartOf(day + 1) - absl::Nanoseconds(1)), 15);
  EXPECT_EQ(count_on(StartOf(day + 1)), 15);
  // From's day is whole: events before `from` on its day count.
  model::MemberActivity a = Read("m", noon + absl::Hours(1), last);
  ASSERT_EQ(a.daily.size(), 1u);
  EXPECT_EQ(a.daily[0].count, 15);
}

RAPPORT_STORE_CONFORMANCE(AsOfExactTest);

}  // namespace
}  // namespace rapport::store
