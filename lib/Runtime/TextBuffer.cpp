//===- TextBuffer.cpp - text built in memory ------------------------------===//

#include "TextBuffer.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>

namespace dlrt {

namespace {
/// to_chars writes "nan" and "-nan" for NaNs of either sign; the files the
/// runtime writes (and Python's float()) use "nan".
size_t formatDouble(double value, char *buffer, size_t size, bool fixed,
                    int digits) {
  if (std::isnan(value)) {
    memcpy(buffer, "nan", 3);
    return 3;
  }
  std::to_chars_result result =
      fixed ? std::to_chars(buffer, buffer + size, value,
                            std::chars_format::fixed, digits)
            : std::to_chars(buffer, buffer + size, value);
  return result.ec == std::errc() ? size_t(result.ptr - buffer) : 0;
}
} // namespace

void TextBuffer::append(const char *text, size_t length) {
  if (outOfMemory || !bytes.reserve(bytes.size() + length + 1)) {
    outOfMemory = true;
    return;
  }
  for (size_t i = 0; i < length; ++i)
    bytes.push(text[i]);
  // Keep a NUL after the text (not counted in size()) for C strings.
  bytes.push('\0');
  bytes.truncate(bytes.size() - 1);
}

void TextBuffer::append(const char *text) { append(text, strlen(text)); }

void TextBuffer::appendInt(int64_t value) {
  // printf formats integers the same in every locale (unlike std::to_chars
  // for integers, whose inline digit table would be exported from libdlrt).
  char buffer[24];
  int length = snprintf(buffer, sizeof(buffer), "%lld",
                        static_cast<long long>(value));
  append(buffer, size_t(length));
}

void TextBuffer::appendShortest(double value) {
  char buffer[32];
  append(buffer, formatDouble(value, buffer, sizeof(buffer), false, 0));
}

void TextBuffer::appendFixed(double value, int digits) {
  // Fixed notation of a huge value has hundreds of digits.
  char buffer[400];
  append(buffer, formatDouble(value, buffer, sizeof(buffer), true, digits));
}

void TextBuffer::appendXml(const char *text) {
  for (const char *p = text; *p; ++p) {
    switch (*p) {
    case '&':
      append("&amp;");
      break;
    case '<':
      append("&lt;");
      break;
    case '>':
      append("&gt;");
      break;
    case '"':
      append("&quot;");
      break;
    case '\'':
      append("&apos;");
      break;
    default:
      // Control characters cannot appear in XML 1.0 at all.
      appendChar(static_cast<unsigned char>(*p) < 0x20 ? '?' : *p);
    }
  }
}

const char *formatShortest(double value, char (&buffer)[32]) {
  size_t length = formatDouble(value, buffer, sizeof(buffer) - 1, false, 0);
  buffer[length] = '\0';
  return buffer;
}

} // namespace dlrt
