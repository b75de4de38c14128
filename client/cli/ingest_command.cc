#include "client/cli/ingest_command.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "client/cli/format.h"
#include "client/cli/input.h"
#include "client/cli/json.h"
#include "client/cli/jsonl.h"
#include "client/cli/progress.h"
#include "client/cli/terminal_text.h"

namespace rapport::cli {
namespace {

using TaggedEvents = std::vector<std::pair<rapport::v1::Event, int64_t>>;

// The human summary lists this many rejections; --json lists them all.
constexpr size_t kMaxRejectionsShown = 20;

// Pass two: sends the events, from the held ones or by re-reading the file.
absl::Status Send(Input& input, TaggedEvents& held, int64_t total,
                  EventUploader& uploader, Progress& progress) {
  int64_t done = 0;
  auto add = [&](rapport::v1::Event event, int64_t line) {
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
  JsonLinesReader reader(input.stream());
  rapport::v1::Event event;
  while (true) {
    absl::StatusOr<bool> next = reader.Next(&event);
    // The file was valid a moment ago; a change now is an error, not a skip.
    if (!next.ok()) return next.status();
    if (!*next) break;
    if (absl::Status s = add(std::move(event), reader.line()); !s.ok()) {
      return s;
    }
  }
  return uploader.Finish();
}

}  // namespace

absl::Status RunIngest(Env& env, const IngestOptions& options) {
  absl::StatusOr<std::unique_ptr<Input>> input =
      Input::Open(options.path, env.io.in);
  if (!input.ok()) return input.status();
  const bool hold = !(*input)->rewindable();
  TaggedEvents held;
  rapport::v1::Event scratch;
  absl::StatusOr<ScanResult> scan =
      ScanJsonLines((*input)->stream(), &scratch,
                    [&](google::protobuf::Message&, int64_t line) {
                      if (hold) held.emplace_back(std::move(scratch), line);
                    });
  if (!scan.ok()) return scan.status();
  if (scan->bad_lines > 0) {
    return ReportBadLines((*input)->name(), *scan, env.io.err);
  }
  const absl::Time start = absl::Now();
  EventUploader uploader(env.client, options.upload);
  Progress progress(env.io.err, env.io.err_is_terminal, "events");
  const absl::Status status =
      Send(**input, held, scan->messages, uploader, progress);
  progress.Done();
  const std::string summary =
      RenderUploadSummary((*input)->name(), uploader.summary(),
                          absl::Now() - start, "line", env.json);
  if (!status.ok()) {
    ReportStoppedUpload(env, uploader.summary());
    return status;
  }
  env.io.out << summary;
  return absl::OkStatus();
}

std::string RenderUploadSummary(const std::string& source,
                                const UploadSummary& s, absl::Duration elapsed,
                                const std::string& tag_name, bool json) {
  const double seconds = absl::ToDoubleSeconds(elapsed);
  const double rate = seconds > 0 ? static_cast<double>(s.sent) / seconds : 0;
  if (json) {
    std::vector<JsonObject> rejected;
    for (const Rejection& r : s.rejections) {
      rejected.push_back(JsonObject()
                             .Add(tag_name, r.tag)
                             .Add("eventId", r.event_id)
                             .Add("field", r.field)
                             .Add("reason", r.reason));
    }
    return JsonObject()
               .Add("source", source)
               .Add("events", s.sent)
               .Add("accepted", s.accepted)
               .Add("duplicate", s.duplicate)
               .Add("rejected", s.rejected)
               .Add("conflicting", s.conflicting)
               .AddStrings("conflictingEventIds", s.conflicting_event_ids)
               .Add("streams", s.streams)
               .Add("batches", s.batches)
               .AddDouble("elapsedSeconds", seconds)
               .AddDouble("eventsPerSecond", rate)
               .AddObjects("rejectedEvents", rejected)
               .ToString() +
           "\n";
  }
  std::string out = absl::StrFormat(
      "%s: %s events in %.1fs (%s events/s)\n"
      "  accepted     %s\n  duplicate    %s\n  conflicting  %s\n"
      "  rejected     %s\n",
      source, FormatCount(s.sent), seconds,
      FormatCount(static_cast<int64_t>(rate)), FormatCount(s.accepted),
      FormatCount(s.duplicate), FormatCount(s.conflicting),
      FormatCount(s.rejected));
  if (!s.conflicting_event_ids.empty()) {
    const size_t shown =
        std::min(s.conflicting_event_ids.size(), kMaxRejectionsShown);
    absl::StrAppend(
        &out,
        "event ids sent again with another payload (nothing was changed): ",
        absl::StrJoin(s.conflicting_event_ids.begin(),
                      s.conflicting_event_ids.begin() + shown, ", "),
        shown < s.conflicting_event_ids.size() ? ", ..." : "", "\n");
  }
  if (s.rejections.empty()) return out;
  absl::StrAppend(&out,
                  RenderRejections(s.rejections, tag_name, "rejected events"));
  const int64_t unlisted =
      s.rejected - static_cast<int64_t>(s.rejections.size());
  if (unlisted > 0) {
    absl::StrAppend(&out, "(", FormatCount(unlisted),
                    " more rejected events were not listed by the server)\n");
  }
  return out;
}

std::string RenderRejections(const std::vector<Rejection>& rejections,
                             const std::string& tag_name,
                             const std::string& heading) {
  if (rejections.empty()) return "";
  Table table({{absl::AsciiStrToUpper(tag_name), true},
               {"EVENT"},
               {"FIELD"},
               {"REASON"}});
  const size_t shown = std::min(rejections.size(), kMaxRejectionsShown);
  for (size_t i = 0; i < shown; ++i) {
    const Rejection& r = rejections[i];
    table.AddRow({r.tag >= 0 ? absl::StrCat(r.tag) : "?",
                  TerminalSafe(r.event_id), TerminalSafe(r.field),
                  TerminalSafe(r.reason)});
  }
  std::string out = absl::StrCat(heading, ":\n", table.Render());
  if (shown < rejections.size()) {
    absl::StrAppend(&out, "(", FormatCount(rejections.size() - shown),
                    " more listed with --json)\n");
  }
  return out;
}

void ReportStoppedUpload(Env& env, const UploadSummary& summary) {
  env.io.err << "stopped after sending " << FormatCount(summary.sent)
             << " events; " << FormatCount(summary.acknowledged)
             << " were acknowledged and stay committed\n";
}

}  // namespace rapport::cli
