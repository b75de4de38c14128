#include "client/cli/admin_commands.h"

#include <algorithm>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "client/cli/json.h"
#include "client/cli/terminal_text.h"

namespace rapport::cli {
namespace {

namespace v1 = rapport::v1;

absl::StatusOr<v1::Role> ParseRole(const std::string& role) {
  const std::string name = absl::AsciiStrToLower(role);
  if (name == "admin") return v1::ROLE_ADMIN;
  if (name == "integration") return v1::ROLE_INTEGRATION;
  if (name == "manager") return v1::ROLE_MANAGER;
  if (name == "rep") return v1::ROLE_REP;
  if (name == "metrics") return v1::ROLE_METRICS;
  return absl::InvalidArgumentError(absl::StrCat(
      "--role: \"", role,
      "\" is not one of admin, integration, manager, rep, metrics"));
}

std::string RoleName(v1::Role role) {
  switch (role) {
    case v1::ROLE_ADMIN:
      return "admin";
    case v1::ROLE_INTEGRATION:
      return "integration";
    case v1::ROLE_MANAGER:
      return "manager";
    case v1::ROLE_REP:
      return "rep";
    case v1::ROLE_METRICS:
      return "metrics";
    default:
      return "?";
  }
}

std::string TimeText(const google::protobuf::Timestamp& t) {
  return absl::FormatTime(
      "%Y-%m-%d %H:%M:%SZ",
      absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos()),
      absl::UTCTimeZone());
}

std::string ScopeText(const v1::KeyScope& scope) {
  std::string text = RoleName(scope.role());
  if (!scope.teams().empty()) {
    absl::StrAppend(&text, " of ", absl::StrJoin(scope.teams(), ", "));
  }
  if (!scope.member_id().empty())
    absl::StrAppend(&text, " ", scope.member_id());
  return text;
}

void SetTime(absl::Time t, google::protobuf::Timestamp* out) {
  const int64_t seconds = absl::ToUnixSeconds(t);
  out->set_seconds(seconds);
  out->set_nanos(static_cast<int32_t>(
      absl::ToInt64Nanoseconds(t - absl::FromUnixSeconds(seconds))));
}

}  // namespace

absl::Status RunCreateTenant(Env& env, const CreateTenantOptions& options) {
  v1::CreateTenantRequest request;
  request.mutable_tenant()->set_tenant_id(options.tenant_id);
  request.mutable_tenant()->set_display_name(options.display_name);
  const std::string view = absl::AsciiStrToLower(options.rep_leaderboard);
  if (view == "full") {
    request.mutable_tenant()->set_rep_leaderboard(v1::REP_LEADERBOARD_FULL);
  } else if (view == "ranks_only") {
    request.mutable_tenant()->set_rep_leaderboard(
        v1::REP_LEADERBOARD_RANKS_ONLY);
  } else if (view == "none") {
    request.mutable_tenant()->set_rep_leaderboard(v1::REP_LEADERBOARD_NONE);
  } else if (!view.empty()) {
    return absl::InvalidArgumentError(
        "--rep_leaderboard must be full, ranks_only or none");
  }
  v1::CreateTenantResponse response;
  auto context = env.client.NewContext();
  absl::Status s = FromGrpc(
      env.client.admin().CreateTenant(context.get(), request, &response));
  if (!s.ok()) return s;
  if (env.json) {
    env.io.out << ToJson(response) << "\n";
    return absl::OkStatus();
  }
  MakeTerminalSafe(&response);
  env.io.err << "created tenant " << response.tenant().tenant_id()
             << "; its first admin key (" << response.admin_key().key_id()
             << ") is below, shown only this once\n";
  env.io.out << response.admin_key_secret() << "\n";
  return absl::OkStatus();
}

absl::Status RunCreateApiKey(Env& env, const CreateKeyOptions& options) {
  v1::CreateApiKeyRequest request;
  request.set_name(options.name);
  absl::StatusOr<v1::Role> role = ParseRole(options.role);
  if (!role.ok()) return role.status();
  request.mutable_scope()->set_role(*role);
  for (const std::string& team : options.teams) {
    request.mutable_scope()->add_teams(team);
  }
  request.mutable_scope()->set_member_id(options.member_id);
  if (options.expire_time.has_value()) {
    SetTime(*options.expire_time, request.mutable_expire_time());
  }
  v1::CreateApiKeyResponse response;
  auto context = env.client.NewContext();
  absl::Status s = FromGrpc(
      env.client.admin().CreateApiKey(context.get(), request, &response));
  if (!s.ok()) return s;
  if (env.json) {
    env.io.out << ToJson(response) << "\n";
    return absl::OkStatus();
  }
  MakeTerminalSafe(&response);
  env.io.err << "created key " << response.key().key_id() << " ("
             << response.key().name() << ", "
             << ScopeText(response.key().scope())
             << "); the key is below, shown only this once\n";
  env.io.out << response.secret() << "\n";
  return absl::OkStatus();
}

absl::Status RunListApiKeys(Env& env, bool show_revoked) {
  v1::ListApiKeysRequest request;
  request.set_show_revoked(show_revoked);
  v1::ListApiKeysResponse response;
  auto context = env.client.NewContext();
  absl::Status s = FromGrpc(
      env.client.admin().ListApiKeys(context.get(), request, &response));
  if (!s.ok()) return s;
  if (env.json) {
    env.io.out << ToJson(response) << "\n";
    return absl::OkStatus();
  }
  MakeTerminalSafe(&response);
  for (const v1::ApiKey& key : response.keys()) {
    env.io.out << key.key_id() << "  " << ScopeText(key.scope()) << "  \""
               << key.name() << "\"  created " << TimeText(key.create_time())
               << "  last used "
               << (key.has_last_use_time() ? TimeText(key.last_use_time())
                                           : std::string("never"));
    if (key.has_expire_time()) {
      env.io.out << "  expires " << TimeText(key.expire_time());
    }
    if (key.has_revoke_time()) {
      env.io.out << "  REVOKED " << TimeText(key.revoke_time());
    }
    env.io.out << "\n";
  }
  if (response.keys().empty()) env.io.out << "no keys\n";
  return absl::OkStatus();
}

absl::Status RunRevokeApiKey(Env& env, const std::string& key_id) {
  v1::RevokeApiKeyRequest request;
  request.set_key_id(key_id);
  v1::RevokeApiKeyResponse response;
  auto context = env.client.NewContext();
  absl::Status s = FromGrpc(
      env.client.admin().RevokeApiKey(context.get(), request, &response));
  if (!s.ok()) return s;
  if (env.json) {
    env.io.out << ToJson(response) << "\n";
    return absl::OkStatus();
  }
  MakeTerminalSafe(&response);
  env.io.out << "revoked " << response.key().key_id() << " ("
             << response.key().name() << ")\n";
  return absl::OkStatus();
}

absl::Status RunBackupDatabase(Env& env, const std::string& name) {
  v1::BackupDatabaseRequest request;
  request.set_name(name);
  v1::BackupDatabaseResponse response;
  auto context = env.client.NewContext();
  absl::Status s = FromGrpc(
      env.client.admin().BackupDatabase(context.get(), request, &response));
  if (!s.ok()) return s;
  if (env.json) {
    env.io.out << ToJson(response) << "\n";
    return absl::OkStatus();
  }
  MakeTerminalSafe(&response);
  env.io.out << "backup " << response.name() << ": " << response.size_bytes()
             << " bytes, " << response.event_count() << " events, snapshot "
             << TimeText(response.snapshot_time()) << ", took "
             << response.duration_ms() << " ms\n";
  return absl::OkStatus();
}

absl::Status RunEraseContact(Env& env, const std::string& contact_id) {
  v1::EraseContactRequest request;
  request.set_contact_id(contact_id);
  v1::EraseContactResponse response;
  auto context = env.client.NewContext();
  absl::Status s = FromGrpc(
      env.client.admin().EraseContact(context.get(), request, &response));
  if (!s.ok()) return s;
  if (env.json) {
    env.io.out << ToJson(response) << "\n";
    return absl::OkStatus();
  }
  env.io.out << "erased contact " << contact_id << ": "
             << response.deleted_event_count() << " events, "
             << response.deleted_thread_count() << " threads, "
             << response.deleted_contact_state_count() << " contact states, of "
             << response.member_ids_size() << " members\n";
  for (const std::string& member : response.member_ids()) {
    env.io.out << "  " << member << "\n";
  }
  return absl::OkStatus();
}

absl::Status RunAudit(Env& env, const AuditOptions& options) {
  constexpr int kDefaultMax = 100;
  const int max = options.max_results > 0 ? options.max_results : kDefaultMax;
  v1::ListAuditEventsRequest request;
  request.set_principal(options.principal);
  request.set_target(options.target);
  if (options.start) SetTime(*options.start, request.mutable_start_time());
  if (options.end) SetTime(*options.end, request.mutable_end_time());
  v1::ListAuditEventsResponse all;
  while (all.events_size() < max) {
    request.set_page_size(std::min(max - all.events_size(), 1000));
    v1::ListAuditEventsResponse page;
    auto context = env.client.NewContext();
    absl::Status s = FromGrpc(
        env.client.admin().ListAuditEvents(context.get(), request, &page));
    if (!s.ok()) return s;
    for (v1::AuditEvent& event : *page.mutable_events()) {
      *all.add_events() = std::move(event);
    }
    if (page.next_page_token().empty()) break;
    request.set_page_token(page.next_page_token());
    all.set_next_page_token(page.next_page_token());
  }
  if (env.json) {
    env.io.out << ToJson(all) << "\n";
    return absl::OkStatus();
  }
  for (const v1::AuditEvent& event : all.events()) {
    env.io.out << TimeText(event.time()) << "  " << event.principal() << " ("
               << event.role() << ")  " << event.method() << "  "
               << (event.target().empty() ? "-" : event.target()) << "  "
               << event.detail() << "\n";
  }
  if (all.events().empty()) env.io.out << "no audit entries\n";
  return absl::OkStatus();
}

}  // namespace rapport::cli
