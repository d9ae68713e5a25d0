// Known-answer tests of Philox4x32-10: the three vectors of Random123's
// kat_vectors (philox4x32, 10 rounds), reached through dl.random_bits. Key =
// (lo32(seed), hi32(seed)); counter = (lo32(j), hi32(j), lo32(stream),
// hi32(stream)) with j = offset + the block's index (docs/random.md).
//
// counter 0, key 0 -> 6627e8d5 e169c58d bc57ac4c 9b00dbd8
// RUN: dl-jit-test %s -e kat_zero -arg "i64=0" | FileCheck %s --check-prefix=ZERO
// ZERO: result 0: i64[1, 4] = [1713891541, 3781805453, 3159862348, 2600524760]
func.func @kat_zero(%seed: tensor<i64>) -> tensor<1x4xi64> attributes {dl.entry} {
  %0 = dl.random_bits %seed stream = 0 : tensor<1x4xi64>
  return %0 : tensor<1x4xi64>
}

// counter ffffffff x 4, key ffffffff x 2 -> 408f276d 41c83b0e a20bc7c6 6d5451fd
// RUN: dl-jit-test %s -e kat_ones -arg "i64=-1" | FileCheck %s --check-prefix=ONES
// ONES: result 0: i64[4] = [1083123565, 1103641358, 2718681030, 1834242557]
func.func @kat_ones(%seed: tensor<i64>) -> tensor<4xi64> attributes {dl.entry} {
  %0 = dl.random_bits %seed stream = -1 offset = -1 : tensor<4xi64>
  return %0 : tensor<4xi64>
}

// counter 243f6a88 85a308d3 13198a2e 03707344, key a4093822 299f31d0
// -> d16cfe09 94fdcceb 5001e420 24126ea1, as i32 bits (signed).
// seed = 0x299f31d0a4093822, stream = 0x0370734413198a2e, offset =
// 0x85a308d3243f6a88 - 2^64.
// RUN: dl-jit-test %s -e kat_pi -arg "i64=2999170649027065890" | FileCheck %s --check-prefix=PI
// PI: result 0: i32[4] = [-781386231, -1795306261, 1342301216, 605187745]
func.func @kat_pi(%seed: tensor<i64>) -> tensor<4xi32> attributes {dl.entry} {
  %0 = dl.random_bits %seed stream = 247824715720788526 offset = -8817193942522041720 : tensor<4xi32>
  return %0 : tensor<4xi32>
}

// Blocks of consecutive counters: row j of a [3, 4] result is block j; with
// offset -1 the rows are blocks 2^64 - 1 (the counter wraps), 0 and 1.
// RUN: dl-jit-test %s -e blocks -arg "i64=0" | FileCheck %s --check-prefix=BLOCKS
// BLOCKS: result 0: i64[3, 4] = [1713891541, 3781805453, 3159862348, 2600524760, 4175744164, 1555169499, 2980410603, 159317863, 83534633, 1372009126, 605361069, 1167144420]
// BLOCKS: result 1: i64[3, 4] = [4090393677, 3753482255, 1518119633, 634470994, 1713891541, 3781805453, 3159862348, 2600524760, 4175744164, 1555169499, 2980410603, 159317863]
func.func @blocks(%seed: tensor<i64>) -> (tensor<3x4xi64>, tensor<3x4xi64>) attributes {dl.entry} {
  %0 = dl.random_bits %seed stream = 0 : tensor<3x4xi64>
  %1 = dl.random_bits %seed stream = 0 offset = -1 : tensor<3x4xi64>
  return %0, %1 : tensor<3x4xi64>, tensor<3x4xi64>
}
