//===- Errors.h - per-thread error messages ---------------------*- C++ -*-===//
//
// Every public function that fails leaves a message for the calling thread.
// Messages are formatted into a fixed thread-local buffer so that reporting
// an error never allocates (an out-of-memory error must be reportable too).
//
//===----------------------------------------------------------------------===//
#ifndef DLRT_ERRORS_H
#define DLRT_ERRORS_H

#include "dl/runtime.h"

#include <cstdarg>
#include <cstddef>

namespace dlrt {

/// Formats the calling thread's error message (printf style) and returns
/// `status`, so that failing paths read `return setError(DL_ERROR_IO, ...)`.
dl_status setError(dl_status status, const char *format, ...)
    __attribute__((format(printf, 2, 3)));

/// A fixed-capacity string builder for messages. Output past the capacity is
/// dropped (the text ends in "..."), never an error.
class Message {
public:
  Message() { text[0] = '\0'; }
  void append(const char *format, ...) __attribute__((format(printf, 2, 3)));
  void appendV(const char *format, va_list args);
  const char *str() const { return text; }

private:
  static constexpr size_t Capacity = 1024;
  char text[Capacity];
  size_t length = 0;
};

} // namespace dlrt

#endif // DLRT_ERRORS_H
