// The report module: audits, comparisons and diffs as self-contained HTML pages (inline CSS and SVG
// charts, no script, nothing fetched), for people who would rather look than read.
export * from './audit-report.ts';
export * from './compare-report.ts';
export * from './diff-report.ts';
