//===- FloatFormat.h - NumPy's decimal forms of floats ----------*- C++ -*-===//
//
// NumPy prints floats with Dragon4 (numpy/core/src/multiarray/dragon4.c):
// the shortest digits that read back as the same value in the value's own
// precision (float32 or float64), or, when those need more digits than the
// precision allows, the exact value correctly rounded (ties to even). Both
// are what std::to_chars computes; these functions shape its output like
// numpy.format_float_positional and numpy.format_float_scientific.
//
//===----------------------------------------------------------------------===//
#ifndef DL_SUPPORT_FLOATFORMAT_H
#define DL_SUPPORT_FLOATFORMAT_H

#include <string>

namespace dl::detail {

/// A finite value in pieces: "-12" and "375" for -12.375 (positional), or
/// "-1", "2375" and exponent 1 (scientific).
struct FloatParts {
  std::string integer; // with the sign
  std::string fraction;
  int exponent = 0;
};

/// format_float_positional(x, precision, unique=True, fractional=True,
/// trim='.', min_digits): at most `precision` fractional digits (no limit if
/// negative), no trailing zeros. With `minDigits` >= 0, digits down to that
/// fractional position are printed even past the shortest unique ones, as
/// the exact value rounded there (so a float32 58666088 prints as such,
/// not as its shortest form 58666090).
FloatParts positional(double value, bool isFloat32, int precision,
                      int minDigits = -1);

/// format_float_scientific(x, precision, unique=True, trim='.',
/// min_digits): at most `precision` digits after the first (no limit if
/// negative); with `minDigits` >= 0 at least that many, exact as above.
FloatParts scientific(double value, bool isFloat32, int precision,
                      int minDigits = -1);

/// An exponent as NumPy writes it: a sign and at least `digits` digits.
std::string formatExponent(int exponent, int digits);

/// str() of a NumPy float scalar: "1.5", "1.0", "1e-05", "1.5e+16", "nan".
std::string scalarString(double value, bool isFloat32);

} // namespace dl::detail

#endif // DL_SUPPORT_FLOATFORMAT_H
