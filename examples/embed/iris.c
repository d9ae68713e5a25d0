/* Calls examples/mlp_forward.dl compiled with its weights embedded
 * (dlc mlp_forward.dl --params mlp_forward.npz -o iris.so or iris.o):
 * through the typed functions of iris.h, and, given a path, generically
 * through dl_model_open. */
#include "iris.h"

#include <stdio.h>

static int check(dl_status status) {
  if (status != DL_OK) {
    fprintf(stderr, "error: %s\n", dl_last_error());
    return 1;
  }
  return 0;
}

static void print(const char *what, const dl_tensor *probs,
                  const dl_tensor *labels) {
  const float *p = (const float *)probs->data;
  const int64_t *l = (const int64_t *)labels->data;
  int64_t i;
  for (i = 0; i < probs->shape[0]; ++i)
    printf("%s %d: %.6f %.6f %.6f -> %d\n", what, (int)i, p[3 * i],
           p[3 * i + 1], p[3 * i + 2], (int)l[i]);
}

int main(int argc, char **argv) {
  dl_tensor probs = {0}, labels = {0}, x, y = {0};
  float flower[4] = {6.3f, 3.3f, 6.0f, 2.5f};
  int64_t shape[2] = {1, 4};
  int64_t bad_shape[2] = {1, 3};
  if (check(iris_main(&probs, &labels)))
    return 1;
  print("typed", &probs, &labels);
  dl_tensor_free(&probs);
  dl_tensor_free(&labels);

  /* One flower through net.forward (the batch size B is free). */
  dl_tensor_init(&x, flower, IRIS_NET_FORWARD_X_DTYPE, 2, shape);
  if (check(iris_net_forward(&x, &y)))
    return 1;
  printf("forward: %s[%d, %d] %.6f\n", dl_dtype_name(y.dtype),
         (int)y.shape[0], (int)y.shape[1], ((float *)y.data)[2]);
  dl_tensor_free(&y);

  /* A wrong shape is an error, not a crash. */
  dl_tensor_init(&x, flower, DL_F32, 2, bad_shape);
  if (iris_net_forward(&x, &y) != DL_OK)
    printf("error: %s\n", dl_last_error());

  if (argc > 1) {
    dl_model *model;
    const dl_signature *sig;
    size_t i;
    if (check(dl_model_open(argv[1], &model)))
      return 1;
    for (i = 0; i < dl_model_num_entries(model); ++i) {
      sig = dl_model_signature(model, i);
      printf("entry %s: %d args, %d results\n", sig->name, sig->num_args,
             sig->num_results);
    }
    /* Too few result descriptors: an error naming the entry point. */
    if (dl_model_invoke(model, "main", NULL, 0, &probs, 1) != DL_OK)
      printf("error: %s\n", dl_last_error());
    {
      dl_tensor results[2] = {{0}, {0}};
      if (check(dl_model_invoke(model, "main", NULL, 0, results, 2)))
        return 1;
      print("generic", &results[0], &results[1]);
      dl_tensor_free(&results[0]);
      dl_tensor_free(&results[1]);
    }
    dl_model_close(model);
  }
  return 0;
}
