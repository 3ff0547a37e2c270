// sigstore's mock services (@sigstore/mock: a Fulcio CA with its CT log, and a Rekor log, as sigstore-js
// tests them) served over HTTP on 127.0.0.1, with the TrustedRoot JSON that trusts exactly them: keyless
// signing runs against these and verifies offline afterwards. OIDC tokens are unsigned JWTs; the mock CA
// puts their `sub` in the certificate as a URI and `iss` as the issuer extension.
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { fulcioHandler, initializeCA, initializeCTLog } from '@sigstore/mock/dist/fulcio/index.js';
import { initializeTLog, rekorHandler } from '@sigstore/mock/dist/rekor/index.js';
import { generateKeyPair } from '@sigstore/mock/dist/util/key.js';

export interface SigstoreMock {
  /** http://127.0.0.1:PORT, both Fulcio's and Rekor's base URL. */
  url: string;
  /** A sigstore TrustedRoot (JSON) naming the mock CA, CT log and Rekor log. */
  trustedRoot: Record<string, unknown>;
  close(): Promise<void>;
}

/** An unsigned JWT with these claims (the mock CA decodes, it does not verify). */
export function identityToken(claims: { sub: string; iss: string }): string {
  const part = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part({ alg: 'none', typ: 'JWT' })}.${part({ ...claims, aud: 'sigstore', exp: Math.floor(Date.now() / 1000) + 600 })}.`;
}

export async function startSigstoreMock(): Promise<SigstoreMock> {
  const caKey = generateKeyPair('prime256v1');
  const ctlog = await initializeCTLog(caKey);
  const ca = await initializeCA(caKey, ctlog);
  const server: Server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const addr = server.address();
  const url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  const tlogKey = generateKeyPair('prime256v1');
  const tlog = await initializeTLog(url, tlogKey);
  const handlers = [fulcioHandler(ca), rekorHandler(tlog)];
  server.on('request', (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const h = handlers.find((x) => req.method === 'POST' && req.url === x.path);
      if (!h) {
        res.writeHead(404).end();
        return;
      }
      void h.fn(Buffer.concat(chunks).toString('utf8')).then(({ statusCode, response, contentType }) => {
        res.writeHead(statusCode, { 'content-type': contentType ?? 'text/plain' });
        res.end(response);
      });
    });
  });
  const start = new Date(Date.now() - 86_400_000).toISOString();
  const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');
  const trustedRoot = {
    mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
    tlogs: [
      {
        baseUrl: url,
        hashAlgorithm: 'SHA2_256',
        publicKey: {
          rawBytes: b64(tlog.publicKey),
          keyDetails: 'PKIX_ECDSA_P256_SHA_256',
          validFor: { start },
        },
        logId: { keyId: b64(createHash('sha256').update(tlog.publicKey).digest()) },
      },
    ],
    certificateAuthorities: [
      {
        subject: { organization: 'sigstore.mock', commonName: 'sigstore' },
        uri: url,
        certChain: { certificates: [{ rawBytes: b64(new Uint8Array(ca.rootCertificate.buffer)) }] },
        validFor: { start },
      },
    ],
    ctlogs: [
      {
        baseUrl: url,
        hashAlgorithm: 'SHA2_256',
        publicKey: {
          rawBytes: b64(ctlog.publicKey),
          keyDetails: 'PKIX_ECDSA_P256_SHA_256',
          validFor: { start },
        },
        logId: { keyId: b64(new Uint8Array(ctlog.logID.buffer)) },
      },
    ],
    timestampAuthorities: [],
  };
  return {
    url,
    trustedRoot,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}
