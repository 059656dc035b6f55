import { AUDIT_CATEGORIES, AUDIT_OUTCOMES, type AuditOutcome, type AuditQuery } from '@ccri/contracts';

/** Time ranges offered; each has a bucket size that gives the chart a readable number of bars. */
export const RANGE_PRESETS = [
  { value: '1h', label: 'Last hour', ms: 3_600_000, buckets: 12 },
  { value: '24h', label: 'Last 24 hours', ms: 86_400_000, buckets: 24 },
  { value: '7d', label: 'Last 7 days', ms: 7 * 86_400_000, buckets: 14 },
  { value: '30d', label: 'Last 30 days', ms: 30 * 86_400_000, buckets: 30 },
] as const;
export type RangePreset = (typeof RANGE_PRESETS)[number]['value'] | 'custom';
export const CUSTOM_BUCKETS = 24;
const MAX_CUSTOM_RANGE_MS = 366 * 86_400_000;

/** The audit view's filters as the form holds them (and the URL carries them); times are `datetime-local` values. */
export interface AuditFilters {
  range: RangePreset;
  from: string;
  to: string;
  client_id: string;
  outcome: AuditOutcome | '';
  type: string;
}

export type AuditFilterErrors = Partial<Record<keyof AuditFilters, string>>;

export const DEFAULT_FILTERS: AuditFilters = { range: '24h', from: '', to: '', client_id: '', outcome: '', type: '' };

/** Resource types and categories offered as suggestions for the type filter. */
export const TYPE_SUGGESTIONS = [
  ...AUDIT_CATEGORIES,
  'Patient',
  'Condition',
  'MedicationStatement',
  'MedicationRequest',
  'Observation',
  'Organization',
];

const TYPE = /^[A-Za-z]{1,64}$/;

function isPreset(value: string | null): value is RangePreset {
  return value === 'custom' || RANGE_PRESETS.some((p) => p.value === value);
}

export function filtersFromParams(params: URLSearchParams): AuditFilters {
  const outcome = params.get('outcome') ?? '';
  const range = params.get('range');
  return {
    range: isPreset(range) ? range : DEFAULT_FILTERS.range,
    from: params.get('from') ?? '',
    to: params.get('to') ?? '',
    client_id: params.get('client_id') ?? '',
    outcome: (AUDIT_OUTCOMES as readonly string[]).includes(outcome) ? (outcome as AuditOutcome) : '',
    type: params.get('type') ?? '',
  };
}

/** Only what differs from the defaults goes into the URL. */
export function filtersToParams(filters: AuditFilters): Record<string, string | undefined> {
  const custom = filters.range === 'custom';
  return {
    range: filters.range === DEFAULT_FILTERS.range ? undefined : filters.range,
    from: custom ? filters.from || undefined : undefined,
    to: custom ? filters.to || undefined : undefined,
    client_id: filters.client_id.trim() || undefined,
    outcome: filters.outcome || undefined,
    type: filters.type.trim() || undefined,
  };
}

/** A `datetime-local` value (the reader's local time) as a Date, or null. */
function localTime(value: string): Date | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(value)) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

export function validateAuditFilters(filters: AuditFilters): AuditFilterErrors {
  const errors: AuditFilterErrors = {};
  if (filters.range === 'custom') {
    const from = localTime(filters.from);
    const to = localTime(filters.to);
    if (!from) errors.from = 'Enter the start date and time';
    if (!to) errors.to = 'Enter the end date and time';
    if (from && to && from >= to) errors.to = 'The end must be after the start';
    else if (from && to && to.getTime() - from.getTime() > MAX_CUSTOM_RANGE_MS) errors.to = 'Choose at most a year';
  }
  if (filters.client_id.trim().length > 100) errors.client_id = 'A client ID has at most 100 characters';
  const type = filters.type.trim();
  if (type && !TYPE.test(type))
    errors.type = 'Enter a category (token, fhir, admin, registration) or a resource type such as Patient';
  return errors;
}

/** The time range the filters stand for, at `now`; presets end now. */
export function resolveRange(filters: AuditFilters, now = Date.now()): { from: Date; to: Date } {
  if (filters.range === 'custom') {
    const from = localTime(filters.from);
    const to = localTime(filters.to);
    if (from && to && from < to) return { from, to };
  }
  const preset = RANGE_PRESETS.find((p) => p.value === filters.range) ?? RANGE_PRESETS[1];
  return { from: new Date(now - preset.ms), to: new Date(now) };
}

export function bucketCount(filters: AuditFilters): number {
  return RANGE_PRESETS.find((p) => p.value === filters.range)?.buckets ?? CUSTOM_BUCKETS;
}

/** `count` equal, adjacent intervals covering [from, to). */
export function buckets(from: Date, to: Date, count: number): { start: Date; end: Date }[] {
  const span = (to.getTime() - from.getTime()) / count;
  return Array.from({ length: count }, (_, i) => ({
    start: new Date(from.getTime() + Math.round(i * span)),
    end: i === count - 1 ? to : new Date(from.getTime() + Math.round((i + 1) * span)),
  }));
}

/** The management API query for the filters (without paging). */
export function toAuditQuery(filters: AuditFilters, range: { from: Date; to: Date }): AuditQuery {
  return {
    client_id: filters.client_id.trim() || undefined,
    outcome: filters.outcome || undefined,
    type: filters.type.trim() || undefined,
    from: range.from.toISOString(),
    to: range.to.toISOString(),
  };
}
