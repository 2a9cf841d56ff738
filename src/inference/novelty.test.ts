import { describe, expect, it } from 'vitest';
import { NoveltyCheck } from './novelty.js';

describe('novelty of samples', () => {
  it('a line of the corpus is marked as such, anything else is new', () => {
    const n = new NoveltyCheck('Anna\nMaria\n\nJo Ann\n', 'line');
    expect(n.of('Maria')).toBe('in corpus');
    expect(n.of('Jo Ann ')).toBe('in corpus'); // spaces at the ends do not count
    expect(n.of('Marta')).toBe('new');
    expect(n.of('Mari')).toBe('new'); // a part of a line is new
  });

  it('paragraph mode looks up whole paragraphs; document mode does not apply', () => {
    const n = new NoveltyCheck('One line.\nTwo.\n\nThree.\n', 'paragraph');
    expect(n.of('One line.\nTwo.')).toBe('in corpus');
    expect(n.of('One line.')).toBe('new');
    expect(NoveltyCheck.applies('document')).toBe(false);
    expect(NoveltyCheck.applies('line')).toBe(true);
  });
});
