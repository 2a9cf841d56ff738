// `rnnlm export-web OUT`: the web page and one checkpoint as a static folder for any host.

import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { exportSite } from '../../server/export.js';
import { makeContext, type GlobalArgs } from '../context.js';
import { findCheckpoint } from '../find.js';
import { int } from '../../display/units.js';
import { modelOption } from './load.js';

interface Args extends GlobalArgs {
  out: string;
  model?: string;
  force?: boolean;
  pageOnly?: boolean;
}

export const exportWebCommand: CommandModule<object, Args> = {
  command: 'export-web <out>',
  describe: 'Write the web page and a model as a static folder (for GitHub Pages or any static host)',
  builder: (y: Argv) =>
    y
      .positional('out', { type: 'string', demandOption: true, describe: 'Folder to write (created)' })
      .option('model', modelOption)
      .option('force', { type: 'boolean', describe: 'Write into a folder that is not empty' })
      .option('page-only', { type: 'boolean', describe: 'The page alone, with no model: visitors train on their own text or open a checkpoint' })
      .conflicts('page-only', 'model')
      .example('$0 export-web site', 'the latest model into ./site')
      .example('$0 export-web docs --page-only', 'the page alone, to publish with GitHub Pages')
      .example('python3 -m http.server -d site', 'then view it at http://localhost:8000/') as unknown as Argv<Args>,
  handler: async (argv: ArgumentsCamelCase<Args>) => {
    const ctx = makeContext(argv);
    const dir = argv.pageOnly ? null : findCheckpoint(argv.model);
    const r = exportSite(dir, argv.out, { force: argv.force });
    process.stdout.write(`${argv.out}\n`);
    ctx.note(
      ctx.c.dim(
        `wrote ${r.files.length} files (${int(r.bytes)} bytes)${dir === null ? ', the page alone' : ` from ${dir}`}: open ${argv.out}/index.html from any static web server`,
      ),
    );
  },
};
