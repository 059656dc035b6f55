import { tryGetDataType } from '@medplum/core';
import { warmUpValidation } from '../validation';
import type { SummaryMode } from './search-result-parameters';

/** The tag a server puts on a resource it returns incompletely (R4 search.html#summary, v3-ObservationValue). */
export const SUBSETTED = { system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationValue', code: 'SUBSETTED' };

type Json = Record<string, unknown>;

/** Whether JSON property `key` carries element `name` (`value` covers `valueQuantity`; `_birthDate` its extensions). */
function carries(key: string, name: string): boolean {
  const k = key.startsWith('_') ? key.slice(1) : key;
  if (k === name) return true;
  return k.startsWith(name) && k.length > name.length && /[A-Z]/.test(k[name.length]);
}

function elementsOf(type: string, which: 'summary' | 'mandatory'): string[] {
  warmUpValidation();
  const schema = tryGetDataType(type);
  const set = which === 'summary' ? schema?.summaryProperties : schema?.mandatoryProperties;
  return [...(set ?? [])];
}

/**
 * The part of a resource `_summary` or `_elements` asks for (R4 search.html#summary, #elements), marked SUBSETTED;
 * the JSON text unchanged when neither asks for less. resourceType, id and meta are always kept.
 */
export function subsetResource(
  type: string,
  json: string,
  options: { summary?: SummaryMode; elements?: readonly string[] },
): string {
  const { summary, elements } = options;
  let keep: ((key: string) => boolean) | null = null;
  if (elements && elements.length) {
    const wanted = [...elements, ...elementsOf(type, 'mandatory')];
    keep = (key) => wanted.some((e) => carries(key, e.replace(/\[x\]$/, '')));
  } else if (summary === 'true') {
    const wanted = elementsOf(type, 'summary');
    keep = (key) => wanted.some((e) => carries(key, e));
  } else if (summary === 'text') {
    const wanted = ['text', ...elementsOf(type, 'mandatory')];
    keep = (key) => wanted.some((e) => carries(key, e));
  } else if (summary === 'data') {
    keep = (key) => key !== 'text';
  }
  if (!keep) return json;
  const resource = JSON.parse(json) as Json;
  const out: Json = {};
  for (const [key, value] of Object.entries(resource)) {
    if (key === 'resourceType' || key === 'id' || key === 'meta' || keep(key)) out[key] = value;
  }
  const meta = (typeof out.meta === 'object' && out.meta !== null ? out.meta : {}) as Json;
  const tags = Array.isArray(meta.tag) ? meta.tag : [];
  out.meta = { ...meta, tag: [...tags, SUBSETTED] };
  return JSON.stringify(out);
}
