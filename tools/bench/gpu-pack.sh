#!/usr/bin/env bash
# Builds the GPU check's pack: a folder to copy to a machine with an NVIDIA GPU and no network,
# where tools/bench/gpu-check.sh (copied in as ./gpu-check.sh) runs from it.
#
#   tools/bench/gpu-pack.sh [OUT]          # default OUT: target/gpu-pack (run from anywhere)
#
# What goes in (at most 60 MB; the script prints the size and fails above it):
#   lib/    lethe-engine and lethe-bench (their classes), and the engine's runtime dependencies:
#           DJL 0.36.0 api and pytorch-engine, Jackson, SLF4J, picocli, and the JNI glue jar
#           ai.djl.pytorch:pytorch-jni:2.7.1-0.36.0. NO libtorch: no pytorch-native-* jar, no
#           libtorch*.so, no DJL cache. The GPU machine brings its own CUDA libtorch.
#   data/fashion-mnist/   the first 2,000 training and 200 test images of Fashion-MNIST (IDX, gzip),
#           for the check's unlearning job (from $FASHION_MNIST_DIR, default
#           /usr/share/datasets/fashion-mnist; left out, with a warning, if absent).
#   gpu-check.sh, README.txt
# The services (Kafka, Vert.x, S3 clients) are not in it: the check runs the engine, and with them
# the folder would be over 60 MB.
#
# Which libtorch works: DJL 0.36.0's JNI exists on Maven Central only as pytorch-jni
# 2.7.1-0.36.0 (2.5.1-0.36.0 and others: not published). Its jar holds libdjl_torch.so for
# linux-x86_64 flavours "cpu" and "cu128" only, linked against libtorch 2.7.1's libc10, libtorch,
# libtorch_cpu and libc10_cuda/libtorch_cuda (cxx11 ABI; DJL dropped precxx11 at 2.7.1). So: torch
# 2.7.1 built with CUDA 12.8 (pip install torch==2.7.1 --index-url
# https://download.pytorch.org/whl/cu128, then PYTORCH_LIBRARY_PATH=<site-packages>/torch/lib),
# with PYTORCH_VERSION=2.7.1 PYTORCH_FLAVOR=cu128 (gpu-check.sh sets both if unset). Other CUDA
# builds of 2.7.1 (cu118, cu126) may load, since the JNI links libtorch, not the CUDA runtime, but
# are untested. Other torch versions do not work offline.
#
# Needs Maven and a JDK 17 here; MVN_ARGS (e.g. "-o") is passed to Maven.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT=${1:-$ROOT/target/gpu-pack}
LIMIT_MB=60
TRAIN_IMAGES=2000
TEST_IMAGES=200
FASHION_MNIST_DIR=${FASHION_MNIST_DIR:-/usr/share/datasets/fashion-mnist}
read -r -a MVN <<<"mvn -B -q ${MVN_ARGS:-}"

say() { echo "gpu-pack: $*" >&2; }
die() {
  say "FAILED: $*"
  exit 1
}

cd "$ROOT"
say "building lethe-engine and lethe-bench (mvn -pl tools/bench -am install -DskipTests)"
"${MVN[@]}" -pl tools/bench -am install -DskipTests

rm -rf "$OUT"
mkdir -p "$OUT/lib"
say "copying the engine's runtime dependencies without native libtorch"
"${MVN[@]}" -pl libs/lethe-engine dependency:copy-dependencies -DincludeScope=runtime \
  -DexcludeArtifactIds=pytorch-native-cpu,pytorch-native-cu128 -DoutputDirectory="$OUT/lib"
"${MVN[@]}" -pl tools/bench dependency:copy-dependencies -DincludeScope=runtime \
  -DincludeArtifactIds=picocli,slf4j-simple -DoutputDirectory="$OUT/lib"
engine_jar=$(ls libs/lethe-engine/target/lethe-engine-*.jar | grep -v -e sources -e tests | head -1)
cp "$engine_jar" "$OUT/lib/"
# Not lethe-bench.jar (shaded: libtorch and every service inside): the bench's compiled classes.
jar --create --file "$OUT/lib/lethe-bench-classes.jar" -C tools/bench/target/classes .
ls "$OUT"/lib/pytorch-jni-2.7.1-0.36.0.jar >/dev/null || die "pytorch-jni 2.7.1-0.36.0 is missing"

# A subset of Fashion-MNIST: the IDX header with the new count, then the first N records.
idx_subset() { # src.gz dst.gz count record_bytes header_tail_bytes
  local src=$1 dst=$2 n=$3 size=$4 tail=$5 hex tmp
  hex=$(printf '%08x' "$n")
  tmp=$(mktemp)
  gzip -dc "$src" >"$tmp"
  {
    head -c 4 "$tmp"
    printf "\\x${hex:0:2}\\x${hex:2:2}\\x${hex:4:2}\\x${hex:6:2}"
    head -c $((8 + tail + n * size)) "$tmp" | tail -c +9
  } | gzip -9 >"$dst"
  rm -f "$tmp"
}
if [[ -f $FASHION_MNIST_DIR/train-images-idx3-ubyte.gz ]]; then
  say "packing $TRAIN_IMAGES + $TEST_IMAGES Fashion-MNIST images from $FASHION_MNIST_DIR"
  d="$OUT/data/fashion-mnist"
  mkdir -p "$d"
  idx_subset "$FASHION_MNIST_DIR/train-images-idx3-ubyte.gz" "$d/train-images-idx3-ubyte.gz" "$TRAIN_IMAGES" 784 8
  idx_subset "$FASHION_MNIST_DIR/train-labels-idx1-ubyte.gz" "$d/train-labels-idx1-ubyte.gz" "$TRAIN_IMAGES" 1 0
  idx_subset "$FASHION_MNIST_DIR/t10k-images-idx3-ubyte.gz" "$d/t10k-images-idx3-ubyte.gz" "$TEST_IMAGES" 784 8
  idx_subset "$FASHION_MNIST_DIR/t10k-labels-idx1-ubyte.gz" "$d/t10k-labels-idx1-ubyte.gz" "$TEST_IMAGES" 1 0
else
  say "WARNING: no Fashion-MNIST in $FASHION_MNIST_DIR: the pack has no data;" \
    "run gpu-check.sh with GPU_CHECK_DATA=<dir of the four IDX files>"
fi

cp tools/bench/gpu-check.sh "$OUT/gpu-check.sh"
chmod +x "$OUT/gpu-check.sh"
cat >"$OUT/README.txt" <<'EOF'
Lethe GPU check. On the GPU machine (no network needed):

  export PYTORCH_LIBRARY_PATH=<site-packages>/torch/lib   # torch 2.7.1 with CUDA (cu128)
  ./gpu-check.sh

Needs: an NVIDIA GPU and driver (nvidia-smi), Java 17+, torch 2.7.1+cu128's libraries.
Prints one Markdown table (CPU beside GPU) and writes gpu-check-results/. Header of
gpu-check.sh: every setting.
EOF

# Nothing of libtorch: no native jar, no shared library outside the pytorch-jni jar's JNI glue.
natives=$(find "$OUT" -name 'pytorch-native-*' -o -name '*.so' -o -name '*.so.*' -o -name '*.dylib' -o -name '*.dll')
[[ -z $natives ]] || die "native libraries in the pack: $natives"
for jar in "$OUT"/lib/*.jar; do
  if unzip -l "$jar" | grep -Eq ' (native/lib/|pytorch/)[^ ]*(libtorch|libc10)[^ ]*$'; then
    die "$jar carries libtorch"
  fi
done

bytes=$(du -sb "$OUT" | cut -f1)
mb=$(awk -v b="$bytes" 'BEGIN { printf "%.1f", b / 1048576 }')
say "pack: $OUT, $(ls "$OUT/lib" | wc -l) jars, $mb MiB ($bytes bytes)"
if ((bytes > LIMIT_MB * 1048576)); then
  die "the pack is $mb MiB, over the $LIMIT_MB MiB limit"
fi
echo "$OUT"
