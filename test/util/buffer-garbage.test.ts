// buffer-garbage: the installed collector runs once per 4 MiB streamed, never without a collector; and the
// CLI's collector (cli/memory.ts) really runs a minor GC, seen by a PerformanceObserver in a child process.
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
});
