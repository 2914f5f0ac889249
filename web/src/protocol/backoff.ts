// When to try again after a failure: exponential backoff with full jitter in the upper
// half, as docs/protocol.md asks of apps so that a thousand phones that lost the server at
// the same moment do not all come back at the same moment. The first wait is 0.5–1 s,
// then 1–2 s, 2–4 s, … up to 30–60 s; reset() after a success.
export class Backoff {
  private currentMs: number;

  constructor(private readonly firstMs = 1000, private readonly maxMs = 60_000,
              private readonly random: () => number = Math.random) {
    this.currentMs = firstMs;
  }

  // The next wait in ms, and the one after doubles.
  next(): number {
    const base = this.currentMs;
    this.currentMs = Math.min(this.currentMs * 2, this.maxMs);
    return base / 2 + this.random() * (base / 2);
  }

  reset(): void {
    this.currentMs = this.firstMs;
  }
}
