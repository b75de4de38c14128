#include "client/cli/csv_reader.h"

#include <csv.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"

namespace rapport::cli {
namespace {

// libcsv's state between records (ROW_NOT_BEGUN in libcsv.c): the next
// byte fed starts a new record.
constexpr int kBetweenRecords = 0;
// Inside a field (FIELD_BEGUN): with `quoted`, a quoted field still open.
constexpr int kInField = 2;
constexpr char kUtf8Bom[] = "\xEF\xBB\xBF";

// libcsv grows its field buffer through this: refusing to grow past the
// limit makes csv_parse stop with CSV_ENOMEM instead of holding a hostile
// field of any size in memory.
// RFC 4180: spaces and tabs belong to the field (libcsv trims them by
// default).
int NoSpaces(unsigned char) { return 0; }

void* LimitedRealloc(void* buffer, size_t size) {
  if (size > CsvReader::kMaxFieldBytes) return nullptr;
  return std::realloc(buffer, size);
}

}  // namespace

CsvReader::CsvReader(std::istream* in)
    : in_(in), parser_(std::make_unique<csv_parser>()) {
  // Lenient inside unquoted fields; Fill() refuses an open quote at the end.
  csv_init(parser_.get(), 0);
  csv_set_realloc_func(parser_.get(), &LimitedRealloc);
  csv_set_blk_size(parser_.get(), 4096);
  csv_set_space_func(parser_.get(), &NoSpaces);
}

CsvReader::~CsvReader() { csv_free(parser_.get()); }

void CsvReader::OnField(void* data, size_t size, void* self) {
  auto* reader = static_cast<CsvReader*>(self);
  if (reader->current_.fields.empty()) {
    reader->current_.line = reader->record_start_;
  }
  reader->current_.fields.emplace_back(static_cast<const char*>(data), size);
}

void CsvReader::OnRecord(int /*terminator*/, void* self) {
  auto* reader = static_cast<CsvReader*>(self);
  reader->ready_.push_back(std::move(reader->current_));
  reader->current_ = CsvRecord();
}

void CsvReader::Fill() {
  char block[1 << 16];
  while (ready_.empty() && !done_) {
    in_->read(block, sizeof block);
    size_t size = static_cast<size_t>(in_->gcount());
    if (size == 0) {
      if (in_->bad()) {
        status_ = absl::UnavailableError(
            absl::StrCat("reading failed after line ", line_));
      } else if (parser_->pstate == kInField && parser_->quoted) {
        status_ = absl::InvalidArgumentError(absl::StrCat(
            "line ", record_start_,
            ": a quoted field is not closed before the end of the file"));
      } else {
        csv_fini(parser_.get(), &CsvReader::OnField, &CsvReader::OnRecord,
                 this);
      }
      done_ = true;
      break;
    }
    const char* data = block;
    if (bytes_read_ == 0 && size >= 3 && std::memcmp(data, kUtf8Bom, 3) == 0) {
      data += 3;
      size -= 3;
      bytes_read_ += 3;
    }
    // Fed a line at a time, so that a record's first line is known. Lines
    // end with LF, CRLF or a lone CR (as libcsv's records do).
    while (size > 0 && !done_) {
      size_t length = size;
      bool line_end = false;
      if (after_cr_ && data[0] == '\n') {
        // The LF of a CRLF split between two reads: the line ended already.
        length = 1;
      } else {
        const char* end = std::find_if(
            data, data + size, [](char c) { return c == '\n' || c == '\r'; });
        if (end != data + size) {
          line_end = true;
          length = end - data + 1;
          if (*end == '\r' && length < size && end[1] == '\n') ++length;
        }
        if (at_line_start_) {
          ++line_;
          if (parser_->pstate == kBetweenRecords) record_start_ = line_;
        }
        at_line_start_ = line_end;
      }
      after_cr_ = data[length - 1] == '\r';
      if (csv_parse(parser_.get(), data, length, &CsvReader::OnField,
                    &CsvReader::OnRecord, this) != length) {
        status_ = absl::InvalidArgumentError(
            csv_error(parser_.get()) == CSV_ENOMEM
                ? absl::StrCat("line ", record_start_,
                               ": a field is longer than ", kMaxFieldBytes,
                               " bytes")
                : absl::StrCat("line ", line_, ": ",
                               csv_strerror(csv_error(parser_.get()))));
        done_ = true;
      }
      bytes_read_ += static_cast<int64_t>(length);
      data += length;
      size -= length;
    }
  }
}

bool CsvReader::Next(CsvRecord* record) {
  Fill();
  if (!status_.ok() || ready_.empty()) return false;
  *record = std::move(ready_.front());
  ready_.pop_front();
  return true;
}

}  // namespace rapport::cli
