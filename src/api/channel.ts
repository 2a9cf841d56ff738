// A run's events as an async iterator and its result as a promise, in one object: what the
// API's train() returns. Events are queued until read (a run that nobody iterates only holds
// them); iteration ends when the run does, and a failure rejects both.

export class Channel<E, R> implements AsyncIterable<E>, PromiseLike<R> {
  private readonly queue: E[] = [];
  private wake: (() => void) | null = null;
  private finished = false;
  private failure: unknown = null;
  readonly result: Promise<R>;

  constructor(run: (emit: (e: E) => void) => Promise<R>) {
    this.result = run((e) => this.push(e)).then(
      (r) => {
        this.end();
        return r;
      },
      (err: unknown) => {
        this.failure = err ?? new Error('failed');
        this.end();
        throw err;
      },
    );
    this.result.catch(() => {}); // reported to whoever awaits or iterates
  }

  then<A = R, B = never>(ok?: ((r: R) => A | PromiseLike<A>) | null, fail?: ((e: unknown) => B | PromiseLike<B>) | null): Promise<A | B> {
    return this.result.then(ok, fail);
  }

  async *[Symbol.asyncIterator](): AsyncIterator<E> {
    for (;;) {
      if (this.queue.length > 0) {
        yield this.queue.shift()!;
        continue;
      }
      if (this.finished) {
        if (this.failure !== null) throw this.failure;
        return;
      }
      await new Promise<void>((r) => (this.wake = r));
    }
  }

  private push(e: E): void {
    this.queue.push(e);
    this.poke();
  }

  private end(): void {
    this.finished = true;
    this.poke();
  }

  private poke(): void {
    const w = this.wake;
    this.wake = null;
    w?.();
  }
}
