// `rnnlm export OUT`: a model for other tools — OUT.safetensors, the network for PyTorch,
// Hugging Face or NumPy (Keras layout, rnnlm.json in the metadata; rnnlm reads it back as
// --model, the network alone); OUT.arpa, the n-gram for KenLM, SRILM and other n-gram tools.

import { existsSync } from 'node:fs';
import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { encodeSafetensors, tensorNames } from '../../checkpoint/safetensors.js';
import { encodeArpa } from '../../ngram/arpa.js';
import { inputError } from '../../common/errors.js';
import { int } from '../../display/units.js';
import { loadCheckpoint } from '../../node/checkpoint-files.js';
import { writeFileAtomic } from '../../node/files.js';
import { makeContext, type GlobalArgs } from '../context.js';
import { findCheckpoint } from '../find.js';
import { modelOption } from './load.js';

interface Args extends GlobalArgs {
  out: string;
  model?: string;
  force?: boolean;
}

export const exportCommand: CommandModule<object, Args> = {
  command: 'export <out>',
  describe: 'Write a model for other tools: OUT.safetensors (the network, for PyTorch, Hugging Face, NumPy) or OUT.arpa (the n-gram, for KenLM, SRILM)',
  builder: (y: Argv) =>
    y
      .positional('out', { type: 'string', demandOption: true, describe: 'File to write: .safetensors or .arpa' })
      .option('model', modelOption)
      .option('force', { type: 'boolean', describe: 'Replace the file if it exists' })
      .example('$0 export names.safetensors --model checkpoints/names', 'the network, for PyTorch (docs/checkpoints.md has the Python)')
      .example('$0 score "Maria" --model names.safetensors', 'rnnlm reads it back: the network alone')
      .example('$0 export names.arpa', 'the n-gram of the latest model, in ARPA format') as unknown as Argv<Args>,
  handler: (argv: ArgumentsCamelCase<Args>) => {
    const ctx = makeContext(argv);
    const kind = argv.out.endsWith('.safetensors') ? 'safetensors' : argv.out.endsWith('.arpa') ? 'arpa' : null;
    if (!kind) throw inputError(`${argv.out}: give a file ending in .safetensors (the network) or .arpa (the n-gram)`);
    if (existsSync(argv.out) && !argv.force) throw inputError(`${argv.out} exists: replace it with --force`);
    const dir = findCheckpoint(argv.model);
    const ck = loadCheckpoint(dir);
    if (kind === 'arpa') {
      if (!ck.ngram) throw inputError(`${dir} has no n-gram (trained before rnnlm counted one, or with --no-ngram)`);
      const text = encodeArpa(ck.ngram, ck.vocab.tokens);
      writeFileAtomic(argv.out, text);
      process.stdout.write(`${argv.out}\n`);
      ctx.note(
        ctx.c.dim(
          `wrote ${int(text.length)} characters: the ${ck.ngram.order}-gram of ${dir} in ARPA format (static: the counting as it reads that eval does is not in it)`,
        ),
      );
      return;
    }
    const bytes = encodeSafetensors(ck.meta, ck.params);
    writeFileAtomic(argv.out, bytes);
    process.stdout.write(`${argv.out}\n`);
    ctx.note(
      ctx.c.dim(
        `wrote ${int(bytes.length)} bytes: the network of ${dir} (${tensorNames(ck.params.config).length} tensors in Keras layout, rnnlm.json in the metadata; the n-gram is not in it)`,
      ),
    );
  },
};
