//===- TextBuffer.h - text built in memory ----------------------*- C++ -*-===//
//
// Text files the runtime writes (CSV, SVG) and lines it prints are built
// here first. Numbers are formatted with std::to_chars, never printf's
// %f/%g: those follow LC_NUMERIC, and a program that calls setlocale would
// otherwise write "0,5" into a CSV file. A failed allocation makes the
// buffer "failed" (checked once at the end) instead of failing each append.
//
//===----------------------------------------------------------------------===//
#ifndef DLRT_TEXTBUFFER_H
#define DLRT_TEXTBUFFER_H

#include "GrowableArray.h"

#include <cstddef>
#include <cstdint>

namespace dlrt {

class TextBuffer {
public:
  void append(const char *text);
  void append(const char *text, size_t length);
  void appendChar(char c) { append(&c, 1); }
  void appendInt(int64_t value);
  /// The shortest text that reads back as the same double ("0.1", "1e-05",
  /// "nan", "inf", "-inf").
  void appendShortest(double value);
  /// A fixed number of digits after the point ("0.4321").
  void appendFixed(double value, int digits);
  /// `text` with &, <, >, " and ' escaped for XML (control characters,
  /// which XML forbids, become '?').
  void appendXml(const char *text);

  bool failed() const { return outOfMemory; }
  const char *data() const { return bytes.data(); }
  size_t size() const { return bytes.size(); }
  void clear() { bytes.clear(); }

private:
  GrowableArray<char> bytes;
  bool outOfMemory = false;
};

/// Writes the shortest round-trip form of `value` into `buffer` (NUL
/// terminated) and returns it, for messages.
const char *formatShortest(double value, char (&buffer)[32]);

} // namespace dlrt

#endif // DLRT_TEXTBUFFER_H
