// Freeing the buffers that streaming leaves behind. Node allocates a new ArrayBuffer for each chunk read from
// a file, a socket or a child process, and V8 frees one only when a GC finds its small JS wrapper dead.
// Streaming makes few JS objects, so the young generation rarely fills: dead chunks pile up outside the heap
// until V8's external-memory limit (64 MiB past the last GC) forces a full GC. Code that passes many bytes
// through short-lived buffers reports them here (`streamed`); every STEP bytes, the collector the process
// installed runs (the CLI's is a minor GC, well under a millisecond on a heap this size), and the chunks
// that died young are freed as the stream goes. Buffers that live on (a parser's window) are not reported:
// a GC while they live moves them to the old generation, where only a full GC frees them. Measured on a
// pull of 200 MiB: STEP 16 MiB, 151 MiB peak and 0.93 s; 4 MiB, 104 MiB and 0.69 s; counting readTarFile's
// pieces as well made warm builds 12 MiB larger. Without a collector (pith as a library, in a host that tunes
// its own GC) it only counts.

/** Bytes streamed between two collections. */
const STEP = 4 << 20;

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
