#include "server/connect/envelope.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace rapport::connect {
namespace {

uint32_t LengthAt(const std::string& buffer, size_t offset) {
  uint32_t length = 0;
  for (size_t i = 1; i < kEnvelopeHeaderSize; ++i) {
    length = (length << 8) | static_cast<uint8_t>(buffer[offset + i]);
  }
  return length;
}

}  // namespace

std::string EncodeEnvelope(uint8_t flags, absl::string_view payload) {
  const auto length = static_cast<uint32_t>(payload.size());
  std::string out;
  out.reserve(kEnvelopeHeaderSize + payload.size());
  out.push_back(static_cast<char>(flags));
  for (int shift = 24; shift >= 0; shift -= 8) {
    out.push_back(static_cast<char>((length >> shift) & 0xff));
  }
  out.append(payload.data(), payload.size());
  return out;
}

void EnvelopeReader::Add(absl::string_view bytes) {
  if (offset_ > 0) {  // Drop what was read before growing the buffer.
    buffer_.erase(0, offset_);
    offset_ = 0;
  }
  buffer_.append(bytes.data(), bytes.size());
}

absl::StatusOr<std::optional<Envelope>> EnvelopeReader::Next() {
  const size_t available = buffer_.size() - offset_;
  if (available < kEnvelopeHeaderSize) return std::nullopt;
  const uint32_t length = LengthAt(buffer_, offset_);
  if (length > max_payload_) {
    return absl::ResourceExhaustedError(
        absl::StrCat("message of ", length, " bytes is larger than the limit (",
                     max_payload_, " bytes)"));
  }
  if (available < kEnvelopeHeaderSize + length) return std::nullopt;
  Envelope envelope;
  envelope.flags = static_cast<uint8_t>(buffer_[offset_]);
  envelope.payload = buffer_.substr(offset_ + kEnvelopeHeaderSize, length);
  offset_ += kEnvelopeHeaderSize + length;
  return envelope;
}

}  // namespace rapport::connect
