//===- Summary.cpp - dlc summary: layers, shapes, parameters, FLOPs -------===//
//
// Each entry point is traced twice: with its symbolic extents, for the
// shapes shown (f32[B, 512]), and with a size for each symbol (--batch for
// the batch, --dim for others), for the counts. FLOPs come from
// FlopCountOpInterface (a multiply-add counts 2), memory from the static
// types of the traced function.
//
//===----------------------------------------------------------------------===//

#include "LayerReport.h"

#include "dl/Dialect/Attributes.h"
#include "dl/Dialect/DLOps.h"

#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

#include <set>

using namespace dl;

namespace {

/// Operations and whether some were unknown (a dynamic shape).
struct Flops {
  int64_t count = 0;
  bool partial = false;
  void add(const Flops &o) {
    count += o.count;
    partial |= o.partial;
  }
};

std::string formatBytes(int64_t bytes) {
  const char *units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double value = bytes;
  int unit = 0;
  while (value >= 1024 && unit < 4) {
    value /= 1024;
    ++unit;
  }
  if (unit == 0)
    return std::to_string(bytes) + " B";
  std::string text;
  llvm::raw_string_ostream(text)
      << llvm::format(value < 10 ? "%.2f" : value < 100 ? "%.1f" : "%.0f",
                      value)
      << ' ' << units[unit];
  return text;
}

/// Memory of the traced function's tensors at the sizes it was traced with.
struct Memory {
  int64_t inputs = 0, outputs = 0;
  /// Intermediate results: the most alive at once when the ops run one
  /// after the other in program order (no fusion), and all of them.
  int64_t peak = 0, total = 0;
  bool partial = false;
};

Memory measureMemory(const LayerTrace &trace) {
  Memory memory;
  mlir::func::FuncOp function = trace.function;
  for (unsigned i = 0; i < function.getNumArguments(); ++i) {
    auto role = function.getArgAttrOfType<mlir::StringAttr>(i, attrs::kRole);
    if (!role || role.getValue() != "input")
      continue;
    std::optional<int64_t> bytes =
        staticByteSize(function.getArgument(i).getType());
    memory.partial |= !bytes;
    memory.inputs += bytes.value_or(0);
  }
  for (mlir::Value output : trace.calls.front().outputs) {
    std::optional<int64_t> bytes =
        output ? staticByteSize(output.getType()) : std::nullopt;
    memory.partial |= !bytes;
    memory.outputs += bytes.value_or(0);
  }
  // Each value is freed after its last use in the body.
  mlir::Block &body = function.getBody().front();
  llvm::DenseMap<mlir::Value, mlir::Operation *> lastUse;
  for (mlir::Operation &op : body)
    for (mlir::Value operand : op.getOperands())
      lastUse[operand] = &op;
  llvm::DenseMap<mlir::Operation *, std::vector<mlir::Value>> dyingAt;
  for (auto [value, op] : lastUse)
    if (value.getDefiningOp())
      dyingAt[op].push_back(value);
  int64_t live = 0;
  for (mlir::Operation &op : body) {
    int64_t freedNow = 0;
    for (mlir::Value result : op.getResults()) {
      std::optional<int64_t> bytes = staticByteSize(result.getType());
      memory.partial |= !bytes && llvm::isa<mlir::ShapedType>(result.getType());
      live += bytes.value_or(0);
      memory.total += bytes.value_or(0);
      if (result.use_empty())
        freedNow += bytes.value_or(0);
    }
    memory.peak = std::max(memory.peak, live);
    for (mlir::Value value : dyingAt.lookup(&op))
      live -= staticByteSize(value.getType()).value_or(0);
    live -= freedNow;
  }
  return memory;
}

struct Row {
  std::string name, output, params, flops;
};

void printTable(llvm::raw_ostream &os, llvm::ArrayRef<Row> rows,
                llvm::StringRef flopsHeader) {
  std::vector<Row> all{{"Layer (model)", "Output shape", "Params",
                        flopsHeader.str()}};
  all.insert(all.end(), rows.begin(), rows.end());
  size_t widths[4] = {0, 0, 0, 0};
  for (const Row &row : all) {
    widths[0] = std::max(widths[0], row.name.size());
    widths[1] = std::max(widths[1], row.output.size());
    widths[2] = std::max(widths[2], row.params.size());
    widths[3] = std::max(widths[3], row.flops.size());
  }
  size_t total = widths[0] + widths[1] + widths[2] + widths[3] + 6;
  auto line = [&] { os << std::string(total, '-') << '\n'; };
  auto print = [&](const Row &row) {
    os << llvm::left_justify(row.name, widths[0]) << "  "
       << llvm::left_justify(row.output, widths[1]) << "  "
       << llvm::right_justify(row.params, widths[2]) << "  "
       << llvm::right_justify(row.flops, widths[3]) << '\n';
  };
  print(all.front());
  line();
  for (const Row &row : rows)
    print(row);
  line();
}

/// One entry point's summary; false after reporting an error. Adds the
/// symbols of its inputs to `usedSymbols`.
bool summarize(Session &session, llvm::StringRef entry, int64_t batch,
               const SymbolSizes &dims, std::set<std::string> &usedSymbols,
               llvm::raw_ostream &os) {
  std::optional<LayerTrace> shapes = session.frontend.traceLayers(entry);
  if (!shapes)
    return false;
  const LayerCall &root = shapes->calls.front();

  // Sizes for the symbols of the inputs: the batch is the first extent of
  // the first input when it is a symbol.
  SymbolSizes sizes = dims;
  std::string batchSymbol;
  if (!root.inputTypes.empty() && root.inputTypes[0].rank() > 0)
    batchSymbol = root.inputTypes[0].dims[0].asSymbol().value_or("");
  if (!batchSymbol.empty() && !sizes.count(batchSymbol))
    sizes[batchSymbol] = batch;
  std::set<std::string> symbols;
  for (size_t i = 0; i < root.inputTypes.size(); ++i) {
    auto name = shapes->function.getArgAttrOfType<mlir::StringAttr>(
        i, attrs::kName);
    const TensorType &type = root.inputTypes[i];
    for (int64_t d = 0; d < type.rank(); ++d)
      for (llvm::StringRef atom : type.dims[d].getAtoms())
        if (!Dim::isOpaqueAtom(atom) && symbols.insert(atom.str()).second &&
            !sizes.count(atom.str())) {
          fail("the summary of " + entry + " needs a size for the extent '" +
               atom + "' (dimension " + llvm::Twine(d) + " of input '" +
               (name ? name.getValue() : "?") + "'): give --dim " + atom +
               "=N");
          return false;
        }
  }
  usedSymbols.insert(symbols.begin(), symbols.end());
  std::optional<LayerTrace> sized = session.frontend.traceLayers(entry, sizes);
  if (!sized)
    return false;
  // Both traces make the same calls unless the program's structure depends
  // on the sizes; the counts are those of the sized one.
  bool sameCalls = shapes->calls.size() == sized->calls.size();
  for (size_t i = 0; sameCalls && i < sized->calls.size(); ++i)
    sameCalls = shapes->calls[i].name == sized->calls[i].name;
  const LayerTrace &shown = sameCalls ? *shapes : *sized;

  std::vector<Flops> flops(sized->calls.size());
  for (size_t i = 0; i < sized->calls.size(); ++i)
    for (mlir::Operation *op : sized->calls[i].ops)
      if (auto counted = llvm::dyn_cast<FlopCountOpInterface>(op)) {
        std::optional<int64_t> n = counted.getFlopCount();
        flops[i].add({n.value_or(0), !n});
      }
  for (size_t i = sized->calls.size(); i-- > 1;)
    flops[sized->calls[i].parent].add(flops[i]);
  int64_t perExample = batchSymbol.empty() ? 1 : sizes[batchSymbol];
  auto formatFlops = [&](const Flops &f) {
    int64_t n = f.count / perExample;
    std::string text = withSeparators(n);
    if (f.count % perExample)
      text = "~" + text;
    return f.partial ? ">= " + text : text;
  };

  std::vector<Row> rows;
  for (size_t i = 0; i < sized->calls.size(); ++i) {
    const LayerCall &call = sized->calls[i];
    Row row;
    row.name = std::string(2 * call.depth, ' ') + call.name + " (" +
               (call.model.empty() ? "function" : call.model) +
               (call.method == "forward" || call.model.empty()
                    ? ""
                    : "." + call.method) +
               ")";
    row.output = formatTypes(shown.calls[i].outputTypes);
    row.params = call.repeated ? std::string("shared")
                               : withSeparators(call.params + call.state);
    row.flops = formatFlops(flops[i]);
    rows.push_back(row);
  }

  const LayerCall &sizedRoot = sized->calls.front();
  os << entry << "  (" << session.options.inputFile << ")\n";
  printTable(os, rows,
             batchSymbol.empty() ? "FLOPs/call" : "FLOPs/example");
  os << "Parameters: " << withSeparators(sizedRoot.params) << " trainable ("
     << formatBytes(sizedRoot.paramBytes) << "), "
     << withSeparators(sizedRoot.state) << " state ("
     << formatBytes(sizedRoot.stateBytes) << ")\n";
  os << "FLOPs: " << formatFlops(flops[0])
     << (batchSymbol.empty() ? " per call" : " per example")
     << " (a multiply-add counts 2)\n";

  std::string sizeText;
  for (const auto &[symbol, size] : sizes)
    sizeText += (sizeText.empty() ? "" : ", ") + symbol + " = " +
                std::to_string(size);
  Memory memory = measureMemory(*sized);
  os << "Memory" << (sizeText.empty() ? "" : " at " + sizeText)
     << (memory.partial ? " (at least)" : "") << ":\n"
     << "  parameters and state  "
     << formatBytes(sizedRoot.paramBytes + sizedRoot.stateBytes) << "\n"
     << "  inputs                " << formatBytes(memory.inputs) << "\n"
     << "  outputs               " << formatBytes(memory.outputs) << "\n"
     << "  intermediates         " << formatBytes(memory.peak)
     << " at the peak, " << formatBytes(memory.total)
     << " in all (op by op, before fusion)\n";
  if (!sameCalls)
    os << "(the calls depend on the sizes: the shapes shown are at those "
          "sizes)\n";
  return true;
}

} // namespace

int dl::summaryCommand(const DriverOptions &options) {
  Session session(options);
  if (!session.load())
    return 1;
  int64_t batch = 1;
  if (!options.summaryBatch.empty() &&
      (llvm::StringRef(options.summaryBatch).trim().getAsInteger(10, batch) ||
       batch < 1))
    return fail("--batch must be a whole number at least 1, not '" +
                options.summaryBatch + "'");
  SymbolSizes dims;
  for (const std::string &spec : options.summaryDims) {
    auto [name, value] = llvm::StringRef(spec).split('=');
    int64_t size;
    if (name.empty() || value.trim().getAsInteger(10, size) || size < 1)
      return fail("--dim takes NAME=N with N at least 1, not '" + spec + "'");
    dims[name.str()] = size;
  }
  std::vector<std::string> entries = reportedEntries(session);
  if (entries.empty())
    return 1;
  std::string text;
  llvm::raw_string_ostream os(text);
  std::set<std::string> usedSymbols;
  for (size_t i = 0; i < entries.size(); ++i) {
    if (i)
      os << "\n";
    if (!summarize(session, entries[i], batch, dims,
                   usedSymbols, os))
      return 1;
  }
  for (const auto &[symbol, size] : dims)
    if (!usedSymbols.count(symbol))
      return fail("--dim " + symbol + ": no input has an extent named '" +
                  symbol + "'");
  llvm::outs() << text;
  return 0;
}
