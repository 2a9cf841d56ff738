// How much of a text's layout a sample keeps: for plays, how speaker lines and blank lines
// follow each other; for files of records, how many records end in an attribution line.
// bench:quality prints these for samples beside the held-out text's own, so a model that
// wins nats by forgetting the structure between lines shows up.

import { isSeparatorLine, isSpeakerLine } from './kind.js';

export interface PlayStructure {
  /** Lines, blank ones included (a trailing newline does not start a line). */
  lines: number;
  speakerLines: number;
  /** Share of speaker lines whose next non-blank line is another speaker line (plays: 0). */
  speakerThenSpeaker: number;
  /** Blank lines per 100 lines. */
  blankPer100: number;
  /** Share of speaker lines that follow a blank line or open the text (plays: all). */
  speakerAfterBlank: number;
}

/**
 * Example: "A:\nHi.\n\nB:\nYo.\nC:\n" → 6 lines, 3 speaker lines; none is followed by
 * another (A by "Hi.", B by "Yo.", C by nothing): 0; one blank line in 6 (16.7 per 100); A
 * opens the text and B follows a blank line, C does not: 2/3.
 */
export function playStructure(text: string): PlayStructure {
  const ls = text.endsWith('\n') ? text.slice(0, -1).split('\n') : text.split('\n');
  let speakers = 0;
  let thenSpeaker = 0;
  let afterBlank = 0;
  let blanks = 0;
  for (let i = 0; i < ls.length; i++) {
    const l = ls[i]!;
    if (l.trim() === '') {
      blanks++;
      continue;
    }
    if (!isSpeakerLine(l)) continue;
    speakers++;
    if (i === 0 || ls[i - 1]!.trim() === '') afterBlank++;
    let j = i + 1;
    while (j < ls.length && ls[j]!.trim() === '') j++;
    if (j < ls.length && isSpeakerLine(ls[j]!)) thenSpeaker++;
  }
  const share = (n: number) => (speakers ? n / speakers : 0);
  return {
    lines: ls.length,
    speakerLines: speakers,
    speakerThenSpeaker: share(thenSpeaker),
    blankPer100: ls.length ? (100 * blanks) / ls.length : 0,
    speakerAfterBlank: share(afterBlank),
  };
}

/** An attribution line: a dash (`--`, `—`, `–`) and a name, as quotation files end their entries. */
export function isAttribution(line: string): boolean {
  return /^\s*(--|—|–)\s*\S/.test(line);
}

export interface RecordStructure {
  /** Non-empty records between separator lines. */
  records: number;
  /** Share of records whose last non-blank line is an attribution. */
  endsWithAttribution: number;
  /** Share of separator lines directly followed by another separator line (text: 0). */
  separatorRuns: number;
}

/**
 * Example: "Q1\n-- A\n%\nQ2\n%\n%\nQ3\n-- C\n" → records Q1…A, Q2, Q3…C: 2 of 3 end in an
 * attribution; of 3 separator lines 1 is followed by another.
 */
export function recordStructure(text: string): RecordStructure {
  const ls = text.split('\n');
  let records = 0;
  let attributed = 0;
  let seps = 0;
  let runs = 0;
  let last: string | null = null; // the last non-blank line of the record being read
  const close = () => {
    if (last === null) return;
    records++;
    if (isAttribution(last)) attributed++;
    last = null;
  };
  for (let i = 0; i < ls.length; i++) {
    const l = ls[i]!;
    if (isSeparatorLine(l)) {
      seps++;
      if (i + 1 < ls.length && isSeparatorLine(ls[i + 1]!)) runs++;
      close();
    } else if (l.trim() !== '') last = l;
  }
  close();
  return { records, endsWithAttribution: records ? attributed / records : 0, separatorRuns: seps ? runs / seps : 0 };
}
