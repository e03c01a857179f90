#!/usr/bin/env bash
# Build lwd_ros messages into the active venv without a ROS distro (design.md §7).
# Usage: scripts/build_msgs.sh  (with VIRTUAL_ENV set, e.g. by `source .venv/bin/activate`)
set -euo pipefail
: "${VIRTUAL_ENV:?activate the venv first}"
here=$(cd "$(dirname "$0")/.." && pwd)
py="$VIRTUAL_ENV/bin/python"

# The ROS wheels' exported CMake files hard-code the wheel builder's Python and numpy include
# dirs; point them at this interpreter's (idempotent).
py_inc=$("$py" -c 'import sysconfig; print(sysconfig.get_paths()["include"])')
np_inc=$("$py" -c 'import numpy; print(numpy.get_include())')
{ grep -rlE '/opt/python/cp311-cp311' "$VIRTUAL_ENV/share" --include='*.cmake' || true; } \
  | xargs -r sed -i \
      -e "s#/opt/python/cp311-cp311/lib/python3.11/site-packages/numpy/_core/include#${np_inc}#g" \
      -e "s#/opt/python/cp311-cp311/include/python3.11#${py_inc}#g"

export CMAKE_PREFIX_PATH="$VIRTUAL_ENV" AMENT_PREFIX_PATH="$VIRTUAL_ENV"
build="$here/build/pip-msgs"
mkdir -p "$build"
cmake -S "$here" -B "$build" -DCMAKE_INSTALL_PREFIX="$VIRTUAL_ENV" \
  -DPython3_EXECUTABLE="$py" -DBUILD_TESTING=OFF -Wno-dev > "$build.log" 2>&1 \
  || { tail -40 "$build.log"; exit 1; }
cmake --build "$build" -j"$(nproc)" >> "$build.log" 2>&1 || { tail -40 "$build.log"; exit 1; }
cmake --install "$build" >> "$build.log" 2>&1 || { tail -40 "$build.log"; exit 1; }
