// Where a string still occurs in a SQLite database: in any column of any row
// of any table (through SQLite), and in the raw bytes of the database file
// and its write-ahead log (free pages, freed cells, old page images).
#ifndef RAPPORT_TESTS_COMMON_DB_TRACE_H_
#define RAPPORT_TESTS_COMMON_DB_TRACE_H_

#include <sqlite3.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"

namespace rapport::testing {

// "table.column" for each cell holding `needle` as a substring (of its text
// or blob), over every table of the database at `path`. Opened read-only,
// so a running server may hold the database.
inline std::vector<std::string> CellsContaining(const std::string& path,
                                                const std::string& needle) {
  std::vector<std::string> found;
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) !=
      SQLITE_OK) {
    sqlite3_close(db);
    return {absl::StrCat("cannot open ", path)};
  }
  std::vector<std::string> tables;
  sqlite3_stmt* list = nullptr;
  sqlite3_prepare_v2(db,
                     "SELECT name FROM sqlite_master WHERE type = 'table' "
                     "AND name NOT LIKE 'sqlite_%'",
                     -1, &list, nullptr);
  while (sqlite3_step(list) == SQLITE_ROW) {
    tables.emplace_back(
        reinterpret_cast<const char*>(sqlite3_column_text(list, 0)));
  }
  sqlite3_finalize(list);
  for (const std::string& table : tables) {
    sqlite3_stmt* rows = nullptr;
    const std::string sql = absl::StrCat("SELECT * FROM \"", table, "\"");
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &rows, nullptr) != SQLITE_OK) {
      found.push_back(absl::StrCat("cannot read ", table));
      continue;
    }
    while (sqlite3_step(rows) == SQLITE_ROW) {
      for (int c = 0; c < sqlite3_column_count(rows); ++c) {
        const int type = sqlite3_column_type(rows, c);
        if (type != SQLITE_TEXT && type != SQLITE_BLOB) continue;
        const void* data = sqlite3_column_blob(rows, c);
        const int size = sqlite3_column_bytes(rows, c);
        const std::string cell(static_cast<const char*>(data),
                               static_cast<size_t>(size));
        if (cell.find(needle) != std::string::npos) {
          found.push_back(
              absl::StrCat(table, ".", sqlite3_column_name(rows, c)));
        }
      }
    }
    sqlite3_finalize(rows);
  }
  sqlite3_close(db);
  return found;
}

// The files among `path`, `path`-wal and `path`-journal whose bytes contain
// `needle`.
inline std::vector<std::string> FilesContaining(const std::string& path,
                                                const std::string& needle) {
  std::vector<std::string> found;
  for (const std::string& file : {path, path + "-wal", path + "-journal"}) {
    if (!std::filesystem::exists(file)) continue;
    std::ifstream in(file, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), {});
    if (bytes.find(needle) != std::string::npos) found.push_back(file);
  }
  return found;
}

}  // namespace rapport::testing

#endif  // RAPPORT_TESTS_COMMON_DB_TRACE_H_
