//===- History.cpp - per-epoch records kept in a CSV file -----------------===//
//
// The whole file is rewritten atomically on every append: a history is a
// few hundred short lines, and a file that is always complete (a crash
// never leaves half a line, a resumed run that redoes epochs replaces
// them) is worth more than the microseconds.
//
//===----------------------------------------------------------------------===//

#include "AtomicFile.h"
#include "CsvReader.h"
#include "Errors.h"
#include "File.h"
#include "History.h"
#include "TextBuffer.h"

#include <cmath>
#include <cstring>
#include <new>
#include <sys/stat.h>

using namespace dlrt;

namespace {

/// The header row for a history's metrics.
void appendHeader(TextBuffer &text, const dl_history &history) {
  text.append("epoch,train_loss");
  for (size_t m = 0; m < history.numMetrics; ++m) {
    text.append(",train_");
    text.append(history.metricName(m));
  }
  text.append(",val_loss");
  for (size_t m = 0; m < history.numMetrics; ++m) {
    text.append(",val_");
    text.append(history.metricName(m));
  }
  text.append(",learning_rate,seconds\n");
}

/// A value, or an empty cell for NaN (not measured).
void appendCell(TextBuffer &text, double value) {
  text.appendChar(',');
  if (!std::isnan(value))
    text.appendShortest(value);
}

void appendRecord(TextBuffer &text, const dl_epoch_record &record,
                  size_t numMetrics) {
  text.appendInt(record.epoch);
  appendCell(text, record.train_loss);
  for (size_t m = 0; m < numMetrics; ++m)
    appendCell(text, record.train_metrics[m]);
  appendCell(text, record.val_loss);
  for (size_t m = 0; m < numMetrics; ++m)
    appendCell(text, record.val_metrics[m]);
  appendCell(text, record.learning_rate);
  appendCell(text, record.seconds);
  text.appendChar('\n');
}

/// Points every record's metric arrays into `metricValues`.
void refreshPointers(dl_history &history) {
  for (size_t i = 0; i < history.records.size(); ++i) {
    double *values = history.metricValues.data() + 2 * history.numMetrics * i;
    bool any = history.numMetrics > 0;
    history.records[i].train_metrics = any ? values : nullptr;
    history.records[i].val_metrics =
        any ? values + history.numMetrics : nullptr;
  }
}

/// Adds a record (copying its metrics) to the history in memory.
bool addRecord(dl_history &history, const dl_epoch_record &record) {
  size_t m = history.numMetrics;
  if (!history.metricValues.reserve(history.metricValues.size() + 2 * m) ||
      !history.records.push(record))
    return false;
  for (size_t i = 0; i < m; ++i)
    history.metricValues.push(record.train_metrics ? record.train_metrics[i]
                                                   : NAN);
  for (size_t i = 0; i < m; ++i)
    history.metricValues.push(record.val_metrics ? record.val_metrics[i]
                                                 : NAN);
  refreshPointers(history);
  return true;
}

dl_status checkMetricNames(size_t count, const char *const *names) {
  if (count && !names)
    return setError(DL_ERROR_INVALID_ARGUMENT,
                    "dl_history_open: null metric names");
  for (size_t i = 0; i < count; ++i) {
    const char *name = names[i];
    if (!name || !*name || strpbrk(name, ",\"\r\n") ||
        strcmp(name, "loss") == 0)
      return setError(DL_ERROR_INVALID_ARGUMENT,
                      "dl_history_open: invalid metric name '%s' (non-empty, "
                      "not 'loss', without commas, quotes or line breaks)",
                      name ? name : "(null)");
    for (size_t j = 0; j < i; ++j)
      if (strcmp(names[j], name) == 0)
        return setError(DL_ERROR_INVALID_ARGUMENT,
                        "dl_history_open: two metrics named '%s'", name);
  }
  return DL_OK;
}

MallocPtr<char> copyString(const char *text) {
  size_t length = strlen(text);
  MallocPtr<char> copy = mallocArray<char>(length + 1);
  if (copy)
    memcpy(copy.get(), text, length + 1);
  return copy;
}

/// A cell of a history file: a number, or empty for NaN.
bool parseCell(const CsvCell &cell, double *value) {
  if (cell.length == 0) {
    *value = NAN;
    return true;
  }
  SourceValue number;
  bool outOfRange;
  if (!parseNumber(cell, &number, &outOfRange))
    return false;
  *value = number.isInteger ? double(number.integer) : number.real;
  return true;
}

/// Reads the records of an existing history file.
dl_status loadHistory(dl_history &history, const char *path) {
  ByteBuffer bytes;
  if (dl_status status = readWholeFile(path, &bytes))
    return status;
  TextBuffer expected;
  appendHeader(expected, history);
  if (expected.failed())
    return setError(DL_ERROR_OUT_OF_MEMORY, "%s: out of memory", path);
  CsvReader reader(reinterpret_cast<const char *>(bytes.data.get()),
                   bytes.size, path);
  GrowableArray<CsvCell> cells;
  bool got;
  if (dl_status status = reader.next(cells, &got))
    return status;
  if (!got)
    return DL_OK; // an empty file: a new history
  // The header, compared as the text this history would write.
  TextBuffer header;
  for (size_t i = 0; i < cells.size(); ++i) {
    if (i)
      header.appendChar(',');
    header.append(cells[i].text, cells[i].length);
  }
  header.appendChar('\n');
  if (header.size() != expected.size() ||
      memcmp(header.data(), expected.data(), header.size()) != 0)
    return setError(DL_ERROR_FORMAT,
                    "%s: the columns of the file are not the history's "
                    "(expected %.*s)",
                    path, int(expected.size() - 1), expected.data());
  size_t numColumns = cells.size(), m = history.numMetrics;
  MallocPtr<double> values = mallocArray<double>(numColumns);
  if (!values)
    return setError(DL_ERROR_OUT_OF_MEMORY, "%s: out of memory", path);
  while (true) {
    if (dl_status status = reader.next(cells, &got))
      return status;
    if (!got)
      return DL_OK;
    if (cells.size() != numColumns)
      return setError(DL_ERROR_FORMAT, "%s: line %zu has %zu columns, not %zu",
                      path, reader.line(), cells.size(), numColumns);
    for (size_t i = 0; i < numColumns; ++i)
      if (!parseCell(cells[i], &values.get()[i]) ||
          (i == 0 && (std::isnan(values.get()[0]) ||
                      values.get()[0] != std::trunc(values.get()[0]))))
        return setError(DL_ERROR_FORMAT,
                        "%s: line %zu, column %zu: '%.*s' is not %s", path,
                        reader.line(), i + 1,
                        int(cells[i].length > 40 ? 40 : cells[i].length),
                        cells[i].text, i == 0 ? "an epoch" : "a number");
    const double *v = values.get();
    dl_epoch_record record;
    record.epoch = int64_t(v[0]);
    record.train_loss = v[1];
    record.train_metrics = v + 2;
    record.val_loss = v[2 + m];
    record.val_metrics = v + 3 + m;
    record.learning_rate = v[3 + 2 * m];
    record.seconds = v[4 + 2 * m];
    if (!addRecord(history, record))
      return setError(DL_ERROR_OUT_OF_MEMORY, "%s: out of memory", path);
  }
}

} // namespace

extern "C" {

dl_status dl_history_open(const char *csv_path, size_t num_metrics,
                          const char *const *metric_names, dl_history **out) {
  if (!out)
    return setError(DL_ERROR_INVALID_ARGUMENT, "dl_history_open: null result");
  *out = nullptr;
  if (dl_status status = checkMetricNames(num_metrics, metric_names))
    return status;
  dl_history *history = new (std::nothrow) dl_history();
  bool ok = history != nullptr;
  if (ok && csv_path) {
    history->csvPath = copyString(csv_path);
    ok = history->csvPath != nullptr;
  }
  size_t namesSize = 0;
  for (size_t i = 0; i < num_metrics; ++i)
    namesSize += strlen(metric_names[i]) + 1;
  if (ok) {
    history->metricNames = mallocArray<char>(namesSize);
    history->metricNameOffsets = mallocArray<size_t>(num_metrics);
    ok = history->metricNames && history->metricNameOffsets;
  }
  for (size_t i = 0, offset = 0; ok && i < num_metrics; ++i) {
    size_t length = strlen(metric_names[i]) + 1;
    memcpy(history->metricNames.get() + offset, metric_names[i], length);
    history->metricNameOffsets.get()[i] = offset;
    offset += length;
  }
  if (ok)
    history->numMetrics = num_metrics;
  if (!ok) {
    dl_history_close(history);
    return setError(DL_ERROR_OUT_OF_MEMORY, "dl_history_open: out of memory");
  }
  struct stat info;
  if (csv_path && stat(csv_path, &info) == 0)
    if (dl_status status = loadHistory(*history, csv_path)) {
      dl_history_close(history);
      return status;
    }
  *out = history;
  return DL_OK;
}

void dl_history_close(dl_history *history) {
  delete history;
}

dl_status dl_history_append(dl_history *history,
                            const dl_epoch_record *record) {
  if (!history || !record)
    return setError(DL_ERROR_INVALID_ARGUMENT, "dl_history_append: null %s",
                    history ? "record" : "history");
  // Records from this epoch on are replaced (a resumed run redoing them).
  size_t keep = history->records.size();
  while (keep > 0 && history->records[keep - 1].epoch >= record->epoch)
    --keep;
  size_t m = history->numMetrics;
  // Write the file first: if that fails, the history stays as it was.
  if (history->csvPath) {
    TextBuffer text;
    appendHeader(text, *history);
    for (size_t i = 0; i < keep; ++i)
      appendRecord(text, history->records[i], m);
    dl_epoch_record copy = *record;
    MallocPtr<double> nans = mallocArray<double>(m);
    if (!nans)
      return setError(DL_ERROR_OUT_OF_MEMORY,
                      "dl_history_append: out of memory");
    for (size_t i = 0; i < m; ++i)
      nans.get()[i] = NAN;
    if (!copy.train_metrics)
      copy.train_metrics = nans.get();
    if (!copy.val_metrics)
      copy.val_metrics = nans.get();
    appendRecord(text, copy, m);
    if (text.failed())
      return setError(DL_ERROR_OUT_OF_MEMORY,
                      "dl_history_append: out of memory");
    if (dl_status status = writeFileAtomically(history->csvPath.get(),
                                               text.data(), text.size()))
      return status;
  }
  history->records.truncate(keep);
  history->metricValues.truncate(2 * m * keep);
  if (!addRecord(*history, *record))
    return setError(DL_ERROR_OUT_OF_MEMORY, "dl_history_append: out of memory");
  return DL_OK;
}

size_t dl_history_count(const dl_history *history) {
  return history ? history->records.size() : 0;
}

const dl_epoch_record *dl_history_get(const dl_history *history, size_t i) {
  return history && i < history->records.size() ? &history->records[i]
                                                : nullptr;
}

} // extern "C"
