//===- CsvReader.h - rows and cells of CSV text -----------------*- C++ -*-===//
//
// Comma-separated values as spreadsheets and pandas write them (RFC 4180):
// cells separated by ',', rows by "\n" or "\r\n", cells optionally quoted
// with '"' (a quote inside doubled, line breaks allowed inside). Spaces
// around a cell are not part of it. Blank lines are skipped. A byte-order
// mark at the start is skipped. Other control characters mean the file is
// not text, and are an error.
//
// A file whose first line that is not blank has no comma but cells
// separated by spaces or tabs (as NumPy's savetxt and many data sets write
// it) is read with runs of spaces and tabs as the separator.
//
//===----------------------------------------------------------------------===//
#ifndef DLRT_CSVREADER_H
#define DLRT_CSVREADER_H

#include "Convert.h"
#include "GrowableArray.h"
#include "dl/runtime.h"

#include <cstddef>

namespace dlrt {

/// A cell: a view of the file's text, without the quotes of a quoted cell
/// (whose doubled quotes are still doubled: see cellText).
struct CsvCell {
  const char *text;
  size_t length;
  bool quoted;
};

class CsvReader {
public:
  CsvReader(const char *data, size_t size, const char *name);

  /// Reads the next row that is not blank into `cells`; `*got` is false at
  /// the end of the file.
  dl_status next(GrowableArray<CsvCell> &cells, bool *got);
  /// The line the last row read starts on (from 1).
  size_t line() const { return rowLine; }

private:
  dl_status readCell(CsvCell *cell);
  bool isSeparator(char c) const;

  const char *pos;
  const char *end;
  const char *name;
  size_t currentLine = 1;
  size_t rowLine = 0;
  bool whitespace = false; // cells separated by spaces and tabs
};

/// Copies a cell's text into `buffer` with doubled quotes undone, cut to
/// the buffer's size, NUL-terminated.
void cellText(const CsvCell &cell, char *buffer, size_t size);

/// Parses a cell as a number: an integer (kept exact when it fits in 64
/// bits), a decimal or exponent form, "nan", "inf", with an optional sign.
/// Returns false if the cell is not a number; `*outOfRange` says whether it
/// was one too large for a double.
bool parseNumber(const CsvCell &cell, SourceValue *value, bool *outOfRange);

} // namespace dlrt

#endif // DLRT_CSVREADER_H
