// The CLI never prints a control character it receives: the sanitizer over
// generated text, and commands against a server whose names hold escape
// sequences, bells, NULs and bidirectional overrides.
#include "client/cli/terminal_text.h"

#include <cstdint>
#include <memory>
#include <random>
#include <sstream>
#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "client/cli/client.h"
#include "client/cli/env.h"
#include "client/cli/io.h"
#include "client/cli/member_commands.h"
#include "client/cli/score_commands.h"
#include "grpcpp/server.h"
#include "grpcpp/server_builder.h"
#include "gtest/gtest.h"
#include "rapport/v1/activity.grpc.pb.h"
#include "rapport/v1/scoring.grpc.pb.h"
#include "server/common/text.h"
#include "tests/common/utf8_testing.h"

namespace rapport::cli {
namespace {

constexpr uint32_t kSeed = 4242;

std::string Encode(char32_t c) { return ::rapport::testing::EncodeUtf8(c); }

// Nothing a terminal would act on or hide: valid UTF-8 with no refused
// character.
bool Printable(const std::string& s) {
  return IsValidUtf8(s) && !FirstForbiddenCharacter(s).has_value();
}

TEST(TerminalSafeTest, EscapesWhatATerminalWouldActOn) {
  EXPECT_EQ(TerminalSafe("\x1b[2J\x1b]0;owned\a"),
            "\\x1b[2J\\x1b]0;owned\\x07");
  EXPECT_EQ(TerminalSafe(std::string("a\0b", 3)), "a\\x00b");
  EXPECT_EQ(TerminalSafe("\r\n\t\x7f"), "\\x0d\\x0a\\x09\\x7f");
  EXPECT_EQ(TerminalSafe("\xC2\x9B"
                         "31m"),
            "\\x9b31m");  // C1 CSI.
  EXPECT_EQ(TerminalSafe("abc\xE2\x80\xAE"
                         "fed"),
            "abc\\u202efed");
  EXPECT_EQ(TerminalSafe("a\xE2\x80\x8B"
                         "b"),
            "a\\u200bb");
  EXPECT_EQ(TerminalSafe("\xEF\xBB\xBF"), "\\ufeff");
  EXPECT_EQ(TerminalSafe("\xF4\x8F\xBF\xBF"), "\\U0010ffff");
  EXPECT_EQ(TerminalSafe("ok\xFF\xC3"), "ok\\xff\\xc3");
  EXPECT_EQ(TerminalSafe("\xED\xA0\x80"), "\\xed\\xa0\\x80");
}

TEST(TerminalSafeTest, KeepsSafeTextAndMakesAnyBytesPrintable) {
  std::mt19937 rng(kSeed);
  for (int round = 0; round < 5000; ++round) {
    SCOPED_TRACE(absl::StrCat("seed ", kSeed, " round ", round));
    std::string safe, any;
    const int n = std::uniform_int_distribution<int>(0, 20)(rng);
    for (int i = 0; i < n; ++i) {
      char32_t c = std::uniform_int_distribution<char32_t>(
          0, std::uniform_int_distribution<int>(0, 1)(rng) ? 0x2100
                                                           : 0x10FFFF)(rng);
      if (c >= 0xD800 && c <= 0xDFFF) c = 0x263A;
      if (!IsForbiddenInText(c)) safe += Encode(c);
      any += Encode(c);
      if (std::uniform_int_distribution<int>(0, 9)(rng) == 0) {
        any +=
            static_cast<char>(std::uniform_int_distribution<int>(0, 255)(rng));
      }
    }
    ASSERT_EQ(TerminalSafe(safe), safe);
    const std::string out = TerminalSafe(any);
    ASSERT_TRUE(Printable(out)) << absl::CHexEscape(any);
    // Only whole characters are replaced: the safe ones survive in order.
    ASSERT_EQ(TerminalSafe(out), out);
  }
}

TEST(TerminalSafeTest, ReachesEveryStringOfAMessage) {
  v1::GetLeaderboardResponse response;
  v1::LeaderboardEntry* e = response.add_entries();
  e->set_display_name("\x1b[31mred");
  e->set_member_id("m\a");
  response.set_next_page_token("tok\x1b");
  MakeTerminalSafe(&response);
  EXPECT_EQ(response.entries(0).display_name(), "\\x1b[31mred");
  EXPECT_EQ(response.entries(0).member_id(), "m\\x07");
  EXPECT_EQ(response.next_page_token(), "tok\\x1b");
}

// A server that answers with hostile names.
constexpr char kHostileName[] = "Eve\x1b]0;pwned\a\x1b[2J";
const std::string kNulName("Mallory\0hidden", 14);

class HostileScoring final : public v1::ScoringService::Service {
 public:
  grpc::Status GetLeaderboard(grpc::ServerContext*,
                              const v1::GetLeaderboardRequest*,
                              v1::GetLeaderboardResponse* response) override {
    for (const std::string& name : {std::string(kHostileName), kNulName}) {
      v1::LeaderboardEntry* e = response->add_entries();
      e->set_rank(response->entries_size());
      e->set_member_id(absl::StrCat("m", response->entries_size()));
      e->set_display_name(name);
      e->set_team(
          "team\xE2\x80\xAE"
          "1");
    }
    response->set_total_size(2);
    return grpc::Status::OK;
  }
};

class HostileActivity final : public v1::ActivityService::Service {
 public:
  grpc::Status GetMember(grpc::ServerContext*, const v1::GetMemberRequest* r,
                         v1::GetMemberResponse* response) override {
    v1::Member* m = response->mutable_member();
    m->set_member_id(r->member_id());
    m->set_display_name(kHostileName);
    m->set_team(kNulName);
    m->set_industry("\x07");
    return grpc::Status::OK;
  }
  grpc::Status ListMembers(grpc::ServerContext*, const v1::ListMembersRequest*,
                           v1::ListMembersResponse* response) override {
    v1::Member* m = response->add_members();
    m->set_member_id("m1");
    m->set_display_name(kHostileName);
    m->set_team(kNulName);
    m->set_industry("x");
    return grpc::Status::OK;
  }
  grpc::Status DeleteMember(grpc::ServerContext*,
                            const v1::DeleteMemberRequest*,
                            v1::DeleteMemberResponse*) override {
    return grpc::Status(grpc::StatusCode::NOT_FOUND,
                        "no member \x1b[2Jm1\xE2\x80\xAE");
  }
};

class HostileServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    grpc::ServerBuilder builder;
    builder.RegisterService(&scoring_);
    builder.RegisterService(&activity_);
    server_ = builder.BuildAndStart();
    client_ = std::make_unique<Client>(
        server_->InProcessChannel(grpc::ChannelArguments()), absl::Seconds(30));
  }
  void TearDown() override { server_->Shutdown(); }

  // What the command printed, on out and err together.
  template <typename Run>
  std::string Output(Run run, bool json = false) {
    std::istringstream in;
    std::ostringstream out, err;
    Io io{in, out, err};
    Env env{*client_, io, json};
    const absl::Status s = run(env);
    if (!s.ok()) PrintError(s, err);
    return out.str() + err.str();
  }

  static void ExpectNoControls(const std::string& printed) {
    // The CLI's own line ends aside, nothing a terminal would act on.
    for (absl::string_view line : absl::StrSplit(printed, '\n')) {
      EXPECT_TRUE(Printable(std::string(line))) << absl::CHexEscape(printed);
    }
    for (char c : {'\x1b', '\a', '\0'}) {
      EXPECT_EQ(printed.find(c), std::string::npos)
          << absl::CHexEscape(printed);
    }
  }

  HostileScoring scoring_;
  HostileActivity activity_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<Client> client_;
};

TEST_F(HostileServerTest, LeaderboardPrintsEscapedNames) {
  const std::string printed =
      Output([](Env& env) { return RunLeaderboard(env, {}); });
  ExpectNoControls(printed);
  EXPECT_TRUE(absl::StrContains(printed, "Eve\\x1b]0;pwned\\x07\\x1b[2J"))
      << printed;
  EXPECT_TRUE(absl::StrContains(printed, "Mallory\\x00hidden")) << printed;
  EXPECT_TRUE(absl::StrContains(printed, "team\\u202e1")) << printed;
}

TEST_F(HostileServerTest, JsonOutputEscapesOnItsOwn) {
  const std::string printed =
      Output([](Env& env) { return RunLeaderboard(env, {}); }, true);
  ExpectNoControls(printed);
  EXPECT_TRUE(absl::StrContains(printed, "Eve\\u001b]0;pwned\\u0007"))
      << printed;
  EXPECT_TRUE(absl::StrContains(printed, "team\\u202e1")) << printed;
}

TEST_F(HostileServerTest, MemberOutputAndErrorsPrintEscaped) {
  const std::string member =
      Output([](Env& env) { return RunGetMember(env, "m1"); });
  ExpectNoControls(member);
  EXPECT_TRUE(absl::StrContains(member, "Eve\\x1b]0;pwned")) << member;
  EXPECT_TRUE(absl::StrContains(member, "\\x07")) << member;
  const std::string list =
      Output([](Env& env) { return RunListMembers(env, {}); });
  ExpectNoControls(list);
  EXPECT_TRUE(absl::StrContains(list, "Mallory\\x00hidden")) << list;
  const std::string error =
      Output([](Env& env) { return RunDeleteMember(env, "m1"); });
  ExpectNoControls(error);
  EXPECT_TRUE(absl::StrContains(error, "no member \\x1b[2Jm1\\u202e")) << error;
}

}  // namespace
}  // namespace rapport::cli
