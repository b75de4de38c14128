// The CLI's connection options: where the API key comes from, and TLS
// flags that cannot be used.
#include "client/cli/client.h"

#include <fstream>
#include <string>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/common/temp_dir.h"

namespace rapport::cli {
namespace {

using ::testing::HasSubstr;

TEST(ReadApiKeyTest, TheFilesFirstLineTrimmedWinsOverTheEnvironment) {
  testing::TempDir dir;
  const std::string file = dir.File("key");
  std::ofstream(file) << "  rk_live_abc \nsecond line\n";
  EXPECT_EQ(*ReadApiKey(file, "rk_from_env"), "rk_live_abc");
  EXPECT_EQ(*ReadApiKey("", " rk_from_env\n"), "rk_from_env");
  EXPECT_EQ(*ReadApiKey("", nullptr), "");
}

TEST(ReadApiKeyTest, AnUnreadableOrEmptyFileIsAnError) {
  testing::TempDir dir;
  absl::StatusOr<std::string> missing =
      ReadApiKey(dir.File("absent"), "rk_from_env");
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(missing.status().message()),
              HasSubstr("--api_key_file"));
  const std::string empty = dir.File("empty");
  std::ofstream(empty) << "   \nrk_on_line_two\n";
  EXPECT_EQ(ReadApiKey(empty, nullptr).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(ClientConnectTest, TlsFlagsNeedACaFileThatExists) {
  ClientOptions options;
  options.tls_cert_file = "client.pem";
  options.tls_key_file = "client.key";
  EXPECT_EQ(Client::Connect(options).status().code(),
            absl::StatusCode::kInvalidArgument);
  testing::TempDir dir;
  options.tls_ca_file = dir.File("absent-ca.pem");
  absl::StatusOr<std::unique_ptr<Client>> client = Client::Connect(options);
  EXPECT_EQ(client.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(client.status().message()),
              HasSubstr("--tls_ca_file"));
  EXPECT_TRUE(Client::Connect(ClientOptions()).ok());  // Plaintext.
}

}  // namespace
}  // namespace rapport::cli
