// Property: batches appended at the same time (several writers, each with
// its own connection where the store has several) leave the same
// aggregates as the same events appended one batch after another. Writers
// share members, threads and contacts, and re-send each other's events, so
// they race on the same event ids and the same aggregate rows.
#include <algorithm>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "gtest/gtest.h"
#include "server/store/store.h"
#include "tests/unit/store/conformance/store_factory.h"
#include "tests/unit/store/store_test_data.h"

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

constexpr int kMembers = 3;
constexpr int kWriters = 4;

std::string MemberId(int i) { return absl::StrCat("m", i); }

// A random history of kMembers members: threads (some sharing a contact),
// contact events and plain events, over three days, with colliding times.
std::vector<model::Event> RandomHistory(std::mt19937& rng) {
  auto uniform = [&rng](int lo, int hi) {
    return std::uniform_int_distribution<int>(lo, hi)(rng);
  };
  std::vector<model::Event> events;
  auto next_id = [&events] { return absl::StrCat("e", events.size()); };
  auto when = [&] { return At(uniform(0, 3 * 24 * 6) * 10); };
  for (int m = 0; m < kMembers; ++m) {
    const std::string member = MemberId(m);
    const int contacts = uniform(1, 4);
    const int threads = uniform(1, 6);
    for (int t = 0; t < threads; ++t) {
      model::Contact contact =
          MakeContact(absl::StrCat("c", uniform(1, contacts)),
                      static_cast<model::Seniority>(uniform(0, 5)),
                      static_cast<model::NetworkCategory>(uniform(0, 7)));
      const int messages = uniform(1, 10);
      for (int i = 0; i < messages; ++i) {
        static constexpr EventType kTypes[] = {EventType::kMessageSent,
                                               EventType::kMessageReceived,
                                               EventType::kFollowUpSent};
        events.push_back(
            MakeMessage(next_id(), member, absl::StrCat("t", t), contact,
                        kTypes[uniform(0, 2)], when(),
                        static_cast<model::Channel>(uniform(1, 7))));
      }
    }
    const int contact_events = uniform(0, 8);
    for (int i = 0; i < contact_events; ++i) {
      static constexpr EventType kTypes[] = {
          EventType::kConnectionRequestSent, EventType::kConnectionAccepted,
          EventType::kContactMetAtEvent, EventType::kMeetingBooked,
          EventType::kProspectProfileViewed};
      events.push_back(
          MakeContactEvent(next_id(), member,
                           MakeContact(absl::StrCat("c", uniform(1, contacts))),
                           kTypes[uniform(0, 4)], when()));
    }
    const int plain = uniform(0, 6);
    for (int i = 0; i < plain; ++i) {
      events.push_back(MakeEvent(next_id(), member,
                                 EventType::kReactionReceived, when(),
                                 uniform(1, 9)));
    }
  }
  return events;
}

class ConcurrentIngestTest : public testing::StoreConformanceTest {
 protected:
  std::unique_ptr<Store> StoreWithMembers() {
    std::unique_ptr<Store> store = NewStore();
    if (store == nullptr) return nullptr;
    for (int m = 0; m < kMembers; ++m) {
      EXPECT_TRUE(
          store->UpsertMember("acme", MakeMember(MemberId(m)), At(0)).ok());
    }
    return store;
  }
};

std::string Everything(Store& store) {
  std::string all;
  for (int m = 0; m < kMembers; ++m) {
    auto member = store.GetMember("acme", MemberId(m));
    EXPECT_TRUE(member.ok()) << member.status();
    if (!member.ok()) return member.status().ToString();
    auto activity =
        store.ReadActivity("acme", MemberId(m), At(0), At(4 * 24 * 60));
    EXPECT_TRUE(activity.ok()) << activity.status();
    if (!activity.ok()) return activity.status().ToString();
    absl::StrAppend(&all, MemberId(m), " events=", member->event_count,
                    " last=", testing::Str(member->last_event_time), "\n",
                    Describe(*activity), "\n");
  }
  return all;
}

TEST_P(ConcurrentIngestTest, ConcurrentBatchesGiveTheSameAggregates) {
  for (uint32_t seed = 1; seed <= 6; ++seed) {
    SCOPED_TRACE(absl::StrCat("seed ", seed));
    std::mt19937 rng(seed);
    const std::vector<model::Event> history = RandomHistory(rng);

    std::unique_ptr<Store> sequential = StoreWithMembers();
    ASSERT_NE(sequential, nullptr);
    ASSERT_TRUE(sequential->AppendEvents("acme", history).ok());

    // Each writer sends a shuffled share of the history plus a random part
    // of the others' (re-sent), in random batches.
    std::vector<std::vector<model::Event>> shares(kWriters);
    for (const model::Event& e : history) {
      shares[std::uniform_int_distribution<int>(0, kWriters - 1)(rng)]
          .push_back(e);
      if (std::uniform_int_distribution<int>(0, 2)(rng) == 0) {
        shares[std::uniform_int_distribution<int>(0, kWriters - 1)(rng)]
            .push_back(e);
      }
    }
    std::vector<std::vector<size_t>> cuts(kWriters);
    for (int w = 0; w < kWriters; ++w) {
      std::shuffle(shares[w].begin(), shares[w].end(), rng);
      for (size_t i = 0; i < shares[w].size();) {
        i += std::uniform_int_distribution<size_t>(1, 12)(rng);
        cuts[w].push_back(std::min(i, shares[w].size()));
      }
    }
    std::unique_ptr<Store> concurrent = StoreWithMembers();
    ASSERT_NE(concurrent, nullptr);
    absl::Mutex mu;
    int64_t accepted = 0;
    std::vector<std::string> errors;
    std::vector<std::thread> writers;
    for (int w = 0; w < kWriters; ++w) {
      writers.emplace_back([&, w] {
        size_t begin = 0;
        for (size_t end : cuts[w]) {
          auto outcomes = concurrent->AppendEvents(
              "acme",
              absl::MakeConstSpan(shares[w]).subspan(begin, end - begin));
          absl::MutexLock lock(&mu);
          if (!outcomes.ok()) {
            errors.push_back(outcomes.status().ToString());
          } else {
            for (AppendOutcome o : *outcomes) {
              if (o == AppendOutcome::kAccepted) ++accepted;
              if (o != AppendOutcome::kAccepted &&
                  o != AppendOutcome::kDuplicate) {
                errors.push_back(absl::StrCat("outcome ", static_cast<int>(o)));
              }
            }
          }
          begin = end;
        }
      });
    }
    for (std::thread& t : writers) t.join();
    EXPECT_TRUE(errors.empty()) << (errors.empty() ? "" : errors.front());
    // Each event was accepted by exactly one writer.
    EXPECT_EQ(accepted, static_cast<int64_t>(history.size()));
    EXPECT_EQ(Everything(*sequential), Everything(*concurrent));
  }
}

RAPPORT_STORE_CONFORMANCE(ConcurrentIngestTest);

}  // namespace
}  // namespace rapport::store
