// Answers as of an instant are final: through the real server, for generated
// organisations and instants of the last few days, GetScore, GetLeaderboard,
// ListDecliningMembers and GetScoreHistory at `t` do not change when events
// dated after `t` are ingested for the same members.
#include <algorithm>
#include <chrono>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "rapport/v1/scoring.grpc.pb.h"
#include "server/model/enums.h"
#include "tests/integration/server_fixture.h"

namespace rapport::testing {
namespace {

using google::protobuf::util::MessageDifferencer;

constexpr absl::Duration kMicro = absl::Microseconds(1);
constexpr absl::Duration kDay = absl::Hours(24);
constexpr int kHistoryDays = 45;

absl::Time StartOf(absl::CivilDay day) {
  return absl::FromCivil(day, absl::UTCTimeZone());
}

absl::CivilDay DayOf(absl::Time t) {
  return absl::ToCivilDay(t, absl::UTCTimeZone());
}

// Everything the scoring API answers about one instant.
struct Answers {
  std::vector<v1::GetScoreResponse> scores;  // One per member, in order.
  v1::GetLeaderboardResponse leaderboard;    // All entries, one page.
  v1::ListDecliningMembersResponse decliners;
  std::vector<v1::GetScoreHistoryResponse> histories;  // One per member.
};

class AsOfExactTest : public ServerTest,
                      public ::testing::WithParamInterface<int> {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    scoring_ = v1::ScoringService::NewStub(channel_);
    rng_.seed(static_cast<uint64_t>(GetParam()));
  }

  int Uniform(int lo, int hi) {
    return std::uniform_int_distribution<int>(lo, hi)(rng_);
  }

  // A whole-microsecond time in [lo, hi).
  absl::Time Between(absl::Time lo, absl::Time hi) {
    const int64_t room = (hi - lo) / kMicro;
    return lo + kMicro * std::uniform_int_distribution<int64_t>(
                             0, std::max<int64_t>(room - 1, 0))(rng_);
  }

  // A valid event of a random type at `at`.
  v1::Event RandomEvent(const std::string& member, absl::Time at) {
    v1::Event e =
        MakeEvent(absl::StrCat(member, "-e", next_event_++), member, at);
    const int type = Uniform(1, model::kMaxEventType);
    const auto t = static_cast<model::EventType>(type);
    e.set_type(static_cast<v1::EventType>(type));
    if (model::NeedsChannel(t) || Uniform(0, 1) == 1) {
      e.set_channel(static_cast<v1::Channel>(Uniform(1, model::kMaxChannel)));
    }
    if (model::IsContactEvent(t)) {
      const int contact = Uniform(0, 7);
      v1::Contact* c = e.mutable_contact();
      c->set_contact_id(absl::StrCat(member, "-c", contact));
      c->set_seniority(
          static_cast<v1::Seniority>(Uniform(0, model::kMaxSeniority)));
      c->set_category(static_cast<v1::NetworkCategory>(
          Uniform(0, model::kMaxNetworkCategory)));
      c->set_industry(Uniform(0, 1) ? "finance" : "retail");
      if (model::IsThreadEvent(t)) {
        e.set_thread_id(absl::StrCat(member, "-t", contact));
      }
    }
    if (model::IsCountedEvent(t)) e.set_quantity(Uniform(1, 5));
    return e;
  }

  void RecordHistory() {
    absl::StatusOr<int64_t> written = server_->RecordHistory();
    ASSERT_TRUE(written.ok()) << written.status();
  }

  // 8 to 12 members over 2 or 3 teams with kHistoryDays of activity up to
  // now; about half of them fade out over the last twelve days, so that
  // some decline.
  void LoadOrg() {
    const int members = Uniform(8, 12), teams = Uniform(2, 3);
    std::vector<v1::Event> events;
    for (int i = 0; i < members; ++i) {
      const std::string id = absl::StrCat("m", i);
      v1::Member m = MakeMember(id, absl::StrCat("team", i % teams));
      m.mutable_profile()->set_has_photo(Uniform(0, 1) == 1);
      m.mutable_profile()->set_connections_count(Uniform(0, 800));
      v1::UpsertMemberResponse out;
      ASSERT_TRUE(Upsert(m, &out).ok());
      members_.push_back(id);
      const bool fading = Uniform(0, 1) == 1;
      const int rate = Uniform(2, 9);
      for (int d = kHistoryDays; d >= 0; --d) {
        const absl::CivilDay day = DayOf(kTestNow) - d;
        const int n = fading && d < 12 ? Uniform(0, 1) : Uniform(0, rate);
        for (int k = 0; k < n; ++k) {
          events.push_back(RandomEvent(
              id, Between(StartOf(day), std::min(StartOf(day + 1), kTestNow))));
        }
      }
    }
    Load(events);
  }

  // Instants of the last three days and of today before now: midnight, a
  // nanosecond before it, and arbitrary times (some with a nanosecond part),
  // ascending.
  std::vector<absl::Time> Instants() {
    const absl::CivilDay today = DayOf(kTestNow);
    std::vector<absl::Time> out = {
        StartOf(today - 2),
        StartOf(today - 1) - absl::Nanoseconds(1),
        Between(StartOf(today - 3), StartOf(today - 2)),
        Between(StartOf(today - 1), StartOf(today)) +
            absl::Nanoseconds(Uniform(0, 999)),
        Between(StartOf(today), kTestNow - absl::Hours(1)),
    };
    std::sort(out.begin(), out.end());
    return out;
  }

  // For every member, events after `t` (never after now): on t's day when it
  // has time left before now, and on later days.
  std::vector<v1::Event> EventsAfter(absl::Time t) {
    std::vector<v1::Event> out;
    const absl::Time next =
        absl::FromUnixMicros(absl::ToUnixMicros(t)) + kMicro;
    const absl::Time end_of_day = std::min(StartOf(DayOf(t) + 1), kTestNow);
    for (const std::string& id : members_) {
      for (int k = Uniform(2, 6); k > 0; --k) {
        if (next < end_of_day && Uniform(0, 1) == 1) {
          out.push_back(RandomEvent(id, Between(next, end_of_day)));
        } else {
          out.push_back(RandomEvent(id, Between(next, kTestNow)));
        }
      }
    }
    return out;
  }

  Answers Ask(absl::Time t) {
    Answers a;
    for (const std::string& id : members_) {
      grpc::ClientContext ctx;
      v1::GetScoreRequest req;
      req.set_member_id(id);
      api::ToProtoTime(t, req.mutable_as_of());
      grpc::Status s = scoring_->GetScore(&ctx, req, &a.scores.emplace_back());
      EXPECT_TRUE(s.ok()) << s.error_message();
    }
    {
      grpc::ClientContext ctx;
      v1::GetLeaderboardRequest req;
      req.set_page_size(100);
      api::ToProtoTime(t, req.mutable_as_of());
      grpc::Status s = scoring_->GetLeaderboard(&ctx, req, &a.leaderboard);
      EXPECT_TRUE(s.ok()) << s.error_message();
      EXPECT_EQ(a.leaderboard.entries_size(),
                static_cast<int>(members_.size()));
    }
    {
      grpc::ClientContext ctx;
      v1::ListDecliningMembersRequest req;
      req.set_min_drop(0.01);
      req.set_page_size(100);
      api::ToProtoTime(t, req.mutable_as_of());
      grpc::Status s = scoring_->ListDecliningMembers(&ctx, req, &a.decliners);
      EXPECT_TRUE(s.ok()) << s.error_message();
    }
    for (const std::string& id : members_) {
      grpc::ClientContext ctx;
      v1::GetScoreHistoryRequest req;
      req.set_member_id(id);
      api::ToProtoTime(t - 9 * kDay, req.mutable_start_time());
      api::ToProtoTime(t, req.mutable_end_time());
      grpc::Status s =
          scoring_->GetScoreHistory(&ctx, req, &a.histories.emplace_back());
      EXPECT_TRUE(s.ok()) << s.error_message();
    }
    return a;
  }

  std::unique_ptr<v1::ScoringService::Stub> scoring_;
  std::mt19937_64 rng_;
  std::vector<std::string> members_;
  int next_event_ = 0;
};

TEST_P(AsOfExactTest, LaterEventsNeverChangeAnswersAsOfAnInstant) {
  const auto started = std::chrono::steady_clock::now();
  LoadOrg();
  RecordHistory();
  int declines = 0, ingested = 0;
  const std::vector<absl::Time> instants = Instants();
  for (absl::Time t : instants) {
    SCOPED_TRACE(absl::StrCat("as_of ", absl::FormatTime(t)));
    const Answers before = Ask(t);
    declines += before.decliners.members_size();
    const std::vector<v1::Event> later = EventsAfter(t);
    Load(later);
    ingested += static_cast<int>(later.size());
    RecordHistory();
    const Answers after = Ask(t);

    for (size_t i = 0; i < members_.size(); ++i) {
      EXPECT_TRUE(MessageDifferencer::Equals(before.scores[i], after.scores[i]))
          << before.scores[i].ShortDebugString() << "\n vs "
          << after.scores[i].ShortDebugString();
    }
    EXPECT_TRUE(
        MessageDifferencer::Equals(before.leaderboard, after.leaderboard))
        << before.leaderboard.ShortDebugString() << "\n vs "
        << after.leaderboard.ShortDebugString();
    EXPECT_TRUE(MessageDifferencer::Equals(before.decliners, after.decliners))
        << before.decliners.ShortDebugString() << "\n vs "
        << after.decliners.ShortDebugString();
    for (size_t i = 0; i < members_.size(); ++i) {
      const v1::GetScoreHistoryResponse& b = before.histories[i];
      const v1::GetScoreHistoryResponse& a = after.histories[i];
      ASSERT_EQ(b.points_size(), 10) << members_[i];
      ASSERT_EQ(a.points_size(), b.points_size()) << members_[i];
      // The days before t's day.
      for (int p = 0; p + 1 < b.points_size(); ++p) {
        EXPECT_TRUE(MessageDifferencer::Equals(b.points(p), a.points(p)))
            << members_[i] << " point " << p << ": "
            << b.points(p).ShortDebugString() << " vs "
            << a.points(p).ShortDebugString();
      }
      // t's day: the point scored exactly at end_time.
      const int last = b.points_size() - 1;
      EXPECT_TRUE(MessageDifferencer::Equals(b.points(last), a.points(last)))
          << members_[i] << " last point: " << b.points(last).ShortDebugString()
          << " vs " << a.points(last).ShortDebugString();
    }
  }
  // The organisation is not trivial: some members decline.
  EXPECT_GT(declines, 0);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started)
          .count();
  std::cout << "as_of org " << GetParam() << ": " << members_.size()
            << " members x " << instants.size() << " instants, " << ingested
            << " later events, " << declines << " decliners listed, " << seconds
            << " s\n";
}

INSTANTIATE_TEST_SUITE_P(Orgs, AsOfExactTest, ::testing::Values(1, 2, 3, 4));

}  // namespace
}  // namespace rapport::testing
