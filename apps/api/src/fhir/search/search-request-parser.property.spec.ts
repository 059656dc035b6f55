import fc from 'fast-check';
import { DomainError } from '../../common/errors/domain-error';
import { SERVED_RESOURCE_TYPES } from '../fhir-resource-types';
import { parseDateSearchValue, SEARCH_PREFIXES } from '../../common/fhir-search/fhir-date';
import { parseSearchRequest, QueryValues } from './search-request-parser';
import { splitUnescaped, unescapeSearchValue } from '../../common/fhir-search/search-syntax';
import { parseNumberValue, parseTokenValue } from './search-values';
import { SearchParameterRegistry } from './search-parameter-registry';

// Property runs are bounded so the suite takes a few seconds on a loaded two-core machine.
const RUNS = 300;
fc.configureGlobal({ numRuns: RUNS });

const BASE = 'https://fhir.example.org/fhir';
const registry = SearchParameterRegistry.r4();
const TYPES = ['Patient', 'Observation', 'Encounter', 'Condition', 'MedicationRequest', 'Practitioner', 'Organization'];

/** Escapes the characters R4 search.html#escaping names, so a value survives splitting on `,` `|` `$`. */
const escape = (s: string) => s.replace(/[\\,|$]/g, (c) => '\\' + c);

/** Characters that mean something to the search grammar, plus letters, digits, unicode and control characters. */
const CHARS = fc.constantFrom(
  ...'aZq09-._:$|,\\/=?&* +TZé'.split(''),
  'ß',
  '\u00a0',
  '\u200b',
  '😀',
  '\ud800', // a lone surrogate, as a broken client can send
  '\u0000',
  '\u001f',
  '\n',
);
const weirdString = fc.oneof(
  fc.string({ unit: CHARS, maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.constant(''),
  // very long values: the parser must not choke on them
  fc
    .tuple(fc.string({ unit: CHARS, minLength: 1, maxLength: 4 }), fc.integer({ min: 100, max: 3000 }))
    .map(([s, n]) => s.repeat(n)),
);

const MODIFIERS = [
  'missing',
  'exact',
  'contains',
  'text',
  'not',
  'above',
  'below',
  'in',
  'not-in',
  'of-type',
  'identifier',
  'iterate',
  'recurse',
  'Patient',
  'Practitioner',
  'Group',
  '',
];
const prefix = fc.constantFrom(...SEARCH_PREFIXES, '', 'xx');
const dateLike = fc
  .tuple(prefix, fc.integer({ min: 0, max: 10000 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 }))
  .map(
    ([p, y, m, d]) => `${p}${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`,
  );
const numberLike = fc
  .tuple(
    prefix,
    fc.constantFrom('', '-', '+'),
    fc.string({ unit: fc.constantFrom(...'0123456789.eE-+'), maxLength: 12 }),
  )
  .map(([p, s, n]) => p + s + n);
const value = fc.oneof(
  { weight: 4, arbitrary: weirdString },
  { weight: 1, arbitrary: dateLike },
  { weight: 1, arbitrary: numberLike },
  {
    weight: 1,
    arbitrary: fc.array(fc.oneof(weirdString, dateLike, numberLike), { maxLength: 4 }).map((v) => v.join('$')),
  },
  { weight: 1, arbitrary: fc.constantFrom('true', 'false', 'Patient/1', `${BASE}/Patient/x`, 'a|b|c', '|', '$') },
);

/** A parameter name for `type`: a known code, with a modifier, chained, reverse-chained, a result parameter, or junk. */
function nameFor(type: string): fc.Arbitrary<string> {
  const codes = [...registry.forType(type).keys()];
  const code = fc.oneof(fc.constantFrom(...codes), weirdString);
  const modifier = fc.oneof(fc.constantFrom(...MODIFIERS), weirdString);
  return fc.oneof(
    code,
    fc.tuple(code, modifier).map(([c, m]) => `${c}:${m}`),
    fc
      .tuple(code, fc.option(modifier), code, fc.option(modifier))
      .map(([a, m, b, n]) => `${a}${m === null ? '' : ':' + m}.${b}${n === null ? '' : ':' + n}`),
    fc.tuple(fc.constantFrom(...TYPES, 'x', ''), code, code).map(([t, a, b]) => `_has:${t}:${a}:${b}`),
    fc.constantFrom(
      '_count',
      '_offset',
      '_cursor',
      '_total',
      '_summary',
      '_elements',
      '_sort',
      '_include',
      '_revinclude',
      '_include:iterate',
      '_revinclude:recurse',
      '_format',
      '_id',
      '_lastUpdated',
      '_has',
    ),
  );
}

const searchCase = fc.constantFrom(...TYPES).chain((type) =>
  fc.record({
    type: fc.constant(type),
    strict: fc.boolean(),
    query: fc.dictionary(nameFor(type), fc.oneof(value, fc.array(value, { minLength: 1, maxLength: 3 })), {
      maxKeys: 4,
    }),
  }),
);

/** Parses, and returns the error thrown if any (anything but a DomainError fails the property by bubbling up). */
function parseOrError(type: string, query: QueryValues, strict: boolean): DomainError | null {
  try {
    parseSearchRequest(type, query, registry, { strict, fhirBase: BASE, mayCross: () => true, cross: () => [] });
    return null;
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
}

describe('parseSearchRequest: no input crashes it (R4 search.html#errors)', () => {
  it('returns a request or throws a 400 DomainError for any names, modifiers, prefixes and values', () => {
    fc.assert(
      fc.property(searchCase, ({ type, query, strict }) => {
        const error = parseOrError(type, query, strict);
        if (error) {
          expect(error.status).toBe(400);
          expect(error.code).toMatch(/^fhir_(invalid_search|unknown_search_parameter|unsupported_modifier)$/);
          expect(error.message.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 600 },
    );
  });

  it('every parameter it applies is one the query holds, so the Bundle links repeat only what was asked', () => {
    fc.assert(
      fc.property(searchCase, ({ type, query, strict }) => {
        let applied: [string, string][];
        try {
          applied = parseSearchRequest(type, query, registry, { strict, fhirBase: BASE }).applied;
        } catch (e) {
          if (e instanceof DomainError) return;
          throw e;
        }
        for (const [name] of applied) expect(Object.keys(query)).toContain(name);
      }),
    );
  });

  it('a served type with no query at all is the default page', () => {
    for (const type of SERVED_RESOURCE_TYPES.slice(0, 20)) {
      const request = parseSearchRequest(type, {}, registry, { strict: true, fhirBase: BASE });
      expect(request).toMatchObject({ conditions: [], count: 20, offset: 0 });
    }
  });
});

describe('search values parse to the components they were built from', () => {
  const text = fc.string({ unit: CHARS, maxLength: 20 });

  it('splitUnescaped + unescapeSearchValue invert escaping and joining (R4 search.html#escaping)', () => {
    fc.assert(
      fc.property(fc.array(text, { minLength: 1, maxLength: 5 }), fc.constantFrom(',', '|', '$'), (parts, sep) => {
        const joined = parts.map(escape).join(sep);
        expect(splitUnescaped(joined, sep).map(unescapeSearchValue)).toEqual(parts);
      }),
    );
  });

  it('a token system|code parses to its system and code (R4 search.html#token)', () => {
    fc.assert(
      fc.property(text, text, (system, code) => {
        fc.pre(system !== '' || code !== '');
        expect(parseTokenValue(`${escape(system)}|${escape(code)}`)).toEqual({ system, code: code || undefined });
      }),
    );
  });

  it('a bare token code parses to that code', () => {
    fc.assert(
      fc.property(text, (code) => {
        expect(parseTokenValue(escape(code))).toEqual({ code });
      }),
    );
  });

  it('a [prefix]date parses to the prefix and the range its precision covers (R4 search.html#date)', () => {
    const date = fc.record({
      prefix: fc.option(fc.constantFrom(...SEARCH_PREFIXES)),
      year: fc.integer({ min: 1, max: 9999 }),
      month: fc.integer({ min: 1, max: 12 }),
      day: fc.integer({ min: 1, max: 28 }),
      hour: fc.integer({ min: 0, max: 23 }),
      minute: fc.integer({ min: 0, max: 59 }),
      second: fc.integer({ min: 0, max: 59 }),
      offsetMinutes: fc.option(fc.integer({ min: -14 * 60, max: 14 * 60 })),
      precision: fc.constantFrom('year', 'month', 'day', 'minute', 'second'),
    });
    const pad = (n: number, w = 2) => String(n).padStart(w, '0');
    const instant = (y: number, mo: number, d: number, h = 0, mi = 0, s = 0) => {
      const t = new Date(0);
      t.setUTCFullYear(y, mo - 1, d);
      t.setUTCHours(h, mi, s, 0);
      return t.getTime();
    };
    fc.assert(
      fc.property(date, (v) => {
        let text = pad(v.year, 4);
        let low: number;
        let high: number;
        if (v.precision === 'year') {
          low = instant(v.year, 1, 1);
          high = instant(v.year + 1, 1, 1) - 1;
        } else if (v.precision === 'month') {
          text += `-${pad(v.month)}`;
          low = instant(v.year, v.month, 1);
          high = instant(v.year, v.month + 1, 1) - 1;
        } else if (v.precision === 'day') {
          text += `-${pad(v.month)}-${pad(v.day)}`;
          low = instant(v.year, v.month, v.day);
          high = instant(v.year, v.month, v.day + 1) - 1;
        } else {
          const withSeconds = v.precision === 'second';
          text += `-${pad(v.month)}-${pad(v.day)}T${pad(v.hour)}:${pad(v.minute)}${withSeconds ? ':' + pad(v.second) : ''}`;
          const off = v.offsetMinutes ?? 0;
          if (v.offsetMinutes !== null)
            text += `${off < 0 ? '-' : '+'}${pad(Math.floor(Math.abs(off) / 60))}:${pad(Math.abs(off) % 60)}`;
          low = instant(v.year, v.month, v.day, v.hour, v.minute, withSeconds ? v.second : 0) - off * 60_000;
          high = low + (withSeconds ? 1000 : 60_000) - 1;
        }
        expect(parseDateSearchValue((v.prefix ?? '') + text)).toEqual({
          prefix: v.prefix ?? 'eq',
          range: { low, high },
        });
      }),
    );
  });

  it('a [prefix]number parses to its value and a range as wide as its precision (R4 search.html#number)', () => {
    const number = fc.record({
      prefix: fc.option(fc.constantFrom(...SEARCH_PREFIXES)),
      negative: fc.boolean(),
      whole: fc.integer({ min: 0, max: 1_000_000 }),
      decimals: fc.string({ unit: fc.constantFrom(...'0123456789'), maxLength: 4 }),
    });
    fc.assert(
      fc.property(number, (n) => {
        const literal = `${n.negative ? '-' : ''}${n.whole}${n.decimals ? '.' + n.decimals : ''}`;
        const parsed = parseNumberValue((n.prefix ?? '') + literal);
        const half = 0.5 * 10 ** -n.decimals.length;
        expect(parsed).not.toBeNull();
        expect(parsed!.prefix).toBe(n.prefix ?? 'eq');
        expect(parsed!.value).toBe(Number(literal));
        expect(parsed!.low).toBeCloseTo(Number(literal) - half, 9);
        expect(parsed!.high).toBeCloseTo(Number(literal) + half, 9);
      }),
    );
  });
});
