// `rapport admin restore`: puts a backup in place of a stopped server's
// database (store::RestoreDatabase), offline, and prints what it restored.
#ifndef RAPPORT_CLIENT_CLI_RESTORE_COMMAND_H_
#define RAPPORT_CLIENT_CLI_RESTORE_COMMAND_H_

#include <string>

#include "client/cli/io.h"

namespace rapport::cli {

struct RestoreCommandOptions {
  std::string backup;
  std::string db;
  bool keep_previous = true;
  bool force = false;
};

// Exit statuses of the restore besides 0 (restored) and 1 (any other
// failure, such as an I/O error or a kept database in the way).
inline constexpr int kRestoreDatabaseInUse = 3;
inline constexpr int kRestoreBackupRefused = 4;

// Restores and returns the exit status; errors go to io.err as
// "error: <CODE_NAME>: <message>".
int RunRestore(Io& io, const RestoreCommandOptions& options);

}  // namespace rapport::cli

#endif  // RAPPORT_CLIENT_CLI_RESTORE_COMMAND_H_
