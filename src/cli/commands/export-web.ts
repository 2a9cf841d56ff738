// `rnnlm export-web OUT`: the web page and one checkpoint as a static folder for any host.

import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { exportSite } from '../../export.js';
import { makeContext, type GlobalArgs } from '../context.js';
import { findCheckpoint } from '../find.js';
import { int } from '../format.js';
import { modelOption } from './load.js';

interface Args extends GlobalArgs {
  out: string;
  model?: string;
  force?: boolean;
}

export const exportWebCommand: CommandModule<object, Args> = {
  command: 'export-web <out>',
  describe: 'Write the web page and a model as a static folder (for GitHub Pages or any static host)',
  builder: (y: Argv) =>
    y
      .positional('out', { type: 'string', demandOption: true, describe: 'Folder to write (created)' })
      .option('model', modelOption)
      .option('force', { type: 'boolean', describe: 'Write into a folder that is not empty' })
      .example('$0 export-web site', 'the latest model into ./site')
      .example('python3 -m http.server -d site', 'then view it at http://localhost:8000/') as unknown as Argv<Args>,
  handler: async (argv: ArgumentsCamelCase<Args>) => {
    const ctx = makeContext(argv);
    const dir = findCheckpoint(argv.model);
    const r = exportSite(dir, argv.out, { force: argv.force });
    process.stdout.write(`${argv.out}\n`);
    ctx.say(ctx.c.dim(`wrote ${r.files.length} files (${int(r.bytes)} bytes) from ${dir}: open ${argv.out}/index.html from any static web server`));
  },
};
