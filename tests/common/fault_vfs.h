// FaultVfs: a SQLite VFS for tests that fails chosen file operations the way
// a failing disk does, over SQLite's default (unix) VFS. A store opened with
// SqliteStoreOptions::vfs = FaultVfs::kName behaves exactly like one on the
// default VFS until a test adds a rule:
//
//   FaultVfs& vfs = FaultVfs::Install();
//   vfs.Add({.ops = kFaultWrite, .files = kFaultWal, .error = ENOSPC});
//   ... every write to a write-ahead log now fails as on a full disk ...
//   vfs.Heal();
//
// Each failure returns the SQLite code the unix VFS returns for that errno
// (a write with ENOSPC is SQLITE_FULL, with EIO SQLITE_IOERR_WRITE; a failed
// fsync is SQLITE_IOERR_FSYNC; ...), so SQLite and the store above it see
// what they would see on a real device.
//
// Thread-safe. The VFS is registered once per process; the rules are
// process-wide, so tests that use it run one at a time (as gtest runs them).
#ifndef RAPPORT_TESTS_COMMON_FAULT_VFS_H_
#define RAPPORT_TESTS_COMMON_FAULT_VFS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace rapport::testing {

// File operations (bits of FaultRule::ops).
enum : unsigned {
  kFaultOpen = 1u << 0,      // Opening a file.
  kFaultRead = 1u << 1,      // xRead.
  kFaultWrite = 1u << 2,     // xWrite.
  kFaultSync = 1u << 3,      // xSync (fsync/fdatasync).
  kFaultTruncate = 1u << 4,  // xTruncate.
  kFaultSize = 1u << 5,      // xFileSize (fstat).
  kFaultShmMap = 1u << 6,    // Mapping (and growing) the WAL index.
  kFaultAnyOp = (1u << 7) - 1,
};

// Which files (bits of FaultRule::files).
enum : unsigned {
  kFaultMainDb = 1u << 0,   // The database file.
  kFaultWal = 1u << 1,      // Its write-ahead log.
  kFaultShm = 1u << 2,      // Its WAL index (-shm): kFaultShmMap only.
  kFaultJournal = 1u << 3,  // A rollback or temporary journal, others.
  kFaultAnyFile = (1u << 4) - 1,
};

// FaultRule::error for a read that "succeeds" with garbage in the buffer, as
// a failing device or cable may return.
inline constexpr int kFaultGarbage = -1;

struct FaultRule {
  unsigned ops = kFaultAnyOp;
  unsigned files = kFaultAnyFile;
  // Only files whose path starts with this (a directory's, say); empty for
  // every file. A WAL index (kFaultShmMap) has no path of its own here: a
  // rule with a prefix never fails it.
  std::string path_prefix = {};
  // An errno, EIO (5) or ENOSPC (28); or kFaultGarbage (reads only).
  int error = 5;
  // Matching calls that succeed before the first failure: 0 fails the next
  // one, N-1 fails the Nth.
  int64_t skip = 0;
  // How many calls fail, after which the rule lapses; -1 for every call
  // until Heal().
  int64_t count = -1;
};

class FaultVfs {
 public:
  static constexpr const char* kName = "rapport-fault";

  // Registers the VFS (not as the default) on the first call; the same
  // controller after. Never destroyed.
  static FaultVfs& Install();

  void Add(const FaultRule& rule) ABSL_LOCKS_EXCLUDED(mu_);
  // The device disappears: every operation on every file, opening one
  // included, fails with EIO until Heal().
  void DeviceGone() ABSL_LOCKS_EXCLUDED(mu_);
  // Every rule lapses and the device is back.
  void Heal() ABSL_LOCKS_EXCLUDED(mu_);
  // Calls failed since Install().
  int64_t failures() const ABSL_LOCKS_EXCLUDED(mu_);

  // Called by the VFS: the SQLite code to fail an `op` on a `file` at
  // `path` (null for a WAL index or a nameless temporary file) with, 0
  // (SQLITE_OK) to let it through, or kFaultGarbage.
  int Check(unsigned op, unsigned file, const char* path)
      ABSL_LOCKS_EXCLUDED(mu_);

 private:
  FaultVfs() = default;
  struct ActiveRule {
    FaultRule rule;
    int64_t seen = 0;
    int64_t failed = 0;
  };

  mutable absl::Mutex mu_;
  std::vector<ActiveRule> rules_ ABSL_GUARDED_BY(mu_);
  bool gone_ ABSL_GUARDED_BY(mu_) = false;
  int64_t failures_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace rapport::testing

#endif  // RAPPORT_TESTS_COMMON_FAULT_VFS_H_
