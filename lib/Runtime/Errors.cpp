//===- Errors.cpp - status names and per-thread error messages ------------===//

#include "Errors.h"

#include <cstdio>
#include <cstring>

namespace {
// Long enough for a path and a shape or two; longer messages are truncated.
constexpr size_t MaxMessage = 4096;
thread_local char lastError[MaxMessage];
} // namespace

namespace dlrt {

dl_status setError(dl_status status, const char *format, ...) {
  // Format into a local buffer first: the arguments may include the current
  // message (adding context to an error from a callee).
  char text[MaxMessage];
  va_list args;
  va_start(args, format);
  vsnprintf(text, MaxMessage, format, args);
  va_end(args);
  memcpy(lastError, text, MaxMessage);
  return status;
}

void Message::append(const char *format, ...) {
  va_list args;
  va_start(args, format);
  appendV(format, args);
  va_end(args);
}

void Message::appendV(const char *format, va_list args) {
  if (length + 1 >= Capacity)
    return;
  int written = vsnprintf(text + length, Capacity - length, format, args);
  if (written < 0)
    return;
  if (static_cast<size_t>(written) < Capacity - length) {
    length += static_cast<size_t>(written);
    return;
  }
  // Truncated: mark it so that a reader does not take it for the whole text.
  length = Capacity - 1;
  memcpy(text + Capacity - 4, "...", 4);
}

} // namespace dlrt

extern "C" {

const char *dl_last_error(void) { return lastError; }

const char *dl_status_name(dl_status status) {
  // Read as an int: a C caller may pass any value (see dtypeCode).
  int code;
  memcpy(&code, &status, sizeof(code));
  switch (code) {
  case DL_OK:
    return "ok";
  case DL_ERROR_INVALID_ARGUMENT:
    return "invalid argument";
  case DL_ERROR_DTYPE:
    return "dtype error";
  case DL_ERROR_SHAPE:
    return "shape error";
  case DL_ERROR_RUNTIME:
    return "runtime error";
  case DL_ERROR_OUT_OF_MEMORY:
    return "out of memory";
  case DL_ERROR_IO:
    return "I/O error";
  case DL_ERROR_FORMAT:
    return "format error";
  }
  return "unknown status";
}

} // extern "C"
