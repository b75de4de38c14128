// RandomWorld: generated histories for the ScoreBoard tests. Each step does
// one thing to a tenant in the store and tells the listener what the API
// would tell it (members upserted, members with accepted events, members
// deleted), or moves the fake clock. Deterministic for a given seed.
#ifndef RAPPORT_TESTS_UNIT_BOARD_RANDOM_WORLD_H_
#define RAPPORT_TESTS_UNIT_BOARD_RANDOM_WORLD_H_

#include <cstdint>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "server/common/clock.h"
#include "server/model/enums.h"
#include "server/model/event.h"
#include "server/store/member_change_listener.h"
#include "server/store/store.h"
#include "tests/unit/store/store_test_util.h"

namespace rapport::board::testing {

struct RandomWorldOptions {
  // Largest offset of an event after the clock's now (the API admits up to
  // its max_clock_skew); zero: events never after now.
  absl::Duration max_future = absl::ZeroDuration();
  // Whether the clock may move by less than a day between steps. When
  // false, it only ever jumps to the same time of day on a later day.
  bool advance_within_day = true;
};

class RandomWorld {
 public:
  RandomWorld(uint32_t seed, store::Store* store,
              store::MemberChangeListener* listener, FakeClock* clock,
              store::TenantId tenant, RandomWorldOptions options = {})
      : rng_(seed),
        store_(store),
        listener_(listener),
        clock_(clock),
        tenant_(std::move(tenant)),
        options_(options) {}

  // One random step; returns what it did, for failure messages.
  std::string Step() {
    const int dice = Uniform(0, 99);
    if (alive_.size() < 3 || dice < 12) return UpsertNew();
    if (dice < 22) return UpsertExisting();
    if (dice < 62) return AppendBatch();
    if (dice < 67) return Delete();
    return Advance();
  }

  std::string UpsertNew() {
    const std::string id = absl::StrCat(tenant_, "-m", next_member_++);
    return Upsert(id, "upsert new");
  }

  std::string UpsertExisting() { return Upsert(Pick(), "upsert"); }

  std::string AppendBatch() {
    std::vector<model::Event> events;
    const int n = Uniform(1, 6);
    for (int i = 0; i < n; ++i) events.push_back(RandomEvent());
    auto outcomes = store_->AppendEvents(tenant_, events);
    EXPECT_TRUE(outcomes.ok()) << outcomes.status();
    if (!outcomes.ok()) return "append failed";
    // As the ingest reactor reports them: members of accepted events.
    std::vector<std::string> changed;
    for (size_t i = 0; i < outcomes->size(); ++i) {
      if ((*outcomes)[i] != store::AppendOutcome::kAccepted) continue;
      if (changed.empty() || changed.back() != events[i].member_id) {
        changed.push_back(events[i].member_id);
      }
    }
    if (!changed.empty()) listener_->OnMembersChanged(tenant_, changed);
    std::string what = absl::StrCat("append ", n, ":");
    for (const auto& e : events) {
      absl::StrAppend(&what, " ", e.member_id, "/", static_cast<int>(e.type),
                      "@", absl::FormatTime(e.occur_time));
    }
    return what;
  }

  std::string Delete() {
    const std::string id = Pick();
    auto deleted = store_->DeleteMember(tenant_, id);
    EXPECT_TRUE(deleted.ok()) << deleted.status();
    alive_.erase(id);
    listener_->OnMembersChanged(tenant_, {id});
    return "delete " + id;
  }

  std::string Advance() {
    const absl::Time now = clock_->Now();
    const absl::CivilSecond civil =
        absl::ToCivilSecond(now, absl::UTCTimeZone());
    const absl::Time midnight =
        absl::FromCivil(absl::CivilDay(civil), absl::UTCTimeZone()) +
        absl::Hours(24);
    absl::Time next;
    if (!options_.advance_within_day) {
      next = now + absl::Hours(24) * Uniform(1, 3);
    } else {
      switch (Uniform(0, 6)) {
        case 0:
          next = now + absl::Seconds(Uniform(1, 59));
          break;
        case 1:
          next = now + absl::Minutes(Uniform(1, 59));
          break;
        case 2:
          next = now + absl::Hours(Uniform(1, 5));
          break;
        case 3:  // Just before midnight (or later in the day).
          next = std::max(now + absl::Seconds(1),
                          midnight - absl::Seconds(Uniform(1, 90)));
          break;
        case 4:  // Just after midnight.
          next = midnight + absl::Seconds(Uniform(0, 90));
          break;
        case 5:
          next = now + absl::Hours(24);
          break;
        default:
          next = now + absl::Hours(24) * Uniform(2, 4);
          break;
      }
    }
    clock_->Set(next);
    return "clock " + absl::FormatTime(next, absl::UTCTimeZone());
  }

  const std::set<std::string>& alive() const { return alive_; }

 private:
  int Uniform(int lo, int hi) {
    return std::uniform_int_distribution<int>(lo, hi)(rng_);
  }

  std::string Pick() {
    auto it = alive_.begin();
    std::advance(it, Uniform(0, static_cast<int>(alive_.size()) - 1));
    return *it;
  }

  std::string Upsert(const std::string& id, const std::string& what) {
    static const char* const kTeams[] = {"emea", "amer", "apac"};
    static const char* const kIndustries[] = {"software", "finance"};
    model::Member m = store::testing::MakeMember(id, kTeams[Uniform(0, 2)],
                                                 kIndustries[Uniform(0, 1)]);
    m.profile.has_photo = Uniform(0, 1) == 1;
    m.profile.connections_count = Uniform(0, 900);
    m.profile.skills_count = Uniform(0, 40);
    auto result = store_->UpsertMember(tenant_, m, clock_->Now());
    EXPECT_TRUE(result.ok()) << result.status();
    alive_.insert(id);
    listener_->OnMembersChanged(tenant_, {id});
    return absl::StrCat(what, " ", id, " team=", m.team);
  }

  // A time around the edges that matter (the 7- and 30-day marks, the
  // scoring window, today) or anywhere in the last 100 days; never more
  // than max_future after now.
  absl::Time RandomTime() {
    const absl::Time now = clock_->Now();
    const absl::Duration jitter = absl::Minutes(Uniform(-30, 30));
    absl::Time t;
    switch (Uniform(0, 5)) {
      case 0:
        t = now - absl::Hours(24 * 7) + jitter;
        break;
      case 1:
        t = now - absl::Hours(24 * 30) + jitter;
        break;
      case 2:
        t = now - absl::Hours(24 * 90) + jitter;
        break;
      case 3:
        t = now - absl::Minutes(Uniform(0, 12 * 60));
        break;
      default:
        t = now - absl::Minutes(Uniform(0, 100 * 24 * 60));
        break;
    }
    const absl::Time latest = now + options_.max_future;
    if (t > latest) t = latest - absl::Seconds(Uniform(0, 59));
    if (options_.max_future > absl::ZeroDuration() && Uniform(0, 4) == 0) {
      t = now +
          absl::Seconds(Uniform(
              1, static_cast<int>(absl::ToInt64Seconds(options_.max_future))));
    }
    return t;
  }

  model::Event RandomEvent() {
    using model::EventType;
    // Now and then a member that does not exist (deleted or never created).
    const std::string member =
        Uniform(0, 19) == 0 ? absl::StrCat(tenant_, "-gone") : Pick();
    const std::string id = absl::StrCat("e", next_event_++);
    const absl::Time t = RandomTime();
    const int k = Uniform(0, 3);
    const model::Contact contact = store::testing::MakeContact(
        absl::StrCat("c", k), static_cast<model::Seniority>(1 + k),
        static_cast<model::NetworkCategory>(1 + 2 * k));
    switch (Uniform(0, 9)) {
      case 0:
      case 1:
        return store::testing::MakeMessage(id, member,
                                           absl::StrCat(member, "-t", k),
                                           contact, EventType::kMessageSent, t);
      case 2:
        return store::testing::MakeMessage(
            id, member, absl::StrCat(member, "-t", k), contact,
            EventType::kMessageReceived, t);
      case 3:
        return store::testing::MakeMessage(
            id, member, absl::StrCat(member, "-t", k), contact,
            EventType::kFollowUpSent, t);
      case 4: {
        static const EventType kContactTypes[] = {
            EventType::kConnectionRequestSent, EventType::kConnectionAccepted,
            EventType::kMeetingBooked,         EventType::kLeadSaved,
            EventType::kProspectProfileViewed, EventType::kContactMetAtEvent,
            EventType::kRecommendationReceived};
        return store::testing::MakeContactEvent(
            id, member, contact, kContactTypes[Uniform(0, 6)], t);
      }
      case 5:
        return store::testing::MakeEvent(
            id, member, EventType::kReactionReceived, t, Uniform(1, 5));
      case 6:
        return store::testing::MakeEvent(id, member, EventType::kProspectSearch,
                                         t, Uniform(1, 3));
      case 7:
        return store::testing::MakeEvent(id, member, EventType::kCommentMade,
                                         t);
      case 8:
        return store::testing::MakeEvent(id, member, EventType::kGroupPost, t);
      default:
        return store::testing::MakeEvent(id, member, EventType::kPostPublished,
                                         t);
    }
  }

  std::mt19937 rng_;
  store::Store* store_;
  store::MemberChangeListener* listener_;
  FakeClock* clock_;
  store::TenantId tenant_;
  RandomWorldOptions options_;
  std::set<std::string> alive_;
  int next_member_ = 0;
  int next_event_ = 0;
};

}  // namespace rapport::board::testing

#endif  // RAPPORT_TESTS_UNIT_BOARD_RANDOM_WORLD_H_
