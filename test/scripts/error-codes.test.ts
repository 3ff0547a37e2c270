// Error codes are a checked vocabulary: docs/errors.md is what scripts/gen-error-codes.ts writes now; the
// codes src/ throws (scripts/error-code-scan.ts) are exactly the catalogued ones, each thrown with its
// catalogued kind; and the scanner, run on test/fixtures/error-codes/, catches each kind of drift.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  compare,
  type Mismatch,
  SRC_CODE_VARIABLES,
  SRC_PRODUCERS,
  scanSource,
  scanTree,
} from '../../scripts/error-code-scan.ts';
import { allErrorCodes, ERRORS_DOC, errorsDoc } from '../../scripts/gen-error-codes.ts';
import { ExitCode } from '../../src/cli/exit-codes.ts';
import { indexErrorCatalogs, KIND_EXIT_CODES } from '../../src/util/index.ts';
import { WIDGET_ERROR_CODES } from '../fixtures/error-codes/catalog.ts';
import { ROOT } from '../helpers.ts';

const SRC = join(ROOT, 'src');
const FIXTURE = join(ROOT, 'test', 'fixtures', 'error-codes', 'src');

describe('error codes of src/', () => {
  const found = compare(scanTree(SRC, SRC_PRODUCERS, ['testing/']), allErrorCodes(), SRC_CODE_VARIABLES);

  it('docs/errors.md is current (npm run errors)', () => {
    assert.equal(readFileSync(ERRORS_DOC, 'utf8'), errorsDoc());
  });

  it('every code thrown is catalogued, and every catalogued code is thrown', () => {
    assert.deepEqual([...found.uncatalogued, ...found.unused], []);
  });

  it("each literal call site throws its code with the catalog's kind", () => {
    assert.deepEqual(found.wrongKind, []);
  });

  it('a code passed through a variable is a re-raise or a listed, typed variable', () => {
    assert.deepEqual(found.unlistedVariables, []);
  });

  it('exit codes follow the kinds as the CLI maps them', () => {
    for (const [kind, code] of Object.entries(KIND_EXIT_CODES))
      assert.equal(ExitCode[kind as 'io'], code, kind);
    for (const [code, c] of Object.entries(allErrorCodes())) {
      assert.equal(c.exitCode, KIND_EXIT_CODES[c.kind], code);
      assert.match(c.meaning, /\S/, code);
    }
  });
});

describe('the scanner', () => {
  it('on the fixture: finds an uncatalogued code, an unused one, a wrong kind and an unlisted variable', () => {
    const found = compare(scanTree(FIXTURE, []), WIDGET_ERROR_CODES, new Map());
    assert.deepEqual(found, {
      uncatalogued: ['widget/make.ts:8: WIDGET_MISSING is thrown but in no error-codes.ts'],
      unused: ['WIDGET_UNUSED is catalogued but never thrown'],
      wrongKind: ['widget/make.ts:15: WIDGET_BROKEN is thrown as io, catalogued as invalid'],
      unlistedVariables: [
        `widget/make.ts:19: code passed as "code": write it as a literal, or type it with the module's code union and list it in scripts/error-code-scan.ts`,
      ],
    } satisfies Mismatch);
  });

  it('reads helpers, subclasses and factories, and skips function declarations and comments', () => {
    const src = [
      "throw new RegistryError({ method, url, code: 'TOO_MANY_REDIRECTS', message: 'm' });",
      "throw fieldError(ctx, ['from'], (cause as PithError).code ?? 'BASE_UNAVAILABLE', why, cause);",
      `throw debError('BAD_AR', where, \`x, \${y}\`);`,
      "throw this.#sink.fail('SOURCE_CHANGED', 'changed');",
      "throw tarError('BAD_TAR', 'x');",
      "const FAILURE: Record<C, string> = { gz: 'BAD_GZIP' };\nthrow inMember(err, where, name, FAILURE[c]);",
      'export function debError(code: DebArchiveErrorCode, where: string) {}',
      "/* new PithError('io', 'IN_A_COMMENT', 'x') */",
    ].join('\n');
    const { sites, variables } = scanSource(src, 'x.ts', ['tarError']);
    assert.deepEqual(
      sites.map((s) => `${s.line} ${s.code} ${s.kind}`),
      [
        '1 TOO_MANY_REDIRECTS undefined',
        '2 BASE_UNAVAILABLE input',
        '3 BAD_AR invalid',
        '4 SOURCE_CHANGED input',
        '5 BAD_TAR undefined',
        '7 BAD_GZIP invalid',
      ],
    );
    assert.deepEqual(variables, []);
  });

  it('a code declared by two modules is refused when the catalogs are merged', () => {
    const a = { X: { kind: 'io', meaning: 'x' } } as const;
    assert.throws(
      () =>
        indexErrorCatalogs([
          ['tar', a],
          ['oci', a],
        ]),
      /error code X is declared by both tar and oci/,
    );
  });
});
