/** Escapes text for HTML element content and attribute values. */
export function esc(text: string | number): string {
  return String(text)
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

const CSS = `
:root { --fg:#1d2330; --muted:#5b6576; --line:#d9dee7; --bg:#fff; --soft:#f4f6fa; --accent:#2f6fde;
  --high:#c62828; --medium:#e07b00; --low:#2e7d32; --info:#5b6576; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg);
  margin: 0 auto; max-width: 1200px; padding: 24px; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 18px; margin: 28px 0 8px; } h3 { font-size: 15px; margin: 18px 0 6px; }
.sub { color: var(--muted); margin: 0 0 16px; word-break: break-all; }
table { border-collapse: collapse; width: 100%; margin: 8px 0 16px; }
th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: var(--soft); font-weight: 600; } td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
code { font: 12px/1.4 ui-monospace, SFMono-Regular, Menlo, monospace; word-break: break-all; }
code.id { white-space: nowrap; word-break: normal; }
.yes { color: var(--high); font-weight: 600; } .no { color: var(--low); font-weight: 600; }
.sev { display: inline-block; min-width: 58px; padding: 1px 6px; border-radius: 10px; color: #fff; font-size: 12px; text-align: center; }
.sev-high, .sev-critical { background: var(--high); } .sev-medium { background: var(--medium); }
.sev-low, .sev-negligible { background: var(--low); } .sev-info, .sev-unknown { background: var(--info); }
.cards { display: flex; flex-wrap: wrap; gap: 12px; margin: 12px 0; }
.card { background: var(--soft); border-radius: 8px; padding: 10px 14px; min-width: 150px; }
.card b { display: block; font-size: 18px; } .card span { color: var(--muted); font-size: 12px; }
svg { display: block; max-width: 100%; height: auto; } svg text { font: 11px system-ui, sans-serif; fill: var(--fg); }
footer { color: var(--muted); font-size: 12px; margin-top: 32px; }
`;

/** A whole page: the title, a subtitle line, and the sections' HTML in order. */
export function page(
  title: string,
  subtitle: string,
  sections: readonly string[],
  generator: string,
): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${esc(title)}</title>
<style>${CSS}</style>
</head>
<body>
<h1>${esc(title)}</h1>
<p class="sub">${esc(subtitle)}</p>
${sections.join('\n')}
<footer>Made by ${esc(generator)}. This page is self-contained: it loads nothing.</footer>
</body>
</html>
`;
}

/** An HTML table: header cells (none: no header row), rows of cell HTML (already escaped), numeric columns. */
export function table(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  numeric: readonly number[] = [],
): string {
  const cls = (i: number) => (numeric.includes(i) ? ' class="num"' : '');
  const head = header.length
    ? `<thead><tr>${header.map((h, i) => `<th${cls(i)}>${esc(h)}</th>`).join('')}</tr></thead>`
    : '';
  return `<table>${head}<tbody>${rows
    .map((r) => `<tr>${r.map((c, i) => `<td${cls(i)}>${c}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

/** A few headline numbers as cards. */
export function cards(items: readonly [label: string, value: string][]): string {
  return `<div class="cards">${items.map(([l, v]) => `<div class="card"><b>${esc(v)}</b><span>${esc(l)}</span></div>`).join('')}</div>`;
}

/** A severity as a coloured badge. */
export function severity(s: string): string {
  return `<span class="sev sev-${esc(s)}">${esc(s)}</span>`;
}

/** yes (red) or no (green), for things a minimal image should not have. */
export function yesNo(present: boolean, detail = ''): string {
  return present
    ? `<span class="yes">yes</span>${detail ? ` <code>${esc(detail)}</code>` : ''}`
    : '<span class="no">no</span>';
}
