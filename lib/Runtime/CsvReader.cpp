//===- CsvReader.cpp - rows and cells of CSV text -------------------------===//

#include "CsvReader.h"
#include "Errors.h"

#include <charconv>
#include <cstring>

namespace dlrt {

namespace {
bool isSpace(char c) { return c == ' ' || c == '\t' || c == '\r'; }
} // namespace

CsvReader::CsvReader(const char *data, size_t size, const char *name)
    : pos(data), end(data + size), name(name) {
  if (size >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
    pos += 3;
  // Whitespace-separated when the first line that is not blank has no comma
  // but spaces or tabs between cells (as NumPy's savetxt writes).
  const char *p = pos;
  while (p < end && (*p == '\n' || isSpace(*p)))
    ++p;
  bool inCell = false, gap = false;
  for (; p < end && *p != '\n'; ++p) {
    if (*p == ',') {
      whitespace = false;
      return;
    }
    if (isSpace(*p)) {
      gap |= inCell;
      inCell = false;
    } else {
      whitespace |= gap;
      inCell = true;
    }
  }
}

bool CsvReader::isSeparator(char c) const {
  return whitespace ? c == ' ' || c == '\t' : c == ',';
}

dl_status CsvReader::readCell(CsvCell *cell) {
  while (pos < end && (*pos == ' ' || *pos == '\t'))
    ++pos;
  if (pos < end && *pos == '"') {
    size_t startLine = currentLine;
    const char *start = ++pos;
    while (true) {
      if (pos == end)
        return setError(DL_ERROR_FORMAT,
                        "%s: line %zu: a quoted cell is not closed", name,
                        startLine);
      if (*pos == '"') {
        if (pos + 1 < end && pos[1] == '"') {
          pos += 2;
          continue;
        }
        break;
      }
      if (*pos == '\n')
        ++currentLine;
      ++pos;
    }
    *cell = {start, size_t(pos - start), true};
    ++pos;
    while (pos < end && isSpace(*pos) && !isSeparator(*pos))
      ++pos;
    if (pos < end && !isSeparator(*pos) && *pos != '\n')
      return setError(DL_ERROR_FORMAT,
                      "%s: line %zu: text after the closing quote of a cell",
                      name, currentLine);
    return DL_OK;
  }
  const char *start = pos;
  while (pos < end && !isSeparator(*pos) && *pos != '\n') {
    unsigned char c = static_cast<unsigned char>(*pos);
    if ((c < 0x20 && c != '\t' && c != '\r') || c == 0x7f)
      return setError(DL_ERROR_FORMAT,
                      "%s: line %zu: control character 0x%02x: not a text "
                      "(CSV) file",
                      name, currentLine, c);
    ++pos;
  }
  const char *stop = pos;
  while (stop > start && isSpace(stop[-1]))
    --stop;
  *cell = {start, size_t(stop - start), false};
  return DL_OK;
}

dl_status CsvReader::next(GrowableArray<CsvCell> &cells, bool *got) {
  while (pos < end) {
    cells.clear();
    rowLine = currentLine;
    while (true) {
      CsvCell cell;
      if (dl_status status = readCell(&cell))
        return status;
      if (!cells.push(cell))
        return setError(DL_ERROR_OUT_OF_MEMORY, "%s: out of memory", name);
      if (whitespace) {
        // The separator is a run of spaces and tabs; a '\r' before the
        // '\n' ends the line.
        while (pos < end && isSpace(*pos))
          ++pos;
        if (pos < end && *pos != '\n')
          continue;
      } else if (pos < end && *pos == ',') {
        ++pos;
        continue;
      }
      if (pos < end) { // '\n'
        ++pos;
        ++currentLine;
      }
      break;
    }
    bool blank = cells.size() == 1 && !cells[0].quoted && cells[0].length == 0;
    if (!blank) {
      *got = true;
      return DL_OK;
    }
  }
  *got = false;
  return DL_OK;
}

void cellText(const CsvCell &cell, char *buffer, size_t size) {
  size_t length = 0;
  for (size_t i = 0; i < cell.length && length + 1 < size; ++i) {
    buffer[length++] = cell.text[i];
    if (cell.quoted && cell.text[i] == '"')
      ++i; // the second of a doubled quote
  }
  buffer[length] = '\0';
}

bool parseNumber(const CsvCell &cell, SourceValue *value, bool *outOfRange) {
  *outOfRange = false;
  const char *first = cell.text, *last = cell.text + cell.length;
  // from_chars takes '-' but not '+'.
  if (first < last && *first == '+' && last - first > 1 && first[1] != '-')
    ++first;
  if (first == last)
    return false;
  int64_t integer;
  std::from_chars_result result = std::from_chars(first, last, integer);
  if (result.ec == std::errc() && result.ptr == last) {
    *value = {true, integer, 0};
    return true;
  }
  // Not an integer, or one too large for int64: as a double.
  double real;
  result = std::from_chars(first, last, real, std::chars_format::general);
  if (result.ptr != last)
    return false;
  if (result.ec == std::errc::result_out_of_range) {
    *outOfRange = true;
    return false;
  }
  if (result.ec != std::errc())
    return false;
  *value = {false, 0, real};
  return true;
}

} // namespace dlrt
