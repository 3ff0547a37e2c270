// What one operation leaves to tidy when it ends: a Scope collects clean-ups (a decompressed archive's
// temporary copy, read lazily while the operation runs) and runs them, newest first, when the operation
// settles, whether it succeeded, failed or was cancelled. Library callers thus never accumulate temporary
// files over a long-running process.

export class Scope {
  readonly #cleanups: (() => void | Promise<void>)[] = [];

  /** Registers a clean-up to run when the scope closes. */
  defer(cleanup: () => void | Promise<void>): void {
    this.#cleanups.push(cleanup);
  }

  /** Runs every clean-up once, newest first; a failing clean-up does not stop the others. */
  async close(): Promise<void> {
    for (let c = this.#cleanups.pop(); c; c = this.#cleanups.pop()) {
      try {
        await c();
      } catch {
        // a clean-up that fails (a file already gone) leaves nothing else to do
      }
    }
  }
}
