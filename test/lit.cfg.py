# lit configuration for dlc's tests.
import os
import shutil
import sys

import lit.formats

config.name = "dlc"
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = [".mlir", ".dl", ".test", ".c", ".cpp"]
config.excludes = ["Inputs", "CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.dl_binary_dir, "test")

# Tools: ours first, then LLVM's (FileCheck, not, count).
config.environment["PATH"] = os.pathsep.join(
    [config.dl_tools_dir, config.llvm_tools_dir, config.environment.get("PATH", "")])
# Tests never depend on the user's search path or terminal.
config.environment.pop("DLC_PATH", None)
config.environment["TERM"] = "dumb"
config.environment["NO_COLOR"] = "1"

# The Python running lit, for generating large inputs (never for expected
# values: those are committed fixtures).
config.substitutions.append(("%python", sys.executable))
config.substitutions.append(("%dl_src", config.dl_source_dir))
config.substitutions.append(("%stdlib", os.path.join(config.dl_source_dir, "stdlib")))
config.substitutions.append(("%examples", os.path.join(config.dl_source_dir, "examples")))
config.substitutions.append(("%dl_libdir", config.dl_lib_dir))
config.substitutions.append(("%dl_include", os.path.join(config.dl_source_dir, "include")))

# A C compiler for tests that build programs against the runtime.
for cc in ("clang-22", "cc"):
    path = shutil.which(cc)
    if path:
        config.substitutions.append(("%cc", path))
        config.available_features.add("cc")
        break

# A C++ compiler, pkg-config and cmake for the tests that build programs
# against an installed tree (test/Embedding).
config.substitutions.append(("%dl_build", config.dl_binary_dir))
for cxx in ("clang++-22", "c++"):
    path = shutil.which(cxx)
    if path:
        config.substitutions.append(("%cxx", path))
        config.available_features.add("cxx")
        break
for tool in ("pkg-config", "cmake"):
    if shutil.which(tool):
        config.available_features.add(tool)

# Graphviz, to check that dlc --emit=dot writes graphs it reads.
if shutil.which("dot"):
    config.available_features.add("graphviz")

# The test programs built on a sanitized runtime (dl-model-errors-asan,
# dl-model-threads) exist.
for sanitizer in config.dl_sanitizers.split(";"):
    if sanitizer:
        config.available_features.add(sanitizer)

if shutil.which("ptxas") or os.path.exists("/usr/local/cuda/bin/ptxas"):
    config.available_features.add("ptxas")
