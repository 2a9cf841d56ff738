// Builds the web page into dist/web: src/web/main.ts bundled with its imports (TF.js,
// uPlot and rnnlm's own tokenizer, stepper, sampler and scorer) by esbuild, the trainer
// thread src/web/worker.ts (rnnlm's core trainer) likewise, its styles,
// index.html, and TF.js's wasm binaries, which the page loads from beside itself; and the
// browser entry of the library (src/browser.ts → dist/browser/rnnlm.js, the package's
// `rnnlm/browser`): rnnlm's code in one ES module, TF.js and fflate left to the user's
// bundler as the package's dependencies, no Node import reachable (checked here).

import { copyFileSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist', 'web');
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const common = {
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  minify: true,
  legalComments: 'eof',
  logLevel: 'warning',
  define: { RNNLM_VERSION: JSON.stringify(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version) },
};
// The page, and its trainer thread (a module Web Worker: training leaves the page responsive).
await build({ ...common, entryPoints: [join(root, 'src', 'web', 'main.ts')], outfile: join(out, 'app.js') });
await build({ ...common, entryPoints: [join(root, 'src', 'web', 'worker.ts')], outfile: join(out, 'trainer.js') });
copyFileSync(join(root, 'src', 'web', 'index.html'), join(out, 'index.html'));
const lib = join(root, 'dist', 'browser', 'rnnlm.js');
const built = await build({
  ...common,
  minify: false,
  metafile: true,
  entryPoints: [join(root, 'src', 'browser.ts')],
  outfile: lib,
  external: ['@tensorflow/*', 'fflate'],
});
const nodeImports = Object.values(built.metafile.outputs).flatMap((o) =>
  o.imports.filter((i) => i.path.startsWith('node:') || (i.external && !/^(@tensorflow\/|fflate$)/.test(i.path))).map((i) => i.path),
);
if (nodeImports.length > 0) throw new Error(`dist/browser/rnnlm.js imports ${nodeImports.join(', ')}: the browser entry must reach no Node module`);
const wasmDir = dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/package.json'));
for (const f of ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm']) {
  copyFileSync(join(wasmDir, 'dist', f), join(out, f));
}
