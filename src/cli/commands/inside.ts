// `rnnlm inside [text..]`: the gates after each character and what one prediction looked
// back at (influence, ‖∂ log P / ∂ x<k>‖); `--flow FILE`: influence by distance over a
// held-out text — the vanishing gradient, measured on the user's own model.

import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { readText } from '../../node/textfile.js';
import { inputError } from '../../common/errors.js';
import { GATE_NAMES, gradientFlow, inside, type Flow, type Inside } from '../../inference/inside.js';
import { segment, streamOf } from '../../text/tokenizer.js';
import { makeContext, type Context, type GlobalArgs } from '../context.js';
import { flowChart, shadeRow, table } from '../format.js';
import { makeProgress } from '../progress.js';
import { numberOption } from '../options.js';
import { announce, loadModel, modelOption } from './load.js';

interface Args extends GlobalArgs {
  text?: string[];
  model?: string;
  at?: number;
  layer?: number;
  units?: boolean;
  flow?: string;
  positions: number;
  distance: number;
  json?: boolean;
}

const SYMBOL = { update: 'Γu', forget: 'Γf', output: 'Γo', reset: 'Γr' } as const;

export const insideCommand: CommandModule<object, Args> = {
  command: 'inside [text..]',
  describe: 'Look inside the network: gates per character, and how far back a prediction looks (vanishing gradients)',
  builder: (y: Argv) =>
    y
      .positional('text', { type: 'string', array: true, describe: 'Text to read (words are joined with spaces)' })
      .option('model', modelOption)
      .option(
        'at',
        numberOption('at', { min: 0, integer: true }, 'Position of the prediction to explain (0 is <EOS>; default: the last, which predicts <EOS>)'),
      )
      .option('layer', numberOption('layer', { min: 1, integer: true }, 'Show the gates of this layer only (default: all)'))
      .option('units', { type: 'boolean', describe: 'With --json: every unit’s gate value, not only the summaries' })
      .option('flow', { type: 'string', describe: 'Measure influence by distance over this text file instead (the vanishing gradient)' })
      .option(
        'positions',
        numberOption('positions', { min: 1, max: 100000, integer: true }, 'With --flow: how many predictions to measure, spread over the file', 100),
      )
      .option('distance', numberOption('distance', { min: 1, max: 2000, integer: true }, 'With --flow: the longest distance followed back', 200))
      .option('json', { type: 'boolean', describe: 'One JSON object' })
      .example('$0 inside "The cats, which already ate, were full."', 'gates and what the last prediction looked at')
      .example('$0 inside "ROMEO:" --at 3 --json', 'the prediction after "RO", machine-readable')
      .example('$0 inside --flow held.txt', 'how fast influence fades with distance') as unknown as Argv<Args>,
  handler: async (argv: ArgumentsCamelCase<Args>) => {
    const ctx = makeContext(argv);
    const text = (argv.text ?? []).map(String).join(' ');
    if (!argv.flow && text === '') throw inputError('nothing to look at: give a text (rnnlm inside "some text") or --flow FILE');
    const file = argv.flow ? readText(argv.flow) : '';
    const ck = loadModel(argv.model);
    if (argv.layer !== undefined && argv.layer > ck.meta.model.layers)
      throw inputError(`--layer ${argv.layer}: the model has ${ck.meta.model.layers} layer(s)`);
    // Checked before anything is printed, so a bad --at is one line.
    const r = argv.flow ? null : inside(ck.params, ck.vocab, text, { at: argv.at, units: argv.units });
    announce(ctx, ck, await ctx.startBackend(), false, 'the network alone: the n-gram is not part of the gradients');
    if (argv.flow) {
      const { ids } = streamOf(ck.vocab, segment(ck.vocab.normalized(file), ck.meta.segmentation));
      const progress = makeProgress(ctx, Boolean(argv.json) || ctx.quiet, 5);
      let flow: Flow;
      try {
        flow = gradientFlow(ck.params, ids, {
          maxDistance: argv.distance,
          positions: argv.positions,
          onProgress: (d, t) => progress.update(`following gradients back: ${d}/${t} predictions`),
        });
      } finally {
        progress.stop();
      }
      if (argv.json)
        process.stdout.write(
          JSON.stringify({
            file: argv.flow,
            positions: flow.positions,
            max_distance: argv.distance,
            one_percent: flow.onePercent,
            mean: flow.mean,
            count: flow.count,
          }) + '\n',
        );
      else printFlow(ctx, argv.flow, flow);
      return;
    }
    if (!r) return;
    if (r.oov > 0) ctx.warn(`${r.oov} character(s) not in the model's vocabulary were read as <UNK>`);
    if (argv.json) {
      process.stdout.write(JSON.stringify(r) + '\n');
      return;
    }
    printInside(ctx, r, argv.layer);
  },
};

function printInside(ctx: Context, r: Inside, onlyLayer?: number): void {
  const { c } = ctx;
  const max = Math.max(...r.influence);
  const out: string[] = [];
  out.push(
    `${c.bold('what the prediction looked at')}: P(${JSON.stringify(r.target)} | ${r.at === 0 ? '<EOS>' : JSON.stringify(r.tokens.slice(1, r.at + 1).join(''))}) = ${Math.exp(r.logprob).toPrecision(3)} (ln P ${r.logprob.toFixed(3)}), position ${r.at}`,
  );
  out.push(c.dim(`  influence of each input on it, ‖∂ ln P / ∂ x<k>‖ (darker: more; ⏎ is the <EOS> the model starts from)`));
  out.push(...shadeRow(r.tokens.slice(0, r.at + 1), r.influence.slice(0, r.at + 1), c).map((l) => '  ' + l));
  const layers = r.gates.filter((g) => onlyLayer === undefined || g.layer === onlyLayer);
  const gateCols = layers.flatMap((g) => GATE_NAMES[g.cell].map((name) => ({ g, name })));
  const header = ['pos', 'char', 'influence', 'share of max', ...gateCols.map(({ g, name }) => `L${g.layer} ${SYMBOL[name]}`)];
  const rows = r.tokens.map((tok, k) => [
    String(k),
    k === 0 ? '<EOS>' : JSON.stringify(tok),
    k <= r.at ? r.influence[k]!.toPrecision(3) : '',
    k <= r.at && max > 0 ? `${((100 * r.influence[k]!) / max).toFixed(1)}%` : '',
    ...gateCols.map(({ g, name }) => g[name]![k]!.toFixed(3)),
  ]);
  out.push('', table(header, rows));
  if (gateCols.length > 0) {
    out.push(
      c.dim(
        `  gates after reading each character, mean over the ${r.gates[0] && (r.gates[0].cell === 'lstm' ? 'units: Γu update (input), Γf forget, Γo output' : 'units: Γu update (the share of the new candidate), Γr reset')}; --json has the share of units above 0.9 and below 0.1, --units every unit`,
      ),
    );
  } else {
    out.push(c.dim('  a plain RNN has no gates: a<t> = tanh(W_aa a<t-1> + W_ax x<t> + b_a)'));
  }
  process.stdout.write(out.join('\n') + '\n');
}

function printFlow(ctx: Context, file: string, f: Flow): void {
  const { c } = ctx;
  const base = f.mean[1] ?? 0;
  const shown = [0, 1, 2, 3, 5, 10, 20, 30, 50, 75, 100, 150, 200, 300, 500, 1000, 2000].filter((d) => d < f.mean.length && f.count[d]! > 0);
  const rows = shown.map((d) => [String(d), f.mean[d]!.toExponential(3), base > 0 ? `${((100 * f.mean[d]!) / base).toPrecision(3)}%` : '', String(f.count[d])]);
  const out = [
    `${c.bold('gradient flow')} over ${file}: ${f.positions} predictions, influence ‖∂ ln P(y<N>) / ∂ x<N−d>‖ averaged by distance d`,
    table(['d', 'mean influence', 'of d = 1', 'predictions'], rows),
    '',
    f.onePercent === null
      ? `stays above 1% of its d = 1 value up to d = ${f.mean.length - 1}`
      : `falls to 1% of its d = 1 value at d = ${c.bold(String(f.onePercent))}`,
  ];
  const chart = flowChart(f.mean, f.count);
  if (chart) out.push('', chart);
  process.stdout.write(out.join('\n') + '\n');
}
