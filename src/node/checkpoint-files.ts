// A checkpoint is a folder (default checkpoints/<corpus-name>/):
//   model.json + weights.bin  the best model as a TF.js LayersModel (tf.loadLayersModel reads it)
//   rnnlm.json                format/version, vocabulary, segmentation, model and training
//                             config, progress, loss history, corpus identity, weights hash
//   resume.bin                exact-resume state: latest weights, Adam moments, carried
//                             recurrent state, random state, position in the epoch
//   ngram.bin                 the Kneser–Ney n-gram of the training split (ngram/format.ts),
//                             mixed with the network by the λ in rnnlm.json; older
//                             checkpoints have none and load as the network alone
// Every file is written atomically. Loading checks each file and fails with one line
// naming the file and the problem; a zip of the folder (as the page downloads it) loads
// too. The bytes of each file: checkpoint/codec.ts (no Node, shared with the page).

import { existsSync, readFileSync, statSync } from 'node:fs';
import { decodeSafetensors } from '../checkpoint/safetensors.js';
import { join } from 'node:path';
import {
  decodeCheckpoint,
  decodeMeta,
  decodeNGramFile,
  decodeResume,
  encodeMeta,
  encodeModel,
  encodeResume,
  FILES,
  ngramMeta,
  type FileSource,
} from '../checkpoint/codec.js';
import { inputError } from '../common/errors.js';
import { sha256, writeFileAtomic } from './files.js';
import type { NGramModel } from '../ngram/model.js';
import type { ModelConfig } from '../model/config.js';
import type { Params } from '../model/params.js';
import type { Loaded, Meta, NGramMeta, ResumeState } from '../checkpoint/types.js';
import type { Vocab } from '../text/tokenizer.js';
import { isZip, zipSource } from './zip.js';

/** A checkpoint folder, or a zip of one (as the page downloads it), as a FileSource. */
export function checkpointSource(dir: string): FileSource {
  let st;
  try {
    st = statSync(dir);
  } catch {
    throw inputError(`${dir}: no such checkpoint folder`);
  }
  if (st.isFile() && isZip(dir)) return zipSource(dir);
  if (!st.isDirectory()) throw inputError(`${dir}: is not a checkpoint folder`);
  const where = join(dir, '.');
  return {
    where,
    read(name) {
      try {
        return readFileSync(join(where, name));
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') return null;
        throw inputError(`${join(where, name)}: cannot read (${code ?? 'error'})`);
      }
    },
  };
}

/** Write ngram.bin (once per run: the training split does not change) and describe it in `meta`. */
export function saveNGram(dir: string, meta: Meta, bytes: Uint8Array, info: Omit<NGramMeta, 'file' | 'sha256' | 'bytes'>): void {
  writeFileAtomic(join(dir, FILES.ngram), bytes);
  meta.ngram = ngramMeta(bytes, info, sha256);
}

/** Read and check the n-gram of a checkpoint (null when it has none). */
export function loadNGram(dir: string, meta: Meta): NGramModel | null {
  return decodeNGramFile(checkpointSource(dir), meta, sha256);
}

/**
 * Write the model files. With `params`, weights.bin and model.json are (re)written as the
 * model to use; without, only rnnlm.json (progress) is updated.
 */
export async function saveCheckpoint(dir: string, meta: Meta, params?: Params): Promise<void> {
  if (!params) {
    writeFileAtomic(join(dir, FILES.meta), encodeMeta(meta));
    return;
  }
  const { weights, model } = await encodeModel(meta, params, sha256);
  // rnnlm.json first: it accepts both the old and the new weights until the next save.
  writeFileAtomic(join(dir, FILES.meta), encodeMeta(meta));
  writeFileAtomic(join(dir, FILES.weights), weights);
  writeFileAtomic(join(dir, FILES.model), model);
}

/** Read only rnnlm.json (for `info`), checked. */
export function loadMeta(dir: string): { meta: Meta; vocab: Vocab } {
  return decodeMeta(checkpointSource(dir));
}

/** Load and check a whole checkpoint: rnnlm.json, model.json, weights.bin. */
export function loadCheckpoint(dir: string): Loaded {
  if (dir.endsWith('.safetensors') && existsSync(dir) && statSync(dir).isFile()) return decodeSafetensors(readFileSync(dir), dir); // `rnnlm export`'s network
  return decodeCheckpoint(checkpointSource(dir), sha256);
}

/** Everything needed to continue training exactly where it stopped. */
export function saveResume(dir: string, r: ResumeState): void {
  writeFileAtomic(join(dir, FILES.resume), encodeResume(r, sha256));
}

export function loadResume(dir: string, c: ModelConfig): ResumeState {
  return decodeResume(checkpointSource(dir), c, sha256);
}
