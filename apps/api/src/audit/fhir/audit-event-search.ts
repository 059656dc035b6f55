import { DomainError } from '../../common/errors/domain-error';
import { DateSearchValue, parseDateSearchValue } from '../../common/fhir-search/fhir-date';
import {
  parseToken,
  searchValues,
  splitModifier,
  TYPE_NAME,
  unescapeSearchValue,
} from '../../common/fhir-search/search-syntax';
import {
  DCM_SUBTYPE,
  EVENT_TYPE,
  LOGIN_ACTIONS,
  LOGOUT_ACTIONS,
  RESOURCE_TYPES,
  RESTFUL_INTERACTION,
  auditActionSystem,
  restfulInteractionCodes,
} from './audit-event-codes';
import type { AuditEventKind } from './audit-event-codes';

/** One SQL condition on the `audit_events` table (alias `a`), its values bound as named parameters. */
export interface AuditCondition {
  sql: string;
  params: Record<string, unknown>;
}

export interface AuditEventSearch {
  conditions: AuditCondition[];
  /** `_count`, when the search gives one. */
  count?: number;
}

/** The R4 AuditEvent search parameters served (R4 auditevent.html#search); any other parameter is ignored. */
export const AUDIT_EVENT_SEARCH_PARAMETERS = [
  'date',
  'agent',
  'agent-name',
  'outcome',
  'subtype',
  'type',
  'entity',
  'entity-type',
  '_id',
  '_count',
] as const;

/** The largest `_count` honoured. */
export const MAX_AUDIT_EVENT_COUNT = 1000;

export const auditSearchError = (message: string) =>
  new DomainError(400, 'audit_invalid_search', message, { fhirIssue: 'invalid' });

const NOTHING: AuditCondition = { sql: '1 = 0', params: {} };

/**
 * Turns FHIR search parameters into conditions on the audit table, every value bound as a parameter. The syntax is the
 * FHIR search's (common/fhir-search): repeated parameters must all match, comma-separated values are alternatives
 * (R4 search.html#combining), `\,` `\|` `\$` `\\` are escapes and an empty value is ignored; dates are read by
 * fhir-date.ts and tokens by the shared token syntax. A value that no AuditEvent can carry matches nothing. Invalid
 * values and unsupported modifiers are a 400 (search.html#errors).
 */
export function parseAuditEventSearch(params: Record<string, string | string[]>, baseUrl: string): AuditEventSearch {
  const names = new ParamNames();
  const conditions: AuditCondition[] = [];
  let count: number | undefined;
  for (const [key, raw] of Object.entries(params)) {
    const [name, modifier] = splitModifier(key);
    if (!(AUDIT_EVENT_SEARCH_PARAMETERS as readonly string[]).includes(name)) continue;
    const values = (Array.isArray(raw) ? raw : [raw]).filter((v) => typeof v === 'string');
    if (name === '_count') {
      noModifier(key, modifier);
      if (values.length) count = parseCount(values[0]);
      continue;
    }
    for (const value of values) {
      const alternatives = searchValues(value).map((v) => condition(name, modifier, v, names, baseUrl));
      if (alternatives.length) conditions.push(anyOf(alternatives));
    }
  }
  return { conditions, ...(count !== undefined ? { count } : {}) };
}

function condition(
  name: string,
  modifier: string | undefined,
  value: string,
  names: ParamNames,
  baseUrl: string,
): AuditCondition {
  switch (name) {
    case '_id':
      noModifier(name, modifier);
      return names.where('a.id = :?', unescapeSearchValue(value));
    case 'date':
      noModifier(name, modifier);
      return dateCondition(value, names);
    case 'agent': {
      // A reference to the agent, or (`:identifier`) its identifier; clients are known by their client_id, an
      // identifier without a system.
      if (modifier === undefined) return names.where('a.client_id = :?', unescapeSearchValue(value));
      if (modifier !== 'identifier') throw unsupportedModifier(name, modifier);
      const t = tokenOf(value);
      if (t.system || t.code === undefined) return NOTHING;
      return names.where('a.client_id = :?', t.code);
    }
    case 'agent-name':
      return agentNameCondition(modifier, unescapeSearchValue(value), names);
    case 'outcome':
      noModifier(name, modifier);
      return outcomeCondition(value, names);
    case 'type':
      noModifier(name, modifier);
      return typeCondition(value, names);
    case 'subtype':
      noModifier(name, modifier);
      return subtypeCondition(value, names, baseUrl);
    case 'entity':
      return entityCondition(modifier, unescapeSearchValue(value), names, baseUrl);
    case 'entity-type': {
      noModifier(name, modifier);
      const t = tokenOf(value);
      if (t.system !== undefined && t.system !== RESOURCE_TYPES) return NOTHING;
      if (t.code === undefined) return names.sql('a.resource_type IS NOT NULL');
      return names.where('a.resource_type = :?', t.code);
    }
    default:
      return NOTHING;
  }
}

/**
 * R4 search.html#date, read by fhir-date.ts as the FHIR search reads it: the prefix compares the instant `recorded`
 * with the range the value's precision covers (for an instant, what `dateMatches` gives on a one-point range).
 */
function dateCondition(value: string, names: ParamNames): AuditCondition {
  const d: DateSearchValue | null = parseDateSearchValue(unescapeSearchValue(value));
  if (!d) throw auditSearchError(`date: "${value.slice(0, 40)}" is not a FHIR date`);
  const low = () => names.bind(new Date(d.range.low));
  const high = () => names.bind(new Date(d.range.high));
  switch (d.prefix) {
    case 'eq':
      return names.sql(`(a.recorded_at >= ${low()} AND a.recorded_at <= ${high()})`);
    case 'ne':
      return names.sql(`(a.recorded_at < ${low()} OR a.recorded_at > ${high()})`);
    case 'gt':
    case 'sa':
      return names.sql(`a.recorded_at > ${high()}`);
    case 'lt':
    case 'eb':
      return names.sql(`a.recorded_at < ${low()}`);
    case 'ge':
      return names.sql(`a.recorded_at >= ${low()}`);
    case 'le':
      return names.sql(`a.recorded_at <= ${high()}`);
    default:
      throw auditSearchError('date: the prefix "ap" is not supported on AuditEvent');
  }
}

function agentNameCondition(modifier: string | undefined, value: string, names: ParamNames): AuditCondition {
  // R4 search.html#string: by default a case-insensitive match on the start; `:exact` the whole value, case and all.
  if (modifier === 'exact') return names.where('a.client_id = :?', value);
  if (modifier !== undefined && modifier !== 'contains') throw unsupportedModifier('agent-name', modifier);
  const escaped = value.replace(/[!%_]/g, (c) => `!${c}`);
  return names.where("a.client_id LIKE :? ESCAPE '!'", modifier === 'contains' ? `%${escaped}%` : `${escaped}%`);
}

/** R4 valueset-audit-event-outcome, as `outcomeCode` assigns it; `system|` is any of its codes. */
function outcomeCondition(value: string, names: ParamNames): AuditCondition {
  const t = tokenOf(value);
  if (t.system !== undefined && t.system !== 'http://hl7.org/fhir/audit-event-outcome') return NOTHING;
  if (t.code === undefined) return anyOf(['0', '4', '8'].map((code) => outcomeCondition(code, names)));
  switch (t.code) {
    case '0':
      return names.where('a.outcome = :?', 'success');
    case '4':
      return names.sql(
        `(a.outcome = ${names.bind('denied')} OR (a.outcome = ${names.bind('error')} AND a.status < 500))`,
      );
    case '8':
      return names.sql(`(a.outcome = ${names.bind('error')} AND a.status >= 500)`);
    default:
      return NOTHING;
  }
}

function typeCondition(value: string, names: ParamNames): AuditCondition {
  const t = tokenOf(value);
  const kinds: AuditEventKind[] = [];
  if (matches(t, EVENT_TYPE.rest)) kinds.push('rest');
  if (matches(t, EVENT_TYPE.userAuthentication)) kinds.push('login', 'logout', 'authentication');
  if (matches(t, EVENT_TYPE.securityAlert)) kinds.push('security-configuration');
  return anyOf(kinds.map((k) => kindCondition(k, names)));
}

function subtypeCondition(value: string, names: ParamNames, baseUrl: string): AuditCondition {
  const t = tokenOf(value);
  const out: AuditCondition[] = [];
  if (t.system === undefined || t.system === RESTFUL_INTERACTION) {
    const actions = RESTFUL_ACTIONS.filter((a) => t.code === undefined || restfulInteractionCodes(a).includes(t.code));
    if (actions.length)
      out.push(names.sql(`(a.category = ${names.bind('fhir')} AND a.action IN (${names.bindList(actions)}))`));
  }
  if (matches(t, DCM_SUBTYPE.login)) out.push(kindCondition('login', names));
  if (matches(t, DCM_SUBTYPE.logout)) out.push(kindCondition('logout', names));
  if (matches(t, DCM_SUBTYPE.securityConfiguration)) out.push(kindCondition('security-configuration', names));
  if (t.system === undefined || t.system === auditActionSystem(baseUrl)) {
    out.push(
      t.code === undefined
        ? names.where('a.category <> :?', 'fhir')
        : names.sql(`(a.category <> ${names.bind('fhir')} AND a.action = ${names.bind(t.code)})`),
    );
  }
  return anyOf(out);
}

/** The FHIR interactions the audit trail records (classify-request, FhirScopeGuard). */
const RESTFUL_ACTIONS = [
  'read',
  'vread',
  'update',
  'patch',
  'delete',
  'conditional-delete',
  'create',
  'capabilities',
  'transaction',
  'batch',
  'operation',
  'search-type',
  'search-system',
  'history-instance',
  'history-type',
  'history-system',
];

/** `kindOf` as SQL: the records whose AuditEvent has that kind. */
function kindCondition(kind: AuditEventKind, names: ParamNames): AuditCondition {
  const auth = [...LOGIN_ACTIONS, ...LOGOUT_ACTIONS];
  switch (kind) {
    case 'rest':
      return names.where('a.category = :?', 'fhir');
    case 'login':
      return names.sql(
        `((a.category = ${names.bind('token')} AND a.action = ${names.bind('token')}) OR a.action IN (${names.bindList([...LOGIN_ACTIONS])}))`,
      );
    case 'logout':
      return names.sql(
        `((a.category = ${names.bind('token')} AND a.action = ${names.bind('revoke')}) OR a.action IN (${names.bindList([...LOGOUT_ACTIONS])}))`,
      );
    case 'authentication':
      return names.sql(
        `(a.category = ${names.bind('token')} AND a.action NOT IN (${names.bindList(['token', 'revoke'])}))`,
      );
    case 'security-configuration':
      return names.sql(
        `(a.category IN (${names.bindList(['admin', 'registration'])}) AND a.action NOT IN (${names.bindList(auth)}))`,
      );
  }
}

/** R4 search.html#reference: `Type/id`, a bare id, or an absolute URL on this server; `entity:Type=id` names the type. */
function entityCondition(
  modifier: string | undefined,
  value: string,
  names: ParamNames,
  baseUrl: string,
): AuditCondition {
  if (modifier !== undefined && !TYPE_NAME.test(modifier)) throw unsupportedModifier('entity', modifier);
  const base = baseUrl.replace(/\/+$/, '');
  const local = value.startsWith(`${base}/`) ? value.slice(base.length + 1) : value;
  const typed = /^([A-Z][A-Za-z]{1,63})\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[A-Za-z0-9\-.]{1,64})?$/.exec(local);
  if (typed) {
    if (modifier !== undefined && modifier !== typed[1]) return NOTHING;
    return names.sql(`(a.resource_type = ${names.bind(typed[1])} AND a.resource_id = ${names.bind(typed[2])})`);
  }
  if (!/^[A-Za-z0-9\-.]{1,64}$/.test(local)) return NOTHING;
  if (modifier !== undefined)
    return names.sql(`(a.resource_type = ${names.bind(modifier)} AND a.resource_id = ${names.bind(local)})`);
  return names.sql(`(a.resource_id = ${names.bind(local)} AND a.resource_type IS NOT NULL)`);
}

function parseCount(value: string): number {
  if (!/^\d{1,9}$/.test(value)) throw auditSearchError(`_count: "${value.slice(0, 20)}" is not a non-negative integer`);
  return Math.min(Number(value), MAX_AUDIT_EVENT_COUNT);
}

/** R4 search.html#token: `code`, `system|code`, `|code` (no system) or `system|` (any code of the system). */
function tokenOf(value: string): { system?: string; code?: string } {
  return parseToken(value, auditSearchError);
}

/** Whether a token search value names this coding: its code (or any, for `system|`) in its system (or any). */
function matches(t: { system?: string; code?: string }, coding: { system: string; code: string }): boolean {
  return (t.code === undefined || t.code === coding.code) && (t.system === undefined || t.system === coding.system);
}

function anyOf(conditions: AuditCondition[]): AuditCondition {
  const real = conditions.filter((c) => c !== NOTHING);
  if (real.length === 0) return NOTHING;
  if (real.length === 1) return real[0];
  return { sql: `(${real.map((c) => c.sql).join(' OR ')})`, params: Object.assign({}, ...real.map((c) => c.params)) };
}

function noModifier(name: string, modifier: string | undefined): void {
  if (modifier !== undefined) throw unsupportedModifier(name, modifier);
}

function unsupportedModifier(name: string, modifier: string): DomainError {
  return auditSearchError(
    `Modifier ":${modifier.slice(0, 30)}" is not supported on AuditEvent search parameter "${name}"`,
  );
}

/** Hands out unique parameter names, so conditions can be combined without collisions. */
class ParamNames {
  private n = 0;
  private pending: Record<string, unknown> = {};

  /** A placeholder for one value, collected into the next condition made. */
  bind(value: unknown): string {
    const name = `ae${this.n++}`;
    this.pending[name] = value;
    return `:${name}`;
  }

  bindList(values: unknown[]): string {
    return values.map((v) => this.bind(v)).join(', ');
  }

  /** A condition from SQL whose placeholders came from `bind`. */
  sql(sql: string): AuditCondition {
    const params = this.pending;
    this.pending = {};
    return { sql, params };
  }

  /** A condition with one value, in place of `:?`. */
  where(sql: string, value: unknown): AuditCondition {
    return this.sql(sql.replace(':?', this.bind(value)));
  }
}
