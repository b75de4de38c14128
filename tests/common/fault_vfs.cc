#include "tests/common/fault_vfs.h"

#include <sqlite3.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace rapport::testing {
namespace {

// The SQLite code the unix VFS gives for `op` failing with `error`.
int CodeFor(unsigned op, int error) {
  if (error == kFaultGarbage) return op == kFaultRead ? kFaultGarbage : 0;
  const bool no_space = error == ENOSPC;
  switch (op) {
    case kFaultOpen:
      return SQLITE_CANTOPEN;
    case kFaultRead:
      return SQLITE_IOERR_READ;
    case kFaultWrite:
      return no_space ? SQLITE_FULL : SQLITE_IOERR_WRITE;
    case kFaultSync:
      return SQLITE_IOERR_FSYNC;
    case kFaultTruncate:
      return SQLITE_IOERR_TRUNCATE;
    case kFaultSize:
      return SQLITE_IOERR_FSTAT;
    case kFaultShmMap:
      return no_space ? SQLITE_IOERR_SHMSIZE : SQLITE_IOERR_SHMMAP;
    default:
      return SQLITE_IOERR;
  }
}

// A file of this VFS: the real file's structure follows it in memory.
struct File {
  sqlite3_file base;
  unsigned kind;
  // SQLite keeps the name it opened the file with until xClose.
  const char* path;
  sqlite3_file* real;
};

sqlite3_vfs* g_real = nullptr;
FaultVfs* g_faults = nullptr;

File* Of(sqlite3_file* f) { return reinterpret_cast<File*>(f); }
sqlite3_file* Real(sqlite3_file* f) { return Of(f)->real; }
int Check(sqlite3_file* f, unsigned op) {
  return g_faults->Check(op, Of(f)->kind, Of(f)->path);
}

int Close(sqlite3_file* f) { return Real(f)->pMethods->xClose(Real(f)); }
int Read(sqlite3_file* f, void* buf, int amount, sqlite3_int64 offset) {
  const int fault = Check(f, kFaultRead);
  if (fault != SQLITE_OK && fault != kFaultGarbage) return fault;
  const int rc = Real(f)->pMethods->xRead(Real(f), buf, amount, offset);
  if (fault == kFaultGarbage && rc == SQLITE_OK) std::memset(buf, 0xA5, amount);
  return rc;
}
int Write(sqlite3_file* f, const void* buf, int amount, sqlite3_int64 offset) {
  if (int rc = Check(f, kFaultWrite)) return rc;
  return Real(f)->pMethods->xWrite(Real(f), buf, amount, offset);
}
int Truncate(sqlite3_file* f, sqlite3_int64 size) {
  if (int rc = Check(f, kFaultTruncate)) return rc;
  return Real(f)->pMethods->xTruncate(Real(f), size);
}
int Sync(sqlite3_file* f, int flags) {
  if (int rc = Check(f, kFaultSync)) return rc;
  return Real(f)->pMethods->xSync(Real(f), flags);
}
int FileSize(sqlite3_file* f, sqlite3_int64* size) {
  if (int rc = Check(f, kFaultSize)) return rc;
  return Real(f)->pMethods->xFileSize(Real(f), size);
}
int Lock(sqlite3_file* f, int level) {
  return Real(f)->pMethods->xLock(Real(f), level);
}
int Unlock(sqlite3_file* f, int level) {
  return Real(f)->pMethods->xUnlock(Real(f), level);
}
int CheckReservedLock(sqlite3_file* f, int* out) {
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
int ShmMap(sqlite3_file* f, int region, int size, int extend,
           void volatile** out) {
  if (int rc = g_faults->Check(kFaultShmMap, kFaultShm, nullptr)) return rc;
  return Real(f)->pMethods->xShmMap(Real(f), region, size, extend, out);
}
int ShmLock(sqlite3_file* f, int offset, int n, int flags) {
  return Real(f)->pMethods->xShmLock(Real(f), offset, n, flags);
}
void ShmBarrier(sqlite3_file* f) { Real(f)->pMethods->xShmBarrier(Real(f)); }
int ShmUnmap(sqlite3_file* f, int delete_flag) {
  return Real(f)->pMethods->xShmUnmap(Real(f), delete_flag);
}
// Memory-mapped reads are off (the store never sets mmap_size): refusing
// them keeps every read going through Read, where faults apply.
int Fetch(sqlite3_file*, sqlite3_int64, int, void** out) {
  *out = nullptr;
  return SQLITE_OK;
}
int Unfetch(sqlite3_file* f, sqlite3_int64 offset, void* p) {
  return Real(f)->pMethods->xUnfetch(Real(f), offset, p);
}

const sqlite3_io_methods kMethods = {3,
                                     Close,
                                     Read,
                                     Write,
                                     Truncate,
                                     Sync,
                                     FileSize,
                                     Lock,
                                     Unlock,
                                     CheckReservedLock,
                                     FileControl,
                                     SectorSize,
                                     DeviceCharacteristics,
                                     ShmMap,
                                     ShmLock,
                                     ShmBarrier,
                                     ShmUnmap,
                                     Fetch,
                                     Unfetch};

unsigned KindOf(int flags) {
  if (flags & SQLITE_OPEN_MAIN_DB) return kFaultMainDb;
  if (flags & SQLITE_OPEN_WAL) return kFaultWal;
  return kFaultJournal;
}

int Open(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* f, int flags,
         int* out_flags) {
  File* file = Of(f);
  file->base.pMethods = nullptr;
  file->kind = KindOf(flags);
  file->path = name;
  file->real = reinterpret_cast<sqlite3_file*>(file + 1);
  if (int rc = g_faults->Check(kFaultOpen, file->kind, name)) return rc;
  int rc = g_real->xOpen(g_real, name, file->real, flags, out_flags);
  // SQLite calls xClose only when pMethods is set.
  if (file->real->pMethods != nullptr) file->base.pMethods = &kMethods;
  return rc;
}
int Delete(sqlite3_vfs*, const char* name, int sync_dir) {
  if (int rc = g_faults->Check(kFaultOpen, kFaultJournal, name)) {
    return rc == SQLITE_CANTOPEN ? SQLITE_IOERR_DELETE : rc;
  }
  return g_real->xDelete(g_real, name, sync_dir);
}
int Access(sqlite3_vfs*, const char* name, int flags, int* out) {
  return g_real->xAccess(g_real, name, flags, out);
}
int FullPathname(sqlite3_vfs*, const char* name, int n, char* out) {
  return g_real->xFullPathname(g_real, name, n, out);
}
void* DlOpen(sqlite3_vfs*, const char* name) {
  return g_real->xDlOpen(g_real, name);
}
void DlError(sqlite3_vfs*, int n, char* out) {
  g_real->xDlError(g_real, n, out);
}
void (*DlSym(sqlite3_vfs*, void* handle, const char* symbol))(void) {
  return g_real->xDlSym(g_real, handle, symbol);
}
void DlClose(sqlite3_vfs*, void* handle) { g_real->xDlClose(g_real, handle); }
int Randomness(sqlite3_vfs*, int n, char* out) {
  return g_real->xRandomness(g_real, n, out);
}
int Sleep(sqlite3_vfs*, int micros) { return g_real->xSleep(g_real, micros); }
int CurrentTime(sqlite3_vfs*, double* out) {
  return g_real->xCurrentTime(g_real, out);
}
int GetLastError(sqlite3_vfs*, int n, char* out) {
  return g_real->xGetLastError(g_real, n, out);
}
int CurrentTimeInt64(sqlite3_vfs*, sqlite3_int64* out) {
  return g_real->xCurrentTimeInt64(g_real, out);
}

}  // namespace

FaultVfs& FaultVfs::Install() {
  static FaultVfs* const faults = [] {
    auto* created = new FaultVfs();
    g_faults = created;
    g_real = sqlite3_vfs_find(nullptr);
    if (g_real == nullptr) std::abort();
    static sqlite3_vfs vfs;
    std::memset(&vfs, 0, sizeof(vfs));
    vfs.iVersion = 2;
    vfs.szOsFile = static_cast<int>(sizeof(File)) + g_real->szOsFile;
    vfs.mxPathname = g_real->mxPathname;
    vfs.zName = kName;
    vfs.xOpen = Open;
    vfs.xDelete = Delete;
    vfs.xAccess = Access;
    vfs.xFullPathname = FullPathname;
    vfs.xDlOpen = DlOpen;
    vfs.xDlError = DlError;
    vfs.xDlSym = DlSym;
    vfs.xDlClose = DlClose;
    vfs.xRandomness = Randomness;
    vfs.xSleep = Sleep;
    vfs.xCurrentTime = CurrentTime;
    vfs.xGetLastError = GetLastError;
    vfs.xCurrentTimeInt64 = CurrentTimeInt64;
    if (sqlite3_vfs_register(&vfs, 0) != SQLITE_OK) std::abort();
    return created;
  }();
  return *faults;
}

void FaultVfs::Add(const FaultRule& rule) {
  absl::MutexLock lock(&mu_);
  rules_.push_back(ActiveRule{.rule = rule});
}

void FaultVfs::DeviceGone() {
  absl::MutexLock lock(&mu_);
  gone_ = true;
}

void FaultVfs::Heal() {
  absl::MutexLock lock(&mu_);
  rules_.clear();
  gone_ = false;
}

int64_t FaultVfs::failures() const {
  absl::MutexLock lock(&mu_);
  return failures_;
}

int FaultVfs::Check(unsigned op, unsigned file, const char* path) {
  absl::MutexLock lock(&mu_);
  if (gone_) {
    ++failures_;
    return CodeFor(op, EIO);
  }
  for (ActiveRule& active : rules_) {
    const FaultRule& rule = active.rule;
    if ((rule.ops & op) == 0 || (rule.files & file) == 0) continue;
    if (!rule.path_prefix.empty() &&
        (path == nullptr || std::strncmp(path, rule.path_prefix.c_str(),
                                         rule.path_prefix.size()) != 0)) {
      continue;
    }
    if (rule.count >= 0 && active.failed >= rule.count) continue;
    if (active.seen++ < rule.skip) continue;
    const int code = CodeFor(op, rule.error);
    if (code == SQLITE_OK) continue;
    ++active.failed;
    ++failures_;
    return code;
  }
  return SQLITE_OK;
}

}  // namespace rapport::testing
