// Points of the Store contract the other suites do not reach: UpsertMembers
// (order, audit, all or nothing), the INVALID_ARGUMENT of each method and
// the field its message names, byte order of ids, whole-microsecond times,
// the latest erasure, history work completed only at its version, the feed
// left untouched by a refused write, and the audit trail's entries, edges
// and pages.
#include <algorithm>
#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/store/store.h"
#include "tests/unit/store/conformance/store_factory.h"
#include "tests/unit/store/store_test_data.h"

namespace rapport::store {
namespace {

using model::EventType;
using testing::At;
using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using testing::MakeContact;
using testing::MakeEvent;
using testing::MakeMember;
using testing::MakeMessage;
using ::testing::Not;
using testing::OnDay;

absl::CivilDay March(int day) { return absl::CivilDay(2024, 3, day); }

AuditContext By(const std::string& principal, absl::Time t) {
  return AuditContext{principal, "admin", "/test/Change", t};
}

// Ids in an order that differs between byte order and the usual text
// collations (case, punctuation, accents). Listed sorted by byte.
const std::vector<std::string>& ByteOrderedIds() {
  static const std::vector<std::string>* const ids =
      new std::vector<std::string>{
          "A-1", "B", "Z", "_x", "a", "a1", "\xc3\xa9t\xc3\xa9"};
  return *ids;
}

class ContractTest : public testing::StoreConformanceTest {
 protected:
  std::vector<AuditEntry> Trail(const TenantId& tenant = "acme",
                                AuditQuery query = {}) {
    auto page = store_->ListAudit(tenant, query);
    EXPECT_TRUE(page.ok()) << page.status();
    return page.ok() ? page->entries : std::vector<AuditEntry>{};
  }
};

// --- UpsertMembers ---

TEST_P(ContractTest, UpsertMembersReturnsOneResultPerMemberInOrder) {
  ASSERT_TRUE(
      store_->UpsertMember("acme", MakeMember("m2", "old"), At(0)).ok());
  const std::vector<model::Member> batch = {
      MakeMember("m3", "t3"), MakeMember("m2", "t2"), MakeMember("m1", "t1")};
  const AuditContext ctx = By("key:a", At(5));
  auto results = store_->UpsertMembers("acme", batch, At(5), &ctx);
  ASSERT_TRUE(results.ok()) << results.status();
  ASSERT_EQ(results->size(), 3u);
  EXPECT_EQ((*results)[0].member.member_id, "m3");
  EXPECT_TRUE((*results)[0].created);
  EXPECT_EQ((*results)[1].member.member_id, "m2");
  EXPECT_FALSE((*results)[1].created);
  EXPECT_EQ((*results)[1].member.team, "t2");
  EXPECT_EQ((*results)[1].member.create_time, At(0));
  EXPECT_EQ((*results)[1].member.update_time, At(5));
  EXPECT_EQ((*results)[2].member.member_id, "m1");
  EXPECT_TRUE((*results)[2].created);
  EXPECT_EQ((*results)[2].member.create_time, At(5));
  // Each audited as UpsertMember audits it, in the batch's order.
  std::vector<AuditEntry> trail = Trail();
  ASSERT_EQ(trail.size(), 3u);  // Newest first.
  EXPECT_EQ(trail[0].target, "member:m1");
  EXPECT_EQ(trail[0].detail, "created");
  EXPECT_EQ(trail[1].target, "member:m2");
  EXPECT_EQ(trail[1].detail, "updated");
  EXPECT_EQ(trail[2].target, "member:m3");
  EXPECT_EQ(trail[2].detail, "created");
  EXPECT_LT(trail[1].id, trail[0].id);
  EXPECT_LT(trail[2].id, trail[1].id);
  EXPECT_EQ(store_->GetMember("acme", "m2")->team, "t2");
  auto empty = store_->UpsertMembers("acme", {}, At(6), &ctx);
  ASSERT_TRUE(empty.ok()) << empty.status();
  EXPECT_THAT(*empty, IsEmpty());
  EXPECT_EQ(Trail().size(), 3u);
}

TEST_P(ContractTest, UpsertMembersStoresNothingWhenOneIsRefused) {
  ASSERT_TRUE(
      store_->UpsertMember("acme", MakeMember("m1", "old"), At(0)).ok());
  const AuditContext ctx = By("key:a", At(5));
  // The refused member comes last: the ones before it are undone.
  const std::vector<model::Member> batch = {MakeMember("m1", "new"),
                                            MakeMember("m2"), MakeMember("")};
  auto results = store_->UpsertMembers("acme", batch, At(5), &ctx);
  EXPECT_EQ(results.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(results.status().message()), HasSubstr("member_id"));
  EXPECT_EQ(store_->GetMember("acme", "m1")->team, "old");
  EXPECT_EQ(store_->GetMember("acme", "m1")->update_time, At(0));
  EXPECT_EQ(store_->GetMember("acme", "m2").status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_THAT(Trail(), IsEmpty());
}

// --- INVALID_ARGUMENT, naming the field at fault ---

// The message is written for a client: it names the field and shows none
// of the implementation (its query language or its engine's name).
void ExpectInvalid(const absl::Status& status, const std::string& field) {
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  const std::string message(status.message());
  EXPECT_THAT(message, HasSubstr(field)) << status;
  for (const char* internal :
       {"SELECT", "INSERT", "UPDATE ", "DELETE FROM", "WHERE", "sqlite",
        "SQLite", "postgres", "PostgreSQL", "constraint"}) {
    EXPECT_THAT(message, Not(HasSubstr(internal))) << status;
  }
}

TEST_P(ContractTest, RefusedArgumentsAreInvalidAndNameTheirField) {
  ASSERT_TRUE(store_->UpsertMember("acme", MakeMember("m1"), At(0)).ok());
  ExpectInvalid(store_->UpsertMember("acme", MakeMember(""), At(0)).status(),
                "member_id");
  ListMembersQuery members;
  members.page_size = 0;
  ExpectInvalid(store_->ListMembers("acme", members).status(), "page_size");
  members.page_size = -1;
  ExpectInvalid(store_->ListMembers("acme", members).status(), "page_size");
  AuditQuery audit;
  audit.page_size = 0;
  ExpectInvalid(store_->ListAudit("acme", audit).status(), "page_size");
  ScoreFeedQuery feed;
  feed.upto_seq = 10;
  feed.page_size = 0;
  ExpectInvalid(store_->ListScoreFeed("acme", feed).status(), "page_size");
  ExpectInvalid(store_->ListHistoryWork("acme", 0).status(), "limit");
  ExpectInvalid(
      store_->ApplyRetention("acme", At(0), March(1), 0, At(0)).status(),
      "max_events");
  ExpectInvalid(store_->EraseContact("acme", "", At(0), nullptr).status(),
                "contact_id");
  GoalRecord goal;
  goal.member_id = "m1";
  goal.target = 50;
  goal.due_time = At(10);
  ExpectInvalid(store_->CreateGoal("acme", goal, nullptr), "goal_id");
  goal.goal_id = "g_1";
  goal.target = HUGE_VAL;
  ExpectInvalid(store_->CreateGoal("acme", goal, nullptr), "target");
  // Ranges that start after they end.
  EXPECT_EQ(store_->ReadActivity("acme", "m1", At(10), At(9)).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->ReadScoreHistory("acme", "m1", March(2), March(1))
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
  // Nothing of the refused calls was stored or audited.
  EXPECT_THAT(*store_->ListGoals("acme", {}), IsEmpty());
  EXPECT_EQ(*store_->FindErasure("acme", ErasureKind::kContact, ""),
            std::nullopt);
  EXPECT_THAT(Trail(), IsEmpty());
}

// --- Order of ids: by bytes ---

TEST_P(ContractTest, IdsAreOrderedByTheirBytes) {
  std::vector<std::string> ids = ByteOrderedIds();
  // Created in reverse, so that insertion order is no help.
  std::vector<model::Event> events;
  std::vector<model::ScoreSnapshot> snapshots;
  std::vector<ScoreFeedRow> feed;
  for (auto it = ids.rbegin(); it != ids.rend(); ++it) {
    ASSERT_TRUE(store_->UpsertMember("acme", MakeMember(*it), At(0)).ok());
    ASSERT_TRUE(store_->UpsertMember(*it, MakeMember("m"), At(0)).ok());
    events.push_back(
        MakeEvent("e-" + *it, *it, EventType::kPostPublished, OnDay(2)));
    model::ScoreSnapshot s;
    s.member_id = *it;
    s.day = March(2);
    s.total = 40;
    s.pillars = {10, 10, 10, 10};
    s.model_version = "v";
    snapshots.push_back(s);
    ScoreFeedRow row;
    row.member_id = *it;
    row.ssi = 40;
    feed.push_back(row);
  }
  ASSERT_TRUE(store_->AppendEvents("acme", events).ok());
  ASSERT_TRUE(store_->WriteScoreSnapshots("acme", snapshots).ok());
  ASSERT_EQ(*store_->WriteScoreFeed("acme", feed, At(1)),
            static_cast<int64_t>(ids.size()));

  std::vector<std::string> listed;
  ListMembersQuery query;
  query.page_size = 2;  // Pages continue after an id by the same order.
  while (true) {
    auto page = store_->ListMembers("acme", query);
    ASSERT_TRUE(page.ok()) << page.status();
    for (const model::Member& m : page->members) listed.push_back(m.member_id);
    if (!page->has_more) break;
    query.after_member_id = page->members.back().member_id;
  }
  EXPECT_THAT(listed, ElementsAreArray(ids));

  std::vector<TenantId> tenants = ids;
  tenants.push_back("acme");
  std::sort(tenants.begin(), tenants.end());
  EXPECT_THAT(*store_->ListTenants(), ElementsAreArray(tenants));

  auto day = store_->ReadScoresOfDay("acme", March(2));
  ASSERT_TRUE(day.ok()) << day.status();
  std::vector<std::string> of_day;
  for (const model::ScoreSnapshot& s : *day) of_day.push_back(s.member_id);
  EXPECT_THAT(of_day, ElementsAreArray(ids));

  auto pending = store_->ListHistoryWork("acme", 100);
  ASSERT_TRUE(pending.ok()) << pending.status();
  std::vector<std::string> work;
  for (const HistoryWork& w : *pending) work.push_back(w.member_id);
  EXPECT_THAT(work, ElementsAreArray(ids));

  auto entries = store_->ReadScoreFeed("acme");
  ASSERT_TRUE(entries.ok()) << entries.status();
  std::vector<std::string> feed_ids;
  for (const ScoreFeedEntry& e : *entries) feed_ids.push_back(e.member_id);
  EXPECT_THAT(feed_ids, ElementsAreArray(ids));
  ScoreFeedQuery feed_query;
  feed_query.upto_seq = *store_->ScoreFeedSeq("acme");
  feed_query.page_size = 100;
  auto feed_page = store_->ListScoreFeed("acme", feed_query);
  ASSERT_TRUE(feed_page.ok()) << feed_page.status();
  std::vector<std::string> feed_page_ids;
  for (const ScoreFeedRow& r : feed_page->rows) {
    feed_page_ids.push_back(r.member_id);
  }
  EXPECT_THAT(feed_page_ids, ElementsAreArray(ids));
}

// --- Times: whole microseconds, rounded down ---

TEST_P(ContractTest, TimesAreKeptToTheMicrosecondRoundedDown) {
  const absl::Duration fine = absl::Nanoseconds(1999);  // 1.999 us.
  const absl::Time t = At(7) + fine;
  const absl::Time kept = At(7) + absl::Microseconds(1);
  auto created = store_->UpsertMember("acme", MakeMember("m1"), t);
  ASSERT_TRUE(created.ok()) << created.status();
  auto member = store_->GetMember("acme", "m1");
  ASSERT_TRUE(member.ok());
  EXPECT_EQ(member->create_time, kept);
  EXPECT_EQ(member->update_time, kept);

  ASSERT_TRUE(
      store_
          ->AppendEvents("acme",
                         {MakeEvent("e1", "m1", EventType::kPostPublished, t)})
          .ok());
  EXPECT_EQ(store_->GetMember("acme", "m1")->last_event_time, kept);
  // A `to` inside the event's microsecond counts it.
  auto activity = store_->ReadActivity("acme", "m1", At(0), kept);
  ASSERT_TRUE(activity.ok());
  ASSERT_EQ(activity->daily.size(), 1u);
  auto before =
      store_->ReadActivity("acme", "m1", At(0), kept - absl::Nanoseconds(1));
  ASSERT_TRUE(before.ok());
  EXPECT_THAT(before->daily, IsEmpty());

  AuditEntry entry;
  entry.tenant = "acme";
  entry.time = t;
  entry.principal = "key:a";
  ASSERT_TRUE(store_->AppendAudit({entry}).ok());
  std::vector<AuditEntry> trail = Trail();
  ASSERT_EQ(trail.size(), 1u);
  EXPECT_EQ(trail[0].time, kept);
  // The query's bounds are compared at the same resolution.
  AuditQuery at;
  at.from = t;
  at.to = t;
  EXPECT_EQ(Trail("acme", at).size(), 1u);

  TenantRecord tenant;
  tenant.tenant_id = "acme";
  tenant.create_time = t;
  ApiKeyRecord key;
  key.key_id = "00000000000000f1";
  key.tenant = "acme";
  key.role = "admin";
  key.create_time = t;
  key.expire_time = t;
  ASSERT_TRUE(store_->CreateTenant(tenant, &key).ok());
  EXPECT_EQ((*store_->FindTenant("acme"))->create_time, kept);
  ASSERT_TRUE(store_->RecordApiKeyUse(key.key_id, t).ok());
  std::optional<ApiKeyRecord> stored = *store_->FindApiKey(key.key_id);
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->create_time, kept);
  EXPECT_EQ(stored->expire_time, kept);
  EXPECT_EQ(stored->last_use_time, kept);

  GoalRecord goal;
  goal.goal_id = "g_1";
  goal.member_id = "m1";
  goal.target = 50;
  goal.due_time = t;
  goal.create_time = t;
  ASSERT_TRUE(store_->CreateGoal("acme", goal, nullptr).ok());
  auto goals = store_->ListGoals("acme", GoalFilter::ById("g_1"));
  ASSERT_TRUE(goals.ok());
  ASSERT_EQ(goals->size(), 1u);
  EXPECT_EQ((*goals)[0].due_time, kept);
  EXPECT_EQ((*goals)[0].create_time, kept);
}

// --- Erasure records ---

TEST_P(ContractTest, FindErasureReturnsTheLatestErasure) {
  EXPECT_EQ(*store_->FindErasure("acme", ErasureKind::kMember, "m1"),
            std::nullopt);
  ASSERT_TRUE(store_->UpsertMember("acme", MakeMember("m1"), At(0)).ok());
  const AuditContext first = By("key:a", At(10));
  ASSERT_TRUE(store_->DeleteMember("acme", "m1", &first).ok());
  EXPECT_EQ(*store_->FindErasure("acme", ErasureKind::kMember, "m1"), At(10));
  ASSERT_TRUE(store_->UpsertMember("acme", MakeMember("m1"), At(20)).ok());
  const AuditContext second = By("key:a", At(30));
  ASSERT_TRUE(store_->DeleteMember("acme", "m1", &second).ok());
  EXPECT_EQ(*store_->FindErasure("acme", ErasureKind::kMember, "m1"), At(30));

  ASSERT_TRUE(store_->EraseContact("acme", "c1", At(40), nullptr).ok());
  ASSERT_TRUE(store_->EraseContact("acme", "c1", At(50), nullptr).ok());
  EXPECT_EQ(*store_->FindErasure("acme", ErasureKind::kContact, "c1"), At(50));
  // Kinds, ids and tenants are apart.
  EXPECT_EQ(*store_->FindErasure("acme", ErasureKind::kContact, "m1"),
            std::nullopt);
  EXPECT_EQ(*store_->FindErasure("acme", ErasureKind::kMember, "c1"),
            std::nullopt);
  EXPECT_EQ(*store_->FindErasure("globex", ErasureKind::kContact, "c1"),
            std::nullopt);
}

TEST_P(ContractTest, AContactErasedAgainRefusesEventsUpToTheLatestErasure) {
  ASSERT_TRUE(store_->UpsertMember("acme", MakeMember("m1"), At(0)).ok());
  ASSERT_TRUE(store_->EraseContact("acme", "c1", At(100), nullptr).ok());
  const model::Contact c = MakeContact("c1");
  auto outcomes = store_->AppendEvents(
      "acme",
      {MakeMessage("a", "m1", "t", c, EventType::kMessageSent, At(150))});
  ASSERT_TRUE(outcomes.ok());
  EXPECT_THAT(*outcomes, ElementsAre(AppendOutcome::kAccepted));
  ASSERT_TRUE(store_->EraseContact("acme", "c1", At(200), nullptr).ok());
  outcomes = store_->AppendEvents(
      "acme",
      {MakeMessage("b", "m1", "t", c, EventType::kMessageSent, At(160)),
       MakeMessage("d", "m1", "t", c, EventType::kMessageSent, At(201))});
  ASSERT_TRUE(outcomes.ok());
  EXPECT_THAT(*outcomes, ElementsAre(AppendOutcome::kErasedContact,
                                     AppendOutcome::kAccepted));
  // Another contact and another tenant's c1 are not refused.
  ASSERT_TRUE(store_->UpsertMember("globex", MakeMember("m1"), At(0)).ok());
  outcomes = store_->AppendEvents(
      "globex",
      {MakeMessage("a", "m1", "t", c, EventType::kMessageSent, At(150))});
  ASSERT_TRUE(outcomes.ok());
  EXPECT_THAT(*outcomes, ElementsAre(AppendOutcome::kAccepted));
}

// --- History work versions ---

TEST_P(ContractTest, HistoryWorkIsCompletedOnlyAtItsExactVersion) {
  ASSERT_TRUE(store_->UpsertMember("acme", MakeMember("m1"), At(0)).ok());
  ASSERT_TRUE(store_
                  ->AppendEvents(
                      "acme", {MakeEvent("e1", "m1", EventType::kPostPublished,
                                         OnDay(5))})
                  .ok());
  auto work = store_->ListHistoryWork("acme", 10);
  ASSERT_TRUE(work.ok());
  ASSERT_EQ(work->size(), 1u);
  const HistoryWork current = (*work)[0];
  // A version from the future is not the entry's either.
  HistoryWork newer = current;
  newer.version = current.version + 1;
  ASSERT_TRUE(store_->CompleteHistoryWork("acme", newer).ok());
  HistoryWork older = current;
  older.version = current.version - 1;
  ASSERT_TRUE(store_->CompleteHistoryWorkBatch("acme", {older, newer}).ok());
  EXPECT_EQ(store_->ListHistoryWork("acme", 10)->size(), 1u);
  // Another tenant's completion at the same version leaves it too.
  ASSERT_TRUE(store_->CompleteHistoryWork("globex", current).ok());
  EXPECT_EQ(store_->ListHistoryWork("acme", 10)->size(), 1u);
  // The version decides, not the day the caller read.
  HistoryWork other_day = current;
  other_day.from_day = current.from_day + 3;
  ASSERT_TRUE(store_->CompleteHistoryWork("acme", other_day).ok());
  EXPECT_THAT(*store_->ListHistoryWork("acme", 10), IsEmpty());
}

// --- The feed, refused ---

TEST_P(ContractTest, ARefusedFeedWriteChangesNothing) {
  ASSERT_TRUE(store_->UpsertMember("acme", MakeMember("a"), At(0)).ok());
  ASSERT_TRUE(store_->UpsertMember("acme", MakeMember("b"), At(0)).ok());
  ScoreFeedRow a;
  a.member_id = "a";
  a.ssi = 10;
  ASSERT_EQ(*store_->WriteScoreFeed("acme", {a}, At(1)), 1);
  ScoreFeedRow b = a;
  b.member_id = "b";
  ScoreFeedRow bad = a;
  bad.ssi = 11;
  bad.pillars[1] = std::nan("");
  EXPECT_EQ(store_->WriteScoreFeed("acme", {b, bad}, At(2)).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(*store_->ScoreFeedSeq("acme"), 1);
  auto feed = store_->ReadScoreFeed("acme");
  ASSERT_TRUE(feed.ok());
  ASSERT_EQ(feed->size(), 1u);
  EXPECT_EQ((*feed)[0].member_id, "a");
  EXPECT_EQ((*feed)[0].ssi, 10);
  EXPECT_EQ(*store_->WriteScoreFeed("acme", {}, At(3)), 0);
  EXPECT_EQ(*store_->ScoreFeedSeq("acme"), 1);
}

// --- Tenants listed while they have members ---

TEST_P(ContractTest, ATenantWithoutMembersIsNotListed) {
  TenantRecord tenant;
  tenant.tenant_id = "acme";
  tenant.create_time = At(0);
  ASSERT_TRUE(store_->CreateTenant(tenant, nullptr).ok());
  EXPECT_THAT(*store_->ListTenants(), IsEmpty());
  ASSERT_TRUE(store_->UpsertMember("acme", MakeMember("m1"), At(0)).ok());
  EXPECT_THAT(*store_->ListTenants(), ElementsAre("acme"));
}

// --- The audit trail ---

TEST_P(ContractTest, AppendedEntriesRoundTripInOrderToTheirOwnTenants) {
  std::vector<AuditEntry> entries;
  for (int i = 0; i < 5; ++i) {
    AuditEntry& e = entries.emplace_back();
    e.tenant = i == 2 ? "globex" : "acme";
    e.time = At(100 - i);  // Ids follow the span, not the times.
    e.principal = absl::StrCat("key:", i);
    e.role = "viewer";
    e.method = "/rapport.v1.X/Read";
    e.target = absl::StrCat("member:m", i);
    e.detail = absl::StrCat("page=", i, " note=a b=c");
  }
  ASSERT_TRUE(store_->AppendAudit(entries).ok());
  ASSERT_TRUE(store_->AppendAudit({}).ok());
  std::vector<AuditEntry> acme = Trail();
  ASSERT_EQ(acme.size(), 4u);
  const int expected[] = {4, 3, 1, 0};
  for (size_t i = 0; i < acme.size(); ++i) {
    const AuditEntry& want = entries[expected[i]];
    EXPECT_EQ(acme[i].tenant, "acme");
    EXPECT_EQ(acme[i].time, want.time);
    EXPECT_EQ(acme[i].principal, want.principal);
    EXPECT_EQ(acme[i].role, want.role);
    EXPECT_EQ(acme[i].method, want.method);
    EXPECT_EQ(acme[i].target, want.target);
    EXPECT_EQ(acme[i].detail, want.detail);
    if (i > 0) {
      EXPECT_LT(acme[i].id, acme[i - 1].id);
    }
  }
  std::vector<AuditEntry> globex = Trail("globex");
  ASSERT_EQ(globex.size(), 1u);
  EXPECT_EQ(globex[0].principal, "key:2");
  // Ids grow across tenants too: one sequence of commits.
  EXPECT_GT(acme[1].id, globex[0].id);
  EXPECT_LT(acme[2].id, globex[0].id);
}

TEST_P(ContractTest, AuditBoundsAreInclusiveAndPagesExact) {
  std::vector<AuditEntry> entries;
  for (int i = 0; i < 6; ++i) {
    AuditEntry& e = entries.emplace_back();
    e.tenant = "acme";
    e.time = At(i);
    e.principal = "key:a";
    e.target = i % 2 == 0 ? "member:even" : "member:odd";
  }
  ASSERT_TRUE(store_->AppendAudit(entries).ok());
  AuditQuery query;
  query.from = At(1);
  query.to = At(4);
  std::vector<AuditEntry> range = Trail("acme", query);
  ASSERT_EQ(range.size(), 4u);
  EXPECT_EQ(range.front().time, At(4));
  EXPECT_EQ(range.back().time, At(1));
  // A page of exactly what is left has no more after it.
  query.page_size = 4;
  auto page = store_->ListAudit("acme", query);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->entries.size(), 4u);
  EXPECT_FALSE(page->has_more);
  query.page_size = 3;
  page = store_->ListAudit("acme", query);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->entries.size(), 3u);
  EXPECT_TRUE(page->has_more);
  query.before_id = page->entries.back().id;
  page = store_->ListAudit("acme", query);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->entries.size(), 1u);
  EXPECT_EQ(page->entries[0].time, At(1));
  EXPECT_FALSE(page->has_more);
  // Filters combine: targets and principal must both match.
  AuditQuery filtered;
  filtered.targets = {"member:odd"};
  filtered.principal = "key:a";
  EXPECT_EQ(Trail("acme", filtered).size(), 3u);
  filtered.principal = "key:b";
  EXPECT_THAT(Trail("acme", filtered), IsEmpty());
  filtered.principal.clear();
  filtered.targets = {"member:nobody"};
  EXPECT_THAT(Trail("acme", filtered), IsEmpty());
}

TEST_P(ContractTest, AChangeIsAuditedWithItsContext) {
  const AuditContext ctx{"key:0123456789abcdef", "manager",
                         "/rapport.v1.ActivityService/UpsertMember", At(9)};
  ASSERT_TRUE(store_->UpsertMember("acme", MakeMember("m1"), At(3), &ctx).ok());
  std::vector<AuditEntry> trail = Trail();
  ASSERT_EQ(trail.size(), 1u);
  EXPECT_EQ(trail[0].tenant, "acme");
  EXPECT_EQ(trail[0].time, At(9));  // The context's time, not the change's.
  EXPECT_EQ(trail[0].principal, ctx.principal);
  EXPECT_EQ(trail[0].role, "manager");
  EXPECT_EQ(trail[0].method, ctx.method);
  EXPECT_GT(trail[0].id, 0);
}

TEST_P(ContractTest, DeleteMemberAuditsWhatItErased) {
  ASSERT_TRUE(store_->UpsertMember("acme", MakeMember("m1"), At(0)).ok());
  ASSERT_TRUE(
      store_
          ->AppendEvents(
              "acme",
              {MakeEvent("e1", "m1", EventType::kPostPublished, OnDay(2)),
               MakeEvent("e2", "m1", EventType::kPostPublished, OnDay(3))})
          .ok());
  GoalRecord goal;
  goal.goal_id = "g_1";
  goal.member_id = "m1";
  goal.target = 50;
  goal.due_time = At(10);
  ASSERT_TRUE(store_->CreateGoal("acme", goal, nullptr).ok());
  const AuditContext ctx = By("key:a", At(20));
  auto deleted = store_->DeleteMember("acme", "m1", &ctx);
  ASSERT_TRUE(deleted.ok()) << deleted.status();
  EXPECT_EQ(*deleted, 2);
  std::vector<AuditEntry> trail = Trail();
  ASSERT_EQ(trail.size(), 1u);
  EXPECT_EQ(trail[0].target,
            absl::StrCat("member:sha256:",
                         ErasureDigest("acme", ErasureKind::kMember, "m1")));
  EXPECT_EQ(trail[0].detail,
            "erased events=2 keys=0 manager_references=0 goals=1");
}

RAPPORT_STORE_CONFORMANCE(ContractTest);

}  // namespace
}  // namespace rapport::store
