// Compares the rules of learning as it reads (docs/starting-from-a-model.md, "The RMS rule") on
// one checkpoint and one text: static, SGD steps and RMS-normalised steps at given rates, each
// mixed with the checkpoint's n-gram (counting as it reads) with λ refit on the text itself, so
// that no rule gains by whose λ were stored. A comparison of rules, not a held-out number.
// With --base B, also the upper bound of a mixture of three (the checkpoint's network adapting,
// B's network static, the n-gram), its weights fit by EM on the text: what B knows that
// fine-tuning lost. Needs `npm run build`.
//   node scripts/adapt-rules.mjs CHECKPOINT TEXT [--sgd 0.3] [--rms 0.001] [--base models/en]

import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { initBackend } from '../dist/node/backend.js';
import { loadCheckpoint } from '../dist/node/checkpoint-files.js';
import { modelPath } from '../dist/node/models.js';
import { segment, streamOf } from '../dist/text/tokenizer.js';
import { streamLossAdaptive } from '../dist/inference/dynamic.js';
import { ReadingNGram } from '../dist/ngram/reading.js';
import { fitMixture, mixtureNats } from '../dist/ngram/mixture.js';

const { values: o, positionals } = parseArgs({
  allowPositionals: true,
  options: { sgd: { type: 'string', default: '0.3' }, rms: { type: 'string', default: '0.001' }, base: { type: 'string' } },
});
if (positionals.length !== 2) throw new Error('usage: node scripts/adapt-rules.mjs CHECKPOINT TEXT [--sgd 0.3] [--rms 0.001] [--base models/en]');
await initBackend('wasm');
const ck = loadCheckpoint(positionals[0]);
const text = readFileSync(positionals[1], 'utf8');
const LN2 = Math.log(2);

/** ln P of each token of the text under a checkpoint's network, read in ck's segmentation. */
async function network(model, a) {
  const { ids } = streamOf(model.vocab, segment(model.vocab.normalized(text), ck.meta.segmentation));
  const lp = new Float64Array(ids.length - 1);
  await streamLossAdaptive(model.params, ids, { segment: 32, ...a }, { perPosition: lp });
  return lp;
}

const bits = (nats, n) => (nats / n / LN2).toFixed(4);
const { ids } = streamOf(ck.vocab, segment(ck.vocab.normalized(text), ck.meta.segmentation));
const ng = new ReadingNGram(ck.ngram).scoreStream(ids);
const rules = {
  static: { lr: 0, clip: 0 },
  [`sgd ${o.sgd}`]: { lr: Number(o.sgd), clip: 1, rule: 'sgd' },
  [`rms ${o.rms}`]: { lr: Number(o.rms), clip: 0, rule: 'rms' },
};
let adapted = null;
for (const [name, a] of Object.entries(rules)) {
  const lp = await network(ck, a);
  const n = lp.length;
  const mix = mixtureNats(lp, ng.logProbs, ng.buckets, fitMixture(lp, ng.logProbs, ng.buckets));
  console.log(`${name.padEnd(12)} network ${bits(-lp.reduce((x, y) => x + y, 0), n)}  mixture (λ fit on the text) ${bits(mix, n)} bits/char over ${n} tokens`);
  if (a.rule === 'rms') adapted = lp;
}

if (o.base) {
  const base = loadCheckpoint(modelPath(o.base));
  const b = await network(base, { lr: 0, clip: 0 });
  if (b.length !== adapted.length) throw new Error(`${o.base} reads the text in ${b.length} tokens, the checkpoint in ${adapted.length}`);
  // EM on the weights of the three: each one's share of each token's probability, averaged.
  const parts = [adapted, ng.logProbs, b];
  let w = [1 / 3, 1 / 3, 1 / 3];
  const n = b.length;
  let nats = 0;
  for (let it = 0; it < 200; it++) {
    const share = [0, 0, 0];
    nats = 0;
    for (let i = 0; i < n; i++) {
      const p = parts.map((lp, k) => w[k] * Math.exp(lp[i]));
      const sum = p[0] + p[1] + p[2];
      nats -= Math.log(sum);
      p.forEach((x, k) => (share[k] += x / sum));
    }
    w = share.map((x) => x / n);
  }
  console.log(
    `three        rms network + n-gram + ${o.base} static: ${bits(nats, n)} bits/char (weights ${w.map((x) => x.toFixed(3)).join(', ')}; fit on the text: an upper bound)`,
  );
}
