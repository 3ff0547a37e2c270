// The Java keystore /etc/ssl/certs/java/cacerts as Debian's ca-certificates-java makes it, without running
// Java: its postinst feeds update-ca-certificates' /etc/ssl/certs/NAME.pem links to a Java program that
// stores each certificate as a trusted entry aliased "debian:NAME.pem" in a KeyStore.getInstance("JKS")
// (ca-certificates-java 20240118's KeyStoreHandler; its postinst converts any PKCS12 store back to JKS)
// with the password "changeit". Here the certificates are those of pith's CA bundle (ca-bundle.ts), the
// entry dates are SOURCE_DATE_EPOCH and the entries are in alias order, so the bytes are reproducible.
//
// JKS, as OpenJDK's sun.security.provider.JavaKeyStore writes it: magic 0xFEEDFEED, version 2, the entry
// count, then per trusted entry the tag 2, the alias (writeUTF: modified UTF-8 with a 2-byte length), the
// date (ms, 8 bytes), the certificate type "X.509" (writeUTF), the DER length (4 bytes) and the DER; last
// the SHA-1 of the password as UTF-16BE, "Mighty Aphrodite" and everything before it.
import { createHash } from 'node:crypto';
import type { PackageRecord } from '../apt-repo/index.ts';
import type { DebContents } from '../deb-archive/index.ts';
import { FileTree } from '../tar/index.ts';
import { PithError } from '../util/index.ts';
import { caCertificateFiles } from './ca-bundle.ts';
import { bytesNode } from './deb-tree.ts';

export const JAVA_CACERTS_PATH = 'etc/ssl/certs/java/cacerts';
/** ca-certificates-java's storepass (its /etc/default/cacerts leaves it unchanged). */
export const JAVA_CACERTS_PASSWORD = 'changeit';

const MAGIC = 0xfeedfeed;
const VERSION = 2;
const TRUSTED_CERT = 2;
const WHITENER = 'Mighty Aphrodite';

export interface TrustedCertificate {
  alias: string;
  /** The certificate, DER-encoded. */
  der: Buffer;
}

/** A JKS keystore of trusted certificates, in the order given, each dated `dateMs`. */
export function jksKeystore(certs: readonly TrustedCertificate[], password: string, dateMs: number): Buffer {
  const parts: Buffer[] = [u32(MAGIC), u32(VERSION), u32(certs.length)];
  for (const c of certs) {
    const date = Buffer.alloc(8);
    date.writeBigInt64BE(BigInt(dateMs));
    parts.push(u32(TRUSTED_CERT), writeUtf(c.alias), date, writeUtf('X.509'), u32(c.der.length), c.der);
  }
  const body = Buffer.concat(parts);
  const digest = createHash('sha1')
    .update(Buffer.from(password, 'utf16le').swap16())
    .update(WHITENER, 'utf8')
    .update(body)
    .digest();
  return Buffer.concat([body, digest]);
}

/**
 * The alias ca-certificates-java gives a certificate file: "debian:" and the name of the link
 * update-ca-certificates makes for it (.crt → .pem, spaces and commas → _, parentheses → =), lower-cased
 * as a JKS keystore stores every alias.
 */
export function debianAlias(crtPath: string): string {
  const base = crtPath.slice(crtPath.lastIndexOf('/') + 1).replace(/\.crt$/, '');
  const pem = `${base.replace(/ /g, '_').replace(/[()]/g, '=').replace(/,/g, '_')}.pem`;
  return `debian:${pem}`.toLowerCase();
}

/** The DER of the first certificate of a PEM file, as Java's CertificateFactory reads it. */
export function pemCertificate(text: string, name: string): Buffer {
  const m = /-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\s]+)-----END CERTIFICATE-----/.exec(text);
  const der = m ? Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64') : Buffer.alloc(0);
  // a DER certificate is a SEQUENCE
  if (der.length < 2 || der[0] !== 0x30)
    throw new PithError('invalid', 'BAD_CERTIFICATE', `${name}: holds no PEM certificate`);
  return der;
}

/** The keystore's tree for a ca-certificates package; `count` is how many certificates it holds. */
export function javaCacertsTree(
  pkg: PackageRecord,
  deb: DebContents,
  epoch: number,
): { tree: FileTree; count: number } {
  // a later file whose link name is the same replaces the earlier one, as `ln -sf` and the keystore do
  const byAlias = new Map<string, Buffer>();
  for (const f of caCertificateFiles(pkg, deb))
    byAlias.set(
      debianAlias(f.path),
      pemCertificate(f.data.toString('latin1'), `${pkg.name} ${pkg.version}: /${f.path}`),
    );
  const certs = [...byAlias]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([alias, der]) => ({ alias, der }));
  const tree = new FileTree();
  tree.add(JAVA_CACERTS_PATH, bytesNode(jksKeystore(certs, JAVA_CACERTS_PASSWORD, epoch * 1000)));
  return { tree, count: certs.length };
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}

/** Java's DataOutputStream.writeUTF: a 2-byte length, then modified UTF-8 (each UTF-16 unit on its own, NUL as 2 bytes). */
function writeUtf(text: string): Buffer {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x01 && c <= 0x7f) bytes.push(c);
    else if (c <= 0x7ff) bytes.push(0xc0 | (c >> 6), 0x80 | (c & 0x3f));
    else bytes.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
  }
  if (bytes.length > 0xffff)
    throw new PithError(
      'invalid',
      'BAD_CERTIFICATE',
      `alias ${text.slice(0, 40)}…: longer than a keystore allows`,
    );
  const len = Buffer.alloc(2);
  len.writeUInt16BE(bytes.length);
  return Buffer.concat([len, Buffer.from(bytes)]);
}
