#include "client/cli/csv_reader.h"

#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace rapport::cli {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::vector<CsvRecord> ReadAll(const std::string& text,
                               absl::Status* status = nullptr) {
  std::istringstream in(text);
  CsvReader reader(&in);
  std::vector<CsvRecord> records;
  CsvRecord record;
  while (reader.Next(&record)) records.push_back(record);
  if (status != nullptr) *status = reader.status();
  return records;
}

// RFC 4180's writer: a field with a comma, quote, CR, LF or surrounding
// space is quoted, its quotes doubled.
std::string Quote(const std::string& field, bool only_field) {
  const bool needs = field.find_first_of(",\"\r\n") != std::string::npos ||
                     (only_field && field.empty());
  if (!needs) return field;
  std::string out = "\"";
  for (char c : field) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

TEST(CsvReaderTest, RoundTripsGeneratedTablesWithTheLineEachRecordStartsOn) {
  const std::vector<std::string> pieces = {
      "a", "Call", ",",   "\"", "\n", "\r\n", " ",  "\t",
      "é", "😀",    "x,y", "1",  "",   "''",   "\\", "=SUM(A1)"};
  std::mt19937 rng(20261130);
  for (int round = 0; round < 300; ++round) {
    const bool crlf = rng() % 2 == 0;
    const bool bom = rng() % 3 == 0;
    std::string text = bom ? "\xEF\xBB\xBF" : "";
    std::vector<std::vector<std::string>> table;
    std::vector<int64_t> lines;
    int64_t line = 1;
    const int rows = 1 + rng() % 40;
    for (int r = 0; r < rows; ++r) {
      if (rng() % 10 == 0) {  // A blank line, skipped.
        text += crlf ? "\r\n" : "\n";
        ++line;
      }
      std::vector<std::string> row(1 + rng() % 6);
      for (std::string& field : row) {
        const int n = rng() % 4;
        for (int i = 0; i < n; ++i) field += pieces[rng() % pieces.size()];
      }
      lines.push_back(line);
      for (size_t i = 0; i < row.size(); ++i) {
        if (i > 0) text += ',';
        const std::string quoted = Quote(row[i], row.size() == 1);
        text += quoted;
        for (char c : quoted) line += c == '\n';
      }
      const bool last = r + 1 == rows;
      if (!last || rng() % 2 == 0) {
        text += crlf ? "\r\n" : "\n";
        ++line;
      }
      table.push_back(row);
    }
    absl::Status status;
    const std::vector<CsvRecord> records = ReadAll(text, &status);
    ASSERT_TRUE(status.ok()) << status << "\n" << text;
    ASSERT_EQ(records.size(), table.size()) << text;
    for (size_t r = 0; r < table.size(); ++r) {
      EXPECT_EQ(records[r].fields, table[r]) << "record " << r << "\n" << text;
      EXPECT_EQ(records[r].line, lines[r]) << "record " << r << "\n" << text;
    }
  }
}

// The line ends in `text`: LF, CRLF and a lone CR each end one line.
int64_t LineEnds(const std::string& text) {
  int64_t n = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n') ++n;
    if (text[i] == '\r' && (i + 1 == text.size() || text[i + 1] != '\n')) ++n;
  }
  return n;
}

// Old Mac files end lines with a lone CR, which libcsv takes as a record's
// end: each record is on a line of its own, not all on line 1.
TEST(CsvReaderTest, CountsLinesEndedByCrLfOrALoneCr) {
  const std::vector<std::string> ends = {"\n", "\r\n", "\r"};
  const std::vector<std::string> pieces = {"a",  ",",    "\"",  "\r",
                                           "\n", "\r\n", "b c", "é"};
  std::mt19937 rng(20261201);
  for (int round = 0; round < 300; ++round) {
    std::string text;
    std::vector<std::vector<std::string>> table;
    std::vector<int64_t> lines;
    const int rows = 1 + rng() % 30;
    for (int r = 0; r < rows; ++r) {
      if (rng() % 8 == 0) text += ends[rng() % ends.size()];  // Blank.
      std::vector<std::string> row(1 + rng() % 4);
      for (std::string& field : row) {
        const int n = rng() % 4;
        for (int i = 0; i < n; ++i) field += pieces[rng() % pieces.size()];
      }
      lines.push_back(LineEnds(text) + 1);
      for (size_t i = 0; i < row.size(); ++i) {
        if (i > 0) text += ',';
        text += Quote(row[i], row.size() == 1);
      }
      text += ends[rng() % ends.size()];
      table.push_back(row);
    }
    absl::Status status;
    const std::vector<CsvRecord> records = ReadAll(text, &status);
    ASSERT_TRUE(status.ok()) << status;
    ASSERT_EQ(records.size(), table.size());
    for (size_t r = 0; r < table.size(); ++r) {
      EXPECT_EQ(records[r].fields, table[r]) << "record " << r;
      EXPECT_EQ(records[r].line, lines[r]) << "record " << r;
    }
  }
}

// The reader reads 64 KiB at a time: a CRLF split between two reads is
// still one line end.
TEST(CsvReaderTest, ACrLfSplitBetweenReadsEndsOneLine) {
  for (size_t split : {size_t{65535}, size_t{65536}, size_t{65534}}) {
    std::string text = "id\r\n";
    text += std::string(split - text.size() - 1, 'x');
    text += "\r\nnext\r\nlast";
    ASSERT_EQ(text[split - 1], '\r');
    const std::vector<CsvRecord> records = ReadAll(text);
    ASSERT_EQ(records.size(), 4u) << split;
    EXPECT_EQ(records[2].fields, std::vector<std::string>{"next"});
    EXPECT_EQ(records[2].line, 3) << split;
    EXPECT_EQ(records[3].line, 4) << split;
  }
}

TEST(CsvReaderTest, SpacesBelongToTheField) {
  const std::vector<CsvRecord> records = ReadAll(" a , b\n");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_THAT(records[0].fields, ElementsAre(" a ", " b"));
}

TEST(CsvReaderTest, AQuoteInsideAnUnquotedFieldIsACharacter) {
  const std::vector<CsvRecord> records = ReadAll("5\" screen,b\n");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_THAT(records[0].fields, ElementsAre("5\" screen", "b"));
}

TEST(CsvReaderTest, AnUnclosedQuoteAtTheEndNamesTheLineItStartsOn) {
  absl::Status status;
  const std::vector<CsvRecord> records =
      ReadAll("id,subject\n1,ok\n2,\"never\nclosed\n", &status);
  EXPECT_EQ(records.size(), 2u);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("line 3"));
}

TEST(CsvReaderTest, AFieldOverTheLimitStopsWithAnErrorNotUnboundedMemory) {
  std::string text = "id,body\n1,short\n2,\"";
  text.append(CsvReader::kMaxFieldBytes + 10, 'x');
  text += "\"\n3,after\n";
  absl::Status status;
  const std::vector<CsvRecord> records = ReadAll(text, &status);
  EXPECT_EQ(records.size(), 2u);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("line 3"));
  EXPECT_THAT(status.message(), HasSubstr("longer than"));
}

TEST(CsvReaderTest, CountsTheBytesItRead) {
  std::istringstream in(
      "\xEF\xBB\xBF"
      "a,b\n1,2\n");
  CsvReader reader(&in);
  CsvRecord record;
  while (reader.Next(&record)) {
  }
  EXPECT_TRUE(reader.status().ok());
  EXPECT_EQ(reader.bytes_read(), 11);
}

TEST(CsvReaderTest, EmptyInputHasNoRecords) {
  absl::Status status;
  EXPECT_TRUE(ReadAll("", &status).empty());
  EXPECT_TRUE(status.ok());
  EXPECT_TRUE(ReadAll("\n\r\n\n", &status).empty());
  EXPECT_TRUE(status.ok());
}

}  // namespace
}  // namespace rapport::cli
