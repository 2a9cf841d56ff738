import { describe, expect, it } from 'vitest';
import { isAttribution, playStructure, recordStructure } from './structure.js';

describe('play structure', () => {
  it('hand-worked example', () => {
    const s = playStructure('A:\nHi.\n\nB:\nYo.\nC:\n');
    expect(s.lines).toBe(6);
    expect(s.speakerLines).toBe(3);
    expect(s.speakerThenSpeaker).toBe(0);
    expect(s.blankPer100).toBeCloseTo(100 / 6, 10);
    expect(s.speakerAfterBlank).toBeCloseTo(2 / 3, 10);
  });
  it('a speaker line followed by another (blank lines between do not hide it)', () => {
    const s = playStructure('ROMEO:\n\nJULIET:\nO Romeo.\n');
    expect(s.speakerThenSpeaker).toBe(0.5);
    expect(s.speakerAfterBlank).toBe(1);
  });
  it('no speakers: shares are 0, not NaN', () => {
    expect(playStructure('just\ntext\n')).toMatchObject({ speakerLines: 0, speakerThenSpeaker: 0, speakerAfterBlank: 0, blankPer100: 0 });
  });
});

describe('record structure', () => {
  it('hand-worked example', () => {
    const s = recordStructure('Q1\n-- A\n%\nQ2\n%\n%\nQ3\n-- C\n');
    expect(s.records).toBe(3);
    expect(s.endsWithAttribution).toBeCloseTo(2 / 3, 10);
    expect(s.separatorRuns).toBeCloseTo(1 / 3, 10);
  });
  it.each([
    ['-- Mark Twain', true],
    ['    — Толстой', true],
    ['– Anon', true],
    ['--', false],
    ['a -- b', false],
  ])('attribution %j → %s', (l, yes) => expect(isAttribution(l)).toBe(yes));
});
