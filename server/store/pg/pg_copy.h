// Copying a whole Rapport database between the SQLite store and the
// PostgreSQL store, in either direction (`rapport admin copy`), offline:
// every rapportd of either database stopped.
//
// The destination gets the store's schema and must be empty. Every table
// the two schemas share is copied in batches in one transaction on the
// destination; SQLite's event numbers and PostgreSQL's member change log
// are not shared (the destination's change counters are left as they are,
// so they never go backwards). Audit entries keep their ids, and the
// destination numbers new ones after them. Before committing, each table is
// read back on both sides, in key order, and its row count and a SHA-256 of
// its rows' canonical text compared; on any mismatch the destination is
// rolled back (a SQLite file the copy created is removed).
#ifndef RAPPORT_SERVER_STORE_PG_PG_COPY_H_
#define RAPPORT_SERVER_STORE_PG_PG_COPY_H_

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace rapport::store::pg {

struct CopyOptions {
  // A SQLite database file, or a postgresql:// URI.
  std::string from;
  std::string to;
  // Rows written per statement batch; >= 1.
  int batch_rows = 5000;
  // Progress lines; none when null.
  std::ostream* progress = nullptr;
};

struct TableCopy {
  std::string table;
  int64_t source_rows = 0;
  int64_t destination_rows = 0;
  std::string source_checksum;  // Lower-case hex SHA-256.
  std::string destination_checksum;

  bool ok() const {
    return source_rows == destination_rows && !source_checksum.empty() &&
           source_checksum == destination_checksum;
  }
};

struct CopyReport {
  std::vector<TableCopy> tables;
  bool committed = false;  // False when verification failed.
};

// Copies and verifies. An OK result whose `committed` is false means the
// read-back differed (the report says where) and nothing was kept.
// INVALID_ARGUMENT naming --from/--to for a missing or unreadable source,
// the same database on both sides or a bad option; FAILED_PRECONDITION
// when the destination is not empty (naming the tables that hold rows) or
// the source's schema is not this build's; ABORTED when a SQLite database
// is in use by a server; UNAVAILABLE when PostgreSQL cannot be reached;
// otherwise the store's errors, with the destination rolled back.
absl::StatusOr<CopyReport> CopyDatabase(const CopyOptions& options);

// Each copied table's row count and checksum, as the copy computes them,
// read in one transaction (the database locked as by a copy from it).
absl::StatusOr<std::vector<TableCopy>> ChecksumDatabase(const std::string& db);

}  // namespace rapport::store::pg

#endif  // RAPPORT_SERVER_STORE_PG_PG_COPY_H_
