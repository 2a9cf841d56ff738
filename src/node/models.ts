// The models shipped with rnnlm, found by name: folders under models/ in the package, or under
// $RNNLM_MODELS when it is set (the tests point it at nothing). Every command that takes a
// model (--model, --from, info's folder, the library's openModel) reads a name the same way.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FILES } from '../checkpoint/codec.js';
import { inputError } from '../common/errors.js';

/** The base model `--from auto` may start from (docs/starting-from-a-model.md), when this install has it. */
export const BASE_MODEL = 'en';

/** The folder of the shipped model `name` ('en'), or null when this install has none of that name. */
export function shippedModel(name: string): string | null {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(name)) return null;
  const root = process.env.RNNLM_MODELS ?? fileURLToPath(new URL('../../models', import.meta.url));
  const dir = join(root, name);
  return existsSync(join(dir, FILES.meta)) ? dir : null;
}

/**
 * Where a model argument points: the path when something is there (a checkpoint folder or
 * zip; a folder named like a shipped model wins), else the shipped model of that name.
 * `flag` ('--from') opens the error when it is neither.
 */
export function modelPath(source: string, flag?: string): string {
  if (existsSync(source)) return source;
  const shipped = shippedModel(source);
  if (shipped !== null) return shipped;
  throw inputError(`${flag ? `${flag} ` : ''}${source}: no such checkpoint folder or zip, and no model of that name ships with rnnlm`);
}
