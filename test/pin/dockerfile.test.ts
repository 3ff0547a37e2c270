// pin on Dockerfiles: a corpus of real-world shapes, each asserted byte for byte (output text, change
// list, skipped list), then re-pinned (no change the second time) and checked (no resolver call).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type PinChange, type PinSkip, pinText } from '../../src/pin/index.ts';
import { D, fakeResolver, noResolve, pinChange, pinned, repinned } from './fake-resolver.ts';

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
const OLD2 = `sha256:${'2'.repeat(64)}`;

const corpus: Case[] = [
  {
    name: 'single stage',
    input: 'FROM alpine:3.20\nRUN apk add --no-cache curl\nCMD ["curl"]\n',
    output: `FROM ${pinned('alpine:3.20')}\nRUN apk add --no-cache curl\nCMD ["curl"]\n`,
    changes: [pinChange(1, 6, 'alpine:3.20')],
  },
  {
    name: 'untagged references keep their text and gain the digest of :latest',
    input: 'FROM alpine\nFROM docker.io/library/ubuntu\n',
    output: `FROM alpine@${D('alpine:latest')}\nFROM docker.io/library/ubuntu@${D('ubuntu:latest')}\n`,
    changes: [pinChange(1, 6, 'alpine'), pinChange(2, 6, 'docker.io/library/ubuntu')],
  },
  {
    name: 'registries with ports and nested paths',
    input:
      'FROM localhost:5000/team/app:1.0\nFROM ghcr.io/owner/tool:v1.2.3\nFROM gcr.io/distroless/static-debian12:nonroot\n',
    output: `FROM ${pinned('localhost:5000/team/app:1.0')}\nFROM ${pinned('ghcr.io/owner/tool:v1.2.3')}\nFROM ${pinned('gcr.io/distroless/static-debian12:nonroot')}\n`,
    changes: [
      pinChange(1, 6, 'localhost:5000/team/app:1.0'),
      pinChange(2, 6, 'ghcr.io/owner/tool:v1.2.3'),
      pinChange(3, 6, 'gcr.io/distroless/static-debian12:nonroot'),
    ],
  },
  {
    name: 'multi-stage: stage references are not images',
    input: [
      'FROM golang:1.22 AS build',
      'WORKDIR /src',
      'RUN go build -o /out/app .',
      '',
      'FROM build AS test',
      'RUN go test ./...',
      '',
      'FROM gcr.io/distroless/static-debian12',
      'COPY --from=build /out/app /app',
      '',
    ].join('\n'),
    output: [
      `FROM ${pinned('golang:1.22')} AS build`,
      'WORKDIR /src',
      'RUN go build -o /out/app .',
      '',
      'FROM build AS test',
      'RUN go test ./...',
      '',
      `FROM gcr.io/distroless/static-debian12@${D('gcr.io/distroless/static-debian12')}`,
      'COPY --from=build /out/app /app',
      '',
    ].join('\n'),
    changes: [pinChange(1, 6, 'golang:1.22'), pinChange(8, 6, 'gcr.io/distroless/static-debian12')],
  },
  {
    name: '--platform flags, with build args in the flag value',
    input: `FROM --platform=$BUILDPLATFORM golang:1.22-bookworm AS build\nFROM --platform=linux/amd64 debian:bookworm-slim\nFROM --platform=${v('TARGETPLATFORM')} build\n`,
    output: `FROM --platform=$BUILDPLATFORM ${pinned('golang:1.22-bookworm')} AS build\nFROM --platform=linux/amd64 ${pinned('debian:bookworm-slim')}\nFROM --platform=${v('TARGETPLATFORM')} build\n`,
    changes: [pinChange(1, 32, 'golang:1.22-bookworm'), pinChange(2, 29, 'debian:bookworm-slim')],
  },
  {
    name: 'ARG-based references are skipped, defaults before the first FROM included',
    input: [
      'ARG BASE=alpine:3.20',
      'ARG GO_VERSION=1.22',
      `FROM ${v('BASE')}`,
      'FROM $BASE:1',
      `FROM golang:${v('GO_VERSION')} AS build`,
      'FROM node:20',
      '',
    ].join('\n'),
    output: [
      'ARG BASE=alpine:3.20',
      'ARG GO_VERSION=1.22',
      `FROM ${v('BASE')}`,
      'FROM $BASE:1',
      `FROM golang:${v('GO_VERSION')} AS build`,
      `FROM ${pinned('node:20')}`,
      '',
    ].join('\n'),
    changes: [pinChange(6, 6, 'node:20')],
    skipped: [
      { line: 3, text: v('BASE'), why: 'uses build args' },
      { line: 4, text: '$BASE:1', why: 'uses build args' },
      { line: 5, text: `golang:${v('GO_VERSION')}`, why: 'uses build args' },
    ],
  },
  {
    name: 'already pinned references are left alone',
    input: `FROM alpine:3.20@${OLD}\nFROM busybox@${OLD2} AS bb\nFROM debian:12\n`,
    output: `FROM alpine:3.20@${OLD}\nFROM busybox@${OLD2} AS bb\nFROM ${pinned('debian:12')}\n`,
    changes: [pinChange(3, 6, 'debian:12')],
  },
  {
    name: 'lowercase and mixed-case instructions, indentation, AS in any case',
    input: 'from alpine:3.20 as base\n  From base As two\n\tFROM\tnode:20\tAS\tweb\nfRoM ubuntu:24.04\n',
    output: `from ${pinned('alpine:3.20')} as base\n  From base As two\n\tFROM\t${pinned('node:20')}\tAS\tweb\nfRoM ${pinned('ubuntu:24.04')}\n`,
    changes: [pinChange(1, 6, 'alpine:3.20'), pinChange(3, 7, 'node:20'), pinChange(4, 6, 'ubuntu:24.04')],
  },
  {
    name: 'continuation lines, with a comment and a blank line inside',
    input: [
      'FROM \\',
      '    --platform=$BUILDPLATFORM \\',
      '    # the toolchain',
      '',
      '    golang:1.22 \\',
      '    AS build',
      'FROM python:3.12-slim \\  ',
      'AS py',
      'FROM node:2\\',
      '0',
      '',
    ].join('\n'),
    output: [
      'FROM \\',
      '    --platform=$BUILDPLATFORM \\',
      '    # the toolchain',
      '',
      `    ${pinned('golang:1.22')} \\`,
      '    AS build',
      `FROM ${pinned('python:3.12-slim')} \\  `,
      'AS py',
      'FROM node:2\\',
      '0',
      '',
    ].join('\n'),
    changes: [pinChange(5, 5, 'golang:1.22'), pinChange(7, 6, 'python:3.12-slim')],
    skipped: [{ line: 9, text: 'node:20', why: 'reference is split across continuation lines' }],
  },
  {
    name: 'escape directive: backtick continuations, backslashes are literal',
    input: [
      '# escape=`',
      '',
      'FROM mcr.microsoft.com/windows/servercore:ltsc2022 `',
      '    AS base',
      'COPY --from=mcr.microsoft.com/powershell:lts-nanoserver-ltsc2022 `',
      '    C:\\Program Files\\PowerShell C:\\pwsh',
      'RUN dir C:\\ `',
      '    && echo done',
      '',
    ].join('\n'),
    output: [
      '# escape=`',
      '',
      `FROM ${pinned('mcr.microsoft.com/windows/servercore:ltsc2022')} \``,
      '    AS base',
      `COPY --from=${pinned('mcr.microsoft.com/powershell:lts-nanoserver-ltsc2022')} \``,
      '    C:\\Program Files\\PowerShell C:\\pwsh',
      'RUN dir C:\\ `',
      '    && echo done',
      '',
    ].join('\n'),
    changes: [
      pinChange(3, 6, 'mcr.microsoft.com/windows/servercore:ltsc2022'),
      pinChange(5, 13, 'mcr.microsoft.com/powershell:lts-nanoserver-ltsc2022'),
    ],
  },
  {
    name: 'an escape directive after another line is only a comment',
    input: 'FROM alpine:3.20\n# escape=`\nFROM debian:12 `\n',
    output: `FROM ${pinned('alpine:3.20')}\n# escape=\`\nFROM debian:12 \`\n`,
    changes: [pinChange(1, 6, 'alpine:3.20')],
    skipped: [
      { line: 3, text: 'debian:12 `', why: 'unrecognised FROM arguments (expected IMAGE [AS NAME])' },
    ],
  },
  {
    name: 'scratch is not an image',
    input: 'FROM golang:1.22 AS build\nFROM scratch\nCOPY --from=build /app /app\nFROM scratch AS empty\n',
    output: `FROM ${pinned('golang:1.22')} AS build\nFROM scratch\nCOPY --from=build /app /app\nFROM scratch AS empty\n`,
    changes: [pinChange(1, 6, 'golang:1.22')],
  },
  {
    name: 'stage names are case-insensitive; only earlier stages count for FROM',
    input: 'FROM alpine:3 AS Alpine\nFROM alpine\nFROM ALPINE AS x\nFROM later\nFROM debian:12 AS later\n',
    output: `FROM ${pinned('alpine:3')} AS Alpine\nFROM alpine\nFROM ALPINE AS x\nFROM ${pinned('later')}\nFROM ${pinned('debian:12')} AS later\n`,
    changes: [pinChange(1, 6, 'alpine:3'), pinChange(4, 6, 'later'), pinChange(5, 6, 'debian:12')],
  },
  {
    name: 'COPY --from: image vs stage vs index vs build arg',
    input: [
      'FROM node:20 AS web',
      'FROM golang:1.22',
      'COPY --from=web /dist /dist',
      'COPY --from=0 /a /a',
      'COPY --from=nginx:1.27 /etc/nginx/nginx.conf /etc/nginx/',
      'COPY --link --chown=1:1 --from=busybox:1.36 /bin/busybox /bin/',
      'COPY --from=$TOOLS /bin/tool /bin/',
      'COPY --from=Web /x /x',
      'COPY --from=late /y /y',
      'COPY ./from=x:1 /z',
      'FROM alpine:3 AS late',
      '',
    ].join('\n'),
    output: [
      `FROM ${pinned('node:20')} AS web`,
      `FROM ${pinned('golang:1.22')}`,
      'COPY --from=web /dist /dist',
      'COPY --from=0 /a /a',
      `COPY --from=${pinned('nginx:1.27')} /etc/nginx/nginx.conf /etc/nginx/`,
      `COPY --link --chown=1:1 --from=${pinned('busybox:1.36')} /bin/busybox /bin/`,
      'COPY --from=$TOOLS /bin/tool /bin/',
      'COPY --from=Web /x /x',
      'COPY --from=late /y /y',
      'COPY ./from=x:1 /z',
      `FROM ${pinned('alpine:3')} AS late`,
      '',
    ].join('\n'),
    changes: [
      pinChange(1, 6, 'node:20'),
      pinChange(2, 6, 'golang:1.22'),
      pinChange(5, 13, 'nginx:1.27'),
      pinChange(6, 32, 'busybox:1.36'),
      pinChange(11, 6, 'alpine:3'),
    ],
    skipped: [{ line: 7, text: '$TOOLS', why: 'uses build args' }],
  },
  {
    name: 'comments containing FROM, and FROM inside other instructions',
    input: [
      '# FROM ubuntu:22.04 was too big',
      '   # from debian:11',
      'FROM alpine:3.20',
      'RUN echo FROM nope:1 && \\',
      '# FROM in a continuation comment:1',
      '    echo done',
      'LABEL note="FROM x:1"',
      '',
    ].join('\n'),
    output: [
      '# FROM ubuntu:22.04 was too big',
      '   # from debian:11',
      `FROM ${pinned('alpine:3.20')}`,
      'RUN echo FROM nope:1 && \\',
      '# FROM in a continuation comment:1',
      '    echo done',
      'LABEL note="FROM x:1"',
      '',
    ].join('\n'),
    changes: [pinChange(3, 6, 'alpine:3.20')],
  },
  {
    name: 'heredocs are not read as instructions',
    input: [
      'FROM alpine:3.20',
      'RUN <<EOF',
      'FROM not-an-image:1',
      'COPY --from=nope:2 / /',
      'EOF',
      'RUN <<-"SCRIPT" cat > /x && <<END2 sh',
      '\tFROM tabbed:1',
      '\tSCRIPT',
      'FROM second:1',
      'END2',
      "COPY <<'CONF' /etc/app.conf",
      'FROM conf:1',
      'CONF',
      'RUN echo "<<NOTHEREDOC"',
      'FROM debian:12',
      '',
    ].join('\n'),
    output: [
      `FROM ${pinned('alpine:3.20')}`,
      'RUN <<EOF',
      'FROM not-an-image:1',
      'COPY --from=nope:2 / /',
      'EOF',
      'RUN <<-"SCRIPT" cat > /x && <<END2 sh',
      '\tFROM tabbed:1',
      '\tSCRIPT',
      'FROM second:1',
      'END2',
      "COPY <<'CONF' /etc/app.conf",
      'FROM conf:1',
      'CONF',
      'RUN echo "<<NOTHEREDOC"',
      `FROM ${pinned('debian:12')}`,
      '',
    ].join('\n'),
    changes: [pinChange(1, 6, 'alpine:3.20'), pinChange(15, 6, 'debian:12')],
  },
  {
    name: 'RUN --mount from=: images pinned, stages and quoted options left alone',
    input: [
      'FROM golang:1.22 AS build',
      'RUN --mount=type=bind,from=busybox:1.36,source=/bin,target=/bb ls /bb',
      'RUN --mount=type=cache,target=/root/.cache --mount=from=build,target=/src,type=bind go version',
      'RUN --mount=type=bind,"from=alpine:3",target=/a true',
      'RUN --network=none --mount=type=bind,source=/,target=/x,from=ghcr.io/o/tools:2 true',
      '',
    ].join('\n'),
    output: [
      `FROM ${pinned('golang:1.22')} AS build`,
      `RUN --mount=type=bind,from=${pinned('busybox:1.36')},source=/bin,target=/bb ls /bb`,
      'RUN --mount=type=cache,target=/root/.cache --mount=from=build,target=/src,type=bind go version',
      'RUN --mount=type=bind,"from=alpine:3",target=/a true',
      `RUN --network=none --mount=type=bind,source=/,target=/x,from=${pinned('ghcr.io/o/tools:2')} true`,
      '',
    ].join('\n'),
    changes: [
      pinChange(1, 6, 'golang:1.22'),
      pinChange(2, 28, 'busybox:1.36'),
      pinChange(5, 62, 'ghcr.io/o/tools:2'),
    ],
    skipped: [{ line: 4, text: 'type=bind,"from=alpine:3",target=/a', why: 'quoted --mount options' }],
  },
  {
    name: 'CRLF line endings and a byte order mark are kept',
    input:
      '\uFEFF# syntax=docker/dockerfile:1\r\nFROM alpine:3.20 \\\r\n  AS base\r\n\r\nFROM base\r\nCOPY --from=nginx:1 /a /a\r\n',
    output: `\uFEFF# syntax=docker/dockerfile:1\r\nFROM ${pinned('alpine:3.20')} \\\r\n  AS base\r\n\r\nFROM base\r\nCOPY --from=${pinned('nginx:1')} /a /a\r\n`,
    changes: [pinChange(2, 6, 'alpine:3.20'), pinChange(6, 13, 'nginx:1')],
  },
  {
    name: 'odd FROM lines are reported, not guessed at',
    input:
      'FROM\nFROM a b\nFROM "alpine:3"\nFROM Alpine:3\nONBUILD COPY --from=x:1 / /\nFROM alpine:3 # trailing\n',
    output:
      'FROM\nFROM a b\nFROM "alpine:3"\nFROM Alpine:3\nONBUILD COPY --from=x:1 / /\nFROM alpine:3 # trailing\n',
    changes: [],
    skipped: [
      { line: 2, text: 'a b', why: 'unrecognised FROM arguments (expected IMAGE [AS NAME])' },
      { line: 3, text: '"alpine:3"', why: 'quoted or escaped reference' },
      {
        line: 4,
        text: 'Alpine:3',
        why: '"Alpine:3" is not an image reference: path component "Alpine" must be lowercase letters, digits and separators',
      },
      { line: 6, text: 'alpine:3 # trailing', why: 'unrecognised FROM arguments (expected IMAGE [AS NAME])' },
    ],
  },
  {
    name: 'an unterminated heredoc hides the rest of the file, and says so',
    input: 'FROM alpine:3\nRUN <<EOF\necho\nFROM debian:12\n',
    output: `FROM ${pinned('alpine:3')}\nRUN <<EOF\necho\nFROM debian:12\n`,
    changes: [pinChange(1, 6, 'alpine:3')],
    skipped: [{ line: 2, text: '<<EOF', why: 'unterminated heredoc: the rest of the file was not read' }],
  },
  {
    name: 'a byte order mark before the first FROM is not a column',
    input: '\uFEFFFROM alpine:3\n',
    output: `\uFEFFFROM ${pinned('alpine:3')}\n`,
    changes: [pinChange(1, 6, 'alpine:3')],
  },
  {
    name: 'no trailing newline',
    input: 'FROM alpine:3.20',
    output: `FROM ${pinned('alpine:3.20')}`,
    changes: [pinChange(1, 6, 'alpine:3.20')],
  },
];

describe('pin: Dockerfile corpus', () => {
  assert.ok(corpus.length >= 15);
  for (const c of corpus) {
    describe(c.name, () => {
      it('rewrites exactly the image references', async () => {
        const r = await pinText(c.input, 'dockerfile', fakeResolver().resolve);
        assert.equal(r.text, c.output);
        assert.deepEqual(r.changes, c.changes);
        assert.deepEqual(r.skipped, c.skipped ?? []);
        assert.deepEqual(r.unpinned, []);
      });

      it('changes nothing the second time', async () => {
        const fake = fakeResolver();
        const r = await pinText(c.output, 'dockerfile', fake.resolve);
        assert.equal(r.text, c.output);
        assert.deepEqual(r.changes, []);
        assert.deepEqual(fake.calls, []);
      });

      it('check mode lists the unpinned references without resolving', async () => {
        const before = await pinText(c.input, 'dockerfile', noResolve, { check: true });
        assert.equal(before.text, c.input);
        assert.deepEqual(before.changes, []);
        assert.deepEqual(
          before.unpinned,
          c.changes.map((x) => ({ ...x, after: x.before, reason: 'no digest' })),
        );
        assert.deepEqual(before.skipped, c.skipped ?? []);
        const after = await pinText(c.output, 'dockerfile', noResolve, { check: true });
        assert.deepEqual(after.unpinned, []);
      });
    });
  }
});

describe('pin: Dockerfile update mode', () => {
  it('re-resolves tagged digests, keeps digest-only references, and is then stable', async () => {
    const input = `FROM alpine:3.20@${OLD} AS a\nFROM busybox@${OLD2}\nFROM node:20\nCOPY --from=nginx:1@${OLD} / /\n`;
    const fake = fakeResolver();
    const r = await pinText(input, 'dockerfile', fake.resolve, { update: true });
    assert.equal(
      r.text,
      `FROM ${pinned('alpine:3.20')} AS a\nFROM busybox@${OLD2}\nFROM ${pinned('node:20')}\nCOPY --from=${pinned('nginx:1')} / /\n`,
    );
    assert.deepEqual(r.changes, [
      {
        line: 1,
        column: 6,
        before: `alpine:3.20@${OLD}`,
        after: repinned(`alpine:3.20@${OLD}`),
        reason: 'updated',
      },
      pinChange(3, 6, 'node:20'),
      { line: 4, column: 13, before: `nginx:1@${OLD}`, after: pinned('nginx:1'), reason: 'updated' },
    ]);
    assert.deepEqual(r.skipped, [
      { line: 2, text: `busybox@${OLD2}`, why: 'has a digest but no tag to re-resolve' },
    ]);
    assert.deepEqual(fake.calls.sort(), [
      'docker.io/library/alpine:3.20',
      'docker.io/library/nginx:1',
      'docker.io/library/node:20',
    ]);
    const again = await pinText(r.text, 'dockerfile', fakeResolver().resolve, { update: true });
    assert.equal(again.text, r.text);
    assert.deepEqual(again.changes, []);
  });

  it('check mode ignores update and never resolves', async () => {
    const input = `FROM alpine:3.20@${OLD}\nFROM node:20\n`;
    const r = await pinText(input, 'dockerfile', noResolve, { check: true, update: true });
    assert.equal(r.text, input);
    assert.deepEqual(r.unpinned, [
      { line: 2, column: 6, before: 'node:20', after: 'node:20', reason: 'no digest' },
    ]);
  });
});
