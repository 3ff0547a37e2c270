// WWW-Authenticate parsing (RFC 7235; oci.md §13): several challenges per header, case-insensitive
// schemes and names, quoted strings with escapes and commas, BWS, token68, and sloppy unquoted values.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseChallenge } from '../../../src/io/registry/transport/index.ts';

describe('parseChallenge', () => {
  it('reads Docker Hub’s Bearer challenge, with a comma inside the quoted scope', () => {
    const h =
      'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:samalba/my-app:pull,push"';
    assert.deepEqual(parseChallenge(h), [
      {
        scheme: 'bearer',
        params: {
          realm: 'https://auth.docker.io/token',
          service: 'registry.docker.io',
          scope: 'repository:samalba/my-app:pull,push',
        },
      },
    ]);
  });

  it('splits several challenges in one header', () => {
    const got = parseChallenge(
      'Basic realm="reg", Bearer realm="https://a/token",service="s", Digest realm="d", qop="auth,auth-int"',
    );
    assert.deepEqual(
      got.map((c) => [c.scheme, c.params]),
      [
        ['basic', { realm: 'reg' }],
        ['bearer', { realm: 'https://a/token', service: 's' }],
        ['digest', { realm: 'd', qop: 'auth,auth-int' }],
      ],
    );
  });

  it('lower-cases schemes and parameter names, not values', () => {
    assert.deepEqual(parseChallenge('BEARER Realm="HTTPS://A/Token", SERVICE=Reg'), [
      { scheme: 'bearer', params: { realm: 'HTTPS://A/Token', service: 'Reg' } },
    ]);
  });

  it('unescapes quoted-pairs and keeps empty quoted values', () => {
    assert.deepEqual(parseChallenge('Basic realm="a\\"b\\\\c, d", charset=""').at(0)?.params, {
      realm: 'a"b\\c, d',
      charset: '',
    });
  });

  it('allows whitespace around "=" and between parameters', () => {
    assert.deepEqual(parseChallenge('Bearer   realm = "x" ,\tservice= y ,scope ="z"').at(0)?.params, {
      realm: 'x',
      service: 'y',
      scope: 'z',
    });
  });

  it('accepts an unquoted URL as a value', () => {
    assert.deepEqual(
      parseChallenge('Bearer realm=https://auth.example.com:8443/token?x=1,service=reg').at(0)?.params,
      {
        realm: 'https://auth.example.com:8443/token?x=1',
        service: 'reg',
      },
    );
  });

  it('reads token68 challenges beside parameter ones', () => {
    assert.deepEqual(parseChallenge('Negotiate abc+/123==, Basic realm="r", NTLM'), [
      { scheme: 'negotiate', params: {}, token68: 'abc+/123==' },
      { scheme: 'basic', params: { realm: 'r' } },
      { scheme: 'ntlm', params: {} },
    ]);
  });

  it('reads insufficient_scope with several scopes', () => {
    const [c] = parseChallenge(
      'Bearer realm="https://a/t",service="s",error="insufficient_scope",scope="repository:a:pull,push repository:b:pull"',
    );
    assert.equal(c?.params['error'], 'insufficient_scope');
    assert.equal(c?.params['scope'], 'repository:a:pull,push repository:b:pull');
  });

  it('keeps the first of a repeated parameter, tolerates an unterminated quote and empty input', () => {
    assert.deepEqual(parseChallenge('Bearer realm="one", realm="two"').at(0)?.params, { realm: 'one' });
    assert.deepEqual(parseChallenge('Bearer realm="never closed').at(0)?.params, { realm: 'never closed' });
    assert.deepEqual(parseChallenge(''), []);
    assert.deepEqual(parseChallenge(' , ,'), []);
    assert.deepEqual(parseChallenge('Bearer'), [{ scheme: 'bearer', params: {} }]);
  });
});
