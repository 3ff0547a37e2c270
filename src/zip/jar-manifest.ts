// A jar's META-INF/MANIFEST.MF main section (the JAR File Specification): `Name: value` lines up to the
// first blank line, a line starting with one space continuing the previous value (lines are wrapped at 72
// bytes, so a long Class-Path spans several).
export const JAR_MANIFEST = 'META-INF/MANIFEST.MF';

/** The main attributes of a manifest's text. */
export function manifestMainAttributes(text: string): Map<string, string> {
  const attrs = new Map<string, string>();
  let last: string | undefined;
  for (const line of text.split(/\r\n|\r|\n/)) {
    if (line === '') break; // the main section ends at the first blank line
    if (line.startsWith(' ') && last) attrs.set(last, `${attrs.get(last) ?? ''}${line.slice(1)}`);
    else {
      const m = /^([A-Za-z0-9_-]+):\s?(.*)$/.exec(line);
      if (m) {
        last = m[1] as string;
        attrs.set(last, m[2] as string);
      }
    }
  }
  return attrs;
}
