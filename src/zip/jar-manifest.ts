// A jar's META-INF/MANIFEST.MF main section (the JAR File Specification): `Name: value` lines up to the
// first blank line, a line starting with one space continuing the previous value. Lines are wrapped at 72
// bytes, which may cut a UTF-8 character in two, so continuations are joined as bytes and only then
// decoded, as java.util.jar.Manifest does; names are compared without regard to case
// (java.util.jar.Attributes.Name), so `Main-class:` is Main-Class.
export const JAR_MANIFEST = 'META-INF/MANIFEST.MF';

/** Manifest attributes, looked up by name without regard to case. */
export class ManifestAttributes extends Map<string, string> {
  override get(name: string): string | undefined {
    return super.get(name.toLowerCase());
  }
  override has(name: string): boolean {
    return super.has(name.toLowerCase());
  }
  override set(name: string, value: string): this {
    return super.set(name.toLowerCase(), value);
  }
}

const NEWLINE = /\r\n|\r|\n/;

/** The main attributes of a manifest (its bytes, or text already decoded). */
export function manifestMainAttributes(manifest: Buffer | string): ManifestAttributes {
  const bytes = typeof manifest === 'string' ? Buffer.from(manifest, 'utf8') : manifest;
  const lines = bytes.toString('latin1').split(NEWLINE); // one char per byte: splitting keeps the bytes
  const attrs = new ManifestAttributes();
  let last: { name: string; value: Buffer[] } | undefined;
  const flush = () => {
    if (last) attrs.set(last.name, Buffer.concat(last.value).toString('utf8'));
  };
  for (const line of lines) {
    if (line === '') break; // the main section ends at the first blank line
    if (line.startsWith(' ') && last) {
      last.value.push(Buffer.from(line.slice(1), 'latin1'));
      continue;
    }
    const m = /^([A-Za-z0-9_-]+):\s?(.*)$/.exec(line);
    if (!m) continue;
    flush();
    last = { name: m[1] as string, value: [Buffer.from(m[2] as string, 'latin1')] };
  }
  flush();
  return attrs;
}
