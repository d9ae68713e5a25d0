//===- CallContext.h - the call of generated code in progress ---*- C++ -*-===//
//
// While dl_invoke runs generated code, the calling thread has a current call:
// the allocations the code makes are put on the call's list, and a failure
// (dlrt_fail, exhausted memory) jumps back to dl_invoke through the call's
// jump buffer. Calls nest (generated code may reach host code that invokes
// another entry point), so each call remembers the one it interrupted.
//
//===----------------------------------------------------------------------===//
#ifndef DLRT_CALLCONTEXT_H
#define DLRT_CALLCONTEXT_H

#include "Allocator.h"
#include "dl/runtime.h"

#include <csetjmp>

namespace dlrt {

struct CallState {
  /// Where a failure resumes. sigsetjmp(env, 0): the signal mask is left
  /// alone, which avoids a system call per invocation.
  sigjmp_buf env;
  /// Live allocations made by the generated code of this call.
  BlockList blocks;
  /// Why the call failed, set before jumping to `env`.
  dl_status failure = DL_OK;
  /// The entry point's name, for messages.
  const char *entryName = nullptr;
  /// The call this one interrupted on the same thread, or null.
  CallState *previous = nullptr;
};

/// The innermost call on this thread, or null outside dl_invoke.
CallState *currentCall();
/// Makes `call` the current call of this thread (remembering the previous).
void enterCall(CallState *call);
/// Restores the call that `call` interrupted.
void leaveCall(CallState *call);

/// Fails the current call with `status` and the message already recorded by
/// setError: frees nothing itself, jumps back to dl_invoke. The caller has
/// checked that a call is active.
[[noreturn]] void abandonCurrentCall(dl_status status);

} // namespace dlrt

#endif // DLRT_CALLCONTEXT_H
