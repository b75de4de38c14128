#include "client/cli/linkedin_import.h"

#include <algorithm>
#include <map>
#include <memory>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "client/cli/format.h"
#include "client/cli/ingest_command.h"
#include "client/cli/json.h"
#include "client/cli/linkedin_archive.h"
#include "client/cli/progress.h"
#include "client/cli/terminal_text.h"

namespace rapport::cli {
namespace {

using rapport::v1::Profile;

// The human report lists this many refused rows and rejections; --json
// lists them all.
constexpr size_t kMaxListed = 20;

std::map<std::string, int64_t> EventsByType(const LinkedInConversion& c) {
  std::map<std::string, int64_t> out;
  for (const LinkedInEvent& e : c.events) {
    ++out[rapport::v1::EventType_Name(e.event.type())];
  }
  return out;
}

std::string ProfileJson(const Profile& p) {
  JsonObject o;
  const auto* d = Profile::descriptor();
  const auto* r = Profile::GetReflection();
  for (int i = 0; i < d->field_count(); ++i) {
    const auto* f = d->field(i);
    if (f->type() == google::protobuf::FieldDescriptor::TYPE_BOOL) {
      o.Add(f->json_name(), r->GetBool(p, f));
    } else {
      o.Add(f->json_name(), static_cast<int64_t>(r->GetInt32(p, f)));
    }
  }
  return o.ToString();
}

// With `dry_run` the member was not read: the fields the archive lacks are
// named without values.
std::string ProfileText(const Profile& p, const LinkedInConversion& c,
                        bool dry_run) {
  std::vector<std::string> from_archive;
  std::vector<std::string> kept;
  const auto* d = Profile::descriptor();
  const auto* r = Profile::GetReflection();
  for (int i = 0; i < d->field_count(); ++i) {
    const auto* f = d->field(i);
    const std::string value =
        f->type() == google::protobuf::FieldDescriptor::TYPE_BOOL
            ? (r->GetBool(p, f) ? "yes" : "no")
            : absl::StrCat(r->GetInt32(p, f));
    const std::string item = absl::StrCat(f->name(), " ", value);
    if (std::find(c.profile_fields.begin(), c.profile_fields.end(),
                  f->number()) != c.profile_fields.end()) {
      from_archive.push_back(item);
    } else {
      kept.push_back(dry_run ? f->name() : item);
    }
  }
  return absl::StrCat(
      "profile from the archive: ",
      from_archive.empty() ? "nothing" : absl::StrJoin(from_archive, ", "),
      dry_run ? "\nprofile fields the member keeps: "
              : "\nprofile kept as it was: ",
      kept.empty() ? "nothing" : absl::StrJoin(kept, ", "), "\n");
}

std::string RenderJson(const LinkedInImportOptions& options,
                       const LinkedInConversion& c, const Profile& profile,
                       const UploadSummary* upload) {
  std::vector<JsonObject> used, ignored, bad, rejected;
  for (const LinkedInFileReport& f : c.files) {
    if (f.used) {
      used.push_back(JsonObject()
                         .Add("file", f.file)
                         .Add("feeds", f.feeds)
                         .Add("rows", f.rows)
                         .Add("events", f.events)
                         .Add("skipped", f.skipped)
                         .Add("bad", f.bad));
    } else {
      ignored.push_back(
          JsonObject().Add("file", f.file).Add("reason", f.reason));
    }
  }
  for (const LinkedInRowProblem& p : c.problems) {
    bad.push_back(JsonObject()
                      .Add("file", p.file)
                      .Add("line", p.line)
                      .Add("reason", p.reason));
  }
  JsonObject by_type;
  for (const auto& [type, n] : EventsByType(c)) by_type.Add(type, n);
  JsonObject o;
  o.Add("source", options.path)
      .Add("memberId", options.member_id)
      .Add("dryRun", upload == nullptr)
      .AddObjects("filesUsed", used)
      .AddObjects("filesIgnored", ignored)
      .Add("badRows", static_cast<int64_t>(c.problems.size()))
      .AddObjects("badRowList", bad)
      .AddRaw("profile", ProfileJson(profile))
      .Add("events", static_cast<int64_t>(c.events.size()))
      .AddRaw("eventsByType", by_type.ToString());
  if (upload != nullptr) {
    for (const Rejection& r : upload->rejections) {
      const bool known =
          r.tag >= 0 && r.tag < static_cast<int64_t>(c.events.size());
      rejected.push_back(JsonObject()
                             .Add("file", known ? c.events[r.tag].file : "")
                             .Add("line", known ? c.events[r.tag].line : 0)
                             .Add("eventId", r.event_id)
                             .Add("field", r.field)
                             .Add("reason", r.reason));
    }
    o.Add("accepted", upload->accepted)
        .Add("duplicate", upload->duplicate)
        .Add("conflicting", upload->conflicting)
        .Add("rejected", upload->rejected)
        .AddObjects("rejectedEvents", rejected);
  }
  return o.ToString() + "\n";
}

std::string RenderText(const LinkedInImportOptions& options,
                       const LinkedInConversion& c, const Profile& profile,
                       const UploadSummary* upload) {
  std::string out =
      absl::StrCat("LinkedIn archive ", TerminalSafe(options.path),
                   " for member ", TerminalSafe(options.member_id),
                   upload == nullptr ? " (dry run: nothing sent)" : "", "\n");
  Table used({{"FILE"},
              {"ROWS", true},
              {"EVENTS", true},
              {"SKIPPED", true},
              {"BAD", true},
              {"FEEDS"}});
  Table ignored({{"FILE"}, {"REASON"}});
  for (const LinkedInFileReport& f : c.files) {
    if (f.used) {
      used.AddRow({TerminalSafe(f.file), FormatCount(f.rows),
                   FormatCount(f.events), FormatCount(f.skipped),
                   FormatCount(f.bad), f.feeds});
    } else {
      ignored.AddRow({TerminalSafe(f.file), TerminalSafe(f.reason)});
    }
  }
  absl::StrAppend(&out, "files used:\n",
                  used.empty() ? "  none\n" : used.Render());
  if (!ignored.empty()) {
    absl::StrAppend(&out, "files ignored:\n", ignored.Render());
  }
  if (!c.problems.empty()) {
    Table bad({{"FILE"}, {"LINE", true}, {"REASON"}});
    const size_t shown = std::min(c.problems.size(), kMaxListed);
    for (size_t i = 0; i < shown; ++i) {
      const LinkedInRowProblem& p = c.problems[i];
      bad.AddRow(
          {TerminalSafe(p.file), absl::StrCat(p.line), TerminalSafe(p.reason)});
    }
    absl::StrAppend(&out, "rows refused: ", FormatCount(c.problems.size()),
                    "\n", bad.Render());
    if (shown < c.problems.size()) {
      absl::StrAppend(&out, "(", FormatCount(c.problems.size() - shown),
                      " more listed with --json)\n");
    }
  }
  absl::StrAppend(&out, ProfileText(profile, c, upload == nullptr));
  std::vector<std::string> types;
  for (const auto& [type, n] : EventsByType(c)) {
    types.push_back(absl::StrCat(type, " ", FormatCount(n)));
  }
  absl::StrAppend(&out, "events: ", FormatCount(c.events.size()),
                  types.empty() ? "" : " (", absl::StrJoin(types, ", "),
                  types.empty() ? "" : ")", "\n");
  if (upload == nullptr) return out;
  absl::StrAppend(&out, "  accepted     ", FormatCount(upload->accepted),
                  "\n  duplicate    ", FormatCount(upload->duplicate),
                  "\n  conflicting  ", FormatCount(upload->conflicting),
                  "\n  rejected     ", FormatCount(upload->rejected), "\n");
  if (upload->rejections.empty()) return out;
  Table table({{"FILE"}, {"LINE", true}, {"FIELD"}, {"REASON"}});
  const size_t shown = std::min(upload->rejections.size(), kMaxListed);
  for (size_t i = 0; i < shown; ++i) {
    const Rejection& r = upload->rejections[i];
    const bool known =
        r.tag >= 0 && r.tag < static_cast<int64_t>(c.events.size());
    table.AddRow({known ? TerminalSafe(c.events[r.tag].file) : "?",
                  known ? absl::StrCat(c.events[r.tag].line) : "?",
                  TerminalSafe(r.field), TerminalSafe(r.reason)});
  }
  absl::StrAppend(&out, "rejected events:\n", table.Render());
  if (shown < upload->rejections.size()) {
    absl::StrAppend(&out, "(", FormatCount(upload->rejections.size() - shown),
                    " more listed with --json)\n");
  }
  return out;
}

absl::StatusOr<rapport::v1::Member> GetMember(Env& env, const std::string& id) {
  rapport::v1::GetMemberRequest request;
  request.set_member_id(id);
  rapport::v1::GetMemberResponse response;
  auto context = env.client.NewContext();
  absl::Status s = FromGrpc(
      env.client.activity().GetMember(context.get(), request, &response));
  if (!s.ok()) return s;
  return std::move(*response.mutable_member());
}

absl::Status Upsert(Env& env, rapport::v1::Member member) {
  member.clear_create_time();
  member.clear_update_time();
  member.clear_event_count();
  member.clear_last_event_time();
  rapport::v1::UpsertMemberRequest request;
  *request.mutable_member() = std::move(member);
  rapport::v1::UpsertMemberResponse response;
  auto context = env.client.NewContext();
  return FromGrpc(
      env.client.activity().UpsertMember(context.get(), request, &response));
}

}  // namespace

absl::Status RunLinkedInArchiveImport(Env& env,
                                      const LinkedInImportOptions& options) {
  absl::StatusOr<std::unique_ptr<LinkedInArchive>> archive =
      LinkedInArchive::Open(options.path);
  if (!archive.ok()) return archive.status();
  LinkedInConversion conversion =
      ConvertLinkedInArchive(**archive, options.member_id);
  if (options.dry_run) {
    const Profile profile = MergeLinkedInProfile(Profile(), conversion);
    env.io.out << RenderLinkedInImport(options, conversion, profile, nullptr,
                                       env.json);
    return absl::OkStatus();
  }
  absl::StatusOr<rapport::v1::Member> member =
      GetMember(env, options.member_id);
  if (!member.ok()) return member.status();
  *member->mutable_profile() =
      MergeLinkedInProfile(member->profile(), conversion);
  const Profile profile = member->profile();
  if (absl::Status s = Upsert(env, *std::move(member)); !s.ok()) return s;
  EventUploader uploader(env.client, options.upload);
  Progress progress(env.io.err, env.io.err_is_terminal, "events");
  absl::Status status;
  const int64_t total = static_cast<int64_t>(conversion.events.size());
  for (int64_t i = 0; i < total && status.ok(); ++i) {
    progress.Update(i + 1, total);
    status = uploader.Add(conversion.events[i].event, i);
  }
  if (status.ok()) status = uploader.Finish();
  progress.Done();
  if (!status.ok()) {
    ReportStoppedUpload(env, uploader.summary());
    return status;
  }
  const UploadSummary& summary = uploader.summary();
  env.io.out << RenderLinkedInImport(options, conversion, profile, &summary,
                                     env.json);
  return absl::OkStatus();
}

std::string RenderLinkedInImport(const LinkedInImportOptions& options,
                                 const LinkedInConversion& conversion,
                                 const rapport::v1::Profile& profile,
                                 const UploadSummary* upload, bool json) {
  return json ? RenderJson(options, conversion, profile, upload)
              : RenderText(options, conversion, profile, upload);
}

}  // namespace rapport::cli
