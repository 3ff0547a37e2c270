// `pith ls` against a registry that answers tag lists badly (a server on 127.0.0.1): a body that is not JSON
// or whose tags are not strings is one line, exit 4; 200,000 tags in one page are listed; a Link header
// pointing back at the page already read ends the list instead of looping.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { pith } from '../helpers.ts';

const PAGES: Record<string, { body: string; link?: string }> = {
  '/v2/junk/tags/list': { body: 'this is not json' },
  '/v2/number/tags/list': { body: '{"name":"number","tags":5}' },
  '/v2/many/tags/list': {
    body: JSON.stringify({ name: 'many', tags: Array.from({ length: 200_000 }, (_, i) => `t${i}`) }),
  },
  '/v2/loop/tags/list': {
    body: '{"name":"loop","tags":["a"]}',
    link: '</v2/loop/tags/list?n=1000>; rel="next"',
  },
};

let server: Server;
let host: string;
before(async () => {
  server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/v2/') return void res.writeHead(200).end('{}');
    const page = PAGES[path];
    if (!page) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'application/json', ...(page.link ? { link: page.link } : {}) });
    res.end(page.body);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((done) => server.close(() => done())));

describe('pith ls against hostile tag lists', () => {
  for (const [repo, message] of [
    ['junk', /tag list: not valid JSON$/],
    ['number', /the tag list's "tags" is not a list of strings$/],
  ] as const) {
    it(`${repo}: exit 4, one line, no stack`, async () => {
      const r = await pith(['ls', `docker://${host}/${repo}`]);
      assert.equal(r.code, 4, r.stderr);
      assert.equal(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
      assert.match(r.stderr.trimEnd(), message);
    });
  }

  it('200,000 tags in one page are listed', async () => {
    const r = await pith(['ls', `docker://${host}/many`, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const tags = JSON.parse(r.stdout) as string[];
    assert.equal(tags.length, 200_000);
    assert.equal(tags.at(-1), 't199999');
  });

  it('a Link back to the page already read ends the list', async () => {
    const r = await pith(['ls', `docker://${host}/loop`, '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), ['a'], 'the page is read once');
  });
});
