// The audit trail in the store: written with each change in its
// transaction, never for a failed one; listing by time, principal and
// target, newest first, paged. Erasure records: a deleted member's events
// are refused until the member is created again, and the member's id leaves
// the trail. Re-sent event ids: a duplicate iff the payload is the same.
#include <algorithm>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

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
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using testing::MakeContact;
using testing::MakeEvent;
using testing::MakeMember;
using testing::MakeMessage;
using testing::OnDay;

AuditContext By(const std::string& principal, absl::Time t,
                const std::string& method = "/test/Change") {
  return AuditContext{principal, "admin", method, t};
}

std::vector<std::string> Targets(const AuditPage& page) {
  std::vector<std::string> targets;
  for (const AuditEntry& e : page.entries) targets.push_back(e.target);
  return targets;
}

class AuditTest : public testing::StoreConformanceTest {
 protected:
  AuditPage List(AuditQuery query = {}, const std::string& tenant = "acme") {
    auto page = store_->ListAudit(tenant, query);
    EXPECT_TRUE(page.ok()) << page.status();
    return page.ok() ? *page : AuditPage{};
  }
};

TEST_P(AuditTest, EachChangeWritesOneEntryAndAFailedOneNone) {
  const AuditContext alice = By("key:a", At(1));
  ASSERT_TRUE(
      store_->UpsertMember("acme", MakeMember("m1"), At(1), &alice).ok());
  ASSERT_TRUE(
      store_->UpsertMember("acme", MakeMember("m1"), At(2), &alice).ok());
  ASSERT_TRUE(
      store_
          ->AppendEvents(
              "acme",
              {MakeEvent("e1", "m1", EventType::kPostPublished, OnDay(1)),
               MakeEvent("e2", "nobody", EventType::kPostPublished, OnDay(1))},
              &alice)
          .ok());
  // Failures: an unknown member, an empty id, an unknown key.
  EXPECT_EQ(store_->DeleteMember("acme", "nobody", &alice).status().code(),
            absl::StatusCode::kNotFound);
  model::Member nameless = MakeMember("");
  EXPECT_FALSE(store_->UpsertMember("acme", nameless, At(3), &alice).ok());
  EXPECT_EQ(store_->RevokeApiKey("acme", "0000000000000000", At(3), &alice)
                .status()
                .code(),
            absl::StatusCode::kNotFound);

  const AuditPage page = List();
  EXPECT_THAT(Targets(page), ElementsAre("events", "member:m1", "member:m1"));
  EXPECT_EQ(page.entries[0].detail, "events=2 accepted=1 unknown_member=1");
  EXPECT_EQ(page.entries[1].detail, "updated");
  EXPECT_EQ(page.entries[2].detail, "created");
  for (const AuditEntry& e : page.entries) {
    EXPECT_EQ(e.tenant, "acme");
    EXPECT_EQ(e.principal, "key:a");
    EXPECT_EQ(e.method, "/test/Change");
  }
  // Unaudited changes (tools, tests) write nothing; other tenants see none.
  ASSERT_TRUE(store_->UpsertMember("acme", MakeMember("m2"), At(4)).ok());
  EXPECT_EQ(List().entries.size(), 3u);
  EXPECT_THAT(List({}, "globex").entries, IsEmpty());
}

TEST_P(AuditTest, ListsNewestFirstByTimePrincipalAndTargetInPages) {
  std::mt19937 rng(5);
  struct Made {
    int64_t id;
    absl::Time time;
    std::string principal, target;
  };
  std::vector<AuditEntry> entries;
  for (int i = 0; i < 200; ++i) {
    AuditEntry& e = entries.emplace_back();
    e.tenant = i % 7 == 0 ? "globex" : "acme";
    e.time = At(std::uniform_int_distribution<>(0, 1000)(rng));
    e.principal = absl::StrCat("key:", i % 3);
    e.role = "admin";
    e.method = "/m";
    e.target = absl::StrCat("member:m", i % 11);
  }
  ASSERT_TRUE(store_->AppendAudit(entries).ok());
  for (int trial = 0; trial < 30; ++trial) {
    AuditQuery query;
    query.from = At(std::uniform_int_distribution<>(0, 500)(rng));
    query.to = query.from +
               absl::Minutes(std::uniform_int_distribution<>(0, 600)(rng));
    if (trial % 2 == 0) query.principal = absl::StrCat("key:", trial % 3);
    if (trial % 3 == 0) {
      query.targets = {absl::StrCat("member:m", trial % 11),
                       absl::StrCat("member:m", (trial + 1) % 11)};
    }
    // Expected: the matching entries of acme, by id descending (ids follow
    // insertion order).
    std::vector<std::string> expected;
    for (int i = static_cast<int>(entries.size()) - 1; i >= 0; --i) {
      const AuditEntry& e = entries[i];
      if (e.tenant != "acme" || e.time < query.from || e.time > query.to) {
        continue;
      }
      if (!query.principal.empty() && e.principal != query.principal) continue;
      if (!query.targets.empty() &&
          std::find(query.targets.begin(), query.targets.end(), e.target) ==
              query.targets.end()) {
        continue;
      }
      expected.push_back(absl::StrCat(e.principal, "/", e.target, "/",
                                      absl::ToUnixMicros(e.time)));
    }
    std::vector<std::string> listed;
    query.page_size = 1 + trial % 9;
    while (true) {
      AuditPage page = List(query);
      for (const AuditEntry& e : page.entries) {
        listed.push_back(absl::StrCat(e.principal, "/", e.target, "/",
                                      absl::ToUnixMicros(e.time)));
      }
      if (!page.has_more) break;
      ASSERT_FALSE(page.entries.empty());
      query.before_id = page.entries.back().id;
    }
    EXPECT_EQ(listed, expected) << "trial " << trial;
  }
}

TEST_P(AuditTest, ADeletedMembersEventsAreRefusedUntilCreatedAgain) {
  const AuditContext admin = By("key:a", At(10));
  ASSERT_TRUE(
      store_->UpsertMember("acme", MakeMember("m1"), At(1), &admin).ok());
  ASSERT_TRUE(store_->UpsertMember("acme", MakeMember("m2"), At(1)).ok());
  model::Member reports = MakeMember("m3");
  reports.manager = "m1";
  ASSERT_TRUE(store_->UpsertMember("acme", reports, At(1)).ok());
  const model::Event e1 =
      MakeEvent("e1", "m1", EventType::kPostPublished, OnDay(1));
  ASSERT_TRUE(store_->AppendEvents("acme", {e1}).ok());
  ApiKeyRecord key;
  key.key_id = "00000000000000aa";
  key.tenant = "acme";
  key.role = "rep";
  key.member_id = "m1";
  key.create_time = At(1);
  ASSERT_TRUE(
      store_->CreateTenant({"acme", "Acme", 0, false, At(0)}, nullptr).ok());
  ASSERT_TRUE(store_->InsertApiKey(key).ok());

  ASSERT_TRUE(store_->DeleteMember("acme", "m1", &admin).ok());
  EXPECT_EQ(*store_->FindErasure("acme", ErasureKind::kMember, "m1"), At(10));
  EXPECT_FALSE(
      store_->FindErasure("acme", ErasureKind::kMember, "m2")->has_value());
  EXPECT_FALSE(
      store_->FindErasure("globex", ErasureKind::kMember, "m1")->has_value());
  EXPECT_FALSE(store_->FindApiKey(key.key_id)->has_value());
  EXPECT_EQ(store_->GetMember("acme", "m3")->manager, "");
  // The trail keeps both entries, under the digest.
  const std::string digest = absl::StrCat(
      "member:sha256:", ErasureDigest("acme", ErasureKind::kMember, "m1"));
  EXPECT_THAT(Targets(List()), ElementsAre(digest, digest));
  EXPECT_THAT(List().entries[0].detail, HasSubstr("keys=1"));
  EXPECT_THAT(List().entries[0].detail, HasSubstr("manager_references=1"));

  // Sent again: refused, not unknown; another tenant's m1 is just unknown.
  EXPECT_THAT(*store_->AppendEvents("acme", {e1}),
              ElementsAre(AppendOutcome::kErasedMember));
  EXPECT_THAT(*store_->AppendEvents("globex", {e1}),
              ElementsAre(AppendOutcome::kUnknownMember));
  ASSERT_TRUE(store_->UpsertMember("acme", MakeMember("m1"), At(20)).ok());
  EXPECT_THAT(*store_->AppendEvents("acme", {e1}),
              ElementsAre(AppendOutcome::kAccepted));
}

TEST_P(AuditTest, DigestsDifferByTenantKindAndId) {
  std::set<std::string> digests;
  for (const char* tenant : {"acme", "globex", "acme\x01"}) {
    for (ErasureKind kind : {ErasureKind::kMember, ErasureKind::kContact}) {
      for (const char* id : {"m1", "m2", "1", "\x01m1"}) {
        const std::string d = ErasureDigest(tenant, kind, id);
        EXPECT_EQ(d.size(), 64u);
        EXPECT_TRUE(std::all_of(d.begin(), d.end(), [](char c) {
          return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
        }));
        digests.insert(d);
      }
    }
  }
  EXPECT_EQ(digests.size(), 3u * 2u * 4u);
}

// Any field that differs makes a re-sent id a conflict; the same payload is
// a duplicate. Neither changes what is stored.
TEST_P(AuditTest, AReSentIdIsADuplicateIffItsPayloadIsTheSame) {
  ASSERT_TRUE(store_->UpsertMember("acme", MakeMember("m1"), At(0)).ok());
  ASSERT_TRUE(store_->UpsertMember("acme", MakeMember("m2"), At(0)).ok());
  const model::Event base = MakeMessage("e", "m1", "t1", MakeContact("c1"),
                                        EventType::kMessageSent, OnDay(3));
  using Mutation = void (*)(model::Event&);
  const std::vector<std::pair<const char*, Mutation>> mutations = {
      {"same", [](model::Event&) {}},
      {"member", [](model::Event& e) { e.member_id = "m2"; }},
      {"time", [](model::Event& e) { e.occur_time += absl::Microseconds(1); }},
      {"sub-microsecond",
       [](model::Event& e) { e.occur_time += absl::Nanoseconds(100); }},
      {"type", [](model::Event& e) { e.type = EventType::kFollowUpSent; }},
      {"channel", [](model::Event& e) { e.channel = model::Channel::kPhone; }},
      {"contact", [](model::Event& e) { e.contact.contact_id = "c2"; }},
      {"seniority",
       [](model::Event& e) {
         e.contact.seniority = model::Seniority::kCSuite;
       }},
      {"industry", [](model::Event& e) { e.contact.industry = "x"; }},
      {"region", [](model::Event& e) { e.contact.region = "x"; }},
      {"category",
       [](model::Event& e) {
         e.contact.category = model::NetworkCategory::kFeedback;
       }},
      {"thread", [](model::Event& e) { e.thread_id = "t2"; }},
      {"content", [](model::Event& e) { e.content_id = "p"; }},
  };
  for (size_t i = 0; i < mutations.size(); ++i) {
    model::Event first = base;
    first.event_id = absl::StrCat("e", i);
    ASSERT_THAT(*store_->AppendEvents("acme", {first}),
                ElementsAre(AppendOutcome::kAccepted));
    model::Event again = first;
    mutations[i].second(again);
    // The store keeps whole microseconds: a finer difference is the same.
    const bool same =
        i == 0 || std::string(mutations[i].first) == "sub-microsecond";
    EXPECT_THAT(*store_->AppendEvents("acme", {again}),
                ElementsAre(same ? AppendOutcome::kDuplicate
                                 : AppendOutcome::kConflict))
        << mutations[i].first;
    // Within one batch too.
    model::Event fresh = base;
    fresh.event_id = absl::StrCat("f", i);
    model::Event twin = fresh;
    mutations[i].second(twin);
    twin.event_id = fresh.event_id;
    EXPECT_THAT(
        *store_->AppendEvents("acme", {fresh, twin}),
        ElementsAre(AppendOutcome::kAccepted, same ? AppendOutcome::kDuplicate
                                                   : AppendOutcome::kConflict))
        << mutations[i].first;
  }
  EXPECT_EQ(store_->GetMember("acme", "m1")->event_count,
            static_cast<int64_t>(2 * mutations.size()));
  EXPECT_EQ(store_->GetMember("acme", "m2")->event_count, 0);
}

RAPPORT_STORE_CONFORMANCE(AuditTest);

}  // namespace
}  // namespace rapport::store
