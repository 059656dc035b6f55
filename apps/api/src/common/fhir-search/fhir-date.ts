/** An inclusive range of instants in epoch milliseconds: what a date, dateTime, instant or Period covers. */
export interface InstantRange {
  low: number;
  high: number;
}

/** Bounds for open ends (a Period without start or end): 0001-01-01 and the last millisecond of 9999. */
export const MIN_INSTANT = -62135596800000;
export const MAX_INSTANT = 253402300799999;

// FHIR R4 datatypes.html#dateTime: YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDThh:mm:ss(.s+)?(Z|±hh:mm).
// Search values may also stop at minutes (search.html#date), so seconds are optional here.
const DATE_TIME =
  /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/;

function utc(year: number, month: number, day: number, hour = 0, minute = 0, second = 0, ms = 0): number {
  const d = new Date(0);
  // setUTCFullYear, unlike Date.UTC, does not map years 0–99 onto 1900–1999.
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(hour, minute, second, ms);
  return d.getTime();
}

function daysInMonth(year: number, month: number): number {
  return new Date(utc(year, month + 1, 1) - 1).getUTCDate();
}

/**
 * The range a FHIR date, dateTime or instant covers at its precision (search.html#date: "2013-01" is all of
 * January 2013). Values without a time zone are taken as UTC. `null` when the value is not a valid date.
 */
export function parseDateRange(value: string): InstantRange | null {
  const m = DATE_TIME.exec(value);
  if (!m) return null;
  const [, y, mo, d, h, mi, s, frac, tz] = m;
  const year = Number(y);
  if (year < 1) return null;
  if (mo === undefined) return { low: utc(year, 1, 1), high: utc(year + 1, 1, 1) - 1 };
  const month = Number(mo);
  if (month < 1 || month > 12) return null;
  if (d === undefined) return { low: utc(year, month, 1), high: utc(year, month + 1, 1) - 1 };
  const day = Number(d);
  if (day < 1 || day > daysInMonth(year, month)) return null;
  if (h === undefined) {
    const low = utc(year, month, day);
    return { low, high: utc(year, month, day + 1) - 1 };
  }
  const hour = Number(h);
  const minute = Number(mi);
  // A leap second (60) is accepted and counted as the last second of the minute.
  const second = s === undefined ? 0 : Math.min(Number(s), 59);
  if (hour > 23 || minute > 59 || (s !== undefined && Number(s) > 60)) return null;
  let offsetMs = 0;
  if (tz !== undefined && tz !== 'Z') {
    const sign = tz.startsWith('-') ? -1 : 1;
    const [oh, om] = tz.slice(1).split(':').map(Number);
    if (oh > 14 || om > 59) return null;
    offsetMs = sign * (oh * 60 + om) * 60_000;
  }
  let width: number;
  let ms = 0;
  if (s === undefined) {
    width = 60_000;
  } else if (frac === undefined) {
    width = 1000;
  } else {
    const digits = frac.slice(0, 3);
    ms = Number(digits.padEnd(3, '0'));
    width = frac.length >= 3 ? 1 : 10 ** (3 - digits.length);
  }
  const low = utc(year, month, day, hour, minute, second, ms) - offsetMs;
  return { low, high: low + width - 1 };
}

/** Search prefixes for ordered types (FHIR R4 search.html#prefix). */
export const SEARCH_PREFIXES = ['eq', 'ne', 'gt', 'lt', 'ge', 'le', 'sa', 'eb', 'ap'] as const;
export type SearchPrefix = (typeof SEARCH_PREFIXES)[number];

export interface DateSearchValue {
  prefix: SearchPrefix;
  range: InstantRange;
}

const PREFIXED = /^(eq|ne|gt|lt|ge|le|sa|eb|ap)(?=\d)/;

/** `ge1970-05` → `{prefix: 'ge', range: May 1970}`; `null` when the value is not a date (search.html#date). */
export function parseDateSearchValue(raw: string): DateSearchValue | null {
  const m = PREFIXED.exec(raw);
  const prefix = (m ? m[1] : 'eq') as SearchPrefix;
  const range = parseDateRange(m ? raw.slice(2) : raw);
  return range ? { prefix, range } : null;
}

/**
 * The search range `ap` compares with: the value widened by 10% of its distance from now on each side
 * (R4 search.html#prefix leaves "approximately" to the server; 10% is the spec's own suggestion).
 */
export function approximateRange(range: InstantRange, now = Date.now()): InstantRange {
  const spread = Math.max(Math.abs(now - range.low), Math.abs(now - range.high)) * 0.1;
  return {
    low: Math.max(MIN_INSTANT, Math.floor(range.low - spread)),
    high: Math.min(MAX_INSTANT, Math.ceil(range.high + spread)),
  };
}

/**
 * Whether a target range matches a prefixed search range (FHIR R4 search.html#prefix, table of prefix meanings).
 * The SQL builder expresses the same rules; this in-memory form documents and tests them.
 */
export function dateMatches(target: InstantRange, search: DateSearchValue, now = Date.now()): boolean {
  const s = search.range;
  const contained = target.low >= s.low && target.high <= s.high;
  switch (search.prefix) {
    case 'eq':
      return contained;
    case 'ne':
      return !contained;
    case 'gt':
      return target.high > s.high;
    case 'lt':
      return target.low < s.low;
    case 'ge':
      return target.high > s.high || contained;
    case 'le':
      return target.low < s.low || contained;
    case 'sa':
      return target.low > s.high;
    case 'eb':
      return target.high < s.low;
    case 'ap': {
      const w = approximateRange(s, now);
      return target.low <= w.high && target.high >= w.low;
    }
  }
}
