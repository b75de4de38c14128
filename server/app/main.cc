// rapportd: the Rapport server.
//
//   rapportd --listen=127.0.0.1:50051 --db=rapport.db
//   --metrics_listen=127.0.0.1:9464
//
// SIGTERM or SIGINT: report NOT_SERVING, finish in-flight calls within
// --shutdown_grace, close the store, exit 0.
//
// Exit codes: 0 stopped by a signal; 1 could not start (the message says
// why); 2 bad flags; 3 the database is damaged (refused by the integrity
// check, --integrity_check); 4 the disk holding the database is full.
#include <pthread.h>
#include <signal.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "server/app/server.h"
#include "server/auth/api_keys.h"
#include "server/common/clock.h"

ABSL_FLAG(std::string, listen, "127.0.0.1:50051",
          "gRPC address HOST:PORT (port 0 picks a free port)");
ABSL_FLAG(std::string, db, "rapport.db",
          "SQLite database file, created when missing; or a PostgreSQL "
          "database, postgresql://USER@HOST:PORT/DB (also postgres://), "
          "which several rapportd replicas may share");
ABSL_FLAG(int, db_connections, 8,
          "PostgreSQL: the most connections open to the database at once "
          "(1-1000)");
ABSL_FLAG(absl::Duration, change_poll, absl::Milliseconds(500),
          "PostgreSQL: how often the changes other replicas made are read; a "
          "write through any replica shows in this one's scores within this "
          "plus --score_refresh");
ABSL_FLAG(std::string, backup_dir, "",
          "directory where AdminService.BackupDatabase writes backups (an "
          "existing directory, best on another disk than --db); empty "
          "refuses backups");
ABSL_FLAG(std::string, metrics_listen, "127.0.0.1:9464",
          "HTTP address HOST:PORT of /metrics, the leaderboard page (/) and "
          "the API over the Connect protocol (/rapport.v1.*); empty to "
          "disable");
ABSL_FLAG(int, http_threads, 8,
          "threads serving the HTTP port (scrapes, the page and Connect "
          "calls share them; each holds one connection at a time), 1 to "
          "1024");
ABSL_FLAG(double, decline_points, 5,
          "a member whose SSI fell by at least this many points in 7 days is "
          "declining: the default of ListDecliningMembers' min_drop, the "
          "page's badge and rapport_team_members_declining (> 0, <= 100)");
ABSL_FLAG(double, score_floor, 40,
          "the SSI below which a member is flagged as falling behind: "
          "forecasts give the day a score would cross it (> 0, <= 100)");
ABSL_FLAG(int, metrics_member_top_k, 10,
          "export per-member metrics only for the best and the worst K "
          "members of each team (0-10000; 0 for none)");
ABSL_FLAG(bool, metrics_all_members, false,
          "export per-member metrics for every member, whatever "
          "--metrics_member_top_k says (a scrape then grows with the reps)");
ABSL_FLAG(int, max_batch_events, 1000,
          "the most events one IngestEvents message may carry (1-100000)");
ABSL_FLAG(int, max_message_bytes, 16 << 20,
          "the largest gRPC message accepted, in bytes (1 KiB - 1 GiB)");
ABSL_FLAG(int, max_queued_calls, 1000,
          "slow calls (reports, leaderboards, past instants) waiting for a "
          "worker thread beyond which such a call is answered UNAVAILABLE");
ABSL_FLAG(int, max_queued_writes, 1000,
          "Writes waiting for the single writer beyond which a client's write "
          "is answered RESOURCE_EXHAUSTED with a retry hint");
ABSL_FLAG(int64_t, grpc_memory_bytes, int64_t{2} << 30,
          "Memory gRPC may use for call buffers (resource quota), bytes; "
          "near it gRPC closes idle connections and cancels calls with "
          "RESOURCE_EXHAUSTED; 0: no bound");
ABSL_FLAG(int, grpc_max_threads, 64,
          "Threads gRPC may create for its synchronous services (resource "
          "quota); 0: no bound");
ABSL_FLAG(int, max_concurrent_streams, 100,
          "Concurrent calls per client connection; more wait on the client");
ABSL_FLAG(absl::Duration, max_clock_skew, absl::Minutes(5),
          "how far in the future an event may be dated");
ABSL_FLAG(std::string, model_config, "",
          "scoring model config file (JSON or .textproto); empty for the "
          "built-in default (deploy/scoring/ssi-default.json)");
ABSL_FLAG(int, min_group_size, 5,
          "teams and industries smaller than this get no averages or ranks");
ABSL_FLAG(absl::Duration, score_refresh, absl::Seconds(1),
          "cached scores, ranks and outreach reports take in new events at "
          "most this often");
ABSL_FLAG(absl::Duration, recommendation_reuse, absl::Seconds(10),
          "a member's current recommendations are served again for this "
          "long once computed, until the member's events or profile change "
          "(0: computed on every call)");
ABSL_FLAG(int, history_days, 90,
          "days of daily score history kept current and backfilled (1-366)");
ABSL_FLAG(absl::Duration, history_interval, absl::Seconds(30),
          "how often the daily score history is brought up to date; 0 to "
          "disable");
ABSL_FLAG(int, retention_days, 0,
          "days of events and score history kept before today; older ones "
          "are removed in the background. 0 keeps everything; otherwise at "
          "least the scoring model's window_days and --history_days");
ABSL_FLAG(absl::Duration, retention_interval, absl::Minutes(5),
          "how often retention looks for what to remove; 0 to never run it");
ABSL_FLAG(absl::Duration, score_changes_interval, absl::Seconds(60),
          "how often the score changes feed (ListScoreChanges) records the "
          "members whose SSI changed; 0 to never run it");
ABSL_FLAG(std::string, tls_cert_file, "",
          "PEM certificate (chain) of both ports; turns TLS on. Re-read when "
          "it changes (no restart needed to rotate it)");
ABSL_FLAG(std::string, tls_key_file, "", "PEM private key of --tls_cert_file");
ABSL_FLAG(std::string, tls_client_ca_file, "",
          "PEM CA bundle that signs client certificates (mutual TLS)");
ABSL_FLAG(std::string, tls_client_auth, "none",
          "client certificates: none, request (verified when presented) or "
          "require (refused without a valid one)");
ABSL_FLAG(std::string, auth, "on",
          "on: every call needs a credential (API key, OIDC token or client "
          "certificate) and may do only what its role allows; off: every "
          "call acts as an admin of tenant \"default\", allowed only on "
          "loopback addresses");
ABSL_FLAG(bool, audit_reads, false,
          "also record every member score read (GetScore, BatchGetScores, "
          "GetScoreHistory) in the audit trail; changes are always recorded");
ABSL_FLAG(std::string, reflection, "authenticated",
          "gRPC server reflection: open, authenticated or off");
ABSL_FLAG(absl::Duration, key_cache_ttl, absl::Seconds(10),
          "how long a verified API key is trusted before the database is "
          "read again (a revocation through another server takes effect "
          "within it)");
ABSL_FLAG(std::string, auth_config, "",
          "identity providers (OIDC), client certificate rules and trusted "
          "proxies: a rapport.config.v1.AuthConfig file (JSON or textproto); "
          "empty for API keys only");
ABSL_FLAG(std::string, bootstrap_admin_key, "",
          "offline: create this tenant if missing, print a new admin API key "
          "of it on stdout (shown once) and exit");
ABSL_FLAG(std::string, integrity_check, "quick",
          "how the database is checked before it is served: quick (header, "
          "schema, small tables page by page; seconds on any size), full "
          "(every page; grows with the database) or off. A damaged "
          "database is refused (exit code 3)");
ABSL_FLAG(int, db_cache_mib, 32,
          "the page cache of each database connection (the writer and four "
          "readers), in MiB, 1-4096: the store's memory grows up to five "
          "times this");
ABSL_FLAG(int, background_nice, 10,
          "the nice value (0-19) of background work (board builds and "
          "refreshes, the outreach cache, history, retention, the score "
          "changes feed), so that it yields the CPU to calls; 0 for none");
ABSL_FLAG(absl::Duration, shutdown_grace, absl::Seconds(10),
          "how long in-flight calls may run after SIGTERM");

namespace {

constexpr int kExitCorrupt = 3;
constexpr int kExitDiskFull = 4;

// Says why the store of `db_path` could not be opened or served, with what
// to do, and returns the exit code.
int ReportStartFailure(const absl::Status& status, const std::string& db) {
  const std::string db_path = rapport::app::RedactedDb(db);
  switch (status.code()) {
    case absl::StatusCode::kDataLoss:
      std::fprintf(stderr,
                   "rapportd: the database %s is damaged (%s): refusing to "
                   "serve it. Restore it from a backup (AdminService."
                   "BackupDatabase copies); see docs/storage-faults.md\n",
                   db_path.c_str(), std::string(status.message()).c_str());
      return kExitCorrupt;
    case absl::StatusCode::kResourceExhausted:
      std::fprintf(stderr,
                   "rapportd: the disk holding the database %s is full (%s): "
                   "free space on it and start again\n",
                   db_path.c_str(), std::string(status.message()).c_str());
      return kExitDiskFull;
    default:
      std::fprintf(stderr, "rapportd: %s\n",
                   std::string(status.message()).c_str());
      return 1;
  }
}

// HOST:PORT with a numeric port; the host may be [v6].
bool IsHostPort(const std::string& address) {
  const size_t colon = address.rfind(':');
  if (colon == std::string::npos || colon == 0) return false;
  int port = -1;
  return absl::SimpleAtoi(address.substr(colon + 1), &port) && port >= 0 &&
         port <= 65535;
}

// The options, or a message saying which flag is wrong.
std::string ReadOptions(rapport::app::ServerOptions* options) {
  options->listen = absl::GetFlag(FLAGS_listen);
  options->db_path = absl::GetFlag(FLAGS_db);
  options->db_connections = absl::GetFlag(FLAGS_db_connections);
  if (options->db_connections < 1 || options->db_connections > 1000) {
    return "--db_connections must be between 1 and 1000";
  }
  options->change_poll = absl::GetFlag(FLAGS_change_poll);
  if (options->change_poll <= absl::ZeroDuration()) {
    return "--change_poll must be positive";
  }
  options->backup_dir = absl::GetFlag(FLAGS_backup_dir);
  options->metrics_listen = absl::GetFlag(FLAGS_metrics_listen);
  options->http_threads = absl::GetFlag(FLAGS_http_threads);
  options->decline_points = absl::GetFlag(FLAGS_decline_points);
  options->score_floor = absl::GetFlag(FLAGS_score_floor);
  options->metrics_member_top_k = absl::GetFlag(FLAGS_metrics_member_top_k);
  options->metrics_all_members = absl::GetFlag(FLAGS_metrics_all_members);
  options->max_message_bytes = absl::GetFlag(FLAGS_max_message_bytes);
  options->max_queued_calls = absl::GetFlag(FLAGS_max_queued_calls);
  options->max_queued_writes = absl::GetFlag(FLAGS_max_queued_writes);
  options->grpc_memory_bytes = absl::GetFlag(FLAGS_grpc_memory_bytes);
  options->grpc_max_threads = absl::GetFlag(FLAGS_grpc_max_threads);
  options->max_concurrent_streams = absl::GetFlag(FLAGS_max_concurrent_streams);
  options->activity.max_batch_events = absl::GetFlag(FLAGS_max_batch_events);
  options->activity.validation.max_clock_skew =
      absl::GetFlag(FLAGS_max_clock_skew);
  options->model_config = absl::GetFlag(FLAGS_model_config);
  options->board.min_group_size = absl::GetFlag(FLAGS_min_group_size);
  options->board.refresh_interval = absl::GetFlag(FLAGS_score_refresh);
  options->recommendation_reuse = absl::GetFlag(FLAGS_recommendation_reuse);
  options->scoring.validation = options->activity.validation;
  options->outreach.validation = options->activity.validation;
  options->history.backfill_days = absl::GetFlag(FLAGS_history_days);
  options->history_interval = absl::GetFlag(FLAGS_history_interval);
  // Checked against the scoring model by RapportServer::Start.
  options->retention_days = absl::GetFlag(FLAGS_retention_days);
  options->retention_interval = absl::GetFlag(FLAGS_retention_interval);
  if (options->history.backfill_days < 1 ||
      options->history.backfill_days > 366) {
    return "--history_days must be between 1 and 366";
  }
  if (options->history_interval < absl::ZeroDuration()) {
    return "--history_interval must not be negative";
  }
  options->score_changes_interval = absl::GetFlag(FLAGS_score_changes_interval);
  if (options->score_changes_interval < absl::ZeroDuration()) {
    return "--score_changes_interval must not be negative";
  }
  if (options->board.min_group_size < 1) {
    return "--min_group_size must be at least 1";
  }
  if (options->board.refresh_interval < absl::ZeroDuration()) {
    return "--score_refresh must not be negative";
  }
  if (options->recommendation_reuse < absl::ZeroDuration()) {
    return "--recommendation_reuse must not be negative";
  }
  if (!IsHostPort(options->listen)) {
    return absl::StrCat("--listen=", options->listen, " is not HOST:PORT");
  }
  if (options->http_threads < 1 || options->http_threads > 1024) {
    return absl::StrCat("--http_threads=", options->http_threads,
                        " is not between 1 and 1024");
  }
  if (!options->metrics_listen.empty() &&
      !IsHostPort(options->metrics_listen)) {
    return absl::StrCat("--metrics_listen=", options->metrics_listen,
                        " is not HOST:PORT");
  }
  // Written so that NaN fails too.
  if (!(options->decline_points > 0) || options->decline_points > 100) {
    return "--decline_points must be greater than 0 and at most 100";
  }
  if (!(options->score_floor > 0) || options->score_floor > 100) {
    return "--score_floor must be greater than 0 and at most 100";
  }
  if (options->metrics_member_top_k < 0 ||
      options->metrics_member_top_k > 10000) {
    return "--metrics_member_top_k must be between 0 and 10000";
  }
  if (options->db_path.empty()) {
    return "--db must name a file or a postgresql:// database";
  }
  if (options->activity.max_batch_events < 1 ||
      options->activity.max_batch_events > 100000) {
    return "--max_batch_events must be between 1 and 100000";
  }
  if (options->max_queued_calls < 1 || options->max_queued_calls > 1000000) {
    return "--max_queued_calls must be between 1 and 1000000";
  }
  if (options->max_queued_writes < 1 || options->max_queued_writes > 1000000) {
    return "--max_queued_writes must be between 1 and 1000000";
  }
  if (options->grpc_memory_bytes != 0 &&
      options->grpc_memory_bytes < 4 * int64_t{options->max_message_bytes}) {
    return "--grpc_memory_bytes must be 0 (no bound) or at least four times "
           "--max_message_bytes";
  }
  if (options->grpc_max_threads < 0 || options->grpc_max_threads == 1 ||
      options->grpc_max_threads > 100000) {
    return "--grpc_max_threads must be 0 (no bound) or between 2 and 100000";
  }
  if (options->max_concurrent_streams < 1 ||
      options->max_concurrent_streams > 100000) {
    return "--max_concurrent_streams must be between 1 and 100000";
  }
  if (options->max_message_bytes < 1024 ||
      options->max_message_bytes > (1 << 30)) {
    return "--max_message_bytes must be between 1024 and 1073741824";
  }
  if (options->activity.validation.max_clock_skew < absl::ZeroDuration()) {
    return "--max_clock_skew must not be negative";
  }
  const std::string auth = absl::GetFlag(FLAGS_auth);
  if (auth != "on" && auth != "off") return "--auth must be on or off";
  options->auth.enabled = auth == "on";
  absl::StatusOr<rapport::api::ReflectionAccess> reflection =
      rapport::api::ParseReflectionAccess(absl::GetFlag(FLAGS_reflection));
  if (!reflection.ok()) {
    return "--reflection must be open, authenticated or off";
  }
  options->auth.reflection = *reflection;
  options->auth.key_cache_ttl = absl::GetFlag(FLAGS_key_cache_ttl);
  options->audit_reads = absl::GetFlag(FLAGS_audit_reads);
  options->auth.config_file = absl::GetFlag(FLAGS_auth_config);
  options->tls.cert_file = absl::GetFlag(FLAGS_tls_cert_file);
  options->tls.key_file = absl::GetFlag(FLAGS_tls_key_file);
  options->tls.client_ca_file = absl::GetFlag(FLAGS_tls_client_ca_file);
  absl::StatusOr<rapport::transport::TlsOptions::ClientAuth> client_auth =
      rapport::transport::ParseClientAuth(absl::GetFlag(FLAGS_tls_client_auth));
  if (!client_auth.ok()) {
    return "--tls_client_auth must be none, request or require";
  }
  options->tls.client_auth = *client_auth;
  if (options->tls.enabled()) {
    if (absl::Status s = rapport::transport::CheckTlsFiles(options->tls);
        !s.ok()) {
      return std::string(s.message());
    }
  } else if (!options->tls.key_file.empty() ||
             !options->tls.client_ca_file.empty()) {
    return "--tls_key_file and --tls_client_ca_file need --tls_cert_file";
  }
  if (options->auth.key_cache_ttl < absl::ZeroDuration()) {
    return "--key_cache_ttl must not be negative";
  }
  absl::StatusOr<rapport::store::IntegrityCheck> integrity =
      rapport::store::ParseIntegrityCheck(absl::GetFlag(FLAGS_integrity_check));
  if (!integrity.ok()) return "--integrity_check must be quick, full or off";
  options->integrity_check = *integrity;
  options->db_cache_mib = absl::GetFlag(FLAGS_db_cache_mib);
  if (options->db_cache_mib < 1 || options->db_cache_mib > 4096) {
    return "--db_cache_mib must be between 1 and 4096";
  }
  options->background_nice = absl::GetFlag(FLAGS_background_nice);
  if (options->background_nice < 0 || options->background_nice > 19) {
    return "--background_nice must be between 0 and 19";
  }
  if (absl::GetFlag(FLAGS_shutdown_grace) < absl::ZeroDuration()) {
    return "--shutdown_grace must not be negative";
  }
  return "";
}

// --bootstrap_admin_key: makes the first admin key of a deployment against
// the database, offline, and prints it once.
int BootstrapAdminKey(const rapport::app::ServerOptions& options,
                      const std::string& tenant) {
  auto store = rapport::app::OpenStore(options);
  if (!store.ok()) return ReportStartFailure(store.status(), options.db_path);
  rapport::RealClock clock;
  absl::StatusOr<std::string> key =
      rapport::auth::BootstrapAdminKey(**store, tenant, clock.Now());
  if (!key.ok()) {
    std::fprintf(stderr, "rapportd: %s\n",
                 std::string(key.status().message()).c_str());
    return 1;
  }
  std::printf("%s\n", key->c_str());
  std::fprintf(stderr,
               "rapportd: a new admin key of tenant %s is printed above; it "
               "is shown only this once\n",
               tenant.c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "Rapport server: social selling scores over gRPC.\n"
      "  rapportd --listen=HOST:PORT --db=FILE [--metrics_listen=HOST:PORT]");
  std::vector<char*> rest = absl::ParseCommandLine(argc, argv);
  if (rest.size() > 1) {
    std::fprintf(stderr, "rapportd: unexpected argument '%s'\n", rest[1]);
    return 2;
  }
  rapport::app::ServerOptions options;
  if (std::string error = ReadOptions(&options); !error.empty()) {
    std::fprintf(stderr, "rapportd: %s\n", error.c_str());
    return 2;
  }

  if (const std::string tenant = absl::GetFlag(FLAGS_bootstrap_admin_key);
      !tenant.empty()) {
    return BootstrapAdminKey(options, tenant);
  }
  if (!options.auth.enabled) {
    std::fprintf(stderr,
                 "rapportd: WARNING: authentication is off: every caller is "
                 "an admin of tenant \"default\" (loopback only)\n");
  }

  // Block the stop signals in every thread (threads inherit the mask), and
  // wait for them here.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  rapport::RealClock clock;
  auto server = rapport::app::RapportServer::Start(options, &clock);
  if (!server.ok()) return ReportStartFailure(server.status(), options.db_path);
  std::fprintf(
      stderr, "rapportd: serving gRPC on port %d (db %s), metrics on %s\n",
      (*server)->port(), rapport::app::RedactedDb(options.db_path).c_str(),
      options.metrics_listen.empty()
          ? "(off)"
          : absl::StrCat("port ", (*server)->metrics_port()).c_str());
  std::fflush(stderr);

  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  std::fprintf(stderr, "rapportd: %s received, shutting down\n",
               signal_number == SIGINT ? "SIGINT" : "SIGTERM");
  if (!(*server)->Shutdown(absl::GetFlag(FLAGS_shutdown_grace))) {
    // A store call has not returned: waiting for it would break the grace.
    // Every acknowledged write is already durable; SQLite recovers the
    // rest of its journal at the next open.
    std::fprintf(stderr,
                 "rapportd: stopped without closing the database (a store "
                 "call did not return); acknowledged writes are durable\n");
    std::fflush(stderr);
    std::_Exit(0);
  }
  std::fprintf(stderr, "rapportd: stopped\n");
  return 0;
}
