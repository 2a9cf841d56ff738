// How a character is drawn in one cell of a shaded view — the page's Score, Inside and gates,
// and `rnnlm inside` in the terminal — so both show a text the same way.

/** <EOS> as ⏎, a newline as ↵, a tab as ⇥, anything else as itself. Example: "a\n" → "a↵". */
export function shown(char: string): string {
  return char === '<EOS>' ? '⏎' : char === '\n' ? '↵' : char === '\t' ? '⇥' : char;
}
