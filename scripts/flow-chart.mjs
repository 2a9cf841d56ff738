// Gradient flow of several models on one chart, as an SVG for the README: the mean influence
// by distance from `rnnlm inside --flow FILE --json`, relative to d = 1, on a log scale.
//   node scripts/flow-chart.mjs out.svg RNN=flow-rnn.json GRU=flow-gru.json LSTM=flow-lstm.json

import { readFileSync, writeFileSync } from 'node:fs';

const [out, ...series] = process.argv.slice(2);
if (!out || series.length === 0) {
  console.error('usage: node scripts/flow-chart.mjs out.svg NAME=flow.json [NAME=flow.json …]');
  process.exit(2);
}
const COLORS = ['#d62728', '#2ca02c', '#1f77b4', '#9467bd', '#8c564b'];
const W = 720,
  H = 360,
  L = 60,
  R = 130,
  T = 20,
  B = 45;
const FLOOR = -8;
const lines = series.map((arg, i) => {
  const [name, file] = arg.split('=');
  const f = JSON.parse(readFileSync(file, 'utf8'));
  const base = f.mean[1];
  const pts = f.mean.map((v, d) => [d, Math.max(FLOOR, Math.log10(Math.max(v, 1e-300) / base))]).filter(([d], k) => d >= 1 && f.count[k] > 0);
  return { name, color: COLORS[i % COLORS.length], pts, onePercent: f.one_percent, maxD: f.mean.length - 1 };
});
const maxD = Math.max(...lines.map((l) => l.maxD));
const x = (d) => L + ((d - 1) / (maxD - 1)) * (W - L - R);
const y = (v) => T + (-v / -FLOOR) * (H - T - B);
const svg = [
  `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
  `<rect width="${W}" height="${H}" fill="#fff"/>`,
];
for (let v = 0; v >= FLOOR; v--) {
  svg.push(`<line x1="${L}" x2="${W - R}" y1="${y(v)}" y2="${y(v)}" stroke="${v === -2 ? '#999' : '#e5e5e5'}"${v === -2 ? ' stroke-dasharray="4 3"' : ''}/>`);
  svg.push(`<text x="${L - 6}" y="${y(v) + 4}" text-anchor="end">${v === 0 ? '1' : `1e${v}`}</text>`);
}
for (let d = 0; d <= maxD; d += 25) {
  const dd = Math.max(1, d);
  svg.push(
    `<line x1="${x(dd)}" x2="${x(dd)}" y1="${T}" y2="${H - B}" stroke="#f0f0f0"/><text x="${x(dd)}" y="${H - B + 16}" text-anchor="middle">${dd}</text>`,
  );
}
svg.push(`<text x="${(L + W - R) / 2}" y="${H - 8}" text-anchor="middle">distance d (characters back)</text>`);
svg.push(`<text transform="translate(14 ${(T + H - B) / 2}) rotate(-90)" text-anchor="middle">mean influence, relative to d = 1</text>`);
svg.push(`<text x="${W - R + 4}" y="${y(-2) + 4}" fill="#666">1%</text>`);
lines.forEach((l, i) => {
  svg.push(`<polyline fill="none" stroke="${l.color}" stroke-width="2" points="${l.pts.map(([d, v]) => `${x(d).toFixed(1)},${y(v).toFixed(1)}`).join(' ')}"/>`);
  svg.push(`<text x="${W - R + 24}" y="${T + 16 + 18 * i}" fill="${l.color}">${l.name}: 1% at ${l.onePercent ?? '—'}</text>`);
});
svg.push('</svg>');
writeFileSync(out, svg.join('\n') + '\n');
