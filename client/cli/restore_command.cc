#include "client/cli/restore_command.h"

#include "absl/status/statusor.h"
#include "server/store/restore.h"

namespace rapport::cli {

int RunRestore(Io& io, const RestoreCommandOptions& options) {
  store::RestoreOptions restore;
  restore.backup = options.backup;
  restore.db = options.db;
  restore.keep_previous = options.keep_previous;
  restore.force = options.force;
  absl::StatusOr<store::RestoreResult> result = store::RestoreDatabase(restore);
  if (!result.ok()) {
    PrintError(result.status(), io.err);
    if (absl::IsAborted(result.status())) return kRestoreDatabaseInUse;
    if (absl::IsInvalidArgument(result.status())) return kRestoreBackupRefused;
    return 1;
  }
  const store::DatabaseContents& contents = result->contents;
  io.out << "restored " << options.backup << " into " << options.db
         << " (schema version " << contents.schema_version << ", "
         << contents.event_count << " events)\n";
  for (const store::TenantContents& tenant : contents.tenants) {
    io.out << "  tenant " << tenant.tenant << ": " << tenant.members
           << " members, " << tenant.events << " events\n";
  }
  if (!result->previous.empty()) {
    io.out << "the replaced database is kept as " << result->previous << "\n";
  }
  io.out << "start rapportd on " << options.db << " to serve it\n";
  return 0;
}

}  // namespace rapport::cli
