import { fhirErrors } from '../fhir-errors';
import type { SearchCondition } from './search-condition';
import type { SearchParseOptions } from './search-parse-options';
import type { SearchParameterRegistry } from './search-parameter-registry';
import { TYPE_NAME } from '../../common/fhir-search/search-syntax';

/** What chains and `_has` need of the parameter parser: the parameters, the options, and itself for what they wrap. */
export interface ChainContext {
  readonly registry: SearchParameterRegistry;
  readonly options: SearchParseOptions;
  /** The condition of the inner `name=raw` on `type`, one level deeper; null when it may be ignored. */
  parse(type: string, name: string, raw: string, depth: number): SearchCondition | null;
  /** An unknown parameter: null to ignore it, or an error under strict handling. */
  unknown(type: string, name: string): null;
}

/** `_has:Type:param:rest=value` (R4 search.html#has): resources some `Type` refers to by `param`. */
export function parseHas(
  ctx: ChainContext,
  type: string,
  name: string,
  raw: string,
  depth: number,
): SearchCondition | null {
  const [, source, code, ...rest] = name.split(':');
  if (!source || !code || rest.length === 0 || !TYPE_NAME.test(source))
    throw fhirErrors.invalidSearch(`"${name}" is not _has:Type:parameter:searchParameter`);
  const param = ctx.registry.get(source, code);
  if (!param) return ctx.unknown(source, `${source}:${code}`);
  if (param.type !== 'reference')
    throw fhirErrors.invalidSearch(`"${name}": ${source}.${code} is not a reference parameter`);
  if (param.targets.length > 0 && !param.targets.includes(type))
    throw fhirErrors.invalidSearch(`${source}.${code} cannot refer to a ${type}`);
  const inner = ctx.parse(source, rest.join(':'), raw, depth + 1);
  if (!inner) return null;
  const fence = ctx.options.cross?.(source) ?? [];
  return { kind: 'has', sourceType: source, param: code, conditions: [inner, ...fence] };
}

/** `param[:Type].chained[:modifier]=value` (R4 search.html#chaining), one level deep. */
export function parseChain(
  ctx: ChainContext,
  type: string,
  name: string,
  dot: number,
  raw: string,
  depth: number,
): SearchCondition | null {
  const head = name.slice(0, dot);
  const tail = name.slice(dot + 1);
  if (tail.includes('.')) throw fhirErrors.invalidSearch(`"${name}": chains are supported one level deep`);
  const colon = head.indexOf(':');
  const code = colon < 0 ? head : head.slice(0, colon);
  const typeModifier = colon < 0 ? undefined : head.slice(colon + 1);
  const param = ctx.registry.get(type, code);
  if (!param) return ctx.unknown(type, name);
  if (param.type !== 'reference')
    throw fhirErrors.invalidSearch(`"${code}" is not a reference parameter and cannot be chained`);
  if (
    typeModifier !== undefined &&
    (!TYPE_NAME.test(typeModifier) || (param.targets.length && !param.targets.includes(typeModifier)))
  )
    throw fhirErrors.unsupportedModifier(head, typeModifier);
  const chainedCode = tail.split(':')[0];
  const candidates = typeModifier ? [typeModifier] : param.targets;
  const defined = candidates.filter((t) => ctx.registry.get(t, chainedCode) !== undefined);
  if (defined.length === 0) {
    if (!typeModifier && param.targets.length === 0)
      throw fhirErrors.invalidSearch(`"${name}": name the target type, as in ${code}:Patient.${tail}`);
    return ctx.unknown(candidates[0] ?? type, tail);
  }
  // Without a type modifier, the targets the token may not search are not crossed (they could match nothing it may
  // see); a named type, or no allowed target at all, is crossed and so refused by `cross`.
  const allowed = typeModifier || !ctx.options.mayCross ? defined : defined.filter((t) => ctx.options.mayCross!(t));
  const targets = allowed.length ? allowed : defined.slice(0, 1);
  const out: { type: string; conditions: SearchCondition[] }[] = [];
  for (const target of targets) {
    const inner = ctx.parse(target, tail, raw, depth + 1);
    if (!inner) return null;
    out.push({ type: target, conditions: [inner, ...(ctx.options.cross?.(target) ?? [])] });
  }
  return { kind: 'chain', params: [code], targets: out };
}
