#include "server/api/admin_service.h"

#include <algorithm>
#include <string>
#include <tuple>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "server/api/convert.h"
#include "server/api/deferred_call.h"
#include "server/api/pagination.h"
#include "server/api/status.h"
#include "server/api/validate.h"

namespace rapport::api {
namespace {

constexpr char kCreateTenant[] = "/rapport.v1.AdminService/CreateTenant";
constexpr char kCreateApiKey[] = "/rapport.v1.AdminService/CreateApiKey";
constexpr char kRevokeApiKey[] = "/rapport.v1.AdminService/RevokeApiKey";
constexpr char kEraseContact[] = "/rapport.v1.AdminService/EraseContact";
constexpr char kBackupDatabase[] = "/rapport.v1.AdminService/BackupDatabase";

constexpr size_t kMaxTenantId = 64;
constexpr size_t kMaxAuditFilter = 256;
constexpr size_t kMaxName = 100;
constexpr size_t kMaxDisplayName = 200;
constexpr size_t kMaxTeamName = kMaxGroupLength;
constexpr int kMaxTeams = 100;

absl::Status CheckTenantId(const std::string& id) {
  const bool ok =
      !id.empty() && id.size() <= kMaxTenantId && absl::ascii_islower(id[0]) &&
      std::all_of(id.begin(), id.end(), [](char c) {
        return absl::ascii_islower(c) || absl::ascii_isdigit(c) || c == '-';
      });
  if (ok) return absl::OkStatus();
  return InvalidField("tenant.tenant_id",
                      "must be 1 to 64 characters of [a-z0-9-], starting "
                      "with a letter");
}

std::optional<auth::Role> RoleOf(v1::Role role) {
  switch (role) {
    case v1::ROLE_ADMIN:
      return auth::Role::kAdmin;
    case v1::ROLE_INTEGRATION:
      return auth::Role::kIntegration;
    case v1::ROLE_MANAGER:
      return auth::Role::kManager;
    case v1::ROLE_REP:
      return auth::Role::kRep;
    case v1::ROLE_METRICS:
      return auth::Role::kMetrics;
    default:
      return std::nullopt;
  }
}

v1::Role ToProto(const std::string& role) {
  std::optional<auth::Role> parsed = auth::ParseRole(role);
  if (!parsed.has_value()) return v1::ROLE_UNSPECIFIED;
  switch (*parsed) {
    case auth::Role::kAdmin:
      return v1::ROLE_ADMIN;
    case auth::Role::kIntegration:
      return v1::ROLE_INTEGRATION;
    case auth::Role::kManager:
      return v1::ROLE_MANAGER;
    case auth::Role::kRep:
      return v1::ROLE_REP;
    case auth::Role::kMetrics:
      return v1::ROLE_METRICS;
  }
  return v1::ROLE_UNSPECIFIED;
}

void ToProto(const store::ApiKeyRecord& key, v1::ApiKey* out) {
  out->set_key_id(key.key_id);
  out->set_name(key.name);
  out->mutable_scope()->set_role(ToProto(key.role));
  for (const std::string& team : key.teams)
    out->mutable_scope()->add_teams(team);
  out->mutable_scope()->set_member_id(key.member_id);
  ToProtoTime(key.create_time, out->mutable_create_time());
  if (key.expire_time)
    ToProtoTime(*key.expire_time, out->mutable_expire_time());
  if (key.last_use_time) {
    ToProtoTime(*key.last_use_time, out->mutable_last_use_time());
  }
  if (key.revoke_time)
    ToProtoTime(*key.revoke_time, out->mutable_revoke_time());
  out->set_created_by(key.created_by);
}

void ToProto(const store::TenantRecord& tenant, v1::Tenant* out) {
  out->set_tenant_id(tenant.tenant_id);
  out->set_display_name(tenant.display_name);
  out->set_rep_leaderboard(
      static_cast<v1::RepLeaderboard>(tenant.rep_leaderboard));
  ToProtoTime(tenant.create_time, out->mutable_create_time());
}

// The KeySpec of a request's scope, or INVALID_ARGUMENT naming the field.
absl::StatusOr<auth::KeySpec> SpecOf(const v1::KeyScope& scope,
                                     const std::string& field) {
  auth::KeySpec spec;
  std::optional<auth::Role> role = RoleOf(scope.role());
  if (!role.has_value()) {
    return InvalidField(absl::StrCat(field, ".role"),
                        "must be one of ROLE_ADMIN, ROLE_INTEGRATION, "
                        "ROLE_MANAGER, ROLE_REP, ROLE_METRICS");
  }
  spec.role = *role;
  if (*role == auth::Role::kManager) {
    if (scope.teams().empty()) {
      return InvalidField(absl::StrCat(field, ".teams"),
                          "a manager key needs at least one team");
    }
    if (scope.teams_size() > kMaxTeams) {
      return InvalidField(
          absl::StrCat(field, ".teams"),
          absl::StrCat("holds more than ", kMaxTeams, " teams"));
    }
    for (int i = 0; i < scope.teams_size(); ++i) {
      if (auto s = CheckTextField(absl::StrCat(field, ".teams[", i, "]"),
                                  scope.teams(i), kMaxTeamName, true);
          !s.ok()) {
        return s;
      }
      spec.teams.push_back(scope.teams(i));
    }
  } else if (!scope.teams().empty()) {
    return InvalidField(absl::StrCat(field, ".teams"),
                        "only manager keys have teams");
  }
  if (*role == auth::Role::kRep) {
    if (auto s =
            CheckMemberId(absl::StrCat(field, ".member_id"), scope.member_id());
        !s.ok()) {
      return s;
    }
    spec.member_id = scope.member_id();
  } else if (!scope.member_id().empty()) {
    return InvalidField(absl::StrCat(field, ".member_id"),
                        "only rep keys have a member_id");
  }
  return spec;
}

void ToProto(const store::AuditEntry& entry, v1::AuditEvent* out) {
  out->set_id(entry.id);
  ToProtoTime(entry.time, out->mutable_time());
  out->set_principal(entry.principal);
  out->set_role(entry.role);
  out->set_method(entry.method);
  out->set_target(entry.target);
  out->set_detail(entry.detail);
}

}  // namespace

AdminServiceImpl::AdminServiceImpl(store::Store* store, const Access* access,
                                   auth::ApiKeyVerifier* keys,
                                   SerialExecutor* writer,
                                   store::MemberChangeListener* listener,
                                   const Clock* clock)
    : store_(store),
      access_(access),
      keys_(keys),
      writer_(writer),
      listener_(listener),
      clock_(clock) {}

void AdminServiceImpl::EnableBackups(std::string directory, WorkerPool* pool) {
  backup_dir_ = std::move(directory);
  backup_pool_ = pool;
}

absl::Status AdminServiceImpl::DoBackupDatabase(
    const grpc::CallbackServerContext& context,
    const v1::BackupDatabaseRequest& request,
    v1::BackupDatabaseResponse* response) {
  absl::StatusOr<auth::Principal> principal = access_->PrincipalOf(context);
  if (!principal.ok()) return principal.status();
  if (absl::Status s =
          auth::Authorize(*principal, auth::Permission::kDatabaseBackup);
      !s.ok()) {
    return s;
  }
  const absl::Time start = clock_->Now();
  const std::string name = request.name().empty()
                               ? absl::FormatTime("rapport-%Y%m%dT%H%M%SZ.db",
                                                  start, absl::UTCTimeZone())
                               : request.name();
  if (absl::Status s = store::CheckBackupName(name); !s.ok()) return s;
  if (backup_dir_.empty()) {
    return absl::FailedPreconditionError(
        "backups are off: start rapportd with --backup_dir");
  }
  // A client that gave up while the call waited for a worker wants no copy.
  if (context.IsCancelled()) {
    return absl::CancelledError("the client cancelled the backup");
  }
  absl::StatusOr<store::BackupResult> backup =
      store_->Backup(backup_dir_, name, *clock_);
  const absl::Time end = clock_->Now();
  // Audited whatever the outcome: a failed copy is worth an operator's eye.
  store::AuditEntry entry;
  entry.tenant = principal->tenant;
  entry.time = end;
  entry.principal = principal->id;
  entry.role = std::string(auth::RoleName(principal->role));
  entry.method = kBackupDatabase;
  entry.target = absl::StrCat("backup:", name);
  entry.detail =
      backup.ok()
          ? absl::StrCat("outcome=ok size_bytes=", backup->size_bytes,
                         " events=", backup->event_count, " duration_ms=",
                         absl::ToInt64Milliseconds(end - start))
          : absl::StrCat("outcome=",
                         absl::StatusCodeToString(backup.status().code()));
  if (absl::Status s = store_->AppendAudit({entry}); !s.ok()) return s;
  if (!backup.ok()) return backup.status();
  response->set_name(name);
  response->set_size_bytes(backup->size_bytes);
  ToProtoTime(backup->snapshot_time, response->mutable_snapshot_time());
  response->set_event_count(backup->event_count);
  response->set_duration_ms(absl::ToInt64Milliseconds(end - start));
  return absl::OkStatus();
}

absl::Status AdminServiceImpl::DoCreateTenant(
    const grpc::CallbackServerContext& context,
    const v1::CreateTenantRequest& request,
    v1::CreateTenantResponse* response) {
  absl::StatusOr<auth::Principal> principal = access_->PrincipalOf(context);
  if (!principal.ok()) return principal.status();
  if (absl::Status s =
          auth::Authorize(*principal, auth::Permission::kTenantsCreate);
      !s.ok()) {
    return s;
  }
  const v1::Tenant& tenant = request.tenant();
  if (auto s = CheckTenantId(tenant.tenant_id()); !s.ok()) return s;
  if (auto s = CheckTextField("tenant.display_name", tenant.display_name(),
                              kMaxDisplayName, false);
      !s.ok()) {
    return s;
  }
  if (!v1::RepLeaderboard_IsValid(tenant.rep_leaderboard())) {
    return InvalidField(
        "tenant.rep_leaderboard",
        absl::StrCat("unknown value ", tenant.rep_leaderboard()));
  }
  if (auto s = CheckTextField("admin_key_name", request.admin_key_name(),
                              kMaxName, false);
      !s.ok()) {
    return s;
  }
  const absl::Time now = clock_->Now();
  store::TenantRecord record;
  record.tenant_id = tenant.tenant_id();
  record.display_name = tenant.display_name().empty() ? tenant.tenant_id()
                                                      : tenant.display_name();
  record.rep_leaderboard = tenant.rep_leaderboard();
  record.create_time = now;
  auth::KeySpec spec;
  spec.tenant = record.tenant_id;
  spec.name =
      request.admin_key_name().empty() ? "admin" : request.admin_key_name();
  spec.role = auth::Role::kAdmin;
  spec.created_by = principal->id;
  absl::StatusOr<auth::IssuedKey> key = auth::NewApiKey(spec, now);
  if (!key.ok()) return key.status();
  const store::AuditContext audit =
      AuditContextOf(*principal, kCreateTenant, now);
  absl::StatusOr<store::TenantRecord> created =
      store_->CreateTenant(record, &key->record, &audit);
  if (!created.ok()) return created.status();
  ToProto(*created, response->mutable_tenant());
  ToProto(key->record, response->mutable_admin_key());
  response->set_admin_key_secret(key->token);
  return absl::OkStatus();
}

absl::Status AdminServiceImpl::DoCreateApiKey(
    const grpc::CallbackServerContext& context,
    const v1::CreateApiKeyRequest& request,
    v1::CreateApiKeyResponse* response) {
  absl::StatusOr<auth::Principal> principal = access_->PrincipalOf(context);
  if (!principal.ok()) return principal.status();
  if (auto s = CheckTextField("name", request.name(), kMaxName, true);
      !s.ok()) {
    return s;
  }
  absl::StatusOr<auth::KeySpec> spec = SpecOf(request.scope(), "scope");
  if (!spec.ok()) return spec.status();
  const absl::Time now = clock_->Now();
  if (request.has_expire_time()) {
    const google::protobuf::Timestamp& t = request.expire_time();
    if (t.nanos() < 0 || t.nanos() > 999999999 || FromProtoTime(t) <= now) {
      return InvalidField("expire_time", "must be a valid time in the future");
    }
    spec->expire_time = FromProtoTime(t);
  }
  spec->tenant = principal->tenant;
  spec->name = request.name();
  spec->created_by = principal->id;
  absl::StatusOr<auth::IssuedKey> key = auth::NewApiKey(*spec, now);
  if (!key.ok()) return key.status();
  const store::AuditContext audit =
      AuditContextOf(*principal, kCreateApiKey, now);
  if (absl::Status s = store_->InsertApiKey(key->record, &audit); !s.ok()) {
    // FAILED_PRECONDITION: the tenant has no row (authentication is off and
    // the local tenant was never created).
    return s;
  }
  ToProto(key->record, response->mutable_key());
  response->set_secret(key->token);
  return absl::OkStatus();
}

absl::Status AdminServiceImpl::DoListApiKeys(
    const grpc::CallbackServerContext& context,
    const v1::ListApiKeysRequest& request, v1::ListApiKeysResponse* response) {
  absl::StatusOr<auth::Principal> principal = access_->PrincipalOf(context);
  if (!principal.ok()) return principal.status();
  absl::StatusOr<std::vector<store::ApiKeyRecord>> keys =
      store_->ListApiKeys(principal->tenant);
  if (!keys.ok()) return keys.status();
  for (const store::ApiKeyRecord& key : *keys) {
    if (key.revoke_time.has_value() && !request.show_revoked()) continue;
    ToProto(key, response->add_keys());
  }
  return absl::OkStatus();
}

absl::Status AdminServiceImpl::DoRevokeApiKey(
    const grpc::CallbackServerContext& context,
    const v1::RevokeApiKeyRequest& request,
    v1::RevokeApiKeyResponse* response) {
  absl::StatusOr<auth::Principal> principal = access_->PrincipalOf(context);
  if (!principal.ok()) return principal.status();
  const std::string& id = request.key_id();
  if (id.size() != 16 || !std::all_of(id.begin(), id.end(), [](char c) {
        return absl::ascii_isdigit(c) || (c >= 'a' && c <= 'f');
      })) {
    return InvalidField("key_id", "must be the 16 hex digits after rpk_");
  }
  const absl::Time now = clock_->Now();
  const store::AuditContext audit =
      AuditContextOf(*principal, kRevokeApiKey, now);
  absl::StatusOr<store::ApiKeyRecord> revoked =
      store_->RevokeApiKey(principal->tenant, id, now, &audit);
  if (!revoked.ok()) return revoked.status();
  keys_->Invalidate(id);
  ToProto(*revoked, response->mutable_key());
  return absl::OkStatus();
}

absl::Status AdminServiceImpl::DoListAuditEvents(
    const grpc::CallbackServerContext& context,
    const v1::ListAuditEventsRequest& request,
    v1::ListAuditEventsResponse* response) {
  absl::StatusOr<auth::Principal> principal = access_->PrincipalOf(context);
  if (!principal.ok()) return principal.status();
  store::AuditQuery query;
  for (const auto& [field, present, ts, bound] :
       {std::tuple("start_time", request.has_start_time(),
                   &request.start_time(), &query.from),
        std::tuple("end_time", request.has_end_time(), &request.end_time(),
                   &query.to)}) {
    if (!present) continue;
    if (ts->nanos() < 0 || ts->nanos() > 999999999) {
      return InvalidField(field, "is not a valid time");
    }
    *bound = FromProtoTime(*ts);
  }
  if (query.from > query.to) {
    return InvalidField("end_time", "is before start_time");
  }
  if (auto s = CheckTextField("principal", request.principal(), kMaxAuditFilter,
                              false);
      !s.ok()) {
    return s;
  }
  if (auto s =
          CheckTextField("target", request.target(), kMaxAuditFilter, false);
      !s.ok()) {
    return s;
  }
  query.principal = request.principal();
  if (!request.target().empty()) {
    query.targets.push_back(request.target());
    // A person's entries from before their erasure carry their digest.
    for (store::ErasureKind kind :
         {store::ErasureKind::kMember, store::ErasureKind::kContact}) {
      const std::string prefix =
          kind == store::ErasureKind::kMember ? "member:" : "contact:";
      if (absl::StartsWith(request.target(), prefix)) {
        query.targets.push_back(absl::StrCat(
            prefix, "sha256:",
            store::ErasureDigest(principal->tenant, kind,
                                 request.target().substr(prefix.size()))));
      }
    }
  }
  absl::StatusOr<Page> paging =
      ParsePage(request.page_size(), request.page_token(),
                absl::StrCat(query.principal, "\x1f", request.target(), "\x1f",
                             absl::ToUnixMicros(query.from), "\x1f",
                             absl::ToUnixMicros(query.to), "\x1f",
                             PrincipalKey(*principal)));
  if (!paging.ok()) return paging.status();
  query.page_size = static_cast<int>(paging->size);
  if (!paging->cursor.empty() &&
      !absl::SimpleAtoi(paging->cursor, &query.before_id)) {
    return InvalidField("page_token", "is not a token of this list");
  }
  absl::StatusOr<store::AuditPage> page =
      store_->ListAudit(principal->tenant, query);
  if (!page.ok()) return page.status();
  for (const store::AuditEntry& entry : page->entries) {
    ToProto(entry, response->add_events());
  }
  if (page->has_more && !page->entries.empty()) {
    response->set_next_page_token(
        NextPageToken(*paging, absl::StrCat(page->entries.back().id)));
  }
  return absl::OkStatus();
}

grpc::ServerUnaryReactor* AdminServiceImpl::EraseContact(
    grpc::CallbackServerContext* context,
    const v1::EraseContactRequest* request,
    v1::EraseContactResponse* response) {
  absl::StatusOr<auth::Principal> principal = access_->PrincipalOf(*context);
  if (!principal.ok()) return FinishUnary(context, principal.status());
  if (auto error = CheckId("contact_id", request->contact_id())) {
    return FinishUnary(context, InvalidField(error->field, error->reason));
  }
  return SubmitWrite(
      context, writer_,
      [this, response, principal = *std::move(principal),
       contact_id = request->contact_id()](UnaryCompletion& done) {
        const absl::Time now = clock_->Now();
        const store::AuditContext audit =
            AuditContextOf(principal, kEraseContact, now);
        absl::StatusOr<store::ContactErasure> erased =
            store_->EraseContact(principal.tenant, contact_id, now, &audit);
        if (erased.ok() && !erased->members.empty()) {
          listener_->OnMembersChanged(principal.tenant, erased->members);
        }
        done.Finish(ToGrpcStatus(erased.status()), [&] {
          if (!erased.ok()) return;
          response->set_deleted_event_count(erased->events);
          response->set_deleted_thread_count(erased->threads);
          response->set_deleted_contact_state_count(erased->contact_states);
          for (const std::string& member : erased->members) {
            response->add_member_ids(member);
          }
        });
      });
}

grpc::ServerUnaryReactor* AdminServiceImpl::ListAuditEvents(
    grpc::CallbackServerContext* context,
    const v1::ListAuditEventsRequest* request,
    v1::ListAuditEventsResponse* response) {
  return FinishUnary(context, DoListAuditEvents(*context, *request, response));
}

grpc::ServerUnaryReactor* AdminServiceImpl::BackupDatabase(
    grpc::CallbackServerContext* context,
    const v1::BackupDatabaseRequest* request,
    v1::BackupDatabaseResponse* response) {
  // The copy takes as long as the database is large: never on a callback
  // thread.
  return FinishOnPool(context, backup_pool_,
                      [this, context, request, response] {
                        return DoBackupDatabase(*context, *request, response);
                      });
}

grpc::ServerUnaryReactor* AdminServiceImpl::CreateTenant(
    grpc::CallbackServerContext* context,
    const v1::CreateTenantRequest* request,
    v1::CreateTenantResponse* response) {
  return FinishUnary(context, DoCreateTenant(*context, *request, response));
}

grpc::ServerUnaryReactor* AdminServiceImpl::CreateApiKey(
    grpc::CallbackServerContext* context,
    const v1::CreateApiKeyRequest* request,
    v1::CreateApiKeyResponse* response) {
  return FinishUnary(context, DoCreateApiKey(*context, *request, response));
}

grpc::ServerUnaryReactor* AdminServiceImpl::ListApiKeys(
    grpc::CallbackServerContext* context, const v1::ListApiKeysRequest* request,
    v1::ListApiKeysResponse* response) {
  return FinishUnary(context, DoListApiKeys(*context, *request, response));
}

grpc::ServerUnaryReactor* AdminServiceImpl::RevokeApiKey(
    grpc::CallbackServerContext* context,
    const v1::RevokeApiKeyRequest* request,
    v1::RevokeApiKeyResponse* response) {
  return FinishUnary(context, DoRevokeApiKey(*context, *request, response));
}

}  // namespace rapport::api
