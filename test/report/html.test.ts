// The HTML reports are self-contained and safe with hostile names: no script, nothing to fetch (no src,
// href or url()), and every name from an image (a path, a reference, a finding) escaped.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { AuditResult, ImageAudit } from '../../src/audit/index.ts';
import { auditHtml, compareHtml, diffHtml } from '../../src/report/index.ts';

const EVIL = '<img src=x onerror=alert(1)>"\'&';

const image: ImageAudit = {
  platform: 'linux/amd64',
  digest: 'sha256:aa',
  compressedSize: 100,
  size: 300,
  layers: [
    { digest: 'sha256:bb', compressedSize: 100, size: 300, entries: 3, hiddenBytes: 0, createdBy: EVIL },
  ],
  packages: 1,
  shells: [`/bin/${EVIL}`],
  packageManagers: [],
  user: { configured: '', uid: 0, gid: 0, name: 'root', root: true },
  entrypointForm: 'exec',
  caBundle: false,
  tzdata: false,
  efficiency: 1,
  reclaimableBytes: 0,
  directories: { name: '/', bytes: 300, children: [{ name: EVIL, bytes: 300 }] },
  packageSizes: [{ name: EVIL, bytes: 300 }],
  findings: [
    {
      id: 'PITH-A001',
      severity: 'medium',
      message: `shell /bin/${EVIL}`,
      path: `/bin/${EVIL}`,
      layer: 0,
      fix: 'x',
    },
  ],
};

const ESCAPED = '&lt;img src=x onerror=alert(1)&gt;&quot;&#39;&amp;';

function assertInert(html: string): void {
  assert.ok(html.includes(ESCAPED), 'the name is shown, escaped');
  // with the (escaped, inert) names taken out, nothing in the page can run or fetch
  assert.doesNotMatch(html.replaceAll(ESCAPED, ''), /<script|<img|\bsrc=|\bhref=|url\(|@import|onerror/i);
}

it('audit, compare and diff pages load nothing and escape every name', () => {
  const audit: AuditResult = { reference: `oci:/tmp/${EVIL}`, digest: 'sha256:aa', images: [image] };
  assertInert(auditHtml(audit, 'pith test'));
  assertInert(
    compareHtml(
      [
        {
          reference: `oci:${EVIL}`,
          digest: 'sha256:aa',
          packages: 1,
          shells: [],
          packageManagers: [],
          user: 'root',
          compressedSize: 1,
          uncompressedSize: 2,
          layers: 1,
          findings: { high: 0, medium: 0, low: 0, info: 0 },
        },
      ],
      'pith test',
    ),
  );
  assertInert(
    diffHtml(
      {
        from: { reference: 'a', digest: 'sha256:a' },
        to: { reference: `b${EVIL}`, digest: 'sha256:b' },
        sharedLayers: [],
        files: { added: [{ path: `/${EVIL}`, size: 5 }], removed: [], changed: [] },
        packages: { added: [], removed: [], changed: [] },
        sizeDelta: 5,
      },
      'pith test',
    ),
  );
});
