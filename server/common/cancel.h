// Cooperative cancellation of long work. A loop over members asks between
// members whether its result is still wanted and stops with the status it
// gets otherwise. The API layer builds the check from the call: OK while the
// caller waits, DEADLINE_EXCEEDED once its deadline has passed, CANCELLED
// once it cancelled. The core stays free of gRPC.
#ifndef RAPPORT_SERVER_COMMON_CANCEL_H_
#define RAPPORT_SERVER_COMMON_CANCEL_H_

#include <functional>

#include "absl/status/status.h"

namespace rapport {

// OK to go on; otherwise the status to stop with. Thread-safe to call.
using StillWanted = std::function<absl::Status()>;

// OK when `wanted` is empty (nobody can cancel) or says so.
inline absl::Status CheckWanted(const StillWanted& wanted) {
  return wanted ? wanted() : absl::OkStatus();
}

}  // namespace rapport

#endif  // RAPPORT_SERVER_COMMON_CANCEL_H_
