// Recommend() for one member: the current score, the outreach analysis and
// every candidate re-scored in memory, against one Score() of the same
// member. A typical active rep (daily buckets on every working day, ~80
// threads, ~150 contacts) and a sprayer (~600 threads, ~700 contacts).
// Run: build-*/tests/unit/recommend/recommend_bench
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
#include "server/recommend/recommend.h"
#include "server/scoring/model.h"
#include "server/scoring/score.h"
#include "tests/common/workday_buckets.h"

namespace rapport::recommend {
namespace {

const absl::Time kAsOf = absl::FromCivil(
    absl::CivilSecond(2026, 3, 31, 15, 0, 0), absl::UTCTimeZone());

absl::Time DaysAgo(double days) { return kAsOf - absl::Hours(24 * days); }

struct Member {
  model::Profile profile;
  model::MemberActivity activity;
};

// `threads` threads (a quarter started by the contact, `reply` of the rest
// answered) with `contacts` contacts, the first `threads` of which are the
// threads' contacts.
Member MakeMember(int threads, int contacts, double reply) {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> age(0, 89.9);
  std::bernoulli_distribution coin(0.5);
  std::bernoulli_distribution replied(reply);
  Member m;
  m.profile.has_photo = m.profile.has_headline = true;
  m.profile.positions_count = 4;
  m.profile.positions_with_description_count = 2;
  m.profile.education_count = 1;
  m.profile.certifications_count = 1;
  m.profile.recommendations_given_count = 2;
  m.profile.recommendations_received_count = 3;
  model::MemberActivity& a = m.activity;
  testing::AddWorkdayBuckets(rng, kAsOf, a);
  for (int i = 0; i < contacts; ++i) {
    model::ContactState c;
    c.contact_id = absl::StrCat("c", i);
    c.seniority = static_cast<model::Seniority>(i % 6);
    c.category = static_cast<model::NetworkCategory>(i % 8);
    if (i % 3 == 0) {
      c.connection_requested_time = DaysAgo(age(rng));
      if (coin(rng)) c.connection_accepted_time = c.connection_requested_time;
    }
    if (i % 25 == 0) c.met_at_event_time = DaysAgo(age(rng) / 8);
    a.contacts.push_back(c);
  }
  for (int i = 0; i < threads; ++i) {
    model::ThreadState t;
    t.thread_id = absl::StrCat("t", i);
    model::ContactState& c = a.contacts[i % contacts];
    t.contact_id = c.contact_id;
    t.seniority = c.seniority;
    const absl::Time start = DaysAgo(age(rng));
    if (i % 4 == 3) {
      t.first_inbound_time = t.last_inbound_time = start;
      if (coin(rng)) {
        t.first_answer_time = start + absl::Hours(5);
        t.first_outbound_time = t.last_outbound_time = t.first_answer_time;
      }
    } else {
      t.first_outbound_time = t.last_outbound_time = start;
      t.follow_ups_before_reply = i % 3 == 0 ? 1 : 0;
      if (replied(rng) && start + absl::Hours(30) <= kAsOf) {
        t.first_reply_time = t.first_inbound_time = t.last_inbound_time =
            start + absl::Hours(30);
      }
    }
    if (t.last_outbound_time &&
        (!c.last_outbound_time ||
         *t.last_outbound_time > *c.last_outbound_time)) {
      c.last_outbound_time = t.last_outbound_time;
    }
    if (t.last_inbound_time &&
        (!c.last_inbound_time || *t.last_inbound_time > *c.last_inbound_time)) {
      c.last_inbound_time = t.last_inbound_time;
    }
    a.threads.push_back(t);
  }
  return m;
}

void Run(benchmark::State& state, const Member& m) {
  const scoring::ScoringModel model = scoring::DefaultModel();
  RecommendOptions options;
  options.max_results = 100;
  options.team_reply_rate = 0.15;
  size_t n = 0;
  for (auto _ : state) {
    Recommendations r = Recommend(model, m.profile, m.activity, kAsOf, options);
    n = r.recommendations.size();
    benchmark::DoNotOptimize(r);
  }
  state.counters["recommendations"] = static_cast<double>(n);
  state.counters["threads"] = static_cast<double>(m.activity.threads.size());
  state.counters["contacts"] = static_cast<double>(m.activity.contacts.size());
}

void BM_RecommendTypicalMember(benchmark::State& state) {
  Run(state, MakeMember(80, 150, 0.5));
}
BENCHMARK(BM_RecommendTypicalMember)->Unit(benchmark::kMicrosecond);

void BM_RecommendSprayer(benchmark::State& state) {
  Run(state, MakeMember(600, 700, 0.03));
}
BENCHMARK(BM_RecommendSprayer)->Unit(benchmark::kMicrosecond);

// The unit of cost: one Score() of the typical member.
void BM_ScoreTypicalMember(benchmark::State& state) {
  const scoring::ScoringModel model = scoring::DefaultModel();
  const Member m = MakeMember(80, 150, 0.5);
  for (auto _ : state) {
    scoring::ScoreResult r =
        scoring::Score(model, m.profile, m.activity, kAsOf);
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_ScoreTypicalMember)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace rapport::recommend
