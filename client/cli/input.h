// An input file for a command, "-" meaning standard input.
#ifndef RAPPORT_CLIENT_CLI_INPUT_H_
#define RAPPORT_CLIENT_CLI_INPUT_H_

#include <cstdint>
#include <fstream>
#include <istream>
#include <memory>
#include <string>

#include "absl/status/statusor.h"

namespace rapport::cli {

// Not thread-safe. Standard input is borrowed, not owned.
class Input {
 public:
  // Returns NOT_FOUND when the file cannot be opened (the message names the
  // path, which the user gave).
  static absl::StatusOr<std::unique_ptr<Input>> Open(const std::string& path,
                                                     std::istream& standard_in);

  std::istream& stream() { return file_ ? *file_ : *borrowed_; }
  // The name to show in messages: the path, or "stdin".
  const std::string& name() const { return name_; }
  // Whether Rewind works: true for a regular file, false for standard input
  // and pipes.
  bool rewindable() const { return seekable_; }
  // Goes back to the start of a file. Returns FAILED_PRECONDITION when
  // not rewindable(), DATA_LOSS when seeking fails.
  absl::Status Rewind();

 private:
  Input() = default;

  std::string name_;
  std::unique_ptr<std::ifstream> file_;
  std::istream* borrowed_ = nullptr;
  bool seekable_ = false;
};

}  // namespace rapport::cli

#endif  // RAPPORT_CLIENT_CLI_INPUT_H_
