// Is a sample new, or a sequence of the text the model was trained on copied out? (makemore
// marks its samples "in train", "in test" or "new".) The corpus's sequences (training and
// validation parts alike), as the model's segmentation cuts them, in a set; a sample is looked
// up whole, its prime included, spaces at its ends ignored.

import { segment, type Segmentation } from '../text/tokenizer.js';

export type Novelty = 'in corpus' | 'new';

export class NoveltyCheck {
  private readonly seen: Set<string>;

  /** Only for line and paragraph mode: a document-mode sample is never a whole sequence of its text. */
  static applies(segmentation: Segmentation): boolean {
    return segmentation !== 'document';
  }

  constructor(corpus: string, segmentation: Segmentation) {
    this.seen = new Set(segment(corpus, segmentation).map((s) => s.trim()));
  }

  /** Example: trained on "Anna\nMaria\n" → "Maria" is in the corpus, "Marta" is new. */
  of(sample: string): Novelty {
    return this.seen.has(sample.trim()) ? 'in corpus' : 'new';
  }
}
