// Serving while the score boards are built: through the real server over a
// FaultStore whose gate can hold any read of one member, health says
// NOT_SERVING until every tenant's board is built (or, for a tenant whose
// daily history has a recorded day, a provisional board of that day is
// installed; its figures stay truthful until the full board replaces it),
// health and cached scores
// are answered while slow calls hold every worker thread, and a score at a
// past instant is computed for its member alone; a batch of past scores
// stops reading once its caller has gone.
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "grpcpp/generic/generic_stub.h"
#include "gtest/gtest.h"
#include "rapport/v1/scoring.grpc.pb.h"
#include "server/model/score_snapshot.h"
#include "server/store/sqlite_store.h"
#include "tests/common/fault_store.h"
#include "tests/integration/raw_call.h"
#include "tests/integration/server_fixture.h"

namespace rapport::testing {
namespace {

constexpr absl::Duration kPatience = absl::Seconds(20);
constexpr int kMembers = 12;

// grpc.health.v1.HealthCheckResponse.status of the whole server: 1 SERVING,
// 2 NOT_SERVING; 0 when the call failed.
int HealthStatus(grpc::GenericStub& stub) {
  RawCall call(stub, "/grpc.health.v1.Health/Check");
  if (!call.Write("") || !call.WritesDone()) return 0;
  std::optional<std::string> response = call.Read();
  if (!call.Finish().ok() || !response.has_value()) return 0;
  return response->size() == 2 && (*response)[0] == '\x08' ? (*response)[1] : 0;
}

class ServingTest : public ServerTest {
 protected:
  // Loads members m1..m12 (two teams) with events over the last days and
  // records the daily history, then restarts the server over a FaultStore
  // on the same database.
  void SetUp() override {
    ServerTest::SetUp();
    std::vector<v1::Event> events;
    for (int i = 1; i <= kMembers; ++i) {
      const std::string id = absl::StrCat("m", i);
      v1::UpsertMemberResponse upserted;
      ASSERT_TRUE(
          Upsert(MakeMember(id, i % 2 == 0 ? "alpha" : "beta"), &upserted)
              .ok());
      for (int k = 0; k < 2 * i; ++k) {
        events.push_back(MakeEvent(absl::StrCat(id, "-e", k), id,
                                   clock_.Now() - absl::Hours(7 * k + 1)));
      }
    }
    Load(events);
    if (record_history_) {
      ASSERT_TRUE(server_->RecordHistory().ok());
    }
    server_->Shutdown(absl::Seconds(1));
    server_.reset();
  }

  // Starts the server over a FaultStore on the database, with `closed`'s
  // reads held at the gate from the start when not empty.
  void StartOverFaults(const std::string& closed = "") {
    store::SqliteStoreOptions store_options;
    store_options.path = db_path_;
    auto sqlite = store::SqliteStore::Open(store_options);
    ASSERT_TRUE(sqlite.ok()) << sqlite.status();
    auto faults = std::make_unique<FaultStore>(*std::move(sqlite));
    faults_ = faults.get();  // Owned by the server from here on.
    if (!closed.empty()) faults_->CloseGate(closed);
    app::ServerOptions options;
    options.listen = "127.0.0.1:0";
    options.board.refresh_interval = absl::Seconds(1);
    options.history_interval = absl::ZeroDuration();
    auto server =
        app::RapportServer::Start(options, &clock_, std::move(faults));
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    channel_ = grpc::CreateChannel(absl::StrCat("127.0.0.1:", server_->port()),
                                   grpc::InsecureChannelCredentials());
    scoring_ = v1::ScoringService::NewStub(channel_);
    generic_ = std::make_unique<grpc::GenericStub>(channel_);
  }

  // Polls health until it says `want`, for up to kPatience.
  bool HealthBecomes(int want) {
    const absl::Time give_up = absl::Now() + kPatience;
    while (absl::Now() < give_up) {
      if (HealthStatus(*generic_) == want) return true;
      absl::SleepFor(absl::Milliseconds(20));
    }
    return false;
  }

  // Waits until no aggregate is read for 300 ms (up to kPatience): the
  // background builds after a start are done.
  bool StoreGoesQuiet() {
    const absl::Time give_up = absl::Now() + kPatience;
    int last = faults_->read_activity_calls();
    while (absl::Now() < give_up) {
      absl::SleepFor(absl::Milliseconds(300));
      const int now = faults_->read_activity_calls();
      if (now == last) return true;
      last = now;
    }
    return false;
  }

  grpc::Status Score(const std::string& id, std::optional<absl::Time> as_of,
                     v1::GetScoreResponse* out) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() +
                     std::chrono::seconds(20));
    v1::GetScoreRequest req;
    req.set_member_id(id);
    if (as_of) api::ToProtoTime(*as_of, req.mutable_as_of());
    return scoring_->GetScore(&ctx, req, out);
  }

  // Whether SetUp records the daily history before the restart.
  bool record_history_ = true;
  FaultStore* faults_ = nullptr;
  std::unique_ptr<v1::ScoringService::Stub> scoring_;
  std::unique_ptr<grpc::GenericStub> generic_;
};

// Without a recorded day of the daily history, nothing can stand in for the
// tenant's board: health waits for its full build.
class ServingWithoutHistoryTest : public ServingTest {
 protected:
  ServingWithoutHistoryTest() { record_history_ = false; }
};

TEST_F(ServingWithoutHistoryTest, HealthIsNotServingUntilTheBoardsAreBuilt) {
  StartOverFaults("m5");
  ASSERT_TRUE(faults_->AwaitHeld(1, kPatience)) << "no board build started";
  // The build is held on m5: the server answers health, and says it could
  // not yet answer a score without waiting.
  EXPECT_EQ(HealthStatus(*generic_), 2);
  EXPECT_EQ(HealthStatus(*generic_), 2);
  faults_->OpenGate();
  EXPECT_TRUE(HealthBecomes(1));
  v1::GetScoreResponse got;
  ASSERT_TRUE(Score("m5", std::nullopt, &got).ok());
  EXPECT_EQ(got.score().member_id(), "m5");
}

// A tenant with a recorded day is SERVING while its full build is held: the
// leaderboard is the recorded day's (and says so in as_of), a score now is
// its member scored alone as of now and ranked among the recorded scores,
// a member created since is scored too (but left out of the group answers),
// and once the gate opens the full board replaces the provisional one.
TEST_F(ServingTest, AProvisionalBoardServesTruthfulFiguresUntilTheFullBoard) {
  StartOverFaults("m5");
  // A failed assertion must not leave reads held at shutdown.
  struct OpenAtEnd {
    FaultStore* faults;
    ~OpenAtEnd() { faults->OpenGate(); }
  } open_at_end{faults_};
  ASSERT_TRUE(HealthBecomes(1));
  ASSERT_TRUE(faults_->AwaitHeld(1, kPatience)) << "no full build started";
  EXPECT_GE(faults_->held_now(), 1);
  activity_ = v1::ActivityService::NewStub(channel_);
  const absl::CivilDay yesterday =
      absl::ToCivilDay(clock_.Now(), absl::UTCTimeZone()) - 1;
  const absl::Time day_end =
      absl::FromCivil(yesterday + 1, absl::UTCTimeZone()) -
      absl::Nanoseconds(1);

  // The recorded day's scores, read from the database itself.
  store::SqliteStoreOptions store_options;
  store_options.path = db_path_;
  auto sqlite = store::SqliteStore::Open(store_options);
  ASSERT_TRUE(sqlite.ok()) << sqlite.status();
  auto recorded = (*sqlite)->ReadScoresOfDay("default", yesterday);
  ASSERT_TRUE(recorded.ok()) << recorded.status();
  std::map<std::string, double> day_totals;
  for (const model::ScoreSnapshot& s : *recorded) {
    day_totals[s.member_id] = s.total;
  }
  ASSERT_EQ(day_totals.size(), static_cast<size_t>(kMembers));

  // Group answers: the recorded day, as of its end.
  auto leaderboard = [this](v1::GetLeaderboardResponse* out) {
    grpc::ClientContext ctx;
    v1::GetLeaderboardRequest req;
    req.set_page_size(100);
    return scoring_->GetLeaderboard(&ctx, req, out);
  };
  v1::GetLeaderboardResponse board;
  ASSERT_TRUE(leaderboard(&board).ok());
  EXPECT_EQ(api::FromProtoTime(board.as_of()), day_end);
  ASSERT_EQ(board.entries_size(), kMembers);
  for (const v1::LeaderboardEntry& e : board.entries()) {
    EXPECT_EQ(e.total(), day_totals[e.member_id()]) << e.member_id();
  }

  // A score now: the member alone as of now, ranked among the recorded
  // scores of its team.
  v1::GetScoreResponse now;
  ASSERT_TRUE(Score("m3", std::nullopt, &now).ok());
  EXPECT_EQ(api::FromProtoTime(now.score().as_of()), clock_.Now());
  int above = 0, team_size = 0;
  for (int i = 1; i <= kMembers; ++i) {
    if (i % 2 == 0) continue;  // m3's team, "beta", holds the odd ones.
    ++team_size;
    const std::string id = absl::StrCat("m", i);
    if (id != "m3" && day_totals[id] > now.score().total()) ++above;
  }
  EXPECT_EQ(now.score().network_rank().group(), "beta");
  EXPECT_EQ(now.score().network_rank().out_of(), team_size);
  EXPECT_EQ(now.score().network_rank().rank(), above + 1);

  // A member created since: scored alone, absent from the group answers.
  v1::UpsertMemberResponse upserted;
  ASSERT_TRUE(Upsert(MakeMember("m13", "beta"), &upserted).ok());
  v1::GetScoreResponse newcomer;
  ASSERT_TRUE(Score("m13", std::nullopt, &newcomer).ok());
  EXPECT_EQ(newcomer.score().network_rank().out_of(), team_size + 1);
  ASSERT_TRUE(leaderboard(&board).ok());
  EXPECT_EQ(board.entries_size(), kMembers);

  // The full board replaces the provisional one once it is built.
  faults_->OpenGate();
  const absl::Time give_up = absl::Now() + kPatience;
  while (api::FromProtoTime(board.as_of()) == day_end &&
         absl::Now() < give_up) {
    absl::SleepFor(absl::Milliseconds(20));
    ASSERT_TRUE(leaderboard(&board).ok());
  }
  EXPECT_EQ(api::FromProtoTime(board.as_of()), clock_.Now());
  EXPECT_EQ(HealthStatus(*generic_), 1);
  v1::GetScoreResponse full;
  ASSERT_TRUE(Score("m3", std::nullopt, &full).ok());
  EXPECT_EQ(full.score().total(), now.score().total());
  EXPECT_EQ(api::FromProtoTime(full.score().as_of()), clock_.Now());
  ASSERT_TRUE(Score("m13", std::nullopt, &newcomer).ok());
  // The same instant through the past-instant path, which scores the member
  // alone (it waits for the build under way, hence only now).
  v1::GetScoreResponse alone;
  ASSERT_TRUE(Score("m3", clock_.Now(), &alone).ok());
  EXPECT_EQ(now.score().total(), alone.score().total());
  EXPECT_EQ(now.score().change_7d(), alone.score().change_7d());
  for (int p = 0; p < now.score().pillars_size(); ++p) {
    EXPECT_EQ(now.score().pillars(p).score(), alone.score().pillars(p).score());
  }
}

// Past boards that cannot be built (their reads held) occupy every worker
// thread and queue more; health and a score from the current board are
// still answered, and every held call completes once the gate opens. Without
// a recorded history the board health waits for is the full one (a
// provisional board's scores now are computed on the workers).
TEST_F(ServingWithoutHistoryTest,
       HealthAndCachedScoresAnswerWhileSlowCallsHoldEveryWorker) {
  StartOverFaults();
  ASSERT_TRUE(HealthBecomes(1));
  v1::GetScoreResponse before;
  ASSERT_TRUE(Score("m3", std::nullopt, &before).ok());

  faults_->CloseGate("m4");
  std::vector<std::thread> slow;
  std::vector<grpc::Status> slow_status(6);
  for (int i = 0; i < 6; ++i) {
    slow.emplace_back([&, i] {
      v1::GetScoreResponse out;
      // m4 itself, at instants of several past days: each is held on m4's
      // reads or waits for the build that is.
      slow_status[i] =
          Score("m4", clock_.Now() - absl::Hours(30 + 24 * i), &out);
    });
  }
  ASSERT_TRUE(faults_->AwaitHeld(1, kPatience)) << "no slow call started";
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(HealthStatus(*generic_), 1);
    v1::GetScoreResponse now;
    const grpc::Status status = Score("m3", std::nullopt, &now);
    ASSERT_TRUE(status.ok())
        << status.error_code() << " " << status.error_message();
    EXPECT_EQ(now.score().total(), before.score().total());
  }
  EXPECT_GE(faults_->held_now(), 1) << "the slow calls were not held";
  faults_->OpenGate();
  for (std::thread& t : slow) t.join();
  for (const grpc::Status& s : slow_status) {
    EXPECT_TRUE(s.ok()) << s.error_message();
  }
}

// A score at a past instant reads its member's aggregates alone (now and
// seven days before); instants of one day share one board of that day,
// read from the recorded history; and the ranks place the member among
// that day's scores.
TEST_F(ServingTest, PastScoresAreScoredAloneAgainstTheDaysBoard) {
  StartOverFaults();
  ASSERT_TRUE(HealthBecomes(1));
  const absl::Time day_start =
      absl::FromCivil(absl::ToCivilDay(clock_.Now(), absl::UTCTimeZone()) - 1,
                      absl::UTCTimeZone());
  // The outreach cache builds in the background after a start: measured
  // once it has read what it reads.
  ASSERT_TRUE(StoreGoesQuiet());
  const int reads_before = faults_->read_activity_calls();
  v1::GetScoreResponse first;
  for (int h = 1; h <= 5; ++h) {
    v1::GetScoreResponse got;
    ASSERT_TRUE(Score("m6", day_start + absl::Hours(4 * h), &got).ok());
    EXPECT_EQ(got.score().network_rank().group(), "alpha");
    EXPECT_FALSE(got.score().network_rank().withheld())
        << got.score().network_rank().withheld_reason();
    EXPECT_EQ(got.score().network_rank().out_of(), kMembers / 2);
    if (h == 1) first = got;
  }
  // Two reads per call at most (the member at as_of and seven days
  // before), never one per member of the tenant.
  EXPECT_LE(faults_->read_activity_calls() - reads_before, 2 * 5);

  // At the day's last instant, the score is the recorded one, and its rank
  // is the one the day's leaderboard gives it.
  const absl::Time end = day_start + absl::Hours(24) - absl::Nanoseconds(1);
  v1::GetScoreResponse at_end;
  ASSERT_TRUE(Score("m6", end, &at_end).ok());
  grpc::ClientContext ctx;
  v1::GetLeaderboardRequest req;
  req.set_team("alpha");
  api::ToProtoTime(end + absl::Hours(5), req.mutable_as_of());
  v1::GetLeaderboardResponse board;
  ASSERT_TRUE(scoring_->GetLeaderboard(&ctx, req, &board).ok());
  EXPECT_EQ(api::FromProtoTime(board.as_of()), end);
  bool found = false;
  for (const v1::LeaderboardEntry& e : board.entries()) {
    if (e.member_id() != "m6") continue;
    found = true;
    EXPECT_EQ(e.total(), at_end.score().total());
    EXPECT_EQ(e.rank(), at_end.score().network_rank().rank());
  }
  EXPECT_TRUE(found);
}

// A batch of past scores whose caller's deadline passes while one member's
// reads are held stops there: once the reads are let through, the members
// after it are not read (each would be at least one read).
TEST_F(ServingTest, ABatchOfPastScoresStopsReadingOnceItsCallerHasGone) {
  StartOverFaults();
  ASSERT_TRUE(HealthBecomes(1));
  ASSERT_TRUE(StoreGoesQuiet());
  faults_->CloseGate("m2");
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() +
                   std::chrono::milliseconds(500));
  v1::BatchGetScoresRequest req;
  for (int i = 1; i <= kMembers; ++i) req.add_member_ids(absl::StrCat("m", i));
  api::ToProtoTime(clock_.Now() - absl::Hours(30), req.mutable_as_of());
  v1::BatchGetScoresResponse out;
  const grpc::Status status = scoring_->BatchGetScores(&ctx, req, &out);
  EXPECT_EQ(status.error_code(), grpc::DEADLINE_EXCEEDED);
  ASSERT_TRUE(faults_->AwaitHeld(1, kPatience)) << "m2 was never read";
  const int reads_before = faults_->read_activity_calls();
  faults_->OpenGate();
  ASSERT_TRUE(StoreGoesQuiet());
  // m2's own reads finish; m3..m12 are never read.
  EXPECT_LT(faults_->read_activity_calls() - reads_before, kMembers - 2);
  // The server answers the same batch in full once nothing is held.
  grpc::ClientContext again;
  again.set_deadline(std::chrono::system_clock::now() +
                     std::chrono::seconds(20));
  ASSERT_TRUE(scoring_->BatchGetScores(&again, req, &out).ok());
  EXPECT_EQ(out.scores_size(), kMembers);
}

}  // namespace
}  // namespace rapport::testing
