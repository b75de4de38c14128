// Gatekeeper's in-process passes over a real gRPC server: PrincipalOf
// honours a live pass only on a call through the in-process channel; the
// same metadata on a call over the network port gains nothing.
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/generic/async_generic_service.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server.h"
#include "grpcpp/server_builder.h"
#include "grpcpp/support/byte_buffer.h"
#include "gtest/gtest.h"
#include "server/api/gatekeeper.h"
#include "server/auth/authenticator.h"
#include "server/common/clock.h"

namespace rapport::api {
namespace {

// Answers every method with "<principal id>" or "error:<code>": what the
// handlers of the real services would see.
class WhoAmI final : public grpc::CallbackGenericService {
 public:
  explicit WhoAmI(const Gatekeeper* gatekeeper) : gatekeeper_(gatekeeper) {}

  grpc::ServerGenericBidiReactor* CreateReactor(
      grpc::GenericCallbackServerContext* context) override {
    class Reactor final : public grpc::ServerGenericBidiReactor {
     public:
      Reactor(const Gatekeeper* gatekeeper,
              grpc::GenericCallbackServerContext* context) {
        absl::StatusOr<auth::Principal> principal =
            gatekeeper->PrincipalOf(*context);
        const std::string answer =
            principal.ok()
                ? principal->id
                : absl::StrCat("error:",
                               static_cast<int>(principal.status().code()));
        grpc::Slice slice(answer);
        response_ = grpc::ByteBuffer(&slice, 1);
        StartWrite(&response_);
      }
      void OnWriteDone(bool) override { Finish(grpc::Status::OK); }
      void OnDone() override { delete this; }

     private:
      grpc::ByteBuffer response_;
    };
    return new Reactor(gatekeeper_, context);
  }

 private:
  const Gatekeeper* const gatekeeper_;
};

class GatekeeperPassTest : public ::testing::Test {
 protected:
  void SetUp() override {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(),
                             &port_);
    builder.RegisterCallbackGenericService(&service_);
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    ASSERT_NE(port_, 0);
    grpc::ChannelArguments args;
    in_process_ = server_->InProcessChannel(args);
    network_ = grpc::CreateChannel(absl::StrCat("127.0.0.1:", port_),
                                   grpc::InsecureChannelCredentials());
  }
  void TearDown() override { server_->Shutdown(); }

  // The principal id the handler sees for a call over `channel` carrying
  // each of `passes` as kInProcessPassKey.
  static std::string Call(const std::shared_ptr<grpc::Channel>& channel,
                          const std::vector<std::string>& passes) {
    grpc::GenericStub stub(channel);
    grpc::ClientContext context;
    for (const std::string& pass : passes) {
      context.AddMetadata(kInProcessPassKey, pass);
    }
    grpc::Slice empty("");
    grpc::ByteBuffer request(&empty, 1);
    grpc::ByteBuffer response;
    grpc::CompletionQueue queue;
    grpc::Status status;
    auto call =
        stub.PrepareUnaryCall(&context, "/test.Who/Am", request, &queue);
    call->StartCall();
    call->Finish(&response, &status, nullptr);
    void* tag;
    bool ok;
    EXPECT_TRUE(queue.Next(&tag, &ok));
    queue.Shutdown();
    while (queue.Next(&tag, &ok)) {
    }
    if (!status.ok()) return absl::StrCat("rpc:", status.error_code());
    std::vector<grpc::Slice> slices;
    EXPECT_TRUE(response.Dump(&slices).ok());
    std::string out;
    for (const grpc::Slice& s : slices) {
      out.append(reinterpret_cast<const char*>(s.begin()), s.size());
    }
    return out;
  }

  static auth::Principal Admin(const std::string& id) {
    auth::Principal principal;
    principal.id = id;
    principal.tenant = "acme";
    principal.role = auth::Role::kAdmin;
    return principal;
  }

  const std::string kUnauthenticated = absl::StrCat(
      "error:", static_cast<int>(absl::StatusCode::kUnauthenticated));
  FakeClock clock_{absl::FromUnixSeconds(1'700'000'000)};
  // No keys, no OIDC, no certificate rules: a call's own credentials never
  // identify anyone here.
  auth::Authenticator authenticator_{nullptr, nullptr, {}, &clock_};
  std::unique_ptr<Gatekeeper> gatekeeper_ =
      Gatekeeper::On(&authenticator_, ReflectionAccess::kOff);
  WhoAmI service_{gatekeeper_.get()};
  int port_ = 0;
  std::unique_ptr<grpc::Server> server_;
  std::shared_ptr<grpc::Channel> in_process_;
  std::shared_ptr<grpc::Channel> network_;
};

// Also proves that kInProcessPeer is what gRPC reports for in-process calls.
TEST_F(GatekeeperPassTest, InProcessCallWithLivePassActsAsItsPrincipal) {
  std::unique_ptr<InProcessPass> pass = gatekeeper_->Vouch(Admin("key:one"));
  EXPECT_EQ(Call(in_process_, {pass->value()}), "key:one");
}

TEST_F(GatekeeperPassTest, NetworkCallWithTheSameLivePassGainsNothing) {
  std::unique_ptr<InProcessPass> pass = gatekeeper_->Vouch(Admin("key:one"));
  EXPECT_EQ(Call(network_, {pass->value()}), kUnauthenticated);
  // The pass still works where it belongs: the refusal was the peer's.
  EXPECT_EQ(Call(in_process_, {pass->value()}), "key:one");
}

TEST_F(GatekeeperPassTest, EndedUnknownOrRepeatedPassesAreIgnored) {
  std::unique_ptr<InProcessPass> one = gatekeeper_->Vouch(Admin("key:one"));
  std::unique_ptr<InProcessPass> two = gatekeeper_->Vouch(Admin("key:two"));
  EXPECT_NE(one->value(), two->value());
  EXPECT_EQ(one->value().size(), 64u);
  EXPECT_EQ(Call(in_process_, {two->value()}), "key:two");
  EXPECT_EQ(Call(in_process_, {one->value(), two->value()}), kUnauthenticated);
  EXPECT_EQ(Call(in_process_, {std::string(64, '0')}), kUnauthenticated);
  EXPECT_EQ(Call(in_process_, {}), kUnauthenticated);
  const std::string ended = one->value();
  one.reset();
  EXPECT_EQ(Call(in_process_, {ended}), kUnauthenticated);
}

}  // namespace
}  // namespace rapport::api
