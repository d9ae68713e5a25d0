//===- ColumnSelector.h - which CSV columns to load -------------*- C++ -*-===//
//
// A selector is a comma-separated list of items, each an index ("4",
// negative from the end: "-1"), a Python slice ("0:4", "::2", "1:-1"), or
// the name of a column in the header row. A selector of one index or one
// name loads a vector ([rows]); anything else a table ([rows, columns]).
// An index that parses as an integer is an index even when a column is
// named like it.
//
//===----------------------------------------------------------------------===//
#ifndef DLRT_COLUMNSELECTOR_H
#define DLRT_COLUMNSELECTOR_H

#include "CsvReader.h"
#include "GrowableArray.h"
#include "dl/runtime.h"

namespace dlrt {

struct ColumnSelection {
  /// The columns to load, in order (repeats allowed).
  GrowableArray<size_t> columns;
  /// One index or name: the result has rank 1.
  bool single = false;
};

/// Resolves `selector` (NULL or "" for every column) against a file of
/// `numColumns` columns whose header is `header` (NULL if it has none).
/// `name` names the file in messages.
dl_status selectColumns(const char *selector, size_t numColumns,
                        const CsvCell *header, const char *name,
                        ColumnSelection *out);

} // namespace dlrt

#endif // DLRT_COLUMNSELECTOR_H
