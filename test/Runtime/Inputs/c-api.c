/* A C99 program using the runtime's C API: the header must compile as C
 * with every warning, and libdlrt must link from C (c-api.test). */
#include "dl/runtime.h"

#include <stdio.h>
#include <string.h>

/* The descriptor of a rank-1 memref, as generated code sees it. */
typedef struct {
  void *allocated;
  void *aligned;
  int64_t offset;
  int64_t sizes[1];
  int64_t strides[1];
} MemRef1;

/* (x: f64[N]) -> f64[N]: 2 * x, in memory from the runtime; fails on a
 * negative element as a dl.assert would. */
static void twice(void **argv) {
  const MemRef1 *x = (const MemRef1 *)argv[0];
  MemRef1 *result = (MemRef1 *)argv[1];
  const double *in = (const double *)x->aligned;
  int64_t n = x->sizes[0];
  double *out = (double *)_mlir_memref_to_llvm_alloc((size_t)n * 8);
  int64_t i;
  for (i = 0; i < n; ++i) {
    if (in[i] < 0)
      dlrt_fail("c-api.c:1:1: negative input");
    out[i] = 2 * in[i];
  }
  result->allocated = result->aligned = out;
  result->offset = 0;
  result->sizes[0] = n;
  result->strides[0] = 1;
}

int main(void) {
  dl_value_info arg, res;
  dl_signature sig;
  dl_tensor x, y;
  double data[3] = {0.5, 1, 2};
  int64_t n = 3;
  dl_status status;
  size_t baseline = dl_alloc_count();

  memset(&arg, 0, sizeof(arg));
  arg.name = "x";
  arg.role = DL_ROLE_INPUT;
  arg.dtype = DL_F64;
  arg.rank = 1;
  arg.dims[0].size = -1;
  arg.dims[0].symbol = "N";
  res = arg;
  res.name = NULL;
  res.role = DL_ROLE_OUTPUT;
  sig.name = "twice";
  sig.num_args = 1;
  sig.args = &arg;
  sig.num_results = 1;
  sig.results = &res;

  dl_tensor_init(&x, data, DL_F64, 1, &n);
  memset(&y, 0, sizeof(y));
  status = dl_invoke(&sig, twice, &x, 1, &y, 1);
  printf("twice: %s %g %g %g\n", dl_status_name(status),
         ((double *)y.data)[0], ((double *)y.data)[1], ((double *)y.data)[2]);
  dl_tensor_free(&y);

  data[1] = -1;
  status = dl_invoke(&sig, twice, &x, 1, &y, 1);
  printf("negative: %s: %s\n", dl_status_name(status), dl_last_error());

  x.dtype = DL_F32;
  status = dl_invoke(&sig, twice, &x, 1, &y, 1);
  printf("dtype: %s: %s\n", dl_status_name(status), dl_last_error());
  printf("leaked blocks: %d\n", (int)(dl_alloc_count() - baseline));
  return 0;
}
