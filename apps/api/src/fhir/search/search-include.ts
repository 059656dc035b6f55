import { fhirErrors } from '../fhir-errors';
import type { SearchParameterRegistry } from './search-parameter-registry';

/** One `_include` or `_revinclude` (R4 search.html#include): resources `source` refers to (or that refer to it) by `param`. */
export interface IncludeDirective {
  reverse: boolean;
  iterate: boolean;
  sourceType: string;
  param: string;
  /** `:Type` at the end: only targets of this type. */
  targetType?: string;
}

const INCLUDE = /^([A-Z][A-Za-z]{1,63}):([A-Za-z0-9_-]{1,64})(?::([A-Z][A-Za-z]{1,63}))?$/;

/** `Source:param[:Target]` of `_include` / `_revinclude` (R4 search.html#include). */
export function parseInclude(
  type: string,
  reverse: boolean,
  iterate: boolean,
  raw: string,
  registry: SearchParameterRegistry,
): IncludeDirective {
  const m = INCLUDE.exec(raw);
  const what = reverse ? '_revinclude' : '_include';
  if (!m)
    throw fhirErrors.invalidSearch(
      `${what}=${raw} is not SourceType:searchParameter[:TargetType] (${what}=* is not supported)`,
    );
  const [, sourceType, code, targetType] = m;
  const param = registry.get(sourceType, code);
  if (!param || param.type !== 'reference')
    throw fhirErrors.invalidSearch(`${what}=${raw}: ${sourceType} has no reference parameter "${code}"`);
  if (targetType && param.targets.length > 0 && !param.targets.includes(targetType))
    throw fhirErrors.invalidSearch(`${what}=${raw}: ${sourceType}.${code} cannot refer to a ${targetType}`);
  if (!iterate) {
    if (!reverse && sourceType !== type)
      throw fhirErrors.invalidSearch(
        `_include=${raw} must start with the searched type ${type} (or use _include:iterate)`,
      );
    if (reverse && param.targets.length > 0 && !param.targets.includes(type))
      throw fhirErrors.invalidSearch(`_revinclude=${raw}: ${sourceType}.${code} cannot refer to a ${type}`);
  }
  return { reverse, iterate, sourceType, param: code, ...(targetType ? { targetType } : {}) };
}
