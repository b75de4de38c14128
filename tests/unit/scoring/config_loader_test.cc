#include <fstream>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "gmock/gmock.h"
#include "google/protobuf/text_format.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "rapport/config/v1/scoring_model.pb.h"
#include "server/scoring/config/convert.h"
#include "server/scoring/config/loader.h"
#include "server/scoring/model.h"

namespace rapport::scoring {
namespace {

using ::rapport::config::v1::ScoringModelConfig;
using ::testing::HasSubstr;
using ::testing::StartsWith;

std::string WriteTemp(const std::string& name, const std::string& text) {
  const std::string path = absl::StrCat(::testing::TempDir(), "/", name);
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
  return path;
}

std::string ToJson(const ScoringModelConfig& config) {
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  std::string json;
  EXPECT_TRUE(
      google::protobuf::util::MessageToJsonString(config, &json, options).ok());
  return json;
}

TEST(ConfigLoaderTest, TheShippedDefaultEqualsDefaultModel) {
  const absl::StatusOr<ScoringModel> m =
      LoadScoringModel(RAPPORT_DEFAULT_MODEL_JSON);
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_TRUE(*m == DefaultModel());
}

TEST(ConfigLoaderTest, JsonRoundTrips) {
  ScoringModel tuned = DefaultModel();
  tuned.version = "ssi-tuned.7";
  tuned.half_life_days = 21.5;
  tuned.curvature = 3.25;
  tuned.build_relationships.reply_rate.prior_rate = 0.125;
  tuned.find_right_people.decision_maker_reach.weights.unknown = 0;
  for (const ScoringModel& model : {DefaultModel(), tuned}) {
    const std::string json = ScoringModelToJson(model);
    EXPECT_THAT(json, HasSubstr("\"half_life_days\""));
    const absl::StatusOr<ScoringModel> back =
        ParseScoringModel(json, ConfigFormat::kJson, "round-trip.json");
    ASSERT_TRUE(back.ok()) << back.status();
    EXPECT_TRUE(*back == model) << json;
  }
}

TEST(ConfigLoaderTest, JsonAcceptsLowerCamelCaseNames) {
  std::string json = ScoringModelToJson(DefaultModel());
  json = absl::StrReplaceAll(json, {{"\"half_life_days\"", "\"halfLifeDays\""},
                                    {"\"max_points\"", "\"maxPoints\""}});
  const absl::StatusOr<ScoringModel> m =
      ParseScoringModel(json, ConfigFormat::kJson, "camel.json");
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_TRUE(*m == DefaultModel());
}

TEST(ConfigLoaderTest, LoadsTextprotoByExtension) {
  std::string text;
  ASSERT_TRUE(google::protobuf::TextFormat::PrintToString(
      ModelToConfig(DefaultModel()), &text));
  for (const char* name : {"model.textproto", "model.txtpb"}) {
    const absl::StatusOr<ScoringModel> m =
        LoadScoringModel(WriteTemp(name, text));
    ASSERT_TRUE(m.ok()) << m.status();
    EXPECT_TRUE(*m == DefaultModel()) << name;
  }
}

TEST(ConfigLoaderTest, AMissingFileIsNotFound) {
  const std::string path = WriteTemp("x.json", "") + ".absent.json";
  const absl::Status s = LoadScoringModel(path).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(s.message(), path + ": cannot be read");
}

TEST(ConfigLoaderTest, RejectsAnUnknownExtension) {
  const std::string path = WriteTemp("model.yaml", "version: x");
  const absl::Status s = LoadScoringModel(path).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(),
            path + ": the name must end in .json, .textproto or .txtpb");
}

TEST(ConfigLoaderTest, RejectsMalformedJsonNamingTheFile) {
  const std::string path = WriteTemp("broken.json", "{\"version\": ");
  const absl::Status s = LoadScoringModel(path).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(s.message()), StartsWith(path + ": invalid JSON: "));
}

TEST(ConfigLoaderTest, RejectsAnUnknownFieldNamingIt) {
  std::string json = ScoringModelToJson(DefaultModel());
  json = absl::StrReplaceAll(json, {{"\"curvature\"", "\"curvatur\""}});
  const absl::Status s =
      ParseScoringModel(json, ConfigFormat::kJson, "typo.json").status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(s.message()),
              StartsWith("typo.json: invalid JSON: "));
  EXPECT_THAT(std::string(s.message()), HasSubstr("curvatur"));
}

TEST(ConfigLoaderTest, RejectsMalformedTextprotoWithTheLine) {
  const std::string path = WriteTemp(
      "broken.textproto", "version: \"x\"\nwindow_days: \"ninety\"\n");
  const absl::Status s = LoadScoringModel(path).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(s.message()),
              StartsWith(path + ": invalid textproto: line 2"));
}

TEST(ConfigLoaderTest, RejectsAMissingFieldNamingIt) {
  ScoringModelConfig config = ModelToConfig(DefaultModel());
  config.mutable_build_relationships()->mutable_reply_rate()->clear_target();
  const std::string path = WriteTemp("missing.json", ToJson(config));
  const absl::Status s = LoadScoringModel(path).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(),
            path + ": build_relationships.reply_rate.target: required");

  config = ModelToConfig(DefaultModel());
  config.mutable_engage_with_insights()->clear_group_activity();
  EXPECT_EQ(ParseScoringModel(ToJson(config), ConfigFormat::kJson, "f.json")
                .status()
                .message(),
            "f.json: engage_with_insights.group_activity: required");

  EXPECT_EQ(ParseScoringModel("{}", ConfigFormat::kJson, "empty.json")
                .status()
                .message(),
            "empty.json: version: required");
}

TEST(ConfigLoaderTest, RejectsAnInvalidModelNamingTheField) {
  ScoringModelConfig config = ModelToConfig(DefaultModel());
  config.mutable_find_right_people()->mutable_acceptance_rate()->set_target(0);
  const std::string path = WriteTemp("invalid.json", ToJson(config));
  const absl::Status s = LoadScoringModel(path).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(),
            path +
                ": find_right_people.acceptance_rate.target: must be > 0 "
                "(got 0)");
}

TEST(ConfigLoaderTest, ConvertsEveryFieldBothWays) {
  const ScoringModelConfig config = ModelToConfig(DefaultModel());
  const absl::StatusOr<ScoringModel> back = ConfigToModel(config);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_TRUE(*back == DefaultModel());
  EXPECT_EQ(config.find_right_people().decision_maker_reach().weights().vp(),
            1.6);
}

}  // namespace
}  // namespace rapport::scoring
