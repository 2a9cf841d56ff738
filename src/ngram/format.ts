// ngram.bin, the n-gram of a checkpoint, version 1. All integers are unsigned LEB128
// varints unless said otherwise:
//   "RNNLMNG\n"                         8 bytes, magic
//   version                             uint32 little-endian (1)
//   header length, header               uint32 LE, then UTF-8 JSON
//                                       { order, vocabSize, nodes, entries, discounts }
//   for each node n = 1 … nodes−1        n − parent(n), token
//   for each node n = 0 … nodes−1        c(h) (the context's count before pruning), k = its entries,
//                                       then k × (token − previous token (first: token), count)
// Nodes come breadth first (a parent before its children); entries in token order. The
// checkpoint's rnnlm.json holds its sha256.

import { RnnlmError } from '../common/errors.js';
import { NGramModel, type NGramArrays } from './model.js';

export const NGRAM_MAGIC = 'RNNLMNG\n';
export const NGRAM_VERSION = 1;

class Writer {
  private buf = new Uint8Array(1 << 16);
  length = 0;
  private room(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.length + n) cap *= 2;
    const b = new Uint8Array(cap);
    b.set(this.buf.subarray(0, this.length));
    this.buf = b;
  }
  bytes(b: Uint8Array): void {
    this.room(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
  }
  u32(v: number): void {
    this.room(4);
    new DataView(this.buf.buffer).setUint32(this.length, v, true);
    this.length += 4;
  }
  varint(v: number): void {
    if (!(Number.isInteger(v) && v >= 0)) throw new RnnlmError(`n-gram: cannot store ${v}`);
    this.room(8);
    while (v >= 0x80) {
      this.buf[this.length++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buf[this.length++] = v;
  }
  done(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

class Reader {
  pos = 0;
  constructor(
    private readonly buf: Uint8Array,
    private readonly name: string,
  ) {}
  private fail(why: string): never {
    throw new RnnlmError(`${this.name}: ${why}`);
  }
  bytes(n: number): Uint8Array {
    if (this.pos + n > this.buf.length) this.fail('truncated');
    const b = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }
  u32(): number {
    const b = this.bytes(4);
    return new DataView(b.buffer, b.byteOffset, 4).getUint32(0, true);
  }
  varint(): number {
    let v = 0;
    let scale = 1;
    for (;;) {
      if (this.pos >= this.buf.length) this.fail('truncated');
      const b = this.buf[this.pos++]!;
      v += (b & 0x7f) * scale;
      if (b < 0x80) return v;
      scale *= 0x80;
      if (scale > 2 ** 56) this.fail('bad number');
    }
  }
}

export function encodeNGram(m: NGramModel): Uint8Array {
  const a = m.a;
  const w = new Writer();
  w.bytes(new TextEncoder().encode(NGRAM_MAGIC));
  w.u32(NGRAM_VERSION);
  const header = new TextEncoder().encode(
    JSON.stringify({ order: a.order, vocabSize: a.vocabSize, nodes: a.nodeParent.length, entries: a.entToken.length, discounts: a.discounts }),
  );
  w.u32(header.length);
  w.bytes(header);
  for (let n = 1; n < a.nodeParent.length; n++) {
    w.varint(n - a.nodeParent[n]!);
    w.varint(a.nodeToken[n]!);
  }
  for (let n = 0; n < a.nodeParent.length; n++) {
    w.varint(a.nodeTotal[n]!);
    const first = a.nodeFirst[n]!;
    const end = a.nodeFirst[n + 1]!;
    w.varint(end - first);
    let prev = 0;
    for (let e = first; e < end; e++) {
      w.varint(a.entToken[e]! - prev);
      prev = a.entToken[e]!;
      w.varint(a.entCount[e]!);
    }
  }
  return w.done();
}

/** Read ngram.bin; `name` is how errors name the file. */
export function decodeNGram(bytes: Uint8Array, name = 'ngram.bin'): NGramModel {
  const r = new Reader(bytes, name);
  if (new TextDecoder().decode(r.bytes(8)) !== NGRAM_MAGIC) throw new RnnlmError(`${name}: not an rnnlm n-gram file`);
  const version = r.u32();
  if (version !== NGRAM_VERSION) throw new RnnlmError(`${name}: n-gram format version ${version}; this rnnlm reads version ${NGRAM_VERSION}`);
  let h: { order: number; vocabSize: number; nodes: number; entries: number; discounts: number[][] };
  try {
    h = JSON.parse(new TextDecoder().decode(r.bytes(r.u32())));
  } catch {
    throw new RnnlmError(`${name}: damaged header`);
  }
  const nodeParent = new Int32Array(h.nodes);
  const nodeToken = new Int32Array(h.nodes);
  nodeParent[0] = -1;
  nodeToken[0] = -1;
  for (let n = 1; n < h.nodes; n++) {
    nodeParent[n] = n - r.varint();
    nodeToken[n] = r.varint();
  }
  const nodeTotal = new Float64Array(h.nodes);
  const nodeFirst = new Int32Array(h.nodes + 1);
  const entToken = new Int32Array(h.entries);
  const entCount = new Int32Array(h.entries);
  let e = 0;
  for (let n = 0; n < h.nodes; n++) {
    nodeTotal[n] = r.varint();
    const k = r.varint();
    nodeFirst[n] = e;
    if (e + k > h.entries) throw new RnnlmError(`${name}: more entries than its header says`);
    let prev = 0;
    for (let j = 0; j < k; j++, e++) {
      prev += r.varint();
      entToken[e] = prev;
      entCount[e] = r.varint();
    }
  }
  nodeFirst[h.nodes] = e;
  if (e !== h.entries || r.pos !== bytes.length) throw new RnnlmError(`${name}: its length does not match its header`);
  const arrays: NGramArrays = {
    order: h.order,
    vocabSize: h.vocabSize,
    discounts: h.discounts,
    nodeParent,
    nodeToken,
    nodeTotal,
    nodeFirst,
    entToken,
    entCount,
  };
  return new NGramModel(arrays);
}
