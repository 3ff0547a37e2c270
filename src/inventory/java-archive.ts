// Java packages in an archive (.jar, .war, .ear), found as syft and trivy find them: each
// `META-INF/maven/GROUP/ARTIFACT/pom.properties` (groupId, artifactId, version) is a package; an archive
// without one is named by its MANIFEST.MF (Implementation-Title or Bundle-SymbolicName, with
// Implementation-Version or Bundle-Version, and Implementation-Vendor-Id as the group). Archives nested in
// it (Spring Boot's BOOT-INF/lib, a war's WEB-INF/lib) are read too, one level down. Bounded like any
// archive from elsewhere; one that is not a readable zip is skipped (a file named .jar proves nothing).
import {
  JAR_MANIFEST as MANIFEST,
  manifestMainAttributes,
  type ZipLimits,
  zipEntries,
} from '../zip/index.ts';
import type { LanguagePackage } from './types.ts';

const ARCHIVE = /\.(?:jar|war|ear)$/i;
const POM = /^META-INF\/maven\/[^/]+\/[^/]+\/pom\.properties$/;
const LIMITS: ZipLimits = { entries: 100_000, entryBytes: 256 << 20, totalBytes: 1 << 30 };
const MAX_DEPTH = 1;

export function isJavaArchive(path: string): boolean {
  return ARCHIVE.test(path);
}

/** The Java packages of an archive's bytes; `path` is where it lies in the image. */
export async function javaPackages(path: string, bytes: Buffer, depth = 0): Promise<LanguagePackage[]> {
  const poms: LanguagePackage[] = [];
  const nested: LanguagePackage[] = [];
  let manifest: string | undefined;
  const want = (name: string) =>
    POM.test(name) || name === MANIFEST || (depth < MAX_DEPTH && ARCHIVE.test(name));
  try {
    for await (const { entry, bytes: data } of zipEntries(bytes, { name: path, want, limits: LIMITS })) {
      if (entry === MANIFEST) manifest = data.toString('utf8');
      else if (POM.test(entry)) {
        const pkg = fromPom(path, data.toString('utf8'));
        if (pkg) poms.push(pkg);
      } else nested.push(...(await javaPackages(`${path}!${entry}`, data, depth + 1)));
    }
  } catch {
    return []; // not a zip after all, or over the limits: nothing pith can vouch for
  }
  const own = poms.length ? poms : manifest ? fromManifest(path, manifest) : [];
  return [...own, ...nested];
}

function properties(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*([^#!=:\s]+)\s*[=:]\s*(.*?)\s*$/.exec(line);
    if (m) out.set(m[1] as string, m[2] as string);
  }
  return out;
}

function fromPom(path: string, text: string): LanguagePackage | undefined {
  const p = properties(text);
  const group = p.get('groupId');
  const name = p.get('artifactId');
  const version = p.get('version');
  if (!name || !version) return undefined;
  return { type: 'maven', name, version, path, ...(group ? { group } : {}) };
}

/** The package MANIFEST.MF's main attributes name. */
function fromManifest(path: string, text: string): LanguagePackage[] {
  const attrs = manifestMainAttributes(text);
  const name = attrs.get('Implementation-Title') ?? attrs.get('Bundle-SymbolicName')?.split(';')[0];
  const version = attrs.get('Implementation-Version') ?? attrs.get('Bundle-Version');
  if (!name || !version) return [];
  const group = attrs.get('Implementation-Vendor-Id');
  return [{ type: 'maven', name, version, path, ...(group ? { group } : {}) }];
}
