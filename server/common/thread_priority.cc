#include "server/common/thread_priority.h"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <string>

#include "absl/strings/str_cat.h"

#ifdef __linux__
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace rapport {

absl::Status LowerThisThreadPriority(int nice) {
  nice = std::clamp(nice, 0, 19);
  if (nice == 0) return absl::OkStatus();
#ifdef __linux__
  const id_t tid = static_cast<id_t>(syscall(SYS_gettid));
  errno = 0;
  const int current = getpriority(PRIO_PROCESS, tid);
  if (current == -1 && errno != 0) {
    return absl::ErrnoToStatus(errno, "getpriority");
  }
  if (current >= nice) return absl::OkStatus();
  if (setpriority(PRIO_PROCESS, tid, nice) != 0) {
    return absl::ErrnoToStatus(errno, "setpriority");
  }
  return absl::OkStatus();
#else
  return absl::UnimplementedError("thread priorities are only set on Linux");
#endif
}

void LowerThisThreadPriorityOrLog(int nice) {
  const absl::Status status = LowerThisThreadPriority(nice);
  if (status.ok()) return;
  static std::atomic<bool> logged{false};
  if (logged.exchange(true)) return;
  const std::string line = absl::StrCat(
      "rapport: background threads keep their priority: ", status.ToString(),
      "\n");
  std::fputs(line.c_str(), stderr);
}

}  // namespace rapport
