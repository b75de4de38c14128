// The tables `rapport admin copy` moves between the SQLite and the
// PostgreSQL store: the columns both schemas share (SQLite's events.id and
// PostgreSQL's member change log are not shared), their keys, and the
// canonical text of a row that both sides' checksums are computed over.
#ifndef RAPPORT_SERVER_STORE_PG_PG_COPY_TABLES_H_
#define RAPPORT_SERVER_STORE_PG_PG_COPY_TABLES_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace rapport::store::pg::copy {

enum class ColumnType { kText, kInt, kReal };

struct Column {
  std::string name;
  ColumnType type;
};

struct TableSpec {
  std::string name;
  std::vector<Column> columns;
  // Indexes into `columns`: the key the verification reads rows in.
  std::vector<int> key;
};

// A row's values in the order of its table's columns, each in canonical
// text (integers in decimal, reals as "%.17g", which reads back exactly)
// or nullopt for NULL.
using Row = std::vector<std::optional<std::string>>;

// Every shared table, in an order that satisfies foreign keys (tenants
// before api_keys).
const std::vector<TableSpec>& CopiedTables();

// The canonical text of a real.
std::string RealText(double value);

// SHA-256 over a table's rows in key order: each value length-prefixed
// (NULL distinct from every text), each row terminated, so that two
// sequences of rows have the same digest only if they are equal.
class RowChecksum {
 public:
  RowChecksum();
  RowChecksum(const RowChecksum&) = delete;
  RowChecksum& operator=(const RowChecksum&) = delete;
  ~RowChecksum();

  void Add(const Row& row);
  // Lower-case hex; call once, after the last row.
  std::string Finish();

 private:
  void Update(absl::string_view bytes);

  struct State;
  State* state_;
};

}  // namespace rapport::store::pg::copy

#endif  // RAPPORT_SERVER_STORE_PG_PG_COPY_TABLES_H_
