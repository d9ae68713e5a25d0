//===- LayerReport.h - traces for dlc summary and --emit=dot ----*- C++ -*-===//
#ifndef DL_TOOLS_DLC_LAYERREPORT_H
#define DL_TOOLS_DLC_LAYERREPORT_H

#include "Session.h"

#include "dl/Frontend/LayerTrace.h"

#include "llvm/ADT/DenseMap.h"

#include <optional>

namespace dl {

/// The entry points a summary or a graph shows: those of --entry, else
/// `main` and every `forward` method (an instance's rather than its
/// model's when the file has both), else all. Empty after an error.
std::vector<std::string> reportedEntries(Session &session);

/// dlc --emit=dot: one Graphviz digraph per reported entry point. False
/// after reporting an error.
bool writeLayerGraphs(Session &session, llvm::raw_ostream &os);

/// Hierarchy helpers over a trace.
/// Whether call `i` has no calls inside it.
bool isLeafCall(const LayerTrace &trace, size_t i);
/// The call that emitted each op (its index in trace.calls).
llvm::DenseMap<mlir::Operation *, int> callsOfOps(const LayerTrace &trace);

/// "f32[B, 10]", and "a, b" for several; "-" for none.
std::string formatTypes(llvm::ArrayRef<TensorType> types);
/// 1234567 -> "1,234,567".
std::string withSeparators(int64_t n);

} // namespace dl

#endif // DL_TOOLS_DLC_LAYERREPORT_H
