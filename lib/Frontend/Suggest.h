//===- Suggest.h - "did you mean" ------------------------------*- C++ -*-===//
#ifndef DL_LIB_FRONTEND_SUGGEST_H
#define DL_LIB_FRONTEND_SUGGEST_H

#include "llvm/ADT/StringRef.h"

#include <string>
#include <vector>

namespace dl {

/// "; did you mean 'relu'?" for the closest candidate within a third of the
/// name's length in edits (at least one), or "".
inline std::string suggestName(llvm::StringRef name,
                               const std::vector<std::string> &candidates) {
  unsigned limit = std::max<unsigned>(1, name.size() / 3);
  std::string best;
  unsigned bestDistance = limit + 1;
  for (const std::string &c : candidates) {
    if (c == name)
      continue;
    unsigned d = name.edit_distance(c, true, limit);
    if (d < bestDistance) {
      bestDistance = d;
      best = c;
    }
  }
  return best.empty() ? "" : "; did you mean '" + best + "'?";
}

} // namespace dl

#endif // DL_LIB_FRONTEND_SUGGEST_H
