// SOURCE_DATE_EPOCH parsing (strict ASCII decimal seconds) and RFC 3339 rendering.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { epochFromEnv, epochToRfc3339, PithError, parseEpoch } from '../../src/util/index.ts';

function isBadEpoch(err: unknown): boolean {
  return err instanceof PithError && err.code === 'BAD_EPOCH' && err.kind === 'input';
}

describe('parseEpoch', () => {
  it('parses whole decimal seconds', () => {
    assert.equal(parseEpoch('0'), 0);
    assert.equal(parseEpoch('1'), 1);
    assert.equal(parseEpoch('1700000000'), 1_700_000_000);
    assert.equal(parseEpoch('0001700000000'), 1_700_000_000);
  });

  it('gives 0 for undefined and empty', () => {
    assert.equal(parseEpoch(undefined), 0);
    assert.equal(parseEpoch(''), 0);
  });

  for (const bad of [
    '-1',
    '1.5',
    ' 12',
    '12 ',
    '1e9',
    'abc',
    '+5',
    '0x10',
    '1_000',
    '١٢',
    '1234567890123456',
  ]) {
    it(`rejects ${JSON.stringify(bad)} with BAD_EPOCH`, () => {
      assert.throws(() => parseEpoch(bad), isBadEpoch);
    });
  }

  it('names the source and the value in the message', () => {
    assert.throws(
      () => parseEpoch('soon', 'epoch in pith.yaml'),
      (err: unknown) => isBadEpoch(err) && /epoch in pith\.yaml="soon"/.test((err as Error).message),
    );
  });

  it('epochFromEnv reads SOURCE_DATE_EPOCH', () => {
    assert.equal(epochFromEnv({ SOURCE_DATE_EPOCH: '86400' }), 86_400);
    assert.equal(epochFromEnv({}), 0);
    assert.throws(() => epochFromEnv({ SOURCE_DATE_EPOCH: '1.0' }), isBadEpoch);
  });
});

describe('parseEpoch and epochToRfc3339 together', () => {
  it('every accepted epoch can be rendered (or it is refused as BAD_EPOCH, never a crash)', () => {
    // 14 digits pass parseEpoch's /^[0-9]{1,15}$/ but lie beyond what a Date can hold (8.64e12 s).
    for (const text of ['253402300799', '8640000000000', '99999999999999', '999999999999999']) {
      let epoch: number;
      try {
        epoch = parseEpoch(text);
      } catch (err) {
        assert.ok(isBadEpoch(err), `${text}: ${String(err)}`);
        continue;
      }
      assert.doesNotThrow(
        () => epochToRfc3339(epoch),
        `SOURCE_DATE_EPOCH=${text} was accepted but cannot be rendered`,
      );
    }
  });
});

describe('epochToRfc3339', () => {
  it('renders UTC without fractional seconds', () => {
    assert.equal(epochToRfc3339(0), '1970-01-01T00:00:00Z');
    assert.equal(epochToRfc3339(1_700_000_000), '2023-11-14T22:13:20Z');
    assert.equal(epochToRfc3339(951_782_400), '2000-02-29T00:00:00Z');
  });
});
