// buffer-garbage: the installed collector runs once per 4 MiB streamed, never without a collector; and the
// CLI's collector (cli/memory.ts) really runs a minor GC, seen by a PerformanceObserver in a child process,
// and a full GC once dead buffers in the old generation pile up 12 MiB past their level after the last one.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { setBufferCollector, streamed } from '../../src/util/index.ts';
import { ROOT, run } from '../helpers.ts';

const MiB = 1 << 20;
const STEP = 4 * MiB;

describe('streamed', () => {
  afterEach(() => setBufferCollector(undefined));

  it('runs the collector once per 4 MiB streamed, counting across calls', () => {
    let runs = 0;
    setBufferCollector(() => runs++);
    for (let i = 0; i < 3; i++) streamed(MiB);
    assert.equal(runs, 0);
    streamed(MiB);
    assert.equal(runs, 1);
    streamed(40 * MiB);
    assert.equal(runs, 2, 'one call is one collection, however many bytes it reports');
    for (let i = 0; i < 4; i++) streamed(MiB);
    assert.equal(runs, 3);
  });

  it('only counts without a collector, and a new collector starts the count again', () => {
    streamed(100 * MiB);
    let runs = 0;
    setBufferCollector(() => runs++);
    streamed(STEP / 2);
    assert.equal(runs, 0);
    streamed(STEP / 2);
    assert.equal(runs, 1);
  });
});

describe("the CLI's collector", () => {
  it('runs a minor GC every 4 MiB streamed', async () => {
    const script = `
      import { PerformanceObserver, constants } from 'node:perf_hooks';
      import { tuneMemory } from ${JSON.stringify(join(ROOT, 'src/cli/memory.ts'))};
      import { streamed } from ${JSON.stringify(join(ROOT, 'src/util/index.ts'))};
      const kinds = [];
      const obs = new PerformanceObserver((list) => { for (const e of list.getEntries()) kinds.push(e.detail.kind); });
      obs.observe({ entryTypes: ['gc'] });
      tuneMemory();
      await new Promise((r) => setTimeout(r, 50));
      kinds.length = 0;
      for (let i = 0; i < 3; i++) streamed(4 << 20);
      await new Promise((r) => setTimeout(r, 50));
      obs.disconnect();
      const minor = kinds.filter((k) => k === constants.NODE_PERFORMANCE_GC_MINOR).length;
      process.stdout.write(JSON.stringify({ minor, typeofGc: typeof globalThis.gc }));
    `;
    const r = await run(process.execPath, ['--input-type=module', '-e', script]);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { minor: number; typeofGc: string };
    assert.ok(out.minor >= 3, `three minor GCs, saw ${out.minor}`);
    assert.equal(out.typeofGc, 'undefined', 'gc is not put in the global scope');
  });

  it('runs a full GC once dead buffers in the old generation pile up 12 MiB past their level', async () => {
    // a pipeline: each 1 MiB buffer is in flight for 8 MiB streamed (two minor GCs: it reaches the old
    // generation), then dies; V8 alone lets such buffers reach 64 MiB past the last full GC
    const script = `
      import { getHeapStatistics } from 'node:v8';
      import { tuneMemory } from ${JSON.stringify(join(ROOT, 'src/cli/memory.ts'))};
      import { streamed } from ${JSON.stringify(join(ROOT, 'src/util/index.ts'))};
      const external = () => getHeapStatistics().external_memory / (1 << 20);
      tuneMemory();
      streamed(4 << 20);
      const start = external();
      const inFlight = [];
      let peak = 0;
      for (let i = 0; i < 300; i++) {
        inFlight.push(Buffer.alloc(1 << 20));
        if (inFlight.length > 8) inFlight.shift();
        streamed(1 << 20);
        peak = Math.max(peak, external());
      }
      process.stdout.write(JSON.stringify({ grew: peak - start }));
    `;
    const r = await run(process.execPath, ['--input-type=module', '-e', script]);
    assert.equal(r.code, 0, r.stderr);
    const { grew } = JSON.parse(r.stdout) as { grew: number };
    // 8 in flight, 12 of slack, 4 between collections, and V8's own accounting (78 MiB without the full GCs)
    assert.ok(grew < 40, `buffers outside the heap grew by ${grew.toFixed(1)} MiB`);
  });
});
