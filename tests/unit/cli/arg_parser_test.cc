#include "client/cli/arg_parser.h"

#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "gtest/gtest.h"

ABSL_FLAG(std::string, test_name, "", "a string flag");
ABSL_FLAG(int, test_count, 0, "an int flag");
ABSL_FLAG(bool, test_verbose, false, "a bool flag");

namespace rapport::cli {
namespace {

absl::StatusOr<ParsedArgs> Parse(std::vector<const char*> args) {
  args.insert(args.begin(), "rapport");
  return ParseArgs(static_cast<int>(args.size()), args.data());
}

class ArgParserTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::SetFlag(&FLAGS_test_name, "");
    absl::SetFlag(&FLAGS_test_count, 0);
    absl::SetFlag(&FLAGS_test_verbose, false);
  }
};

TEST_F(ArgParserTest, SeparatesFlagsFromPositionals) {
  absl::StatusOr<ParsedArgs> p =
      Parse({"ingest", "--test_name=x", "file.jsonl", "-test_count", "7",
             "--test_verbose", "-"});
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->positional,
            (std::vector<std::string>{"ingest", "file.jsonl", "-"}));
  EXPECT_EQ(p->flags, (std::vector<std::string>{"test_name", "test_count",
                                                "test_verbose"}));
  EXPECT_EQ(absl::GetFlag(FLAGS_test_name), "x");
  EXPECT_EQ(absl::GetFlag(FLAGS_test_count), 7);
  EXPECT_TRUE(absl::GetFlag(FLAGS_test_verbose));
  EXPECT_FALSE(p->help);
}

TEST_F(ArgParserTest, NegatedBooleansAndDoubleDash) {
  absl::SetFlag(&FLAGS_test_verbose, true);
  absl::StatusOr<ParsedArgs> p =
      Parse({"--notest_verbose", "--", "--test_count=3"});
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_FALSE(absl::GetFlag(FLAGS_test_verbose));
  EXPECT_EQ(p->positional, (std::vector<std::string>{"--test_count=3"}));
  EXPECT_EQ(absl::GetFlag(FLAGS_test_count), 0);
}

TEST_F(ArgParserTest, Help) {
  absl::StatusOr<ParsedArgs> p = Parse({"score", "--help"});
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p->help);
  EXPECT_EQ(p->positional, (std::vector<std::string>{"score"}));
}

TEST_F(ArgParserTest, ErrorsNameTheFlag) {
  absl::StatusOr<ParsedArgs> unknown = Parse({"--no_such_flag=1"});
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(unknown.status().message(), "unknown flag --no_such_flag");
  absl::StatusOr<ParsedArgs> bad = Parse({"--test_count=many"});
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(bad.status().message().substr(0, 18), "--test_count=many:");
  absl::StatusOr<ParsedArgs> missing = Parse({"--test_name"});
  EXPECT_EQ(missing.status().message(), "--test_name needs a value");
  EXPECT_EQ(Parse({"--notest_name"}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace rapport::cli
