// A model's network as a safetensors file (the format PyTorch and Hugging Face read): an
// 8-byte little-endian header length, a JSON header naming each tensor's dtype, shape and byte
// range, then the float32 data. The tensors are the Keras-layout weights of weights.bin by
// name (rnn.{l}.kernel [I, G·H], rnn.{l}.recurrent_kernel [H, G·H], rnn.{l}.bias [G·H],
// gates side by side in Keras order; output.kernel [H, V], output.bias [V]; a factored model's
// classes.kernel [H, C], classes.bias [C]); `__metadata__.rnnlm` is rnnlm.json, so rnnlm
// reads the file back as a model — the network alone: the n-gram is not in it. No Node.

import type { Loaded, Meta } from './types.js';
import { inputError } from '../common/errors.js';
import { outputClasses, type ModelConfig } from '../model/config.js';
import { kerasShapes, Params } from '../model/params.js';
import { decodeMeta, FILES, memorySource } from './codec.js';

/** The tensor names of a model's Keras arrays, in kerasShapes order. */
export function tensorNames(c: ModelConfig): string[] {
  const names: string[] = [];
  for (let l = 0; l < c.layers; l++) names.push(`rnn.${l}.kernel`, `rnn.${l}.recurrent_kernel`, `rnn.${l}.bias`);
  names.push('output.kernel', 'output.bias');
  if (outputClasses(c) > 0) names.push('classes.kernel', 'classes.bias');
  return names;
}

/** The network of a model as safetensors bytes; its rnnlm.json (without the n-gram's parts) in the metadata. */
export function encodeSafetensors(meta: Meta, params: Params): Uint8Array {
  const c = params.config;
  const arrays = params.toKeras();
  const shapes = kerasShapes(c);
  const header: Record<string, unknown> = {};
  let offset = 0;
  tensorNames(c).forEach((name, i) => {
    const n = arrays[i]!.length * 4;
    header[name] = { dtype: 'F32', shape: shapes[i], data_offsets: [offset, offset + n] };
    offset += n;
  });
  const { ngram: _n, mixture: _m, adapt: _a, ...network } = meta;
  header.__metadata__ = { format: 'rnnlm', cell: c.cell, gates: { lstm: 'i,f,c,o', gru: 'z,r,h', rnn: 'h' }[c.cell], rnnlm: JSON.stringify(network) };
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - ((8 + json.length) % 8)) % 8); // data starts 8-byte aligned
  const head = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + head.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(head.length), true);
  out.set(head, 8);
  let at = 8 + head.length;
  for (const a of arrays) {
    const bytes = new Uint8Array(a.length * 4);
    const dv = new DataView(bytes.buffer);
    for (let i = 0; i < a.length; i++) dv.setFloat32(i * 4, a[i]!, true);
    out.set(bytes, at);
    at += bytes.length;
  }
  return out;
}

/** True when the bytes start as a safetensors file does (a header length, then "{"). */
export function isSafetensors(bytes: Uint8Array): boolean {
  if (bytes.length < 10) return false;
  const n = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  return n > 1n && n < BigInt(bytes.length) && bytes[8] === 0x7b;
}

/** A safetensors file rnnlm wrote, read back as a model (the network alone), every tensor checked against rnnlm.json. */
export function decodeSafetensors(bytes: Uint8Array, where: string): Loaded {
  if (!isSafetensors(bytes)) throw inputError(`${where}: is not a safetensors file`);
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true));
  let header: Record<string, { dtype?: string; shape?: number[]; data_offsets?: [number, number] } | Record<string, string>>;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
  } catch {
    throw inputError(`${where}: its safetensors header is not JSON`);
  }
  const metadata = header.__metadata__ as Record<string, string> | undefined;
  if (!metadata?.rnnlm) throw inputError(`${where}: has no rnnlm metadata (written by another program): rnnlm reads the safetensors files it writes`);
  const { meta, vocab } = decodeMeta(memorySource(where, new Map([[FILES.meta, new TextEncoder().encode(metadata.rnnlm)]])));
  const c = meta.model;
  const data = bytes.subarray(8 + n);
  const shapes = kerasShapes(c);
  const arrays = tensorNames(c).map((name, i) => {
    const t = header[name] as { dtype?: string; shape?: number[]; data_offsets?: [number, number] } | undefined;
    if (!t || t.dtype !== 'F32' || JSON.stringify(t.shape) !== JSON.stringify(shapes[i]) || !t.data_offsets) {
      throw inputError(`${where}: tensor ${name} is missing or not F32 [${shapes[i]}] as the model in its metadata needs`);
    }
    const [a, b] = t.data_offsets;
    if (b - a !== shapes[i]!.reduce((x, y) => x * y, 1) * 4 || b > data.length) throw inputError(`${where}: tensor ${name} has the wrong byte range`);
    const dv = new DataView(data.buffer, data.byteOffset + a, b - a);
    const out = new Float32Array((b - a) / 4);
    for (let k = 0; k < out.length; k++) {
      out[k] = dv.getFloat32(k * 4, true);
      if (!Number.isFinite(out[k]!)) throw inputError(`${where}: tensor ${name} holds non-finite values`);
    }
    return out;
  });
  return { dir: where, meta, vocab, params: Params.fromKeras(c, arrays), ngram: null };
}
