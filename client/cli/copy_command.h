// `rapport admin copy`: copies a whole database between a SQLite file and
// PostgreSQL, in either direction (store::pg::CopyDatabase), offline, and
// prints each table's rows and whether its checksum matched.
#ifndef RAPPORT_CLIENT_CLI_COPY_COMMAND_H_
#define RAPPORT_CLIENT_CLI_COPY_COMMAND_H_

#include <string>

#include "client/cli/io.h"

namespace rapport::cli {

struct CopyCommandOptions {
  std::string from;  // A SQLite file or a postgresql:// URI.
  std::string to;
};

// Exit statuses of the copy besides 0 (copied and verified) and 1 (any
// other failure: the destination is not empty, a database cannot be read).
// kCopyDatabaseInUse is restore's "database in use".
inline constexpr int kCopyDatabaseInUse = 3;
inline constexpr int kCopyMismatch = 5;

// Copies and returns the exit status; progress and errors go to io.err
// ("error: <CODE_NAME>: <message>"), the table of results to io.out.
int RunCopy(Io& io, const CopyCommandOptions& options);

}  // namespace rapport::cli

#endif  // RAPPORT_CLIENT_CLI_COPY_COMMAND_H_
