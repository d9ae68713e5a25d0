/* The data, training and checkpoint APIs from C99: the headers compile as
 * strict C, and a C program shuffles, gathers a batch, normalizes, and
 * writes and reads a checkpoint. Prints one line per step. */
#include "dl/checkpoint.h"
#include "dl/data.h"
#include "dl/training.h"

#include <stdio.h>

int main(int argc, char **argv) {
  int64_t order[5];
  float rows[10] = {0, 1, 10, 11, 20, 21, 30, 31, 40, 41};
  float batch[4];
  int64_t shape[2] = {5, 2}, batch_shape[2] = {2, 2};
  dl_tensor src, dst;
  double shift[2], divisor[2];
  dl_checkpoint_entry entry;
  dl_checkpoint *checkpoint = NULL;
  const dl_tensor *back;
  int i;
  if (argc != 2)
    return 2;
  dl_permutation(42, 5, order);
  printf("order:");
  for (i = 0; i < 5; ++i)
    printf(" %d", (int)order[i]);
  printf("\n");
  dl_tensor_init(&src, rows, DL_F32, 2, shape);
  dl_tensor_init(&dst, batch, DL_F32, 2, batch_shape);
  if (dl_gather_rows(&src, order, 2, &dst) != DL_OK)
    return 1;
  printf("batch: %g %g %g %g\n", batch[0], batch[1], batch[2], batch[3]);
  dl_norm_fit(&src, DL_NORM_MINMAX, DL_NORM_PER_FEATURE, shift, divisor);
  dl_norm_apply(&src, DL_NORM_PER_FEATURE, shift, divisor);
  printf("scaled: %g %g %g\n", rows[0], rows[4], rows[9]);
  entry.name = "x";
  entry.role = DL_CHECKPOINT_STATE;
  entry.tensor = &src;
  if (dl_checkpoint_write(argv[1], NULL, &entry, 1) != DL_OK ||
      dl_checkpoint_open(argv[1], &checkpoint) != DL_OK) {
    printf("error: %s\n", dl_last_error());
    return 1;
  }
  back = dl_checkpoint_tensor(checkpoint, 0);
  printf("checkpoint: %s (%s) %s[%d, %d], last %g\n",
         dl_checkpoint_name(checkpoint, 0),
         dl_checkpoint_role_name(dl_checkpoint_role_at(checkpoint, 0)),
         dl_dtype_name(back->dtype), (int)back->shape[0], (int)back->shape[1],
         ((const float *)back->data)[9]);
  dl_checkpoint_close(checkpoint);
  printf("leaked blocks: %d\n", (int)dl_alloc_count());
  return 0;
}
