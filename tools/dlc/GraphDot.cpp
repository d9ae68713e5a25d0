//===- GraphDot.cpp - dlc --emit=dot: the layers as a Graphviz graph ------===//
//
// One digraph per entry point. Layers that call no other layer are nodes;
// a layer that does is a cluster around them. The entry's tensor inputs
// and outputs are ellipses. An edge runs from the layer (or input) that
// computes a tensor to each layer (or output) that receives it, looking
// through the ops between layers (an activation applied by the enclosing
// model, a reshape), and is labelled with the receiver's type of it.
//
//===----------------------------------------------------------------------===//

#include "LayerReport.h"

#include "dl/Dialect/Attributes.h"

#include "llvm/ADT/DenseSet.h"
#include "llvm/Support/raw_ostream.h"

#include <set>
#include <tuple>

using namespace dl;

namespace {

/// A DOT string; `\n` in `text` stays a line break.
std::string quoted(llvm::StringRef text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"')
      out += '\\';
    out += c;
  }
  return out + "\"";
}

class GraphWriter {
public:
  GraphWriter(const LayerTrace &trace, llvm::raw_ostream &os)
      : trace(trace), os(os), owners(callsOfOps(trace)) {
    for (size_t i = 0; i < trace.calls.size(); ++i)
      leaf.push_back(isLeafCall(trace, i));
  }

  void write(llvm::StringRef entry) {
    mlir::func::FuncOp function = trace.function;
    os << "digraph " << quoted(entry) << " {\n"
       << "  rankdir=TB;\n"
       << "  graph [fontname=\"Helvetica\", fontsize=11];\n"
       << "  node [shape=box, style=rounded, fontname=\"Helvetica\"];\n"
       << "  edge [fontname=\"Helvetica\", fontsize=10];\n";
    const LayerCall &root = trace.calls.front();
    for (size_t i = 0; i < root.inputs.size(); ++i) {
      auto name = function.getArgAttrOfType<mlir::StringAttr>(i, attrs::kName);
      os << "  " << quoted("in" + std::to_string(i)) << " [shape=ellipse, "
         << "label=" << quoted((name ? name.getValue().str() : "input") +
                               "\\n" + root.inputTypes[i].str())
         << "];\n";
    }
    writeCall(0, 1);
    for (size_t i = 0; i < root.outputTypes.size(); ++i)
      os << "  " << quoted("out" + std::to_string(i)) << " [shape=ellipse, "
         << "label=" << quoted((root.outputTypes.size() == 1
                                    ? std::string("result")
                                    : "result " + std::to_string(i)) +
                               "\\n" + root.outputTypes[i].str())
         << "];\n";

    std::set<std::tuple<std::string, std::string, std::string>> edges;
    for (size_t i = 0; i < trace.calls.size(); ++i) {
      if (!leaf[i])
        continue;
      const LayerCall &call = trace.calls[i];
      for (size_t k = 0; k < call.inputs.size(); ++k)
        for (const std::string &source : sourcesOf(call.inputs[k]))
          edges.insert({source, node(i), call.inputTypes[k].str()});
    }
    for (size_t k = 0; k < root.outputs.size(); ++k)
      for (const std::string &source : sourcesOf(root.outputs[k]))
        edges.insert({source, "out" + std::to_string(k),
                      root.outputTypes[k].str()});
    for (const auto &[from, to, label] : edges)
      os << "  " << quoted(from) << " -> " << quoted(to)
         << " [label=" << quoted(label) << "];\n";
    os << "}\n";
  }

private:
  std::string node(size_t call) const { return "layer" + std::to_string(call); }

  std::string title(const LayerCall &call) const {
    std::string text = call.name;
    if (!call.model.empty())
      text += "\\n" + call.model +
              (call.method == "forward" ? "" : "." + call.method);
    int64_t params = call.params + call.state;
    if (call.repeated)
      text += "\\n(shared)";
    else if (params)
      text += "\\n" + withSeparators(params) + " params";
    return text;
  }

  void writeCall(size_t i, unsigned indent) {
    std::string pad(2 * indent, ' ');
    if (leaf[i]) {
      os << pad << quoted(node(i))
         << " [label=" << quoted(title(trace.calls[i])) << "];\n";
      return;
    }
    os << pad << "subgraph " << quoted("cluster_" + std::to_string(i))
       << " {\n"
       << pad << "  label=" << quoted(title(trace.calls[i])) << ";\n"
       << pad << "  style=rounded; color=gray50;\n";
    for (size_t j = i + 1; j < trace.calls.size(); ++j)
      if (trace.calls[j].parent == (int)i)
        writeCall(j, indent + 1);
    os << pad << "}\n";
  }

  /// The nodes a value comes from: the leaf layer whose ops compute it, an
  /// input, or those of the operands of the ops in between.
  std::vector<std::string> sourcesOf(mlir::Value value) const {
    std::vector<std::string> sources;
    llvm::DenseSet<mlir::Value> visited;
    std::vector<mlir::Value> work{value};
    while (!work.empty()) {
      mlir::Value v = work.back();
      work.pop_back();
      if (!v || !visited.insert(v).second)
        continue;
      if (auto arg = llvm::dyn_cast<mlir::BlockArgument>(v)) {
        const auto &inputs = trace.calls.front().inputs;
        auto it = llvm::find(inputs, v);
        if (it != inputs.end())
          sources.push_back("in" + std::to_string(it - inputs.begin()));
        continue; // parameters, state and the seed are not drawn
      }
      mlir::Operation *op = v.getDefiningOp();
      auto owner = owners.find(op);
      if (owner != owners.end() && leaf[owner->second]) {
        sources.push_back(node(owner->second));
        continue;
      }
      for (mlir::Value operand : op->getOperands())
        work.push_back(operand);
    }
    return sources;
  }

  const LayerTrace &trace;
  llvm::raw_ostream &os;
  llvm::DenseMap<mlir::Operation *, int> owners;
  std::vector<bool> leaf;
};

} // namespace

bool dl::writeLayerGraphs(Session &session, llvm::raw_ostream &os) {
  std::vector<std::string> entries = reportedEntries(session);
  if (entries.empty())
    return false;
  for (const std::string &entry : entries) {
    std::optional<LayerTrace> trace = session.frontend.traceLayers(entry);
    if (!trace)
      return false;
    GraphWriter(*trace, os).write(entry);
  }
  return true;
}
