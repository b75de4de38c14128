#include "server/app/server.h"

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server.h"
#include "grpcpp/server_builder.h"
#include "prometheus/registry.h"
#include "rapport/v1/outreach.grpc.pb.h"
#include "rapport/v1/recommendation.grpc.pb.h"
#include "rapport/v1/scoring.grpc.pb.h"
#include "server/api/tenant.h"
#include "server/common/serial_executor.h"
#include "server/core/outreach_reports.h"
#include "server/core/recommendations.h"
#include "server/core/scores.h"
#include "server/engine/history_recorder.h"
#include "server/metrics/grpc_server_metrics.h"
#include "server/metrics/ingest_metrics.h"
#include "server/metrics/leaderboard_metrics.h"
#include "server/metrics/metrics_endpoint.h"
#include "server/scoring/config/loader.h"
#include "server/store/sqlite_store.h"
#include "server/web/leaderboard_page.h"

namespace rapport::app {

constexpr const char* kServiceNames[] = {
    "rapport.v1.ActivityService", "rapport.v1.ScoringService",
    "rapport.v1.OutreachService", "rapport.v1.RecommendationService"};

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
  std::unique_ptr<engine::HistoryRecorder> history;
  std::unique_ptr<core::ScoreQueries> scores;
  std::unique_ptr<core::OutreachReports> outreach_reports;
  std::unique_ptr<core::NextActions> next_actions;
  std::unique_ptr<api::ActivityServiceImpl> activity;
  std::unique_ptr<api::ScoringServiceImpl> scoring;
  std::unique_ptr<api::OutreachServiceImpl> outreach;
  std::unique_ptr<api::RecommendationServiceImpl> recommendation;
  std::unique_ptr<grpc::Server> grpc_server;
  // Read by metrics_endpoint's scrapes: outlives it.
  std::shared_ptr<metrics::LeaderboardCollector> leaderboard_metrics;
  std::unique_ptr<metrics::MetricsEndpoint> metrics_endpoint;
  int port = 0;
  bool shut_down = false;
};

namespace {

void SetServing(grpc::Server& server, bool serving) {
  grpc::HealthCheckServiceInterface* health = server.GetHealthCheckService();
  if (health == nullptr) return;
  health->SetServingStatus(serving);
  for (const char* name : kServiceNames) {
    health->SetServingStatus(name, serving);
  }
}

// The leaderboard page of the default tenant's current board; NOT_FOUND for
// a team without members.
absl::StatusOr<std::string> LeaderboardPage(
    board::ScoreBoard* boards, double decline_points,
    const metrics::PageRequest& request) {
  absl::StatusOr<std::shared_ptr<const board::Board>> board =
      boards->Get(api::kDefaultTenant, std::nullopt);
  if (!board.ok()) return board.status();
  if (!request.team.empty() && (*board)->Team(request.team) == nullptr) {
    return absl::NotFoundError(
        absl::StrCat("No team named \u201C", request.team, "\u201D."));
  }
  web::LeaderboardPageOptions options;
  options.team = request.team;
  options.decline_points = decline_points;
  return web::RenderLeaderboardPage(**board, options);
}

}  // namespace

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
  if (store == nullptr) {
    store::SqliteStoreOptions store_options;
    store_options.path = options.db_path;
    absl::StatusOr<std::unique_ptr<store::SqliteStore>> opened =
        store::SqliteStore::Open(store_options);
    if (!opened.ok()) return opened.status();
    store = *std::move(opened);
  }
  parts->store = std::move(store);

  parts->registry = std::make_shared<prometheus::Registry>();
  parts->ingest_metrics =
      std::make_unique<metrics::IngestMetrics>(*parts->registry);
  parts->grpc_metrics =
      std::make_unique<metrics::GrpcServerMetrics>(*parts->registry);
  parts->writer = std::make_unique<SerialExecutor>();
  board::ScoreBoardOptions board_options = options.board;
  board_options.outreach = options.outreach.analysis;
  parts->score_board = std::make_unique<board::ScoreBoard>(
      parts->store.get(), &parts->model, clock, board_options);
  parts->scores = std::make_unique<core::ScoreQueries>(
      parts->store.get(), parts->score_board.get(),
      core::ScoreQueryOptions{.decline_points = options.decline_points});
  parts->outreach_reports = std::make_unique<core::OutreachReports>(
      parts->store.get(), parts->score_board.get(),
      core::OutreachReportOptions{.min_group_size =
                                      options.board.min_group_size});
  parts->next_actions = std::make_unique<core::NextActions>(
      parts->store.get(), parts->score_board.get(),
      core::NextActionsOptions{.min_group_size = options.board.min_group_size});
  parts->activity = std::make_unique<api::ActivityServiceImpl>(
      parts->store.get(), parts->writer.get(), clock,
      parts->ingest_metrics.get(), parts->score_board.get(), options.activity);
  parts->outreach = std::make_unique<api::OutreachServiceImpl>(
      parts->outreach_reports.get(), clock, options.outreach);
  parts->scoring = std::make_unique<api::ScoringServiceImpl>(
      parts->scores.get(), clock, options.scoring);
  parts->recommendation = std::make_unique<api::RecommendationServiceImpl>(
      parts->next_actions.get(), clock, options.recommendation);

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  builder.AddListeningPort(options.listen, grpc::InsecureServerCredentials(),
                           &parts->port);
  builder.SetMaxReceiveMessageSize(options.max_message_bytes);
  {
    std::vector<
        std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>>
        interceptors;
    interceptors.push_back(parts->grpc_metrics->NewInterceptorFactory());
    builder.experimental().SetInterceptorCreators(std::move(interceptors));
  }
  builder.RegisterService(parts->activity.get());
  builder.RegisterService(parts->scoring.get());
  builder.RegisterService(parts->outreach.get());
  builder.RegisterService(parts->recommendation.get());
  parts->grpc_server = builder.BuildAndStart();
  if (parts->grpc_server == nullptr || parts->port == 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen for gRPC on ", options.listen,
                     " (address in use or not valid)"));
  }
  if (!options.metrics_listen.empty()) {
    metrics::MetricsEndpointOptions metrics_options;
    metrics_options.listen = options.metrics_listen;
    absl::StatusOr<std::unique_ptr<metrics::MetricsEndpoint>> endpoint =
        metrics::MetricsEndpoint::Start(metrics_options, parts->registry);
    if (!endpoint.ok()) {
      parts->grpc_server->Shutdown();
      return endpoint.status();
    }
    parts->metrics_endpoint = *std::move(endpoint);
    parts->leaderboard_metrics =
        std::make_shared<metrics::LeaderboardCollector>(
            parts->score_board.get(), api::kDefaultTenant,
            metrics::LeaderboardMetricsOptions{
                .member_top_k = options.metrics_member_top_k,

                .decline_points = options.decline_points});
    parts->metrics_endpoint->RegisterCollectable(parts->leaderboard_metrics);
    parts->metrics_endpoint->SetPageHandler(
        [boards = parts->score_board.get(), decline = options.decline_points](
            const metrics::PageRequest& request) {
          return LeaderboardPage(boards, decline, request);
        });
  }
  parts->history = std::make_unique<engine::HistoryRecorder>(
      parts->store.get(), &parts->model, clock, options.history);
  if (options.history_interval > absl::ZeroDuration()) {
    parts->history->Start(options.history_interval);
  }
  SetServing(*parts->grpc_server, true);
  return std::unique_ptr<RapportServer>(new RapportServer(std::move(parts)));
}

RapportServer::RapportServer(std::unique_ptr<Parts> parts)
    : parts_(std::move(parts)) {}

RapportServer::~RapportServer() { Shutdown(absl::Seconds(1)); }

int RapportServer::port() const { return parts_->port; }

int RapportServer::metrics_port() const {
  return parts_->metrics_endpoint ? parts_->metrics_endpoint->port() : 0;
}

absl::StatusOr<int64_t> RapportServer::RecordHistory() {
  return parts_->history->RunOnce();
}

void RapportServer::Shutdown(absl::Duration grace) {
  if (parts_->shut_down) return;
  parts_->shut_down = true;
  SetServing(*parts_->grpc_server, false);
  parts_->grpc_server->Shutdown(std::chrono::system_clock::now() +
                                absl::ToChronoMilliseconds(grace));
  parts_->grpc_server->Wait();
  parts_->history.reset();  // Stops the recorder's thread.
  parts_->writer.reset();   // Runs the writes already queued, then joins.
  parts_->metrics_endpoint.reset();
  parts_->store.reset();  // Closes the database.
}

}  // namespace rapport::app
