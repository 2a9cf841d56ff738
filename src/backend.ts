// Chooses the TF.js backend: `tensorflow` (tfjs-node, an optional dependency) when it
// imports and starts, else `wasm` (XNNPACK), else the pure-JS `cpu`. A forced choice that
// cannot start is an error; a failed automatic choice falls through silently (the reason
// goes to the `debug` callback, which the CLI shows under --verbose).

import * as tf from '@tensorflow/tfjs';
import { RnnlmError } from './errors.js';

export type BackendName = 'tensorflow' | 'wasm' | 'cpu';
export const BACKENDS: readonly BackendName[] = ['tensorflow', 'wasm', 'cpu'];

// TF.js prints advice banners through console.warn unless in production mode.
tf.env().set('PROD', true);

async function tryStart(name: BackendName): Promise<string | null> {
  try {
    if (name === 'tensorflow') {
      // A variable keeps tsc from requiring the optional package's types.
      const pkg = '@tensorflow/tfjs-node';
      await import(pkg);
    } else if (name === 'wasm') {
      await import('@tensorflow/tfjs-backend-wasm');
    }
    if (!(await tf.setBackend(name))) return `${name} backend did not initialise`;
    await tf.ready();
    return tf.getBackend() === name ? null : `${name} backend did not initialise`;
  } catch (e) {
    return (e as Error).message.split('\n')[0] ?? String(e);
  }
}

/**
 * Start the requested backend, or the fastest available. Returns its name.
 * `debug` receives one line per backend that was tried and failed.
 */
export async function initBackend(requested?: BackendName, debug: (line: string) => void = () => {}): Promise<BackendName> {
  if (requested && tf.getBackend() === requested) return requested;
  const order = requested ? [requested] : BACKENDS;
  for (const name of order) {
    const why = await tryStart(name);
    if (why === null) return name;
    if (requested) {
      const hint =
        name === 'tensorflow'
          ? ' (install @tensorflow/tfjs-node; it needs its download host at install time and Node < 23)'
          : '';
      throw new RnnlmError(`backend "${name}" could not start: ${why}${hint}`, 2);
    }
    debug(`backend ${name} unavailable: ${why}`);
  }
  throw new RnnlmError('no TF.js backend could start');
}
