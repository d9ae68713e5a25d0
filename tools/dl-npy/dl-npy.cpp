//===- dl-npy.cpp - inspect, compare and convert array files --------------===//
//
//   dl-npy print FILE[:SELECTOR]... [--dtype T]  each array, as NumPy prints it
//   dl-npy compare A B [--rtol R] [--atol A]     numpy.allclose, array by array
//   dl-npy checkpoint-to-npz CKPT OUT.npz        a checkpoint's tensors by name
//   dl-npy npz-to-checkpoint IN.npz OUT.ckpt     arrays as checkpoint params
//
// Errors are one line, "dl-npy: error: ...", with exit status 1.
//
//===----------------------------------------------------------------------===//

#include "ArrayFile.h"
#include "Compare.h"
#include "dl/Support/TensorFormat.h"
#include "dl/checkpoint.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

using namespace dl;
using namespace dl::npy;

namespace {

constexpr const char *Usage = R"(usage: dl-npy <command> [options] FILE...

Inspect, compare and convert array files: NumPy .npy and .npz, checkpoints,
and the data files of docs/data.md (IDX, CSV, gzipped).

commands:
  print FILE...           print each array: its name, its type (f32[2, 3])
                          and its values as NumPy prints them; for a
                          checkpoint its metadata first, then each tensor
                          with its role. FILE:SELECTOR picks columns of a
                          CSV file ("iris.csv:0:4") or an .npz member
    --dtype T             convert to f32, f64, i32, i64 or bool as
                          dl_array_load does (default: the file's own)
  compare A B             compare the arrays of A with the reference B (two
                          .npy files, or two .npz archives holding the same
                          names): same dtype and shape, and
                          |a - b| <= atol + rtol * |b| for every element
                          (NaN equals NaN). Prints the worst element of each
                          array; exits with 1 if any array differs.
    --rtol R              relative tolerance (default 1e-05)
    --atol A              absolute tolerance (default 1e-08)
  checkpoint-to-npz CKPT OUT.npz
                          write a checkpoint's tensors to an .npz archive,
                          by name (numpy.load reads it)
  npz-to-checkpoint IN.npz OUT.ckpt
                          write an archive's arrays (weights saved from
                          PyTorch with numpy.savez) as a checkpoint of
                          parameters

options:
  --help                  show this help
  --version               show the version
)";

int error(const std::string &message) {
  fmt::print(stderr, "dl-npy: error: {}\n", message);
  return 1;
}

/// A checkpoint's metadata: where training stands, then the optimizer.
void printCheckpointInfo(const std::string &path,
                         const dl_checkpoint *checkpoint) {
  const dl_checkpoint_info &info = *dl_checkpoint_get_info(checkpoint);
  fmt::print("{}: checkpoint version {}: model '{}', epoch {}, step {}, "
             "samples seen {}, rng seed {}\n",
             path, dl_checkpoint_version(checkpoint), info.model, info.epoch,
             info.step, info.samples_seen, info.rng_seed);
  fmt::print("{}: optimizer '{}'", path, info.optimizer);
  for (size_t i = 0; i < info.num_hyperparameters; ++i)
    fmt::print("{} {} = {}", i ? "," : ":", info.hyperparameters[i].key,
               info.hyperparameters[i].value);
  fmt::print("\n");
}

int printFiles(const std::vector<std::string> &paths,
               std::optional<dl_dtype> dtype) {
  int status = 0;
  for (const std::string &path : paths) {
    ArrayFile file;
    std::string message;
    if (!file.load(path, dtype, message)) {
      status = error(message);
      continue;
    }
    const dl_checkpoint *checkpoint = file.getCheckpoint();
    if (checkpoint)
      printCheckpointInfo(path, checkpoint);
    if (file.isArchive() && file.size() == 0)
      fmt::print("{}: no arrays\n", path);
    for (size_t i = 0; i < file.size(); ++i) {
      std::string label =
          file.isArchive() ? path + "/" + file.name(i) : file.name(i);
      if (checkpoint)
        label += fmt::format(" ({})", dl_checkpoint_role_name(
                                          dl_checkpoint_role_at(checkpoint, i)));
      fmt::print("{}: {}\n{}\n", label, formatTensorType(file.tensor(i)),
                 formatTensor(file.tensor(i)));
    }
  }
  std::fflush(stdout);
  return status;
}

int compareFiles(const std::string &actualPath, const std::string &expectedPath,
                 const Tolerance &tolerance) {
  ArrayFile actual, expected;
  std::string message;
  if (!actual.load(actualPath, std::nullopt, message) ||
      !expected.load(expectedPath, std::nullopt, message))
    return error(message);
  if (actual.isArchive() != expected.isArchive())
    return error(fmt::format("cannot compare an .npy file with an .npz "
                             "archive ('{}', '{}')",
                             actualPath, expectedPath));
  if (!actual.isArchive()) {
    std::string report;
    bool same =
        compareArrays(actual.tensor(0), expected.tensor(0), tolerance, report);
    fmt::print("{}: {}\n", actualPath, report);
    return same ? 0 : 1;
  }
  // Archives: every name of either, in the order of the first, then names
  // only the reference has.
  size_t differing = 0, total = 0;
  for (size_t i = 0; i < actual.size(); ++i, ++total) {
    const std::string &name = actual.name(i);
    const dl_tensor *reference = expected.find(name);
    if (!reference) {
      fmt::print("{}: MISMATCH: only in {}\n", name, actualPath);
      ++differing;
      continue;
    }
    std::string report;
    if (!compareArrays(actual.tensor(i), *reference, tolerance, report))
      ++differing;
    fmt::print("{}: {}\n", name, report);
  }
  for (size_t i = 0; i < expected.size(); ++i)
    if (!actual.find(expected.name(i))) {
      fmt::print("{}: MISMATCH: only in {}\n", expected.name(i), expectedPath);
      ++differing;
      ++total;
    }
  fmt::print("{} array{} compared, {} differ{}\n", total, total == 1 ? "" : "s",
             differing, differing == 1 ? "s" : "");
  return differing ? 1 : 0;
}

/// The dtype named by --dtype.
std::optional<dl_dtype> parseDtype(const std::string &text) {
  for (dl_dtype dtype : {DL_F32, DL_F64, DL_I32, DL_I64, DL_BOOL})
    if (text == dl_dtype_name(dtype))
      return dtype;
  return std::nullopt;
}

/// A tolerance option's value: a finite non-negative number.
bool parseTolerance(const std::string &text, double &value) {
  if (text.empty())
    return false;
  char *end = nullptr;
  errno = 0;
  value = std::strtod(text.c_str(), &end);
  return errno == 0 && *end == '\0' && std::isfinite(value) && value >= 0;
}

} // namespace

int main(int argc, char **argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty())
    return error("no command given (see 'dl-npy --help')");
  const std::string &command = args[0];
  if (command == "--help" || command == "-h") {
    fmt::print("{}", Usage);
    return 0;
  }
  if (command == "--version") {
    fmt::print("dl-npy (dlc) {}\n", DL_VERSION);
    return 0;
  }
  bool convert =
      command == "checkpoint-to-npz" || command == "npz-to-checkpoint";
  if (command != "print" && command != "compare" && !convert)
    return error(
        fmt::format("unknown command '{}' (see 'dl-npy --help')", command));

  std::vector<std::string> files;
  Tolerance tolerance;
  std::optional<dl_dtype> dtype;
  bool onlyFiles = false;
  for (size_t i = 1; i < args.size(); ++i) {
    const std::string &arg = args[i];
    if (onlyFiles || arg.size() < 2 || arg[0] != '-') {
      files.push_back(arg);
      continue;
    }
    if (arg == "--") {
      onlyFiles = true;
      continue;
    }
    // --rtol R and --rtol=R (compare only), --dtype T (print only).
    std::string name = arg.substr(0, arg.find('='));
    bool known = command == "compare" ? name == "--rtol" || name == "--atol"
                                      : command == "print" && name == "--dtype";
    if (!known)
      return error(fmt::format("unknown option '{}' for '{}'", arg, command));
    std::string value;
    if (name.size() < arg.size())
      value = arg.substr(name.size() + 1);
    else if (i + 1 < args.size())
      value = args[++i];
    else
      return error(fmt::format("option '{}' needs a value", name));
    if (name == "--dtype") {
      dtype = parseDtype(value);
      if (!dtype)
        return error(fmt::format("invalid value '{}' for --dtype: expected "
                                 "f32, f64, i32, i64 or bool",
                                 value));
      continue;
    }
    if (!parseTolerance(value,
                        name == "--rtol" ? tolerance.rtol : tolerance.atol))
      return error(fmt::format("invalid value '{}' for {}: expected a "
                               "non-negative number",
                               value, name));
  }
  if (command == "print") {
    if (files.empty())
      return error("'print' needs at least one file");
    return printFiles(files, dtype);
  }
  if (convert) {
    if (files.size() != 2)
      return error(fmt::format("'{}' needs two files, {} given", command,
                               files.size()));
    dl_status status =
        command == "checkpoint-to-npz"
            ? dl_checkpoint_to_npz(files[0].c_str(), files[1].c_str())
            : dl_checkpoint_from_npz(files[0].c_str(), files[1].c_str(),
                                     nullptr, DL_CHECKPOINT_PARAM);
    return status == DL_OK ? 0 : error(dl_last_error());
  }
  if (files.size() != 2)
    return error(
        fmt::format("'compare' needs two files, {} given", files.size()));
  return compareFiles(files[0], files[1], tolerance);
}
