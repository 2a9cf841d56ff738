#!/usr/bin/env bash
# GPU check (issue 12): on a machine with a GPU, after `npm install` and
# `npm install webgpu @tensorflow/tfjs-backend-webgpu`: webgpu against wasm (one window's
# loss and gradients, ten training steps), the speed of a window by batch, then the bench.
set -euo pipefail
cd "$(dirname "$0")/.."
node scripts/gpu-check.mjs "$@"
node dist/bench/main.js --backend webgpu --batch-size 1024 --big-mb 0 --no-layers-baseline --no-eval-parity
