// Links examples/mlp_forward.dl statically (dlc ... -o iris.o) with the
// runtime's static library, and calls it through the generic API with the
// manifest linked into the program.
#include "iris.h"

#include <cstdio>

int main() {
  dl_model *model = nullptr;
  if (dl_model_from_manifest(&iris_manifest, &model) != DL_OK) {
    std::fprintf(stderr, "error: %s\n", dl_last_error());
    return 1;
  }
  float flowers[2][4] = {{5.1f, 3.5f, 1.4f, 0.2f}, {7.2f, 3.2f, 6.0f, 1.8f}};
  int64_t shape[2] = {2, 4};
  dl_tensor x, labels = {};
  dl_tensor_init(&x, flowers, DL_F32, 2, shape);
  if (dl_model_invoke(model, "net.classify", &x, 1, &labels, 1) != DL_OK) {
    std::fprintf(stderr, "error: %s\n", dl_last_error());
    return 1;
  }
  const int64_t *l = static_cast<const int64_t *>(labels.data);
  std::printf("static: %s labels %lld %lld\n", iris_manifest.source ? "ok" : "",
              (long long)l[0], (long long)l[1]);
  dl_tensor_free(&labels);
  dl_model_close(model);
  return 0;
}
