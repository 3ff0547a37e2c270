// MANIFEST.MF's main section read as java.util.jar.Manifest reads it: names without regard to case,
// continuation lines joined as bytes before decoding (a 72-byte wrap may split a UTF-8 character), the
// section ending at the first blank line.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { manifestMainAttributes } from '../../src/zip/index.ts';

test('names are looked up without regard to case; continuations join; the main section ends at a blank line', () => {
  const attrs = manifestMainAttributes(
    'Manifest-Version: 1.0\r\nMain-class: app.Main\r\nClass-Path: lib/a.jar lib/b\r\n .jar\r\n\r\nName: x\r\nMain-Class: no\r\n',
  );
  assert.equal(attrs.get('Main-Class'), 'app.Main');
  assert.equal(attrs.get('MAIN-CLASS'), 'app.Main');
  assert.equal(attrs.get('Class-Path'), 'lib/a.jar lib/b.jar');
  assert.equal(attrs.has('Name'), false, 'per-entry sections are not main attributes');
});

test('a UTF-8 character split by the 72-byte wrap is joined before it is decoded', () => {
  const value = Buffer.from('Équipe Ünïcode', 'utf8');
  const cut = 1; // inside the two bytes of É
  const bytes = Buffer.concat([
    Buffer.from('Implementation-Vendor: '),
    value.subarray(0, cut),
    Buffer.from('\n '),
    value.subarray(cut),
    Buffer.from('\n'),
  ]);
  assert.equal(manifestMainAttributes(bytes).get('implementation-vendor'), 'Équipe Ünïcode');
});
