//===- TensorFormat.cpp - printing tensors as NumPy does ------------------===//
//
// A port of numpy/core/arrayprint.py (NumPy 1.24, default options, legacy
// printing off): the element formatters (FloatingFormat, IntegerFormat,
// BoolFormat) choose a common layout from the elements that will be shown,
// and _formatArray lays out nested brackets, wraps lines and summarizes.
//
//===----------------------------------------------------------------------===//

#include "dl/Support/TensorFormat.h"
#include "FloatFormat.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <memory>
#include <vector>

#include <fmt/format.h>

using namespace dl;
using namespace dl::detail;

namespace {

/// Reads elements of a tensor by index.
class Elements {
public:
  explicit Elements(const dl_tensor &tensor) : tensor(tensor) {}

  const char *at(const int64_t *index) const {
    int64_t offset = 0;
    for (int32_t i = 0; i < tensor.rank; ++i)
      offset += index[i] * tensor.strides[i];
    return static_cast<const char *>(tensor.data) +
           offset * int64_t(dl_dtype_size(tensor.dtype));
  }
  double asDouble(const char *element) const {
    if (tensor.dtype == DL_F32) {
      float value;
      memcpy(&value, element, sizeof(value));
      return value;
    }
    double value;
    memcpy(&value, element, sizeof(value));
    return value;
  }
  int64_t asInteger(const char *element) const {
    if (tensor.dtype == DL_I32) {
      int32_t value;
      memcpy(&value, element, sizeof(value));
      return value;
    }
    int64_t value;
    memcpy(&value, element, sizeof(value));
    return value;
  }

  const dl_tensor &tensor;
};

/// Calls `visit` on every element print(array) shows: all of them, or with
/// summarization only the first and last `edgeItems` of each long axis.
void forEachShown(const dl_tensor &tensor, bool summarize, int64_t edgeItems,
                  const std::function<void(const int64_t *)> &visit) {
  int64_t index[DL_MAX_RANK] = {};
  std::function<void(int32_t)> walk = [&](int32_t axis) {
    if (axis == tensor.rank) {
      visit(index);
      return;
    }
    int64_t extent = tensor.shape[axis];
    bool skip = summarize && 2 * edgeItems < extent;
    for (int64_t i = 0; i < extent; ++i) {
      if (skip && i == edgeItems)
        i = extent - edgeItems;
      index[axis] = i;
      walk(axis + 1);
    }
  };
  walk(0);
}

/// NumPy's FloatingFormat with floatmode 'maxprec', sign '-', no
/// suppression: one layout for every shown element.
class FloatFormat {
public:
  FloatFormat(const std::vector<double> &values, bool isFloat32, int precision);
  std::string operator()(double value) const;

private:
  bool isFloat32;
  bool exponential = false;
  /// Fractional digits: at most (positional) or exactly (exponential).
  int precision;
  int padLeft = 0;
  int padRight = 0;
  int exponentDigits = 0;
};

FloatFormat::FloatFormat(const std::vector<double> &values, bool isFloat32,
                         int precision)
    : isFloat32(isFloat32), precision(precision) {
  std::vector<double> finite;
  bool nonFinite = false, negativeInfinity = false;
  for (double value : values) {
    if (std::isfinite(value))
      finite.push_back(value);
    else
      nonFinite = true;
    negativeInfinity |= std::isinf(value) && value < 0;
  }
  // Exponential notation when the nonzero magnitudes are very large, very
  // small, or far apart. NumPy divides in the array's precision.
  double maxValue = 0, minValue = INFINITY;
  for (double value : finite)
    if (value != 0) {
      maxValue = std::max(maxValue, std::fabs(value));
      minValue = std::min(minValue, std::fabs(value));
    }
  if (maxValue > 0) {
    double ratio = isFloat32 ? double(float(maxValue) / float(minValue))
                             : maxValue / minValue;
    exponential = maxValue >= 1.e8 || minValue < 0.0001 || ratio > 1000.;
  }
  if (exponential) {
    int fractionDigits = 0;
    exponentDigits = 2;
    for (double value : finite) {
      FloatParts parts = scientific(value, isFloat32, precision);
      padLeft = std::max(padLeft, int(parts.integer.size()));
      fractionDigits = std::max(fractionDigits, int(parts.fraction.size()));
      exponentDigits =
          std::max(exponentDigits,
                   int(fmt::formatted_size("{}", std::abs(parts.exponent))));
    }
    this->precision = fractionDigits;
    padRight = exponentDigits + 2 + fractionDigits;
  } else {
    for (double value : finite) {
      FloatParts parts = positional(value, isFloat32, precision);
      padLeft = std::max(padLeft, int(parts.integer.size()));
      padRight = std::max(padRight, int(parts.fraction.size()));
    }
  }
  // "nan", "inf" and "-inf" are right-aligned to the common width.
  if (nonFinite) {
    int offset = padRight + 1;
    padLeft = std::max({padLeft, 3 - offset, 3 + negativeInfinity - offset});
  }
}

std::string FloatFormat::operator()(double value) const {
  if (!std::isfinite(value)) {
    const char *text = std::isnan(value) ? "nan" : value < 0 ? "-inf" : "inf";
    return fmt::format("{:>{}}", text, padLeft + padRight + 1);
  }
  // NumPy prints with min_digits here, which is not the same as padding.
  if (exponential) {
    FloatParts parts = scientific(value, isFloat32, precision, precision);
    return fmt::format("{:>{}}.{:0<{}}e{}", parts.integer, padLeft,
                       parts.fraction, precision,
                       formatExponent(parts.exponent, exponentDigits));
  }
  FloatParts parts = positional(value, isFloat32, precision, 0);
  return fmt::format("{:>{}}.{:<{}}", parts.integer, padLeft, parts.fraction,
                     padRight);
}

/// Formats one element: the formatter NumPy picks for the dtype, set up
/// from the shown elements.
class ElementFormat {
public:
  ElementFormat(const Elements &elements, bool summarize,
                const PrintOptions &options);
  std::string operator()(const int64_t *index) const;

private:
  const Elements &elements;
  std::unique_ptr<FloatFormat> floats;
  size_t integerWidth = 0;
};

ElementFormat::ElementFormat(const Elements &elements, bool summarize,
                             const PrintOptions &options)
    : elements(elements) {
  const dl_tensor &tensor = elements.tensor;
  if (tensor.dtype == DL_F32 || tensor.dtype == DL_F64) {
    std::vector<double> values;
    forEachShown(tensor, summarize, options.edgeItems,
                 [&](const int64_t *index) {
                   values.push_back(elements.asDouble(elements.at(index)));
                 });
    floats = std::make_unique<FloatFormat>(values, tensor.dtype == DL_F32,
                                           options.precision);
  } else if (tensor.dtype == DL_I32 || tensor.dtype == DL_I64) {
    // The width of the widest of the largest and the smallest value.
    forEachShown(
        tensor, summarize, options.edgeItems, [&](const int64_t *index) {
          integerWidth = std::max(
              integerWidth, fmt::formatted_size(
                                "{}", elements.asInteger(elements.at(index))));
        });
  }
}

std::string ElementFormat::operator()(const int64_t *index) const {
  const char *element = elements.at(index);
  switch (elements.tensor.dtype) {
  case DL_F32:
  case DL_F64:
    return (*floats)(elements.asDouble(element));
  case DL_I32:
  case DL_I64:
    return fmt::format("{:>{}}", elements.asInteger(element), integerWidth);
  case DL_BOOL:
    // " True" so that it aligns with "False".
    return *element ? " True" : "False";
  }
  return "?";
}

/// numpy's _formatArray: nested brackets, one row of the last axis per line
/// wrapped at the line width, blank lines between blocks of higher axes.
class ArrayLayout {
public:
  ArrayLayout(const dl_tensor &tensor, const ElementFormat &format,
              bool summarize, const PrintOptions &options)
      : tensor(tensor), format(format), summarize(summarize), options(options) {
  }

  std::string layout() { return recurse(0, " ", options.lineWidth); }

private:
  /// _extendLine: starts a new line when the word does not fit (unless the
  /// line holds nothing but the indent, where wrapping would not help).
  void extendLine(std::string &text, std::string &line, const std::string &word,
                  int width, const std::string &indent) const {
    bool wrap = line.size() + word.size() > size_t(width) &&
                line.size() > indent.size();
    if (wrap) {
      line.erase(line.find_last_not_of(' ') + 1);
      text += line + "\n";
      line = indent;
    }
    line += word;
  }

  std::string recurse(int32_t axis, const std::string &indent, int width);

  const dl_tensor &tensor;
  const ElementFormat &format;
  bool summarize;
  const PrintOptions &options;
  int64_t index[DL_MAX_RANK] = {};
};

std::string ArrayLayout::recurse(int32_t axis, const std::string &indent,
                                 int width) {
  if (axis == tensor.rank)
    return format(index);
  std::string nextIndent = indent + " ";
  int nextWidth = width - 1; // room for the closing ']'
  int64_t extent = tensor.shape[axis];
  bool showSummary = summarize && 2 * options.edgeItems < extent;
  int64_t leading = showSummary ? options.edgeItems : 0;
  int64_t trailing = showSummary ? options.edgeItems : extent;
  auto item = [&](int64_t i) {
    index[axis] = i;
    return recurse(axis + 1, nextIndent, nextWidth);
  };
  std::string text;
  if (axis == tensor.rank - 1) {
    int elementWidth = width - 1;
    std::string line = indent;
    for (int64_t i = 0; i < leading; ++i) {
      extendLine(text, line, item(i), elementWidth, indent);
      line += " ";
    }
    if (showSummary) {
      extendLine(text, line, "...", elementWidth, indent);
      line += " ";
    }
    for (int64_t i = trailing; i > 1; --i) {
      extendLine(text, line, item(extent - i), elementWidth, indent);
      line += " ";
    }
    extendLine(text, line, item(extent - 1), elementWidth, indent);
    text += line;
  } else {
    std::string separator(size_t(tensor.rank - axis - 1), '\n');
    for (int64_t i = 0; i < leading; ++i)
      text += indent + item(i) + separator;
    if (showSummary)
      text += indent + "..." + separator;
    for (int64_t i = trailing; i > 1; --i)
      text += indent + item(extent - i) + separator;
    text += indent + item(extent - 1);
  }
  return "[" + text.substr(indent.size()) + "]";
}

} // namespace

std::string dl::formatTensor(const dl_tensor &tensor,
                             const PrintOptions &options) {
  Elements elements(tensor);
  if (tensor.rank == 0) {
    // str() of a 0-d array is str() of its scalar: not padded or limited.
    const char *element = static_cast<const char *>(tensor.data);
    switch (tensor.dtype) {
    case DL_F32:
    case DL_F64:
      return scalarString(elements.asDouble(element), tensor.dtype == DL_F32);
    case DL_I32:
    case DL_I64:
      return fmt::format("{}", elements.asInteger(element));
    case DL_BOOL:
      return *element ? "True" : "False";
    }
  }
  int64_t numel = dl_tensor_numel(&tensor);
  if (numel == 0)
    return "[]";
  bool summarize = numel > options.threshold;
  ElementFormat format(elements, summarize, options);
  return ArrayLayout(tensor, format, summarize, options).layout();
}

std::string dl::formatTensorType(const dl_tensor &tensor) {
  std::string text = dl_dtype_name(tensor.dtype);
  if (tensor.rank == 0)
    return text;
  text += "[";
  for (int32_t i = 0; i < tensor.rank; ++i)
    text += (i ? ", " : "") + std::to_string(tensor.shape[i]);
  return text + "]";
}
