//===- FloatFormat.cpp - NumPy's decimal forms of floats ------------------===//

#include "FloatFormat.h"

#include <charconv>
#include <cmath>
#include <cstdlib>

#include <fmt/format.h>

namespace dl::detail {

namespace {

/// A decimal value: d1.d2d3... x 10^exponent.
struct Decimal {
  bool negative = false;
  std::string digits;
  int exponent = 0;
};

/// Parses std::to_chars' scientific form ("-1.25e-05").
Decimal parseScientific(const char *begin, const char *end) {
  Decimal decimal;
  const char *p = begin;
  if (*p == '-') {
    decimal.negative = true;
    ++p;
  }
  for (; p < end && *p != 'e'; ++p)
    if (*p != '.')
      decimal.digits += *p;
  decimal.exponent = std::atoi(std::string(p + 1, end).c_str());
  return decimal;
}

/// The value in scientific form with the shortest digits that round-trip,
/// or correctly rounded to `precision` digits after the first.
Decimal toDecimal(double value, bool isFloat32, int precision) {
  char buffer[64];
  std::to_chars_result result =
      precision < 0
          ? (isFloat32
                 ? std::to_chars(buffer, buffer + sizeof(buffer), float(value),
                                 std::chars_format::scientific)
                 : std::to_chars(buffer, buffer + sizeof(buffer), value,
                                 std::chars_format::scientific))
          : std::to_chars(buffer, buffer + sizeof(buffer), value,
                          std::chars_format::scientific, precision);
  return parseScientific(buffer, result.ptr);
}

void stripTrailingZeros(std::string &digits, size_t keep) {
  while (digits.size() > keep && digits.back() == '0')
    digits.pop_back();
}

} // namespace

/// The exact value with `precision` fractional digits ("-12.50"), split.
FloatParts roundedPositional(double value, int precision) {
  char buffer[400];
  std::to_chars_result result =
      std::to_chars(buffer, buffer + sizeof(buffer), value,
                    std::chars_format::fixed, precision);
  std::string text(buffer, result.ptr);
  size_t point = text.find('.');
  FloatParts parts;
  parts.integer = text.substr(0, point);
  if (point != std::string::npos)
    parts.fraction = text.substr(point + 1);
  return parts;
}

FloatParts positional(double value, bool isFloat32, int precision,
                      int minDigits) {
  Decimal shortest = toDecimal(value, isFloat32, -1);
  // The power of ten of the last digit, and the fractional digits.
  int lastDigit = shortest.exponent - (int(shortest.digits.size()) - 1);
  if (precision >= 0 && -lastDigit > precision) {
    // Too many digits: the exact value rounded (float32 widens exactly).
    FloatParts parts = roundedPositional(value, precision);
    stripTrailingZeros(parts.fraction, 0);
    return parts;
  }
  if (minDigits >= 0 && lastDigit > -minDigits) {
    FloatParts parts = roundedPositional(value, minDigits);
    stripTrailingZeros(parts.fraction, size_t(minDigits));
    return parts;
  }
  FloatParts parts;
  const std::string &digits = shortest.digits;
  int exponent = shortest.exponent;
  if (exponent >= 0) {
    size_t integerDigits = size_t(exponent) + 1;
    parts.integer = digits.substr(0, integerDigits);
    if (digits.size() < integerDigits)
      parts.integer.append(integerDigits - digits.size(), '0');
    else
      parts.fraction = digits.substr(integerDigits);
  } else {
    parts.integer = "0";
    parts.fraction = std::string(size_t(-exponent - 1), '0') + digits;
  }
  stripTrailingZeros(parts.fraction, 0);
  if (shortest.negative)
    parts.integer.insert(0, "-");
  return parts;
}

FloatParts scientific(double value, bool isFloat32, int precision,
                      int minDigits) {
  Decimal decimal = toDecimal(value, isFloat32, -1);
  int fractionDigits = int(decimal.digits.size()) - 1;
  if (precision >= 0 && fractionDigits > precision) {
    decimal = toDecimal(value, isFloat32, precision);
    stripTrailingZeros(decimal.digits, 1);
  } else if (minDigits > fractionDigits) {
    decimal = toDecimal(value, isFloat32, minDigits);
  }
  FloatParts parts;
  parts.integer = (decimal.negative ? "-" : "") + decimal.digits.substr(0, 1);
  parts.fraction = decimal.digits.substr(1);
  parts.exponent = decimal.exponent;
  return parts;
}

std::string formatExponent(int exponent, int digits) {
  return fmt::format("{}{:0{}d}", exponent < 0 ? '-' : '+', std::abs(exponent),
                     digits);
}

std::string scalarString(double value, bool isFloat32) {
  if (std::isnan(value))
    return "nan";
  if (std::isinf(value))
    return value < 0 ? "-inf" : "inf";
  // numpy/core/src/multiarray/scalartypes.c.src: positional from 1e-4 up to
  // 1e16 (compared in long double), and for zero.
  long double magnitude = std::fabs(static_cast<long double>(value));
  if (value == 0 || (magnitude < 1.e16L && magnitude >= 1.e-4L)) {
    FloatParts parts = positional(value, isFloat32, -1);
    return parts.integer + "." +
           (parts.fraction.empty() ? "0" : parts.fraction);
  }
  FloatParts parts = scientific(value, isFloat32, -1);
  return parts.integer + (parts.fraction.empty() ? "" : "." + parts.fraction) +
         "e" + formatExponent(parts.exponent, 2);
}

} // namespace dl::detail
