import { describe, expect, it } from 'vitest';
import { autoChoice, classifyText, RUNNING_MODE } from './textkind.js';

const names = ['Anna', 'Bert', 'Carla', 'Dmitri', 'Eve', 'Farah', 'Gus', 'Hana', 'Ivo', 'Jun'].join('\n') + '\n';
const words = ['apple', 'apricot', 'banana', 'berry', 'cherry', 'citron', 'date', 'elder', 'fig', 'grape'].join('\n');
const sentences = ['The cat sat on the mat.', 'A dog barked twice.', 'Rain fell all day.', 'She closed the book.', 'We walked home late.'].join('\n');
const play = Array.from({ length: 8 }, (_, i) => `SPEAKER ${i % 2 ? 'ONE' : 'TWO'}:\nNow is the time, and here the place,\nto speak of things that matter.`).join('\n\n');
const prose = Array.from({ length: 6 }, (_, i) => `Paragraph ${i}. ` + 'This is a long sentence of running prose that goes on and on without a break. '.repeat(4)).join('\n\n');
const proseLines = Array.from({ length: 6 }, () => 'A paragraph written on one long line, as exported by a word processor, with many words in it. '.repeat(3)).join('\n');
const verse = Array.from({ length: 5 }, () => 'The woods are lovely, dark and deep,\nBut I have promises to keep,\nAnd miles to go before I sleep,\nAnd miles to go before I sleep.').join('\n\n');
const spacedList = ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta'].join('\n\n');

describe('auto segmentation: what kind of text', () => {
  it.each([
    ['names', names, 'list'],
    ['a word list', words, 'list'],
    ['short sentences, one per line', sentences, 'list'],
    ['single items separated by blank lines', spacedList, 'list'],
    ['a play (speeches in blank-line blocks)', play, 'running'],
    ['prose paragraphs', prose, 'running'],
    ['prose, a paragraph per long line', proseLines, 'running'],
    ['verse in stanzas', verse, 'running'],
    ['one line of text', 'just one line with no newline at all', 'running'],
  ])('%s → %s', (_, text, kind) => {
    const r = classifyText(text);
    expect(r.kind).toBe(kind);
    expect(r.reason.length).toBeGreaterThan(5);
  });

  it('lists are read by line and split at random; running text by the measured mode, in blocks', () => {
    expect(autoChoice('list')).toEqual({ segmentation: 'line', split: 'random' });
    expect(autoChoice('running')).toEqual({ segmentation: RUNNING_MODE, split: 'blocks' });
  });
});
