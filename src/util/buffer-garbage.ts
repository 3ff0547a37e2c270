// Freeing the buffers that streaming leaves behind. Node allocates a new ArrayBuffer for each chunk read from
// a file, a socket or a child process, and V8 frees one only when a GC finds its small JS wrapper dead.
// Streaming makes few JS objects, so the young generation rarely fills: dead chunks pile up outside the heap
// until V8's external-memory limit (64 MiB past the last GC) forces a full GC. Code that streams many bytes
// reports them here (`streamed`); every STEP bytes, the collector the process installed runs (the CLI's is a
// minor GC, well under a millisecond on a heap this size), and the chunks that died young are freed as the
// stream goes. Without a collector (pith as a library, in a host that tunes its own GC) it only counts.

/** Bytes streamed between two collections. */
const STEP = 16 << 20;

let collector: (() => void) | undefined;
let since = 0;

/** Installs the function that collects garbage (undefined: none). */
export function setBufferCollector(collect: (() => void) | undefined): void {
  collector = collect;
  since = 0;
}

/** Notes `bytes` streamed (read, decoded or written in fresh buffers); collects every STEP bytes. */
export function streamed(bytes: number): void {
  since += bytes;
  if (since < STEP || collector === undefined) return;
  since = 0;
  collector();
}
