import { describe, expect, it } from 'vitest';
import { Vocab, streamOf } from '../text/tokenizer.js';
import { NGram } from './ngram.js';

describe('Witten–Bell n-gram baseline', () => {
  const v = Vocab.fromText('ab'); // <EOS> <UNK> a b
  const train = streamOf(v, ['ab', 'ab']).ids; // E a b E a b E

  it('unigram, hand-worked: P(a) = (2 + 3·¼) / (6 + 3)', () => {
    const g = new NGram(1, v.size).train(train);
    const s = g.score(Uint16Array.from([0, 2]));
    expect(s.tokens).toBe(1);
    expect(s.nats).toBeCloseTo(-Math.log(2.75 / 9), 12);
  });

  it('next-token probabilities sum to 1 in seen and unseen contexts (order 3)', () => {
    const g = new NGram(3, v.size).train(streamOf(v, ['abba', 'aab', 'b']).ids);
    for (const prefix of [[0], [0, 2], [0, 2, 3], [0, 3, 3], [0, 1, 1]]) {
      let total = 0;
      for (let w = 0; w < v.size; w++) total += Math.exp(-g.score(Uint16Array.from([...prefix, w])).nats + g.score(Uint16Array.from(prefix)).nats);
      expect(total).toBeCloseTo(1, 10);
    }
  });

  it('a higher order fits repeated text better', () => {
    const text = streamOf(v, ['abababab', 'babababa']).ids;
    expect(new NGram(3, v.size).train(text).score(text).nats).toBeLessThan(new NGram(1, v.size).train(text).score(text).nats);
  });
});
