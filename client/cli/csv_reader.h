// CsvReader: the records of a CSV file (RFC 4180, as CRM exports write it),
// read incrementally with the line each record starts on, so that an
// import can name the line of a row it cannot use.
//
// Parsing is libcsv's: quoted fields holding commas, quotes ("") and line
// breaks, CRLF, LF or CR line ends, blank lines skipped. A UTF-8 byte order
// mark at the start is dropped. Lenient as spreadsheets are: a quote inside an
// unquoted field is kept as a character; only a quoted field still open at
// the end of the input is an error.
#ifndef RAPPORT_CLIENT_CLI_CSV_READER_H_
#define RAPPORT_CLIENT_CLI_CSV_READER_H_

#include <cstdint>
#include <deque>
#include <istream>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"

struct csv_parser;

namespace rapport::cli {

struct CsvRecord {
  std::vector<std::string> fields;
  // The 1-based line of the input the record starts on.
  int64_t line = 0;
};

class CsvReader {
 public:
  // The largest field accepted; a longer one stops the reading with
  // INVALID_ARGUMENT (a hostile or binary file, not an export).
  static constexpr size_t kMaxFieldBytes = 1 << 20;

  // Reads from `in`, which must outlive the reader.
  explicit CsvReader(std::istream* in);
  ~CsvReader();
  CsvReader(const CsvReader&) = delete;
  CsvReader& operator=(const CsvReader&) = delete;

  // The next record into `record`; false at the end of the input or on an
  // error (then status() says which, naming the line).
  bool Next(CsvRecord* record);

  // OK, or INVALID_ARGUMENT naming the line: an unterminated quoted field,
  // a field over kMaxFieldBytes; UNAVAILABLE when the stream failed.
  const absl::Status& status() const { return status_; }

  // Bytes consumed from the input so far (for progress).
  int64_t bytes_read() const { return bytes_read_; }

 private:
  static void OnField(void* data, size_t size, void* self);
  static void OnRecord(int terminator, void* self);
  // Feeds the parser until a record is ready or the input ends.
  void Fill();

  std::istream* const in_;
  std::unique_ptr<csv_parser> parser_;
  std::deque<CsvRecord> ready_;
  CsvRecord current_;
  // The line the record being parsed starts on: set before each line fed
  // while no record is under way.
  int64_t record_start_ = 0;
  int64_t line_ = 0;
  bool at_line_start_ = true;
  // The last byte fed was a CR: an LF starting the next read ends no line.
  bool after_cr_ = false;
  int64_t bytes_read_ = 0;
  bool done_ = false;
  absl::Status status_;
};

}  // namespace rapport::cli

#endif  // RAPPORT_CLIENT_CLI_CSV_READER_H_
