// GroupCommit over an in-memory store: which batches a commit takes along,
// and what each batch's own Commit then returns.
#include "server/api/group_commit.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "server/common/clock.h"
#include "server/store/sqlite_store.h"

namespace rapport::api {
namespace {

using store::AppendOutcome;

absl::Time At(int minutes) {
  return absl::FromCivil(absl::CivilDay(2024, 3, 1), absl::UTCTimeZone()) +
         absl::Minutes(minutes);
}

// `n` posts of member m1 with ids prefix0..prefix(n-1).
std::vector<model::Event> Posts(const std::string& prefix, int n) {
  std::vector<model::Event> events;
  for (int i = 0; i < n; ++i) {
    model::Event e;
    e.event_id = absl::StrCat(prefix, i);
    e.member_id = "m1";
    e.type = model::EventType::kPostPublished;
    e.occur_time = At(i);
    e.quantity = 1;
    events.push_back(e);
  }
  return events;
}

// Records each OnMembersChanged call as "tenant:m1,m2".
class RecordingListener final : public store::MemberChangeListener {
 public:
  void OnMembersChanged(const store::TenantId& tenant,
                        const std::vector<std::string>& member_ids) override {
    absl::MutexLock lock(&mu_);
    calls_.push_back(absl::StrCat(tenant, ":", absl::StrJoin(member_ids, ",")));
  }
  std::vector<std::string> calls() const {
    absl::MutexLock lock(&mu_);
    return calls_;
  }

 private:
  mutable absl::Mutex mu_;
  std::vector<std::string> calls_ ABSL_GUARDED_BY(mu_);
};

class GroupCommitTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store::SqliteStoreOptions options;
    options.path = ":memory:";
    auto opened = store::SqliteStore::Open(options);
    ASSERT_TRUE(opened.ok()) << opened.status();
    store_ = *std::move(opened);
    model::Member m;
    m.member_id = "m1";
    ASSERT_TRUE(store_->UpsertMember("acme", m, At(0)).ok());
    audit_.principal = "key:0123456789abcdef";
    audit_.role = "integration";
    audit_.method = "/rapport.v1.ActivityService/IngestEvents";
  }

  // Events of m1 stored so far.
  int64_t Stored() {
    auto member = store_->GetMember("acme", "m1");
    EXPECT_TRUE(member.ok()) << member.status();
    return member.ok() ? member->event_count : -1;
  }

  std::unique_ptr<store::SqliteStore> store_;
  FakeClock clock_{At(100)};
  RecordingListener listener_;
  store::AuditContext audit_;
};

std::vector<AppendOutcome> Outcomes(const GroupCommitResult& result) {
  EXPECT_TRUE(result.outcomes.ok()) << result.outcomes.status();
  return result.outcomes.ok() ? *result.outcomes : std::vector<AppendOutcome>{};
}

TEST_F(GroupCommitTest, OfferedBatchesAreCommittedWithTheLeader) {
  GroupCommit group(store_.get(), &listener_, &clock_, 1000);
  auto first = group.Prepare("acme", &audit_, Posts("a", 2));
  std::vector<model::Event> second_events = Posts("b", 2);
  second_events.push_back(Posts("a", 1)[0]);  // Stored by the first batch.
  auto second = group.Prepare("acme", &audit_, second_events);
  auto third = group.Prepare("acme", nullptr, Posts("c", 3));
  group.Offer(second);
  group.Offer(third);

  EXPECT_EQ(Outcomes(group.Commit(first)),
            std::vector<AppendOutcome>(2, AppendOutcome::kAccepted));
  EXPECT_EQ(group.joined_batches(), 2);
  // Both others were stored with the first, before their own turn, and the
  // listener heard of every batch at once.
  EXPECT_EQ(Stored(), 7);
  EXPECT_EQ(listener_.calls(),
            (std::vector<std::string>{"acme:m1", "acme:m1", "acme:m1"}));
  EXPECT_EQ(Outcomes(group.Commit(second)),
            (std::vector<AppendOutcome>{AppendOutcome::kAccepted,
                                        AppendOutcome::kAccepted,
                                        AppendOutcome::kDuplicate}));
  EXPECT_EQ(Outcomes(group.Commit(third)),
            std::vector<AppendOutcome>(3, AppendOutcome::kAccepted));
  EXPECT_EQ(Stored(), 7);

  // One audit entry per audited batch, at the group's commit time.
  store::AuditQuery query;
  auto audit = store_->ListAudit("acme", query);
  ASSERT_TRUE(audit.ok()) << audit.status();
  int events_entries = 0;
  for (const store::AuditEntry& entry : audit->entries) {
    if (entry.target != "events") continue;
    ++events_entries;
    EXPECT_EQ(entry.time, At(100));
  }
  EXPECT_EQ(events_entries, 2);
}

TEST_F(GroupCommitTest, WithdrawnBatchIsNotCommitted) {
  GroupCommit group(store_.get(), &listener_, &clock_, 1000);
  auto withdrawn = group.Prepare("acme", &audit_, Posts("w", 2));
  auto leader = group.Prepare("acme", &audit_, Posts("l", 1));
  group.Offer(withdrawn);
  group.Withdraw(withdrawn);
  group.Offer(withdrawn);  // Too late: stays withdrawn.
  EXPECT_EQ(Outcomes(group.Commit(leader)).size(), 1u);
  EXPECT_EQ(group.joined_batches(), 0);
  EXPECT_EQ(Stored(), 1);
  EXPECT_EQ(listener_.calls(), std::vector<std::string>{"acme:m1"});
  EXPECT_EQ(group.Commit(withdrawn).outcomes.status().code(),
            absl::StatusCode::kCancelled);
  EXPECT_EQ(Stored(), 1);
}

TEST_F(GroupCommitTest, BatchOfAGoneCallerIsLeftToItsOwnTurn) {
  GroupCommit group(store_.get(), &listener_, &clock_, 1000);
  auto gone = group.Prepare("acme", &audit_, Posts("g", 2),
                            [] { return absl::CancelledError("gone"); });
  auto leader = group.Prepare("acme", &audit_, Posts("l", 1));
  group.Offer(gone);
  EXPECT_EQ(Outcomes(group.Commit(leader)).size(), 1u);
  EXPECT_EQ(group.joined_batches(), 0);
  EXPECT_EQ(Stored(), 1);
}

TEST_F(GroupCommitTest, GroupStopsAtTheEventLimitInOfferOrder) {
  GroupCommit group(store_.get(), &listener_, &clock_, 13);
  auto leader = group.Prepare("acme", &audit_, Posts("l", 5));
  auto b = group.Prepare("acme", &audit_, Posts("b", 4));
  auto c = group.Prepare("acme", &audit_, Posts("c", 4));
  auto d = group.Prepare("acme", &audit_, Posts("d", 1));
  group.Offer(b);
  group.Offer(c);
  group.Offer(d);
  Outcomes(group.Commit(leader));
  EXPECT_EQ(group.joined_batches(), 2);  // 5 + 4 + 4 = 13.
  EXPECT_EQ(Stored(), 13);
  // d leads the next group when its turn comes.
  Outcomes(group.Commit(b));
  Outcomes(group.Commit(c));
  EXPECT_EQ(Stored(), 13);
  EXPECT_EQ(Outcomes(group.Commit(d)).size(), 1u);
  EXPECT_EQ(Stored(), 14);
}

TEST_F(GroupCommitTest, LeaderLargerThanTheLimitIsCommittedAlone) {
  GroupCommit group(store_.get(), &listener_, &clock_, 3);
  auto leader = group.Prepare("acme", &audit_, Posts("l", 5));
  auto b = group.Prepare("acme", &audit_, Posts("b", 1));
  group.Offer(b);
  EXPECT_EQ(Outcomes(group.Commit(leader)).size(), 5u);
  EXPECT_EQ(group.joined_batches(), 0);
  EXPECT_EQ(Stored(), 5);
}

}  // namespace
}  // namespace rapport::api
