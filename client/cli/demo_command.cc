#include "client/cli/demo_command.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "client/cli/format.h"
#include "client/cli/ingest_command.h"
#include "client/cli/json.h"
#include "client/cli/jsonl.h"
#include "client/cli/progress.h"
#include "google/protobuf/io/zero_copy_stream_impl.h"
#include "google/protobuf/util/delimited_message_util.h"
#include "server/common/status_macros.h"

namespace rapport::cli {
namespace {

using rapport::demo::DemoMember;
using rapport::demo::Persona;

std::map<Persona, std::vector<const DemoMember*>> ByPersona(
    const std::vector<DemoMember>& members) {
  std::map<Persona, std::vector<const DemoMember*>> by;
  for (const DemoMember& m : members) by[m.persona].push_back(&m);
  return by;
}

JsonObject PersonasJson(const std::vector<DemoMember>& members) {
  JsonObject personas;
  for (const auto& [persona, list] : ByPersona(members)) {
    std::vector<std::string> ids;
    for (const DemoMember* m : list) ids.push_back(m->member.member_id());
    personas.AddStrings(rapport::demo::PersonaName(persona), ids);
  }
  return personas;
}

// Writes every member's events as delimited IngestEventsRequest messages of
// options.upload.batch_size events; returns how many events.
absl::StatusOr<int64_t> WriteBatches(const DemoCommandOptions& options,
                                     const std::vector<DemoMember>& members) {
  std::ofstream out(options.write_batches, std::ios::binary);
  const int batch_size = std::max(1, options.upload.batch_size);
  int64_t events = 0;
  bool ok = true;
  {
    google::protobuf::io::OstreamOutputStream stream(&out);
    rapport::v1::IngestEventsRequest batch;
    auto flush = [&] {
      ok = ok && google::protobuf::util::SerializeDelimitedToZeroCopyStream(
                     batch, &stream);
      batch.Clear();
    };
    for (const DemoMember& m : members) {
      for (auto& e : rapport::demo::GenerateMemberEvents(options.demo, m)) {
        *batch.add_events() = std::move(e);
        ++events;
        if (batch.events_size() == batch_size) flush();
      }
    }
    if (batch.events_size() > 0) flush();
  }  // The stream writes what it buffers into `out` here.
  out.close();
  if (!ok || !out) {
    return absl::DataLossError(
        absl::StrCat("cannot write ", options.write_batches));
  }
  return events;
}

absl::Status WriteFiles(Env& env, const DemoCommandOptions& options,
                        const std::vector<DemoMember>& members) {
  int64_t events = 0;
  if (!options.write_members_jsonl.empty()) {
    std::ofstream out(options.write_members_jsonl);
    for (const DemoMember& m : members) WriteJsonLine(m.member, out);
    out.close();
    if (!out) {
      return absl::DataLossError(
          absl::StrCat("cannot write ", options.write_members_jsonl));
    }
  }
  if (!options.write_jsonl.empty()) {
    std::ofstream out(options.write_jsonl);
    Progress progress(env.io.err, env.io.err_is_terminal,
                      "members' events written");
    for (const DemoMember& m : members) {
      for (const auto& e :
           rapport::demo::GenerateMemberEvents(options.demo, m)) {
        WriteJsonLine(e, out);
        ++events;
      }
      progress.Update(m.index + 1, static_cast<int64_t>(members.size()));
    }
    out.close();
    if (!out) {
      return absl::DataLossError(
          absl::StrCat("cannot write ", options.write_jsonl));
    }
  }
  if (!options.write_batches.empty()) {
    RAPPORT_ASSIGN_OR_RETURN(int64_t written, WriteBatches(options, members));
    if (events == 0) events = written;
  }
  if (env.json) {
    env.io.out << JsonObject()
                      .Add("members", static_cast<int64_t>(members.size()))
                      .Add("events", events)
                      .Add("membersFile", options.write_members_jsonl)
                      .Add("eventsFile", options.write_jsonl)
                      .Add("batchesFile", options.write_batches)
                      .AddRaw("personas", PersonasJson(members).ToString())
                      .ToString()
               << "\n";
    return absl::OkStatus();
  }
  if (!options.write_members_jsonl.empty()) {
    env.io.out << "wrote " << FormatCount(members.size()) << " members to "
               << options.write_members_jsonl << "\n";
  }
  if (!options.write_jsonl.empty()) {
    env.io.out << "wrote " << FormatCount(events) << " events to "
               << options.write_jsonl << "\n";
  }
  if (!options.write_batches.empty()) {
    env.io.out << "wrote " << FormatCount(events) << " events in batches to "
               << options.write_batches << "\n";
  }
  env.io.out << "personas:\n" << RenderPersonas(members, 5);
  return absl::OkStatus();
}

absl::Status UpsertAll(Env& env, const std::vector<DemoMember>& members,
                       int64_t& created) {
  Progress progress(env.io.err, env.io.err_is_terminal, "members upserted");
  for (const DemoMember& m : members) {
    rapport::v1::UpsertMemberRequest request;
    *request.mutable_member() = m.member;
    rapport::v1::UpsertMemberResponse response;
    auto context = env.client.NewContext();
    absl::Status s = FromGrpc(
        env.client.activity().UpsertMember(context.get(), request, &response));
    if (!s.ok()) {
      return absl::Status(
          s.code(),
          absl::StrCat("upserting ", m.member.member_id(), ": ", s.message()));
    }
    if (response.created()) ++created;
    progress.Update(m.index + 1, static_cast<int64_t>(members.size()));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status RunDemo(Env& env, const DemoCommandOptions& options) {
  const std::vector<DemoMember> members =
      rapport::demo::GenerateDemoMembers(options.demo);
  if (!options.write_jsonl.empty() || !options.write_members_jsonl.empty() ||
      !options.write_batches.empty()) {
    return WriteFiles(env, options, members);
  }
  int64_t created = 0;
  const absl::Time upsert_start = absl::Now();
  if (absl::Status s = UpsertAll(env, members, created); !s.ok()) return s;
  const absl::Duration upsert_time = absl::Now() - upsert_start;
  const absl::Time start = absl::Now();
  EventUploader uploader(env.client, options.upload);
  absl::Status status;
  {
    Progress progress(env.io.err, env.io.err_is_terminal,
                      "members' events sent");
    int64_t ordinal = 0;
    for (const DemoMember& m : members) {
      for (auto& e : rapport::demo::GenerateMemberEvents(options.demo, m)) {
        status = uploader.Add(std::move(e), ordinal++);
        if (!status.ok()) break;
      }
      if (!status.ok()) break;
      progress.Update(m.index + 1, static_cast<int64_t>(members.size()));
    }
    if (status.ok()) status = uploader.Finish();
  }
  if (!status.ok()) return status;
  const absl::Duration elapsed = absl::Now() - start;
  const UploadSummary& s = uploader.summary();
  const int64_t n = static_cast<int64_t>(members.size());
  if (env.json) {
    const double seconds = absl::ToDoubleSeconds(elapsed);
    env.io.out << JsonObject()
                      .Add("members", n)
                      .Add("membersCreated", created)
                      .AddDouble("membersSeconds",
                                 absl::ToDoubleSeconds(upsert_time))
                      .Add("events", s.sent)
                      .Add("accepted", s.accepted)
                      .Add("duplicate", s.duplicate)
                      .Add("rejected", s.rejected)
                      .AddDouble("elapsedSeconds", seconds)
                      .AddDouble("eventsPerSecond",
                                 seconds > 0 ? s.sent / seconds : 0)
                      .AddRaw("personas", PersonasJson(members).ToString())
                      .ToString()
               << "\n";
    return absl::OkStatus();
  }
  env.io.out << "demo org (seed " << options.demo.seed << ", "
             << options.demo.days << " days to "
             << absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", options.demo.end_time,
                                 absl::UTCTimeZone())
             << "): " << FormatCount(n) << " members (" << FormatCount(created)
             << " created, " << FormatCount(n - created) << " updated) in "
             << absl::StrFormat("%.1fs", absl::ToDoubleSeconds(upsert_time))
             << "\n"
             << RenderUploadSummary("events", s, elapsed, "event", false)
             << "personas:\n"
             << RenderPersonas(members, 5);
  return absl::OkStatus();
}

std::string RenderPersonas(const std::vector<DemoMember>& members,
                           int max_listed) {
  std::string out;
  for (const auto& [persona, list] : ByPersona(members)) {
    std::vector<std::string> shown;
    for (const DemoMember* m : list) {
      if (static_cast<int>(shown.size()) == max_listed) break;
      shown.push_back(absl::StrCat(m->member.member_id(), " ",
                                   m->member.display_name(), " (",
                                   m->member.team(), ")"));
    }
    std::string line = absl::StrJoin(shown, ", ");
    if (static_cast<int>(list.size()) > max_listed) {
      absl::StrAppend(&line, ", +", list.size() - max_listed, " more");
    }
    absl::StrAppend(&out, absl::StrFormat("  %-15s %5d  %s\n",
                                          rapport::demo::PersonaName(persona),
                                          list.size(), line));
  }
  return out;
}

}  // namespace rapport::cli
