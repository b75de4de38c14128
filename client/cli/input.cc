#include "client/cli/input.h"

#include "absl/strings/str_cat.h"

namespace rapport::cli {

absl::StatusOr<std::unique_ptr<Input>> Input::Open(const std::string& path,
                                                   std::istream& standard_in) {
  std::unique_ptr<Input> input(new Input());
  if (path == "-") {
    input->name_ = "stdin";
    input->borrowed_ = &standard_in;
    return input;
  }
  input->name_ = path;
  input->file_ = std::make_unique<std::ifstream>(path, std::ios::binary);
  if (!*input->file_) {
    return absl::NotFoundError(absl::StrCat("cannot open ", path));
  }
  input->seekable_ = input->file_->tellg() != std::streampos(-1);
  input->file_->clear();
  return input;
}

absl::Status Input::Rewind() {
  if (!seekable_) {
    return absl::FailedPreconditionError(
        absl::StrCat(name_, " cannot be re-read"));
  }
  file_->clear();
  file_->seekg(0);
  if (!*file_)
    return absl::DataLossError(absl::StrCat("cannot re-read ", name_));
  return absl::OkStatus();
}

}  // namespace rapport::cli
