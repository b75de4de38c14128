#include "client/cli/import_command.h"

#include <fstream>
#include <functional>
#include <random>
#include <set>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "crm_exports.h"
#include "fake_activity_service.h"
#include "gtest/gtest.h"

namespace rapport::cli {
namespace {

using ::rapport::cli::testing::ExportRow;
using ::rapport::cli::testing::FakeServer;

// A generated Salesforce export and what importing it must report.
struct Generated {
  std::string text;
  int64_t events = 0;
  int64_t skipped = 0;
  std::vector<int64_t> bad_lines;
  std::set<std::string> owners;
};

// `rows` Task rows after a BOM and the header, CRLF line ends, descriptions
// and subjects with commas, quotes and line breaks; every 100th row has a
// CompletedDateTime that is no date.
Generated SalesforceExport(int rows) {
  std::mt19937 rng(1);
  const std::vector<std::string> owners = {"005A01", "005A02", "005A03"};
  Generated g;
  g.text = "\xEF\xBB\xBF" +
           testing::CsvLine(testing::SalesforceTaskHeader(), "\r\n");
  int64_t line = 2;
  const absl::Time base = absl::FromUnixSeconds(1'700'000'000);
  for (int i = 0; i < rows; ++i) {
    const bool bad = i % 100 == 99;
    ExportRow r = testing::SalesforceTaskRow(rng, i, base + absl::Minutes(i),
                                             owners, bad ? 0 : -1);
    if (bad) {
      r.fields[13] = "31/02/2024";  // CompletedDateTime.
      g.bad_lines.push_back(line);
    } else if (r.skipped) {
      ++g.skipped;
    } else {
      ++g.events;
      g.owners.insert(r.owner);
    }
    g.text += testing::CsvLine(r.fields, "\r\n");
    line += r.lines;
  }
  return g;
}

class ImportCommandTest : public ::testing::Test {
 protected:
  std::string WriteFile(const std::string& name, const std::string& text) {
    const std::string path = ::testing::TempDir() + name;
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }
  // Options for importing `path`; `set` changes some.
  static CsvImportOptions Options(
      const std::string& path,
      const std::function<void(CsvImportOptions&)>& set = nullptr) {
    CsvImportOptions o;
    o.path = path;
    if (set) set(o);
    return o;
  }
  absl::Status Run(CsvImportOptions o, bool json = true) {
    out_.str("");
    err_.str("");
    Io io{in_, out_, err_, false};
    Env env{*fake_.client, io, json};
    if (o.mapping.empty()) o.mapping = "salesforce-tasks";
    o.upload = {.batch_size = 300, .events_per_stream = 2000};
    return RunCsvImport(env, o);
  }
  bool Has(const std::string& text) {
    return out_.str().find(text) != std::string::npos;
  }

  FakeServer fake_;
  std::istringstream in_;
  std::ostringstream out_, err_;
};

TEST_F(ImportCommandTest, HostileTenThousandRowsExactCountsAndLines) {
  const Generated g = SalesforceExport(10'000);
  ASSERT_EQ(g.bad_lines.size(), 100u);
  const std::string path = WriteFile("sf_hostile.csv", g.text);
  ASSERT_TRUE(Run(Options(path)).ok()) << err_.str();
  EXPECT_EQ(fake_.service.event_count(), static_cast<size_t>(g.events));
  EXPECT_TRUE(Has(absl::StrCat("\"rows\":10000,\"events\":", g.events,
                               ",\"imported\":", g.events,
                               ",\"duplicate\":0,\"conflicting\":0,"
                               "\"skipped\":",
                               g.skipped)))
      << out_.str();
  EXPECT_TRUE(Has("\"rejected\":100,")) << out_.str();
  // Every bad row, by its line and column, and nothing else.
  std::string expected;
  for (const int64_t line : g.bad_lines) {
    absl::StrAppend(&expected, path, ": line ", line,
                    ", column CompletedDateTime: not a date: '31/02/2024'\n");
  }
  EXPECT_EQ(err_.str(), expected);
}

TEST_F(ImportCommandTest, TheSameExportTwiceOnlyFindsDuplicates) {
  const Generated g = SalesforceExport(1'000);
  const std::string path = WriteFile("sf_twice.csv", g.text);
  ASSERT_TRUE(Run(Options(path)).ok()) << err_.str();
  ASSERT_TRUE(Run(Options(path)).ok()) << err_.str();
  EXPECT_TRUE(Has(absl::StrCat("\"imported\":0,\"duplicate\":", g.events, ",")))
      << out_.str();
  EXPECT_EQ(fake_.service.event_count(), static_cast<size_t>(g.events));
}

TEST_F(ImportCommandTest, StandardInputIsHeldAndSent) {
  const Generated g = SalesforceExport(500);
  in_.str(g.text);
  ASSERT_TRUE(Run(Options("-")).ok()) << err_.str();
  EXPECT_EQ(fake_.service.event_count(), static_cast<size_t>(g.events));
  EXPECT_NE(err_.str().find("stdin: line "), std::string::npos);
}

TEST_F(ImportCommandTest, AnUnclosedQuoteStopsBeforeSending) {
  const Generated g = SalesforceExport(50);
  // 50 rows, the last one opening a quote it never closes.
  const std::string text = g.text + "00T9,\"003,never closed\r\n";
  const std::string path = WriteFile("sf_unclosed.csv", text);
  const absl::Status s = Run(Options(path));
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  int64_t last_line = 1;
  for (const char c : g.text) last_line += c == '\n';
  EXPECT_EQ(s.message(),
            absl::StrCat(path, ": line ", last_line,
                         ": a quoted field is not closed before the end of "
                         "the file"));
  EXPECT_TRUE(fake_.service.streams().empty());
}

TEST_F(ImportCommandTest, DryRunSendsNothing) {
  const Generated g = SalesforceExport(300);
  const std::string path = WriteFile("sf_dry.csv", g.text);
  ASSERT_TRUE(Run(Options(path, [](auto& o) { o.dry_run = true; })).ok());
  EXPECT_TRUE(fake_.service.streams().empty());
  EXPECT_TRUE(
      Has(absl::StrCat("\"dryRun\":true,\"rows\":300,\"events\":", g.events)))
      << out_.str();
}

TEST_F(ImportCommandTest, CreatesOnlyTheOwnersThatAreNotMembers) {
  const Generated g = SalesforceExport(300);
  ASSERT_EQ(g.owners.size(), 3u);
  // One owner is a member already.
  v1::UpsertMemberRequest existing;
  existing.mutable_member()->set_member_id(*g.owners.begin());
  v1::UpsertMemberResponse response;
  grpc::ClientContext context;
  ASSERT_TRUE(fake_.client->activity()
                  .UpsertMember(&context, existing, &response)
                  .ok());
  const std::string path = WriteFile("sf_members.csv", g.text);
  ASSERT_TRUE(Run(Options(path,
                          [](auto& o) {
                            o.create_members = true;
                            o.team = "east";
                            o.industry = "software";
                          }))
                  .ok())
      << err_.str();
  EXPECT_EQ(fake_.service.upserts(), 1 + 2);
  EXPECT_TRUE(Has("\"membersCreated\":2,\"membersExisting\":1")) << out_.str();
}

TEST_F(ImportCommandTest, HumanSummary) {
  const Generated g = SalesforceExport(200);
  const std::string path = WriteFile("sf_human.csv", g.text);
  ASSERT_TRUE(Run(Options(path), false).ok());
  EXPECT_TRUE(Has(absl::StrCat(path, ": 200 rows, ", g.events, " events\n")))
      << out_.str();
  EXPECT_TRUE(
      Has("  rejected     2  (2 rows not mapped, 0 events refused by "
          "the server)\n"))
      << out_.str();
  EXPECT_TRUE(Has("other task ")) << out_.str();
}

TEST_F(ImportCommandTest, CustomMappingFiles) {
  const std::string mapping = R"pb(
    name: "calls"
    event_id { names: "call" }
    member { column { names: "rep" } }
    occur_time {
      column { names: "at" }
      formats: "%d.%m.%Y %H:%M"
    }
    type_rules { type: EVENT_TYPE_MESSAGE_SENT channel: CHANNEL_PHONE }
    contact { id { names: "who" } }
    thread { fallback: THREAD_FALLBACK_CONTACT_ID }
  )pb";
  const std::string csv =
      "call,rep,at,who\nc1,m1,15.03.2024 10:00,p1\nc2,m1,32.03.2024 10:00,p2\n";
  const std::string path = WriteFile("calls.csv", csv);
  for (const std::string& file :
       {WriteFile("calls.textproto", mapping),
        WriteFile("calls.json",
                  R"({"name":"calls","eventId":{"names":["call"]},
                      "member":{"column":{"names":["rep"]}},
                      "occurTime":{"column":{"names":["at"]},
                                   "formats":["%d.%m.%Y %H:%M"]},
                      "typeRules":[{"type":"EVENT_TYPE_MESSAGE_SENT",
                                    "channel":"CHANNEL_PHONE"}],
                      "contact":{"id":{"names":["who"]}},
                      "thread":{"fallback":"THREAD_FALLBACK_CONTACT_ID"}})")}) {
    ASSERT_TRUE(Run(Options(path, [&](auto& o) { o.mapping = file; })).ok())
        << err_.str();
    EXPECT_EQ(err_.str(), absl::StrCat(path,
                                       ": line 3, column at: not a "
                                       "date: '32.03.2024 10:00'\n"));
  }
  EXPECT_EQ(fake_.service.event_count(), 1u);
  const absl::Status bad = Run(Options(path, [&](auto& o) {
    o.mapping = WriteFile("bad.textproto", "name: 3");
  }));
  EXPECT_EQ(bad.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(
      Run(Options(path, [](auto& o) { o.mapping = "no-such-crm"; })).code(),
      absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace rapport::cli
