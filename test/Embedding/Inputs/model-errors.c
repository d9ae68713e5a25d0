/* Every error of the generic API (dl/model.h), one line each:
 * "what: status: message" (or "what: NULL: message" for the functions that
 * return a pointer). model-errors.test checks the messages; built on the
 * AddressSanitizer runtime (dl-model-errors-asan), it also proves that no
 * call reads or writes outside what it is given: argument and result
 * arrays and result buffers are heap blocks of exactly their size, and a
 * failed call must leave them as they were (a line with CHANGED otherwise).
 *
 *   dl-model-errors DIR
 *
 * DIR holds iris.so (examples/mlp_forward.dl, weights embedded), plain.so
 * (the same without weights), object.o (not a library), nomanifest.so (a library without a
 * manifest), version2.so (a manifest of version 2), notes.txt and
 * params.npz (examples/mlp_forward.npz); the program writes more files
 * there. */
#include "dl/checkpoint.h"
#include "dl/model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[4096];

static const char *path(const char *name) {
  static char buffer[4200];
  snprintf(buffer, sizeof(buffer), "%s/%s", dir, name);
  return buffer;
}

static void report(const char *what, dl_status status) {
  printf("%s: %s: %s\n", what, dl_status_name(status),
         status == DL_OK ? "ok" : dl_last_error());
}

static void reportPointer(const char *what, const void *pointer) {
  printf("%s: %s\n", what, pointer ? "not NULL" : dl_last_error());
  if (pointer)
    printf("CHANGED: %s returned a pointer\n", what);
}

/* A heap copy of exactly `count` descriptors (NULL for none). */
static dl_tensor *copyTensors(const dl_tensor *tensors, size_t count) {
  dl_tensor *copy;
  if (!count)
    return NULL;
  copy = malloc(count * sizeof(dl_tensor));
  memcpy(copy, tensors, count * sizeof(dl_tensor));
  return copy;
}

/* Calls an entry point with heap copies of the descriptors; on failure the
 * result descriptors must be as they were. On success `results` receives
 * them. */
static dl_status invoke(const char *what, dl_model *model, const char *name,
                        const dl_tensor *args, size_t numArgs,
                        dl_tensor *results, size_t numResults) {
  dl_tensor *a = copyTensors(args, numArgs);
  dl_tensor *r = copyTensors(results, numResults);
  dl_status status = dl_model_invoke(model, name, a, numArgs, r, numResults);
  if (what)
    report(what, status);
  if (status != DL_OK && numResults &&
      memcmp(r, results, numResults * sizeof(dl_tensor)) != 0)
    printf("CHANGED: %s: the result descriptors\n", what ? what : name);
  if (status == DL_OK && numResults)
    memcpy(results, r, numResults * sizeof(dl_tensor));
  free(a);
  free(r);
  return status;
}

static void tensor(dl_tensor *t, void *data, dl_dtype dtype, int32_t rank,
                   int64_t d0, int64_t d1) {
  int64_t shape[2];
  shape[0] = d0;
  shape[1] = d1;
  memset(t, 0, sizeof(*t));
  if (dl_tensor_init(t, data, dtype, rank, shape) != DL_OK)
    printf("CHANGED: dl_tensor_init: %s\n", dl_last_error());
}

/* The flowers of examples/embed/iris.c: class 0 and class 2. */
static float flowers[8] = {5.1f, 3.5f, 1.4f, 0.2f, 6.3f, 3.3f, 6.0f, 2.5f};

/* net.forward on the two flowers into a fresh result; the probabilities. */
static void forward(dl_model *model, float out[6]) {
  dl_tensor x, y;
  tensor(&x, flowers, DL_F32, 2, 2, 4);
  memset(&y, 0, sizeof(y));
  if (invoke(NULL, model, "net.forward", &x, 1, &y, 1) != DL_OK) {
    printf("CHANGED: net.forward failed: %s\n", dl_last_error());
    memset(out, 0, 6 * sizeof(float));
    return;
  }
  memcpy(out, y.data, 6 * sizeof(float));
  dl_tensor_free(&y);
}

static void testOpen(void) {
  dl_model *model = (dl_model *)&model;
  dl_model *sentinel = model;
  report("open null path", dl_model_open(NULL, &model));
  if (model)
    printf("CHANGED: *out is not NULL after a failure\n");
  report("open null out", dl_model_open(path("iris.so"), NULL));
  report("open empty path", dl_model_open("", &model));
  report("open missing", dl_model_open(path("missing.so"), &model));
  report("open directory", dl_model_open(dir, &model));
  report("open text", dl_model_open(path("notes.txt"), &model));
  report("open object", dl_model_open(path("object.o"), &model));
  report("open no manifest", dl_model_open(path("nomanifest.so"), &model));
  model = sentinel;
  report("open version 2", dl_model_open(path("version2.so"), &model));
  if (model)
    printf("CHANGED: *out is not NULL after a failure\n");
  /* A name without '/' is a file in the current directory. */
  if (chdir(dir) != 0)
    printf("CHANGED: cannot enter %s\n", dir);
  report("open relative", dl_model_open("iris.so", &model));
  dl_model_close(model);
  report("open relative missing", dl_model_open("libm.so.6", &model));
  dl_model_close(NULL);
}

static dl_value_info input(const char *name, int32_t rank) {
  dl_value_info info;
  memset(&info, 0, sizeof(info));
  info.name = name;
  info.dtype = DL_F32;
  info.rank = rank;
  return info;
}

static void packed(void **argv) { (void)argv; }

static void testFromManifest(void) {
  dl_model *model = NULL;
  dl_value_info args[1], bad[1];
  dl_signature sig = {"f", 1, NULL, 0, NULL};
  dl_model_entry entry = {NULL, packed, ""};
  dl_model_param param;
  dl_model_manifest manifest = {DL_MODEL_ABI_VERSION, 0, NULL, 0, NULL, ""};
  args[0] = input("x", 1);
  bad[0] = input("x", DL_MAX_RANK + 1);
  sig.args = args;
  memset(&param, 0, sizeof(param));
  param.name = "w";
  param.role = DL_ROLE_PARAM;
  param.dtype = DL_F32;
  param.rank = 1;
  param.shape[0] = 3;

  report("manifest null", dl_model_from_manifest(NULL, &model));
  report("manifest null out", dl_model_from_manifest(&manifest, NULL));
  manifest.abi_version = 2;
  report("manifest version", dl_model_from_manifest(&manifest, &model));
  manifest.abi_version = DL_MODEL_ABI_VERSION;
  manifest.num_entries = 1;
  report("manifest no table", dl_model_from_manifest(&manifest, &model));
  manifest.entries = &entry;
  report("manifest no signature", dl_model_from_manifest(&manifest, &model));
  entry.signature = &sig;
  entry.fn = NULL;
  report("manifest no function", dl_model_from_manifest(&manifest, &model));
  entry.fn = packed;
  sig.args = bad;
  report("manifest bad rank", dl_model_from_manifest(&manifest, &model));
  sig.args = args;
  manifest.num_params = 1;
  manifest.params = &param;
  report("manifest param data", dl_model_from_manifest(&manifest, &model));
  param.name = NULL;
  report("manifest param name", dl_model_from_manifest(&manifest, &model));
  manifest.num_params = 0;
  report("manifest ok", dl_model_from_manifest(&manifest, &model));
  dl_model_close(model);
}

static void testAccessors(dl_model *model) {
  const dl_signature *sig = dl_model_find(model, "net.forward");
  printf("entries: %d\n", (int)dl_model_num_entries(model));
  printf("null model entries: %d: %s\n", (int)dl_model_num_entries(NULL),
         dl_last_error());
  reportPointer("signature null model", dl_model_signature(NULL, 0));
  reportPointer("signature out of range", dl_model_signature(model, 10));
  reportPointer("doc null model", dl_model_entry_doc(NULL, 0));
  reportPointer("doc out of range", dl_model_entry_doc(model, (size_t)-1));
  reportPointer("find null model", dl_model_find(NULL, "net.forward"));
  reportPointer("find null name", dl_model_find(model, NULL));
  reportPointer("find missing", dl_model_find(model, "net.forwrd"));
  printf("binds: %d %d %d %d %d %d\n", dl_model_binds(model, sig, 0),
         dl_model_binds(model, sig, 1), dl_model_binds(NULL, sig, 1),
         dl_model_binds(model, NULL, 1), dl_model_binds(model, sig, -1),
         dl_model_binds(model, sig, 7));
}

/* A result buffer of exactly `count` floats holding a pattern, and whether
 * it still holds it. */
static float *pattern(size_t count) {
  float *data = malloc(count * sizeof(float));
  size_t i;
  for (i = 0; i < count; ++i)
    data[i] = -1.0f - (float)i;
  return data;
}
static void checkPattern(const char *what, const float *data, size_t count) {
  size_t i;
  for (i = 0; i < count; ++i)
    if (data[i] != -1.0f - (float)i) {
      printf("CHANGED: %s: the result buffer\n", what);
      return;
    }
}

static void testInvoke(dl_model *model, dl_model *plain) {
  dl_tensor x, y, results[2];
  double wide[8] = {0};
  float *small = pattern(3), *exact = pattern(6), *scalar = pattern(1);
  int64_t shape[1] = {4};
  tensor(&x, flowers, DL_F32, 2, 2, 4);
  memset(&y, 0, sizeof(y));
  memset(results, 0, sizeof(results));

  report("invoke null model", dl_model_invoke(NULL, "net.forward", &x, 1, &y, 1));
  report("invoke null name", dl_model_invoke(model, NULL, &x, 1, &y, 1));
  invoke("invoke missing entry", model, "net.forwrd", &x, 1, &y, 1);
  invoke("invoke too many args", model, "net.forward", results, 2, &y, 1);
  invoke("invoke no args", model, "net.forward", NULL, 0, &y, 1);
  invoke("invoke main with args", model, "main", &x, 1, results, 2);
  report("invoke null args", dl_model_invoke(model, "net.forward", NULL, 1, &y, 1));
  report("invoke null results",
         dl_model_invoke(model, "net.forward", &x, 1, NULL, 1));
  invoke("invoke too many results", model, "net.forward", &x, 1, results, 2);
  invoke("invoke no results", model, "net.forward", &x, 1, NULL, 0);
  invoke("invoke plain", plain, "net.forward", &x, 1, &y, 1);

  /* The argument: rank, extents, dtype, descriptor, data. */
  tensor(&x, flowers, DL_F32, 1, 4, 0);
  invoke("invoke rank", model, "net.forward", &x, 1, &y, 1);
  tensor(&x, flowers, DL_F32, 2, 2, 3);
  invoke("invoke shape", model, "net.forward", &x, 1, &y, 1);
  tensor(&x, wide, DL_F64, 2, 2, 4);
  invoke("invoke dtype", model, "net.forward", &x, 1, &y, 1);
  tensor(&x, flowers, DL_F32, 2, 2, 4);
  x.dtype = (dl_dtype)99;
  invoke("invoke bad dtype", model, "net.forward", &x, 1, &y, 1);
  tensor(&x, flowers, DL_F32, 2, 2, 4);
  x.rank = DL_MAX_RANK + 1;
  invoke("invoke bad rank", model, "net.forward", &x, 1, &y, 1);
  tensor(&x, flowers, DL_F32, 2, 2, 4);
  x.shape[0] = -2;
  invoke("invoke negative extent", model, "net.forward", &x, 1, &y, 1);
  tensor(&x, NULL, DL_F32, 2, 2, 4);
  invoke("invoke null data", model, "net.forward", &x, 1, &y, 1);

  /* Result buffers the caller gives: too small, another dtype or rank, an
   * invalid descriptor. The buffers are not written. */
  tensor(&x, flowers, DL_F32, 2, 2, 4);
  tensor(&y, small, DL_F32, 2, 1, 3);
  invoke("invoke small buffer", model, "net.forward", &x, 1, &y, 1);
  checkPattern("invoke small buffer", small, 3);
  tensor(&y, exact, DL_I32, 2, 2, 3);
  invoke("invoke buffer dtype", model, "net.forward", &x, 1, &y, 1);
  tensor(&y, scalar, DL_F32, 0, 0, 0);
  invoke("invoke buffer rank", model, "net.forward", &x, 1, &y, 1);
  checkPattern("invoke buffer rank", scalar, 1);
  tensor(&y, exact, DL_F32, 2, 2, 3);
  y.rank = -1;
  invoke("invoke buffer invalid", model, "net.forward", &x, 1, &y, 1);
  checkPattern("invoke buffer invalid", exact, 6);
  /* A descriptor without strides (not from dl_tensor_init), strides under
   * which elements share memory. */
  memset(&y, 0, sizeof(y));
  y.data = exact;
  y.dtype = DL_F32;
  y.rank = 2;
  y.shape[0] = 2;
  y.shape[1] = 3;
  invoke("invoke buffer no strides", model, "net.forward", &x, 1, &y, 1);
  y.strides[0] = 2;
  y.strides[1] = 1;
  invoke("invoke buffer overlapping", model, "net.forward", &x, 1, &y, 1);
  checkPattern("invoke buffer strides", exact, 6);
  /* Column-major is fine. */
  y.strides[0] = 1;
  y.strides[1] = 2;
  invoke("invoke buffer column-major", model, "net.forward", &x, 1, &y, 1);
  printf("column-major: %.6f %.6f %.6f\n", exact[0], exact[1], exact[5]);
  free(exact);
  exact = pattern(6);
  /* The right buffer is written, and only it. */
  tensor(&y, exact, DL_F32, 2, 2, 3);
  invoke("invoke buffer", model, "net.forward", &x, 1, &y, 1);
  printf("buffer: %.6f %.6f %.6f\n", exact[0], exact[1], exact[5]);
  /* A result of classify (i64[B]) given a buffer of the wrong length. */
  tensor(&y, exact, DL_I64, 1, 3, 0);
  invoke("invoke classify buffer", model, "net.classify", &x, 1, &y, 1);
  /* 1-d input to a model whose rank is 2, through dl_tensor_init. */
  dl_tensor_init(&x, flowers, DL_F32, 1, shape);
  invoke("invoke classify rank", model, "net.classify", &x, 1, &y, 1);
  free(small);
  free(exact);
  free(scalar);
}

/* Writes an .npz of one tensor. */
static void writeNpz(const char *name, const char *tensorName,
                     const dl_tensor *t) {
  const char *names[1];
  const dl_tensor *tensors[1];
  names[0] = tensorName;
  tensors[0] = t;
  if (dl_npz_write(path(name), 1, names, tensors) != DL_OK)
    printf("CHANGED: cannot write %s: %s\n", name, dl_last_error());
}

static void writeFile(const char *name, const char *bytes, size_t size) {
  FILE *f = fopen(path(name), "wb");
  if (!f || fwrite(bytes, 1, size, f) != size)
    printf("CHANGED: cannot write %s\n", name);
  if (f)
    fclose(f);
}

static void testLoadParams(dl_model *model, dl_model *plain) {
  float w[4 * 16] = {0}, before[6], after[6];
  double wd[4 * 16] = {0};
  dl_tensor t, ws[2];
  const char *names[2];
  const dl_tensor *tensors[2];
  dl_checkpoint_entry entry;

  report("load null model", dl_model_load_params(NULL, path("params.npz")));
  report("load null path", dl_model_load_params(model, NULL));
  report("load missing", dl_model_load_params(model, path("missing.npz")));
  report("load directory", dl_model_load_params(model, dir));
  report("load text", dl_model_load_params(model, path("notes.txt")));
  report("load library", dl_model_load_params(model, path("iris.so")));
  writeFile("broken.npz", "PK\003\004broken", 10);
  report("load broken npz", dl_model_load_params(model, path("broken.npz")));
  writeFile("broken.ckpt", "DLCKPT broken", 13);
  report("load broken checkpoint",
         dl_model_load_params(model, path("broken.ckpt")));

  tensor(&t, w, DL_F32, 2, 4, 16);
  writeNpz("unknown.npz", "fc.w", &t);
  report("load unknown", dl_model_load_params(model, path("unknown.npz")));
  tensor(&t, w, DL_F32, 2, 4, 15);
  writeNpz("shape.npz", "net.layers.0.w", &t);
  report("load shape", dl_model_load_params(model, path("shape.npz")));
  tensor(&t, w, DL_F32, 1, 64, 0);
  writeNpz("rank.npz", "net.layers.0.w", &t);
  report("load rank", dl_model_load_params(model, path("rank.npz")));
  tensor(&t, wd, DL_F64, 2, 4, 16);
  writeNpz("dtype.npz", "net.layers.0.w", &t);
  report("load dtype", dl_model_load_params(model, path("dtype.npz")));
  /* A checkpoint with the same error. */
  tensor(&t, w, DL_F32, 2, 4, 15);
  entry.name = "net.layers.0.w";
  entry.role = DL_CHECKPOINT_PARAM;
  entry.tensor = &t;
  if (dl_checkpoint_write(path("shape.ckpt"), NULL, &entry, 1) != DL_OK)
    printf("CHANGED: cannot write shape.ckpt: %s\n", dl_last_error());
  report("load checkpoint shape", dl_model_load_params(model, path("shape.ckpt")));

  /* All or nothing: a file whose first tensor is fine and whose second is
   * not changes nothing. */
  forward(model, before);
  tensor(&ws[0], w, DL_F32, 2, 4, 16);
  tensor(&ws[1], w, DL_F32, 2, 16, 4);
  names[0] = "net.layers.0.w";
  names[1] = "net.layers.1.w";
  tensors[0] = &ws[0];
  tensors[1] = &ws[1];
  if (dl_npz_write(path("partial.npz"), 2, names, tensors) != DL_OK)
    printf("CHANGED: cannot write partial.npz: %s\n", dl_last_error());
  report("load partial", dl_model_load_params(model, path("partial.npz")));
  forward(model, after);
  if (memcmp(before, after, sizeof(before)) != 0)
    printf("CHANGED: a failed load changed the model\n");

  /* The weights load into the model without them. */
  report("load plain", dl_model_load_params(plain, path("params.npz")));
  forward(plain, after);
  printf("plain: %.6f %.6f\n", after[0], after[5]);
}

int main(int argc, char **argv) {
  dl_model *model, *plain;
  size_t baseline = dl_alloc_count();
  if (argc != 2 || strlen(argv[1]) >= sizeof(dir)) {
    fprintf(stderr, "usage: dl-model-errors DIR\n");
    return 2;
  }
  strcpy(dir, argv[1]);
  testOpen();
  testFromManifest();
  if (dl_model_open(path("iris.so"), &model) != DL_OK ||
      dl_model_open(path("plain.so"), &plain) != DL_OK) {
    printf("CHANGED: cannot open the models: %s\n", dl_last_error());
    return 1;
  }
  testAccessors(model);
  testInvoke(model, plain);
  testLoadParams(model, plain);
  dl_model_close(model);
  dl_model_close(plain);
  printf("live blocks: %d\n", (int)(dl_alloc_count() - baseline));
  return 0;
}
