#include "client/cli/jsonl.h"

#include <sstream>

#include "client/cli/json.h"
#include "gtest/gtest.h"
#include "rapport/v1/activity.pb.h"

namespace rapport::cli {
namespace {

TEST(JsonLinesReaderTest, ReadsEventsAndCountsBlankLines) {
  std::istringstream in(
      R"({"eventId":"e1","memberId":"m","type":"EVENT_TYPE_POST_PUBLISHED"})"
      "\n\n  \r\n"
      R"({"eventId":"e2","memberId":"m","occurTime":"2024-06-01T00:00:00Z"})"
      "\r\n");
  JsonLinesReader reader(in);
  v1::Event e;
  ASSERT_TRUE(*reader.Next(&e));
  EXPECT_EQ(e.event_id(), "e1");
  EXPECT_EQ(e.type(), v1::EVENT_TYPE_POST_PUBLISHED);
  EXPECT_EQ(reader.line(), 1);
  ASSERT_TRUE(*reader.Next(&e));
  EXPECT_EQ(e.event_id(), "e2");
  EXPECT_EQ(e.type(), v1::EVENT_TYPE_UNSPECIFIED);  // Cleared between lines.
  EXPECT_EQ(e.occur_time().seconds(), 1717200000);
  EXPECT_EQ(reader.line(), 4);
  EXPECT_FALSE(*reader.Next(&e));
}

TEST(JsonLinesReaderTest, NamesTheBadLineAndCanContinue) {
  std::istringstream in(
      "{\"eventId\":\"e1\"}\n"
      "{\"eventId\":\"e2\",\"type\":\"EVENT_TYPE_NOPE\"}\n"
      "{\"eventId\":\"e3\"}\n");
  JsonLinesReader reader(in);
  v1::Event e;
  ASSERT_TRUE(*reader.Next(&e));
  absl::StatusOr<bool> bad = reader.Next(&e);
  ASSERT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(bad.status().message().substr(0, 8), "line 2: ");
  ASSERT_TRUE(*reader.Next(&e));
  EXPECT_EQ(e.event_id(), "e3");
}

TEST(ScanJsonLinesTest, CollectsEveryBadLine) {
  std::istringstream in(
      "{\"eventId\":\"e1\"}\n"
      "not json\n"
      "{\"unknownField\":1}\n"
      "{\"eventId\":\"e4\"}\n"
      "[1,2]\n");
  v1::Event scratch;
  std::vector<std::pair<std::string, int64_t>> seen;
  absl::StatusOr<ScanResult> scan = ScanJsonLines(
      in, &scratch,
      [&](google::protobuf::Message&, int64_t line) {
        seen.emplace_back(scratch.event_id(), line);
      },
      /*max_errors=*/2);
  ASSERT_TRUE(scan.ok());
  EXPECT_EQ(scan->messages, 2);
  EXPECT_EQ(scan->bad_lines, 3);
  ASSERT_EQ(scan->first_errors.size(), 2u);
  EXPECT_EQ(scan->first_errors[0].substr(0, 7), "line 2:");
  EXPECT_EQ(scan->first_errors[1].substr(0, 7), "line 3:");
  EXPECT_EQ(seen, (std::vector<std::pair<std::string, int64_t>>{{"e1", 1},
                                                                {"e4", 4}}));
  std::ostringstream err;
  const absl::Status s = ReportBadLines("events.jsonl", *scan, err);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "events.jsonl: 3 invalid lines; nothing was sent");
  EXPECT_NE(err.str().find("events.jsonl: line 2: "), std::string::npos);
  EXPECT_NE(err.str().find("... and 1 more invalid lines"), std::string::npos);
}

TEST(JsonLinesTest, WrittenLinesReadBack) {
  v1::Event e;
  e.set_event_id("demo-s1-rep-001-e0");
  e.set_type(v1::EVENT_TYPE_MESSAGE_SENT);
  e.mutable_contact()->set_seniority(v1::SENIORITY_VP);
  e.set_quantity(1);
  std::stringstream buffer;
  ASSERT_TRUE(WriteJsonLine(e, buffer));
  JsonLinesReader reader(buffer);
  v1::Event back;
  ASSERT_TRUE(*reader.Next(&back));
  EXPECT_EQ(back.SerializeAsString(), e.SerializeAsString());
}

TEST(JsonTest, ObjectKeepsKeyOrderAndEscapes) {
  JsonObject o;
  o.Add("name", "a \"quoted\"\nline")
      .Add("count", int64_t{3})
      .Add("ok", true)
      .AddDouble("rate", 0.5)
      .AddStrings("ids", {"a", "b"})
      .AddObjects("rows", {JsonObject().Add("line", 7)});
  EXPECT_EQ(o.ToString(),
            R"({"name":"a \"quoted\"\nline","count":3,"ok":true,"rate":0.5,)"
            R"("ids":["a","b"],"rows":[{"line":7}]})");
  EXPECT_EQ(JsonQuote(std::string("\x01", 1)), "\"\\u0001\"");
}

TEST(JsonTest, ProtoRoundTripRejectsUnknownFields) {
  v1::Profile p;
  ASSERT_TRUE(
      FromJson(R"({"hasPhoto":true,"certificationsCount":2})", &p).ok());
  EXPECT_TRUE(p.has_photo());
  EXPECT_EQ(p.certifications_count(), 2);
  EXPECT_EQ(ToJson(p), R"({"hasPhoto":true,"certificationsCount":2})");
  EXPECT_EQ(FromJson(R"({"photo":true})", &p).code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace rapport::cli
