//===- Driver.h - dlc's commands --------------------------------*- C++ -*-===//
#ifndef DL_TOOLS_DLC_DRIVER_H
#define DL_TOOLS_DLC_DRIVER_H

#include <cstdint>
#include <string>
#include <vector>

namespace dl {

constexpr const char *kVersion = "0.1.0";

enum class EmitKind { None, AST, DL, Linalg, LLVMDialect, LLVMIR, Asm };

struct DriverOptions {
  std::string inputFile;
  std::vector<std::string> entries;
  std::vector<std::string> includeDirs;
  std::string outputFile = "-";
  bool color = false;
  std::string executablePath;
  EmitKind emit = EmitKind::None;
  // run
  std::vector<std::string> inputs;
  std::string inputsArchive;
  std::vector<std::string> outputs;
  std::string outputsArchive;
  std::string paramsFile;
  bool quiet = false;
  // check-grad
  double tolerance = 1e-5;
  double eps = 1e-6;
  uint64_t seed = 0;
};

int emitCommand(const DriverOptions &options);
int runCommand(const DriverOptions &options);
int listEntriesCommand(const DriverOptions &options);
int checkGradCommand(const DriverOptions &options);
int listBuiltinsCommand(const DriverOptions &options);

} // namespace dl

#endif // DL_TOOLS_DLC_DRIVER_H
