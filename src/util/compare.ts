// The one ordering of strings pith's deterministic outputs sort by: UTF-16 code units, as `<` compares
// them (not localeCompare, whose order depends on the ICU data and locale of the machine).

/** -1, 0 or 1 as `a` sorts before, with or after `b`. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
