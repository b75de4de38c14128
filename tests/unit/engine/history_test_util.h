// A tenant with members and ~100 days of varied activity on an in-memory
// store, a fake clock, the default model, and a score computed directly
// (store + Score(), without the engine) to compare snapshots with.
#ifndef RAPPORT_TESTS_UNIT_ENGINE_HISTORY_TEST_UTIL_H_
#define RAPPORT_TESTS_UNIT_ENGINE_HISTORY_TEST_UTIL_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "server/common/clock.h"
#include "server/engine/history_recorder.h"
#include "server/model/score_snapshot.h"
#include "server/scoring/model.h"
#include "server/scoring/score.h"
#include "server/store/sqlite_store.h"
#include "tests/unit/store/store_test_util.h"

namespace rapport::engine::testing {

using model::EventType;
using store::testing::MakeContact;
using store::testing::MakeContactEvent;
using store::testing::MakeEvent;
using store::testing::MakeMember;
using store::testing::MakeMessage;

// "Now" in the tests: 2024-06-15 10:00 UTC. Yesterday is June 14.
inline absl::Time Now() {
  return absl::FromCivil(absl::CivilSecond(2024, 6, 15, 10, 0, 0),
                         absl::UTCTimeZone());
}
inline absl::CivilDay Today() { return absl::CivilDay(2024, 6, 15); }

// Noon of `day` plus `minutes`.
inline absl::Time NoonOf(absl::CivilDay day, int minutes = 0) {
  return absl::FromCivil(day, absl::UTCTimeZone()) + absl::Hours(12) +
         absl::Minutes(minutes);
}

// ~1.5 events a day for each of the 100 days before `today` (and today),
// varied by `seed`: posts, reactions, threads with replies, connections.
inline std::vector<model::Event> Activity(const std::string& member, int seed,
                                          absl::CivilDay today) {
  std::vector<model::Event> events;
  for (int k = 0; k <= 100; ++k) {
    const absl::CivilDay day = today - k;
    const std::string id = absl::StrCat(member, "-", k, "-");
    if ((k + seed) % 3 == 0) {
      events.push_back(MakeEvent(id + "post", member, EventType::kPostPublished,
                                 NoonOf(day)));
    }
    if ((k * 7 + seed) % 5 == 0) {
      events.push_back(MakeEvent(id + "react", member,
                                 EventType::kReactionReceived, NoonOf(day, 5),
                                 3));
    }
    const model::Contact contact = MakeContact(absl::StrCat("c", k / 10));
    const std::string thread = absl::StrCat(member, "-t", k / 10);
    if (k % 2 == seed % 2) {
      events.push_back(MakeMessage(id + "sent", member, thread, contact,
                                   EventType::kMessageSent, NoonOf(day, 10)));
    }
    if ((k + seed) % 4 == 1) {
      events.push_back(MakeMessage(id + "recv", member, thread, contact,
                                   EventType::kMessageReceived,
                                   NoonOf(day, 20)));
    }
    if ((k + seed) % 11 == 0) {
      events.push_back(MakeContactEvent(id + "req", member, contact,
                                        EventType::kConnectionRequestSent,
                                        NoonOf(day, 30)));
    }
  }
  return events;
}

// The member's snapshot for `day` computed here, straight from the store and
// Score(), independently of the engine.
inline model::ScoreSnapshot DirectScore(store::Store& store,
                                        const scoring::ScoringModel& model,
                                        const store::TenantId& tenant,
                                        const std::string& member_id,
                                        absl::CivilDay day) {
  const absl::Time as_of =
      absl::FromCivil(day + 1, absl::UTCTimeZone()) - absl::Nanoseconds(1);
  absl::StatusOr<model::Member> member = store.GetMember(tenant, member_id);
  EXPECT_TRUE(member.ok()) << member.status();
  absl::StatusOr<model::MemberActivity> activity = store.ReadActivity(
      tenant, member_id, as_of - absl::Hours(24 * model.window_days), as_of);
  EXPECT_TRUE(activity.ok()) << activity.status();
  if (!member.ok() || !activity.ok()) return {};
  scoring::ScoreResult result =
      scoring::Score(model, member->profile, *activity, as_of);
  model::ScoreSnapshot s;
  s.member_id = member_id;
  s.day = day;
  s.total = result.total;
  for (int i = 0; i < 4; ++i) s.pillars[i] = result.pillars[i].score;
  s.model_version = result.model_version;
  return s;
}

inline store::ListMembersQuery AllMembers() {
  store::ListMembersQuery query;
  query.page_size = 1000;
  return query;
}

inline HistoryOptions Options(int backfill_days, int work_batch = 200) {
  HistoryOptions options;
  options.backfill_days = backfill_days;
  options.work_batch = work_batch;
  return options;
}

// A store with tenant "acme" (members m1..m<members>, created at Now(), each
// with Activity()), a fake clock at Now() and the default model.
class HistoryFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NE(store_, nullptr);
    for (int i = 1; i <= kMembers; ++i) AddMember("acme", MemberId(i), i);
  }

  static std::string MemberId(int i) { return absl::StrCat("m", i); }

  void AddMember(const store::TenantId& tenant, const std::string& id,
                 int seed) {
    model::Member member = MakeMember(id);
    member.profile.positions_count = seed;
    member.profile.has_summary = seed % 2 == 0;
    ASSERT_TRUE(store_->UpsertMember(tenant, member, clock_.Now()).ok());
    auto outcomes = store_->AppendEvents(tenant, Activity(id, seed, Today()));
    ASSERT_TRUE(outcomes.ok()) << outcomes.status();
  }

  HistoryRecorder MakeRecorder(HistoryOptions options = {}) {
    return HistoryRecorder(store_.get(), &model_, &clock_, options);
  }

  std::vector<model::ScoreSnapshot> History(
      const std::string& member, const store::TenantId& tenant = "acme") {
    auto history = store_->ReadScoreHistory(
        tenant, member, absl::CivilDay(2000, 1, 1), absl::CivilDay(2100, 1, 1));
    EXPECT_TRUE(history.ok()) << history.status();
    return history.ok() ? *history : std::vector<model::ScoreSnapshot>{};
  }

  // Overwrites every stored snapshot of the tenant with total -1 (and no
  // pillars), so that a test sees exactly which ones a pass rewrote.
  void MarkAllSnapshots(const store::TenantId& tenant = "acme") {
    auto page = store_->ListMembers(tenant, AllMembers());
    ASSERT_TRUE(page.ok());
    std::vector<model::ScoreSnapshot> marked;
    for (const model::Member& m : page->members) {
      for (model::ScoreSnapshot s : History(m.member_id, tenant)) {
        s.total = -1;
        s.pillars = {};
        marked.push_back(s);
      }
    }
    ASSERT_TRUE(store_->WriteScoreSnapshots(tenant, marked).ok());
  }

  static constexpr int kMembers = 4;
  std::unique_ptr<store::SqliteStore> store_ =
      store::testing::OpenMemoryStore();
  FakeClock clock_{Now()};
  const scoring::ScoringModel model_ = scoring::DefaultModel();
};

}  // namespace rapport::engine::testing

#endif  // RAPPORT_TESTS_UNIT_ENGINE_HISTORY_TEST_UTIL_H_
