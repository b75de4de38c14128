// Clock changes through the real server, over generated events: the UTC day
// turning while events arrive and the daily history is recorded, the clock
// stepping back an hour across midnight and forward again, the clock
// stepping back within a day under a refreshing score board, and
// daylight-saving dates (the server runs with TZ set to a zone that changes
// its offset on the dates used; `rapport import --time_zone` converts local
// times of transition days).
//
// What must hold: the daily history has exactly one point per member per
// day; every recorded point, every current score and every board entry
// equals a recomputation (the same member scored alone at that instant, and
// a twin server that received every event at once at the end); the daily
// counts equal the twin's; the board's day follows the clock, turning once
// per midnight crossed.
#include <stdlib.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "client/cli/import_rules.h"
#include "google/protobuf/util/message_differencer.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
#include "rapport/v1/activity.grpc.pb.h"
#include "rapport/v1/outreach.grpc.pb.h"
#include "rapport/v1/scoring.grpc.pb.h"
#include "server/api/convert.h"
#include "server/api/gatekeeper.h"
#include "server/app/server.h"
#include "server/common/clock.h"
#include "server/model/activity.h"
#include "server/model/score_snapshot.h"
#include "server/store/sqlite_store.h"
#include "tests/common/temp_dir.h"

namespace rapport::testing {
namespace {

using google::protobuf::util::MessageDifferencer;

constexpr int kBackfillDays = 14;
constexpr int kMembers = 6;

absl::CivilDay DayOf(absl::Time t) {
  return absl::ToCivilDay(t, absl::UTCTimeZone());
}

absl::Time At(absl::CivilDay day, int hour, int minute = 0) {
  return absl::FromCivil(
      absl::CivilMinute(day.year(), day.month(), day.day(), hour, minute),
      absl::UTCTimeZone());
}

std::string MemberId(int i) { return absl::StrCat("m", i); }

// The server runs in a zone whose offset changes on the dates the tests
// use: rapport's days are UTC, so nothing may depend on it.
void UseNewYorkAsLocalZone() {
  setenv("TZ", "America/New_York", 1);
  tzset();
}

// Events of a few kinds (counted, with contacts and threads) for kMembers
// members, at times the caller picks.
class EventSource {
 public:
  explicit EventSource(uint32_t seed) : rng_(seed) {}

  v1::Event Make(absl::Time at) {
    v1::Event e;
    e.set_event_id(absl::StrCat("e", next_++));
    const std::string member = MemberId(Uniform(0, kMembers - 1));
    e.set_member_id(member);
    api::ToProtoTime(at, e.mutable_occur_time());
    const std::string contact = absl::StrCat("c", Uniform(0, 9));
    switch (Uniform(0, 5)) {
      case 0:
        e.set_type(v1::EVENT_TYPE_POST_PUBLISHED);
        break;
      case 1:
        e.set_type(v1::EVENT_TYPE_COMMENT_MADE);
        break;
      case 2:
        e.set_type(v1::EVENT_TYPE_REACTION_RECEIVED);
        e.set_quantity(Uniform(1, 30));
        break;
      case 3:
        e.set_type(v1::EVENT_TYPE_PROSPECT_SEARCH);
        e.set_quantity(Uniform(1, 5));
        break;
      default:
        e.set_type(Uniform(0, 1) == 0 ? v1::EVENT_TYPE_MESSAGE_SENT
                                      : v1::EVENT_TYPE_MESSAGE_RECEIVED);
        e.set_channel(v1::CHANNEL_EMAIL);
        e.mutable_contact()->set_contact_id(contact);
        e.mutable_contact()->set_seniority(
            static_cast<v1::Seniority>(Uniform(1, 5)));
        e.set_thread_id(absl::StrCat("t-", member, "-", contact));
        break;
    }
    return e;
  }

  // `n` events dated uniformly in [from, to].
  std::vector<v1::Event> Between(absl::Time from, absl::Time to, int n) {
    std::vector<v1::Event> events;
    const int64_t span = absl::ToInt64Seconds(to - from);
    for (int i = 0; i < n; ++i) {
      events.push_back(Make(from + absl::Seconds(Uniform(0, span))));
    }
    return events;
  }

  int64_t Uniform(int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(rng_);
  }

 private:
  std::mt19937 rng_;
  int next_ = 0;
};

// One RapportServer with its own fake clock and database file, and stubs.
class Instance {
 public:
  Instance(std::string db_path, absl::Time now) : db_path_(db_path) {
    clock_ = std::make_unique<FakeClock>(now);
  }

  void Start(absl::Duration refresh_interval = absl::ZeroDuration()) {
    app::ServerOptions options;
    options.listen = "127.0.0.1:0";
    options.db_path = db_path_;
    options.board.refresh_interval = refresh_interval;
    options.history.backfill_days = kBackfillDays;
    options.history_interval = absl::ZeroDuration();  // Record() instead.
    options.score_changes_interval = absl::ZeroDuration();
    options.retention_interval = absl::ZeroDuration();
    auto server = app::RapportServer::Start(options, clock_.get());
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    auto channel =
        grpc::CreateChannel(absl::StrCat("127.0.0.1:", server_->port()),
                            grpc::InsecureChannelCredentials());
    activity_ = v1::ActivityService::NewStub(channel);
    scoring_ = v1::ScoringService::NewStub(channel);
    outreach_ = v1::OutreachService::NewStub(channel);
    for (int i = 0; i < kMembers; ++i) {
      grpc::ClientContext ctx;
      v1::UpsertMemberRequest req;
      v1::Member* m = req.mutable_member();
      m->set_member_id(MemberId(i));
      m->set_display_name(absl::StrCat("Rep ", i));
      m->set_team(i % 2 == 0 ? "Atlas" : "Borealis");
      m->set_industry("software");
      m->mutable_profile()->set_has_photo(true);
      m->mutable_profile()->set_connections_count(100 * (i + 1));
      v1::UpsertMemberResponse resp;
      ASSERT_TRUE(activity_->UpsertMember(&ctx, req, &resp).ok());
    }
  }

  void Shutdown() {
    if (server_ != nullptr) server_->Shutdown(absl::Seconds(1));
    server_.reset();
  }

  FakeClock& clock() { return *clock_; }
  absl::Time now() const { return clock_->Now(); }

  // Writes `events` (in calls of at most 100) and expects each accepted.
  void Write(const std::vector<v1::Event>& events) {
    for (size_t i = 0; i < events.size(); i += 100) {
      grpc::ClientContext ctx;
      v1::WriteEventsRequest req;
      for (size_t j = i; j < std::min(events.size(), i + 100); ++j) {
        *req.add_events() = events[j];
      }
      v1::WriteEventsResponse resp;
      const grpc::Status status = activity_->WriteEvents(&ctx, req, &resp);
      ASSERT_TRUE(status.ok()) << status.error_message();
      ASSERT_EQ(resp.accepted_count(), req.events_size())
          << resp.ShortDebugString();
    }
  }

  void Record() {
    absl::StatusOr<int64_t> written = server_->RecordHistory();
    ASSERT_TRUE(written.ok()) << written.status();
  }

  v1::Score Score(const std::string& member, std::optional<absl::Time> as_of) {
    grpc::ClientContext ctx;
    v1::GetScoreRequest req;
    req.set_member_id(member);
    if (as_of.has_value()) api::ToProtoTime(*as_of, req.mutable_as_of());
    v1::GetScoreResponse resp;
    const grpc::Status status = scoring_->GetScore(&ctx, req, &resp);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return resp.score();
  }

  v1::GetScoreHistoryResponse History(const std::string& member,
                                      absl::CivilDay first, absl::Time end) {
    grpc::ClientContext ctx;
    v1::GetScoreHistoryRequest req;
    req.set_member_id(member);
    api::ToProtoTime(At(first, 0), req.mutable_start_time());
    api::ToProtoTime(end, req.mutable_end_time());
    v1::GetScoreHistoryResponse resp;
    const grpc::Status status = scoring_->GetScoreHistory(&ctx, req, &resp);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return resp;
  }

  v1::GetLeaderboardResponse Board() {
    grpc::ClientContext ctx;
    v1::GetLeaderboardRequest req;
    req.set_page_size(1000);
    v1::GetLeaderboardResponse resp;
    const grpc::Status status = scoring_->GetLeaderboard(&ctx, req, &resp);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return resp;
  }

  v1::GetOutreachEffectivenessResponse Outreach(const std::string& member,
                                                absl::Time as_of) {
    grpc::ClientContext ctx;
    v1::GetOutreachEffectivenessRequest req;
    req.set_member_id(member);
    req.set_window_days(30);
    api::ToProtoTime(as_of, req.mutable_as_of());
    v1::GetOutreachEffectivenessResponse resp;
    const grpc::Status status =
        outreach_->GetOutreachEffectiveness(&ctx, req, &resp);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return resp;
  }

  int64_t EventCount(const std::string& member) {
    grpc::ClientContext ctx;
    v1::GetMemberRequest req;
    req.set_member_id(member);
    v1::GetMemberResponse resp;
    EXPECT_TRUE(activity_->GetMember(&ctx, req, &resp).ok());
    return resp.member().event_count();
  }

  const std::string& db_path() const { return db_path_; }

 private:
  std::string db_path_;
  std::unique_ptr<FakeClock> clock_;
  std::unique_ptr<app::RapportServer> server_;
  std::unique_ptr<v1::ActivityService::Stub> activity_;
  std::unique_ptr<v1::ScoringService::Stub> scoring_;
  std::unique_ptr<v1::OutreachService::Stub> outreach_;
};

void ExpectSameTotals(const v1::Score& a, const v1::Score& b,
                      const std::string& what) {
  SCOPED_TRACE(what);
  EXPECT_NEAR(a.total(), b.total(), 1e-9);
  ASSERT_EQ(a.pillars_size(), b.pillars_size());
  for (int p = 0; p < a.pillars_size(); ++p) {
    EXPECT_NEAR(a.pillars(p).score(), b.pillars(p).score(), 1e-9);
  }
}

// Property-style: each seed generates its own events and clock steps.
class ClockChangesTest : public ::testing::TestWithParam<int> {
 protected:
  void SetUp() override { UseNewYorkAsLocalZone(); }

  // Starts the live server at `start`.
  void StartLive(absl::Time start,
                 absl::Duration refresh = absl::ZeroDuration()) {
    live_ = std::make_unique<Instance>(dir_.File("live.db"), start);
    live_->Start(refresh);
  }

  // Sends `events` to the live server and keeps them for the twin.
  void Send(const std::vector<v1::Event>& events) {
    live_->Write(events);
    sent_.insert(sent_.end(), events.begin(), events.end());
  }

  // The current board equals every member scored alone at the board's
  // instant, and is of the clock's day; returns that day.
  absl::CivilDay CheckBoard() {
    const v1::GetLeaderboardResponse board = live_->Board();
    const absl::Time as_of = api::FromProtoTime(board.as_of());
    EXPECT_EQ(DayOf(as_of), DayOf(live_->now()))
        << "board of " << as_of << " at " << live_->now();
    EXPECT_EQ(board.entries_size(), kMembers);
    for (const v1::LeaderboardEntry& e : board.entries()) {
      const v1::Score alone = live_->Score(e.member_id(), as_of);
      EXPECT_NEAR(e.total(), alone.total(), 1e-9)
          << e.member_id() << " on the board of " << as_of;
    }
    return DayOf(as_of);
  }

  // Exactly one point per day from `first` to the day before end's day,
  // then the point of `end`; every point equals the member scored alone at
  // its instant; and, from the twin's first day on, the twin's history.
  void CheckHistories(absl::CivilDay first, Instance& twin) {
    const absl::Time end = live_->now();
    const absl::CivilDay twin_first = DayOf(end) - 1 - kBackfillDays + 1;
    for (int i = 0; i < kMembers; ++i) {
      const std::string m = MemberId(i);
      SCOPED_TRACE(m);
      const v1::GetScoreHistoryResponse history = live_->History(m, first, end);
      ASSERT_EQ(history.points_size(), DayOf(end) - first + 1);
      for (int p = 0; p < history.points_size(); ++p) {
        const absl::Time as_of = api::FromProtoTime(history.points(p).as_of());
        const absl::Time expected =
            p + 1 == history.points_size() ? end : model::EndOfDay(first + p);
        ASSERT_EQ(as_of, expected) << "point " << p;
        const v1::Score alone = live_->Score(m, as_of);
        EXPECT_NEAR(history.points(p).total(), alone.total(), 1e-9)
            << "the point of " << as_of;
      }
      const v1::GetScoreHistoryResponse theirs =
          twin.History(m, twin_first, end);
      ASSERT_EQ(theirs.points_size(), DayOf(end) - twin_first + 1);
      const int offset = twin_first - first;
      for (int p = 0; p < theirs.points_size(); ++p) {
        EXPECT_TRUE(MessageDifferencer::ApproximatelyEquals(
            history.points(p + offset), theirs.points(p)))
            << history.points(p + offset).ShortDebugString() << " vs "
            << theirs.points(p).ShortDebugString();
      }
      ExpectSameTotals(live_->Score(m, std::nullopt),
                       twin.Score(m, std::nullopt), "current score");
      EXPECT_TRUE(MessageDifferencer::ApproximatelyEquals(
          live_->Outreach(m, end), twin.Outreach(m, end)));
      EXPECT_EQ(live_->EventCount(m), twin.EventCount(m));
    }
  }

  // A twin server that receives every event sent to the live one at once,
  // at the live clock's instant, and records its history then.
  std::unique_ptr<Instance> MakeTwin() {
    auto twin = std::make_unique<Instance>(dir_.File("twin.db"), live_->now());
    twin->Start();
    twin->Write(sent_);
    twin->Record();
    return twin;
  }

  // The daily counts of both databases are the same, day by day.
  void CheckDailyCounts(const std::string& twin_db, absl::Time from,
                        absl::Time to) {
    store::SqliteStoreOptions a_options, b_options;
    a_options.path = live_->db_path();
    b_options.path = twin_db;
    auto a = store::SqliteStore::Open(a_options);
    auto b = store::SqliteStore::Open(b_options);
    ASSERT_TRUE(a.ok() && b.ok());
    for (int i = 0; i < kMembers; ++i) {
      auto mine =
          (*a)->ReadActivity(api::kDefaultTenant, MemberId(i), from, to);
      auto theirs =
          (*b)->ReadActivity(api::kDefaultTenant, MemberId(i), from, to);
      ASSERT_TRUE(mine.ok() && theirs.ok());
      ASSERT_EQ(mine->daily.size(), theirs->daily.size()) << MemberId(i);
      for (size_t d = 0; d < mine->daily.size(); ++d) {
        const model::DailyCount& x = mine->daily[d];
        const model::DailyCount& y = theirs->daily[d];
        EXPECT_EQ(std::tie(x.day, x.type, x.channel, x.seniority, x.count),
                  std::tie(y.day, y.type, y.channel, y.seniority, y.count))
            << MemberId(i) << " on " << x.day;
      }
    }
  }

  void Finish(absl::CivilDay history_first) {
    std::unique_ptr<Instance> twin = MakeTwin();
    CheckHistories(history_first, *twin);
    const absl::Time end = live_->now();
    live_->Shutdown();
    twin->Shutdown();
    CheckDailyCounts(twin->db_path(), end - absl::Hours(24 * 30), end);
  }

  TempDir dir_;
  std::unique_ptr<Instance> live_;
  std::vector<v1::Event> sent_;
};

// The dates: the US and European daylight-saving changes of 2026 (the
// server's local zone, New York, springs forward on March 8 and falls back
// on November 1).
absl::CivilDay DateOf(int seed) {
  static const absl::CivilDay kDates[] = {
      absl::CivilDay(2026, 3, 7), absl::CivilDay(2026, 10, 31),
      absl::CivilDay(2026, 3, 28), absl::CivilDay(2026, 10, 24)};
  return kDates[seed % 4];
}

// The clock runs from 22:00 on day D to about 02:00 on D+2, crossing two
// midnights (and New York's offset change), while events arrive (some
// dated days back), the history is recorded at random moments and the
// board is read.
TEST_P(ClockChangesTest, DayChangesWhileIngestingAndRecording) {
  const absl::CivilDay d = DateOf(GetParam());
  EventSource source(GetParam());
  StartLive(At(d, 22));
  Send(source.Between(At(d - 12, 0), live_->now(), 150));
  live_->Record();  // Through D-1, from D-14.
  std::vector<absl::CivilDay> board_days = {CheckBoard()};
  while (live_->now() < At(d + 2, 2)) {
    live_->clock().Advance(absl::Minutes(source.Uniform(5, 45)));
    const absl::Time now = live_->now();
    const int n = static_cast<int>(source.Uniform(1, 8));
    // Mostly of the last hour; some late, from up to three days back.
    Send(source.Between(now - absl::Hours(1), now, n));
    if (source.Uniform(0, 2) == 0) {
      Send(source.Between(now - absl::Hours(72), now, 2));
    }
    if (source.Uniform(0, 1) == 0) live_->Record();
    board_days.push_back(CheckBoard());
  }
  for (size_t i = 1; i < board_days.size(); ++i) {
    EXPECT_TRUE(board_days[i] == board_days[i - 1] ||
                board_days[i] == board_days[i - 1] + 1)
        << board_days[i - 1] << " then " << board_days[i];
  }
  EXPECT_EQ(board_days.back() - board_days.front(), 2);
  live_->Record();
  Finish(d - kBackfillDays);
}

// At 00:20 the history holds day D; the clock steps back to 23:20 on D,
// events arrive (dated on D) and the history is recorded; the clock then
// runs forward through the repeated hour and on to D+2. After the step back
// events are dated only on the clock's day, so that no later event of D
// makes its point right by chance: day D's point must count every event of
// D, whenever it arrived.
TEST_P(ClockChangesTest, ClockStepsBackAnHourAcrossMidnightAndForwardAgain) {
  const absl::CivilDay d = DateOf(GetParam() + 1);
  EventSource source(100 + GetParam());
  StartLive(At(d, 23, 40));
  Send(source.Between(At(d - 10, 0), live_->now(), 120));
  live_->Record();  // Through D-1, from D-14.
  live_->clock().Set(At(d + 1, 0, 20));
  Send(source.Between(At(d, 23, 40), live_->now(), 10));
  live_->Record();  // Through D.
  EXPECT_EQ(CheckBoard(), d + 1);

  live_->clock().Set(At(d, 23, 20));  // Back an hour.
  EXPECT_EQ(CheckBoard(), d);
  for (int step = 0; step < 8; ++step) {
    const absl::Time now = live_->now();
    const absl::Time day_start = At(DayOf(now), 0);
    Send(source.Between(std::max(now - absl::Minutes(90), day_start), now, 4));
    if (step == 0 || source.Uniform(0, 1) == 0) live_->Record();
    EXPECT_EQ(CheckBoard(), DayOf(now));
    live_->clock().Advance(absl::Minutes(source.Uniform(5, 15)));
  }
  live_->Record();
  live_->clock().Set(At(d + 1, 1, 30));
  Send(source.Between(At(d + 1, 0), live_->now(), 6));
  live_->Record();
  EXPECT_EQ(CheckBoard(), d + 1);
  live_->clock().Set(At(d + 2, 0, 30));
  live_->Record();
  Finish(d - kBackfillDays);
}

INSTANTIATE_TEST_SUITE_P(Seeds, ClockChangesTest, ::testing::Range(0, 4));

// With a refresh interval, a clock stepped back an hour within a day must
// not freeze the current board until the clock catches up: the board takes
// in new events as it would have without the step.
TEST(ClockStepBackTest, CurrentBoardKeepsRefreshing) {
  UseNewYorkAsLocalZone();
  TempDir dir;
  const absl::CivilDay d(2026, 3, 8);
  Instance live(dir.File("live.db"), At(d, 12));
  live.Start(/*refresh_interval=*/absl::Seconds(1));
  EventSource source(7);
  live.Write(source.Between(At(d - 5, 0), live.now(), 60));
  ASSERT_EQ(live.Board().entries_size(), kMembers);  // Built at 12:00.

  live.clock().Set(At(d, 11));
  v1::Event late = source.Make(live.now() - absl::Minutes(1));
  late.set_member_id(MemberId(0));
  late.set_type(v1::EVENT_TYPE_REACTION_RECEIVED);
  late.set_quantity(500);
  live.Write({late});
  live.clock().Advance(absl::Seconds(2));  // Past the refresh interval.
  const double expected = live.Score(MemberId(0), live.now()).total();

  // The refresh runs on the board's own thread: wait for it (bounded).
  double seen = -1;
  for (int attempt = 0; attempt < 2000; ++attempt) {
    const v1::GetLeaderboardResponse board = live.Board();
    for (const v1::LeaderboardEntry& e : board.entries()) {
      if (e.member_id() == MemberId(0)) seen = e.total();
    }
    if (std::abs(seen - expected) < 1e-9) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_NEAR(seen, expected, 1e-9)
      << "the board did not take in an event after the clock stepped back";
  live.Shutdown();
}

// An event dated a little ahead of the server's clock (within
// --max_clock_skew) does not count at once; the board counts it once the
// clock reaches it, though no change is reported then.
TEST(ClockSkewTest, AnEventDatedAheadCountsOnceTheClockReachesIt) {
  TempDir dir;
  const absl::CivilDay d(2026, 3, 8);
  Instance live(dir.File("live.db"), At(d, 12));
  live.Start();
  EventSource source(11);
  live.Write(source.Between(At(d - 5, 0), live.now(), 60));
  v1::Event ahead = source.Make(live.now() + absl::Minutes(3));
  ahead.set_member_id(MemberId(0));
  ahead.set_type(v1::EVENT_TYPE_REACTION_RECEIVED);
  ahead.set_quantity(500);
  live.Write({ahead});
  auto board_total = [&live] {
    const v1::GetLeaderboardResponse board = live.Board();
    for (const v1::LeaderboardEntry& e : board.entries()) {
      if (e.member_id() == MemberId(0)) return e.total();
    }
    return -1.0;
  };
  EXPECT_NEAR(board_total(), live.Score(MemberId(0), live.now()).total(), 1e-9);
  const double before = board_total();
  live.clock().Advance(absl::Minutes(4));
  const double after = live.Score(MemberId(0), live.now()).total();
  ASSERT_GT(after, before) << "the event ahead does not move the score";
  EXPECT_NEAR(board_total(), after, 1e-9);
  live.Shutdown();
}

// --- Daylight-saving dates in `rapport import --time_zone` ---------------

// A zone's two offsets and the UTC instants it switches between them in
// 2026, written out from the rules (not from the time zone database), so
// that the conversion is checked against an independent source.
struct ZoneRule {
  const char* name;
  absl::Duration standard;
  absl::Duration summer;
  absl::Time summer_from;   // UTC.
  absl::Time summer_until;  // UTC.
};

absl::Time Utc(int y, int mo, int d, int h) {
  return absl::FromCivil(absl::CivilHour(y, mo, d, h), absl::UTCTimeZone());
}

std::vector<ZoneRule> Zones() {
  return {
      // Second Sunday of March 2:00 EST, first Sunday of November 2:00 EDT.
      {"America/New_York", absl::Hours(-5), absl::Hours(-4), Utc(2026, 3, 8, 7),
       Utc(2026, 11, 1, 6)},
      // Last Sundays of March and October at 01:00 UTC.
      {"Europe/Berlin", absl::Hours(1), absl::Hours(2), Utc(2026, 3, 29, 1),
       Utc(2026, 10, 25, 1)},
  };
}

absl::Duration OffsetAt(const ZoneRule& z, absl::Time t) {
  return t >= z.summer_from && t < z.summer_until ? z.summer : z.standard;
}

// Every 10 minutes of local time over the three days around each change:
// a time that exists once converts to its one instant (so its UTC day is
// right), a repeated time to one of its two instants, and a skipped time
// to an instant whose offset is one of the zone's two. Both the explicit
// format and ISO 8601 without an offset.
TEST(DaylightSavingImportTest, LocalTimesOfTransitionDaysConvertCorrectly) {
  for (const ZoneRule& z : Zones()) {
    absl::TimeZone zone;
    ASSERT_TRUE(absl::LoadTimeZone(z.name, &zone)) << z.name;
    for (absl::Time change : {z.summer_from, z.summer_until}) {
      const absl::CivilDay day = DayOf(change + z.standard);
      for (absl::CivilMinute local(day - 1); local < absl::CivilMinute(day + 2);
           local += 10) {
        const absl::Time naive = absl::FromCivil(local, absl::UTCTimeZone());
        std::vector<absl::Time> valid;
        for (absl::Duration offset : {z.standard, z.summer}) {
          if (OffsetAt(z, naive - offset) == offset) {
            valid.push_back(naive - offset);
          }
        }
        const std::string text = absl::FormatCivilTime(local).substr(0, 16);
        for (const std::string& format :
             {std::string("%Y-%m-%dT%H:%M"), std::string("ISO8601")}) {
          absl::StatusOr<absl::Time> parsed =
              cli::ParseCellTime(text, {format}, zone);
          ASSERT_TRUE(parsed.ok()) << text << ": " << parsed.status();
          SCOPED_TRACE(absl::StrCat(z.name, " ", text, " as ", format));
          if (valid.size() == 1) {
            EXPECT_EQ(*parsed, valid[0]);
          } else if (valid.size() == 2) {
            EXPECT_TRUE(*parsed == valid[0] || *parsed == valid[1]);
          } else {  // Skipped: read with the offset before or after.
            EXPECT_TRUE(*parsed == naive - z.standard ||
                        *parsed == naive - z.summer);
          }
        }
      }
    }
  }
}

}  // namespace
}  // namespace rapport::testing
