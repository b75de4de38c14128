// The CPU priority of Rapport's own threads. Background work (board builds
// and refreshes, the outreach cache, the history recorder, retention, the
// score changes feed) runs on threads with a higher nice value than the
// threads that answer calls, so that on a machine with few cores a refresh
// after a burst of events takes the CPU only when requests leave it idle.
//
// On Linux the nice value belongs to each thread (setpriority on a thread
// id), and threads a thread creates inherit it: the helpers of ParallelFor
// started by a background thread run at its priority too. Elsewhere
// LowerThisThreadPriority answers UNIMPLEMENTED.
#ifndef RAPPORT_SERVER_COMMON_THREAD_PRIORITY_H_
#define RAPPORT_SERVER_COMMON_THREAD_PRIORITY_H_

#include "absl/status/status.h"

namespace rapport {

// The default nice value of background threads (request threads keep the
// process's, normally 0). At nice 10 against 0 the kernel's CFS weights
// are 110 to 1024: a busy background thread gets about a tenth of a core
// that a request thread also wants, and the whole core when none does.
inline constexpr int kBackgroundNice = 10;

// Sets the calling thread's nice value to `nice` (clamped to [0, 19]) when
// that is lower priority than its current one; never raises a priority
// (which would need privileges). 0 does nothing. Errors: UNIMPLEMENTED off
// Linux; the system's error otherwise (for example PERMISSION_DENIED under a
// seccomp policy that forbids setpriority).
absl::Status LowerThisThreadPriority(int nice);

// LowerThisThreadPriority; a failure is written to stderr once per process
// ("rapport: background threads keep their priority: ..."), never fatal:
// the work still runs, only without yielding to requests.
void LowerThisThreadPriorityOrLog(int nice);

}  // namespace rapport

#endif  // RAPPORT_SERVER_COMMON_THREAD_PRIORITY_H_
