//===- dl-opt.cpp - mlir-opt with the dl dialect and passes ---------------===//

#include "dl/Codegen/Passes.h"
#include "dl/Conversion/Passes.h"
#include "dl/Conversion/Pipelines.h"
#include "dl/Dialect/DLDialect.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  mlir::registerAllPasses();
  dl::registerDLPasses();
  dl::registerDLCodegenPasses();
  dl::registerPipelines();
  registry.insert<dl::DLDialect>();
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "dl optimizer driver\n", registry));
}
