// Property: the aggregates do not depend on the order events are ingested in,
// nor on how they are split into batches, nor on re-sent duplicates. Random
// histories (seeded, so deterministic) are ingested chronologically one by
// one, then shuffled in random batches, and read back over random windows.
#include <algorithm>
#include <memory>
#include <random>
#include <string>
#include <vector>

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

// A random history of member "m1": a few threads (some sharing a contact),
// contact events and plain events. Times collide on purpose (ties).
std::vector<model::Event> RandomHistory(std::mt19937& rng) {
  auto uniform = [&rng](int lo, int hi) {
    return std::uniform_int_distribution<int>(lo, hi)(rng);
  };
  std::vector<model::Event> events;
  auto next_id = [&events] { return absl::StrCat("e", events.size()); };
  const int contacts = uniform(1, 3);
  const int threads = uniform(1, 5);
  for (int t = 0; t < threads; ++t) {
    model::Contact contact =
        MakeContact(absl::StrCat("c", uniform(1, contacts)),
                    static_cast<model::Seniority>(uniform(0, 5)),
                    static_cast<model::NetworkCategory>(uniform(0, 7)));
    const int messages = uniform(1, 8);
    for (int m = 0; m < messages; ++m) {
      static constexpr EventType kTypes[] = {EventType::kMessageSent,
                                             EventType::kMessageReceived,
                                             EventType::kFollowUpSent};
      contact.seniority = static_cast<model::Seniority>(uniform(0, 5));
      events.push_back(MakeMessage(
          next_id(), "m1", absl::StrCat("t", t), contact, kTypes[uniform(0, 2)],
          At(uniform(0, 60) * 10), static_cast<model::Channel>(uniform(1, 7))));
    }
  }
  const int contact_events = uniform(0, 6);
  for (int i = 0; i < contact_events; ++i) {
    static constexpr EventType kTypes[] = {
        EventType::kConnectionRequestSent, EventType::kConnectionAccepted,
        EventType::kContactMetAtEvent, EventType::kMeetingBooked,
        EventType::kProspectProfileViewed};
    model::Contact contact =
        MakeContact(absl::StrCat("c", uniform(1, contacts)));
    contact.region = absl::StrCat("r", uniform(0, 3));
    events.push_back(MakeContactEvent(next_id(), "m1", contact,
                                      kTypes[uniform(0, 4)],
                                      At(uniform(0, 60) * 10)));
  }
  const int plain = uniform(0, 5);
  for (int i = 0; i < plain; ++i) {
    events.push_back(MakeEvent(next_id(), "m1", EventType::kReactionReceived,
                               At(uniform(0, 60) * 10), uniform(1, 9)));
  }
  return events;
}

class IngestOrderTest : public testing::StoreConformanceTest {
 protected:
  // A fresh store holding member "m1" of "acme".
  std::unique_ptr<Store> StoreWithMember() {
    std::unique_ptr<Store> store = NewStore();
    EXPECT_NE(store, nullptr);
    if (store == nullptr) return nullptr;
    EXPECT_TRUE(store->UpsertMember("acme", MakeMember("m1"), At(0)).ok());
    return store;
  }
};

void AppendInBatches(Store& store, const std::vector<model::Event>& events,
                     std::mt19937& rng) {
  size_t i = 0;
  while (i < events.size()) {
    size_t n = std::uniform_int_distribution<size_t>(1, 7)(rng);
    n = std::min(n, events.size() - i);
    auto outcomes =
        store.AppendEvents("acme", absl::MakeConstSpan(events).subspan(i, n));
    ASSERT_TRUE(outcomes.ok()) << outcomes.status();
    i += n;
  }
}

std::string Activity(Store& store, absl::Time from, absl::Time to) {
  auto activity = store.ReadActivity("acme", "m1", from, to);
  EXPECT_TRUE(activity.ok()) << activity.status();
  return activity.ok() ? Describe(*activity) : activity.status().ToString();
}

// Threads and contacts only (daily buckets count whole days).
std::string States(Store& store, absl::Time from, absl::Time to) {
  auto activity = store.ReadActivity("acme", "m1", from, to);
  EXPECT_TRUE(activity.ok()) << activity.status();
  if (!activity.ok()) return activity.status().ToString();
  activity->daily.clear();
  return Describe(*activity);
}

TEST_P(IngestOrderTest, AnyOrderAndBatchingGivesTheSameActivity) {
  for (uint32_t seed = 1; seed <= 40; ++seed) {
    SCOPED_TRACE(absl::StrCat("seed ", seed));
    std::mt19937 rng(seed);
    std::vector<model::Event> history = RandomHistory(rng);

    // Reference: chronological, one event per batch.
    std::vector<model::Event> chronological = history;
    std::stable_sort(chronological.begin(), chronological.end(),
                     [](const model::Event& a, const model::Event& b) {
                       return a.occur_time < b.occur_time;
                     });
    std::unique_ptr<Store> in_order = StoreWithMember();
    ASSERT_NE(in_order, nullptr);
    for (const model::Event& e : chronological) {
      ASSERT_TRUE(in_order->AppendEvents("acme", {e}).ok());
    }

    // Shuffled, in random batches, with a random part sent twice.
    std::vector<model::Event> shuffled = history;
    std::shuffle(shuffled.begin(), shuffled.end(), rng);
    std::vector<model::Event> resent(
        shuffled.begin(),
        shuffled.begin() +
            std::uniform_int_distribution<size_t>(0, shuffled.size())(rng));
    shuffled.insert(shuffled.end(), resent.begin(), resent.end());
    std::shuffle(shuffled.begin(), shuffled.end(), rng);
    std::unique_ptr<Store> out_of_order = StoreWithMember();
    ASSERT_NE(out_of_order, nullptr);
    AppendInBatches(*out_of_order, shuffled, rng);

    // The whole history, then windows, many of them about the past.
    ASSERT_EQ(Activity(*in_order, At(0), At(1000)),
              Activity(*out_of_order, At(0), At(1000)));
    for (int w = 0; w < 8; ++w) {
      int a = std::uniform_int_distribution<int>(0, 61)(rng) * 10;
      int b = std::uniform_int_distribution<int>(0, 61)(rng) * 10;
      absl::Time from = At(std::min(a, b));
      absl::Time to = At(std::max(a, b));
      ASSERT_EQ(Activity(*in_order, from, to),
                Activity(*out_of_order, from, to))
          << "window " << std::min(a, b) << ".." << std::max(a, b);
    }
    EXPECT_EQ(in_order->GetMember("acme", "m1")->event_count,
              static_cast<int64_t>(history.size()));
    EXPECT_EQ(out_of_order->GetMember("acme", "m1")->event_count,
              static_cast<int64_t>(history.size()));
  }
}

// A past window read on a store that has seen everything must equal the same
// window on a store that has only seen events up to its end.
TEST_P(IngestOrderTest, PastWindowEqualsStoreThatStoppedThere) {
  for (uint32_t seed = 100; seed <= 120; ++seed) {
    SCOPED_TRACE(absl::StrCat("seed ", seed));
    std::mt19937 rng(seed);
    std::vector<model::Event> history = RandomHistory(rng);
    const int cut = std::uniform_int_distribution<int>(0, 60)(rng) * 10;
    std::vector<model::Event> until_cut;
    for (const model::Event& e : history) {
      if (e.occur_time <= At(cut)) until_cut.push_back(e);
    }
    std::unique_ptr<Store> full = StoreWithMember();
    ASSERT_NE(full, nullptr);
    AppendInBatches(*full, history, rng);
    std::unique_ptr<Store> partial = StoreWithMember();
    ASSERT_NE(partial, nullptr);
    AppendInBatches(*partial, until_cut, rng);
    const absl::Time from = At(std::uniform_int_distribution<int>(0, cut)(rng));
    ASSERT_EQ(States(*full, from, At(cut)), States(*partial, from, At(cut)));
  }
}

RAPPORT_STORE_CONFORMANCE(IngestOrderTest);

}  // namespace
}  // namespace rapport::store
