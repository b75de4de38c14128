#include "client/cli/member_commands.h"

#include <algorithm>
#include <vector>

#include "absl/strings/str_cat.h"
#include "client/cli/format.h"
#include "client/cli/input.h"
#include "client/cli/json.h"
#include "client/cli/jsonl.h"
#include "client/cli/member_render.h"
#include "client/cli/terminal_text.h"

namespace rapport::cli {
namespace {

// BatchUpsertMembers' limit.
constexpr size_t kMembersPerCall = 1000;

absl::StatusOr<rapport::v1::UpsertMemberResponse> Upsert(
    Env& env, const rapport::v1::Member& member) {
  rapport::v1::UpsertMemberRequest request;
  *request.mutable_member() = member;
  rapport::v1::UpsertMemberResponse response;
  auto context = env.client.NewContext();
  absl::Status s = FromGrpc(
      env.client.activity().UpsertMember(context.get(), request, &response));
  if (!s.ok()) return s;
  return response;
}

}  // namespace

absl::Status RunUpsertMember(Env& env, const rapport::v1::Member& member) {
  absl::StatusOr<rapport::v1::UpsertMemberResponse> r = Upsert(env, member);
  if (!r.ok()) return r.status();
  if (env.json) {
    env.io.out << ToJson(*r) << "\n";
    return absl::OkStatus();
  }
  rapport::v1::Member m = r->member();
  MakeTerminalSafe(&m);
  env.io.out << (r->created() ? "created " : "updated ") << m.member_id()
             << " (" << m.display_name() << ", team " << m.team()
             << ", industry " << m.industry() << ")\n";
  return absl::OkStatus();
}

absl::Status RunUpsertMembers(Env& env, const std::string& path) {
  absl::StatusOr<std::unique_ptr<Input>> input = Input::Open(path, env.io.in);
  if (!input.ok()) return input.status();
  std::vector<rapport::v1::Member> members;
  rapport::v1::Member scratch;
  absl::StatusOr<ScanResult> scan = ScanJsonLines(
      (*input)->stream(), &scratch, [&](google::protobuf::Message&, int64_t) {
        members.push_back(std::move(scratch));
      });
  if (!scan.ok()) return scan.status();
  if (scan->bad_lines > 0) {
    return ReportBadLines((*input)->name(), *scan, env.io.err);
  }
  // BatchUpsertMembers, up to its limit per call; each call is stored in
  // one transaction. Members the server rejects are reported by line.
  int64_t created = 0, updated = 0, rejected = 0;
  for (size_t begin = 0; begin < members.size(); begin += kMembersPerCall) {
    const size_t end = std::min(members.size(), begin + kMembersPerCall);
    rapport::v1::BatchUpsertMembersRequest request;
    for (size_t i = begin; i < end; ++i) *request.add_members() = members[i];
    rapport::v1::BatchUpsertMembersResponse response;
    auto context = env.client.NewContext();
    absl::Status s = FromGrpc(env.client.activity().BatchUpsertMembers(
        context.get(), request, &response));
    if (!s.ok()) {
      return absl::Status(s.code(), absl::StrCat("lines ", begin + 1, "-", end,
                                                 ": ", s.message()));
    }
    created += response.created_count();
    updated += response.updated_count();
    rejected += response.rejected_count();
    for (const rapport::v1::RejectedMember& r : response.rejected()) {
      env.io.err << (*input)->name() << ":" << begin + r.index() + 1 << ": "
                 << TerminalSafe(r.member_id()) << ": "
                 << TerminalSafe(r.reason()) << "\n";
    }
  }
  const int64_t n = created + updated;
  if (env.json) {
    env.io.out << JsonObject()
                      .Add("file", (*input)->name())
                      .Add("members", n)
                      .Add("created", created)
                      .Add("updated", updated)
                      .Add("rejected", rejected)
                      .ToString()
               << "\n";
  } else {
    env.io.out << "upserted " << FormatCount(n) << " members from "
               << (*input)->name() << ": " << FormatCount(created)
               << " created, " << FormatCount(updated) << " updated\n";
  }
  if (rejected > 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(rejected,
                     " members were rejected (listed above); the "
                     "others are stored"));
  }
  return absl::OkStatus();
}

absl::Status RunGetMember(Env& env, const std::string& member_id) {
  rapport::v1::GetMemberRequest request;
  request.set_member_id(member_id);
  rapport::v1::GetMemberResponse response;
  auto context = env.client.NewContext();
  absl::Status s = FromGrpc(
      env.client.activity().GetMember(context.get(), request, &response));
  if (!s.ok()) return s;
  if (env.json) {
    env.io.out << ToJson(response) << "\n";
    return absl::OkStatus();
  }
  MakeTerminalSafe(&response);
  env.io.out << RenderMember(response.member());
  return absl::OkStatus();
}

absl::Status RunListMembers(Env& env, const ListMembersOptions& options) {
  rapport::v1::ListMembersRequest request;
  request.set_team(options.team);
  request.set_industry(options.industry);
  request.set_page_size(options.page_size);
  request.set_page_token(options.page_token);
  std::vector<rapport::v1::Member> members;
  std::string next;
  do {
    rapport::v1::ListMembersResponse response;
    auto context = env.client.NewContext();
    absl::Status s = FromGrpc(
        env.client.activity().ListMembers(context.get(), request, &response));
    if (!s.ok()) return s;
    if (env.json) env.io.out << ToJson(response) << "\n";
    MakeTerminalSafe(&response);
    for (auto& m : *response.mutable_members()) members.push_back(std::move(m));
    next = response.next_page_token();  // Base64: unchanged by the above.
    request.set_page_token(next);
  } while (options.all && !next.empty());
  if (env.json) return absl::OkStatus();
  env.io.out << RenderMemberTable(members);
  if (!next.empty()) {
    env.io.out << "more: --page_token=" << next << " (or --all)\n";
  }
  return absl::OkStatus();
}

absl::Status RunDeleteMember(Env& env, const std::string& member_id) {
  rapport::v1::DeleteMemberRequest request;
  request.set_member_id(member_id);
  rapport::v1::DeleteMemberResponse response;
  auto context = env.client.NewContext();
  absl::Status s = FromGrpc(
      env.client.activity().DeleteMember(context.get(), request, &response));
  if (!s.ok()) return s;
  if (env.json) {
    env.io.out << ToJson(response) << "\n";
  } else {
    env.io.out << "deleted " << TerminalSafe(member_id) << " and "
               << FormatCount(response.deleted_event_count()) << " events\n";
  }
  return absl::OkStatus();
}

}  // namespace rapport::cli
