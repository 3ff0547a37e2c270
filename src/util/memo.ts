// Memoisation of a lazily computed value (sync or async): computed at most once, on first use.

/** Returns a function that computes `fn()` once and then returns the cached result. */
export function memo<T>(fn: () => T): () => T {
  let done = false;
  let value: T;
  return () => {
    if (!done) {
      value = fn();
      done = true;
    }
    return value;
  };
}
