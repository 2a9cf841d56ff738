// `rnnlm export OUT`: a model's weights for other tools — OUT.safetensors, the network for
// PyTorch, Hugging Face or NumPy (Keras layout, rnnlm.json in the metadata; rnnlm reads it back
// as --model, the network alone).

import { existsSync } from 'node:fs';
import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { encodeSafetensors, tensorNames } from '../../checkpoint/safetensors.js';
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
  describe: "Write a model's network for other tools: OUT.safetensors (PyTorch, Hugging Face, NumPy)",
  builder: (y: Argv) =>
    y
      .positional('out', { type: 'string', demandOption: true, describe: 'File to write; .safetensors' })
      .option('model', modelOption)
      .option('force', { type: 'boolean', describe: 'Replace the file if it exists' })
      .example('$0 export names.safetensors --model checkpoints/names', 'the network, for PyTorch (docs/checkpoints.md has the Python)')
      .example('$0 score "Maria" --model names.safetensors --no-mix', 'rnnlm reads it back: the network alone') as unknown as Argv<Args>,
  handler: (argv: ArgumentsCamelCase<Args>) => {
    const ctx = makeContext(argv);
    if (!argv.out.endsWith('.safetensors')) throw inputError(`${argv.out}: give a file ending in .safetensors`);
    if (existsSync(argv.out) && !argv.force) throw inputError(`${argv.out} exists: replace it with --force`);
    const dir = findCheckpoint(argv.model);
    const ck = loadCheckpoint(dir);
    const bytes = encodeSafetensors(ck.meta, ck.params);
    writeFileAtomic(argv.out, bytes);
    process.stdout.write(`${argv.out}\n`);
    ctx.say(
      ctx.c.dim(
        `wrote ${int(bytes.length)} bytes: the network of ${dir} (${tensorNames(ck.params.config).length} tensors in Keras layout, rnnlm.json in the metadata; the n-gram is not in it)`,
      ),
    );
  },
};
