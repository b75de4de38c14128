// `rapport admin ...`: tenants, API keys, erasure of a contact, the audit
// trail and backups (AdminService). A new key's
// secret is printed alone on stdout, once (`> key.txt` keeps just the key);
// what it is goes to stderr. With --json the whole response is printed.
#ifndef RAPPORT_CLIENT_CLI_ADMIN_COMMANDS_H_
#define RAPPORT_CLIENT_CLI_ADMIN_COMMANDS_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "client/cli/env.h"

namespace rapport::cli {

struct CreateTenantOptions {
  std::string tenant_id;
  std::string display_name;
  // "full", "ranks_only", "none", or empty for the default (ranks only).
  std::string rep_leaderboard;
};
absl::Status RunCreateTenant(Env& env, const CreateTenantOptions& options);

struct CreateKeyOptions {
  std::string name;
  std::string role;                // admin, integration, manager, rep, metrics
  std::vector<std::string> teams;  // manager
  std::string member_id;           // rep
  std::optional<absl::Time> expire_time;
};
absl::Status RunCreateApiKey(Env& env, const CreateKeyOptions& options);

absl::Status RunListApiKeys(Env& env, bool show_revoked);

absl::Status RunRevokeApiKey(Env& env, const std::string& key_id);

// Backs up the whole database into the server's backup directory
// (`name` empty: a name from the time) and prints the file's name, size,
// events, snapshot time and how long the copy took.
absl::Status RunBackupDatabase(Env& env, const std::string& name);

// Erases one contact across the tenant and prints what was removed.
absl::Status RunEraseContact(Env& env, const std::string& contact_id);

struct AuditOptions {
  std::string principal;  // Empty: any.
  std::string target;     // Empty: any.
  std::optional<absl::Time> start;
  std::optional<absl::Time> end;
  int max_results = 0;  // 0: 100.
};
// Prints the audit trail, newest first, one entry per line, following pages
// up to max_results entries.
absl::Status RunAudit(Env& env, const AuditOptions& options);

}  // namespace rapport::cli

#endif  // RAPPORT_CLIENT_CLI_ADMIN_COMMANDS_H_
