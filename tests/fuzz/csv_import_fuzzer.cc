// `rapport import --format=csv`: a CRM export read by CsvReader and mapped
// row by row through an import mapping (client/cli/import_mapping.h,
// import_rules.h). The first byte picks the built-in mapping (and a time
// zone); the rest is the CSV file, its first record the header. Checks:
//   - CsvReader stops only with INVALID_ARGUMENT naming a line; records
//     start on increasing lines and no field is over kMaxFieldBytes;
//   - RowMapper::Create refuses a header with INVALID_ARGUMENT;
//   - a row becomes an event with an event_id, a member_id, a type and an
//     occur_time, or is skipped with a label, or is rejected with a
//     reason.
// The single-value rules are fuzzed on the cells too: ParseCellTime under
// the default formats, SeniorityOfTitle, MemberIdOfOwner, MatchesCell.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/time/time.h"
#include "client/cli/csv_reader.h"
#include "client/cli/import_mapping.h"
#include "client/cli/import_rules.h"
#include "tests/fuzz/fuzz_util.h"

namespace rapport::fuzz {
namespace {

const std::vector<config::v1::ImportMapping>& Mappings() {
  static const auto* const mappings = [] {
    auto* list = new std::vector<config::v1::ImportMapping>;
    for (const std::string& name : cli::BuiltinMappingNames()) {
      auto mapping = cli::LoadImportMapping(name);
      if (!mapping.ok())
        Fail("a built-in mapping does not load", mapping.status());
      list->push_back(*std::move(mapping));
    }
    return list;
  }();
  return *mappings;
}

void CheckMapped(const cli::MappedRow& row) {
  switch (row.kind) {
    case cli::MappedRow::Kind::kEvent:
      Check(!row.event.event_id().empty(), "an event without event_id");
      Check(!row.event.member_id().empty(), "an event without member_id");
      Check(row.event.type() != v1::EVENT_TYPE_UNSPECIFIED,
            "an event without a type");
      Check(row.event.has_occur_time(), "an event without occur_time");
      break;
    case cli::MappedRow::Kind::kSkipped:
      Check(!row.skip_label.empty(), "a skipped row without a label");
      break;
    case cli::MappedRow::Kind::kRejected:
      Check(!row.reason.empty(), "a rejected row without a reason");
      break;
  }
}

void Cells(const std::vector<std::string>& fields) {
  static const absl::TimeZone zone = [] {
    absl::TimeZone z;
    absl::LoadTimeZone("America/New_York", &z);
    return z;
  }();
  const google::protobuf::RepeatedPtrField<config::v1::SeniorityRule>& rules =
      Mappings().front().contact().seniority_rules();
  for (size_t i = 0; i < fields.size() && i < 8; ++i) {
    const std::string& cell = fields[i];
    auto t = cli::ParseCellTime(cell, cli::DefaultTimeFormats(), zone);
    ExpectCodeIn(t.status(), {absl::StatusCode::kInvalidArgument},
                 "ParseCellTime");
    (void)cli::SeniorityOfTitle(cell, rules, v1::SENIORITY_UNSPECIFIED);
    for (auto form : {config::v1::MEMBER_ID_FORM_LOWERCASE,
                      config::v1::MEMBER_ID_FORM_SLUG}) {
      (void)cli::MemberIdOfOwner(cell, form);
    }
    (void)cli::MatchesCell(cell, config::v1::MATCH_CONTAINS, fields);
  }
}

void Import(const config::v1::ImportMapping& mapping,
            const std::string& time_zone, const std::string& csv) {
  std::istringstream in(csv);
  cli::CsvReader reader(&in);
  cli::CsvRecord record;
  std::optional<cli::RowMapper> mapper;
  int64_t last_line = 0;
  cli::MappedRow out;
  while (reader.Next(&record)) {
    Check(record.line > last_line, "records out of line order");
    last_line = record.line;
    for (const std::string& field : record.fields) {
      Check(field.size() <= cli::CsvReader::kMaxFieldBytes, "a field too long");
    }
    Cells(record.fields);
    if (!mapper.has_value()) {
      auto created = cli::RowMapper::Create(mapping, record.fields, time_zone);
      ExpectCodeIn(created.status(), {absl::StatusCode::kInvalidArgument},
                   "RowMapper::Create");
      if (!created.ok()) return;
      mapper.emplace(*std::move(created));
      continue;
    }
    mapper->Map(record.fields, &out);
    CheckMapped(out);
  }
  ExpectCodeIn(reader.status(), {absl::StatusCode::kInvalidArgument},
               "CsvReader");
  if (!reader.status().ok()) {
    Check(absl::StrContains(reader.status().message(), "line"),
          "a CSV error that names no line");
  }
  Check(reader.bytes_read() <= static_cast<int64_t>(csv.size()), "bytes read");
}

}  // namespace
}  // namespace rapport::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace rapport::fuzz;  // NOLINT: the entry point is global.
  if (size == 0) return 0;
  const auto& mappings = Mappings();
  const auto& mapping = mappings[data[0] % mappings.size()];
  const std::string time_zone = (data[0] & 0x80) != 0 ? "Europe/Berlin" : "";
  Import(mapping, time_zone,
         std::string(reinterpret_cast<const char*>(data + 1), size - 1));
  return 0;
}
