//===- History.h - the training history shared by its writers ---*- C++ -*-===//
#ifndef DLRT_HISTORY_H
#define DLRT_HISTORY_H

#include "GrowableArray.h"
#include "OwnedMemory.h"
#include "dl/training.h"

struct dl_history {
  /// Where the history is kept, or null (memory only).
  dlrt::MallocPtr<char> csvPath;
  size_t numMetrics = 0;
  /// The metric names, one after the other with their NULs.
  dlrt::MallocPtr<char> metricNames;
  dlrt::MallocPtr<size_t> metricNameOffsets;
  /// The records; their metric pointers point into `metricValues`
  /// (2 * numMetrics per record: train, then validation) and are refreshed
  /// whenever that array moves.
  dlrt::GrowableArray<dl_epoch_record> records;
  dlrt::GrowableArray<double> metricValues;

  const char *metricName(size_t i) const {
    return metricNames.get() + metricNameOffsets.get()[i];
  }
};

#endif // DLRT_HISTORY_H
