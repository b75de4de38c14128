#include "server/app/server.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "google/protobuf/descriptor.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/resource_quota.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server.h"
#include "grpcpp/server_builder.h"
#include "grpcpp/support/channel_arguments.h"
#include "prometheus/gauge.h"
#include "prometheus/registry.h"
#include "rapport/v1/outreach.grpc.pb.h"
#include "rapport/v1/recommendation.grpc.pb.h"
#include "rapport/v1/scoring.grpc.pb.h"
#include "server/api/access.h"
#include "server/api/admin_service.h"
#include "server/api/gatekeeper.h"
#include "server/api/goal_annotations.h"
#include "server/api/goal_service.h"
#include "server/api/parse_error.h"
#include "server/api/read_audit.h"
#include "server/api/validation_service.h"
#include "server/app/http_access.h"
#include "server/app/lease_duties.h"
#include "server/app/storage_health.h"
#include "server/auth/api_keys.h"
#include "server/auth/auth_config.h"
#include "server/auth/authenticator.h"
#include "server/auth/oidc.h"
#include "server/common/serial_executor.h"
#include "server/common/worker_pool.h"
#include "server/connect/handler.h"
#include "server/connect/method_table.h"
#include "server/core/change_follower.h"
#include "server/core/goals.h"
#include "server/core/outreach_cache.h"
#include "server/core/outreach_reports.h"
#include "server/core/recommendations.h"
#include "server/core/score_changes.h"
#include "server/core/scores.h"
#include "server/core/top_actions.h"
#include "server/core/validation.h"
#include "server/engine/history_recorder.h"
#include "server/engine/retention.h"
#include "server/metrics/goal_metrics.h"
#include "server/metrics/grpc_server_metrics.h"
#include "server/metrics/ingest_metrics.h"
#include "server/metrics/leaderboard_metrics.h"
#include "server/metrics/metrics_endpoint.h"
#include "server/scoring/config/loader.h"
#include "server/store/member_change_listener.h"
#include "server/store/pg/pg_store.h"
#include "server/store/sqlite_store.h"
#include "server/store/storage_observer.h"
#include "server/web/leaderboard_page.h"

namespace rapport::app {

constexpr const char* kServiceNames[] = {
    "rapport.v1.ActivityService",  "rapport.v1.ScoringService",
    "rapport.v1.OutreachService",  "rapport.v1.RecommendationService",
    "rapport.v1.AdminService",     "rapport.v1.GoalService",
    "rapport.v1.ValidationService"};

// The URL path prefix of the Connect protocol's routes: every service
// above is in this package.
constexpr char kConnectPrefix[] = "/rapport.v1.";

// Members at risk whose top action one scrape computes afresh (each costs a
// read of the member's aggregates); the others keep the one found before.
constexpr int kTopActionsPerScrape = 50;

// Declared in the order they are built; destroyed in reverse.
struct RapportServer::Parts {
  std::unique_ptr<store::Store> store;
  std::shared_ptr<prometheus::Registry> registry;
  std::unique_ptr<metrics::IngestMetrics> ingest_metrics;
  // Its interceptors refer to it: outlives grpc_server.
  std::unique_ptr<metrics::GrpcServerMetrics> grpc_metrics;
  std::unique_ptr<SerialExecutor> writer;
  scoring::ScoringModel model;
  std::unique_ptr<board::ScoreBoard> score_board;
  std::unique_ptr<core::OutreachCache> outreach_cache;
  // Shows goals with scores; told of changed members.
  std::unique_ptr<core::GoalTracker> goal_tracker;
  // Recommendations; drops a member's kept ones when told of a change.
  std::unique_ptr<core::NextActions> next_actions;
  // Tells score_board, outreach_cache, goal_tracker and next_actions of
  // changed members.
  std::unique_ptr<store::MemberChangeFanOut> member_changes;
  // A store shared with other replicas: tells member_changes of their
  // writes. Null otherwise.
  std::unique_ptr<core::ChangeFollower> follower;
  std::unique_ptr<engine::HistoryRecorder> history;
  // Posts its steps to `writer` and tells `member_changes`: destroyed first.
  std::unique_ptr<engine::RetentionTask> retention;
  // Posts its writes to `writer` and reads score_board: destroyed first.
  std::unique_ptr<core::ScoreChangeFeed> score_changes;
  // A shared store: runs history, retention and score_changes only while
  // this replica holds the lease, and says whether the tenant series are
  // exported. Null for a store of one process (all of that always runs).
  std::unique_ptr<LeaseDuties> lease;
  prometheus::Gauge* lease_held = nullptr;
  std::unique_ptr<core::ScoreQueries> scores;
  std::unique_ptr<core::OutreachReports> outreach_reports;
  std::unique_ptr<core::TopActions> top_actions;  // For the metrics.
  std::unique_ptr<core::ScoreValidation> validation;
  std::unique_ptr<auth::ApiKeyVerifier> api_keys;
  config::v1::AuthConfig auth_config;
  std::unique_ptr<auth::OidcVerifier> oidc;
  std::unique_ptr<auth::Authenticator> authenticator;
  std::unique_ptr<api::Gatekeeper> gatekeeper;
  std::unique_ptr<api::Access> access;
  std::unique_ptr<api::ReadAuditLog> read_audit;
  std::unique_ptr<api::AdminServiceImpl> admin;
  std::unique_ptr<api::ActivityServiceImpl> activity;
  std::unique_ptr<api::ScoringServiceImpl> scoring;
  std::unique_ptr<api::OutreachServiceImpl> outreach;
  std::unique_ptr<api::RecommendationServiceImpl> recommendation;
  std::unique_ptr<api::GoalAnnotations> goal_annotations;
  std::unique_ptr<api::GoalServiceImpl> goals;
  std::unique_ptr<api::ValidationServiceImpl> validation_service;
  std::unique_ptr<grpc::Server> grpc_server;
  // Runs the slow calls of the services above: stopped before them.
  std::unique_ptr<WorkerPool> call_pool;
  // Parses and validates IngestEvents messages: stopped before the
  // services.
  std::unique_ptr<WorkerPool> parse_pool;
  // Builds every tenant's board after a start, then reports SERVING.
  std::thread warmer;
  absl::Notification stop_warming;
  // Serving = boards built (by the warmer) and storage working; the last
  // state set is kept so that the two sources never undo each other.
  absl::Mutex serving_mu;
  bool boards_ready ABSL_GUARDED_BY(serving_mu) = false;
  bool storage_works ABSL_GUARDED_BY(serving_mu) = true;
  bool stopping ABSL_GUARDED_BY(serving_mu) = false;
  // Sets the health status from the three above.
  void PublishServing() ABSL_EXCLUSIVE_LOCKS_REQUIRED(serving_mu);
  // The store, when its storage can be watched (a SqliteStore, or a
  // decorator of one); then storage_health watches it and tells the health
  // service through PublishServing.
  store::ObservableStorage* observable = nullptr;
  std::unique_ptr<StorageHealth> storage_health;
  // Called by metrics_endpoint's requests: outlives it.
  std::unique_ptr<HttpGate> http_gate;
  // Serves the API on the HTTP port through grpc_server's in-process
  // channel; called by metrics_endpoint's requests: outlives it.
  std::unique_ptr<connect::ConnectHandler> connect;
  std::unique_ptr<metrics::MetricsEndpoint> metrics_endpoint;
  int port = 0;
  bool shut_down = false;
  // Stops the parts above in order (Shutdown); notifies torn_down when all
  // are stopped and the store is closed.
  std::thread teardown;
  absl::Notification torn_down;
};

namespace {

// What of the configuration shapes what the server shows and keeps.
std::string ConfigurationSummary(const ServerOptions& options,
                                 const scoring::ScoringModel& model) {
  return absl::StrCat("model_version=", model.version,
                      " auth=", options.auth.enabled ? "on" : "off",
                      " tls=", options.tls.enabled() ? "on" : "off",
                      " audit_reads=", options.audit_reads ? "on" : "off",
                      " history_days=", options.history.backfill_days,
                      " retention_days=", options.retention_days,
                      " decline_points=", options.decline_points,
                      " score_floor=", options.score_floor);
}

// Records the configuration in each tenant's audit trail when it differs
// from the one last recorded there: a configuration change is audited when
// the server starts with it.
absl::Status AuditConfiguration(store::Store& store,
                                const ServerOptions& options,
                                const scoring::ScoringModel& model,
                                absl::Time now) {
  absl::StatusOr<std::vector<store::TenantId>> tenants = store.ListTenants();
  if (!tenants.ok()) return tenants.status();
  const std::string summary = ConfigurationSummary(options, model);
  std::vector<store::AuditEntry> entries;
  for (const store::TenantId& tenant : *tenants) {
    store::AuditQuery last;
    last.principal = "rapportd";
    last.targets = {"configuration"};
    last.page_size = 1;
    absl::StatusOr<store::AuditPage> page = store.ListAudit(tenant, last);
    if (!page.ok()) return page.status();
    if (!page->entries.empty() && page->entries[0].detail == summary) continue;
    store::AuditEntry& entry = entries.emplace_back();
    entry.tenant = tenant;
    entry.time = now;
    entry.principal = "rapportd";
    entry.role = "system";
    entry.method = "start";
    entry.target = "configuration";
    entry.detail = summary;
  }
  return store.AppendAudit(entries);
}

void SetServing(grpc::Server& server, bool serving) {
  grpc::HealthCheckServiceInterface* health = server.GetHealthCheckService();
  if (health == nullptr) return;
  health->SetServingStatus(serving);
  for (const char* name : kServiceNames) {
    health->SetServingStatus(name, serving);
  }
}

// The credentials of the gRPC port. With authentication on and no TLS the
// port is loopback-only (gRPC's local credentials, which refuse any other
// peer), which is what lets the gatekeeper's processor run.
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> PortCredentials(
    const transport::TlsOptions& tls, api::Gatekeeper& gatekeeper) {
  std::shared_ptr<grpc::ServerCredentials> credentials;
  if (tls.enabled()) {
    absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> secure =
        transport::GrpcServerCredentials(tls);
    if (!secure.ok()) return secure.status();
    credentials = *std::move(secure);
  } else if (gatekeeper.enabled()) {
    credentials = grpc::experimental::LocalServerCredentials(LOCAL_TCP);
  } else {
    return grpc::InsecureServerCredentials();
  }
  if (gatekeeper.enabled()) {
    credentials->SetAuthMetadataProcessor(gatekeeper.Processor());
  }
  return credentials;
}

// The principals the client certificate rules of the auth config map to.
std::vector<auth::CertRule> CertRulesOf(const config::v1::AuthConfig& config) {
  std::vector<auth::CertRule> rules;
  for (const config::v1::ClientCertRule& rule : config.client_certs()) {
    auth::CertRule out;
    out.uri_san = rule.uri_san();
    out.subject = rule.subject();
    out.principal.tenant = rule.tenant();
    out.principal.role =
        auth::ParseRole(rule.role()).value_or(auth::Role::kRep);
    out.principal.member_id = rule.member_id();
    out.principal.teams.assign(rule.teams().begin(), rule.teams().end());
    std::sort(out.principal.teams.begin(), out.principal.teams.end());
    out.principal.teams.erase(
        std::unique(out.principal.teams.begin(), out.principal.teams.end()),
        out.principal.teams.end());
    out.principal.id = absl::StrCat(
        "cert:", rule.has_uri_san() ? rule.uri_san() : rule.subject());
    rules.push_back(std::move(out));
  }
  return rules;
}

// Admits a Connect call as the gRPC port would admit the same call: the
// caller identified by the HTTP gate, the method's permission from the
// same rules, the principal handed to the handlers through a pass that
// only in-process calls can present.
connect::Admit ConnectAdmission(const api::Gatekeeper* gatekeeper,
                                const HttpGate* gate) {
  return [gatekeeper, gate](
             const metrics::HttpCaller& caller,
             absl::string_view method) -> absl::StatusOr<connect::Admission> {
    if (!gatekeeper->enabled()) {
      absl::StatusOr<auth::Principal> local = gatekeeper->AdmitIdentified(
          method, absl::UnauthenticatedError("authentication is off"));
      if (!local.ok()) return local.status();
      return connect::Admission{};
    }
    absl::StatusOr<auth::Principal> principal = gatekeeper->AdmitIdentified(
        method, gate != nullptr
                    ? gate->Identify(caller)
                    : absl::UnauthenticatedError("the HTTP port has no gate"));
    if (!principal.ok()) return principal.status();
    std::shared_ptr<const api::InProcessPass> pass =
        gatekeeper->Vouch(*std::move(principal));
    connect::Admission admission;
    admission.metadata.emplace_back(api::kInProcessPassKey, pass->value());
    admission.hold = std::move(pass);
    return admission;
  };
}

absl::Status CheckExposure(const ServerOptions& options) {
  const bool loopback =
      IsLoopback(options.listen) &&
      (options.metrics_listen.empty() || IsLoopback(options.metrics_listen));
  if (loopback) return absl::OkStatus();
  if (!options.auth.enabled) {
    return absl::InvalidArgumentError(
        "authentication may be off only when every listen address is "
        "loopback");
  }
  if (!options.tls.enabled()) {
    return absl::InvalidArgumentError(
        "listening on a non-loopback address needs TLS "
        "(--tls_cert_file and --tls_key_file)");
  }
  return absl::OkStatus();
}

}  // namespace

void RapportServer::Parts::PublishServing() {
  SetServing(*grpc_server, boards_ready && storage_works && !stopping);
}

bool IsLoopback(const std::string& address) {
  const size_t colon = address.rfind(':');
  const std::string host =
      colon == std::string::npos ? address : address.substr(0, colon);
  return host == "localhost" || host == "[::1]" ||
         absl::StartsWith(host, "127.");
}

absl::Status CheckRetention(const ServerOptions& options,
                            const scoring::ScoringModel& model) {
  if (options.retention_interval < absl::ZeroDuration()) {
    return absl::InvalidArgumentError(
        "--retention_interval must not be negative");
  }
  const int days = options.retention_days;
  if (days < 0) {
    return absl::InvalidArgumentError("--retention_days must not be negative");
  }
  if (days == 0) return absl::OkStatus();
  if (days < model.window_days) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--retention_days=", days, " is shorter than the scoring window (",
        model.window_days,
        " days of the scoring model): scores would lose events; use 0 to keep "
        "everything or at least ",
        model.window_days));
  }
  if (days < options.history.backfill_days) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--retention_days=", days,
        " is shorter than --history_days=", options.history.backfill_days,
        ": use 0 to keep everything or at least ",
        options.history.backfill_days));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<store::Store>> OpenStore(
    const ServerOptions& options) {
  if (store::pg::IsPgUri(options.db_path)) {
    store::pg::PgStoreOptions pg_options;
    pg_options.uri = options.db_path;
    pg_options.connections = options.db_connections;
    absl::StatusOr<std::unique_ptr<store::pg::PgStore>> opened =
        store::pg::PgStore::Open(pg_options);
    if (!opened.ok()) return opened.status();
    return std::unique_ptr<store::Store>(*std::move(opened));
  }
  store::SqliteStoreOptions store_options;
  store_options.path = options.db_path;
  store_options.vfs = options.db_vfs;
  store_options.cache_mib = options.db_cache_mib;
  store_options.integrity_check = options.integrity_check;
  absl::StatusOr<std::unique_ptr<store::SqliteStore>> opened =
      store::SqliteStore::Open(store_options);
  if (!opened.ok()) return opened.status();
  return std::unique_ptr<store::Store>(*std::move(opened));
}

std::string RedactedDb(const std::string& db) {
  std::string out = db;
  // postgresql://user:PASSWORD@host/…
  const size_t scheme = out.find("://");
  if (scheme != std::string::npos) {
    const size_t at = out.find('@', scheme + 3);
    const size_t colon = out.find(':', scheme + 3);
    if (at != std::string::npos && colon != std::string::npos && colon < at) {
      out.replace(colon + 1, at - colon - 1, "***");
    }
  }
  // …?password=PASSWORD&…
  for (size_t pos = out.find("password="); pos != std::string::npos;
       pos = out.find("password=", pos + 1)) {
    const size_t start = pos + 9;
    size_t end = out.find('&', start);
    if (end == std::string::npos) end = out.size();
    out.replace(start, end - start, "***");
  }
  return out;
}

absl::StatusOr<std::unique_ptr<RapportServer>> RapportServer::Start(
    const ServerOptions& options, const Clock* clock) {
  return Start(options, clock, nullptr);
}

absl::StatusOr<std::unique_ptr<RapportServer>> RapportServer::Start(
    const ServerOptions& options, const Clock* clock,
    std::unique_ptr<store::Store> store) {
  auto parts = std::make_unique<Parts>();
  if (options.model_config.empty()) {
    parts->model = scoring::DefaultModel();
  } else {
    absl::StatusOr<scoring::ScoringModel> model =
        scoring::LoadScoringModel(options.model_config);
    if (!model.ok()) return model.status();
    parts->model = *std::move(model);
  }
  if (absl::Status s = CheckRetention(options, parts->model); !s.ok()) {
    return s;
  }
  const bool postgres = store::pg::IsPgUri(options.db_path);
  if (postgres && !options.backup_dir.empty()) {
    return absl::InvalidArgumentError(
        "--backup_dir: the database is PostgreSQL, which rapportd does not "
        "copy: back it up with pg_dump or a base backup (docs/backup.md)");
  }
  if (store == nullptr) {
    absl::StatusOr<std::unique_ptr<store::Store>> opened = OpenStore(options);
    if (!opened.ok()) return opened.status();
    store = *std::move(opened);
  }
  parts->store = std::move(store);
  if (absl::Status s = CheckExposure(options); !s.ok()) return s;
  if (std::error_code error;
      !options.backup_dir.empty() &&
      !std::filesystem::is_directory(options.backup_dir, error)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--backup_dir: ", options.backup_dir, " is not a directory"));
  }
  if (absl::Status s = AuditConfiguration(*parts->store, options, parts->model,
                                          clock->Now());
      !s.ok()) {
    return s;
  }

  parts->registry = std::make_shared<prometheus::Registry>();
  parts->ingest_metrics =
      std::make_unique<metrics::IngestMetrics>(*parts->registry);
  parts->grpc_metrics =
      std::make_unique<metrics::GrpcServerMetrics>(*parts->registry);
  parts->writer = std::make_unique<SerialExecutor>(
      static_cast<size_t>(std::max(1, options.max_queued_writes)));
  board::ScoreBoardOptions board_options = options.board;
  board_options.outreach = options.outreach.analysis;
  board_options.background_nice = options.background_nice;
  parts->score_board = std::make_unique<board::ScoreBoard>(
      parts->store.get(), &parts->model, clock, board_options);
  parts->outreach_cache = std::make_unique<core::OutreachCache>(
      parts->store.get(), clock,
      core::OutreachCacheOptions{
          .analysis = api::RequestAnalysis(options.outreach),
          .refresh_interval = options.board.refresh_interval,
          .background_nice = options.background_nice});
  parts->goal_tracker = std::make_unique<core::GoalTracker>(
      parts->store.get(), parts->score_board.get(), clock);
  parts->next_actions = std::make_unique<core::NextActions>(
      parts->store.get(), parts->score_board.get(),
      core::NextActionsOptions{.min_group_size = options.board.min_group_size,
                               .reuse_for = options.recommendation_reuse});
  parts->member_changes = std::make_unique<store::MemberChangeFanOut>(
      std::vector<store::MemberChangeListener*>{
          parts->score_board.get(), parts->outreach_cache.get(),
          parts->goal_tracker.get(), parts->next_actions.get()});
  if (parts->store->Shared()) {
    parts->follower = std::make_unique<core::ChangeFollower>(
        parts->store.get(), parts->member_changes.get(), clock,
        core::ChangeFollowerOptions{.poll = options.change_poll});
    // Before any board is built: what a build reads reflects every change
    // numbered so far, so only later ones are followed.
    if (absl::Status s = parts->follower->Prime(); !s.ok()) return s;
    parts->lease_held =
        &prometheus::BuildGauge()
             .Name("rapport_replica_lease_held")
             .Help(
                 "1 while this replica holds the deployment's lease: it "
                 "runs the history recorder, retention and the score "
                 "changes feed, and alone exports the rapport_member_* and "
                 "rapport_team_* series")
             .Register(*parts->registry)
             .Add({});
    parts->lease = std::make_unique<LeaseDuties>(
        parts->store.get(),
        [p = parts.get(), options] {
          if (options.history_interval > absl::ZeroDuration()) {
            p->history->Start(options.history_interval,
                              options.background_nice);
          }
          if (options.retention_interval > absl::ZeroDuration()) {
            p->retention->Start(options.retention_interval,
                                options.background_nice);
          }
          if (options.score_changes_interval > absl::ZeroDuration()) {
            p->score_changes->Start(options.score_changes_interval,
                                    options.background_nice);
          }
          p->lease_held->Set(1);
        },
        [p = parts.get()] {
          p->history->Stop();
          p->retention->Stop();
          p->score_changes->Stop();
          p->lease_held->Set(0);
        });
  }
  parts->scores = std::make_unique<core::ScoreQueries>(
      parts->store.get(), parts->score_board.get(),
      core::ScoreQueryOptions{.decline_points = options.decline_points,
                              .score_floor = options.score_floor});
  parts->outreach_reports = std::make_unique<core::OutreachReports>(
      parts->store.get(), parts->score_board.get(), parts->outreach_cache.get(),
      core::OutreachReportOptions{.min_group_size =
                                      options.board.min_group_size});
  parts->top_actions = std::make_unique<core::TopActions>(
      parts->next_actions.get(), clock, kTopActionsPerScrape);
  parts->api_keys = std::make_unique<auth::ApiKeyVerifier>(
      parts->store.get(), clock, parts->writer.get(),
      auth::ApiKeyVerifierOptions{.cache_ttl = options.auth.key_cache_ttl});
  if (!options.auth.config_file.empty()) {
    absl::StatusOr<config::v1::AuthConfig> config =
        auth::LoadAuthConfig(options.auth.config_file);
    if (!config.ok()) return config.status();
    parts->auth_config = *std::move(config);
  }
  if (options.auth.enabled) {
    auth::TokenVerifier oidc;
    if (!parts->auth_config.oidc().empty()) {
      absl::StatusOr<std::unique_ptr<auth::OidcVerifier>> verifier =
          auth::OidcVerifier::Create({parts->auth_config.oidc().begin(),
                                      parts->auth_config.oidc().end()},
                                     clock);
      if (!verifier.ok()) return verifier.status();
      parts->oidc = *std::move(verifier);
      oidc = [verifier = parts->oidc.get()](absl::string_view token) {
        return verifier->Verify(token);
      };
    }
    parts->authenticator = std::make_unique<auth::Authenticator>(
        parts->api_keys.get(), std::move(oidc), CertRulesOf(parts->auth_config),
        clock);
    parts->gatekeeper = api::Gatekeeper::On(parts->authenticator.get(),
                                            options.auth.reflection);
  } else {
    parts->gatekeeper = api::Gatekeeper::Off();
  }
  parts->access = std::make_unique<api::Access>(parts->gatekeeper.get(),
                                                parts->store.get());
  parts->call_pool = std::make_unique<WorkerPool>(
      std::max(2, static_cast<int>(std::thread::hardware_concurrency())),
      options.max_queued_calls);
  parts->admin = std::make_unique<api::AdminServiceImpl>(
      parts->store.get(), parts->access.get(), parts->api_keys.get(),
      parts->writer.get(), parts->member_changes.get(), clock);
  // PostgreSQL: BackupDatabase reaches the store, which answers
  // FAILED_PRECONDITION naming pg_dump (and the refusal is audited).
  parts->admin->EnableBackups(postgres ? "postgresql" : options.backup_dir,
                              parts->call_pool.get());
  // Half the cores at most: a flood of large messages leaves the others
  // to the rest of the calls.
  parts->parse_pool = std::make_unique<WorkerPool>(
      std::max(1, static_cast<int>(std::thread::hardware_concurrency()) / 2),
      options.max_queued_calls);
  parts->activity = std::make_unique<api::ActivityServiceImpl>(
      parts->store.get(), parts->access.get(), parts->writer.get(), clock,
      parts->ingest_metrics.get(), parts->member_changes.get(),
      options.activity, parts->parse_pool.get());
  parts->outreach = std::make_unique<api::OutreachServiceImpl>(
      parts->outreach_reports.get(), parts->access.get(), clock,
      options.outreach, parts->call_pool.get());
  if (options.audit_reads) {
    parts->read_audit =
        std::make_unique<api::ReadAuditLog>(parts->store.get(), clock);
  }
  parts->scoring = std::make_unique<api::ScoringServiceImpl>(
      parts->scores.get(), parts->access.get(), parts->read_audit.get(), clock,
      options.scoring, parts->call_pool.get());
  parts->recommendation = std::make_unique<api::RecommendationServiceImpl>(
      parts->next_actions.get(), parts->access.get(), clock,
      options.recommendation, parts->call_pool.get());
  parts->score_changes = std::make_unique<core::ScoreChangeFeed>(
      parts->store.get(), parts->score_board.get(), parts->writer.get(), clock);
  parts->scoring->SetChanges(parts->score_changes.get());
  parts->goal_annotations =
      std::make_unique<api::GoalAnnotations>(parts->goal_tracker.get());
  parts->scoring->SetGoals(parts->goal_annotations.get());
  parts->goals = std::make_unique<api::GoalServiceImpl>(
      parts->scores.get(), parts->goal_tracker.get(), parts->access.get(),
      clock, parts->call_pool.get());
  parts->validation = std::make_unique<core::ScoreValidation>(
      parts->store.get(), &parts->model);
  parts->validation_service = std::make_unique<api::ValidationServiceImpl>(
      parts->validation.get(), parts->access.get(), clock,
      api::ValidationServiceOptions{.validation =
                                        options.recommendation.validation},
      parts->call_pool.get());

  absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> credentials =
      PortCredentials(options.tls, *parts->gatekeeper);
  if (!credentials.ok()) return credentials.status();
  grpc::EnableDefaultHealthCheckService(true);
  if (!options.auth.enabled ||
      options.auth.reflection != api::ReflectionAccess::kOff) {
    grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  }
  grpc::ServerBuilder builder;
  builder.AddListeningPort(options.listen, *credentials, &parts->port);
  builder.SetMaxReceiveMessageSize(options.max_message_bytes);
  // Bounds gRPC's own memory and threads, and the calls a connection
  // carries at once: a flood of large messages waits in the clients'
  // buffers instead of the server's.
  grpc::ResourceQuota quota("rapportd");
  if (options.grpc_memory_bytes > 0) {
    quota.Resize(static_cast<size_t>(options.grpc_memory_bytes));
  }
  if (options.grpc_max_threads > 0) {
    quota.SetMaxThreads(options.grpc_max_threads);
  }
  builder.SetResourceQuota(quota);
  if (options.max_concurrent_streams > 0) {
    builder.AddChannelArgument(GRPC_ARG_MAX_CONCURRENT_STREAMS,
                               options.max_concurrent_streams);
  }
  {
    std::vector<
        std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>>
        interceptors;
    // First: the metrics count a request that cannot be parsed under the
    // code the client receives.
    interceptors.push_back(api::NewParseErrorInterceptorFactory());
    interceptors.push_back(parts->grpc_metrics->NewInterceptorFactory());
    builder.experimental().SetInterceptorCreators(std::move(interceptors));
  }
  builder.RegisterService(parts->activity.get());
  builder.RegisterService(parts->scoring.get());
  builder.RegisterService(parts->outreach.get());
  builder.RegisterService(parts->recommendation.get());
  builder.RegisterService(parts->validation_service.get());
  builder.RegisterService(parts->admin.get());
  builder.RegisterService(parts->goals.get());
  parts->grpc_server = builder.BuildAndStart();
  if (parts->grpc_server == nullptr || parts->port == 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen for gRPC on ", options.listen,
                     " (address in use or not valid)"));
  }
  if (!options.metrics_listen.empty()) {
    metrics::MetricsEndpointOptions metrics_options;
    metrics_options.listen = options.metrics_listen;
    metrics_options.tls = options.tls;
    metrics_options.default_tenant = api::kDefaultTenant;
    metrics_options.threads = options.http_threads;
    // Opened below, once its gate and routes are set.
    metrics_options.wait_for_open = true;
    absl::StatusOr<std::unique_ptr<metrics::MetricsEndpoint>> endpoint =
        metrics::MetricsEndpoint::Start(metrics_options, parts->registry);
    if (!endpoint.ok()) {
      parts->grpc_server->Shutdown();
      return endpoint.status();
    }
    parts->metrics_endpoint = *std::move(endpoint);
    if (parts->authenticator != nullptr) {
      parts->http_gate = std::make_unique<HttpGate>(parts->authenticator.get(),
                                                    parts->auth_config);
      parts->metrics_endpoint->SetGate(
          [gate = parts->http_gate.get()](const metrics::HttpCaller& caller) {
            return gate->Admit(caller);
          });
    }
    // Each scrape carries its viewer's tenant's leaderboard series.
    metrics::LeaderboardMetricsOptions leaderboard{
        .member_top_k = options.metrics_member_top_k,
        .all_members = options.metrics_all_members,
        .decline_points = options.decline_points,
        .score_floor = options.score_floor,
        .top_action = [top = parts->top_actions.get()](
                          const std::string& tenant,
                          const board::MemberScore& member) {
          return top->For(tenant, member);
        }};
    parts->metrics_endpoint->SetTenantFamilies(
        [boards = parts->score_board.get(), top = parts->top_actions.get(),
         goals = parts->goal_tracker.get(), lease = parts->lease.get(),
         leaderboard = std::move(leaderboard)](const std::string& tenant) {
          // Replicas over one database: only the lease holder exports the
          // member and team series, so that sums over replicas count each
          // member once.
          if (lease != nullptr && !lease->held()) {
            return std::vector<prometheus::MetricFamily>();
          }
          top->BeginRound();
          std::vector<prometheus::MetricFamily> families =
              metrics::TenantLeaderboardFamilies(boards, tenant, leaderboard);
          for (prometheus::MetricFamily& f :
               metrics::TenantGoalFamilies(boards, goals, tenant)) {
            families.push_back(std::move(f));
          }
          return families;
        });
    parts->metrics_endpoint->SetPageHandler(
        [boards = parts->score_board.get(), store = parts->store.get(),
         settings = PageSettings{.decline_points = options.decline_points,
                                 .score_floor = options.score_floor,
                                 .goals = parts->goal_tracker.get(),
                                 .validation = parts->validation.get()}](
            const metrics::PageRequest& request) {
          return LeaderboardPageFor(*boards, *store, api::kDefaultTenant,
                                    settings, request);
        });
    // After the gate: Connect calls are identified by it.
    if (absl::Status s = ServeConnect(options, *parts); !s.ok()) {
      parts->grpc_server->Shutdown();
      return s;
    }
    parts->metrics_endpoint->Open();
  }
  parts->history = std::make_unique<engine::HistoryRecorder>(
      parts->store.get(), &parts->model, clock, options.history);
  const bool lease_free = parts->lease == nullptr;
  if (lease_free && options.history_interval > absl::ZeroDuration()) {
    parts->history->Start(options.history_interval, options.background_nice);
  }
  // The caches are told of every tenant's members after a pass that
  // removed events: re-derived threads and contacts can change today's
  // scores (engine/retention.h).
  parts->retention = std::make_unique<engine::RetentionTask>(
      parts->store.get(), parts->writer.get(), clock,
      parts->member_changes.get(),
      engine::RetentionOptions{.retention_days = options.retention_days});
  if (lease_free && options.retention_interval > absl::ZeroDuration()) {
    parts->retention->Start(options.retention_interval,
                            options.background_nice);
  }
  if (lease_free && options.score_changes_interval > absl::ZeroDuration()) {
    parts->score_changes->Start(options.score_changes_interval,
                                options.background_nice);
  }
  if (parts->lease != nullptr) {
    parts->lease->Start(options.lease_check, options.background_nice);
  }
  if (parts->follower != nullptr) {
    parts->follower->Start(options.background_nice);
  }
  // Health says NOT_SERVING until every tenant has a board, built or
  // provisional (ScoreBoard::Warm): until then a score would wait for a
  // build. And while storage fails.
  SetServing(*parts->grpc_server, false);
  parts->observable =
      dynamic_cast<store::ObservableStorage*>(parts->store.get());
  if (parts->observable != nullptr) {
    parts->storage_health = std::make_unique<StorageHealth>(
        parts->observable, options.storage_health,
        [p = parts.get()](bool works) {
          absl::MutexLock lock(&p->serving_mu);
          p->storage_works = works;
          p->PublishServing();
        });
    parts->observable->SetStorageObserver(parts->storage_health.get());
  }
  parts->warmer = std::thread([p = parts.get()] {
    for (;;) {
      const absl::Status warmed = p->score_board->Warm();
      if (warmed.ok()) break;
      if (p->stop_warming.HasBeenNotified()) return;
      std::fprintf(stderr, "rapportd: building the score boards: %s\n",
                   warmed.ToString().c_str());
      if (p->stop_warming.WaitForNotificationWithTimeout(absl::Seconds(5))) {
        return;
      }
    }
    {
      absl::MutexLock lock(&p->serving_mu);
      p->boards_ready = true;
      p->PublishServing();
    }
    // The outreach cache's first builds are asked for now, in the
    // background, so that the first team reports find them.
    absl::StatusOr<std::vector<store::TenantId>> tenants =
        p->store->ListTenants();
    if (!tenants.ok()) return;
    for (const store::TenantId& tenant : *tenants) {
      p->outreach_cache->Get(tenant);
    }
  });
  return std::unique_ptr<RapportServer>(new RapportServer(std::move(parts)));
}

absl::Status RapportServer::ServeConnect(const ServerOptions& options,
                                         Parts& parts) {
  absl::StatusOr<connect::MethodTable> methods =
      connect::MethodTable::ForServices(
          {std::begin(kServiceNames), std::end(kServiceNames)},
          *google::protobuf::DescriptorPool::generated_pool());
  if (!methods.ok()) return methods.status();
  // The server enforces its own receive limit; the channel adds none.
  grpc::ChannelArguments channel_args;
  channel_args.SetMaxReceiveMessageSize(-1);
  channel_args.SetMaxSendMessageSize(-1);
  connect::HandlerOptions handler_options;
  handler_options.max_message_bytes =
      static_cast<size_t>(std::max(0, options.max_message_bytes));
  handler_options.reserved_metadata = {api::kInProcessPassKey};
  parts.connect = std::make_unique<connect::ConnectHandler>(
      *std::move(methods), parts.grpc_server->InProcessChannel(channel_args),
      ConnectAdmission(parts.gatekeeper.get(), parts.http_gate.get()),
      std::move(handler_options));
  parts.metrics_endpoint->AddRoute(
      kConnectPrefix,
      [handler = parts.connect.get()](metrics::HttpExchange& exchange) {
        handler->Serve(exchange);
      });
  return absl::OkStatus();
}

RapportServer::RapportServer(std::unique_ptr<Parts> parts)
    : parts_(std::move(parts)) {}

RapportServer::~RapportServer() {
  Shutdown(absl::Seconds(1));
  // The parts go only once nothing runs on them.
  if (parts_->teardown.joinable()) parts_->teardown.join();
}

int RapportServer::port() const { return parts_->port; }

int RapportServer::metrics_port() const {
  return parts_->metrics_endpoint ? parts_->metrics_endpoint->port() : 0;
}

absl::StatusOr<int64_t> RapportServer::RecordHistory() {
  return parts_->history->RunOnce();
}

absl::StatusOr<engine::RetentionTotals> RapportServer::ApplyRetention() {
  if (parts_->retention == nullptr) {
    return absl::FailedPreconditionError("the server is shut down");
  }
  return parts_->retention->RunOnce();
}

absl::StatusOr<int64_t> RapportServer::TrackScoreChanges() {
  if (parts_->score_changes == nullptr) {
    return absl::FailedPreconditionError("the server is shut down");
  }
  return parts_->score_changes->RunOnce();
}

// How long after the grace gRPC cancels the calls still running: the
// writes waiting are answered "server is shutting down" first.
constexpr absl::Duration kCancelDelay = absl::Milliseconds(500);

bool RapportServer::Shutdown(absl::Duration grace) {
  if (parts_->shut_down) return parts_->torn_down.HasBeenNotified();
  parts_->shut_down = true;
  const absl::Time deadline =
      absl::Now() + std::max(grace, absl::ZeroDuration());
  parts_->stop_warming.Notify();
  parts_->score_board->Stop();
  {
    absl::MutexLock lock(&parts_->serving_mu);
    parts_->stopping = true;
    parts_->PublishServing();
  }
  SetServing(*parts_->grpc_server, false);
  // The stopping itself runs on a thread of its own, so that this one can
  // keep the deadline whatever a stalled store call does to it.
  parts_->teardown = std::thread([p = parts_.get(), deadline] {
    if (p->warmer.joinable()) p->warmer.join();
    // New calls are refused from now on; shortly after the deadline the
    // calls still running are cancelled (after the writes were answered
    // with their own status, below). Returns once every call is answered.
    p->grpc_server->Shutdown(absl::ToChronoTime(deadline + kCancelDelay));
    p->grpc_server->Wait();
    p->call_pool.reset();   // Every call has finished: nothing queued.
    p->parse_pool.reset();  // Likewise.
    // Stops the lease's work and the follower, which tells the caches.
    // Both objects stay: scrapes (until metrics_endpoint goes) ask the
    // lease whether to export the tenant series.
    if (p->lease != nullptr) p->lease->Stop();
    if (p->follower != nullptr) p->follower->Stop();
    p->history.reset();  // Stops the recorder's thread.
    // Stops its thread; before the writer and the boards go.
    p->score_changes.reset();
    p->retention.reset();  // Stops its thread; before the writer goes.
    // Runs the server's own writes already queued (the calls' are all
    // answered).
    absl::Notification drained;
    p->writer->Post([&drained] { drained.Notify(); });
    drained.WaitForNotification();
    p->metrics_endpoint.reset();
    // The caches read the store on threads of their own: stopped (a build
    // under way finishes or is cancelled) before the database closes.
    p->validation.reset();  // Finishes a page's report under way.
    p->outreach_cache.reset();
    p->score_board.reset();
    // The probe uses the store: stopped, and the store told, before it
    // closes.
    if (p->observable != nullptr) p->observable->SetStorageObserver(nullptr);
    p->storage_health.reset();
    p->store.reset();  // Closes the database.
    p->torn_down.Notify();
  });
  if (!parts_->torn_down.WaitForNotificationWithDeadline(deadline)) {
    // The grace is over: the writes that wait are answered now, not after
    // a stalled store call returns (gRPC only cancels their calls).
    parts_->writer->Close(absl::UnavailableError(
        "server is shutting down; the write was not applied unless a retry "
        "finds it a duplicate; retry later or on another instance"));
  }
  return parts_->torn_down.WaitForNotificationWithTimeout(kStopAllowance);
}

}  // namespace rapport::app
