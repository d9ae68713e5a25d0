//===- Shuffle.cpp - reproducible permutations ----------------------------===//
//
// The order of the samples of an epoch must be the same on every platform
// and with every compiler, so that a run resumed from a checkpoint sees the
// batches it would have seen. Hence a fixed generator (SplitMix64, Steele,
// Lea and Flood 2014, as in java.util.SplittableRandom), a fixed way of
// drawing bounded integers (rejection of the low values that would bias
// `r % bound`), and Fisher-Yates from the end. docs/data.md spells it out.
//
//===----------------------------------------------------------------------===//

#include "Errors.h"
#include "dl/training.h"

namespace {

class SplitMix64 {
public:
  explicit SplitMix64(uint64_t seed) : state(seed) {}
  uint64_t next() {
    uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  /// Uniform in [0, bound), bound > 0: values below 2^64 mod bound are
  /// redrawn, so that every remainder is equally likely.
  uint64_t below(uint64_t bound) {
    uint64_t threshold = (0 - bound) % bound;
    while (true) {
      uint64_t r = next();
      if (r >= threshold)
        return r % bound;
    }
  }

private:
  uint64_t state;
};

} // namespace

extern "C" {

dl_status dl_permutation(uint64_t seed, int64_t n, int64_t *out) {
  if (n < 0)
    return dlrt::setError(DL_ERROR_INVALID_ARGUMENT,
                          "dl_permutation: negative length %lld",
                          static_cast<long long>(n));
  if (n > 0 && !out)
    return dlrt::setError(DL_ERROR_INVALID_ARGUMENT,
                          "dl_permutation: null output");
  for (int64_t i = 0; i < n; ++i)
    out[i] = i;
  SplitMix64 random(seed);
  for (int64_t i = n - 1; i > 0; --i) {
    int64_t j = int64_t(random.below(uint64_t(i) + 1));
    int64_t swap = out[i];
    out[i] = out[j];
    out[j] = swap;
  }
  return DL_OK;
}

} // extern "C"
