// The HTML reports (issue 10, point 4) open in headless Chromium (Debian's chromium, driven by
// playwright-core) with no console error and no request but the page itself; the tables and charts are
// rendered with a size (not just present in the markup), and a screenshot of each is kept in
// test-artifacts/ for people to look at.
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { type Browser, chromium } from 'playwright-core';
import { auditHtml, compareHtml, createPith, diffHtml } from '../../src/api/index.ts';
import { bytesEntry, type TarEntry } from '../../src/tar/index.ts';
import { ROOT, tempDir } from '../helpers.ts';
import { entriesLayout } from '../layout-helpers.ts';

const ARTIFACTS = join(ROOT, 'test-artifacts');
const file = (path: string, size: number, mode = 0o644): TarEntry => ({
  ...bytesEntry(path, Buffer.alloc(size, path.length)),
  mode,
});

describe('HTML reports in headless Chromium', { timeout: 120_000 }, () => {
  let browser: Browser;
  before(async () => {
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
    await mkdir(ARTIFACTS, { recursive: true });
  });
  after(() => browser?.close());

  /** Opens the page; returns what it rendered, after checking it logged no error and fetched nothing. */
  async function open(html: string, name: string) {
    const path = join(ARTIFACTS, `${name}.html`);
    await writeFile(path, html);
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(pathToFileURL(path).href, { waitUntil: 'load' });
    await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
    assert.deepEqual(errors, [], 'no console error');
    assert.deepEqual(requests, [pathToFileURL(path).href], 'no request but the page');
    const sized = async (selector: string) =>
      page.$$eval(
        selector,
        (els) =>
          els.filter((e) => e.getBoundingClientRect().width > 100 && e.getBoundingClientRect().height > 10)
            .length,
      );
    const rendered = {
      tables: await sized('table'),
      bars: await sized('svg.bar-chart'),
      treemaps: await sized('svg.treemap'),
      rects: await page.$$eval(
        'svg rect',
        (els) => els.filter((e) => e.getBoundingClientRect().width > 0).length,
      ),
      text: await page.innerText('body'),
    };
    await page.close();
    return rendered;
  }

  it('audit, compare and diff pages render their tables and charts', async (t) => {
    const dir = await tempDir(t);
    const base = [
      file('etc/passwd', 60),
      file('usr/lib/libbig.so', 300_000),
      file('usr/share/zoneinfo/UTC', 100),
    ];
    const a = await entriesLayout(dir, 'a', { config: { User: '0' } }, base, [
      file('bin/sh', 1000, 0o755),
      file('app/server', 50_000, 0o755),
      bytesEntry('app/.env', Buffer.from('API_TOKEN=Zx8vQ2mLp4Rt7Wk9\n')),
    ]);
    const b = await entriesLayout(dir, 'b', { config: { User: '65532' } }, base, [
      file('app/server', 80_000, 0o755),
    ]);
    const pith = createPith({ cacheDir: join(dir, 'cache'), env: {} });

    const audit = await open(await auditHtml(await pith.audit(a)), 'audit');
    assert.ok(
      audit.tables >= 2 && audit.bars >= 1 && audit.treemaps >= 1,
      JSON.stringify({ ...audit, text: '' }),
    );
    assert.ok(audit.rects > 10);
    assert.match(audit.text, /PITH-A001/);
    assert.match(audit.text, /dotenv-secret/);
    assert.doesNotMatch(audit.text, /Zx8vQ2mLp4Rt7Wk9/, 'the secret is not in the report');

    const compare = await open(await compareHtml(await pith.compare({ references: [a, b] })), 'compare');
    assert.ok(compare.tables >= 1 && compare.bars >= 2, JSON.stringify({ ...compare, text: '' }));
    assert.match(compare.text, /package manager/);

    const diff = await open(await diffHtml(await pith.diff({ from: a, to: b })), 'diff');
    assert.ok(diff.bars >= 1, JSON.stringify({ ...diff, text: '' }));
    assert.match(diff.text, /layers shared/);
  });
});
