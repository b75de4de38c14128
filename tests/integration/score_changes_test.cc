// ScoringService.ListScoreChanges through the real server: every changed
// member listed exactly once per sweep, across small pages, across a restart
// in the middle of a sweep, with changes made during a sweep in the next
// one; time passing changes scores too; cursors bound to their team filter
// and refused when altered; erased members leave the feed.
#include <cmath>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rapport/v1/scoring.grpc.pb.h"
#include "tests/integration/server_fixture.h"

namespace rapport::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr int kMembers = 36;
const char* const kTeams[] = {"north", "south", "east"};

std::string MemberId(int i) { return absl::StrCat("m", 100 + i); }

// The feed's rule, as the proto states it: SSI rounded to one decimal.
long Tenths(double ssi) { return std::lround(ssi * 10); }

struct Sweep {
  std::vector<v1::ScoreChange> changes;
  std::string cursor;  // The cursor after the sweep (caught up).
  int pages = 0;
};

class ScoreChangesTest : public ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    scoring_ = v1::ScoringService::NewStub(channel_);
    for (int i = 0; i < kMembers; ++i) {
      v1::UpsertMemberResponse out;
      ASSERT_TRUE(Upsert(MakeMember(MemberId(i), kTeams[i % 3]), &out).ok());
    }
  }

  void RestartServer() {
    ServerTest::RestartServer();
    scoring_ = v1::ScoringService::NewStub(channel_);
  }

  // `posts` posts for each member of `members`, at distinct recent times.
  void Post(const std::set<int>& members, int posts) {
    std::vector<v1::Event> events;
    for (int i : members) {
      for (int p = 0; p < posts; ++p) {
        events.push_back(MakeEvent(absl::StrCat("post-", i, "-", ++serial_),
                                   MemberId(i),
                                   clock_.Now() - absl::Hours(1 + p * 20)));
      }
    }
    Load(events);
  }

  void Track() {
    absl::StatusOr<int64_t> written = server_->TrackScoreChanges();
    ASSERT_TRUE(written.ok()) << written.status();
  }

  grpc::Status Page(const std::string& cursor, const std::string& team,
                    int page_size, v1::ListScoreChangesResponse* out) {
    grpc::ClientContext ctx;
    v1::ListScoreChangesRequest req;
    req.set_cursor(cursor);
    req.set_team(team);
    req.set_page_size(page_size);
    return scoring_->ListScoreChanges(&ctx, req, out);
  }

  // Pages from `cursor` until has_more is false.
  Sweep SweepFrom(const std::string& cursor, int page_size,
                  const std::string& team = "") {
    Sweep sweep;
    sweep.cursor = cursor;
    while (true) {
      v1::ListScoreChangesResponse page;
      grpc::Status s = Page(sweep.cursor, team, page_size, &page);
      EXPECT_TRUE(s.ok()) << s.error_message();
      if (!s.ok()) break;
      ++sweep.pages;
      EXPECT_LE(page.changes_size(), page_size);
      for (const v1::ScoreChange& c : page.changes()) {
        sweep.changes.push_back(c);
      }
      sweep.cursor = page.next_cursor();
      if (!page.has_more()) break;
    }
    return sweep;
  }

  // Every member's current SSI, by member_id.
  std::map<std::string, double> Scores() {
    grpc::ClientContext ctx;
    v1::BatchGetScoresRequest req;
    for (int i = 0; i < kMembers; ++i) req.add_member_ids(MemberId(i));
    v1::BatchGetScoresResponse resp;
    EXPECT_TRUE(scoring_->BatchGetScores(&ctx, req, &resp).ok());
    std::map<std::string, double> scores;
    for (const v1::Score& s : resp.scores()) scores[s.member_id()] = s.total();
    return scores;
  }

  // The members whose SSI, to one decimal, differs between the two.
  static std::set<std::string> Changed(
      const std::map<std::string, double>& before,
      const std::map<std::string, double>& after) {
    std::set<std::string> changed;
    for (const auto& [id, ssi] : after) {
      auto old = before.find(id);
      if (old == before.end() || Tenths(old->second) != Tenths(ssi)) {
        changed.insert(id);
      }
    }
    return changed;
  }

  // The member ids of `changes`, checking that none repeats and that they
  // come in member_id order.
  static std::set<std::string> Ids(
      const std::vector<v1::ScoreChange>& changes) {
    std::set<std::string> ids;
    std::string last;
    for (const v1::ScoreChange& c : changes) {
      EXPECT_TRUE(ids.insert(c.member_id()).second)
          << c.member_id() << " listed twice in one sweep";
      EXPECT_GT(c.member_id(), last) << "not in member_id order";
      last = c.member_id();
    }
    return ids;
  }

  std::unique_ptr<v1::ScoringService::Stub> scoring_;
  int serial_ = 0;
};

TEST_F(ScoreChangesTest, FirstSweepListsEveryMemberOnceWithTheirScore) {
  std::set<int> active;
  for (int i = 0; i < kMembers; i += 2) active.insert(i);
  Post(active, 3);
  // Before any pass the feed is empty, and caught up.
  const Sweep empty = SweepFrom("", 5);
  EXPECT_TRUE(empty.changes.empty());
  Track();
  const std::map<std::string, double> scores = Scores();
  ASSERT_EQ(scores.size(), static_cast<size_t>(kMembers));
  for (int page_size : {1, 4, 7, 100}) {
    const Sweep sweep = SweepFrom("", page_size);
    std::set<std::string> ids = Ids(sweep.changes);
    EXPECT_EQ(ids.size(), static_cast<size_t>(kMembers)) << page_size;
    EXPECT_GE(sweep.pages, (kMembers + page_size - 1) / page_size);
    for (const v1::ScoreChange& c : sweep.changes) {
      EXPECT_DOUBLE_EQ(c.ssi(), scores.at(c.member_id()));
      EXPECT_FALSE(c.has_previous_ssi());
      EXPECT_EQ(c.pillars_size(), 4);
      double sum = 0;
      for (const v1::PillarValue& p : c.pillars()) sum += p.value();
      EXPECT_NEAR(sum, c.ssi(), 1e-6);
      EXPECT_EQ(c.change_time().seconds(), absl::ToUnixSeconds(kTestNow));
    }
    // Caught up: the next call lists nothing and keeps the cursor usable.
    const Sweep after = SweepFrom(sweep.cursor, page_size);
    EXPECT_TRUE(after.changes.empty());
    EXPECT_EQ(after.pages, 1);
  }
}

TEST_F(ScoreChangesTest, LaterSweepsListExactlyTheMembersWhoseScoreChanged) {
  Track();
  std::string cursor = SweepFrom("", 10).cursor;
  std::mt19937 rng(1130);
  size_t listed = 0;
  for (int round = 0; round < 4; ++round) {
    const std::map<std::string, double> before = Scores();
    std::set<int> touched;
    for (int i = 0; i < kMembers; ++i) {
      if (rng() % 3 == 0) touched.insert(i);
    }
    Post(touched, 1 + static_cast<int>(rng() % 3));
    Track();
    const std::map<std::string, double> after = Scores();
    const Sweep sweep = SweepFrom(cursor, 1 + static_cast<int>(rng() % 6));
    EXPECT_EQ(Ids(sweep.changes), Changed(before, after)) << "round " << round;
    listed += sweep.changes.size();
    for (const v1::ScoreChange& c : sweep.changes) {
      ASSERT_TRUE(c.has_previous_ssi());
      EXPECT_DOUBLE_EQ(c.previous_ssi(), before.at(c.member_id()));
      EXPECT_DOUBLE_EQ(c.ssi(), after.at(c.member_id()));
    }
    cursor = sweep.cursor;
  }
  EXPECT_GT(listed, 0u) << "the generated posts changed no score";
}

TEST_F(ScoreChangesTest, ChangesDuringASweepAndARestartLoseAndRepeatNothing) {
  Track();
  // The first sweep, interrupted after two pages of 5.
  std::vector<v1::ScoreChange> seen;
  std::string cursor;
  for (int p = 0; p < 2; ++p) {
    v1::ListScoreChangesResponse page;
    ASSERT_TRUE(Page(cursor, "", 5, &page).ok());
    ASSERT_TRUE(page.has_more());
    seen.insert(seen.end(), page.changes().begin(), page.changes().end());
    cursor = page.next_cursor();
  }
  // Members on both sides of the sweep's position change meanwhile.
  const std::map<std::string, double> before = Scores();
  std::set<int> touched;
  for (int i = 0; i < kMembers; i += 5) touched.insert(i);
  Post(touched, 4);
  Track();
  const std::set<std::string> changed = Changed(before, Scores());
  ASSERT_FALSE(changed.empty());

  // The server restarts over its database file; the cursor resumes.
  RestartServer();
  Sweep rest = SweepFrom(cursor, 5);
  seen.insert(seen.end(), rest.changes.begin(), rest.changes.end());
  std::set<std::string> first = Ids(seen);
  // Each member once in the first sweep, except the ones that changed
  // after it began and were not yet reached: they wait for the next.
  std::set<std::string> all;
  for (int i = 0; i < kMembers; ++i) all.insert(MemberId(i));
  std::set<std::string> expected_next;
  for (const std::string& id : all) {
    if (!first.count(id)) {
      EXPECT_TRUE(changed.count(id)) << id << " lost from the first sweep";
      expected_next.insert(id);
    }
  }
  // The next sweep lists exactly the members that changed during the
  // first, whether or not the first had listed them already.
  const Sweep next = SweepFrom(rest.cursor, 3);
  EXPECT_EQ(Ids(next.changes), changed);
  // Members past the position when they changed were deferred, not lost.
  EXPECT_FALSE(expected_next.empty());
  EXPECT_TRUE(SweepFrom(next.cursor, 3).changes.empty());
}

TEST_F(ScoreChangesTest, TimePassingChangesScoresWithoutIngest) {
  std::set<int> active = {0, 1, 2, 3};
  Post(active, 5);
  Track();
  const std::string cursor = SweepFrom("", 50).cursor;
  const std::map<std::string, double> before = Scores();
  // Long enough for every event to leave the scoring window.
  clock_.Advance(absl::Hours(24 * 200));
  Track();
  const std::map<std::string, double> after = Scores();
  const std::set<std::string> changed = Changed(before, after);
  for (int i : active) EXPECT_TRUE(changed.count(MemberId(i))) << i;
  const Sweep sweep = SweepFrom(cursor, 50);
  EXPECT_EQ(Ids(sweep.changes), changed);
  for (const v1::ScoreChange& c : sweep.changes) {
    EXPECT_EQ(c.change_time().seconds(), absl::ToUnixSeconds(clock_.Now()));
  }
}

TEST_F(ScoreChangesTest, TeamFilterListsOnlyTheTeamAndBindsTheCursor) {
  Track();
  const Sweep north = SweepFrom("", 4, "north");
  std::set<std::string> expected;
  for (int i = 0; i < kMembers; i += 3) expected.insert(MemberId(i));
  EXPECT_EQ(Ids(north.changes), expected);
  for (const v1::ScoreChange& c : north.changes) EXPECT_EQ(c.team(), "north");

  // A cursor keeps the filter it was issued with.
  v1::ListScoreChangesResponse page;
  grpc::Status s = Page(north.cursor, "south", 4, &page);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), StartsWith("cursor:"));
  EXPECT_THAT(s.error_message(), HasSubstr("team filter"));
  s = Page(north.cursor, "", 4, &page);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);

  // A member who moves team is listed again, under the new team.
  v1::UpsertMemberResponse out;
  ASSERT_TRUE(Upsert(MakeMember(MemberId(1), "north"), &out).ok());
  Track();
  const Sweep moved = SweepFrom(north.cursor, 4, "north");
  ASSERT_EQ(moved.changes.size(), 1u);
  EXPECT_EQ(moved.changes[0].member_id(), MemberId(1));
}

TEST_F(ScoreChangesTest, AlteredOrForeignCursorsAreInvalidArgument) {
  Track();
  v1::ListScoreChangesResponse first;
  ASSERT_TRUE(Page("", "", 5, &first).ok());
  ASSERT_TRUE(first.has_more());
  std::string raw;
  ASSERT_TRUE(absl::WebSafeBase64Unescape(first.next_cursor(), &raw));
  // Every single-character change of the cursor's content is refused.
  for (size_t i = 0; i < raw.size(); ++i) {
    std::string altered = raw;
    altered[i] = altered[i] == '7' ? '8' : '7';
    if (altered == raw) continue;
    v1::ListScoreChangesResponse page;
    grpc::Status s = Page(absl::WebSafeBase64Escape(altered), "", 5, &page);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
        << "position " << i;
  }
  for (const std::string& bad : {std::string("garbage"), std::string("!!!"),
                                 absl::WebSafeBase64Escape("f1:0::x:y:")}) {
    v1::ListScoreChangesResponse page;
    grpc::Status s = Page(bad, "", 5, &page);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << bad;
    EXPECT_THAT(s.error_message(), StartsWith("cursor:"));
  }
  for (int size : {-1, 1001}) {
    v1::ListScoreChangesResponse page;
    grpc::Status s = Page("", "", size, &page);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_THAT(s.error_message(), StartsWith("page_size:"));
  }
}

TEST_F(ScoreChangesTest, DeletedMembersLeaveTheFeed) {
  Track();
  grpc::ClientContext ctx;
  v1::DeleteMemberRequest req;
  req.set_member_id(MemberId(4));
  v1::DeleteMemberResponse resp;
  ASSERT_TRUE(activity_->DeleteMember(&ctx, req, &resp).ok());
  const Sweep sweep = SweepFrom("", 10);
  std::set<std::string> ids = Ids(sweep.changes);
  EXPECT_EQ(ids.size(), static_cast<size_t>(kMembers - 1));
  EXPECT_FALSE(ids.count(MemberId(4)));
  // Re-created, the member is new to the feed.
  Track();
  v1::UpsertMemberResponse out;
  ASSERT_TRUE(Upsert(MakeMember(MemberId(4), "north"), &out).ok());
  Track();
  const Sweep back = SweepFrom(sweep.cursor, 10);
  ASSERT_EQ(back.changes.size(), 1u);
  EXPECT_EQ(back.changes[0].member_id(), MemberId(4));
  EXPECT_FALSE(back.changes[0].has_previous_ssi());
}

}  // namespace
}  // namespace rapport::testing
