//===- CallContext.cpp - the current call and dlrt_fail -------------------===//

#include "CallContext.h"
#include "Errors.h"

#include <cstdio>
#include <cstdlib>

namespace dlrt {

namespace {
thread_local CallState *current = nullptr;
} // namespace

CallState *currentCall() { return current; }

void enterCall(CallState *call) {
  call->previous = current;
  current = call;
}

void leaveCall(CallState *call) { current = call->previous; }

void abandonCurrentCall(dl_status status) {
  current->failure = status;
  siglongjmp(current->env, 1);
}

} // namespace dlrt

using namespace dlrt;

extern "C" void dlrt_fail(const char *message) {
  if (!message)
    message = "generated code failed without a message";
  setError(DL_ERROR_RUNTIME, "%s", message);
  if (currentCall())
    abandonCurrentCall(DL_ERROR_RUNTIME);
  // Generated code is only ever entered through dl_invoke, so this point is
  // reached only when a program calls compiled code (or dlrt_fail) directly.
  // dlrt_fail cannot return to code that expects it not to, and there is no
  // call to unwind to: the one place where the runtime ends the process.
  fprintf(stderr, "dlrt: fatal: dlrt_fail outside dl_invoke: %s\n", message);
  abort();
}
