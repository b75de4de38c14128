#include "client/cli/uploader.h"

#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "client/cli/demo_command.h"
#include "client/cli/ingest_command.h"
#include "fake_activity_service.h"
#include "gtest/gtest.h"

namespace rapport::cli {
namespace {

using ::rapport::cli::testing::FakeServer;

v1::Event MakeEvent(const std::string& id) {
  v1::Event e;
  e.set_event_id(id);
  e.set_member_id("m1");
  e.set_type(v1::EVENT_TYPE_POST_PUBLISHED);
  return e;
}

TEST(EventUploaderTest, BatchesAndStreams) {
  FakeServer fake;
  EventUploader uploader(*fake.client,
                         {.batch_size = 3, .events_per_stream = 5});
  for (int i = 0; i < 7; ++i) {
    ASSERT_TRUE(uploader.Add(MakeEvent(absl::StrCat("e", i)), i).ok());
  }
  ASSERT_TRUE(uploader.Finish().ok());
  EXPECT_EQ(fake.service.streams(),
            (std::vector<std::vector<int>>{{3, 2}, {2}}));
  const UploadSummary& s = uploader.summary();
  EXPECT_EQ(s.sent, 7);
  EXPECT_EQ(s.acknowledged, 7);
  EXPECT_EQ(s.accepted, 7);
  EXPECT_EQ(s.streams, 2);
  EXPECT_EQ(s.batches, 3);
}

TEST(EventUploaderTest, MapsRejectionsBackToTags) {
  FakeServer fake;
  EventUploader uploader(*fake.client,
                         {.batch_size = 2, .events_per_stream = 5});
  const std::vector<std::string> ids = {"e0", "bad1", "e2",   "e3",
                                        "e4", "e5",   "bad6", "e0"};
  for (size_t i = 0; i < ids.size(); ++i) {
    ASSERT_TRUE(uploader.Add(MakeEvent(ids[i]), 100 + i).ok());
  }
  ASSERT_TRUE(uploader.Finish().ok());
  const UploadSummary& s = uploader.summary();
  EXPECT_EQ(s.accepted, 5);
  EXPECT_EQ(s.duplicate, 1);
  EXPECT_EQ(s.rejected, 2);
  ASSERT_EQ(s.rejections.size(), 2u);
  EXPECT_EQ(s.rejections[0].tag, 101);
  EXPECT_EQ(s.rejections[0].event_id, "bad1");
  EXPECT_EQ(s.rejections[0].field, "contact.contact_id");
  EXPECT_EQ(s.rejections[1].tag, 106);  // Second stream, batch 0, event 1.
}

TEST(EventUploaderTest, ReturnsTheStreamError) {
  FakeServer fake;
  fake.service.batch_limit = 2;
  EventUploader uploader(*fake.client,
                         {.batch_size = 3, .events_per_stream = 9});
  absl::Status status;
  for (int i = 0; i < 6 && status.ok(); ++i) {
    status = uploader.Add(MakeEvent(absl::StrCat("e", i)), i);
  }
  if (status.ok()) status = uploader.Finish();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(uploader.summary().acknowledged, 0);
}

class IngestCommandTest : public ::testing::Test {
 protected:
  std::string WriteFile(const std::string& name, const std::string& text) {
    const std::string path = ::testing::TempDir() + name;
    std::ofstream(path) << text;
    return path;
  }
  absl::Status Run(const std::string& path, bool json = false) {
    Io io{in_, out_, err_, false};
    Env env{*fake_.client, io, json};
    return RunIngest(env, {path, {.batch_size = 2, .events_per_stream = 3}});
  }

  FakeServer fake_;
  std::istringstream in_;
  std::ostringstream out_, err_;
};

constexpr char kEvents[] =
    "{\"eventId\":\"e1\",\"memberId\":\"m1\"}\n"
    "\n"
    "{\"eventId\":\"e2\",\"memberId\":\"m1\"}\n"
    "{\"eventId\":\"e3\",\"memberId\":\"m1\"}\n"
    "{\"eventId\":\"e4\",\"memberId\":\"m1\"}\n"
    "{\"eventId\":\"bad5\",\"memberId\":\"m1\"}\n";

TEST_F(IngestCommandTest, ReportsRejectedEventsByLineNumber) {
  ASSERT_TRUE(Run(WriteFile("ingest_ok.jsonl", kEvents), true).ok())
      << err_.str();
  EXPECT_EQ(fake_.service.event_count(), 4u);
  const std::string out = out_.str();
  EXPECT_NE(
      out.find("\"events\":5,\"accepted\":4,\"duplicate\":0,\"rejected\":1"),
      std::string::npos)
      << out;
  EXPECT_NE(out.find("\"rejectedEvents\":[{\"line\":6,\"eventId\":\"bad5\""),
            std::string::npos)
      << out;
}

TEST_F(IngestCommandTest, HumanSummaryListsTheLine) {
  ASSERT_TRUE(Run(WriteFile("ingest_human.jsonl", kEvents)).ok());
  const std::string out = out_.str();
  EXPECT_NE(out.find("accepted     4"), std::string::npos) << out;
  EXPECT_NE(out.find("   6  bad5   contact.contact_id  required"),
            std::string::npos)
      << out;
}

TEST_F(IngestCommandTest, ABadLineStopsBeforeSending) {
  const std::string path = WriteFile(
      "ingest_bad.jsonl",
      "{\"eventId\":\"e1\"}\n{\"eventId\":\"e2\",\"type\":\"POST\"}\n");
  const absl::Status s = Run(path);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(err_.str().find("ingest_bad.jsonl: line 2: "), std::string::npos)
      << err_.str();
  EXPECT_TRUE(fake_.service.streams().empty());
}

TEST_F(IngestCommandTest, ReadsStandardInput) {
  in_.str(kEvents);
  ASSERT_TRUE(Run("-").ok());
  EXPECT_EQ(fake_.service.event_count(), 4u);
  EXPECT_NE(out_.str().find("stdin: 5 events"), std::string::npos)
      << out_.str();
}

TEST_F(IngestCommandTest, MissingFileIsNotFound) {
  EXPECT_EQ(Run(::testing::TempDir() + "no/such.jsonl").code(),
            absl::StatusCode::kNotFound);
}

TEST(DemoCommandTest, LoadsTheDemoAndOnlyDuplicatesTheSecondTime) {
  FakeServer fake;
  std::istringstream in;
  std::ostringstream out, err;
  Io io{in, out, err, false};
  Env env{*fake.client, io, true};
  DemoCommandOptions options;
  options.demo.member_count = 12;
  options.demo.days = 14;
  ASSERT_TRUE(RunDemo(env, options).ok()) << err.str();
  EXPECT_EQ(fake.service.member_count(), 12u);
  const size_t events = fake.service.event_count();
  EXPECT_GT(events, 100u);
  EXPECT_NE(out.str().find("\"membersCreated\":12"), std::string::npos)
      << out.str();
  out.str("");
  ASSERT_TRUE(RunDemo(env, options).ok());
  EXPECT_EQ(fake.service.event_count(), events);
  EXPECT_NE(
      out.str().find(absl::StrCat("\"accepted\":0,\"duplicate\":", events)),
      std::string::npos)
      << out.str();
}

}  // namespace
}  // namespace rapport::cli
