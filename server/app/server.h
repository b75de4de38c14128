// RapportServer: opens the store, starts the gRPC services, health checking,
// reflection and the /metrics endpoint, and stops them in order. main()
// parses flags into ServerOptions; tests start it in-process on port 0.
#ifndef RAPPORT_SERVER_APP_SERVER_H_
#define RAPPORT_SERVER_APP_SERVER_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/api/activity_service.h"
#include "server/api/gatekeeper.h"
#include "server/api/outreach_service.h"
#include "server/api/recommendation_service.h"
#include "server/api/scoring_service.h"
#include "server/app/storage_health.h"
#include "server/board/score_board.h"
#include "server/common/clock.h"
#include "server/common/thread_priority.h"
#include "server/engine/history_options.h"
#include "server/engine/retention.h"
#include "server/scoring/model.h"
#include "server/store/integrity_check.h"
#include "server/store/store.h"
#include "server/transport/tls.h"

namespace rapport::app {

struct AuthOptions {
  // Off: every call acts as an admin of the tenant "default"; allowed only
  // when every listen address is loopback.
  bool enabled = false;
  api::ReflectionAccess reflection = api::ReflectionAccess::kAuthenticated;
  // How long a key read from the database is trusted before it is read
  // again (a revocation through another server takes effect within it).
  absl::Duration key_cache_ttl = absl::Seconds(10);
  // rapport.config.v1.AuthConfig (JSON or textproto): OIDC providers,
  // client certificate rules, trusted proxies. Empty: API keys only.
  std::string config_file;
};

struct ServerOptions {
  // gRPC address, HOST:PORT; port 0 picks a free port.
  std::string listen = "127.0.0.1:50051";
  // The SQLite database file (created when missing); ":memory:" for tests.
  // Or a PostgreSQL database, postgresql://… (store::pg::IsPgUri), which
  // several rapportd processes may share (docs/operations.md, "Several
  // replicas over PostgreSQL").
  std::string db_path = "rapport.db";
  // PostgreSQL: the most connections open to the database at once.
  int db_connections = 8;
  // PostgreSQL: how often the member changes other replicas made are read
  // (core/change_follower.h).
  absl::Duration change_poll = absl::Milliseconds(500);
  // PostgreSQL: how often this replica checks or takes the deployment's
  // lease (lease_duties.h): the takeover delay when its holder dies.
  absl::Duration lease_check = absl::Seconds(1);
  // How the database is checked before it is served (a damaged one makes
  // Start fail with DATA_LOSS); see store/integrity_check.h.
  store::IntegrityCheck integrity_check = store::IntegrityCheck::kQuick;
  // The SQLite VFS of the database's connections; empty for the default.
  std::string db_vfs;
  // The page cache of each database connection (the writer and four
  // readers), in MiB; >= 1. The store's memory grows up to five times this.
  int db_cache_mib = 32;
  // The nice value (0-19) of the background threads: board builds and
  // refreshes, the outreach cache, the history recorder, retention and the
  // score changes feed yield the CPU to the threads that answer calls
  // (thread_priority.h). 0 runs them at the process's priority.
  int background_nice = kBackgroundNice;
  // How often storage is probed while it fails, and while it works; health
  // is NOT_SERVING while storage fails (see storage_health.h).
  StorageHealthOptions storage_health;
  // The directory AdminService.BackupDatabase writes backups to; empty
  // refuses backups (FAILED_PRECONDITION). Checked at start: it must exist.
  std::string backup_dir;
  // HTTP address of /metrics, the leaderboard page (/) and the API over
  // the Connect protocol (/rapport.v1.*); empty serves none of them.
  std::string metrics_listen;
  // The threads serving the HTTP port's requests (scrapes, the page and
  // Connect calls share them; each holds one connection at a time).
  int http_threads = 8;
  // The one threshold of "declining": a member whose SSI fell by at least
  // this many points (in seven days, unless a request names another
  // period) is listed by ListDecliningMembers by default, flagged on the
  // leaderboard page and counted by rapport_team_members_declining. Greater
  // than 0.
  double decline_points = 5;
  // The SSI below which a member is flagged as falling behind:
  // Score.below_floor_time, the page's forecast badge and
  // rapport_team_members_forecast_below_floor. In (0, 100].
  double score_floor = 40;
  // Per-member metrics only for the best and worst this many members of each
  // team (0 for none), unless metrics_all_members.
  int metrics_member_top_k = 10;
  // Per-member metrics for every member.
  bool metrics_all_members = false;
  // The largest gRPC message accepted, in bytes.
  int max_message_bytes = 16 << 20;
  // Calls that can be slow (reports, leaderboards, past instants) run on a
  // pool of worker threads; beyond this many waiting for one, such a call
  // is answered UNAVAILABLE at once.
  int max_queued_calls = 1000;
  // Every store write waits in one queue for the single writer thread;
  // beyond this many waiting, a client's write (ingest, member changes,
  // erasures) is answered RESOURCE_EXHAUSTED with a retry hint instead of
  // growing the queue. At least 1.
  int max_queued_writes = 1000;
  // The memory gRPC may use for the calls' buffers (grpc::ResourceQuota),
  // in bytes. Near it gRPC reclaims memory: it closes idle connections and
  // cancels calls with RESOURCE_EXHAUSTED. Set it above the expected peak
  // (max_concurrent_streams messages of max_message_bytes per busy
  // connection) and below the memory the process may use. 0 for no bound.
  int64_t grpc_memory_bytes = int64_t{2} << 30;
  // The threads gRPC may create for its synchronous services (reflection)
  // (grpc::ResourceQuota::SetMaxThreads). 0 for no bound.
  int grpc_max_threads = 64;
  // Concurrent calls one connection may carry
  // (GRPC_ARG_MAX_CONCURRENT_STREAMS); more wait on the client.
  int max_concurrent_streams = 100;
  api::ActivityServiceOptions activity;
  api::ScoringServiceOptions scoring;
  api::OutreachServiceOptions outreach;
  api::RecommendationServiceOptions recommendation;
  // A member's current recommendations are served again for this long once
  // computed, until the member changes (core::NextActions); zero computes
  // them on every call.
  absl::Duration recommendation_reuse = absl::Seconds(10);
  board::ScoreBoardOptions board;
  // The scoring model's config file (JSON or textproto); empty for the
  // built-in default model.
  std::string model_config;
  // Daily score history: how far back it is kept and backfilled, and how
  // often the recorder looks for days to record (zero: only on demand).
  engine::HistoryOptions history;
  absl::Duration history_interval = absl::Seconds(30);
  // Retention: the events and score snapshots of the last retention_days
  // UTC days before today (and today's) are kept, older ones removed by a
  // background task every retention_interval (zero: only on demand). 0 keeps
  // everything; otherwise at least the scoring model's window_days and
  // history.backfill_days (see CheckRetention).
  int retention_days = 0;
  absl::Duration retention_interval = absl::Minutes(5);
  // The score changes feed (ListScoreChanges): how often the tracker
  // compares every member's current SSI with the feed and records the
  // changes (zero: only on demand, TrackScoreChanges()). The first pass
  // runs one interval after the start.
  absl::Duration score_changes_interval = absl::Seconds(60);
  AuthOptions auth;
  // Record every member score read (GetScore, BatchGetScores,
  // GetScoreHistory) in the audit trail; changes are always recorded.
  bool audit_reads = false;
  // TLS (and mutual TLS) on both ports when tls.cert_file is set; required
  // to listen beyond loopback.
  transport::TlsOptions tls;
};

// Whether `address` (HOST:PORT) is a loopback address: 127.0.0.0/8,
// localhost or [::1].
bool IsLoopback(const std::string& address);

// OK when retention_days is 0, or at least both the model's window_days (so
// that retention never takes an event out of today's scoring window) and
// history.backfill_days (so that the days of recorded history keep their
// events); INVALID_ARGUMENT naming --retention_days otherwise, and for a
// negative retention_days or retention_interval.
absl::Status CheckRetention(const ServerOptions& options,
                            const scoring::ScoringModel& model);

// Opens the store options.db_path names: a PostgreSQL database
// (store::pg::PgStore, options.db_connections) for a postgresql:// or
// postgres:// URI, a SQLite file (store::SqliteStore, with the integrity
// check, VFS and cache of the options) otherwise. The stores' errors.
absl::StatusOr<std::unique_ptr<store::Store>> OpenStore(
    const ServerOptions& options);

// `db` as it may be logged: a URI's password (user:PASSWORD@ or
// password=PASSWORD) replaced by "***".
std::string RedactedDb(const std::string& db);

class RapportServer {
 public:
  // Starts serving; health reports SERVING once every tenant's score board
  // is built, and while storage works (NOT_SERVING while it fails, see
  // storage_health.h). Errors:
  // the model config's (INVALID_ARGUMENT or NOT_FOUND naming the file), the
  // store's (FAILED_PRECONDITION for a database from a newer version,
  // DATA_LOSS for a damaged one, RESOURCE_EXHAUSTED when the disk is full),
  // UNAVAILABLE when an address cannot be bound. `clock` must
  // outlive the server.
  static absl::StatusOr<std::unique_ptr<RapportServer>> Start(
      const ServerOptions& options, const Clock* clock);
  // The same over `store`, already open, instead of options.db_path (which
  // is then unused); a null `store` opens options.db_path. For tests that
  // put a decorator between the services and the database.
  static absl::StatusOr<std::unique_ptr<RapportServer>> Start(
      const ServerOptions& options, const Clock* clock,
      std::unique_ptr<store::Store> store);

  // Calls Shutdown with a short grace period if it was not called.
  ~RapportServer();

  int port() const;          // The gRPC port bound.
  int metrics_port() const;  // 0 when metrics are off.

  // Records the daily score history now (what the background recorder does
  // every history_interval). Returns the snapshots written.
  absl::StatusOr<int64_t> RecordHistory();

  // Applies retention now (what the background task does every
  // retention_interval); nothing when retention_days is 0.
  absl::StatusOr<engine::RetentionTotals> ApplyRetention();

  // Records the score changes now (what the tracker does every
  // score_changes_interval). Returns the feed rows written.
  absl::StatusOr<int64_t> TrackScoreChanges();

  // Reports NOT_SERVING and lets in-flight calls finish for up to `grace`.
  // Then every write not started is answered UNAVAILABLE "server is
  // shutting down" (also the one the writer is running, whose outcome the
  // client then does not know), half a second later the calls still running
  // are cancelled, the background tasks stop and the store closes. Returns
  // true once all of that is done; false when it is not done kStopAllowance
  // after the grace (a store call that does not return): the destructor then
  // waits for it, a process may exit (acknowledged writes are durable).
  // Idempotent.
  bool Shutdown(absl::Duration grace);

  // How long Shutdown waits, after its grace, for the server to stop.
  static constexpr absl::Duration kStopAllowance = absl::Seconds(2);

 private:
  struct Parts;
  // Adds the Connect protocol's routes to the HTTP port for every method
  // of the registered services.
  static absl::Status ServeConnect(const ServerOptions& options, Parts& parts);
  explicit RapportServer(std::unique_ptr<Parts> parts);
  std::unique_ptr<Parts> parts_;
};

}  // namespace rapport::app

#endif  // RAPPORT_SERVER_APP_SERVER_H_
