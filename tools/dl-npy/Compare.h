//===- Compare.h - numeric comparison of arrays -----------------*- C++ -*-===//
#ifndef DL_NPY_COMPARE_H
#define DL_NPY_COMPARE_H

#include "dl/runtime.h"

#include <string>

namespace dl::npy {

/// numpy.allclose's tolerances and defaults.
struct Tolerance {
  double rtol = 1e-5;
  double atol = 1e-8;
};

/// Compares `actual` with the reference `expected` as numpy.allclose does
/// (|a - b| <= atol + rtol * |b| elementwise), except that NaN equals NaN.
/// Infinities must be equal. Dtypes and shapes must be equal. Returns
/// whether they match and a one-line report (without the array's name):
/// "ok: f32[2, 3], worst at [1, 0]: 0.5 vs 0.50000006 (abs 6e-08, rel
/// 1.2e-07)".
bool compareArrays(const dl_tensor &actual, const dl_tensor &expected,
                   const Tolerance &tolerance, std::string &report);

} // namespace dl::npy

#endif // DL_NPY_COMPARE_H
