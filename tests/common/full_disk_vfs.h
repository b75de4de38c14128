// A SQLite VFS for tests that makes a disk fill up: it wraps the default
// VFS, and writes to files whose path starts with a given prefix fail with
// SQLITE_FULL (as the unix VFS reports ENOSPC) once they would take a file
// past a size. Other files are untouched.
//
// Install() makes it the process's default VFS (every connection opened
// after uses it) until the object is destroyed. One at a time.
#ifndef RAPPORT_TESTS_COMMON_FULL_DISK_VFS_H_
#define RAPPORT_TESTS_COMMON_FULL_DISK_VFS_H_

#include <sqlite3.h>

#include <cstdint>
#include <string>

namespace rapport::testing {

class FullDiskVfs {
 public:
  // Files under `prefix` may not grow past `max_bytes`.
  FullDiskVfs(std::string prefix, int64_t max_bytes);
  ~FullDiskVfs();
  FullDiskVfs(const FullDiskVfs&) = delete;
  FullDiskVfs& operator=(const FullDiskVfs&) = delete;

  // Writes refused so far.
  int refused() const;

 private:
  sqlite3_vfs vfs_{};
  sqlite3_vfs* real_ = nullptr;
};

}  // namespace rapport::testing

#endif  // RAPPORT_TESTS_COMMON_FULL_DISK_VFS_H_
