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
timeout 240 node dist/bench/scale.js 64:1 256:1 256:4 256:8 256:16 512:8 512:16 | tee "$OUT/scale.jsonl"
timeout 200 node scripts/gpu-check.mjs | tee "$OUT/gpu-check.txt"
