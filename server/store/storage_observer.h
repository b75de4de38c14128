// What kind of storage failure a Store's status reports, the observer a
// store tells of them (the server's storage health listens), and the
// interface of stores that can be watched that way.
#ifndef RAPPORT_SERVER_STORE_STORAGE_OBSERVER_H_
#define RAPPORT_SERVER_STORE_STORAGE_OBSERVER_H_

#include "absl/status/status.h"
#include "server/store/errors.h"

namespace rapport::store {

enum class StorageFault {
  kNone,     // Not a storage failure (OK, or the caller's mistake).
  kBusy,     // Another process holds a lock: storage itself is fine.
  kIo,       // The device failed a read, write or sync.
  kFull,     // No space left.
  kCorrupt,  // The database file is damaged (confirmed).
  kOther,    // Any other server-side failure of the store.
};

// The fault a Store status stands for, by its code and its client text
// (errors.h).
inline StorageFault ClassifyStorageStatus(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kUnavailable:
      if (status.message() == kStorageBusy) return StorageFault::kBusy;
      if (status.message() == kStorageIoError) return StorageFault::kIo;
      return StorageFault::kNone;
    case absl::StatusCode::kResourceExhausted:
      return status.message() == kStorageFull ? StorageFault::kFull
                                              : StorageFault::kNone;
    case absl::StatusCode::kDataLoss:
      return StorageFault::kCorrupt;
    case absl::StatusCode::kInternal:
      return status.message() == kStorageInternal ? StorageFault::kOther
                                                  : StorageFault::kNone;
    default:
      return StorageFault::kNone;
  }
}

// True for the faults that mean storage is failing (I/O, full, corrupt), as
// opposed to busy or a one-off.
inline bool IsStorageFailing(StorageFault fault) {
  return fault == StorageFault::kIo || fault == StorageFault::kFull ||
         fault == StorageFault::kCorrupt;
}

// Told by a Store of each operation that failed because storage is failing.
// Called on the thread of the failed operation, with no lock of the store
// held; must be thread-safe and quick (no store calls).
class StorageObserver {
 public:
  virtual ~StorageObserver() = default;
  virtual void OnStorageFault(StorageFault fault) = 0;
};

// A Store over a device that can be watched: implemented by SqliteStore and
// by decorators that forward to one. Thread-safe.
class ObservableStorage {
 public:
  virtual ~ObservableStorage() = default;
  // From now on tells `observer` (null: nobody) of every operation that
  // fails because storage is failing (I/O, full, corrupt). `observer` must
  // stay valid until replaced; no call to it is under way when this
  // returns.
  virtual void SetStorageObserver(StorageObserver* observer) = 0;
  // A cheap real read and write, synced to disk: OK when storage works, a
  // storage status (UNAVAILABLE, RESOURCE_EXHAUSTED, DATA_LOSS) when not.
  virtual absl::Status ProbeStorage() = 0;
};

}  // namespace rapport::store

#endif  // RAPPORT_SERVER_STORE_STORAGE_OBSERVER_H_
