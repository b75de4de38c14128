#include "server/store/file_sync.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>

#include "absl/strings/str_cat.h"
#include "server/store/errors.h"
#include "server/store/sqlite_status.h"

namespace rapport::store::internal {
namespace {

absl::Status ErrnoStatus(int error, const std::string& what) {
  LogStoreProblem(absl::StrCat(what, ": ", std::strerror(error)));
  if (error == ENOSPC || error == EDQUOT) {
    return absl::ResourceExhaustedError(kBackupFull);
  }
  return absl::UnavailableError(kBackupIoError);
}

absl::Status SyncFd(int fd, const std::string& path) {
  while (fsync(fd) != 0) {
    if (errno != EINTR) return ErrnoStatus(errno, absl::StrCat("fsync ", path));
  }
  return absl::OkStatus();
}

}  // namespace

std::string DirectoryOf(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

absl::StatusOr<int64_t> SyncFile(const std::string& path) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus(errno, absl::StrCat("open ", path));
  absl::Status status = SyncFd(fd, path);
  struct stat st {};
  if (status.ok() && fstat(fd, &st) != 0) {
    status = ErrnoStatus(errno, absl::StrCat("stat ", path));
  }
  close(fd);
  if (!status.ok()) return status;
  return static_cast<int64_t>(st.st_size);
}

absl::Status SyncDirectory(const std::string& directory) {
  const int fd = open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus(errno, absl::StrCat("open ", directory));
  absl::Status status = SyncFd(fd, directory);
  close(fd);
  return status;
}

absl::StatusOr<std::string> CreateTempFile(const std::string& prefix) {
  std::vector<char> name(prefix.begin(), prefix.end());
  for (char c : std::string("XXXXXX")) name.push_back(c);
  name.push_back('\0');
  const int fd = mkstemp(name.data());
  if (fd < 0) return ErrnoStatus(errno, absl::StrCat("create ", prefix));
  close(fd);
  return std::string(name.data());
}

absl::Status RenameNoReplace(const std::string& from, const std::string& to) {
  // Never replacing: two backups given one name cannot overwrite each other.
  if (renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(),
                RENAME_NOREPLACE) == 0) {
    return absl::OkStatus();
  }
  if (errno == EEXIST) {
    return absl::AlreadyExistsError("a file of that name already exists");
  }
  if (errno != EINVAL && errno != ENOSYS) {
    return ErrnoStatus(errno, absl::StrCat("rename ", from, " to ", to));
  }
  // A file system without RENAME_NOREPLACE: link(2) fails with EEXIST
  // rather than replace.
  if (link(from.c_str(), to.c_str()) != 0) {
    if (errno == EEXIST) {
      return absl::AlreadyExistsError("a file of that name already exists");
    }
    return ErrnoStatus(errno, absl::StrCat("link ", from, " to ", to));
  }
  if (unlink(from.c_str()) != 0) {
    return ErrnoStatus(errno, absl::StrCat("unlink ", from));
  }
  return absl::OkStatus();
}

absl::Status Rename(const std::string& from, const std::string& to) {
  if (rename(from.c_str(), to.c_str()) != 0) {
    return ErrnoStatus(errno, absl::StrCat("rename ", from, " to ", to));
  }
  return absl::OkStatus();
}

void RemoveDatabaseFiles(const std::string& path) {
  for (const char* suffix : {"", "-journal", "-wal", "-shm"}) {
    const std::string file = absl::StrCat(path, suffix);
    if (unlink(file.c_str()) != 0 && errno != ENOENT) {
      LogStoreProblem(
          absl::StrCat("unlink ", file, ": ", std::strerror(errno)));
    }
  }
}

bool PathExists(const std::string& path) {
  struct stat st {};
  return lstat(path.c_str(), &st) == 0;
}

}  // namespace rapport::store::internal
