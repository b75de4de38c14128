// A RapportServer with TLS and authentication on, and two tenants to call it
// as:
//   acme   (the operator tenant): members n1, n2 (team north), s1 (south);
//          keys of every role: admin, integration, manager of north, rep n1,
//          metrics; plus a revoked and an expired key.
//   globex: members g1 and n1 (team north) — the same id as acme's n1, with
//          other data; an admin key.
// An OIDC provider (issuer https://idp.test, audience rapport) maps tokens to
// acme: groups rapport-managers -> manager, rapport-team-* -> teams, email
// -> a rep's member id.
#ifndef RAPPORT_TESTS_INTEGRATION_ACCESS_FIXTURE_H_
#define RAPPORT_TESTS_INTEGRATION_ACCESS_FIXTURE_H_

#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
#include "rapport/v1/activity.grpc.pb.h"
#include "rapport/v1/admin.grpc.pb.h"
#include "server/api/convert.h"
#include "server/app/server.h"
#include "server/auth/api_keys.h"
#include "server/common/clock.h"
#include "server/store/sqlite_store.h"
#include "tests/common/jwt_testing.h"
#include "tests/common/temp_dir.h"
#include "tests/common/test_certs.h"
#include "tests/common/tls_client.h"
#include "tests/integration/test_data.h"

namespace rapport::testing {

// Who calls: acme's principals of every role, and globex's admin.
enum class Who { kAdmin, kIntegration, kManager, kRep, kMetrics, kOtherAdmin };

class AccessFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string db = dir_.File("rapport.db");
    {
      store::SqliteStoreOptions options;
      options.path = db;
      auto store = store::SqliteStore::Open(options);
      ASSERT_TRUE(store.ok()) << store.status();
      auto acme = auth::BootstrapAdminKey(**store, "acme", clock_.Now());
      ASSERT_TRUE(acme.ok()) << acme.status();
      auto globex = auth::BootstrapAdminKey(**store, "globex", clock_.Now());
      ASSERT_TRUE(globex.ok()) << globex.status();
      keys_[Who::kAdmin] = *acme;
      keys_[Who::kOtherAdmin] = *globex;
    }
    idp_key_ = GenerateRsaKey();
    WriteJwksFile(dir_.File("jwks.json"), {{idp_key_.get(), "k1", "RS256"}});
    {
      std::ofstream config(dir_.File("auth.json"));
      config << R"({"oidc": [{"issuer": "https://idp.test",
        "audiences": ["rapport"], "jwks_file": ")"
             << dir_.File("jwks.json") << R"(",
        "claims": {"tenant": "acme", "member_claim": "email",
          "role_claim": "groups",
          "roles": {"rapport-managers": "manager", "rapport-reps": "rep"},
          "teams_claim": "groups", "team_prefix": "rapport-team-"}}]})";
    }
    absl::StatusOr<TestPki> pki = TestPki::Create(dir_.path(), "rapportd");
    ASSERT_TRUE(pki.ok()) << pki.status();
    pki_ = *std::move(pki);
    app::ServerOptions options;
    options.listen = "127.0.0.1:0";
    options.db_path = db;
    options.auth.config_file = dir_.File("auth.json");
    options.tls.cert_file = pki_.server.cert;
    options.tls.key_file = pki_.server.key;
    options.board.refresh_interval = absl::ZeroDuration();
    options.history_interval = absl::ZeroDuration();
    std::filesystem::create_directory(dir_.File("backups"));
    options.backup_dir = dir_.File("backups");
    options.auth.enabled = true;
    Customize(options);
    auto server = app::RapportServer::Start(options, &clock_);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    channel_ = MakeChannel();
    activity_ = v1::ActivityService::NewStub(channel_);
    admin_ = v1::AdminService::NewStub(channel_);

    keys_[Who::kIntegration] = NewKey(Who::kAdmin, v1::ROLE_INTEGRATION);
    keys_[Who::kManager] = NewKey(Who::kAdmin, v1::ROLE_MANAGER, {"north"});
    keys_[Who::kRep] = NewKey(Who::kAdmin, v1::ROLE_REP, {}, "n1");
    keys_[Who::kMetrics] = NewKey(Who::kAdmin, v1::ROLE_METRICS);

    for (const auto& [id, team] :
         std::vector<std::pair<std::string, std::string>>{
             {"n1", "north"}, {"n2", "north"}, {"s1", "south"}}) {
      Upsert(Who::kAdmin, MakeMember(id, team));
    }
    Upsert(Who::kOtherAdmin, MakeMember("g1", "north"));
    Upsert(Who::kOtherAdmin, MakeMember("n1", "north"));

    // A revoked key, and one that expires before the tests run.
    revoked_key_ = NewKey(Who::kAdmin, v1::ROLE_ADMIN);
    {
      grpc::ClientContext ctx;
      Authorize(ctx, Who::kAdmin);
      v1::RevokeApiKeyRequest req;
      req.set_key_id(std::string(auth::ParseApiKey(revoked_key_)->key_id));
      v1::RevokeApiKeyResponse resp;
      ASSERT_TRUE(admin_->RevokeApiKey(&ctx, req, &resp).ok());
    }
    {
      grpc::ClientContext ctx;
      Authorize(ctx, Who::kAdmin);
      v1::CreateApiKeyRequest req;
      req.set_name("short-lived");
      req.mutable_scope()->set_role(v1::ROLE_ADMIN);
      api::ToProtoTime(clock_.Now() + absl::Minutes(5),
                       req.mutable_expire_time());
      v1::CreateApiKeyResponse resp;
      ASSERT_TRUE(admin_->CreateApiKey(&ctx, req, &resp).ok());
      expired_key_ = resp.secret();
    }
    clock_.Advance(absl::Minutes(10));  // Past expiry and the key cache.
  }

  virtual void Customize(app::ServerOptions&) {}
  std::shared_ptr<grpc::Channel> MakeChannel() {
    std::ifstream in(pki_.ca->cert_file());
    grpc::SslCredentialsOptions tls;
    tls.pem_root_certs.assign(std::istreambuf_iterator<char>(in), {});
    return grpc::CreateChannel(absl::StrCat("127.0.0.1:", server_->port()),
                               grpc::SslCredentials(tls));
  }

  // GET `path` on the HTTP port (over TLS; the test sets metrics_listen),
  // with `key` as bearer token unless it is empty.
  HttpResponse HttpsGetWithKey(const std::string& path,
                               const std::string& key) {
    HttpHeaders headers;
    if (!key.empty()) headers.emplace_back("Authorization", "Bearer " + key);
    TlsClientOptions tls;
    tls.ca_file = pki_.ca->cert_file();
    absl::StatusOr<HttpResponse> r =
        HttpsGet("127.0.0.1", server_->metrics_port(), path, tls, headers);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? *r : HttpResponse{};
  }

  std::string Bearer(Who who) { return absl::StrCat("Bearer ", keys_[who]); }
  void Authorize(grpc::ClientContext& ctx, Who who) {
    ctx.AddMetadata("authorization", Bearer(who));
  }

  std::string NewKey(Who by, v1::Role role,
                     const std::vector<std::string>& teams = {},
                     const std::string& member_id = "") {
    grpc::ClientContext ctx;
    Authorize(ctx, by);
    v1::CreateApiKeyRequest req;
    req.set_name(absl::StrCat("key ", role));
    req.mutable_scope()->set_role(role);
    for (const std::string& t : teams) req.mutable_scope()->add_teams(t);
    req.mutable_scope()->set_member_id(member_id);
    v1::CreateApiKeyResponse resp;
    grpc::Status status = admin_->CreateApiKey(&ctx, req, &resp);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return resp.secret();
  }

  void Upsert(Who who, const v1::Member& member) {
    grpc::ClientContext ctx;
    Authorize(ctx, who);
    v1::UpsertMemberRequest req;
    *req.mutable_member() = member;
    v1::UpsertMemberResponse resp;
    grpc::Status status = activity_->UpsertMember(&ctx, req, &resp);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  // A token of the test's identity provider, signed by `key` (the
  // provider's when null): a manager of north, valid for an hour, unless
  // `claims` (name -> JSON value) replace or add claims.
  std::string Token(const std::map<std::string, std::string>& claims = {},
                    EVP_PKEY* key = nullptr) {
    std::map<std::string, std::string> all = {
        {"iss", R"("https://idp.test")"},
        {"sub", R"("u-1")"},
        {"aud", R"("rapport")"},
        {"groups", R"(["rapport-managers","rapport-team-north"])"},
        {"exp",
         absl::StrCat(absl::ToUnixSeconds(clock_.Now() + absl::Hours(1)))}};
    for (const auto& [name, value] : claims) all[name] = value;
    std::string payload = "{";
    for (const auto& [name, value] : all) {
      absl::StrAppend(&payload, payload.size() > 1 ? "," : "", "\"", name,
                      "\":", value);
    }
    payload += "}";
    return MintJwt(key == nullptr ? idp_key_.get() : key, "RS256", "k1",
                   payload);
  }

  // A key of the right shape that was never issued.
  static std::string ForgedKey() {
    return absl::StrCat("rpk_0123456789abcdef_", std::string(43, 'Q'));
  }
  // The admin key's id with another secret.
  std::string WrongSecretKey() {
    std::string key = keys_[Who::kAdmin];
    key.back() = key.back() == 'A' ? 'B' : 'A';
    return key;
  }

  TempDir dir_;
  FakeClock clock_{kTestNow};
  std::unique_ptr<app::RapportServer> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::ActivityService::Stub> activity_;
  std::unique_ptr<v1::AdminService::Stub> admin_;
  std::map<Who, std::string> keys_;
  std::string revoked_key_, expired_key_;
  Pkey idp_key_;
  TestPki pki_;
};

}  // namespace rapport::testing

#endif  // RAPPORT_TESTS_INTEGRATION_ACCESS_FIXTURE_H_
