// Input that cannot hurt a reader, through the real server: free text is
// limited in characters and refuses controls, bidirectional controls and
// invisible characters; a request that does not parse (invalid UTF-8 in a
// string field, malformed bytes) is answered INVALID_ARGUMENT by every
// method. Requests go out as raw bytes over the generic stub, so that the
// client library sends whatever the test made.
#include <cstdint>
#include <iterator>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/dynamic_message.h"
#include "google/protobuf/message.h"
#include "google/protobuf/stubs/logging.h"
#include "grpcpp/generic/generic_stub.h"
#include "gtest/gtest.h"
#include "rapport/v1/activity.pb.h"
#include "rapport/v1/admin.pb.h"
#include "rapport/v1/outreach.pb.h"
#include "rapport/v1/scoring.pb.h"
#include "tests/common/utf8_testing.h"
#include "tests/integration/raw_call.h"
#include "tests/integration/server_fixture.h"

namespace rapport::testing {
namespace {

constexpr uint32_t kSeed = 1729;

// The reference of the refused characters, as the API documents them.
bool Refused(char32_t c) {
  static constexpr std::pair<char32_t, char32_t> kRanges[] = {
      {0x0000, 0x001F}, {0x007F, 0x009F}, {0x00AD, 0x00AD}, {0x034F, 0x034F},
      {0x061C, 0x061C}, {0x180E, 0x180E}, {0x200B, 0x200F}, {0x2028, 0x202E},
      {0x2060, 0x2064}, {0x2066, 0x2069}, {0xFEFF, 0xFEFF}, {0xFDD0, 0xFDEF}};
  for (const auto& [lo, hi] : kRanges) {
    if (c >= lo && c <= hi) return true;
  }
  return (c & 0xFFFE) == 0xFFFE;
}

std::string Encode(char32_t c) { return ::rapport::testing::EncodeUtf8(c); }

// A generated string and what the test knows about it.
struct Text {
  std::string bytes;
  size_t chars = 0;
  bool valid_utf8 = true;
  // The first refused character and its position from 1, if any.
  std::optional<std::pair<char32_t, size_t>> refused;
};

// Random text from every kind of character: letters of several scripts,
// digits, punctuation and spaces, combining marks, emoji and other astral
// characters, private use, and (with `hostile`) controls, bidirectional and
// invisible characters, noncharacters and invalid byte sequences.
class TextGenerator {
 public:
  explicit TextGenerator(uint32_t seed) : rng_(seed) {}

  Text Next(size_t max_chars, bool hostile) {
    Text t;
    const size_t n =
        Pick(0, 9) == 0 ? Pick(max_chars - 4, max_chars + 4) : Pick(0, 24);
    for (size_t i = 0; i < n; ++i) {
      if (hostile && Pick(0, 120) == 0) {
        static const char* kInvalid[] = {"\xFF",         "\xC0\x80",
                                         "\xED\xA0\x80", "\xF4\x90\x80\x80",
                                         "\x80",         "\xE2\x82"};
        t.bytes += kInvalid[Pick(0, 5)];
        t.valid_utf8 = false;
        ++t.chars;
        continue;
      }
      const char32_t c = Char(hostile && Pick(0, 40) == 0);
      t.bytes += Encode(c);
      ++t.chars;
      if (Refused(c) && !t.refused) t.refused = {c, t.chars};
    }
    return t;
  }

  size_t Pick(size_t lo, size_t hi) {
    return std::uniform_int_distribution<size_t>(lo, hi)(rng_);
  }

 private:
  char32_t In(char32_t lo, char32_t hi) {
    return std::uniform_int_distribution<char32_t>(lo, hi)(rng_);
  }

  char32_t Char(bool hostile) {
    if (hostile) {
      static constexpr char32_t kHostile[] = {
          0x00,   0x07,   0x09,    0x0A,    0x0D,   0x1B,   0x1F,   0x7F,
          0x80,   0x85,   0x9B,    0x9F,    0xAD,   0x34F,  0x61C,  0x180E,
          0x200B, 0x200C, 0x200D,  0x200E,  0x200F, 0x2028, 0x2029, 0x202A,
          0x202B, 0x202C, 0x202D,  0x202E,  0x2060, 0x2061, 0x2062, 0x2063,
          0x2064, 0x2066, 0x2067,  0x2068,  0x2069, 0xFEFF, 0xFDD0, 0xFDEF,
          0xFFFE, 0xFFFF, 0x1FFFE, 0x10FFFF};
      return kHostile[Pick(0, std::size(kHostile) - 1)];
    }
    switch (Pick(0, 15)) {
      case 0:
        return In('a', 'z');
      case 1:
        return In('A', 'Z');
      case 2:
        return In('0', '9');
      case 3:
        return In(0x20, 0x2F);  // Space and punctuation.
      case 4:
        return In(0xC0, 0xFF);  // Accented Latin.
      case 5:
        return In(0x391, 0x3C9);  // Greek.
      case 6:
        return In(0x410, 0x44F);  // Cyrillic.
      case 7:
        return In(0x5D0, 0x5EA);  // Hebrew.
      case 8:
        return In(0x627, 0x64A);  // Arabic.
      case 9:
        return In(0x905, 0x939);  // Devanagari.
      case 10:
        return In(0x4E00, 0x9FFF);  // CJK.
      case 11:
        return In(0xAC00, 0xD7A3);  // Hangul.
      case 12:
        return In(0x300, 0x36E);  // Combining marks.
      case 13:
        return In(0x1F600, 0x1F64F);  // Emoji.
      case 14:
        return Pick(0, 1) ? In(0x20000, 0x2A6DF)   // CJK ext. B.
                          : In(0x1D400, 0x1D7FF);  // Math letters.
      default:
        return Pick(0, 1) ? In(0xE000, 0xF8FF)  // Private use.
                          : 0x00A0;             // No-break space.
    }
  }

  std::mt19937 rng_;
};

// What the server must answer for `text` in `field` (limit in characters):
// nullopt when it is to be accepted, else the start of the message.
std::optional<std::string> ExpectedRefusal(const std::string& field,
                                           const Text& text, size_t max,
                                           bool required) {
  if (required && text.chars == 0) return field + ": is required";
  if (text.chars > max) {
    return absl::StrCat(field, ": is ", text.chars,
                        " characters long; the maximum is ", max);
  }
  if (text.refused) {
    return absl::StrFormat("%s: contains U+%04X", field,
                           static_cast<uint32_t>(text.refused->first));
  }
  return std::nullopt;
}

class TextSafetyTest : public ServerTest {
 protected:
  // One unary call with `request` serialized as is, whatever its strings.
  grpc::Status Call(const std::string& method,
                    const google::protobuf::Message& request,
                    google::protobuf::Message* response) {
    return CallBytes(method, request.SerializePartialAsString(), response);
  }

  grpc::Status CallBytes(const std::string& method, const std::string& bytes,
                         google::protobuf::Message* response) {
    grpc::GenericStub stub(channel_);
    RawCall call(stub, method);
    call.Write(bytes);
    call.WritesDone();
    std::optional<std::string> out = call.Read();
    grpc::Status status = call.Finish();
    if (status.ok() && response != nullptr && out.has_value()) {
      EXPECT_TRUE(response->ParseFromString(*out));
    }
    return status;
  }

  // The member as stored, or nullopt when there is none.
  std::optional<v1::Member> Stored(const std::string& id) {
    v1::GetMemberRequest request;
    request.set_member_id(id);
    v1::GetMemberResponse response;
    grpc::Status s =
        Call("/rapport.v1.ActivityService/GetMember", request, &response);
    if (s.error_code() == grpc::StatusCode::NOT_FOUND) return std::nullopt;
    EXPECT_TRUE(s.ok()) << s.error_message();
    return response.member();
  }

  // Protobuf logs each invalid string it serializes; the tests make many.
  google::protobuf::LogSilencer silence_;
};

bool SameText(const v1::Member& a, const v1::Member& b) {
  return a.display_name() == b.display_name() && a.team() == b.team() &&
         a.industry() == b.industry() && a.manager() == b.manager();
}

TEST_F(TextSafetyTest, UpsertMemberAcceptsExactlyTheSafeTextAndKeepsItsBytes) {
  TextGenerator gen(kSeed);
  int accepted = 0, refused = 0, unparsable = 0;
  for (int round = 0; round < 400; ++round) {
    SCOPED_TRACE(absl::StrCat("seed ", kSeed, " round ", round));
    const std::string id = absl::StrCat("m", gen.Pick(0, 9));
    const std::optional<v1::Member> before = Stored(id);
    struct Field {
      const char* name;
      size_t max;
      bool required;
      Text text;
    };
    Field fields[] = {{"display_name", 256, true, {}},
                      {"team", 128, true, {}},
                      {"industry", 128, true, {}},
                      {"manager", 256, false, {}}};
    const bool hostile = gen.Pick(0, 1) == 0;
    for (Field& f : fields) f.text = gen.Next(f.max, hostile);
    v1::UpsertMemberRequest request;
    v1::Member& m = *request.mutable_member();
    m.set_member_id(id);
    m.set_display_name(fields[0].text.bytes);
    m.set_team(fields[1].text.bytes);
    m.set_industry(fields[2].text.bytes);
    m.set_manager(fields[3].text.bytes);

    bool invalid_utf8 = false;
    std::optional<std::string> expected;
    for (const Field& f : fields) {
      invalid_utf8 = invalid_utf8 || !f.text.valid_utf8;
      if (!expected) {
        expected = ExpectedRefusal(absl::StrCat("member.", f.name), f.text,
                                   f.max, f.required);
      }
    }
    v1::UpsertMemberResponse response;
    const grpc::Status s =
        Call("/rapport.v1.ActivityService/UpsertMember", request, &response);
    const std::optional<v1::Member> after = Stored(id);
    if (invalid_utf8) {
      ++unparsable;
      ASSERT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
      EXPECT_EQ(s.error_message(),
                "the request is not a valid rapport.v1.UpsertMemberRequest: "
                "a string field holds invalid UTF-8 or the message is "
                "malformed");
    } else if (expected) {
      ++refused;
      ASSERT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
          << "expected " << *expected;
      EXPECT_TRUE(absl::StartsWith(s.error_message(), *expected))
          << s.error_message() << "\nexpected " << *expected;
    } else {
      ++accepted;
      ASSERT_TRUE(s.ok()) << s.error_message();
      ASSERT_TRUE(after.has_value());
      EXPECT_TRUE(SameText(*after, m)) << after->ShortDebugString();
      EXPECT_TRUE(SameText(response.member(), m));
      continue;
    }
    // Refused: nothing happened.
    ASSERT_EQ(after.has_value(), before.has_value());
    if (after) {
      EXPECT_TRUE(SameText(*after, *before));
    }
  }
  // The generator reaches every outcome often enough to mean something.
  EXPECT_GT(accepted, 40);
  EXPECT_GT(refused, 40);
  EXPECT_GT(unparsable, 20);
}

TEST_F(TextSafetyTest, IngestStoresOnlyEventsWithSafeContactText) {
  v1::UpsertMemberResponse upserted;
  ASSERT_TRUE(Upsert(MakeMember("ingester", "t"), &upserted).ok());
  TextGenerator gen(kSeed + 1);
  int64_t stored = 0;
  int events_refused = 0, streams_refused = 0;
  for (int round = 0; round < 60; ++round) {
    SCOPED_TRACE(absl::StrCat("seed ", kSeed + 1, " round ", round));
    v1::IngestEventsRequest batch;
    std::vector<std::optional<std::string>> expected;
    bool invalid_utf8 = false;
    for (int i = 0; i < 5; ++i) {
      v1::Event e = MakeEvent(absl::StrCat("e", round, "-", i), "ingester",
                              kTestNow - absl::Hours(1 + i));
      e.set_type(v1::EVENT_TYPE_LEAD_SAVED);
      e.mutable_contact()->set_contact_id(absl::StrCat("c", i));
      const bool hostile = gen.Pick(0, 2) == 0;
      const Text industry = gen.Next(128, hostile);
      const Text region = gen.Next(64, hostile);
      const Text content = gen.Next(128, hostile);
      e.mutable_contact()->set_industry(industry.bytes);
      e.mutable_contact()->set_region(region.bytes);
      e.set_content_id(content.bytes);
      invalid_utf8 = invalid_utf8 || !industry.valid_utf8 ||
                     !region.valid_utf8 || !content.valid_utf8;
      std::optional<std::string> refusal =
          ExpectedRefusal("contact.industry", industry, 128, false);
      if (!refusal) {
        refusal = ExpectedRefusal("contact.region", region, 64, false);
      }
      if (!refusal)
        refusal = ExpectedRefusal("content_id", content, 128, false);
      expected.push_back(refusal);
      *batch.add_events() = e;
    }
    grpc::GenericStub stub(channel_);
    RawCall call(stub, "/rapport.v1.ActivityService/IngestEvents");
    call.Write(batch.SerializePartialAsString());
    call.WritesDone();
    std::optional<std::string> out = call.Read();
    const grpc::Status s = call.Finish();
    if (invalid_utf8) {
      ++streams_refused;
      ASSERT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
      EXPECT_TRUE(absl::StartsWith(
          s.error_message(),
          "message 0 of the stream (counting from 0) could not be parsed"))
          << s.error_message();
    } else {
      ASSERT_TRUE(s.ok()) << s.error_message();
      v1::IngestEventsResponse response;
      ASSERT_TRUE(out.has_value() && response.ParseFromString(*out));
      int64_t want_accepted = 0;
      std::vector<std::string> reasons;
      for (const auto& e : expected) {
        if (e) {
          reasons.push_back(*e);
        } else {
          ++want_accepted;
        }
      }
      EXPECT_EQ(response.accepted_count(), want_accepted);
      ASSERT_EQ(response.rejected_size(), static_cast<int>(reasons.size()));
      for (size_t i = 0; i < reasons.size(); ++i) {
        EXPECT_TRUE(absl::StartsWith(response.rejected(i).reason(), reasons[i]))
            << response.rejected(i).reason() << "\nexpected " << reasons[i];
      }
      events_refused += static_cast<int>(reasons.size());
      stored += want_accepted;
    }
    const std::optional<v1::Member> m = Stored("ingester");
    ASSERT_TRUE(m.has_value());
    ASSERT_EQ(m->event_count(), stored) << "no refused event is stored";
  }
  EXPECT_GT(stored, 20);
  EXPECT_GT(events_refused, 20);
  EXPECT_GT(streams_refused, 3);
}

TEST_F(TextSafetyTest, AnUnparsableMessageEndsTheStreamAfterCommittedBatches) {
  v1::UpsertMemberResponse upserted;
  ASSERT_TRUE(Upsert(MakeMember("streamer", "t"), &upserted).ok());
  v1::IngestEventsRequest good;
  *good.add_events() =
      MakeEvent("good-1", "streamer", kTestNow - absl::Hours(2));
  v1::IngestEventsRequest bad;
  *bad.add_events() = MakeEvent("bad-1", "streamer", kTestNow - absl::Hours(1));
  bad.mutable_events(0)->mutable_contact()->set_region("\xC3\x28");
  v1::IngestEventsRequest after;
  *after.add_events() = MakeEvent("late-1", "streamer", kTestNow);
  for (const std::string& second :
       {bad.SerializePartialAsString(), std::string("\x0a\x05\x0a", 3)}) {
    grpc::GenericStub stub(channel_);
    RawCall call(stub, "/rapport.v1.ActivityService/IngestEvents");
    ASSERT_TRUE(call.Write(good.SerializeAsString()));
    call.Write(second);
    call.Write(after.SerializeAsString());
    call.WritesDone();
    call.Read();
    const grpc::Status s = call.Finish();
    ASSERT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_EQ(s.error_message(),
              "message 1 of the stream (counting from 0) could not be parsed: "
              "the request is not a valid rapport.v1.IngestEventsRequest: a "
              "string field holds invalid UTF-8 or the message is malformed. "
              "Batches before it are committed.");
  }
  // The first batch is committed (once: the second stream's copy is a
  // duplicate); nothing of the unparsable message or after it is.
  EXPECT_EQ(Stored("streamer")->event_count(), 1);
}

TEST_F(TextSafetyTest, FiltersRefuseUnsafeTextAndNameTheirField) {
  TextGenerator gen(kSeed + 2);
  int refused = 0, passed = 0;
  for (int round = 0; round < 300; ++round) {
    SCOPED_TRACE(absl::StrCat("seed ", kSeed + 2, " round ", round));
    const Text text = gen.Next(128, gen.Pick(0, 1) == 0);
    const bool industry = gen.Pick(0, 1) == 1;
    const std::string field = industry ? "industry" : "team";
    std::string method, type;
    std::unique_ptr<google::protobuf::Message> request;
    bool required = true;
    switch (gen.Pick(0, 3)) {
      case 0: {
        auto r = std::make_unique<v1::ListMembersRequest>();
        industry ? r->set_industry(text.bytes) : r->set_team(text.bytes);
        method = "/rapport.v1.ActivityService/ListMembers";
        type = "rapport.v1.ListMembersRequest";
        required = false;
        request = std::move(r);
        break;
      }
      case 1: {
        auto r = std::make_unique<v1::GetLeaderboardRequest>();
        industry ? r->set_industry(text.bytes) : r->set_team(text.bytes);
        method = "/rapport.v1.ScoringService/GetLeaderboard";
        type = "rapport.v1.GetLeaderboardRequest";
        request = std::move(r);
        break;
      }
      case 2: {
        auto r = std::make_unique<v1::ListDecliningMembersRequest>();
        industry ? r->set_industry(text.bytes) : r->set_team(text.bytes);
        method = "/rapport.v1.ScoringService/ListDecliningMembers";
        type = "rapport.v1.ListDecliningMembersRequest";
        request = std::move(r);
        break;
      }
      default: {
        auto r = std::make_unique<v1::GetOutreachEffectivenessRequest>();
        r->set_team(text.bytes);
        method = "/rapport.v1.OutreachService/GetOutreachEffectiveness";
        type = "rapport.v1.GetOutreachEffectivenessRequest";
        request = std::move(r);
        break;
      }
    }
    const std::string named =
        absl::StrContains(method, "Outreach") ? std::string("team") : field;
    const grpc::Status s =
        CallBytes(method, request->SerializePartialAsString(), nullptr);
    std::optional<std::string> expected;
    if (!(required && text.chars == 0)) {  // An empty scope has its own text.
      expected = ExpectedRefusal(named, text, 128, false);
    }
    if (!text.valid_utf8) {
      ASSERT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
      EXPECT_TRUE(absl::StrContains(s.error_message(), type))
          << s.error_message();
      ++refused;
    } else if (expected) {
      ASSERT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
          << method << " expected " << *expected;
      EXPECT_TRUE(absl::StartsWith(s.error_message(), *expected))
          << s.error_message() << "\nexpected " << *expected;
      ++refused;
    } else if (text.chars > 0) {
      // Safe text is a valid filter: the answer is about the data.
      EXPECT_NE(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
          << method << ": " << s.error_message() << " for "
          << absl::CHexEscape(text.bytes);
      ++passed;
    }
  }
  EXPECT_GT(refused, 30);
  EXPECT_GT(passed, 30);
}

TEST_F(TextSafetyTest, AdminNamesRefuseUnsafeText) {
  struct Case {
    std::string method;
    std::unique_ptr<google::protobuf::Message> request;
    std::string expected;
  };
  std::vector<Case> cases;
  {
    auto r = std::make_unique<v1::CreateApiKeyRequest>();
    r->set_name("key\x1b[0m");
    r->mutable_scope()->set_role(v1::ROLE_INTEGRATION);
    cases.push_back({"/rapport.v1.AdminService/CreateApiKey", std::move(r),
                     "name: contains U+001B (ESCAPE) at character 4"});
  }
  {
    auto r = std::make_unique<v1::CreateApiKeyRequest>();
    r->set_name("manager key");
    r->mutable_scope()->set_role(v1::ROLE_MANAGER);
    r->mutable_scope()->add_teams("north");
    r->mutable_scope()->add_teams("so\xE2\x80\xAEuth");
    cases.push_back({"/rapport.v1.AdminService/CreateApiKey", std::move(r),
                     "scope.teams[1]: contains U+202E (RIGHT-TO-LEFT "
                     "OVERRIDE) at character 3"});
  }
  {
    auto r = std::make_unique<v1::CreateApiKeyRequest>();
    r->set_name(std::string(101, 'k'));
    r->mutable_scope()->set_role(v1::ROLE_INTEGRATION);
    cases.push_back({"/rapport.v1.AdminService/CreateApiKey", std::move(r),
                     "name: is 101 characters long; the maximum is 100"});
  }
  for (Case& c : cases) {
    const grpc::Status s = Call(c.method, *c.request, nullptr);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
        << s.error_message();
    EXPECT_TRUE(absl::StartsWith(s.error_message(), c.expected))
        << s.error_message() << "\nexpected " << c.expected;
  }
}

// Sets the first string field found (depth first) to bytes that are not
// UTF-8; false when the message type has no string field.
bool SetInvalidUtf8(google::protobuf::Message* message, int depth = 0) {
  using google::protobuf::FieldDescriptor;
  const google::protobuf::Descriptor* d = message->GetDescriptor();
  const google::protobuf::Reflection* r = message->GetReflection();
  for (int i = 0; i < d->field_count(); ++i) {
    const FieldDescriptor* f = d->field(i);
    if (f->cpp_type() == FieldDescriptor::CPPTYPE_STRING) {
      if (f->is_repeated()) {
        r->AddString(message, f, "ok\xFF");
      } else {
        r->SetString(message, f, "ok\xFF");
      }
      return true;
    }
  }
  if (depth > 2) return false;
  for (int i = 0; i < d->field_count(); ++i) {
    const FieldDescriptor* f = d->field(i);
    if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE &&
        !f->is_repeated() &&
        f->message_type()->full_name().rfind("rapport.", 0) == 0) {
      if (SetInvalidUtf8(r->MutableMessage(message, f), depth + 1)) return true;
      r->ClearField(message, f);
    }
  }
  return false;
}

TEST_F(TextSafetyTest, EveryMethodAnswersAnUnparsableRequestInvalidArgument) {
  const google::protobuf::DescriptorPool* pool =
      google::protobuf::DescriptorPool::generated_pool();
  google::protobuf::DynamicMessageFactory factory(pool);
  int methods = 0;
  for (const char* service_name :
       {"rapport.v1.ActivityService", "rapport.v1.ScoringService",
        "rapport.v1.OutreachService", "rapport.v1.RecommendationService",
        "rapport.v1.AdminService", "rapport.v1.GoalService",
        "rapport.v1.ValidationService"}) {
    const google::protobuf::ServiceDescriptor* service =
        pool->FindServiceByName(service_name);
    ASSERT_NE(service, nullptr) << service_name;
    for (int i = 0; i < service->method_count(); ++i) {
      const google::protobuf::MethodDescriptor* method = service->method(i);
      const std::string path =
          absl::StrCat("/", service->full_name(), "/", method->name());
      const std::string type = method->input_type()->full_name();
      std::unique_ptr<google::protobuf::Message> request(
          factory.GetPrototype(method->input_type())->New());
      std::vector<std::string> bodies = {
          std::string("\x0a\x05\x0a", 3)};  // Truncated: malformed for all.
      if (SetInvalidUtf8(request.get())) {
        bodies.push_back(request->SerializePartialAsString());
      }
      for (const std::string& body : bodies) {
        SCOPED_TRACE(absl::StrCat(path, " ", absl::CHexEscape(body)));
        grpc::GenericStub stub(channel_);
        RawCall call(stub, path);
        call.Write(body);
        call.WritesDone();
        call.Read();
        const grpc::Status s = call.Finish();
        ASSERT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
            << s.error_message();
        EXPECT_TRUE(absl::StrContains(
            s.error_message(), absl::StrCat("is not a valid ", type,
                                            ": a string field holds invalid "
                                            "UTF-8 or the message is "
                                            "malformed")))
            << s.error_message();
      }
      ++methods;
    }
  }
  EXPECT_GE(methods, 16);
}

}  // namespace
}  // namespace rapport::testing
