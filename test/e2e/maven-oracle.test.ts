// pith's Maven version ordering (OSV's Maven ecosystem) against Maven's own: maven-artifact's
// ComparableVersion from Debian's libmaven3-core-java, run on the JRE, whose main() compares each argument
// with the next. Every ordered pair of a set of awkward versions is compared both ways.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareMavenVersions } from '../../src/vuln/maven-version.ts';
import { run } from '../helpers.ts';

const JAR = '/usr/share/java/maven-artifact-3.x.jar';

const VERSIONS = [
  '1',
  '1.0',
  '1.0.0',
  '1-0',
  '1.0-0',
  '1.0.1',
  '1.1',
  '1.10',
  '1.9',
  '2',
  '2.0.0.0',
  '10',
  '1-alpha',
  '1.0-alpha1',
  '1.0-alpha-1',
  '1.0-a1',
  '1.0-a',
  '1.0-beta',
  '1.0-b2',
  '1.0-beta-2',
  '1.0-milestone-1',
  '1.0-m1',
  '1.0-rc1',
  '1.0-cr1',
  '1.0-RC2',
  '1.0-SNAPSHOT',
  '1.0-ga',
  '1.0-final',
  '1.0.final',
  '1.0-release',
  '1.0-sp',
  '1.0-sp1',
  '1.0-foo',
  '1.0-bar',
  '1.0.foo',
  '1.0-1',
  '1.0.1-1',
  '1.0.0.x1',
  '1.0.0-x2',
  '1.0-20230102.123456-1',
  '2.17.1',
  '2.17.0',
  '2.0-beta9',
  '2.14.1',
  '1.0.0-alpha.1',
  '1.2.3.Final',
  '5.3.20.RELEASE',
  '1.0-1-1',
  '1.0-1.1',
  '0.9',
  '00001.00',
  '1.0.a',
  '1-1.foo-bar1baz-.1',
  '12345678901234567890',
  '12345678901234567891',
  '1.0-2023',
  '1..0',
  '1.-1',
];

test('Maven version ordering agrees with maven-artifact ComparableVersion on every pair', async () => {
  const args: string[] = [];
  for (const a of VERSIONS) for (const b of VERSIONS) if (a !== b) args.push(a, b);
  const r = await run('java', [
    '-cp',
    JAR,
    'org.apache.maven.artifact.versioning.ComparableVersion',
    ...args,
  ]);
  assert.equal(r.code, 0, r.stderr);
  const verdicts = r.stdout
    .split('\n')
    .map((line) => /^\s+(\S+) (<|>|==) (\S+)$/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null);
  assert.equal(verdicts.length, args.length - 1, 'one verdict per neighbouring pair');
  const sign = { '<': -1, '==': 0, '>': 1 } as const;
  const wrong = verdicts
    .map(([, a, op, b]) => ({
      a: a!,
      b: b!,
      maven: sign[op as keyof typeof sign],
      pith: Math.sign(compareMavenVersions(a!, b!)),
    }))
    .filter((v) => v.maven !== v.pith);
  assert.deepEqual(wrong, []);
});
