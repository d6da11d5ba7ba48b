// SPDX-License-Identifier: MIT
// The streaming JSON writer and the RFC 4180 CSV writer of the output layer (output.h). Both
// write through a buffer flushed in large chunks, so an export of a million rows stays fast.
#include <cstring>

#include "money.h"
#include "output.h"

namespace freenahi {
namespace {

constexpr size_t kFlushBytes = 1 << 16;

// Appends `text` as a JSON string body: quotes, backslashes and control characters escaped,
// invalid UTF-8 bytes replaced by U+FFFD so the document always parses.
void AppendEscaped(std::string* out, std::string_view text) {
  static const char kHex[] = "0123456789abcdef";
  for (size_t i = 0; i < text.size();) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      if (c == '"' || c == '\\') {
        *out += '\\';
        *out += static_cast<char>(c);
      } else if (c == '\n') {
        *out += "\\n";
      } else if (c == '\t') {
        *out += "\\t";
      } else if (c == '\r') {
        *out += "\\r";
      } else if (c < 0x20 || c == 0x7F) {
        *out += "\\u00";
        *out += kHex[c >> 4];
        *out += kHex[c & 0xF];
      } else {
        *out += static_cast<char>(c);
      }
      ++i;
      continue;
    }
    size_t length = (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    bool valid = length != 0 && i + length <= text.size();
    for (size_t k = 1; valid && k < length; ++k)
      valid = (static_cast<unsigned char>(text[i + k]) & 0xC0) == 0x80;
    if (valid) {
      out->append(text.data() + i, length);
      i += length;
    } else {
      *out += "\xEF\xBF\xBD";
      ++i;
    }
  }
}

}  // namespace

void JsonWriter::Raw(std::string_view text) {
  buffer_.append(text.data(), text.size());
  if (buffer_.size() >= kFlushBytes) Flush();
}

void JsonWriter::Flush() {
  if (buffer_.empty()) return;
  if (sink_ != nullptr) {
    sink_->append(buffer_);
  } else if (out_ != nullptr) {
    fwrite(buffer_.data(), 1, buffer_.size(), out_);
  }
  buffer_.clear();
}

void JsonWriter::BeforeValue() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (!first_.empty()) {
    if (!first_.back()) buffer_ += ',';
    first_.back() = false;
  }
}

void JsonWriter::BeginObject() {
  BeforeValue();
  buffer_ += '{';
  first_.push_back(true);
}

void JsonWriter::EndObject() {
  buffer_ += '}';
  first_.pop_back();
}

void JsonWriter::BeginArray() {
  BeforeValue();
  buffer_ += '[';
  first_.push_back(true);
}

void JsonWriter::EndArray() {
  buffer_ += ']';
  first_.pop_back();
  if (buffer_.size() >= kFlushBytes) Flush();
}

void JsonWriter::Key(std::string_view key) {
  BeforeValue();
  buffer_ += '"';
  AppendEscaped(&buffer_, key);
  buffer_ += "\":";
  after_key_ = true;
}

void JsonWriter::String(std::string_view value) {
  BeforeValue();
  buffer_ += '"';
  AppendEscaped(&buffer_, value);
  buffer_ += '"';
  if (buffer_.size() >= kFlushBytes) Flush();
}

void JsonWriter::Int(int64_t value) {
  BeforeValue();
  Raw(std::to_string(value));
}

void JsonWriter::Bool(bool value) {
  BeforeValue();
  Raw(value ? "true" : "false");
}

void JsonWriter::Null() {
  BeforeValue();
  Raw("null");
}

void JsonWriter::Money(int64_t minor, int precision) { String(FormatMinorUnits(minor, precision)); }

void JsonWriter::EndDocument() {
  buffer_ += '\n';
  first_.clear();
  after_key_ = false;
  if (buffer_.size() >= kFlushBytes) Flush();
}

std::string CsvField(std::string_view field) {
  bool quote = field.find_first_of(",\"\r\n") != std::string_view::npos ||
               (!field.empty() && (field.front() == ' ' || field.back() == ' '));
  if (!quote) return std::string(field);
  std::string out = "\"";
  for (char c : field) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

CsvWriter::CsvWriter(FILE* out, const std::vector<std::string>& header) : out_(out) { Row(header); }

void CsvWriter::Row(const std::vector<std::string>& fields) {
  line_.clear();
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) line_ += ',';
    line_ += CsvField(fields[i]);
  }
  line_ += "\r\n";
  fwrite(line_.data(), 1, line_.size(), out_);
}

}  // namespace freenahi
