// The network idle timeout as users give it: seconds (fractions allowed) → ms, at least 1 ms, at most what a
// Node.js timer holds (a larger delay would fire at once on Node 22); anything else is an error naming its
// source, a usage error for a flag and an input error for the environment.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { idleTimeoutFromEnv, isPithError, parseNetworkTimeout } from '../../src/util/index.ts';

test('seconds become milliseconds, clamped to what a timer holds', () => {
  assert.equal(parseNetworkTimeout('30', '--network-timeout'), 30_000);
  assert.equal(parseNetworkTimeout(' 0.5 ', '--network-timeout'), 500);
  assert.equal(parseNetworkTimeout('0.0001', '--network-timeout'), 1);
  assert.equal(parseNetworkTimeout('3000000', '--network-timeout'), 2 ** 31 - 1);
  assert.equal(idleTimeoutFromEnv({ PITH_NETWORK_TIMEOUT: '2' }), 2000);
  assert.equal(idleTimeoutFromEnv({}), undefined);
});

test('a value that is not a positive number names its source; a flag is a usage error', () => {
  for (const raw of ['', 'soon', '0', '-1', 'Infinity', 'NaN']) {
    assert.throws(
      () => parseNetworkTimeout(raw, '--network-timeout', 'usage'),
      (e) => isPithError(e) && e.kind === 'usage' && e.message.startsWith('--network-timeout must be'),
    );
  }
  assert.throws(
    () => idleTimeoutFromEnv({ PITH_NETWORK_TIMEOUT: 'soon' }),
    (e) => isPithError(e) && e.kind === 'input' && /^PITH_NETWORK_TIMEOUT must be/.test(e.message),
  );
});
