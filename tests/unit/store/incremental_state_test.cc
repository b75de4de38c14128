// Property: the thread and contact states ingest keeps up to date batch by
// batch (folding in-order events into the stored state, deriving again from
// all events otherwise) are exactly the states derived from all the events
// at once, whatever the batches and the order events arrive in. Random
// histories are seeded, so deterministic.
#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "server/store/activity_state.h"
#include "server/store/contact_table.h"
#include "server/store/event_table.h"
#include "server/store/sqlite_connection.h"
#include "server/store/sqlite_store.h"
#include "server/store/state_recompute.h"
#include "server/store/thread_table.h"
#include "tests/unit/store/store_test_util.h"

namespace rapport::store {
namespace {

using model::EventType;
using testing::At;
using testing::Describe;
using testing::MakeContact;
using testing::MakeContactEvent;
using testing::MakeEvent;
using testing::MakeMember;
using testing::MakeMessage;

constexpr const char* kMembers[] = {"m1", "m2"};

int Uniform(std::mt19937& rng, int lo, int hi) {
  return std::uniform_int_distribution<int>(lo, hi)(rng);
}

// Times on a coarse grid so that some collide (ties ordered by event_id).
absl::Time RandomTime(std::mt19937& rng) { return At(Uniform(rng, 0, 80) * 5); }

// A random history of two members: threads (some sharing a contact, with
// every type of message), every contact event type and plain events.
std::vector<model::Event> RandomHistory(std::mt19937& rng) {
  std::vector<model::Event> events;
  auto next_id = [&events] { return absl::StrCat("e", events.size()); };
  for (const char* member : kMembers) {
    const int contacts = Uniform(rng, 1, 4);
    auto contact = [&] {
      model::Contact c =
          MakeContact(absl::StrCat("c", Uniform(rng, 1, contacts)),
                      static_cast<model::Seniority>(Uniform(rng, 0, 5)),
                      static_cast<model::NetworkCategory>(Uniform(rng, 0, 7)));
      c.industry = Uniform(rng, 0, 2) == 0 ? "" : absl::StrCat("i", contacts);
      c.region = Uniform(rng, 0, 2) == 0 ? "" : absl::StrCat("r", contacts);
      return c;
    };
    const int threads = Uniform(rng, 1, 4);
    for (int t = 0; t < threads; ++t) {
      const int messages = Uniform(rng, 1, 12);
      for (int m = 0; m < messages; ++m) {
        static constexpr EventType kTypes[] = {EventType::kMessageSent,
                                               EventType::kMessageReceived,
                                               EventType::kFollowUpSent};
        events.push_back(
            MakeMessage(next_id(), member, absl::StrCat(member, "-t", t),
                        contact(), kTypes[Uniform(rng, 0, 2)], RandomTime(rng),
                        static_cast<model::Channel>(Uniform(rng, 1, 7))));
      }
    }
    const int contact_events = Uniform(rng, 0, 12);
    for (int i = 0; i < contact_events; ++i) {
      static constexpr EventType kTypes[] = {
          EventType::kConnectionRequestSent, EventType::kConnectionAccepted,
          EventType::kContactMetAtEvent,     EventType::kMeetingBooked,
          EventType::kProspectProfileViewed, EventType::kLeadSaved};
      events.push_back(MakeContactEvent(next_id(), member, contact(),
                                        kTypes[Uniform(rng, 0, 5)],
                                        RandomTime(rng)));
    }
    const int plain = Uniform(rng, 0, 4);
    for (int i = 0; i < plain; ++i) {
      events.push_back(MakeEvent(next_id(), member,
                                 EventType::kReactionReceived, RandomTime(rng),
                                 Uniform(rng, 1, 9)));
    }
  }
  return events;
}

void SortAsStored(std::vector<model::Event>& events) {
  std::sort(events.begin(), events.end(),
            [](const model::Event& a, const model::Event& b) {
              return std::tie(a.occur_time, a.event_id) <
                     std::tie(b.occur_time, b.event_id);
            });
}

// Arrival orders: chronological (every batch folds unless it ties with the
// last one), chronological with local disorder, and shuffled.
std::vector<model::Event> Arrival(std::vector<model::Event> events, int kind,
                                  std::mt19937& rng) {
  SortAsStored(events);
  if (kind == 1) {
    for (size_t i = 0; i + 1 < events.size(); ++i) {
      if (Uniform(rng, 0, 5) == 0) std::swap(events[i], events[i + 1]);
    }
  } else if (kind == 2) {
    std::shuffle(events.begin(), events.end(), rng);
  }
  return events;
}

struct Keys {
  std::set<std::pair<std::string, std::string>> threads;
  std::set<std::pair<std::string, std::string>> contacts;
};

Keys KeysOf(const std::vector<model::Event>& events) {
  Keys keys;
  for (const model::Event& e : events) {
    if (model::IsThreadEvent(e.type))
      keys.threads.emplace(e.member_id, e.thread_id);
    if (model::IsContactEvent(e.type)) {
      keys.contacts.emplace(e.member_id, e.contact.contact_id);
    }
  }
  return keys;
}

std::string Describe(const std::optional<internal::StoredThread>& t) {
  if (!t.has_value()) return "none";
  return absl::StrCat(testing::Describe(t->state),
                      " last=", absl::FormatTime(t->last_activity_time));
}

std::string Describe(const std::optional<internal::StoredContact>& c) {
  if (!c.has_value()) return "none";
  return absl::StrCat(testing::Describe(c->state),
                      " last=", absl::FormatTime(c->last_activity_time));
}

// Every thread and contact row of the store equals the state derived from
// all its events.
void ExpectStoredEqualsDerived(const std::string& path, const Keys& keys) {
  auto conn = internal::Connection::Open(
      path, internal::Connection::Access::kReadOnly, absl::Seconds(1));
  ASSERT_TRUE(conn.ok()) << conn.status();
  std::map<std::string, internal::MemberKeys> by_member;
  for (const auto& [member, thread] : keys.threads) {
    by_member[member].threads.insert(thread);
  }
  for (const auto& [member, contact] : keys.contacts) {
    by_member[member].contacts.insert(contact);
  }
  for (const auto& [member, member_keys] : by_member) {
    auto derived =
        internal::RecomputeMemberStates(**conn, "acme", member, member_keys);
    ASSERT_TRUE(derived.ok()) << derived.status();
    for (const std::string& thread : member_keys.threads) {
      auto stored = internal::ReadThread(**conn, "acme", member, thread);
      ASSERT_TRUE(stored.ok());
      ASSERT_TRUE(stored->has_value()) << member << " " << thread;
      auto it = derived->threads.find(thread);
      EXPECT_EQ(
          Describe(*stored),
          Describe(it == derived->threads.end()
                       ? std::nullopt
                       : std::optional<internal::StoredThread>(it->second)))
          << member << " " << thread;
    }
    for (const std::string& contact : member_keys.contacts) {
      auto stored = internal::ReadContact(**conn, "acme", member, contact);
      ASSERT_TRUE(stored.ok());
      ASSERT_TRUE(stored->has_value()) << member << " " << contact;
      auto it = derived->contacts.find(contact);
      EXPECT_EQ(
          Describe(*stored),
          Describe(it == derived->contacts.end()
                       ? std::nullopt
                       : std::optional<internal::StoredContact>(it->second)))
          << member << " " << contact;
    }
  }
}

// A store at `path` with the members of kMembers; null on any failure.
std::unique_ptr<SqliteStore> OpenWithMembers(const std::string& path) {
  std::unique_ptr<SqliteStore> store = testing::OpenStore(path);
  if (store == nullptr) return nullptr;
  for (const char* member : kMembers) {
    if (!store->UpsertMember("acme", MakeMember(member), At(0)).ok()) {
      return nullptr;
    }
  }
  return store;
}

TEST(IncrementalStateTest, StoredStatesEqualFullRecompute) {
  for (uint32_t seed = 1; seed <= 60; ++seed) {
    SCOPED_TRACE(absl::StrCat("seed ", seed));
    std::mt19937 rng(seed);
    const std::vector<model::Event> history = RandomHistory(rng);
    const int kind = static_cast<int>(seed % 3);
    std::vector<model::Event> arrival = Arrival(history, kind, rng);
    testing::TempDir dir;
    const std::string path = dir.File("store.db");
    {
      std::unique_ptr<SqliteStore> store = OpenWithMembers(path);
      ASSERT_NE(store, nullptr);
      size_t i = 0;
      while (i < arrival.size()) {
        const size_t n =
            std::min<size_t>(Uniform(rng, 1, 9), arrival.size() - i);
        auto outcomes = store->AppendEvents(
            "acme", absl::MakeConstSpan(arrival).subspan(i, n));
        ASSERT_TRUE(outcomes.ok()) << outcomes.status();
        i += n;
      }
    }
    ExpectStoredEqualsDerived(path, KeysOf(history));
  }
}

// `states` holds exactly the keys of `groups` with an event of the types
// `relevant` names, each the state `derive` makes of the group's events.
template <typename Stored, typename Derive>
void ExpectStatesDerived(
    const std::map<std::string, Stored>& states,
    const std::map<std::string, std::vector<model::Event>>& groups,
    bool (*relevant)(model::EventType), Derive derive) {
  size_t expected = 0;
  for (const auto& [id, events] : groups) {
    const bool any =
        std::any_of(events.begin(), events.end(),
                    [&](const model::Event& e) { return relevant(e.type); });
    auto it = states.find(id);
    ASSERT_EQ(it != states.end(), any) << id;
    if (!any) continue;
    ++expected;
    EXPECT_EQ(testing::Describe(it->second.state),
              testing::Describe(derive(events)))
        << id;
  }
  EXPECT_EQ(states.size(), expected);
}

// The events one walk of a member's index entries loads for a set of
// threads and contacts (LoadKeyedEvents, which every re-derivation reads
// through) are exactly the member's events of those keys up to the cut, in
// stored order, and the states derived from them are those derived from the
// history itself: whichever keys are asked for together, and at any cut.
TEST(IncrementalStateTest, KeyedLoadsEqualTheHistoryFiltered) {
  for (uint32_t seed = 1; seed <= 40; ++seed) {
    SCOPED_TRACE(absl::StrCat("seed ", seed));
    std::mt19937 rng(seed);
    std::vector<model::Event> history = RandomHistory(rng);
    testing::TempDir dir;
    const std::string path = dir.File("store.db");
    {
      std::unique_ptr<SqliteStore> store = OpenWithMembers(path);
      ASSERT_NE(store, nullptr);
      ASSERT_TRUE(store->AppendEvents("acme", history).ok());
    }
    SortAsStored(history);
    auto conn = internal::Connection::Open(
        path, internal::Connection::Access::kReadOnly, absl::Seconds(1));
    ASSERT_TRUE(conn.ok()) << conn.status();
    const Keys all = KeysOf(history);
    for (int round = 0; round < 8; ++round) {
      const absl::Time cut =
          round == 0 ? absl::InfiniteFuture() : RandomTime(rng);
      for (const char* member : kMembers) {
        internal::MemberKeys keys;
        for (const auto& [m, id] : all.threads) {
          if (m == member && Uniform(rng, 0, 1) == 0) keys.threads.insert(id);
        }
        for (const auto& [m, id] : all.contacts) {
          if (m == member && Uniform(rng, 0, 1) == 0) keys.contacts.insert(id);
        }
        // A key without any event is absent from both.
        keys.threads.insert("no-such-thread");
        std::map<std::string, std::vector<model::Event>> threads, contacts;
        for (const model::Event& e : history) {
          if (e.member_id != member || e.occur_time > cut) continue;
          if (keys.threads.count(e.thread_id) > 0) {
            threads[e.thread_id].push_back(e);
          }
          if (keys.contacts.count(e.contact.contact_id) > 0) {
            contacts[e.contact.contact_id].push_back(e);
          }
        }
        auto loaded =
            internal::LoadKeyedEvents(**conn, "acme", member, keys, cut);
        ASSERT_TRUE(loaded.ok()) << loaded.status();
        auto ids =
            [](const std::map<std::string, std::vector<model::Event>>& groups) {
              std::map<std::string, std::vector<std::string>> out;
              for (const auto& [key, events] : groups) {
                for (const model::Event& e : events) {
                  out[key].push_back(e.event_id);
                }
              }
              return out;
            };
        EXPECT_EQ(ids(loaded->threads), ids(threads)) << member;
        EXPECT_EQ(ids(loaded->contacts), ids(contacts)) << member;
        auto states =
            internal::RecomputeMemberStates(**conn, "acme", member, keys, cut);
        ASSERT_TRUE(states.ok()) << states.status();
        ExpectStatesDerived(states->threads, threads, &model::IsThreadEvent,
                            &internal::DeriveThreadState);
        ExpectStatesDerived(states->contacts, contacts, &model::IsContactEvent,
                            &internal::DeriveContactState);
      }
    }
  }
}

// The fold itself: a prefix derived, the rest folded in, equals the whole
// derived, for every split where the rest is strictly later than the prefix.
TEST(IncrementalStateTest, FoldOfLaterEventsEqualsDerive) {
  for (uint32_t seed = 1; seed <= 300; ++seed) {
    SCOPED_TRACE(absl::StrCat("seed ", seed));
    std::mt19937 rng(seed);
    std::vector<model::Event> all = RandomHistory(rng);
    std::map<std::string, std::vector<model::Event>> by_thread, by_contact;
    for (const model::Event& e : all) {
      if (e.member_id != "m1") continue;
      if (model::IsThreadEvent(e.type)) by_thread[e.thread_id].push_back(e);
      if (model::IsContactEvent(e.type)) {
        by_contact[e.contact.contact_id].push_back(e);
      }
    }
    for (auto* groups : {&by_thread, &by_contact}) {
      for (auto& [id, events] : *groups) {
        SortAsStored(events);
        const bool thread = groups == &by_thread;
        for (size_t cut = 0; cut < events.size(); ++cut) {
          if (cut > 0 && events[cut].occur_time <= events[cut - 1].occur_time) {
            continue;  // Not strictly later: ingest derives again.
          }
          auto earlier = absl::MakeConstSpan(events).subspan(0, cut);
          std::vector<const model::Event*> later;
          for (size_t i = cut; i < events.size(); ++i) {
            later.push_back(&events[i]);
          }
          if (thread) {
            model::ThreadState state = internal::DeriveThreadState(earlier);
            internal::FoldThreadEvents(later, cut > 0, state);
            EXPECT_EQ(testing::Describe(state),
                      testing::Describe(internal::DeriveThreadState(events)))
                << id << " cut " << cut;
          } else {
            model::ContactState state = internal::DeriveContactState(earlier);
            internal::FoldContactEvents(later, cut > 0, state);
            EXPECT_EQ(testing::Describe(state),
                      testing::Describe(internal::DeriveContactState(events)))
                << id << " cut " << cut;
          }
        }
      }
    }
  }
}

}  // namespace
}  // namespace rapport::store
