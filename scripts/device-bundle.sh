#!/usr/bin/env bash
# Builds .device/ (ignored by git) for a run on a lent GPU machine that has no Node and no
# network (see ../shared/DEVICE.md): node itself, the production node_modules with the
# webgpu packages, dist/, and the Vulkan loader as Debian packages. Then, with the device
# tool: carry [".device"], command "bash scripts/device-run.sh".
set -euo pipefail
cd "$(dirname "$0")/.."
npm run build >/dev/null
rm -rf .device && mkdir -p .device
grep -qx '.device/' .git/info/exclude 2>/dev/null || echo '.device/' >> .git/info/exclude
xz -T2 -6 -c "$(command -v node)" > .device/node.xz
tmp=$(mktemp -d)
cp package.json package-lock.json "$tmp/"
(cd "$tmp" && npm ci --omit=dev --ignore-scripts --no-audit --no-fund >/dev/null && npm install --no-save --omit=dev --ignore-scripts --no-audit --no-fund webgpu @tensorflow/tfjs-backend-webgpu@4.22.0 >/dev/null)
find "$tmp/node_modules" -name '*.map' -delete
for d in "$tmp"/node_modules/webgpu/dist/*; do case "$(basename "$d")" in linux-x64*|*.js|*.ts|*.json) ;; *) rm -rf "$d" ;; esac; done
rm -rf "$tmp/node_modules/@tensorflow/tfjs-node"
cp -r dist "$tmp/dist"
echo '{"type":"module"}' > "$tmp/package.json"
tar -C "$tmp" -cJf .device/bundle.tar.xz node_modules dist package.json
rm -rf "$tmp"
(cd .device && apt-get download libvulkan1 libegl1 libglvnd0 libopengl0 libgl1 libglx0 libgles2 >/dev/null)
du -sh .device .device/*
