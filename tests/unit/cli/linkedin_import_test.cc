#include "client/cli/linkedin_import.h"

#include <map>
#include <memory>
#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "grpcpp/server.h"
#include "grpcpp/server_builder.h"
#include "gtest/gtest.h"
#include "linkedin_test_util.h"
#include "rapport/v1/activity.grpc.pb.h"

namespace rapport::cli {
namespace {

using ::rapport::cli::testing::CsvLine;
using ::rapport::cli::testing::MessagesCsv;
using ::rapport::cli::testing::TempPath;
using ::testing::HasSubstr;

// Members and event ids in memory; refuses events dated after the time it
// was made (as rapportd refuses events in the future), naming occur_time.
class ActivityFake final : public v1::ActivityService::Service {
 public:
  grpc::Status GetMember(grpc::ServerContext*, const v1::GetMemberRequest* req,
                         v1::GetMemberResponse* resp) override {
    absl::MutexLock lock(&mu_);
    auto it = members_.find(req->member_id());
    if (it == members_.end()) {
      return grpc::Status(grpc::StatusCode::NOT_FOUND, "no such member");
    }
    *resp->mutable_member() = it->second;
    return grpc::Status::OK;
  }
  grpc::Status UpsertMember(grpc::ServerContext*,
                            const v1::UpsertMemberRequest* req,
                            v1::UpsertMemberResponse* resp) override {
    absl::MutexLock lock(&mu_);
    ++upserts_;
    resp->set_created(members_.count(req->member().member_id()) == 0);
    members_[req->member().member_id()] = req->member();
    *resp->mutable_member() = req->member();
    return grpc::Status::OK;
  }
  grpc::Status IngestEvents(grpc::ServerContext*,
                            grpc::ServerReader<v1::IngestEventsRequest>* reader,
                            v1::IngestEventsResponse* resp) override {
    v1::IngestEventsRequest batch;
    int b = 0;
    while (reader->Read(&batch)) {
      absl::MutexLock lock(&mu_);
      for (int i = 0; i < batch.events_size(); ++i) {
        const v1::Event& e = batch.events(i);
        if (e.occur_time().seconds() > absl::ToUnixSeconds(made_)) {
          v1::RejectedEvent* r = resp->add_rejected();
          r->set_batch_index(b);
          r->set_event_index(i);
          r->set_event_id(e.event_id());
          r->set_field("occur_time");
          r->set_reason("in the future");
          resp->set_rejected_count(resp->rejected_count() + 1);
          continue;
        }
        auto [it, inserted] =
            events_.emplace(e.event_id(), e.SerializeAsString());
        if (inserted) {
          resp->set_accepted_count(resp->accepted_count() + 1);
        } else if (it->second == e.SerializeAsString()) {
          resp->set_duplicate_count(resp->duplicate_count() + 1);
        } else {
          resp->set_conflicting_count(resp->conflicting_count() + 1);
        }
      }
      ++b;
    }
    return grpc::Status::OK;
  }

  void AddMember(const v1::Member& m) {
    absl::MutexLock lock(&mu_);
    members_[m.member_id()] = m;
  }
  v1::Member member(const std::string& id) {
    absl::MutexLock lock(&mu_);
    return members_[id];
  }
  int upserts() {
    absl::MutexLock lock(&mu_);
    return upserts_;
  }
  size_t event_count() {
    absl::MutexLock lock(&mu_);
    return events_.size();
  }

 private:
  const absl::Time made_ = absl::Now();
  absl::Mutex mu_;
  std::map<std::string, v1::Member> members_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, std::string> events_ ABSL_GUARDED_BY(mu_);
  int upserts_ ABSL_GUARDED_BY(mu_) = 0;
};

class LinkedInImportTest : public ::testing::Test {
 protected:
  LinkedInImportTest() {
    grpc::ServerBuilder builder;
    builder.RegisterService(&fake_);
    server_ = builder.BuildAndStart();
    client_ = std::make_unique<Client>(
        server_->InProcessChannel(grpc::ChannelArguments()), absl::Seconds(60));
    v1::Member m;
    m.set_member_id("m-1");
    m.set_display_name("Rep One");
    m.set_team("Atlas");
    m.set_industry("Software");
    m.mutable_profile()->set_has_photo(true);
    m.mutable_profile()->set_board_roles_count(1);
    m.mutable_profile()->set_skills_count(99);
    fake_.AddMember(m);
  }
  ~LinkedInImportTest() override { server_->Shutdown(); }

  absl::Status Run(const std::string& path, bool json,
                   const std::string& member = "m-1", bool dry_run = false) {
    out_.str("");
    err_.str("");
    Io io{in_, out_, err_, false};
    Env env{*client_, io, json};
    return RunLinkedInArchiveImport(
        env, {path,
              member,
              dry_run,
              {.batch_size = 500, .events_per_stream = 4000}});
  }

  std::string Archive(const std::string& messages_csv) {
    const std::string path = TempPath("archive.zip");
    testing::WriteZip(
        path,
        {{"Profile.csv", testing::ProfileCsv()},
         {"messages.csv", messages_csv},
         {"Positions.csv", CsvLine({"Company Name", "Title", "Description"}) +
                               CsvLine({"Acme", "Seller", "Sold"}) +
                               CsvLine({"Beta", "Seller", ""})},
         {"Reactions.csv", CsvLine({"Date", "Type", "Link"})}});
    return path;
  }

  ActivityFake fake_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<Client> client_;
  std::istringstream in_;
  std::ostringstream out_, err_;
};

absl::Time Newest() {
  return absl::FromUnixSeconds(absl::ToUnixSeconds(absl::Now())) -
         absl::Hours(1);
}

TEST_F(LinkedInImportTest, TwiceIsAllDuplicatesAndANewerArchiveAddsItsNews) {
  const absl::Time newest = Newest() - absl::Minutes(10);
  const testing::GeneratedMessages m = MessagesCsv(10'000, newest, 100);
  const std::string path = Archive(m.csv);
  ASSERT_TRUE(Run(path, true).ok()) << err_.str();
  std::string out = out_.str();
  EXPECT_THAT(out, HasSubstr("\"badRows\":100,"));
  EXPECT_THAT(out, HasSubstr("\"events\":9900,"));
  EXPECT_THAT(out, HasSubstr("\"accepted\":9900,\"duplicate\":0,"
                             "\"conflicting\":0,\"rejected\":0"));
  EXPECT_THAT(
      out, HasSubstr(absl::StrCat(
               "{\"file\":\"messages.csv\",\"line\":", m.bad_lines[0], ",")));
  EXPECT_THAT(
      out, HasSubstr(absl::StrCat(
               "{\"file\":\"messages.csv\",\"line\":", m.bad_lines[99], ",")));
  EXPECT_EQ(fake_.event_count(), 9'900u);

  ASSERT_TRUE(Run(path, true).ok()) << err_.str();
  EXPECT_THAT(out_.str(), HasSubstr("\"accepted\":0,\"duplicate\":9900,"
                                    "\"conflicting\":0,\"rejected\":0"));

  const testing::GeneratedMessages newer =
      MessagesCsv(10'010, newest + absl::Minutes(10), 100);
  ASSERT_TRUE(Run(Archive(newer.csv), true).ok()) << err_.str();
  EXPECT_THAT(out_.str(), HasSubstr("\"accepted\":10,\"duplicate\":9900,"
                                    "\"conflicting\":0,\"rejected\":0"));
  EXPECT_EQ(fake_.event_count(), 9'910u);
}

TEST_F(LinkedInImportTest, UpsertsTheSnapshotKeepingTheRest) {
  ASSERT_TRUE(Run(Archive(MessagesCsv(8, Newest()).csv), false).ok())
      << err_.str();
  const v1::Member m = fake_.member("m-1");
  EXPECT_EQ(m.display_name(), "Rep One");
  EXPECT_EQ(m.team(), "Atlas");
  EXPECT_TRUE(m.profile().has_photo());
  EXPECT_EQ(m.profile().board_roles_count(), 1);
  EXPECT_EQ(m.profile().skills_count(), 99);  // No Skills.csv.
  EXPECT_TRUE(m.profile().has_headline());
  EXPECT_EQ(m.profile().positions_count(), 2);
  EXPECT_EQ(m.profile().positions_with_description_count(), 1);
  const std::string out = out_.str();
  EXPECT_THAT(out, HasSubstr("files used:"));
  EXPECT_THAT(out, HasSubstr("Reactions.csv  reactions the member gave"));
  EXPECT_THAT(out, HasSubstr("accepted     8"));
  EXPECT_THAT(out, HasSubstr("MESSAGE_SENT 4"));
}

TEST_F(LinkedInImportTest, RejectionsAreReportedByFileAndLine) {
  // Messages dated after the fake was made: it refuses them all.
  const testing::GeneratedMessages m =
      MessagesCsv(12, absl::Now() + absl::Hours(2));
  ASSERT_TRUE(Run(Archive(m.csv), true).ok()) << err_.str();
  std::string out = out_.str();
  EXPECT_THAT(out, HasSubstr("\"accepted\":0,\"duplicate\":0,"
                             "\"conflicting\":0,\"rejected\":12"));
  for (int64_t line : {m.lines[0], m.lines[11]}) {
    EXPECT_THAT(out, HasSubstr(absl::StrCat(
                         "{\"file\":\"messages.csv\",\"line\":", line,
                         ",\"eventId\":\"li:msg:")))
        << out;
  }
  ASSERT_TRUE(Run(Archive(m.csv), false).ok()) << err_.str();
  EXPECT_THAT(out_.str(), ::testing::ContainsRegex(
                              absl::StrCat("messages.csv +", m.lines[11],
                                           "  occur_time  in the future")));
}

TEST_F(LinkedInImportTest, AnUnknownMemberGetsNothing) {
  const absl::Status s =
      Run(Archive(MessagesCsv(8, Newest()).csv), false, "nobody");
  EXPECT_EQ(s.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(fake_.upserts(), 0);
  EXPECT_EQ(fake_.event_count(), 0u);
}

TEST_F(LinkedInImportTest, ADryRunSendsNothing) {
  ASSERT_TRUE(
      Run(Archive(MessagesCsv(8, Newest()).csv), true, "nobody", true).ok());
  EXPECT_EQ(fake_.upserts(), 0);
  EXPECT_EQ(fake_.event_count(), 0u);
  EXPECT_THAT(out_.str(), HasSubstr("\"dryRun\":true"));
  EXPECT_THAT(out_.str(), HasSubstr("\"events\":8,"));
}

TEST_F(LinkedInImportTest, AMissingArchiveIsNotFound) {
  EXPECT_EQ(Run(TempPath("none.zip"), false).code(),
            absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace rapport::cli
