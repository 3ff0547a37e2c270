// pin on YAML: pith configs (top-level `from:`), Kubernetes manifests (containers, initContainers,
// ephemeralContainers at any depth, multi-document) and Compose files (services.<name>.image). Every
// case asserts the exact output bytes, the change list and the skipped list, then re-pins and checks.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type PinChange, type PinSkip, pinText } from '../../src/pin/index.ts';
import { PithError } from '../../src/util/index.ts';
import { fakeResolver, noResolve, pinChange, pinned, repinned } from './fake-resolver.ts';

interface Case {
  name: string;
  input: string;
  output: string;
  changes: PinChange[];
  skipped?: PinSkip[];
}

/** `${NAME}`: build-arg and Compose variable syntax, not a JS template. */
const v = (name: string): string => '$' + `{${name}}`;

const OLD = `sha256:${'1'.repeat(64)}`;
const lines = (...l: string[]) => l.join('\n');

const cases: Case[] = [
  {
    name: 'pith config: only the top-level from:',
    input: lines(
      '# yaml-language-server: $schema=../schema/pith.schema.json',
      'from: gcr.io/distroless/static-debian12:nonroot   # the base',
      'preset: base',
      'files:',
      '  - src: build/server',
      '    dst: /usr/bin/server',
      '    from: nested:1',
      'labels: { from: label:1 }',
      '',
    ),
    output: lines(
      '# yaml-language-server: $schema=../schema/pith.schema.json',
      `from: ${pinned('gcr.io/distroless/static-debian12:nonroot')}   # the base`,
      'preset: base',
      'files:',
      '  - src: build/server',
      '    dst: /usr/bin/server',
      '    from: nested:1',
      'labels: { from: label:1 }',
      '',
    ),
    changes: [pinChange(2, 7, 'gcr.io/distroless/static-debian12:nonroot')],
  },
  {
    name: 'quote styles are kept',
    input: lines(`from: 'alpine:3.20'`, '---', 'from: "busybox"', '---', 'from: !!str debian:12', ''),
    output: lines(
      `from: '${pinned('alpine:3.20')}'`,
      '---',
      `from: "${pinned('busybox')}"`,
      '---',
      `from: !!str ${pinned('debian:12')}`,
      '',
    ),
    changes: [pinChange(1, 8, 'alpine:3.20'), pinChange(3, 8, 'busybox'), pinChange(5, 13, 'debian:12')],
  },
  {
    name: 'Kubernetes: multi-document, every workload kind, any depth',
    input: lines(
      '# deploy.yaml',
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata:',
      '  name: web',
      '  annotations:',
      '    image: not-a-container:1',
      'spec:',
      '  template:',
      '    spec:',
      '      initContainers:',
      '        - name: migrate',
      '          image: ghcr.io/acme/migrate:2.1   # runs first',
      '      containers:',
      '        - name: web',
      '          image: "nginx:1.27"',
      '          ports: [{ containerPort: 80 }]',
      '        - name: sidecar',
      "          image: 'envoyproxy/envoy:v1.30.1'",
      '---',
      'apiVersion: batch/v1',
      'kind: CronJob',
      'spec:',
      '  jobTemplate:',
      '    spec:',
      '      template:',
      '        spec:',
      '          containers:',
      '          - {name: job, image: busybox:1.36, command: [date]}',
      '...',
      '---',
      'apiVersion: v1',
      'kind: Pod',
      'spec:',
      '  ephemeralContainers:',
      '  - name: debug',
      '    image: busybox:1.36',
      '  containers:',
      '  - name: app',
      '    image: registry.example.com:5000/team/app',
      '---',
      'apiVersion: v1',
      'kind: ConfigMap',
      'data:',
      '  image: configmap-value:1',
      '  containers: "not a list"',
      '',
    ),
    output: lines(
      '# deploy.yaml',
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata:',
      '  name: web',
      '  annotations:',
      '    image: not-a-container:1',
      'spec:',
      '  template:',
      '    spec:',
      '      initContainers:',
      '        - name: migrate',
      `          image: ${pinned('ghcr.io/acme/migrate:2.1')}   # runs first`,
      '      containers:',
      '        - name: web',
      `          image: "${pinned('nginx:1.27')}"`,
      '          ports: [{ containerPort: 80 }]',
      '        - name: sidecar',
      `          image: '${pinned('envoyproxy/envoy:v1.30.1')}'`,
      '---',
      'apiVersion: batch/v1',
      'kind: CronJob',
      'spec:',
      '  jobTemplate:',
      '    spec:',
      '      template:',
      '        spec:',
      '          containers:',
      `          - {name: job, image: ${pinned('busybox:1.36')}, command: [date]}`,
      '...',
      '---',
      'apiVersion: v1',
      'kind: Pod',
      'spec:',
      '  ephemeralContainers:',
      '  - name: debug',
      `    image: ${pinned('busybox:1.36')}`,
      '  containers:',
      '  - name: app',
      `    image: ${pinned('registry.example.com:5000/team/app')}`,
      '---',
      'apiVersion: v1',
      'kind: ConfigMap',
      'data:',
      '  image: configmap-value:1',
      '  containers: "not a list"',
      '',
    ),
    changes: [
      pinChange(13, 18, 'ghcr.io/acme/migrate:2.1'),
      pinChange(16, 19, 'nginx:1.27'),
      pinChange(19, 19, 'envoyproxy/envoy:v1.30.1'),
      pinChange(29, 32, 'busybox:1.36'),
      pinChange(37, 12, 'busybox:1.36'),
      pinChange(40, 12, 'registry.example.com:5000/team/app'),
    ],
  },
  {
    name: 'Compose: services.<name>.image; build outputs and variables are left alone',
    input: lines(
      'name: shop',
      'x-common: &common',
      '  image: redis:7   # shared through a merge key',
      '  restart: always',
      'services:',
      '  db:',
      '    image: postgres:16-alpine',
      '    environment:',
      '      POSTGRES_PASSWORD: example',
      '  cache:',
      '    <<: *common',
      '  cache2:',
      '    <<: [*common]',
      '  api:',
      '    build: ./api',
      '    image: shop/api:dev',
      '  web:',
      `    image: ${v('REGISTRY')}/web:${v('TAG:-latest')}`,
      '  worker:',
      '    image: $WORKER_IMAGE',
      'volumes:',
      '  data: {}',
      '',
    ),
    output: lines(
      'name: shop',
      'x-common: &common',
      `  image: ${pinned('redis:7')}   # shared through a merge key`,
      '  restart: always',
      'services:',
      '  db:',
      `    image: ${pinned('postgres:16-alpine')}`,
      '    environment:',
      '      POSTGRES_PASSWORD: example',
      '  cache:',
      '    <<: *common',
      '  cache2:',
      '    <<: [*common]',
      '  api:',
      '    build: ./api',
      '    image: shop/api:dev',
      '  web:',
      `    image: ${v('REGISTRY')}/web:${v('TAG:-latest')}`,
      '  worker:',
      '    image: $WORKER_IMAGE',
      'volumes:',
      '  data: {}',
      '',
    ),
    changes: [pinChange(3, 10, 'redis:7'), pinChange(7, 12, 'postgres:16-alpine')],
    skipped: [
      { line: 16, text: 'shop/api:dev', why: 'names the image that build: produces' },
      { line: 18, text: `${v('REGISTRY')}/web:${v('TAG:-latest')}`, why: 'uses variables' },
      { line: 20, text: '$WORKER_IMAGE', why: 'uses variables' },
    ],
  },
  {
    name: 'anchors and aliases: the anchored scalar is pinned once, the marks stay',
    input: lines('services:', '  a:', '    image: &img node:20 # anchor', '  b:', '    image: *img', ''),
    output: lines(
      'services:',
      '  a:',
      `    image: &img ${pinned('node:20')} # anchor`,
      '  b:',
      '    image: *img',
      '',
    ),
    changes: [pinChange(3, 17, 'node:20')],
  },
  {
    name: 'CRLF line endings, a byte order mark, comments and blank lines are kept',
    input:
      '\uFEFF# top\r\n\r\nservices:\r\n  # a comment\r\n  app:\r\n    image: alpine:3.20 # trailing\r\n\r\n    command: ["sh"]\r\n',
    output: `\uFEFF# top\r\n\r\nservices:\r\n  # a comment\r\n  app:\r\n    image: ${pinned('alpine:3.20')} # trailing\r\n\r\n    command: ["sh"]\r\n`,
    changes: [pinChange(6, 12, 'alpine:3.20')],
  },
  {
    name: 'values that cannot be edited safely are reported',
    input: lines(
      'services:',
      '  block:',
      '    image: >-',
      '      nginx:1',
      '  escaped:',
      '    image: "nginx\\x3a1"',
      '  number:',
      '    image: 42',
      '  empty:',
      '    image:',
      '  template:',
      '    image: "{{ .Values.image }}"',
      '  folded:',
      '    image: nginx',
      '      :1',
      '  list:',
      '    image: [a]',
      '',
    ),
    output: lines(
      'services:',
      '  block:',
      '    image: >-',
      '      nginx:1',
      '  escaped:',
      '    image: "nginx\\x3a1"',
      '  number:',
      '    image: 42',
      '  empty:',
      '    image:',
      '  template:',
      '    image: "{{ .Values.image }}"',
      '  folded:',
      '    image: nginx',
      '      :1',
      '  list:',
      '    image: [a]',
      '',
    ),
    changes: [],
    skipped: [
      { line: 3, text: 'nginx:1', why: 'block scalar' },
      { line: 6, text: 'nginx:1', why: 'uses escapes or spans lines' },
      { line: 8, text: '42', why: 'not a string' },
      {
        line: 12,
        text: '{{ .Values.image }}',
        why: '"{{ .Values.image }}" is not an image reference: path component "{{ .Values.image }}" must be lowercase letters, digits and separators',
      },
      { line: 14, text: 'nginx :1', why: 'uses escapes or spans lines' },
      { line: 17, text: '[a]', why: 'not a string' },
    ],
  },
  {
    name: 'already pinned references are left alone',
    input: lines(
      'services:',
      '  a:',
      `    image: nginx:1.27@${OLD}`,
      '  b:',
      `    image: "busybox@${OLD}"`,
      '',
    ),
    output: lines(
      'services:',
      '  a:',
      `    image: nginx:1.27@${OLD}`,
      '  b:',
      `    image: "busybox@${OLD}"`,
      '',
    ),
    changes: [],
  },
  {
    name: 'no trailing newline, comments only, empty documents',
    input: '# nothing\n---\n---\nfrom: alpine',
    output: `# nothing\n---\n---\nfrom: ${pinned('alpine')}`,
    changes: [pinChange(4, 7, 'alpine')],
  },
];

describe('pin: YAML', () => {
  for (const c of cases) {
    describe(c.name, () => {
      it('rewrites exactly the image references', async () => {
        const r = await pinText(c.input, 'yaml', fakeResolver().resolve);
        assert.equal(r.text, c.output);
        assert.deepEqual(r.changes, c.changes);
        assert.deepEqual(r.skipped, c.skipped ?? []);
        assert.deepEqual(r.unpinned, []);
      });

      it('changes nothing the second time', async () => {
        const fake = fakeResolver();
        const r = await pinText(c.output, 'yaml', fake.resolve);
        assert.equal(r.text, c.output);
        assert.deepEqual(r.changes, []);
        assert.deepEqual(fake.calls, []);
      });

      it('check mode lists the unpinned references without resolving', async () => {
        const r = await pinText(c.input, 'yaml', noResolve, { check: true });
        assert.equal(r.text, c.input);
        assert.deepEqual(
          r.unpinned,
          c.changes.map((x) => ({ ...x, after: x.before, reason: 'no digest' })),
        );
        assert.deepEqual((await pinText(c.output, 'yaml', noResolve, { check: true })).unpinned, []);
      });
    });
  }

  it('resolves each distinct reference once', async () => {
    const fake = fakeResolver();
    await pinText(cases[2]!.input, 'yaml', fake.resolve);
    assert.deepEqual(fake.calls.sort(), [
      'docker.io/envoyproxy/envoy:v1.30.1',
      'docker.io/library/busybox:1.36',
      'docker.io/library/nginx:1.27',
      'ghcr.io/acme/migrate:2.1',
      'registry.example.com:5000/team/app:latest',
    ]);
  });

  it('update re-resolves digests of tagged references, keeping the quotes', async () => {
    const input = lines('services:', '  a:', `    image: 'nginx:1.27@${OLD}'`, '');
    const r = await pinText(input, 'yaml', fakeResolver().resolve, { update: true });
    assert.equal(r.text, lines('services:', '  a:', `    image: '${repinned(`nginx:1.27@${OLD}`)}'`, ''));
    assert.deepEqual(r.changes, [
      { line: 3, column: 13, before: `nginx:1.27@${OLD}`, after: pinned('nginx:1.27'), reason: 'updated' },
    ]);
  });

  it('refuses invalid YAML with line:col', async () => {
    await assert.rejects(
      pinText('services:\n  a:\n    image: [unclosed\n', 'yaml', noResolve),
      (err: unknown) =>
        err instanceof PithError &&
        err.code === 'BAD_YAML' &&
        err.kind === 'input' &&
        /\d+:\d+/.test(err.message),
    );
  });
});
