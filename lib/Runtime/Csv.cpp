//===- Csv.cpp - loading columns of a CSV file ----------------------------===//
//
// Two passes over the text: the first finds the header, counts the rows and
// checks that they all have the same number of cells, so that the second
// can parse the selected cells straight into a tensor of the right size.
//
//===----------------------------------------------------------------------===//

#include "ColumnSelector.h"
#include "CsvReader.h"
#include "Convert.h"
#include "DataFormats.h"
#include "Tensor.h"

#include <cstring>

namespace dlrt {

namespace {

/// The first row is a header when none of its cells is a number.
bool isHeader(const GrowableArray<CsvCell> &cells) {
  for (const CsvCell &cell : cells) {
    SourceValue value;
    bool outOfRange;
    if (parseNumber(cell, &value, &outOfRange) || outOfRange)
      return false;
  }
  return true;
}

/// "line 3, column 2 ('sepal_width')": where a cell is, from 1 as editors
/// count.
void appendCellPosition(Message &message, const char *name, size_t line,
                        size_t column, const CsvCell *header) {
  message.append("%s: line %zu, column %zu", name, line, column + 1);
  if (header) {
    char text[64];
    cellText(header[column], text, sizeof(text));
    message.append(" ('%s')", text);
  }
  message.append(": ");
}

} // namespace

dl_status loadCsv(const uint8_t *bytes, size_t size, const char *name,
                  const char *selector, dl_dtype dtype, dl_tensor *out) {
  const char *text = reinterpret_cast<const char *>(bytes);
  // First pass: the header, the number of columns and of rows.
  GrowableArray<CsvCell> cells, header;
  CsvReader reader(text, size, name);
  bool got;
  if (dl_status status = reader.next(cells, &got))
    return status;
  if (!got)
    return setError(DL_ERROR_FORMAT, "%s: empty file: no CSV rows", name);
  size_t numColumns = cells.size(), firstLine = reader.line();
  bool hasHeader = isHeader(cells);
  if (hasHeader) {
    if (!header.reserve(numColumns))
      return setError(DL_ERROR_OUT_OF_MEMORY, "%s: out of memory", name);
    for (const CsvCell &cell : cells)
      header.push(cell);
  }
  size_t numRows = hasHeader ? 0 : 1;
  while (true) {
    if (dl_status status = reader.next(cells, &got))
      return status;
    if (!got)
      break;
    if (cells.size() != numColumns)
      return setError(DL_ERROR_FORMAT,
                      "%s: line %zu has %zu column%s, line %zu has %zu", name,
                      reader.line(), cells.size(),
                      cells.size() == 1 ? "" : "s", firstLine, numColumns);
    ++numRows;
  }
  const CsvCell *headerCells = hasHeader ? header.data() : nullptr;
  ColumnSelection selection;
  if (dl_status status = selectColumns(selector, numColumns, headerCells,
                                       name, &selection))
    return status;

  size_t numSelected = selection.columns.size();
  int64_t shape[2] = {int64_t(numRows), int64_t(numSelected)};
  int32_t rank = selection.single ? 1 : 2;
  size_t elementSize = dl_dtype_size(dtype), outSize;
  if (!checkedByteSize(checkedNumel(rank, shape), elementSize, &outSize))
    return setError(DL_ERROR_OUT_OF_MEMORY, "%s: too large", name);
  BlockPtr data(dl_alloc(outSize));
  if (!data)
    return setError(DL_ERROR_OUT_OF_MEMORY,
                    "%s: out of memory reading %zu bytes", name, outSize);

  // Second pass: parse the selected cells. The rows were read without
  // error once already, so reading them again cannot fail.
  CsvReader values(text, size, name);
  uint8_t *next = static_cast<uint8_t *>(data.get());
  if (hasHeader)
    values.next(cells, &got);
  for (size_t row = 0; row < numRows; ++row) {
    values.next(cells, &got);
    for (size_t column : selection.columns) {
      const CsvCell &cell = cells[column];
      SourceValue value;
      bool outOfRange;
      Message message;
      if (!parseNumber(cell, &value, &outOfRange)) {
        appendCellPosition(message, name, values.line(), column, headerCells);
        char shown[48];
        cellText(cell, shown, sizeof(shown));
        if (cell.length == 0)
          message.append("empty cell (a number is needed)");
        else
          message.append(outOfRange ? "'%s' is out of range for a number"
                                    : "'%s' is not a number",
                         shown);
        return setError(DL_ERROR_FORMAT, "%s", message.str());
      }
      ConvertError error = convertValue(value, dtype, next);
      if (error != ConvertError::None) {
        appendCellPosition(message, name, values.line(), column, headerCells);
        appendConvertError(message, error, value, dtype);
        return setError(DL_ERROR_DTYPE, "%s", message.str());
      }
      next += elementSize;
    }
  }
  dl_tensor_init(out, data.release(), dtype, rank, shape);
  return DL_OK;
}

} // namespace dlrt
