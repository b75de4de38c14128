// Score() and ProjectScore() for a member with a typical 90-day activity: an
// active rep's daily buckets over every working day, ~80 threads and ~150
// contacts.
// Run: build-*/tests/unit/scoring/scoring_bench
#include <cstdint>
#include <random>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "benchmark/benchmark.h"
#include "server/model/activity.h"
#include "server/model/enums.h"
#include "server/model/member.h"
#include "server/scoring/forecast.h"
#include "server/scoring/model.h"
#include "server/scoring/rank.h"
#include "server/scoring/score.h"
#include "tests/common/workday_buckets.h"

namespace rapport::scoring {
namespace {

const absl::Time kAsOf = absl::FromCivil(
    absl::CivilSecond(2026, 3, 31, 15, 0, 0), absl::UTCTimeZone());

absl::Time DaysAgo(double days) { return kAsOf - absl::Hours(24 * days); }

model::MemberActivity TypicalActivity() {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> age(0, 89.9);
  std::bernoulli_distribution coin(0.5);
  model::MemberActivity a;
  testing::AddWorkdayBuckets(rng, kAsOf, a);
  for (int i = 0; i < 80; ++i) {
    model::ThreadState t;
    t.thread_id = absl::StrCat("t", i);
    t.contact_id = absl::StrCat("c", i);
    const absl::Time start = DaysAgo(age(rng));
    if (i % 4 == 3) {  // Started by the contact.
      t.first_inbound_time = t.last_inbound_time = start;
      if (coin(rng)) t.first_answer_time = start + absl::Hours(5);
      t.first_outbound_time = t.first_answer_time;
    } else {
      t.first_outbound_time = t.last_outbound_time = start;
      t.follow_ups_before_reply = i % 3 == 0 ? 1 : 0;
      if (coin(rng) && start + absl::Hours(30) <= kAsOf) {
        t.first_reply_time = t.first_inbound_time = start + absl::Hours(30);
      }
    }
    a.threads.push_back(t);
  }
  for (int i = 0; i < 150; ++i) {
    model::ContactState c;
    c.contact_id = absl::StrCat("c", i);
    c.seniority = static_cast<model::Seniority>(i % 6);
    c.last_outbound_time = DaysAgo(age(rng));
    if (coin(rng)) c.last_inbound_time = DaysAgo(age(rng));
    if (i % 3 == 0) {
      c.connection_requested_time = DaysAgo(age(rng));
      if (coin(rng)) c.connection_accepted_time = c.connection_requested_time;
    }
    a.contacts.push_back(c);
  }
  return a;
}

model::Profile TypicalProfile() {
  model::Profile p;
  p.has_photo = p.has_headline = true;
  p.positions_count = 4;
  p.positions_with_description_count = 2;
  p.education_count = 1;
  p.certifications_count = 1;
  p.recommendations_given_count = 2;
  p.recommendations_received_count = 3;
  return p;
}

void BM_ScoreTypicalMember(benchmark::State& state) {
  const ScoringModel model = DefaultModel();
  const model::Profile profile = TypicalProfile();
  const model::MemberActivity activity = TypicalActivity();
  for (auto _ : state) {
    ScoreResult r = Score(model, profile, activity, kAsOf);
    benchmark::DoNotOptimize(r);
  }
  state.counters["buckets"] = static_cast<double>(activity.daily.size());
  state.counters["threads"] = static_cast<double>(activity.threads.size());
  state.counters["contacts"] = static_cast<double>(activity.contacts.size());
}
BENCHMARK(BM_ScoreTypicalMember);

// The 30-day forecast of the same member: what a board build adds per member
// (the score itself is BM_ScoreTypicalMember). For a tenant of N members,
// N times this is the forecasts' cost at refresh time on one core.
void BM_ProjectTypicalMember(benchmark::State& state) {
  const ScoringModel model = DefaultModel();
  const model::Profile profile = TypicalProfile();
  const model::MemberActivity activity = TypicalActivity();
  const ScoreResult now = Score(model, profile, activity, kAsOf);
  for (auto _ : state) {
    Forecast f = ProjectScore(model, profile, activity, kAsOf, now);
    benchmark::DoNotOptimize(f);
  }
}
BENCHMARK(BM_ProjectTypicalMember);

// The profile alone: the fixed cost (explanations, allocation).
void BM_ScoreProfileOnly(benchmark::State& state) {
  const ScoringModel model = DefaultModel();
  const model::Profile profile = TypicalProfile();
  const model::MemberActivity empty;
  for (auto _ : state) {
    ScoreResult r = Score(model, profile, empty, kAsOf);
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_ScoreProfileOnly);

// Ranks of a group of n members (an industry or a big team).
void BM_RankGroup(benchmark::State& state) {
  std::mt19937_64 rng(9);
  std::uniform_real_distribution<double> total(0, 100);
  std::vector<MemberTotals> group(state.range(0));
  for (MemberTotals& m : group) m.total = total(rng);
  for (auto _ : state) {
    std::vector<GroupRank> ranks = RankGroup(group);
    benchmark::DoNotOptimize(ranks);
  }
  state.SetComplexityN(state.range(0));
}
BENCHMARK(BM_RankGroup)->Arg(10)->Arg(1000)->Arg(10000);

}  // namespace
}  // namespace rapport::scoring
