//===- LayerReport.cpp - traces for dlc summary and --emit=dot ------------===//

#include "LayerReport.h"

#include "llvm/ADT/StringExtras.h"

using namespace dl;

std::vector<std::string> dl::reportedEntries(Session &session) {
  std::vector<EntryPoint> entries = session.frontend.entryPoints();
  if (session.diags.hadError())
    return {};
  if (!session.options.entries.empty())
    return session.options.entries;
  std::vector<const EntryPoint *> chosen;
  std::vector<std::string> valid;
  for (const EntryPoint &e : entries)
    if (e.whyNot.empty()) {
      valid.push_back(e.name);
      if (e.name == "main" || llvm::StringRef(e.name).ends_with(".forward"))
        chosen.push_back(&e);
    }
  if (valid.empty()) {
    fail(session.options.inputFile +
         " has no entry point (a function whose parameters all have tensor "
         "types)");
    return {};
  }
  if (chosen.empty())
    return valid;
  // `net.forward` shows `Classifier.forward` with its instance's names:
  // drop the model's method when an instance of it has one.
  std::vector<std::string> kept;
  for (const EntryPoint *e : chosen) {
    bool shownByInstance =
        !e->ofInstance && !e->model.empty() &&
        llvm::any_of(chosen, [&](const EntryPoint *other) {
          return other->ofInstance && other->model == e->model;
        });
    if (!shownByInstance)
      kept.push_back(e->name);
  }
  return kept;
}

bool dl::isLeafCall(const LayerTrace &trace, size_t i) {
  for (size_t j = i + 1; j < trace.calls.size(); ++j)
    if (trace.calls[j].parent == (int)i)
      return false;
  return true;
}

llvm::DenseMap<mlir::Operation *, int> dl::callsOfOps(const LayerTrace &trace) {
  llvm::DenseMap<mlir::Operation *, int> calls;
  for (size_t i = 0; i < trace.calls.size(); ++i)
    for (mlir::Operation *op : trace.calls[i].ops)
      calls[op] = i;
  return calls;
}

std::string dl::formatTypes(llvm::ArrayRef<TensorType> types) {
  if (types.empty())
    return "-";
  std::string text;
  for (const TensorType &type : types)
    text += (text.empty() ? "" : ", ") + type.str();
  return text;
}

std::string dl::withSeparators(int64_t n) {
  std::string digits = std::to_string(n < 0 ? -n : n), text;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i && (digits.size() - i) % 3 == 0)
      text += ',';
    text += digits[i];
  }
  return n < 0 ? "-" + text : text;
}
