#!/usr/bin/env bash
# Runs on the lent GPU machine from the repository root, with .device/ carried (built by
# scripts/device-bundle.sh): unpacks Node and the bundle into /tmp, installs the Vulkan
# loader, then the worker-scaling bench and the GPU check. Output also goes to $OUT.
set -uo pipefail
OUT=${OUT:-/tmp/out}; mkdir -p "$OUT"
for f in .device/*.deb; do dpkg -x "$f" /; done; ldconfig
export VK_DRIVER_FILES=${VK_DRIVER_FILES:-/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json}
R=/tmp/rnnlm-device; mkdir -p $R
xz -dc .device/node.xz > $R/node && chmod +x $R/node && export PATH=$R:$PATH
tar -xJf .device/bundle.tar.xz -C $R
rm -rf node_modules dist && ln -s $R/node_modules node_modules && ln -s $R/dist dist
node --version; nproc; nvidia-smi -L 2>/dev/null
# 1. webgpu against wasm (loss, ten steps), speed by batch, fused vs per gate, op costs.
timeout 150 node scripts/gpu-check.mjs 2>&1 | tee "$OUT/gpu-check.txt"
# 2. Worker scaling on wasm, and the machine's ceiling for independent threads.
timeout 60 node dist/bench/scale.js 256:1 256:16 512:16 2>&1 | tee "$OUT/scale.jsonl"
timeout 60 node scripts/cores-check.mjs 1 4 8 12 16 2>&1 | tee "$OUT/cores.jsonl"
# 3. The bench's JSON on webgpu.
timeout 60 node dist/bench/main.js --backend webgpu --batch-size 1024 --big-mb 0 --no-layers-baseline --no-eval-parity --json 2>&1 | tee "$OUT/bench-webgpu.json"
# 4. Training on webgpu for the same time at two batches (and the larger with twice the rate),
#    when a corpus was carried (.device/shakespeare.txt.xz).
if [ -f .device/shakespeare.txt.xz ]; then
  xz -dc .device/shakespeare.txt.xz > /tmp/corpus.txt
  for run in "256 auto" "1024 auto" "1024 0.016"; do
    set -- $run
    echo "== train --backend webgpu --batch-size $1 --lr $2" | tee -a "$OUT/train.txt"
    timeout 75 node dist/cli/main.js train /tmp/corpus.txt --backend webgpu --time 40s --layers 1 --hidden 512 \
      --batch-size "$1" --lr "$2" -o "/tmp/ck-$1-$2" --force --no-color 2>&1 | tail -25 | tee -a "$OUT/train.txt"
  done
fi
