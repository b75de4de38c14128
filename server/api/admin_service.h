// rapport.v1.AdminService: tenants, API keys, erasure of a contact, the
// audit trail and backups. The gatekeeper admits only admins (and, for
// CreateTenant and BackupDatabase, admins of the operator tenant); every
// method but BackupDatabase (which copies every tenant) acts in the caller's
// tenant.
#ifndef RAPPORT_SERVER_API_ADMIN_SERVICE_H_
#define RAPPORT_SERVER_API_ADMIN_SERVICE_H_

#include <string>

#include "absl/status/status.h"
#include "rapport/v1/admin.grpc.pb.h"
#include "server/api/access.h"
#include "server/auth/api_keys.h"
#include "server/common/clock.h"
#include "server/common/serial_executor.h"
#include "server/common/worker_pool.h"
#include "server/store/member_change_listener.h"
#include "server/store/store.h"

namespace rapport::api {

// Thread-safe. Does not own its dependencies; they must outlive it.
class AdminServiceImpl final : public v1::AdminService::CallbackService {
 public:
  // Writes that change scores (EraseContact) run on `writer` and are then
  // announced to `listener`, like every other change of a member's data.
  AdminServiceImpl(store::Store* store, const Access* access,
                   auth::ApiKeyVerifier* keys, SerialExecutor* writer,
                   store::MemberChangeListener* listener, const Clock* clock);

  // BackupDatabase writes to `directory` (empty: backups are refused with
  // FAILED_PRECONDITION), each copy on a thread of `pool` (null: on the
  // calling thread). Call before serving.
  void EnableBackups(std::string directory, WorkerPool* pool);

  grpc::ServerUnaryReactor* CreateTenant(
      grpc::CallbackServerContext* context,
      const v1::CreateTenantRequest* request,
      v1::CreateTenantResponse* response) override;
  grpc::ServerUnaryReactor* CreateApiKey(
      grpc::CallbackServerContext* context,
      const v1::CreateApiKeyRequest* request,
      v1::CreateApiKeyResponse* response) override;
  grpc::ServerUnaryReactor* ListApiKeys(
      grpc::CallbackServerContext* context,
      const v1::ListApiKeysRequest* request,
      v1::ListApiKeysResponse* response) override;
  grpc::ServerUnaryReactor* RevokeApiKey(
      grpc::CallbackServerContext* context,
      const v1::RevokeApiKeyRequest* request,
      v1::RevokeApiKeyResponse* response) override;
  grpc::ServerUnaryReactor* EraseContact(
      grpc::CallbackServerContext* context,
      const v1::EraseContactRequest* request,
      v1::EraseContactResponse* response) override;
  grpc::ServerUnaryReactor* ListAuditEvents(
      grpc::CallbackServerContext* context,
      const v1::ListAuditEventsRequest* request,
      v1::ListAuditEventsResponse* response) override;
  grpc::ServerUnaryReactor* BackupDatabase(
      grpc::CallbackServerContext* context,
      const v1::BackupDatabaseRequest* request,
      v1::BackupDatabaseResponse* response) override;

 private:
  absl::Status DoCreateTenant(const grpc::CallbackServerContext& context,
                              const v1::CreateTenantRequest& request,
                              v1::CreateTenantResponse* response);
  absl::Status DoCreateApiKey(const grpc::CallbackServerContext& context,
                              const v1::CreateApiKeyRequest& request,
                              v1::CreateApiKeyResponse* response);
  absl::Status DoListApiKeys(const grpc::CallbackServerContext& context,
                             const v1::ListApiKeysRequest& request,
                             v1::ListApiKeysResponse* response);
  absl::Status DoRevokeApiKey(const grpc::CallbackServerContext& context,
                              const v1::RevokeApiKeyRequest& request,
                              v1::RevokeApiKeyResponse* response);
  absl::Status DoListAuditEvents(const grpc::CallbackServerContext& context,
                                 const v1::ListAuditEventsRequest& request,
                                 v1::ListAuditEventsResponse* response);
  absl::Status DoBackupDatabase(const grpc::CallbackServerContext& context,
                                const v1::BackupDatabaseRequest& request,
                                v1::BackupDatabaseResponse* response);

  store::Store* const store_;
  const Access* const access_;
  auth::ApiKeyVerifier* const keys_;
  SerialExecutor* const writer_;
  store::MemberChangeListener* const listener_;
  const Clock* const clock_;
  std::string backup_dir_;
  WorkerPool* backup_pool_ = nullptr;
};

}  // namespace rapport::api

#endif  // RAPPORT_SERVER_API_ADMIN_SERVICE_H_
