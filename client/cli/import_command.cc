#include "client/cli/import_command.h"

#include <algorithm>
#include <fstream>
#include <memory>
#include <optional>
#include <utility>

#include "absl/container/btree_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "client/cli/csv_reader.h"
#include "client/cli/format.h"
#include "client/cli/import_mapping.h"
#include "client/cli/ingest_command.h"
#include "client/cli/input.h"
#include "client/cli/json.h"
#include "client/cli/jsonl.h"
#include "client/cli/progress.h"
#include "client/cli/terminal_text.h"

namespace rapport::cli {
namespace {

using TaggedEvents = std::vector<std::pair<v1::Event, int64_t>>;

// The human summary lists this many rejections; --json lists them all.

// An export being read: the reader over the input, and the mapper bound to
// its header (the first record).
struct Export {
  std::unique_ptr<CsvReader> reader;
  std::optional<RowMapper> mapper;
};

absl::StatusOr<Export> OpenExport(Input& input,
                                  const config::v1::ImportMapping& mapping,
                                  const std::string& time_zone) {
  Export e;
  e.reader = std::make_unique<CsvReader>(&input.stream());
  CsvRecord header;
  if (!e.reader->Next(&header)) {
    if (!e.reader->status().ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(input.name(), ": ", e.reader->status().message()));
    }
    return absl::InvalidArgumentError(
        absl::StrCat(input.name(),
                     ": empty; the first line must be the "
                     "header"));
  }
  absl::StatusOr<RowMapper> mapper =
      RowMapper::Create(mapping, header.fields, time_zone);
  if (!mapper.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(input.name(), ": mapping ",
                                                   mapping.name(), ": ",
                                                   mapper.status().message()));
  }
  e.mapper.emplace(*std::move(mapper));
  return e;
}

// A stopped reader's error, naming the source.
absl::Status ReaderError(const Input& input, const CsvReader& reader) {
  return absl::Status(
      reader.status().code(),
      absl::StrCat(input.name(), ": ", reader.status().message()));
}

std::string Where(const RowProblem& p) {
  return p.column.empty()
             ? absl::StrCat("line ", p.line)
             : absl::StrCat("line ", p.line, ", column ", p.column);
}

// Pass one: maps every row, counts, reports the rows it cannot map, and
// collects the owners (and, for standard input, the events).
absl::Status Scan(Env& env, Input& input, const CsvImportOptions& options,
                  const config::v1::ImportMapping& mapping, MappingTally& tally,
                  absl::btree_map<std::string, std::string>& owners,
                  TaggedEvents* held) {
  absl::StatusOr<Export> e = OpenExport(input, mapping, options.time_zone);
  if (!e.ok()) return e.status();
  // Reading a large export takes a while too: count its rows on a terminal.
  Progress progress(env.io.err, env.io.err_is_terminal, "rows read");
  CsvRecord record;
  MappedRow row;
  while (e->reader->Next(&record)) {
    progress.Update(++tally.rows, 0);
    e->mapper->Map(record.fields, &row);
    switch (row.kind) {
      case MappedRow::Kind::kEvent:
        ++tally.events;
        if (options.create_members) {
          std::string& name = owners[row.event.member_id()];
          if (name.empty()) name = row.owner_name;
        }
        if (held != nullptr)
          held->emplace_back(std::move(row.event), record.line);
        break;
      case MappedRow::Kind::kSkipped:
        ++tally.skipped;
        ++tally.skipped_by_label[row.skip_label];
        break;
      case MappedRow::Kind::kRejected: {
        ++tally.rejected;
        progress.Done();
        RowProblem p{record.line, row.column, row.reason};
        env.io.err << input.name() << ": " << Where(p) << ": "
                   << TerminalSafe(p.reason) << "\n";
        if (tally.problems.size() < MappingTally::kMaxProblemsKept) {
          tally.problems.push_back(std::move(p));
        }
        break;
      }
    }
  }
  if (!e->reader->status().ok()) return ReaderError(input, *e->reader);
  return absl::OkStatus();
}

// Creates the owners that are not members yet; existing ones are untouched.
absl::Status CreateMembers(
    Env& env, const CsvImportOptions& options,
    const absl::btree_map<std::string, std::string>& owners,
    MappingTally& tally) {
  for (const auto& [member_id, name] : owners) {
    v1::GetMemberRequest get;
    get.set_member_id(member_id);
    v1::GetMemberResponse got;
    auto context = env.client.NewContext();
    const absl::Status found =
        FromGrpc(env.client.activity().GetMember(context.get(), get, &got));
    if (found.ok()) {
      ++tally.members_existing;
      continue;
    }
    if (!absl::IsNotFound(found)) return found;
    v1::UpsertMemberRequest upsert;
    v1::Member* m = upsert.mutable_member();
    m->set_member_id(member_id);
    m->set_display_name(name.empty() ? member_id : name);
    m->set_team(options.team);
    m->set_industry(options.industry);
    v1::UpsertMemberResponse created;
    context = env.client.NewContext();
    if (absl::Status s = FromGrpc(env.client.activity().UpsertMember(
            context.get(), upsert, &created));
        !s.ok()) {
      return absl::Status(s.code(), absl::StrCat("creating member ", member_id,
                                                 ": ", s.message()));
    }
    ++tally.members_created;
  }
  return absl::OkStatus();
}

// Pass two: sends the events, from the held ones or by reading the file
// again.
absl::Status Send(Input& input, const CsvImportOptions& options,
                  const config::v1::ImportMapping& mapping, TaggedEvents& held,
                  int64_t total, EventUploader& uploader, Progress& progress) {
  int64_t done = 0;
  auto add = [&](v1::Event event, int64_t line) {
    progress.Update(++done, total);
    return uploader.Add(std::move(event), line);
  };
  if (!input.rewindable()) {
    for (auto& [event, line] : held) {
      if (absl::Status s = add(std::move(event), line); !s.ok()) return s;
    }
    return uploader.Finish();
  }
  if (absl::Status s = input.Rewind(); !s.ok()) return s;
  absl::StatusOr<Export> e = OpenExport(input, mapping, options.time_zone);
  if (!e.ok()) return e.status();
  CsvRecord record;
  MappedRow row;
  while (e->reader->Next(&record)) {
    e->mapper->Map(record.fields, &row);
    if (row.kind != MappedRow::Kind::kEvent) continue;
    if (absl::Status s = add(std::move(row.event), record.line); !s.ok()) {
      return s;
    }
  }
  // The file was readable a moment ago; a change now is an error.
  if (!e->reader->status().ok()) return ReaderError(input, *e->reader);
  return uploader.Finish();
}

// Writes the mapped events as JSON lines (re-reading the file) instead of
// sending them.
absl::Status WriteEvents(Env& env, Input& input,
                         const CsvImportOptions& options,
                         const config::v1::ImportMapping& mapping,
                         TaggedEvents& held, const MappingTally& tally) {
  std::ofstream out(options.write_jsonl, std::ios::binary | std::ios::trunc);
  if (!out) {
    return absl::NotFoundError(
        absl::StrCat(options.write_jsonl, ": cannot be written"));
  }
  int64_t written = 0;
  if (!input.rewindable()) {
    for (const auto& [event, line] : held) {
      WriteJsonLine(event, out);
      ++written;
    }
  } else {
    if (absl::Status s = input.Rewind(); !s.ok()) return s;
    absl::StatusOr<Export> e = OpenExport(input, mapping, options.time_zone);
    if (!e.ok()) return e.status();
    CsvRecord record;
    MappedRow row;
    while (e->reader->Next(&record)) {
      e->mapper->Map(record.fields, &row);
      if (row.kind != MappedRow::Kind::kEvent) continue;
      WriteJsonLine(row.event, out);
      ++written;
    }
    if (!e->reader->status().ok()) return ReaderError(input, *e->reader);
  }
  out.flush();
  if (!out) {
    return absl::DataLossError(
        absl::StrCat(options.write_jsonl, ": writing failed"));
  }
  env.io.out << RenderImportSummary(input.name(), tally, UploadSummary(), true,
                                    env.json);
  env.io.err << "wrote " << FormatCount(written) << " events to "
             << options.write_jsonl << "\n";
  return absl::OkStatus();
}

std::string SkippedDetail(const MappingTally& t) {
  std::vector<std::string> parts;
  for (const auto& [label, n] : t.skipped_by_label) {
    parts.push_back(absl::StrCat(label, " ", FormatCount(n)));
  }
  return parts.empty() ? ""
                       : absl::StrCat("  (", absl::StrJoin(parts, ", "), ")");
}

}  // namespace

absl::Status RunCsvImport(Env& env, const CsvImportOptions& options) {
  absl::StatusOr<config::v1::ImportMapping> mapping =
      LoadImportMapping(options.mapping);
  if (!mapping.ok()) return mapping.status();
  absl::StatusOr<std::unique_ptr<Input>> input =
      Input::Open(options.path, env.io.in);
  if (!input.ok()) return input.status();
  // Standard input cannot be read twice: its events are held.
  const bool hold = !(*input)->rewindable() && !options.dry_run;
  MappingTally tally;
  absl::btree_map<std::string, std::string> owners;
  TaggedEvents held;
  if (absl::Status s = Scan(env, **input, options, *mapping, tally, owners,
                            hold ? &held : nullptr);
      !s.ok()) {
    return s;
  }
  const absl::Time start = absl::Now();
  if (options.dry_run) {
    env.io.out << RenderImportSummary((*input)->name(), tally, UploadSummary(),
                                      true, env.json);
    return absl::OkStatus();
  }
  if (!options.write_jsonl.empty()) {
    return WriteEvents(env, **input, options, *mapping, held, tally);
  }
  if (options.create_members) {
    if (absl::Status s = CreateMembers(env, options, owners, tally); !s.ok()) {
      return s;
    }
  }
  EventUploader uploader(env.client, options.upload);
  Progress progress(env.io.err, env.io.err_is_terminal, "events");
  const absl::Status status =
      Send(**input, options, *mapping, held, tally.events, uploader, progress);
  progress.Done();
  if (!status.ok()) {
    ReportStoppedUpload(env, uploader.summary());
    return status;
  }
  std::string summary = RenderImportSummary(
      (*input)->name(), tally, uploader.summary(), false, env.json);
  if (!env.json) {
    const double seconds = absl::ToDoubleSeconds(absl::Now() - start);
    absl::StrAppendFormat(
        &summary, "sent in %.1fs (%s events/s)\n", seconds,
        FormatCount(static_cast<int64_t>(
            seconds > 0 ? static_cast<double>(uploader.summary().sent) / seconds
                        : 0)));
  }
  env.io.out << summary;
  return absl::OkStatus();
}

std::string RenderImportSummary(const std::string& source,
                                const MappingTally& t, const UploadSummary& u,
                                bool dry_run, bool json) {
  const int64_t rejected = t.rejected + u.rejected;
  if (json) {
    std::vector<JsonObject> rows;
    for (const RowProblem& p : t.problems) {
      rows.push_back(JsonObject()
                         .Add("line", p.line)
                         .Add("column", p.column)
                         .Add("reason", p.reason));
    }
    std::vector<JsonObject> refused;
    for (const Rejection& r : u.rejections) {
      refused.push_back(JsonObject()
                            .Add("line", r.tag)
                            .Add("eventId", r.event_id)
                            .Add("field", r.field)
                            .Add("reason", r.reason));
    }
    JsonObject skipped;
    for (const auto& [label, n] : t.skipped_by_label) skipped.Add(label, n);
    return JsonObject()
               .Add("source", source)
               .Add("dryRun", dry_run)
               .Add("rows", t.rows)
               .Add("events", t.events)
               .Add("imported", u.accepted)
               .Add("duplicate", u.duplicate)
               .Add("conflicting", u.conflicting)
               .Add("skipped", t.skipped)
               .AddRaw("skippedByRule", skipped.ToString())
               .Add("rejected", rejected)
               .Add("membersCreated", t.members_created)
               .Add("membersExisting", t.members_existing)
               .AddObjects("unmappedRows", rows)
               .AddObjects("refusedEvents", refused)
               .ToString() +
           "\n";
  }
  std::string out = absl::StrFormat(
      "%s: %s rows, %s events%s\n", TerminalSafe(source), FormatCount(t.rows),
      FormatCount(t.events), dry_run ? " (dry run: nothing was sent)" : "");
  if (!dry_run) {
    absl::StrAppendFormat(&out,
                          "  imported     %s\n  duplicate    %s\n"
                          "  conflicting  %s\n",
                          FormatCount(u.accepted), FormatCount(u.duplicate),
                          FormatCount(u.conflicting));
  }
  absl::StrAppendFormat(&out, "  skipped      %s%s\n", FormatCount(t.skipped),
                        TerminalSafe(SkippedDetail(t)));
  absl::StrAppendFormat(&out,
                        "  rejected     %s  (%s rows not mapped, %s events "
                        "refused by the server)\n",
                        FormatCount(rejected), FormatCount(t.rejected),
                        FormatCount(u.rejected));
  if (t.members_created + t.members_existing > 0) {
    absl::StrAppendFormat(&out, "members: %s created, %s already there\n",
                          FormatCount(t.members_created),
                          FormatCount(t.members_existing));
  }
  absl::StrAppend(
      &out, RenderRejections(u.rejections, "line", "refused by the server"));
  return out;
}

}  // namespace rapport::cli
