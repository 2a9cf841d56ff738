#!/usr/bin/env bash
# What the base model knows (README "The English base model"): its validation loss on held-out
# text of its own sources (2% of the base text, blocks spread over it: rnnlm info), and every
# character of texts it never saw, read by the network as trained (and with ADAPT=1 also learning
# as it reads, where training chose a rate: 8× slower): tiny-shakespeare (../shared/corpora,
# when present) and the names list (corpora/names.txt, each name a sequence).
#   scripts/base-report.sh [MODEL]      default models/en
set -euo pipefail
cd "$(dirname "$0")/.."
model="${1:-models/en}"
node bin/rnnlm.js info "$model" | grep -E 'model|corpus|progress|best|adapting' || true
# The base reads paragraphs; a list is read as it is trained on (line mode): each name a
# sequence of its own, so the names go in blank-line separated.
names="$(mktemp --suffix=.txt)"
trap 'rm -f "$names"' EXIT
[ -f corpora/names.txt ] && sed 's/$/\n/' corpora/names.txt > "$names"
for text in ../shared/corpora/tinyshakespeare.txt "$names"; do
  [ -f "$text" ] || { echo "base-report: $text not found, skipped" >&2; continue; }
  echo "== $text (network as trained)"
  node bin/rnnlm.js eval "$text" --model "$model" --no-adapt | grep -E 'sequence|bits/char'
  if [ "${ADAPT:-0}" = 1 ]; then
    echo "== $text (learning as it reads)"
    node bin/rnnlm.js eval "$text" --model "$model" | grep -E 'bits/char'
  fi
done
