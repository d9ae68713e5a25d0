//===- DLDialect.h - the `dl` dialect ---------------------------*- C++ -*-===//
#ifndef DL_DIALECT_DLDIALECT_H
#define DL_DIALECT_DLDIALECT_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Dialect.h"

#include "DL/DLDialect.h.inc"

#endif // DL_DIALECT_DLDIALECT_H
