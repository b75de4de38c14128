// Import mappings (rapport.config.v1.ImportMapping): loading one by name or
// from a file, checking it, and mapping the rows of a CSV export through it
// into rapport.v1.Event.
#ifndef RAPPORT_CLIENT_CLI_IMPORT_MAPPING_H_
#define RAPPORT_CLIENT_CLI_IMPORT_MAPPING_H_

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "rapport/config/v1/import_mapping.pb.h"
#include "rapport/v1/activity.pb.h"

namespace rapport::cli {

// The names of the mappings built into the CLI, sorted.
std::vector<std::string> BuiltinMappingNames();

// The text of a built-in mapping (a textproto with its comments), to print
// as the start of a custom one. NOT_FOUND naming the built-in names.
absl::StatusOr<std::string> BuiltinMappingText(const std::string& name);

// A built-in mapping by name, or else a mapping file (".textproto",
// ".txtpb" or ".json"), parsed and checked. NOT_FOUND for a name that is
// neither; INVALID_ARGUMENT "<source>: <reason>" for a file that does not
// parse or a mapping CheckImportMapping refuses.
absl::StatusOr<config::v1::ImportMapping> LoadImportMapping(
    const std::string& name_or_path);

// OK, or INVALID_ARGUMENT naming the first field a mapping cannot work
// without: event_id, member.column, occur_time.column, a type rule without
// a type (unless it skips), a condition without columns or match, an
// unknown time zone, a lookup entry without owner or member_id.
absl::Status CheckImportMapping(const config::v1::ImportMapping& mapping);

// What a row became.
struct MappedRow {
  enum class Kind { kEvent, kSkipped, kRejected };
  Kind kind = Kind::kRejected;
  // kEvent: the event, with the owner's display name (empty when the
  // mapping has none).
  v1::Event event;
  std::string owner_name;
  // kSkipped: the label of the rule that skipped it ("unmatched" for a row
  // no rule matched when the mapping skips those).
  std::string skip_label;
  // kRejected: the header of the column at fault (empty for the row as a
  // whole) and why.
  std::string column;
  std::string reason;
};

// A mapping bound to a file's header. Immutable after Create; Map is
// thread-compatible.
class RowMapper {
 public:
  // Binds `mapping` (checked) to `header`. `time_zone`, when not empty,
  // replaces the mapping's. INVALID_ARGUMENT "the file has no column <names>
  // for <field>" when the header lacks every column of event_id, the member
  // or occur_time; INVALID_ARGUMENT for an unknown time zone.
  static absl::StatusOr<RowMapper> Create(
      const config::v1::ImportMapping& mapping,
      const std::vector<std::string>& header, const std::string& time_zone);

  // Maps one record's fields (in the header's order) into `out` (reset
  // first).
  void Map(const std::vector<std::string>& fields, MappedRow* out) const;

 private:
  // A Column bound to the header: (field index, header name) of each name
  // found, in the mapping's order; `first_name` names it in messages.
  struct BoundColumn {
    std::vector<std::pair<int, std::string>> present;
    std::string first_name;
  };
  struct Cell {
    absl::string_view value;              // Trimmed; empty when absent.
    const std::string* column = nullptr;  // The header holding it.
  };
  struct BoundCondition {
    BoundColumn column;
    config::v1::Match match;
    std::vector<std::string> values;
    bool negate;
  };
  struct BoundRule {
    std::vector<BoundCondition> when;
    config::v1::TypeRule rule;
  };

  RowMapper() = default;
  BoundColumn Bind(const config::v1::Column& column) const;
  static Cell Value(const BoundColumn& column,
                    const std::vector<std::string>& fields);
  bool Reject(const BoundColumn& column, const Cell& cell, std::string reason,
              MappedRow* out) const;

  config::v1::ImportMapping mapping_;
  absl::flat_hash_map<std::string, int> header_index_;  // Lower-case names.
  size_t field_count_ = 0;
  absl::TimeZone zone_;
  std::vector<std::string> time_formats_;
  // Lower-case owner to its lookup entry.
  absl::flat_hash_map<std::string, config::v1::MemberLookup> lookup_;
  BoundColumn event_id_, member_, member_name_, occur_time_, contact_id_,
      title_, industry_, region_, thread_;
  std::vector<BoundRule> rules_;
};

}  // namespace rapport::cli

#endif  // RAPPORT_CLIENT_CLI_IMPORT_MAPPING_H_
