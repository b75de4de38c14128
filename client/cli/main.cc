// rapport: the command-line client of rapportd.
//
//   rapport [--server=HOST:PORT] [--json] [--timeout=30s]
//           [--tls_ca_file=CA.pem [--tls_cert_file=C.pem --tls_key_file=K.pem]
//            [--tls_server_name=NAME]] [--api_key_file=FILE] COMMAND [ARGS]
//
// The API key comes from RAPPORT_API_KEY or --api_key_file, never from the
// command line (where other users of the machine could read it). The TLS
// flags fall back to RAPPORT_TLS_CA_FILE, RAPPORT_TLS_CERT_FILE,
// RAPPORT_TLS_KEY_FILE and RAPPORT_TLS_SERVER_NAME.
//
// Exit status: 0 success; 1 a call failed (or an input file was invalid),
// with "error: <CODE_NAME>: <message>" on stderr; 2 a usage error; for
// `admin restore`, 3 the database is in use, 4 the backup cannot be
// restored; for `admin copy`, 3 a database is in use, 5 the copy read back
// differs from the source (nothing is kept); for `health`, 0 SERVING, 1
// NOT_SERVING or SERVICE_UNKNOWN, 2 no answer (unreachable, deadline, TLS or
// another failure).
//
// Every flag is defined here and read only here, into the option structs the
// commands take.
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "absl/algorithm/container.h"
#include "absl/flags/flag.h"
#include "absl/flags/reflection.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "client/cli/admin_commands.h"
#include "client/cli/arg_parser.h"
#include "client/cli/copy_command.h"
#include "client/cli/demo_command.h"
#include "client/cli/feed_commands.h"
#include "client/cli/format.h"
#include "client/cli/goal_commands.h"
#include "client/cli/health_command.h"
#include "client/cli/import_command.h"
#include "client/cli/import_mapping.h"
#include "client/cli/ingest_command.h"
#include "client/cli/json.h"
#include "client/cli/linkedin_import.h"
#include "client/cli/member_commands.h"
#include "client/cli/names.h"
#include "client/cli/outreach_command.h"
#include "client/cli/recommend_command.h"
#include "client/cli/restore_command.h"
#include "client/cli/score_commands.h"
#include "client/cli/validate_command.h"

// Global.
ABSL_FLAG(std::string, server, "127.0.0.1:50051", "host:port of rapportd");
ABSL_FLAG(bool, json, false,
          "print responses in the proto3 JSON mapping, one object per line");
ABSL_FLAG(absl::Duration, timeout, absl::Seconds(30),
          "deadline of each call (of each stream when ingesting); 0 for none");
ABSL_FLAG(std::string, tls_ca_file, "",
          "connect with TLS, trusting the CAs of this PEM file "
          "(or $RAPPORT_TLS_CA_FILE)");
ABSL_FLAG(std::string, tls_cert_file, "",
          "client certificate (PEM) for mutual TLS "
          "(or $RAPPORT_TLS_CERT_FILE)");
ABSL_FLAG(std::string, tls_key_file, "",
          "the client certificate's key (PEM) (or $RAPPORT_TLS_KEY_FILE)");
ABSL_FLAG(std::string, tls_server_name, "",
          "the name to check rapportd's certificate against, instead of the "
          "--server host (or $RAPPORT_TLS_SERVER_NAME)");
ABSL_FLAG(std::string, api_key_file, "",
          "file whose first line is the API key; without it the key is "
          "$RAPPORT_API_KEY (never a flag value)");
// Members.
ABSL_FLAG(std::string, member_id, "", "the member's id");
ABSL_FLAG(std::string, display_name, "", "the member's display name");
ABSL_FLAG(std::string, team, "", "a team");
ABSL_FLAG(std::string, industry, "", "an industry");
ABSL_FLAG(std::string, manager, "", "the manager's member id or e-mail");
ABSL_FLAG(std::string, profile, "",
          "the profile as JSON of rapport.v1.Profile, e.g. "
          "'{\"hasPhoto\":true,\"certificationsCount\":2}'");
ABSL_FLAG(int32_t, page_size, 0,
          "results per page; 0 for the server's default");
ABSL_FLAG(std::string, page_token, "",
          "the next_page_token of a previous call");
ABSL_FLAG(bool, all, false, "follow the pages to the end");
// Ingestion.
ABSL_FLAG(int32_t, batch_size, 500, "events per IngestEvents message");
ABSL_FLAG(int64_t, events_per_stream, 50000,
          "events per IngestEvents stream (each stream is acknowledged)");
// Import.
ABSL_FLAG(std::string, format, "csv",
          "import: the input's format: csv (a CRM export, through --mapping) "
          "or linkedin-archive (a member's own LinkedIn data archive, a ZIP "
          "or its folder, with --member); export: the output's format (csv)");
ABSL_FLAG(std::string, mapping, "",
          "import: a built-in mapping (salesforce-tasks, hubspot-engagements) "
          "or a mapping file (.textproto, .txtpb or .json)");
ABSL_FLAG(std::string, print_mapping, "",
          "import: print this built-in mapping (the start of a custom one) "
          "and exit");
ABSL_FLAG(std::string, time_zone, "",
          "import: the IANA time zone of times written without an offset, "
          "instead of the mapping's");
ABSL_FLAG(bool, create_members, false,
          "import: create the export's owners that are not members yet, in "
          "--team and --industry");
ABSL_FLAG(bool, dry_run, false,
          "import: read and map everything, print the summary, send nothing");
// Demo.
ABSL_FLAG(int32_t, members, 60, "members of the demo organisation");
ABSL_FLAG(int32_t, days, 90, "days of demo activity");
ABSL_FLAG(uint64_t, seed, 1, "selects the demo organisation");
ABSL_FLAG(std::string, end_time, "",
          "RFC 3339 end of the demo window; now, to the minute, when empty");
ABSL_FLAG(std::string, write_jsonl, "",
          "demo, import: write the events to this file as JSON lines instead "
          "of loading them");
ABSL_FLAG(std::string, write_members_jsonl, "",
          "write the demo members to this file instead of loading them");
ABSL_FLAG(std::string, write_batches, "",
          "write the demo events to this file as IngestEventsRequest "
          "messages of --batch_size events, each preceded by its size as a "
          "varint (protobuf's delimited format), instead of loading them");
// Scores, outreach, recommendations.
ABSL_FLAG(std::string, as_of, "", "RFC 3339 time; the server's now when empty");
ABSL_FLAG(std::string, start, "", "RFC 3339 start of the history");
ABSL_FLAG(std::string, end, "", "RFC 3339 end of the history");
ABSL_FLAG(std::string, order_by, "total",
          "total, brand, find, engage or relationships");
ABSL_FLAG(double, min_drop, 0, "minimum fall in points; 0 for the default");
ABSL_FLAG(int32_t, period_days, 0, "period in days; 0 for the default");
ABSL_FLAG(std::string, member, "", "the member");
ABSL_FLAG(std::string, pillar, "",
          "a goal's pillar (brand, find, engage, relationships); the SSI when "
          "empty");
ABSL_FLAG(std::string, due, "", "a goal's due date, YYYY-MM-DD (UTC)");
ABSL_FLAG(std::string, note, "", "a goal's note, for people");
ABSL_FLAG(int32_t, window_days, 0, "window in days; 0 for the default");
ABSL_FLAG(int32_t, max_results, 0, "most results; 0 for the default");
ABSL_FLAG(int32_t, history_days, 0,
          "validate: days of score history, 30 to 730; 0 for 90");
ABSL_FLAG(int32_t, outcome_days, 0,
          "validate: days of outcomes after each day, 1 to 90; 0 for 30");
ABSL_FLAG(double, confidence, 0,
          "validate: confidence of the intervals, 0.5 to 0.999; 0 for 0.95");
// changes, export
ABSL_FLAG(std::string, cursor, "",
          "changes: the cursor to resume from; empty for every member's "
          "current score");
ABSL_FLAG(std::string, cursor_file, "",
          "changes: read the cursor from this file and write the new one "
          "back after a complete sweep (for a nightly job)");
ABSL_FLAG(std::string, output, "",
          "export: the file to write; stdout when empty or -");
// health
ABSL_FLAG(std::string, service, "",
          "health: the service to check (e.g. rapport.v1.ScoringService); "
          "the whole server when empty");
// admin
ABSL_FLAG(std::string, tenant_id, "", "the new tenant's id ([a-z0-9-])");
ABSL_FLAG(std::string, rep_leaderboard, "",
          "what reps see of their team's leaderboard: full, ranks_only "
          "(default) or none");
ABSL_FLAG(std::string, name, "",
          "create-key: the key's name, for people reading lists; backup: the "
          "backup file's name (empty: one made from the time)");
ABSL_FLAG(std::string, role, "", "admin, integration, manager, rep or metrics");
ABSL_FLAG(std::string, teams, "", "a manager key's teams, comma-separated");
ABSL_FLAG(std::string, expire_time, "", "RFC 3339 expiry; never when empty");
ABSL_FLAG(bool, show_revoked, false, "list revoked keys too");
ABSL_FLAG(std::string, principal, "",
          "only audit entries of this principal (e.g. key:0123456789abcdef)");
ABSL_FLAG(std::string, target, "",
          "only audit entries on this target (e.g. member:m-001)");
ABSL_FLAG(std::string, backup, "", "restore: the backup file to restore");
ABSL_FLAG(std::string, db, "",
          "restore: the database file of the stopped rapportd (its --db)");
ABSL_FLAG(bool, force, false,
          "restore: replace the database even when it cannot be read as one "
          "(then nothing proves no rapportd uses it)");
ABSL_FLAG(bool, keep_previous, true,
          "restore: keep the replaced database as DB.before-restore");
ABSL_FLAG(std::string, from, "",
          "copy: the database to copy, a SQLite file or a postgresql:// URI "
          "(its rapportd stopped)");
ABSL_FLAG(std::string, to, "",
          "copy: the empty database to copy into, a SQLite file or a "
          "postgresql:// URI (its rapportd stopped)");

namespace rapport::cli {
namespace {

using Args = std::vector<std::string>;
using Action = std::function<absl::Status(Env&)>;

struct Command {
  const char* name;
  const char* usage;  // Arguments and flags after the name.
  const char* summary;
  std::vector<const char*> flags;  // Besides the global ones.
  int min_args = 0;
  int max_args = 0;  // -1: any number.
  // Reads the flags into the command's options; an error is a usage error.
  std::function<absl::StatusOr<Action>(const Args&)> build;
};

absl::StatusOr<std::optional<absl::Time>> TimeFlag(const char* name,
                                                   const std::string& value) {
  if (value.empty()) return std::optional<absl::Time>();
  absl::StatusOr<absl::Time> t = ParseTime(value);
  if (!t.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", name, ": ", t.status().message()));
  }
  return std::optional<absl::Time>(*t);
}

absl::StatusOr<GroupScope> ScopeFlags() {
  GroupScope scope{absl::GetFlag(FLAGS_team), absl::GetFlag(FLAGS_industry)};
  if (!scope.team.empty() && !scope.industry.empty()) {
    return absl::InvalidArgumentError("give --team or --industry, not both");
  }
  return scope;
}

absl::StatusOr<Action> BuildUpsertMember(const Args&) {
  rapport::v1::Member m;
  m.set_member_id(absl::GetFlag(FLAGS_member_id));
  m.set_display_name(absl::GetFlag(FLAGS_display_name));
  m.set_team(absl::GetFlag(FLAGS_team));
  m.set_industry(absl::GetFlag(FLAGS_industry));
  m.set_manager(absl::GetFlag(FLAGS_manager));
  const std::pair<const char*, const std::string*> required[] = {
      {"member_id", &m.member_id()},
      {"display_name", &m.display_name()},
      {"team", &m.team()},
      {"industry", &m.industry()}};
  for (const auto& [flag, value] : required) {
    if (value->empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--", flag, " is required"));
    }
  }
  if (const std::string profile = absl::GetFlag(FLAGS_profile);
      !profile.empty()) {
    if (absl::Status s = FromJson(profile, m.mutable_profile()); !s.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--profile: ", s.message()));
    }
  }
  return Action([m](Env& env) { return RunUpsertMember(env, m); });
}

absl::StatusOr<Action> BuildListMembers(const Args&) {
  ListMembersOptions o{absl::GetFlag(FLAGS_team), absl::GetFlag(FLAGS_industry),
                       absl::GetFlag(FLAGS_page_size),
                       absl::GetFlag(FLAGS_page_token),
                       absl::GetFlag(FLAGS_all)};
  if (o.page_size < 0) return absl::InvalidArgumentError("--page_size < 0");
  return Action([o](Env& env) { return RunListMembers(env, o); });
}

absl::StatusOr<Action> BuildChanges(const Args&) {
  ChangesOptions o{.cursor = absl::GetFlag(FLAGS_cursor),
                   .cursor_file = absl::GetFlag(FLAGS_cursor_file),
                   .team = absl::GetFlag(FLAGS_team),
                   .page_size = absl::GetFlag(FLAGS_page_size)};
  if (o.page_size < 0) return absl::InvalidArgumentError("--page_size < 0");
  if (!o.cursor.empty() && !o.cursor_file.empty()) {
    return absl::InvalidArgumentError(
        "give --cursor or --cursor_file, not both");
  }
  return Action([o](Env& env) { return RunChanges(env, o); });
}

absl::StatusOr<Action> BuildExport(const Args& args) {
  if (args[0] != "scores") {
    return absl::InvalidArgumentError(
        absl::StrCat("export ", args[0], ": only `export scores` exists"));
  }
  ExportOptions o{.format = absl::GetFlag(FLAGS_format),
                  .team = absl::GetFlag(FLAGS_team),
                  .output = absl::GetFlag(FLAGS_output)};
  if (o.format != "csv") {
    return absl::InvalidArgumentError("--format: only csv is supported");
  }
  return Action([o](Env& env) { return RunExportScores(env, o); });
}

absl::StatusOr<UploadOptions> UploadFlags() {
  UploadOptions o{absl::GetFlag(FLAGS_batch_size),
                  absl::GetFlag(FLAGS_events_per_stream)};
  if (o.batch_size < 1) return absl::InvalidArgumentError("--batch_size < 1");
  if (o.events_per_stream < 1) {
    return absl::InvalidArgumentError("--events_per_stream < 1");
  }
  return o;
}

absl::StatusOr<Action> BuildIngest(const Args& args) {
  absl::StatusOr<UploadOptions> upload = UploadFlags();
  if (!upload.ok()) return upload.status();
  IngestOptions o{args[0], *upload};
  return Action([o](Env& env) { return RunIngest(env, o); });
}

// `import --format=linkedin-archive`: a member's own LinkedIn archive.
absl::StatusOr<Action> BuildLinkedInImport(const Args& args) {
  absl::StatusOr<UploadOptions> upload = UploadFlags();
  if (!upload.ok()) return upload.status();
  LinkedInImportOptions o{args[0], absl::GetFlag(FLAGS_member),
                          absl::GetFlag(FLAGS_dry_run), *upload};
  if (o.member_id.empty()) {
    return absl::InvalidArgumentError(
        "--member is required with --format=linkedin-archive");
  }
  return Action([o](Env& env) { return RunLinkedInArchiveImport(env, o); });
}

// `import --format=csv`: a CRM export through a mapping.
absl::StatusOr<Action> BuildCsvImport(const Args& args) {
  absl::StatusOr<UploadOptions> upload = UploadFlags();
  if (!upload.ok()) return upload.status();
  CsvImportOptions o;
  o.path = args[0];
  o.mapping = absl::GetFlag(FLAGS_mapping);
  o.time_zone = absl::GetFlag(FLAGS_time_zone);
  o.create_members = absl::GetFlag(FLAGS_create_members);
  o.team = absl::GetFlag(FLAGS_team);
  o.industry = absl::GetFlag(FLAGS_industry);
  o.dry_run = absl::GetFlag(FLAGS_dry_run);
  o.write_jsonl = absl::GetFlag(FLAGS_write_jsonl);
  o.upload = *upload;
  if (o.mapping.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--mapping is required: ", absl::StrJoin(BuiltinMappingNames(), ", "),
        " or a mapping file"));
  }
  if (o.create_members && (o.team.empty() || o.industry.empty())) {
    return absl::InvalidArgumentError(
        "--create_members needs --team and --industry for the new members");
  }
  if (!o.create_members && (!o.team.empty() || !o.industry.empty())) {
    return absl::InvalidArgumentError(
        "--team and --industry apply only with --create_members");
  }
  return Action([o](Env& env) { return RunCsvImport(env, o); });
}

// `import`: prints a built-in mapping, or dispatches on --format.
absl::StatusOr<Action> BuildImport(const Args& args) {
  if (const std::string name = absl::GetFlag(FLAGS_print_mapping);
      !name.empty()) {
    if (!args.empty()) {
      return absl::InvalidArgumentError("--print_mapping takes no FILE");
    }
    absl::StatusOr<std::string> text = BuiltinMappingText(name);
    if (!text.ok()) return text.status();
    // No call is made: the channel connects only when a call needs it.
    return Action([text = *text](Env& env) {
      env.io.out << text;
      return absl::OkStatus();
    });
  }
  if (args.size() != 1) {
    return absl::InvalidArgumentError(
        "usage: rapport import [--format=csv] --mapping=NAME|FILE FILE, or "
        "rapport import --format=linkedin-archive --member=ID FILE.zip|DIR");
  }
  const std::string format = absl::GetFlag(FLAGS_format);
  if (format == "csv") return BuildCsvImport(args);
  if (format == "linkedin-archive") return BuildLinkedInImport(args);
  return absl::InvalidArgumentError(absl::StrCat(
      "--format: unknown format \"", format, "\" (csv, linkedin-archive)"));
}

absl::StatusOr<Action> BuildDemo(const Args&) {
  absl::StatusOr<UploadOptions> upload = UploadFlags();
  if (!upload.ok()) return upload.status();
  DemoCommandOptions o;
  o.upload = *upload;
  o.demo.member_count = absl::GetFlag(FLAGS_members);
  o.demo.days = absl::GetFlag(FLAGS_days);
  o.demo.seed = absl::GetFlag(FLAGS_seed);
  auto end = TimeFlag("end_time", absl::GetFlag(FLAGS_end_time));
  if (!end.ok()) return end.status();
  // Now, rounded down to the minute, so that runs within a minute agree.
  o.demo.end_time = end->value_or(
      absl::FromUnixSeconds(absl::ToUnixSeconds(absl::Now()) / 60 * 60));
  if (absl::Status s = rapport::demo::ValidateDemoOptions(o.demo); !s.ok()) {
    return s;
  }
  o.write_jsonl = absl::GetFlag(FLAGS_write_jsonl);
  o.write_members_jsonl = absl::GetFlag(FLAGS_write_members_jsonl);
  o.write_batches = absl::GetFlag(FLAGS_write_batches);
  return Action([o](Env& env) { return RunDemo(env, o); });
}

absl::StatusOr<Action> BuildScore(const Args& args) {
  auto as_of = TimeFlag("as_of", absl::GetFlag(FLAGS_as_of));
  if (!as_of.ok()) return as_of.status();
  ScoreOptions o{args[0], *as_of};
  return Action([o](Env& env) { return RunScore(env, o); });
}

absl::StatusOr<Action> BuildBatchScores(const Args& args) {
  auto as_of = TimeFlag("as_of", absl::GetFlag(FLAGS_as_of));
  if (!as_of.ok()) return as_of.status();
  BatchScoresOptions o{args, *as_of};
  return Action([o](Env& env) { return RunBatchScores(env, o); });
}

absl::StatusOr<Action> BuildHistory(const Args& args) {
  auto start = TimeFlag("start", absl::GetFlag(FLAGS_start));
  if (!start.ok()) return start.status();
  auto end = TimeFlag("end", absl::GetFlag(FLAGS_end));
  if (!end.ok()) return end.status();
  HistoryOptions o{args[0], *start, *end};
  return Action([o](Env& env) { return RunHistory(env, o); });
}

absl::StatusOr<Action> BuildLeaderboard(const Args&) {
  auto scope = ScopeFlags();
  if (!scope.ok()) return scope.status();
  auto order_by = ParsePillar(absl::GetFlag(FLAGS_order_by));
  if (!order_by.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--order_by: ", order_by.status().message()));
  }
  auto as_of = TimeFlag("as_of", absl::GetFlag(FLAGS_as_of));
  if (!as_of.ok()) return as_of.status();
  LeaderboardOptions o{*scope, *order_by, absl::GetFlag(FLAGS_page_size),
                       absl::GetFlag(FLAGS_page_token), *as_of};
  return Action([o](Env& env) { return RunLeaderboard(env, o); });
}

absl::StatusOr<Action> BuildDecliners(const Args&) {
  auto scope = ScopeFlags();
  if (!scope.ok()) return scope.status();
  auto as_of = TimeFlag("as_of", absl::GetFlag(FLAGS_as_of));
  if (!as_of.ok()) return as_of.status();
  DeclinersOptions o{*scope,
                     absl::GetFlag(FLAGS_min_drop),
                     absl::GetFlag(FLAGS_period_days),
                     absl::GetFlag(FLAGS_page_size),
                     absl::GetFlag(FLAGS_page_token),
                     *as_of};
  return Action([o](Env& env) { return RunDecliners(env, o); });
}

absl::StatusOr<Action> BuildOutreach(const Args&) {
  auto as_of = TimeFlag("as_of", absl::GetFlag(FLAGS_as_of));
  if (!as_of.ok()) return as_of.status();
  OutreachOptions o{absl::GetFlag(FLAGS_member), absl::GetFlag(FLAGS_team),
                    absl::GetFlag(FLAGS_window_days), *as_of};
  if (o.member_id.empty() == o.team.empty()) {
    return absl::InvalidArgumentError(
        "give exactly one of --member and --team");
  }
  return Action([o](Env& env) { return RunOutreach(env, o); });
}

absl::StatusOr<Action> BuildRecommend(const Args&) {
  auto as_of = TimeFlag("as_of", absl::GetFlag(FLAGS_as_of));
  if (!as_of.ok()) return as_of.status();
  RecommendOptions o{absl::GetFlag(FLAGS_member),
                     absl::GetFlag(FLAGS_max_results), *as_of};
  if (o.member_id.empty())
    return absl::InvalidArgumentError("--member is required");
  return Action([o](Env& env) { return RunRecommend(env, o); });
}

absl::StatusOr<Action> BuildGoals(const Args& args) {
  const std::string& what = args[0];
  if (what == "set") {
    if (args.size() != 1) {
      return absl::InvalidArgumentError("goals set takes no arguments");
    }
    SetGoalOptions o{absl::GetFlag(FLAGS_member), absl::GetFlag(FLAGS_team),
                     absl::GetFlag(FLAGS_pillar), absl::GetFlag(FLAGS_target),
                     absl::GetFlag(FLAGS_due),    absl::GetFlag(FLAGS_note)};
    // Checked here, so that a mistake costs no call.
    if (auto request = GoalRequestOf(o); !request.ok()) {
      return request.status();
    }
    return Action([o](Env& env) { return RunSetGoal(env, o); });
  }
  if (what == "list") {
    if (args.size() != 1) {
      return absl::InvalidArgumentError("goals list takes no arguments");
    }
    ListGoalsOptions o{absl::GetFlag(FLAGS_member), absl::GetFlag(FLAGS_team),
                       absl::GetFlag(FLAGS_page_size),
                       absl::GetFlag(FLAGS_page_token)};
    return Action([o](Env& env) { return RunListGoals(env, o); });
  }
  if (what == "delete") {
    if (args.size() != 2) {
      return absl::InvalidArgumentError("goals delete takes one GOAL_ID");
    }
    const std::string id = args[1];
    return Action([id](Env& env) { return RunDeleteGoal(env, id); });
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "unknown goals command \"", what, "\"; expected set, list or delete"));
}

absl::StatusOr<Action> BuildValidate(const Args&) {
  auto as_of = TimeFlag("as_of", absl::GetFlag(FLAGS_as_of));
  if (!as_of.ok()) return as_of.status();
  ValidateOptions o{absl::GetFlag(FLAGS_team),
                    absl::GetFlag(FLAGS_history_days),
                    absl::GetFlag(FLAGS_outcome_days),
                    absl::GetFlag(FLAGS_confidence), *as_of};
  return Action([o](Env& env) { return RunValidate(env, o); });
}

absl::StatusOr<Action> BuildAdmin(const Args& args) {
  const std::string& what = args[0];
  if (what == "create-tenant") {
    CreateTenantOptions o{absl::GetFlag(FLAGS_tenant_id),
                          absl::GetFlag(FLAGS_display_name),
                          absl::GetFlag(FLAGS_rep_leaderboard)};
    if (o.tenant_id.empty()) {
      return absl::InvalidArgumentError("--tenant_id is required");
    }
    return Action([o](Env& env) { return RunCreateTenant(env, o); });
  }
  if (what == "create-key") {
    CreateKeyOptions o;
    o.name = absl::GetFlag(FLAGS_name);
    o.role = absl::GetFlag(FLAGS_role);
    const std::string teams = absl::GetFlag(FLAGS_teams);
    if (!teams.empty()) o.teams = absl::StrSplit(teams, ',');
    o.member_id = absl::GetFlag(FLAGS_member_id);
    auto expire = TimeFlag("expire_time", absl::GetFlag(FLAGS_expire_time));
    if (!expire.ok()) return expire.status();
    o.expire_time = *expire;
    if (o.name.empty() || o.role.empty()) {
      return absl::InvalidArgumentError("--name and --role are required");
    }
    return Action([o](Env& env) { return RunCreateApiKey(env, o); });
  }
  if (what == "list-keys") {
    const bool revoked = absl::GetFlag(FLAGS_show_revoked);
    return Action([revoked](Env& env) { return RunListApiKeys(env, revoked); });
  }
  if (what == "revoke-key") {
    if (args.size() != 2) {
      return absl::InvalidArgumentError("revoke-key takes the key's id");
    }
    const std::string id = args[1];
    return Action([id](Env& env) { return RunRevokeApiKey(env, id); });
  }
  if (what == "backup") {
    if (args.size() != 1) {
      return absl::InvalidArgumentError("backup takes no arguments");
    }
    const std::string name = absl::GetFlag(FLAGS_name);
    return Action([name](Env& env) { return RunBackupDatabase(env, name); });
  }
  if (what == "erase-contact") {
    if (args.size() != 2) {
      return absl::InvalidArgumentError("erase-contact takes the contact's id");
    }
    const std::string id = args[1];
    return Action([id](Env& env) { return RunEraseContact(env, id); });
  }
  if (what == "audit") {
    AuditOptions o;
    o.principal = absl::GetFlag(FLAGS_principal);
    o.target = absl::GetFlag(FLAGS_target);
    auto start = TimeFlag("start", absl::GetFlag(FLAGS_start));
    if (!start.ok()) return start.status();
    auto end = TimeFlag("end", absl::GetFlag(FLAGS_end));
    if (!end.ok()) return end.status();
    o.start = *start;
    o.end = *end;
    o.max_results = absl::GetFlag(FLAGS_max_results);
    if (o.max_results < 0) {
      return absl::InvalidArgumentError("--max_results must be >= 0");
    }
    return Action([o](Env& env) { return RunAudit(env, o); });
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "unknown admin command \"", what,
      "\": create-tenant, create-key, list-keys, revoke-key, erase-contact, "
      "audit, backup, restore or copy"));
}

// A command that needs no server, and so sets its own exit status.
using OfflineAction = std::function<int(Io&)>;

// `admin copy`, offline.
absl::StatusOr<std::optional<OfflineAction>> BuildCopy(const Args& args) {
  if (args.size() != 1) {
    return absl::InvalidArgumentError("copy takes no arguments");
  }
  CopyCommandOptions o{absl::GetFlag(FLAGS_from), absl::GetFlag(FLAGS_to)};
  if (o.from.empty() || o.to.empty()) {
    return absl::InvalidArgumentError("copy needs --from and --to");
  }
  return std::optional<OfflineAction>([o](Io& io) { return RunCopy(io, o); });
}

// The offline form of `command`, if `args` ask for one (`admin restore`,
// `admin copy`); an error is a usage error.
absl::StatusOr<std::optional<OfflineAction>> BuildOffline(
    const Command& command, const Args& args) {
  if (std::string(command.name) == "admin" && args[0] == "copy") {
    return BuildCopy(args);
  }
  if (std::string(command.name) != "admin" || args[0] != "restore") {
    return std::optional<OfflineAction>();
  }
  if (args.size() != 1) {
    return absl::InvalidArgumentError("restore takes no arguments");
  }
  RestoreCommandOptions o{absl::GetFlag(FLAGS_backup), absl::GetFlag(FLAGS_db),
                          absl::GetFlag(FLAGS_keep_previous),
                          absl::GetFlag(FLAGS_force)};
  if (o.backup.empty() || o.db.empty()) {
    return absl::InvalidArgumentError("restore needs --backup and --db");
  }
  return std::optional<OfflineAction>(
      [o](Io& io) { return RunRestore(io, o); });
}

// One positional id, run through f.
template <typename F>
std::function<absl::StatusOr<Action>(const Args&)> WithId(F f) {
  return [f](const Args& args) -> absl::StatusOr<Action> {
    const std::string id = args[0];
    return Action([f, id](Env& env) { return f(env, id); });
  };
}

const std::vector<Command>& Commands() {
  static const auto* const kCommands = new std::vector<Command>{
      {"upsert-member",
       "--member_id=ID --display_name=NAME --team=T --industry=I "
       "[--manager=M] [--profile=JSON]",
       "create or replace a member",
       {"member_id", "display_name", "team", "industry", "manager", "profile"},
       0,
       0,
       BuildUpsertMember},
      {"upsert-members",
       "FILE",
       "upsert every member of a JSON-lines file ('-' for stdin), 1000 per "
       "call",
       {},
       1,
       1,
       WithId([](Env& env, const std::string& path) {
         return RunUpsertMembers(env, path);
       })},
      {"get-member", "ID", "show a member", {}, 1, 1, WithId(RunGetMember)},
      {"list-members",
       "[--team=T] [--industry=I] [--page_size=N] [--page_token=X] [--all]",
       "list members in a table",
       {"team", "industry", "page_size", "page_token", "all"},
       0,
       0,
       BuildListMembers},
      {"delete-member",
       "ID",
       "delete a member and all their events",
       {},
       1,
       1,
       WithId(RunDeleteMember)},
      {"ingest",
       "FILE [--batch_size=500] [--events_per_stream=50000]",
       "load a JSON-lines file of events ('-' for stdin)",
       {"batch_size", "events_per_stream"},
       1,
       1,
       BuildIngest},
      {"import",
       "FILE|- --mapping=NAME|FILE [--format=csv] [--time_zone=ZONE] "
       "[--create_members --team=T --industry=I] [--dry_run] "
       "[--write_jsonl=FILE] "
       "[--batch_size=500] [--events_per_stream=50000]\n"
       "      | --format=linkedin-archive FILE.zip|DIR --member=ID "
       "[--dry_run]\n"
       "      | --print_mapping=NAME",
       "import a CRM's CSV export of past activity (Salesforce, HubSpot or "
       "a custom mapping), or a member's own LinkedIn data archive",
       {"format", "mapping", "print_mapping", "time_zone", "create_members",
        "team", "industry", "member", "dry_run", "write_jsonl", "batch_size",
        "events_per_stream"},
       0,
       1,
       BuildImport},
      {"demo",
       "[--members=60] [--days=90] [--seed=1] [--end_time=RFC3339] "
       "[--write_jsonl=FILE] [--write_members_jsonl=FILE] "
       "[--write_batches=FILE]",
       "generate the demo organisation and load it (or write it)",
       {"members", "days", "seed", "end_time", "write_jsonl",
        "write_members_jsonl", "write_batches", "batch_size",
        "events_per_stream"},
       0,
       0,
       BuildDemo},
      {"score",
       "MEMBER [--as_of=RFC3339]",
       "a member's SSI with its explained pillars",
       {"as_of"},
       1,
       1,
       BuildScore},
      {"batch-scores",
       "ID... [--as_of=RFC3339]",
       "the scores of many members",
       {"as_of"},
       1,
       -1,
       BuildBatchScores},
      {"history",
       "MEMBER [--start=RFC3339] [--end=RFC3339]",
       "a member's daily score history as sparklines",
       {"start", "end"},
       1,
       1,
       BuildHistory},
      {"leaderboard",
       "[--team=T | --industry=I] [--order_by=total|brand|find|engage|"
       "relationships] [--page_size=N] [--page_token=X] [--as_of=RFC3339]",
       "rank members by SSI or by a pillar",
       {"team", "industry", "order_by", "page_size", "page_token", "as_of"},
       0,
       0,
       BuildLeaderboard},
      {"decliners",
       "[--team=T | --industry=I] [--min_drop=5] [--period_days=7] "
       "[--page_size=N] [--page_token=X] [--as_of=RFC3339]",
       "members whose score fell",
       {"team", "industry", "min_drop", "period_days", "page_size",
        "page_token", "as_of"},
       0,
       0,
       BuildDecliners},
      {"outreach",
       "--member=ID | --team=T [--window_days=30] [--as_of=RFC3339]",
       "outreach effectiveness: replies, follow-ups, core network",
       {"member", "team", "window_days", "as_of"},
       0,
       0,
       BuildOutreach},
      {"recommend",
       "--member=ID [--max_results=10] [--as_of=RFC3339]",
       "the next actions worth most points",
       {"member", "max_results", "as_of"},
       0,
       0,
       BuildRecommend},
      {"goals",
       "set --member=ID|--team=T [--pillar=P] --target=X --due=YYYY-MM-DD "
       "[--note=TEXT]\n"
       "      | list [--member=ID] [--team=T] [--page_size=N] "
       "[--page_token=X]\n"
       "      | delete GOAL_ID",
       "targets for a member's or a team's SSI or pillar, with their "
       "progress",
       {"member", "team", "pillar", "target", "due", "note", "page_size",
        "page_token"},
       1,
       2,
       BuildGoals},
      {"changes",
       "[--cursor=C | --cursor_file=FILE] [--team=T] [--page_size=N]",
       "the members whose SSI changed since a cursor (for CRM write-back)",
       {"cursor", "cursor_file", "team", "page_size"},
       0,
       0,
       BuildChanges},
      {"export",
       "scores [--format=csv] [--team=T] [--output=FILE]",
       "every member's current score as CSV",
       {"format", "team", "output"},
       1,
       1,
       BuildExport},
      {"validate",
       "[--team=T] [--history_days=90] [--outcome_days=30] "
       "[--confidence=0.95] [--as_of=RFC3339]",
       "whether the score predicts meetings and replies here",
       {"team", "history_days", "outcome_days", "confidence", "as_of"},
       0,
       0,
       BuildValidate},
      {"health",
       "[--service=NAME] [--timeout=2s]",
       "grpc.health.v1 Health/Check, for probes: prints the status; exit 0 "
       "SERVING, 1 NOT_SERVING or SERVICE_UNKNOWN, 2 no answer (server "
       "unreachable, --timeout passed (2s unless given), TLS or another "
       "failure). Needs no API key",
       {"service"},
       0,
       0,
       [](const Args&) -> absl::StatusOr<Action> {
         // Run by RunHealthCommand, which has its own exit statuses.
         return absl::InternalError("health has no Action");
       }},
      {"admin",
       "create-tenant --tenant_id=ID [--display_name=N] "
       "[--rep_leaderboard=full|ranks_only|none]\n"
       "      | create-key --name=N --role=ROLE [--teams=A,B] "
       "[--member_id=ID] [--expire_time=RFC3339]\n"
       "      | list-keys [--show_revoked] | revoke-key KEY_ID\n"
       "      | erase-contact CONTACT_ID\n"
       "      | audit [--principal=P] [--target=T] [--start=RFC3339] "
       "[--end=RFC3339] [--max_results=100]\n"
       "      | backup [--name=NAME]\n"
       "      | restore --backup=FILE --db=PATH [--keep_previous=false] "
       "[--force]   (offline: rapportd stopped; exit 3 when the database is "
       "in use, 4 when the backup cannot be restored)\n"
       "      | copy --from=DB --to=DB   (offline: every rapportd of both "
       "stopped; DB a SQLite file or a postgresql:// URI; the destination "
       "must be empty; exit 3 when a database is in use, 5 when the copy "
       "read back differs)",
       "tenants, API keys (a new key is printed once, alone, on stdout), "
       "erasing a contact, the audit trail, backup, restore and copying "
       "between SQLite and PostgreSQL",
       {"tenant_id",
        "display_name",
        "rep_leaderboard",
        "name",
        "role",
        "teams",
        "member_id",
        "expire_time",
        "show_revoked",
        "principal",
        "target",
        "start",
        "end",
        "max_results",
        "backup",
        "db",
        "force",
        "keep_previous",
        "from",
        "to"},
       1,
       2,
       BuildAdmin},
  };
  return *kCommands;
}

constexpr const char* kGlobalFlags[] = {
    "server",        "json",         "timeout",         "tls_ca_file",
    "tls_cert_file", "tls_key_file", "tls_server_name", "api_key_file"};

void PrintUsage(std::ostream& out) {
  out << "usage: rapport [--server=HOST:PORT] [--json] [--timeout=30s]\n"
         "               [--tls_ca_file=CA.pem [--tls_cert_file=CERT.pem "
         "--tls_key_file=KEY.pem]\n"
         "                [--tls_server_name=NAME]] [--api_key_file=FILE] "
         "COMMAND [ARGS]\n\n"
         "TLS: with --tls_ca_file (or $RAPPORT_TLS_CA_FILE) the connection "
         "uses TLS;\n"
         "  $RAPPORT_TLS_CERT_FILE, $RAPPORT_TLS_KEY_FILE and "
         "$RAPPORT_TLS_SERVER_NAME\n"
         "  stand in for the other flags.\n"
         "API key: sent on every call as `authorization: Bearer KEY`, read "
         "from\n"
         "  $RAPPORT_API_KEY or the first line of --api_key_file; never pass "
         "it as an\n"
         "  argument.\n\ncommands:\n";
  for (const Command& c : Commands()) {
    out << absl::StrFormat("  %-15s %s\n", c.name, c.summary);
  }
  out << absl::StrFormat("  %-15s %s\n", "help [COMMAND]",
                         "this list, or a command's arguments and flags")
      << "\nexit status: 0 ok, 1 a call failed, 2 usage error (admin "
         "restore: 3 database in use, 4 backup refused;\n"
         "  admin copy: 3 database in use, 5 copy differs;\n"
         "  health: 0 SERVING, 1 NOT_SERVING or SERVICE_UNKNOWN, 2 no "
         "answer)\n";
}

void PrintFlag(std::ostream& out, const char* name) {
  const absl::CommandLineFlag* flag = absl::FindCommandLineFlag(name);
  if (flag == nullptr) return;
  out << absl::StrFormat("  --%-20s %s (default: \"%s\")\n", name, flag->Help(),
                         flag->DefaultValue());
}

void PrintCommandHelp(const Command& c, std::ostream& out) {
  out << "usage: rapport " << c.name << " " << c.usage << "\n  " << c.summary
      << "\n\nflags:\n";
  for (const char* f : c.flags) PrintFlag(out, f);
  for (const char* f : kGlobalFlags) PrintFlag(out, f);
}

int UsageError(absl::string_view message) {
  std::cerr << "error: " << message << "\n(see `rapport help`)\n";
  return 2;
}

int Help(const Args& args) {
  if (args.size() < 2) {
    PrintUsage(std::cout);
    return 0;
  }
  for (const Command& c : Commands()) {
    if (args[1] == c.name) {
      PrintCommandHelp(c, std::cout);
      return 0;
    }
  }
  return UsageError(absl::StrCat("unknown command \"", args[1], "\""));
}

// The flag's value, or the environment variable's when the flag is empty.
std::string FlagOrEnv(const absl::Flag<std::string>& flag, const char* env) {
  std::string value = absl::GetFlag(flag);
  if (value.empty()) {
    const char* from_env = std::getenv(env);
    if (from_env != nullptr) value = from_env;
  }
  return value;
}

absl::StatusOr<ClientOptions> ClientOptionsFromFlags() {
  ClientOptions options;
  options.server = absl::GetFlag(FLAGS_server);
  options.timeout = absl::GetFlag(FLAGS_timeout);
  options.tls_ca_file = FlagOrEnv(FLAGS_tls_ca_file, "RAPPORT_TLS_CA_FILE");
  options.tls_cert_file =
      FlagOrEnv(FLAGS_tls_cert_file, "RAPPORT_TLS_CERT_FILE");
  options.tls_key_file = FlagOrEnv(FLAGS_tls_key_file, "RAPPORT_TLS_KEY_FILE");
  options.tls_server_name =
      FlagOrEnv(FLAGS_tls_server_name, "RAPPORT_TLS_SERVER_NAME");
  absl::StatusOr<std::string> key = ReadApiKey(
      absl::GetFlag(FLAGS_api_key_file), std::getenv("RAPPORT_API_KEY"));
  if (!key.ok()) return key.status();
  options.api_key = *std::move(key);
  return options;
}

// `rapport health`: its deadline is kHealthDefaultTimeout unless --timeout
// is given, and its exit status is the health status.
int RunHealthCommand(const ParsedArgs& parsed) {
  absl::StatusOr<ClientOptions> options = ClientOptionsFromFlags();
  if (!options.ok()) return UsageError(options.status().message());
  if (!absl::c_linear_search(parsed.flags, "timeout")) {
    options->timeout = kHealthDefaultTimeout;
  }
  absl::StatusOr<std::unique_ptr<Client>> client = Client::Connect(*options);
  if (!client.ok()) return UsageError(client.status().message());
  Io io{std::cin, std::cout, std::cerr, isatty(STDERR_FILENO) == 1};
  Env env{**client, io, absl::GetFlag(FLAGS_json)};
  const int code =
      RunHealth(env, HealthOptions{.service = absl::GetFlag(FLAGS_service)});
  std::cout.flush();
  return code;
}

int Main(int argc, char** argv) {
  absl::StatusOr<ParsedArgs> parsed = ParseArgs(argc, argv);
  if (!parsed.ok()) return UsageError(parsed.status().message());
  Args& positional = parsed->positional;
  if (parsed->help || (!positional.empty() && positional[0] == "help")) {
    if (positional.empty() || positional[0] != "help") {
      positional.insert(positional.begin(), "help");
    }
    return Help(positional);
  }
  if (positional.empty()) {
    PrintUsage(std::cerr);
    return 2;
  }
  const Command* command = nullptr;
  for (const Command& c : Commands()) {
    if (positional[0] == c.name) command = &c;
  }
  if (command == nullptr) {
    return UsageError(absl::StrCat("unknown command \"", positional[0], "\""));
  }
  for (const std::string& flag : parsed->flags) {
    if (!absl::c_linear_search(command->flags, flag) &&
        !absl::c_linear_search(kGlobalFlags, flag)) {
      return UsageError(
          absl::StrCat("--", flag, " does not apply to ", command->name));
    }
  }
  const Args args(positional.begin() + 1, positional.end());
  const int n = static_cast<int>(args.size());
  if (n < command->min_args ||
      (command->max_args >= 0 && n > command->max_args)) {
    return UsageError(
        absl::StrCat("usage: rapport ", command->name, " ", command->usage));
  }
  if (std::string(command->name) == "health") return RunHealthCommand(*parsed);
  absl::StatusOr<std::optional<OfflineAction>> offline =
      BuildOffline(*command, args);
  if (!offline.ok()) return UsageError(offline.status().message());
  if (offline->has_value()) {
    Io io{std::cin, std::cout, std::cerr, isatty(STDERR_FILENO) == 1};
    const int code = (**offline)(io);
    std::cout.flush();
    return code;
  }
  absl::StatusOr<Action> action = command->build(args);
  if (!action.ok()) return UsageError(action.status().message());

  absl::StatusOr<ClientOptions> options = ClientOptionsFromFlags();
  if (!options.ok()) return UsageError(options.status().message());
  absl::StatusOr<std::unique_ptr<Client>> client = Client::Connect(*options);
  if (!client.ok()) return UsageError(client.status().message());
  Io io{std::cin, std::cout, std::cerr, isatty(STDERR_FILENO) == 1};
  Env env{**client, io, absl::GetFlag(FLAGS_json)};
  const absl::Status status = (*action)(env);
  std::cout.flush();
  if (!status.ok()) {
    PrintError(status, std::cerr);
    return 1;
  }
  return std::cout ? 0 : 1;
}

}  // namespace
}  // namespace rapport::cli

int main(int argc, char** argv) { return rapport::cli::Main(argc, argv); }
