#include "client/cli/linkedin_archive.h"

#include <zip.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "client/cli/csv_reader.h"

namespace rapport::cli {
namespace {

namespace fs = std::filesystem;

std::string NormalizeHeader(absl::string_view name) {
  std::string out;
  for (char c : name) {
    if (c == ' ' || c == '_' || c == '-' || c == '\t') continue;
    out.push_back(absl::ascii_tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

absl::StatusOr<std::string> ReadZipEntry(zip* archive, zip_int64_t index,
                                         const std::string& name) {
  zip_stat_t st;
  zip_stat_init(&st);
  if (zip_stat_index(archive, index, 0, &st) == 0 &&
      (st.valid & ZIP_STAT_SIZE) != 0 &&
      st.size > static_cast<zip_uint64_t>(LinkedInArchive::kMaxFileBytes)) {
    return absl::ResourceExhaustedError(absl::StrCat(
        name, ": larger than ", LinkedInArchive::kMaxFileBytes >> 20, " MiB"));
  }
  zip_file_t* file = zip_fopen_index(archive, index, 0);
  if (file == nullptr) {
    return absl::DataLossError(
        absl::StrCat(name, ": cannot be opened: ", zip_strerror(archive)));
  }
  std::string out;
  char block[1 << 16];
  absl::Status status;
  while (true) {
    const zip_int64_t n = zip_fread(file, block, sizeof block);
    if (n < 0) {
      status = absl::DataLossError(absl::StrCat(
          name, ": cannot be decompressed: ", zip_file_strerror(file)));
      break;
    }
    if (n == 0) break;
    // The declared size may lie; the bytes read may not exceed the limit.
    if (static_cast<int64_t>(out.size()) + n > LinkedInArchive::kMaxFileBytes) {
      status = absl::ResourceExhaustedError(
          absl::StrCat(name, ": larger than ",
                       LinkedInArchive::kMaxFileBytes >> 20, " MiB"));
      break;
    }
    out.append(block, static_cast<size_t>(n));
  }
  zip_fclose(file);
  if (!status.ok()) return status;
  return out;
}

}  // namespace

std::string LowerBaseName(absl::string_view path) {
  const size_t slash = path.find_last_of('/');
  if (slash != absl::string_view::npos) path.remove_prefix(slash + 1);
  return absl::AsciiStrToLower(path);
}

int FolderDepth(absl::string_view path) {
  return static_cast<int>(std::count(path.begin(), path.end(), '/'));
}

absl::StatusOr<std::unique_ptr<LinkedInArchive>> LinkedInArchive::Open(
    const std::string& path) {
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (ec || !fs::exists(status)) {
    return absl::NotFoundError(absl::StrCat(path, ": no such file"));
  }
  std::unique_ptr<LinkedInArchive> archive(new LinkedInArchive());
  if (fs::is_directory(status)) {
    archive->root_ = path;
    for (auto it = fs::recursive_directory_iterator(path, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (it->is_regular_file(ec)) {
        archive->files_.push_back(
            fs::relative(it->path(), path, ec).generic_string());
      }
    }
    if (ec) {
      return absl::UnavailableError(
          absl::StrCat(path, ": cannot list the folder: ", ec.message()));
    }
    std::sort(archive->files_.begin(), archive->files_.end());
    return archive;
  }
  int error = 0;
  archive->zip_ = zip_open(path.c_str(), ZIP_RDONLY, &error);
  if (archive->zip_ == nullptr) {
    zip_error_t z;
    zip_error_init_with_code(&z, error);
    const std::string reason = zip_error_strerror(&z);
    zip_error_fini(&z);
    return absl::InvalidArgumentError(absl::StrCat(
        path, ": neither a folder nor a ZIP archive (", reason, ")"));
  }
  const zip_int64_t n = zip_get_num_entries(archive->zip_, 0);
  for (zip_int64_t i = 0; i < n; ++i) {
    const char* name = zip_get_name(archive->zip_, i, 0);
    if (name == nullptr) continue;
    std::string entry = name;
    if (entry.empty() || entry.back() == '/') continue;  // A folder.
    archive->files_.push_back(std::move(entry));
  }
  return archive;
}

LinkedInArchive::~LinkedInArchive() {
  if (zip_ != nullptr) zip_discard(zip_);
}

absl::StatusOr<std::string> LinkedInArchive::Read(
    const std::string& name) const {
  if (std::find(files_.begin(), files_.end(), name) == files_.end()) {
    return absl::NotFoundError(absl::StrCat(name, ": not in the archive"));
  }
  if (zip_ != nullptr) {
    const zip_int64_t index = zip_name_locate(zip_, name.c_str(), 0);
    if (index < 0) {
      return absl::NotFoundError(absl::StrCat(name, ": not in the archive"));
    }
    return ReadZipEntry(zip_, index, name);
  }
  const fs::path file = fs::path(root_) / name;
  std::error_code ec;
  const uintmax_t size = fs::file_size(file, ec);
  if (!ec && size > static_cast<uintmax_t>(kMaxFileBytes)) {
    return absl::ResourceExhaustedError(
        absl::StrCat(name, ": larger than ", kMaxFileBytes >> 20, " MiB"));
  }
  std::ifstream in(file, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  if (!in.good() && !in.eof()) {
    return absl::UnavailableError(absl::StrCat(name, ": cannot be read"));
  }
  return std::move(out).str();
}

absl::StatusOr<LinkedInTable> LinkedInTable::Parse(
    const std::string& content, std::vector<LinkedInColumn> columns) {
  std::istringstream in(content);
  CsvReader reader(&in);
  CsvRecord record;
  LinkedInTable table;
  table.index_.assign(columns.size(), -1);
  std::vector<std::vector<std::string>> wanted(columns.size());
  for (size_t c = 0; c < columns.size(); ++c) {
    for (const std::string& name : columns[c].names) {
      wanted[c].push_back(NormalizeHeader(name));
    }
  }
  // The required columns missing from the record that came closest.
  std::vector<std::string> missing;
  for (const LinkedInColumn& c : columns) {
    if (c.required) missing.push_back(c.names.front());
  }
  for (int i = 0; i < kHeaderSearchRecords && reader.Next(&record); ++i) {
    std::vector<int> index(columns.size(), -1);
    for (size_t f = 0; f < record.fields.size(); ++f) {
      const std::string header = NormalizeHeader(record.fields[f]);
      for (size_t c = 0; c < columns.size(); ++c) {
        if (index[c] < 0 && std::find(wanted[c].begin(), wanted[c].end(),
                                      header) != wanted[c].end()) {
          index[c] = static_cast<int>(f);
        }
      }
    }
    std::vector<std::string> absent;
    for (size_t c = 0; c < columns.size(); ++c) {
      if (columns[c].required && index[c] < 0) {
        absent.push_back(columns[c].names.front());
      }
    }
    if (absent.size() < missing.size()) missing = absent;
    if (absent.empty()) {
      table.index_ = std::move(index);
      table.header_line_ = record.line;
      break;
    }
  }
  if (table.header_line_ == 0) {
    if (!reader.status().ok()) return reader.status();
    return absl::NotFoundError(absl::StrCat("no header row with the columns ",
                                            absl::StrJoin(missing, ", ")));
  }
  while (reader.Next(&record)) {
    const bool blank = std::all_of(
        record.fields.begin(), record.fields.end(), [](const std::string& f) {
          return absl::StripAsciiWhitespace(f).empty();
        });
    if (blank) continue;
    table.rows_.push_back(Row{record.line, std::move(record.fields)});
  }
  table.read_status_ = reader.status();
  return table;
}

absl::string_view LinkedInTable::Get(const Row& row, int c) const {
  const int f = index_[c];
  if (f < 0 || f >= static_cast<int>(row.fields.size())) return "";
  return absl::StripAsciiWhitespace(row.fields[f]);
}

}  // namespace rapport::cli
