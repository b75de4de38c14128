// StorageHealth over a fake storage whose probe answers what the test says:
// failures turn it unhealthy, busy and other failures do not, only a
// successful probe turns it healthy again, and on_change reports every
// change once, in order.
#include "server/app/storage_health.h"

#include <random>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "server/store/errors.h"

namespace rapport::app {
namespace {

using store::StorageFault;

class FakeStorage final : public store::ObservableStorage {
 public:
  void SetStorageObserver(store::StorageObserver*) override {}
  absl::Status ProbeStorage() override {
    absl::MutexLock lock(&mu_);
    ++probes_;
    return probe_;
  }
  void SetProbe(absl::Status status) {
    absl::MutexLock lock(&mu_);
    probe_ = std::move(status);
  }
  int probes() const {
    absl::MutexLock lock(&mu_);
    return probes_;
  }

 private:
  mutable absl::Mutex mu_;
  absl::Status probe_;
  int probes_ = 0;
};

// Records on_change's calls.
class Changes {
 public:
  std::function<void(bool)> Callback() {
    return [this](bool healthy) {
      absl::MutexLock lock(&mu_);
      seen_.push_back(healthy);
    };
  }
  std::vector<bool> seen() const {
    absl::MutexLock lock(&mu_);
    return seen_;
  }

 private:
  mutable absl::Mutex mu_;
  std::vector<bool> seen_;
};

// The thread never probes on its own: the test calls ProbeNow.
StorageHealthOptions Manual() {
  return {.probe_interval = absl::Hours(1),
          .idle_probe_interval = absl::ZeroDuration()};
}

TEST(StorageHealthTest, FailuresTurnItUnhealthyAndOnlyAProbeHeals) {
  for (StorageFault fault :
       {StorageFault::kIo, StorageFault::kFull, StorageFault::kCorrupt}) {
    SCOPED_TRACE(static_cast<int>(fault));
    FakeStorage storage;
    Changes changes;
    StorageHealth health(&storage, Manual(), changes.Callback());
    EXPECT_TRUE(health.healthy());
    health.OnStorageFault(fault);
    health.OnStorageFault(fault);  // Told once.
    EXPECT_FALSE(health.healthy());
    EXPECT_EQ(store::ClassifyStorageStatus(health.last_failure()), fault);

    storage.SetProbe(absl::UnavailableError(store::kStorageBusy));
    EXPECT_FALSE(health.ProbeNow()) << "busy says nothing of storage";
    storage.SetProbe(absl::ResourceExhaustedError(store::kStorageFull));
    EXPECT_FALSE(health.ProbeNow());
    storage.SetProbe(absl::OkStatus());
    EXPECT_TRUE(health.ProbeNow());
    EXPECT_TRUE(health.last_failure().ok());
    EXPECT_EQ(changes.seen(), (std::vector<bool>{false, true}));
  }
}

TEST(StorageHealthTest, BusyAndOtherFailuresChangeNothing) {
  FakeStorage storage;
  Changes changes;
  StorageHealth health(&storage, Manual(), changes.Callback());
  for (StorageFault fault :
       {StorageFault::kNone, StorageFault::kBusy, StorageFault::kOther}) {
    health.OnStorageFault(fault);
  }
  storage.SetProbe(absl::InternalError(store::kStorageInternal));
  EXPECT_TRUE(health.ProbeNow());
  storage.SetProbe(absl::NotFoundError("member not found"));
  EXPECT_TRUE(health.ProbeNow());
  EXPECT_TRUE(changes.seen().empty());
}

// Over random sequences of faults and probe results, on_change alternates
// false/true starting with false, and its last value is the state.
TEST(StorageHealthTest, ChangesAlternateAndEndAtTheState) {
  std::mt19937 random(7);
  const absl::Status probes[] = {
      absl::OkStatus(), absl::UnavailableError(store::kStorageIoError),
      absl::UnavailableError(store::kStorageBusy),
      absl::ResourceExhaustedError(store::kStorageFull),
      absl::DataLossError(store::kStorageCorrupt)};
  const StorageFault faults[] = {StorageFault::kIo, StorageFault::kFull,
                                 StorageFault::kCorrupt, StorageFault::kBusy};
  for (int round = 0; round < 50; ++round) {
    FakeStorage storage;
    Changes changes;
    StorageHealth health(&storage, Manual(), changes.Callback());
    for (int step = 0; step < 40; ++step) {
      if (random() % 2 == 0) {
        health.OnStorageFault(faults[random() % std::size(faults)]);
      } else {
        storage.SetProbe(probes[random() % std::size(probes)]);
        health.ProbeNow();
      }
    }
    const std::vector<bool> seen = changes.seen();
    for (size_t i = 0; i < seen.size(); ++i) {
      EXPECT_EQ(seen[i], i % 2 == 1) << "change " << i;
    }
    EXPECT_EQ(seen.empty() ? true : seen.back(), health.healthy());
  }
}

// The thread probes while unhealthy and heals without being asked.
TEST(StorageHealthTest, ProbeThreadHealsOnItsOwn) {
  FakeStorage storage;
  Changes changes;
  StorageHealth health(&storage,
                       {.probe_interval = absl::Milliseconds(5),
                        .idle_probe_interval = absl::ZeroDuration()},
                       changes.Callback());
  storage.SetProbe(absl::UnavailableError(store::kStorageIoError));
  health.OnStorageFault(StorageFault::kIo);
  const absl::Time give_up = absl::Now() + absl::Seconds(30);
  while (storage.probes() < 3 && absl::Now() < give_up) {
    absl::SleepFor(absl::Milliseconds(5));
  }
  EXPECT_GE(storage.probes(), 3);
  EXPECT_FALSE(health.healthy());
  storage.SetProbe(absl::OkStatus());
  // The change is published just after the state turns: wait for both.
  while ((!health.healthy() || changes.seen().size() < 2) &&
         absl::Now() < give_up) {
    absl::SleepFor(absl::Milliseconds(5));
  }
  EXPECT_TRUE(health.healthy());
  EXPECT_EQ(changes.seen(), (std::vector<bool>{false, true}));
}

}  // namespace
}  // namespace rapport::app
