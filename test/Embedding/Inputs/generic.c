/* A generic loader: opens a library dlc compiled, lists its entry points,
 * loads parameters from a file when given, and calls net.forward on one
 * iris flower.   generic LIBRARY [PARAMS] */
#include "dl/model.h"

#include <stdio.h>

int main(int argc, char **argv) {
  dl_model *model;
  dl_status status;
  const dl_signature *sig;
  dl_tensor x, y = {0};
  float flower[4] = {7.0f, 3.2f, 4.7f, 1.4f};
  int64_t shape[2] = {1, 4};
  int32_t i;
  status = dl_model_open(argv[1], &model);
  if (status != DL_OK) {
    printf("open: %s: %s\n", dl_status_name(status), dl_last_error());
    return 1;
  }
  if (argc > 2 && dl_model_load_params(model, argv[2]) != DL_OK)
    printf("load: %s\n", dl_last_error());
  sig = dl_model_find(model, "net.forward");
  for (i = 0; i < sig->num_args; ++i)
    printf("%s%s", i ? ", " : "net.forward: ", sig->args[i].name);
  printf("\nbound:");
  for (i = 0; i < sig->num_args; ++i)
    printf(" %d", dl_model_binds(model, sig, i));
  printf("\ndoc: %s\n", dl_model_entry_doc(model, 6));
  dl_tensor_init(&x, flower, DL_F32, 2, shape);
  if (dl_model_invoke(model, "net.forward", &x, 1, &y, 1) != DL_OK) {
    printf("invoke: %s\n", dl_last_error());
  } else {
    printf("probabilities: %.6f %.6f %.6f\n", ((float *)y.data)[0],
           ((float *)y.data)[1], ((float *)y.data)[2]);
    dl_tensor_free(&y);
  }
  if (dl_model_invoke(model, "nope", &x, 1, &y, 1) != DL_OK)
    printf("invoke: %s\n", dl_last_error());
  dl_model_close(model);
  /* Everything the model and the calls allocated is freed. */
  printf("live blocks: %d\n", (int)dl_alloc_count());
  return 0;
}
