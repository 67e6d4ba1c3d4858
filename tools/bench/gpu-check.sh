#!/usr/bin/env bash
# Lethe's GPU check: runs on a machine with an NVIDIA GPU and no network at all, from the folder
# tools/bench/gpu-pack.sh builds (lib/ holds the jars, data/ a Fashion-MNIST subset). In at most 10
# minutes it:
#   1. checks nvidia-smi lists a GPU, that PYTORCH_LIBRARY_PATH holds a CUDA libtorch 2.7.1
#      (libtorch.so, libtorch_cuda.so, libc10_cuda.so) and that Java 17+ is there: each failure
#      is one line and a non-zero exit within seconds;
#   2. loads DJL on that libtorch, offline, and checks it sees the GPU (gpu-probe);
#   3. measures ResNet-18 throughput at 64x64 and 224x224 (train step, DLFD perturbation step,
#      eval forward; img/s) and one DLFD unlearning job, on the CPU and on the GPU, and prints ONE
#      Markdown table (also in $GPU_CHECK_OUT/gpu-check.md).
# CPU figures use the same CUDA libtorch (Device.cpu()): nothing is downloaded.
#
# Which libtorch: torch 2.7.1 built with CUDA 12.8 (cxx11 ABI), e.g.
#   pip install torch==2.7.1 --index-url https://download.pytorch.org/whl/cu128
#   export PYTORCH_LIBRARY_PATH=$(python3 -c 'import torch, os; print(os.path.dirname(torch.__file__))')/lib
# DJL 0.36.0's JNI (ai.djl.pytorch:pytorch-jni:2.7.1-0.36.0, in lib/) is built for libtorch 2.7.1,
# flavours cpu and cu128 only; no other pytorch-jni exists for DJL 0.36.0 on Maven Central. Other
# CUDA builds of 2.7.1 (cu118, cu126) may work (the JNI links libtorch, not the CUDA runtime) but
# are untested; other torch versions cannot work offline.
#
# Settings (environment):
#   PYTORCH_LIBRARY_PATH  required: the folder with libtorch.so, libtorch_cuda.so, libc10_cuda.so
#   PYTORCH_VERSION       default 2.7.1 (anything else is refused)
#   PYTORCH_FLAVOR        default cu128 (the JNI flavour in the jar)
#   GPU_CHECK_DEVICE      default gpu (= gpu:0); gpu:N for another GPU
#   GPU_CHECK_DATA        default <this folder>/data/fashion-mnist
#   GPU_CHECK_OUT         default ./gpu-check-results
#   GPU_CHECK_TIMEOUT     default 600 (seconds, for the whole check)
#   GPU_CHECK_ARGS        more options for the measurements (java ... GpuCheck --help)
#   JAVA                  default: $JAVA_HOME/bin/java, else java on PATH
# Exit codes: 0 done; 10-12 no NVIDIA GPU; 20-23 no usable libtorch; 30 no Java 17; 31 no pack;
# 40 DJL sees no GPU; 41 the engine did not load; 50 a measurement failed; 124 over time.
set -uo pipefail

START=$SECONDS
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TIMEOUT=${GPU_CHECK_TIMEOUT:-600}

fail() { # code message...
  local code=$1
  shift
  echo "gpu-check: FAILED: $*" >&2
  exit "$code"
}
say() { echo "gpu-check: $*" >&2; }

# ---- 1. the GPU, as the driver sees it
command -v nvidia-smi >/dev/null 2>&1 ||
  fail 10 "nvidia-smi not found: no NVIDIA driver on this machine, so no GPU to check (run this on a machine with an NVIDIA GPU)"
if ! gpus=$(timeout 20 nvidia-smi --query-gpu=index,name,driver_version,memory.total --format=csv,noheader 2>&1); then
  fail 11 "nvidia-smi failed, so the driver sees no usable GPU: $(echo "$gpus" | head -1)"
fi
[[ -n ${gpus//[[:space:]]/} ]] || fail 12 "nvidia-smi lists no GPU"
say "GPUs: $(echo "$gpus" | tr '\n' ';')"

# ---- 2. a CUDA libtorch 2.7.1
lib=${PYTORCH_LIBRARY_PATH:-}
[[ -n $lib ]] ||
  fail 20 "PYTORCH_LIBRARY_PATH is not set: point it at the lib folder of a CUDA torch 2.7.1 (e.g. <site-packages>/torch/lib of pip install torch==2.7.1 --index-url https://download.pytorch.org/whl/cu128)"
[[ -f $lib/libtorch.so ]] ||
  fail 21 "PYTORCH_LIBRARY_PATH=$lib holds no libtorch.so: it must be the lib folder of a torch 2.7.1 installation"
for cuda_lib in libtorch_cuda.so libc10_cuda.so; do
  [[ -f $lib/$cuda_lib ]] ||
    fail 22 "PYTORCH_LIBRARY_PATH=$lib holds no $cuda_lib: this torch is a CPU-only build; a CUDA build (cu128) is needed"
done
found=""
if [[ -f $lib/../version.py ]]; then # pip wheel: __version__ = '2.7.1+cu128'
  found=$(sed -n "s/^__version__ = '\([^']*\)'.*/\1/p" "$lib/../version.py" | head -1)
elif [[ -f $lib/../build-version ]]; then # libtorch zip: 2.7.1+cu128
  found=$(head -1 "$lib/../build-version")
fi
export PYTORCH_VERSION=${PYTORCH_VERSION:-2.7.1}
export PYTORCH_FLAVOR=${PYTORCH_FLAVOR:-cu128}
[[ $PYTORCH_VERSION == 2.7.1 ]] ||
  fail 23 "PYTORCH_VERSION=$PYTORCH_VERSION: DJL 0.36.0's only JNI (pytorch-jni 2.7.1-0.36.0) needs torch 2.7.1"
if [[ -n $found ]]; then
  [[ $found == 2.7.1* ]] ||
    fail 23 "PYTORCH_LIBRARY_PATH=$lib is torch $found; DJL 0.36.0's only JNI (pytorch-jni 2.7.1-0.36.0) needs torch 2.7.1 (cu128)"
  [[ $found == *cu128* ]] || say "WARNING: torch $found: the JNI is built for cu128; other CUDA builds of 2.7.1 are untested"
else
  say "WARNING: cannot tell the torch version in $lib (no ../version.py or ../build-version); assuming 2.7.1"
fi
say "libtorch: $lib (torch ${found:-unknown}), PYTORCH_VERSION=$PYTORCH_VERSION PYTORCH_FLAVOR=$PYTORCH_FLAVOR"

# ---- 3. Java and the pack
java=${JAVA:-${JAVA_HOME:+$JAVA_HOME/bin/java}}
java=${java:-java}
command -v "$java" >/dev/null 2>&1 || fail 30 "no Java: install a JDK or JRE 17+ or set JAVA_HOME"
jv=$("$java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1)
[[ -n $jv && $jv -ge 17 ]] || fail 30 "Java 17+ needed, $java is version ${jv:-unknown}"
[[ -f $HERE/lib/lethe-bench-classes.jar ]] ||
  fail 31 "no pack next to this script ($HERE/lib): run tools/bench/gpu-pack.sh where Maven works and copy target/gpu-pack here"
data=${GPU_CHECK_DATA:-$HERE/data/fashion-mnist}
out=${GPU_CHECK_OUT:-$PWD/gpu-check-results}
mkdir -p "$out"

# DJL never downloads: offline, and its cache (where it unpacks the JNI from the jar) is ours.
export DJL_OFFLINE=true DJL_CACHE_DIR=$out/djl-cache ENGINE_CACHE_DIR=$out/djl-cache
jvm=(-Xmx"${GPU_CHECK_HEAP:-6g}" -Dai.djl.offline=true -Dorg.slf4j.simpleLogger.defaultLogLevel=warn
  -cp "$HERE/lib/*")

# ---- 4. DJL sees the GPU
left=$((TIMEOUT - (SECONDS - START)))
timeout "$((left < 120 ? left : 120))" "$java" "${jvm[@]}" io.lethe.bench.GpuProbe
rc=$?
case $rc in
  0) ;;
  3) fail 40 "DJL loaded libtorch from $lib but sees no GPU (see the lines above)" ;;
  124) fail 124 "the GPU probe did not finish in time" ;;
  *) fail 41 "the engine did not load libtorch from $lib (exit $rc; see the lines above)" ;;
esac

# ---- 5. measurements, CPU beside GPU, within what is left of the time budget
left=$((TIMEOUT - (SECONDS - START)))
say "measuring (at most ${left} s more); progress on stderr, the table at the end"
# shellcheck disable=SC2086 # GPU_CHECK_ARGS is a list of options
timeout "$left" "$java" "${jvm[@]}" io.lethe.bench.GpuCheck --device "${GPU_CHECK_DEVICE:-gpu}" \
  --data-dir "$data" --output-dir "$out" ${GPU_CHECK_ARGS:-}
rc=$?
case $rc in
  0) say "done in $((SECONDS - START)) s; table in $out/gpu-check.md" ;;
  124) fail 124 "the measurements did not finish within ${TIMEOUT} s" ;;
  *) fail 50 "the measurements failed (exit $rc; see above)" ;;
esac
