// The config files an operator or an integrator writes, as JSON or
// textproto: the scoring model (--model_config), the auth config
// (--auth_config) and `rapport import`'s mapping files. The first byte
// picks the file kind (bits 0-1) and the format (bit 2); the rest is the
// file's text. Each is parsed and checked as its loader does:
//   scoring model: ParseScoringModel (parse, convert, ValidateModel), and a
//     model accepted must print (ScoringModelToJson) to a file that loads
//     again;
//   auth config: ParseConfigText, ValidateAuthConfig;
//   import mapping: ParseConfigText, CheckImportMapping, then RowMapper
//     bound to a header made of the mapping's own column names, mapping a
//     row of sample values.
// Every refusal must be INVALID_ARGUMENT: a bad file is the operator's to
// fix, never a crash or an internal error.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "client/cli/import_mapping.h"
#include "rapport/config/v1/auth.pb.h"
#include "rapport/config/v1/import_mapping.pb.h"
#include "server/auth/auth_config.h"
#include "server/config/config_file.h"
#include "server/scoring/config/loader.h"
#include "tests/fuzz/fuzz_util.h"

namespace rapport::fuzz {
namespace {

void ScoringModel(absl::string_view text, config::ConfigFormat format) {
  auto model = scoring::ParseScoringModel(text, format, "model");
  ExpectCodeIn(model.status(), {absl::StatusCode::kInvalidArgument},
               "ParseScoringModel");
  if (!model.ok()) return;
  const std::string json = scoring::ScoringModelToJson(*model);
  auto again =
      scoring::ParseScoringModel(json, config::ConfigFormat::kJson, "printed");
  if (!again.ok()) Fail("a printed model does not load", again.status());
}

void AuthConfig(absl::string_view text, config::ConfigFormat format) {
  config::v1::AuthConfig auth;
  const absl::Status parsed = config::ParseConfigText(text, format, auth);
  ExpectCodeIn(parsed, {absl::StatusCode::kInvalidArgument},
               "ParseConfigText(AuthConfig)");
  if (!parsed.ok()) return;
  ExpectCodeIn(auth::ValidateAuthConfig(auth),
               {absl::StatusCode::kInvalidArgument}, "ValidateAuthConfig");
}

// The header names a mapping's columns mention, so that RowMapper::Create
// finds them.
std::vector<std::string> HeaderOf(const config::v1::ImportMapping& mapping) {
  std::vector<std::string> header;
  auto add = [&](const config::v1::Column& column) {
    for (const std::string& name : column.names()) {
      if (header.size() < 64) header.push_back(name);
    }
  };
  add(mapping.event_id());
  add(mapping.member().column());
  add(mapping.member().display_name());
  add(mapping.occur_time().column());
  add(mapping.contact().id());
  add(mapping.contact().title());
  for (const config::v1::TypeRule& rule : mapping.type_rules()) {
    for (const config::v1::Condition& c : rule.when()) add(c.column());
  }
  return header;
}

void ImportMapping(absl::string_view text, config::ConfigFormat format) {
  config::v1::ImportMapping mapping;
  const absl::Status parsed = config::ParseConfigText(text, format, mapping);
  ExpectCodeIn(parsed, {absl::StatusCode::kInvalidArgument},
               "ParseConfigText(ImportMapping)");
  if (!parsed.ok()) return;
  const absl::Status checked = cli::CheckImportMapping(mapping);
  ExpectCodeIn(checked, {absl::StatusCode::kInvalidArgument},
               "CheckImportMapping");
  if (!checked.ok()) return;
  const std::vector<std::string> header = HeaderOf(mapping);
  auto mapper = cli::RowMapper::Create(mapping, header, "");
  ExpectCodeIn(mapper.status(), {absl::StatusCode::kInvalidArgument},
               "RowMapper::Create");
  if (!mapper.ok()) return;
  const std::vector<std::string> samples = {
      "e-1", "rep@example.com", "2025-06-01T10:00:00Z", "Call",
      "",    "VP Sales",        "3/5/24 2:22 PM",       "yes"};
  std::vector<std::string> row;
  for (size_t i = 0; i < header.size(); ++i) {
    row.push_back(samples[i % samples.size()]);
  }
  cli::MappedRow out;
  mapper->Map(row, &out);
  row.resize(row.size() / 2);  // A short row.
  mapper->Map(row, &out);
}

}  // namespace
}  // namespace rapport::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace rapport::fuzz;  // NOLINT: the entry point is global.
  if (size == 0) return 0;
  const absl::string_view text(reinterpret_cast<const char*>(data + 1),
                               size - 1);
  const auto format = (data[0] & 4) != 0
                          ? rapport::config::ConfigFormat::kJson
                          : rapport::config::ConfigFormat::kTextproto;
  switch (data[0] & 3) {
    case 0:
      ScoringModel(text, format);
      break;
    case 1:
      AuthConfig(text, format);
      break;
    default:
      ImportMapping(text, format);
      break;
  }
  return 0;
}
