#include "client/cli/terminal_text.h"

#include <cstdint>
#include <vector>

#include "absl/strings/str_format.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/reflection.h"
#include "server/common/text.h"

namespace rapport::cli {
namespace {

void AppendEscape(char32_t c, std::string* out) {
  const auto value = static_cast<uint32_t>(c);
  if (c <= 0xFF) {
    absl::StrAppendFormat(out, "\\x%02x", value);
  } else if (c <= 0xFFFF) {
    absl::StrAppendFormat(out, "\\u%04x", value);
  } else {
    absl::StrAppendFormat(out, "\\U%08x", value);
  }
}

}  // namespace

std::string TerminalSafe(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  while (!text.empty()) {
    const Utf8Char ch = DecodeUtf8(text);
    if (!ch.valid) {
      AppendEscape(static_cast<unsigned char>(text[0]), &out);
    } else if (IsForbiddenInText(ch.code_point)) {
      // C1 controls get \x too: they are single characters to a terminal.
      AppendEscape(ch.code_point, &out);
    } else {
      out.append(text.data(), ch.size);
    }
    text.remove_prefix(ch.size);
  }
  return out;
}

void MakeTerminalSafe(google::protobuf::Message* message) {
  using google::protobuf::FieldDescriptor;
  const google::protobuf::Reflection* reflection = message->GetReflection();
  std::vector<const FieldDescriptor*> fields;
  reflection->ListFields(*message, &fields);
  for (const FieldDescriptor* field : fields) {
    if (field->cpp_type() == FieldDescriptor::CPPTYPE_STRING) {
      if (field->is_repeated()) {
        for (int i = 0; i < reflection->FieldSize(*message, field); ++i) {
          reflection->SetRepeatedString(
              message, field, i,
              TerminalSafe(reflection->GetRepeatedString(*message, field, i)));
        }
      } else {
        reflection->SetString(
            message, field,
            TerminalSafe(reflection->GetString(*message, field)));
      }
    } else if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      if (field->is_repeated()) {
        for (int i = 0; i < reflection->FieldSize(*message, field); ++i) {
          MakeTerminalSafe(
              reflection->MutableRepeatedMessage(message, field, i));
        }
      } else {
        MakeTerminalSafe(reflection->MutableMessage(message, field));
      }
    }
  }
}

}  // namespace rapport::cli
