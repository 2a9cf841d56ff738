import { describe, expect, it } from 'vitest';
import { autoChoice, classifyText, isSeparatorLine, isSpeakerLine, RUNNING_MODE } from './kind.js';

const names = ['Anna', 'Bert', 'Carla', 'Dmitri', 'Eve', 'Farah', 'Gus', 'Hana', 'Ivo', 'Jun'].join('\n') + '\n';
const words = ['apple', 'apricot', 'banana', 'berry', 'cherry', 'citron', 'date', 'elder', 'fig', 'grape'].join('\n');
const sentences = ['The cat sat on the mat.', 'A dog barked twice.', 'Rain fell all day.', 'She closed the book.', 'We walked home late.'].join('\n');
const play = Array.from(
  { length: 8 },
  (_, i) => `SPEAKER ${i % 2 ? 'ONE' : 'TWO'}:\nNow is the time, and here the place,\nto speak of things that matter.`,
).join('\n\n');
const prose = Array.from(
  { length: 6 },
  (_, i) => `Paragraph ${i}. ` + 'This is a long sentence of running prose that goes on and on without a break. '.repeat(4),
).join('\n\n');
const proseLines = Array.from({ length: 6 }, () =>
  'A paragraph written on one long line, as exported by a word processor, with many words in it. '.repeat(3),
).join('\n');
const verse = Array.from(
  { length: 5 },
  () => 'The woods are lovely, dark and deep,\nBut I have promises to keep,\nAnd miles to go before I sleep,\nAnd miles to go before I sleep.',
).join('\n\n');
const quotes = Array.from({ length: 12 }, (_, i) => `Quote number ${i} says a thing\nacross two lines of text.\n    -- Author ${i}`).join('\n%\n');
const dashed = Array.from({ length: 6 }, (_, i) => `Record ${i}\nfield: value ${i}\nother: more`).join('\n---\n');
const dialogue = Array.from({ length: 10 }, (_, i) => `${i % 2 ? 'ROMEO' : 'JULIET'}:\nA line of speech here.\nAnd one more line.`).join('\n');
const code = Array.from({ length: 8 }, (_, i) => `function f${i}(x) {\n  const y = x + ${i};\n  return y;\n}`).join('\n');
const indentedVerse = Array.from({ length: 8 }, () => 'Whose woods these are I think I know\n   his house is in the village though').join('\n');
const cyrillicQuotes = Array.from({ length: 10 }, (_, i) => `Цитата ${i} о жизни\nи о смерти.\n— Автор ${i}`).join('\n%\n');
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
    ['quotations between % lines, no blank lines', quotes, 'running'],
    ['Cyrillic quotations between % lines', cyrillicQuotes, 'running'],
    ['records between --- lines', dashed, 'running'],
    ['dialogue with speaker lines, no blank lines', dialogue, 'running'],
    ['code', code, 'running'],
    ['verse with indented continuation lines', indentedVerse, 'running'],
  ])('%s → %s', (_, text, kind) => {
    const r = classifyText(text);
    expect(r.kind).toBe(kind);
    expect(r.reason.length).toBeGreaterThan(5);
  });

  it('says which structure it found', () => {
    expect(classifyText(quotes).reason).toMatch(/^records: 11 "%" separator lines/);
    expect(classifyText(dashed).reason).toMatch(/^records: 5 "---" separator lines/);
    expect(classifyText(dialogue).reason).toMatch(/^dialogue: 10 speaker lines/);
    expect(classifyText(code).reason).toMatch(/^code: /);
    expect(classifyText(indentedVerse).reason).toMatch(/^indented continuation lines/);
    expect(classifyText(names).reason).toMatch(/no paragraph, record or dialogue structure/);
  });

  it.each([
    ['%', true],
    ['---', true],
    ['  ****  ', true],
    ['=====', true],
    ['-=-', false],
    ['a', false],
    ['', false],
    ['--- x', false],
  ])('separator line %j → %s', (line, yes) => expect(isSeparatorLine(line)).toBe(yes));

  it.each([
    ['MENENIUS:', true],
    ['First Citizen:', true],
    ['Lady Capulet:', true],
    ['He said: hello', false],
    ['note:', false],
    ['So may you lose your arms:', false],
    ['A tender there:', false],
    ['Second Lord Mayor:', true],
    ['A very long line that just happens to end in a colon and is no name:', false],
  ])('speaker line %j → %s', (line, yes) => expect(isSpeakerLine(line)).toBe(yes));

  it('lists are read by line and split at random; running text by the measured mode, in blocks', () => {
    expect(autoChoice('list')).toEqual({ segmentation: 'line', split: 'random' });
    expect(autoChoice('running')).toEqual({ segmentation: RUNNING_MODE, split: 'blocks' });
  });
});
