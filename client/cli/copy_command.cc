#include "client/cli/copy_command.h"

#include "absl/status/statusor.h"
#include "absl/strings/str_format.h"
#include "server/store/pg/pg_copy.h"

namespace rapport::cli {

int RunCopy(Io& io, const CopyCommandOptions& options) {
  store::pg::CopyOptions copy;
  copy.from = options.from;
  copy.to = options.to;
  copy.progress = &io.err;
  absl::StatusOr<store::pg::CopyReport> report = store::pg::CopyDatabase(copy);
  if (!report.ok()) {
    PrintError(report.status(), io.err);
    return absl::IsAborted(report.status()) ? kCopyDatabaseInUse : 1;
  }
  io.out << absl::StrFormat("%-18s %12s %12s  %s\n", "table", "rows", "copied",
                            "checksum");
  for (const store::pg::TableCopy& t : report->tables) {
    io.out << absl::StrFormat("%-18s %12d %12d  %s\n", t.table, t.source_rows,
                              t.destination_rows, t.ok() ? "ok" : "MISMATCH");
  }
  if (!report->committed) {
    io.err << "error: the copy read back differs from the source; nothing "
              "was kept in the destination\n";
    return kCopyMismatch;
  }
  io.out << "copied and verified; start rapportd with --db on the "
            "destination to serve it\n";
  return 0;
}

}  // namespace rapport::cli
