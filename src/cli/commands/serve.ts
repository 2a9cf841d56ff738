// `rnnlm serve`: the web page for one checkpoint at a local URL, until Ctrl-C. The page
// runs the model in the browser; this process only serves files.

import { spawn } from 'node:child_process';
import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { serve } from '../../server/serve.js';
import { makeContext, type Context, type GlobalArgs } from '../context.js';
import { findCheckpoint } from '../find.js';
import { interruptible } from '../interrupt.js';
import { numberOption } from '../options.js';
import { modelOption } from './load.js';

interface Args extends GlobalArgs {
  model?: string;
  port: number;
  host: string;
  open?: boolean;
}

export const serveCommand: CommandModule<object, Args> = {
  command: 'serve',
  describe: 'Open a model in the browser: train, generate, score, look inside (runs until Ctrl-C)',
  builder: (y: Argv) =>
    y
      .option('model', modelOption)
      .option('port', { ...numberOption('port', { min: 0, max: 65535, integer: true }, 'Port to listen on (0 picks a free one)', 8080), alias: 'p' })
      .option('host', { type: 'string', default: '127.0.0.1', describe: 'Address to listen on (0.0.0.0 lets other machines in)' })
      .option('open', { type: 'boolean', describe: 'Open the page in the default browser' })
      .example('$0 serve', 'the latest model at http://127.0.0.1:8080/')
      .example('$0 serve --model checkpoints/names --port 9000 --open', 'a given model, another port, open a browser')
      .example('$0 serve   (with no ./checkpoints)', 'the page alone: train a model in the browser') as unknown as Argv<Args>,
  handler: async (argv: ArgumentsCamelCase<Args>) => {
    const ctx = makeContext(argv);
    const dir = pageOnly(ctx, argv.model);
    const server = await serve({
      modelDir: dir,
      port: argv.port,
      host: argv.host,
      onRequest: (method, url, status) => ctx.debug(`${method} ${url} ${status}`),
    });
    process.stdout.write(`${server.url}\n`);
    ctx.say(
      ctx.c.dim(
        dir === null
          ? 'serving the page alone: train a model in it, or open a checkpoint. Ctrl-C to stop.'
          : `serving ${dir}; the model runs in the browser. Ctrl-C to stop.`,
      ),
    );
    if (!['127.0.0.1', 'localhost', '::1'].includes(argv.host))
      ctx.warn(`listening on ${argv.host}: other machines that can reach it can load the page and the model`);
    if (argv.open) openBrowser(ctx, server.url);
    const interrupt = interruptible(['SIGINT', 'SIGTERM']);
    await new Promise<void>((ok) => interrupt.signal.addEventListener('abort', () => ok()));
    interrupt.release();
    await server.close();
  },
};

/** The checkpoint to serve; with none under ./checkpoints and no --model, the page alone (it can train one). */
function pageOnly(ctx: Context, model: string | undefined): string | null {
  if (model) return findCheckpoint(model);
  try {
    return findCheckpoint(undefined);
  } catch {
    ctx.warn('no checkpoint under ./checkpoints: serving the page alone, to train a model in the browser or open one');
    return null;
  }
}

function openBrowser(ctx: Context, url: string): void {
  const [cmd, args] = process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '', url]] : ['xdg-open', [url]];
  const child = spawn(cmd, args, { stdio: 'ignore', detached: true });
  child.on('error', () => ctx.warn(`could not start a browser (${cmd}); open ${url} yourself`));
  child.unref();
}
