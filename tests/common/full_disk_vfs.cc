#include "tests/common/full_disk_vfs.h"

#include <atomic>
#include <cstdlib>
#include <cstring>

namespace rapport::testing {
namespace {

// The one installed instance's settings (SQLite's callbacks take no
// context but the VFS, whose pAppData points here).
struct Limits {
  std::string prefix;
  int64_t max_bytes = 0;
  sqlite3_vfs* real = nullptr;
  std::atomic<int> refused{0};
};

// The wrapper file: our header, then the real VFS's file.
struct ShimFile {
  sqlite3_file base;
  Limits* limits;
  bool limited;
  sqlite3_file* real() { return reinterpret_cast<sqlite3_file*>(this + 1); }
};

ShimFile* Shim(sqlite3_file* f) { return reinterpret_cast<ShimFile*>(f); }
sqlite3_file* Real(sqlite3_file* f) { return Shim(f)->real(); }

int Close(sqlite3_file* f) { return Real(f)->pMethods->xClose(Real(f)); }
int Read(sqlite3_file* f, void* buf, int n, sqlite3_int64 off) {
  return Real(f)->pMethods->xRead(Real(f), buf, n, off);
}
int Write(sqlite3_file* f, const void* buf, int n, sqlite3_int64 off) {
  ShimFile* shim = Shim(f);
  if (shim->limited && off + n > shim->limits->max_bytes) {
    ++shim->limits->refused;
    return SQLITE_FULL;
  }
  return Real(f)->pMethods->xWrite(Real(f), buf, n, off);
}
int Truncate(sqlite3_file* f, sqlite3_int64 size) {
  return Real(f)->pMethods->xTruncate(Real(f), size);
}
int Sync(sqlite3_file* f, int flags) {
  return Real(f)->pMethods->xSync(Real(f), flags);
}
int FileSize(sqlite3_file* f, sqlite3_int64* size) {
  return Real(f)->pMethods->xFileSize(Real(f), size);
}
int Lock(sqlite3_file* f, int level) {
  return Real(f)->pMethods->xLock(Real(f), level);
}
int Unlock(sqlite3_file* f, int level) {
  return Real(f)->pMethods->xUnlock(Real(f), level);
}
int CheckReserved(sqlite3_file* f, int* out) {
  return Real(f)->pMethods->xCheckReservedLock(Real(f), out);
}
int FileControl(sqlite3_file* f, int op, void* arg) {
  return Real(f)->pMethods->xFileControl(Real(f), op, arg);
}
int SectorSize(sqlite3_file* f) {
  return Real(f)->pMethods->xSectorSize(Real(f));
}
int DeviceCharacteristics(sqlite3_file* f) {
  return Real(f)->pMethods->xDeviceCharacteristics(Real(f));
}
int ShmMap(sqlite3_file* f, int page, int size, int extend,
           void volatile** out) {
  return Real(f)->pMethods->xShmMap(Real(f), page, size, extend, out);
}
int ShmLock(sqlite3_file* f, int offset, int n, int flags) {
  return Real(f)->pMethods->xShmLock(Real(f), offset, n, flags);
}
void ShmBarrier(sqlite3_file* f) { Real(f)->pMethods->xShmBarrier(Real(f)); }
int ShmUnmap(sqlite3_file* f, int del) {
  return Real(f)->pMethods->xShmUnmap(Real(f), del);
}
// No memory-mapped I/O: every write goes through Write.
int Fetch(sqlite3_file*, sqlite3_int64, int, void** out) {
  *out = nullptr;
  return SQLITE_OK;
}
int Unfetch(sqlite3_file*, sqlite3_int64, void*) { return SQLITE_OK; }

const sqlite3_io_methods kMethods = {3,
                                     Close,
                                     Read,
                                     Write,
                                     Truncate,
                                     Sync,
                                     FileSize,
                                     Lock,
                                     Unlock,
                                     CheckReserved,
                                     FileControl,
                                     SectorSize,
                                     DeviceCharacteristics,
                                     ShmMap,
                                     ShmLock,
                                     ShmBarrier,
                                     ShmUnmap,
                                     Fetch,
                                     Unfetch};

int Open(sqlite3_vfs* vfs, const char* name, sqlite3_file* f, int flags,
         int* out_flags) {
  auto* limits = static_cast<Limits*>(vfs->pAppData);
  ShimFile* shim = Shim(f);
  shim->limits = limits;
  shim->limited = name != nullptr && std::strncmp(name, limits->prefix.c_str(),
                                                  limits->prefix.size()) == 0;
  int rc =
      limits->real->xOpen(limits->real, name, shim->real(), flags, out_flags);
  // SQLite calls xClose only when pMethods is set.
  shim->base.pMethods = shim->real()->pMethods != nullptr ? &kMethods : nullptr;
  return rc;
}

Limits* g_limits = nullptr;

}  // namespace

FullDiskVfs::FullDiskVfs(std::string prefix, int64_t max_bytes) {
  real_ = sqlite3_vfs_find(nullptr);
  g_limits = new Limits;
  g_limits->prefix = std::move(prefix);
  g_limits->max_bytes = max_bytes;
  g_limits->real = real_;
  vfs_ = *real_;
  vfs_.szOsFile = static_cast<int>(sizeof(ShimFile)) + real_->szOsFile;
  vfs_.zName = "rapport-full-disk";
  vfs_.pAppData = g_limits;
  vfs_.xOpen = Open;
  vfs_.pNext = nullptr;
  sqlite3_vfs_register(&vfs_, /*makeDflt=*/1);
}

FullDiskVfs::~FullDiskVfs() {
  sqlite3_vfs_unregister(&vfs_);
  sqlite3_vfs_register(real_, /*makeDflt=*/1);
  delete g_limits;
  g_limits = nullptr;
}

int FullDiskVfs::refused() const { return g_limits->refused.load(); }

}  // namespace rapport::testing
