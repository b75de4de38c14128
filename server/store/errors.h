// The messages a Store's failures carry. A Store reports server-side
// failures (UNAVAILABLE, RESOURCE_EXHAUSTED, DATA_LOSS, INTERNAL) with one
// of these texts, written for clients, and logs the detail (the driver's
// text, SQL, paths) itself. The API edge passes these through and replaces
// any other text of a server-side code (api::ToGrpcStatus), so that no
// implementation's internals reach a client.
#ifndef RAPPORT_SERVER_STORE_ERRORS_H_
#define RAPPORT_SERVER_STORE_ERRORS_H_

#include "absl/strings/string_view.h"

namespace rapport::store {

inline constexpr absl::string_view kStorageBusy =
    "storage is busy; retry later";
inline constexpr absl::string_view kStorageIoError = "storage I/O error";
inline constexpr absl::string_view kStorageFull = "storage is full";
inline constexpr absl::string_view kStorageCorrupt = "storage is corrupt";
inline constexpr absl::string_view kStorageInternal = "internal storage error";
inline constexpr absl::string_view kBackupFull =
    "the backup directory's disk is full";
inline constexpr absl::string_view kBackupIoError =
    "I/O error writing the backup";

// True for the messages above.
inline bool IsStorageMessage(absl::string_view message) {
  for (absl::string_view m :
       {kStorageBusy, kStorageIoError, kStorageFull, kStorageCorrupt,
        kStorageInternal, kBackupFull, kBackupIoError}) {
    if (message == m) return true;
  }
  return false;
}

}  // namespace rapport::store

#endif  // RAPPORT_SERVER_STORE_ERRORS_H_
