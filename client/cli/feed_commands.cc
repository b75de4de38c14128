#include "client/cli/feed_commands.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"
#include "client/cli/format.h"
#include "client/cli/json.h"
#include "client/cli/terminal_text.h"
#include "csv.h"
#include "rapport/v1/activity.pb.h"

namespace rapport::cli {
namespace {

constexpr int kExportPageSize = 1000;  // ListMembers' and BatchGetScores' max.

absl::StatusOr<std::string> ReadCursorFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    if (!std::filesystem::exists(path)) return std::string();  // First run.
    return absl::UnavailableError(absl::StrCat("cannot read ", path));
  }
  std::stringstream text;
  text << in.rdbuf();
  return std::string(absl::StripAsciiWhitespace(text.str()));
}

// Replaces `path` with `cursor` through a temporary file and a rename, so
// that a crash leaves the old cursor or the new one, never half of one.
absl::Status WriteCursorFile(const std::string& path,
                             const std::string& cursor) {
  const std::string temp = absl::StrCat(path, ".tmp");
  {
    std::ofstream out(temp, std::ios::trunc);
    out << cursor << "\n";
    out.flush();
    if (!out)
      return absl::UnavailableError(absl::StrCat("cannot write ", temp));
  }
  std::error_code error;
  std::filesystem::rename(temp, path, error);
  if (error) {
    return absl::UnavailableError(
        absl::StrCat("cannot replace ", path, ": ", error.message()));
  }
  return absl::OkStatus();
}

std::string PillarsText(
    const google::protobuf::RepeatedPtrField<rapport::v1::PillarValue>& p) {
  std::string text;
  for (const rapport::v1::PillarValue& v : p) {
    absl::StrAppend(&text, text.empty() ? "" : " ",
                    absl::StrFormat("%.1f", v.value()));
  }
  return text;
}

void PrintChange(Env& env, const rapport::v1::ScoreChange& change) {
  if (env.json) {
    env.io.out << ToJson(change) << "\n";
    return;
  }
  const std::string before =
      change.has_previous_ssi()
          ? absl::StrFormat("%5.1f -> ", change.previous_ssi())
          : std::string("  new -> ");
  env.io.out << TerminalSafe(change.member_id()) << "  "
             << TerminalSafe(change.team()) << "  " << before
             << absl::StrFormat("%5.1f", change.ssi()) << "  pillars "
             << PillarsText(change.pillars()) << "  at "
             << FormatTimestamp(change.change_time()) << "\n";
}

std::string Number(double value) { return absl::StrFormat("%.2f", value); }

std::string RankText(const rapport::v1::Rank& rank) {
  if (rank.withheld() || rank.rank() == 0) return "";
  return absl::StrCat(rank.rank());
}

}  // namespace

absl::Status RunChanges(Env& env, const ChangesOptions& options) {
  if (!options.cursor.empty() && !options.cursor_file.empty()) {
    return absl::InvalidArgumentError(
        "give --cursor or --cursor_file, not both");
  }
  std::string cursor = options.cursor;
  if (!options.cursor_file.empty()) {
    absl::StatusOr<std::string> read = ReadCursorFile(options.cursor_file);
    if (!read.ok()) return read.status();
    cursor = *std::move(read);
  }
  int64_t changes = 0;
  while (true) {
    rapport::v1::ListScoreChangesRequest request;
    request.set_cursor(cursor);
    request.set_team(options.team);
    request.set_page_size(options.page_size);
    rapport::v1::ListScoreChangesResponse response;
    auto context = env.client.NewContext();
    absl::Status s = FromGrpc(env.client.scoring().ListScoreChanges(
        context.get(), request, &response));
    if (!s.ok()) return s;
    for (const rapport::v1::ScoreChange& change : response.changes()) {
      PrintChange(env, change);
    }
    changes += response.changes_size();
    cursor = response.next_cursor();
    if (!response.has_more()) break;
  }
  if (!options.cursor_file.empty()) {
    if (absl::Status s = WriteCursorFile(options.cursor_file, cursor);
        !s.ok()) {
      return s;
    }
  }
  if (env.json) {
    env.io.out << JsonObject()
                      .Add("changes", changes)
                      .Add("next_cursor", cursor)
                      .ToString()
               << "\n";
  } else {
    env.io.out << FormatCount(changes) << " changes; next cursor: " << cursor
               << "\n";
  }
  return absl::OkStatus();
}

const std::vector<std::string>& ExportColumns() {
  static const auto* const kColumns = new std::vector<std::string>{
      "member_id",     "display_name",  "team",      "industry",
      "ssi",           "brand",         "find",      "engage",
      "relationships", "industry_rank", "team_rank", "change_7d"};
  return *kColumns;
}

std::string CsvRecord(const std::vector<std::string>& fields) {
  std::string record;
  for (size_t i = 0; i < fields.size(); ++i) {
    const std::string& field = fields[i];
    // libcsv's csv_write quotes the field and doubles its quotes; it
    // returns the size it needs, at most 2 * size + 2.
    std::string quoted(2 * field.size() + 2, '\0');
    const size_t n =
        csv_write(quoted.data(), quoted.size(), field.data(), field.size());
    quoted.resize(n);
    absl::StrAppend(&record, i == 0 ? "" : ",", quoted);
  }
  absl::StrAppend(&record, "\r\n");
  return record;
}

absl::Status RunExportScores(Env& env, const ExportOptions& options) {
  if (options.format != "csv") {
    return absl::InvalidArgumentError(
        absl::StrCat("--format=", options.format, ": only csv is supported"));
  }
  std::ofstream file;
  const bool to_stdout = options.output.empty() || options.output == "-";
  if (!to_stdout) {
    file.open(options.output, std::ios::trunc | std::ios::binary);
    if (!file) {
      return absl::UnavailableError(
          absl::StrCat("cannot write ", options.output));
    }
  }
  std::ostream& out = to_stdout ? env.io.out : file;
  out << CsvRecord(ExportColumns());
  std::string page_token;
  int64_t rows = 0;
  do {
    rapport::v1::ListMembersRequest list;
    list.set_team(options.team);
    list.set_page_size(kExportPageSize);
    list.set_page_token(page_token);
    rapport::v1::ListMembersResponse members;
    auto list_context = env.client.NewContext();
    absl::Status s = FromGrpc(
        env.client.activity().ListMembers(list_context.get(), list, &members));
    if (!s.ok()) return s;
    page_token = members.next_page_token();
    if (members.members().empty()) continue;
    rapport::v1::BatchGetScoresRequest batch;
    for (const rapport::v1::Member& m : members.members()) {
      batch.add_member_ids(m.member_id());
    }
    rapport::v1::BatchGetScoresResponse scores;
    auto score_context = env.client.NewContext();
    s = FromGrpc(env.client.scoring().BatchGetScores(score_context.get(), batch,
                                                     &scores));
    if (!s.ok()) return s;
    std::map<std::string, const rapport::v1::Score*> by_id;
    for (const rapport::v1::Score& score : scores.scores()) {
      by_id[score.member_id()] = &score;
    }
    for (const rapport::v1::Member& m : members.members()) {
      auto found = by_id.find(m.member_id());
      if (found == by_id.end()) continue;  // Deleted since it was listed.
      const rapport::v1::Score& score = *found->second;
      std::vector<std::string> fields = {m.member_id(), m.display_name(),
                                         m.team(), m.industry(),
                                         Number(score.total())};
      for (const rapport::v1::PillarScore& p : score.pillars()) {
        fields.push_back(Number(p.score()));
      }
      fields.resize(9);  // Four pillars, whatever the server sent.
      fields.push_back(RankText(score.industry_rank()));
      fields.push_back(RankText(score.network_rank()));
      fields.push_back(Number(score.change_7d()));
      out << CsvRecord(fields);
      ++rows;
    }
  } while (!page_token.empty());
  out.flush();
  if (!out) return absl::UnavailableError("cannot write the export");
  if (!to_stdout) {
    env.io.err << "exported " << FormatCount(rows) << " members to "
               << options.output << "\n";
  }
  return absl::OkStatus();
}

}  // namespace rapport::cli
