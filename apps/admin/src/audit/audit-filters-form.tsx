import { AUDIT_OUTCOMES } from '@ccri/contracts';
import { Autocomplete, Button, Group, NativeSelect, SimpleGrid, TextInput } from '@mantine/core';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import {
  DEFAULT_FILTERS,
  RANGE_PRESETS,
  TYPE_SUGGESTIONS,
  validateAuditFilters,
  type AuditFilterErrors,
  type AuditFilters,
} from './audit-filters';

interface AuditFiltersFormProps {
  applied: AuditFilters;
  onApply: (filters: AuditFilters) => void;
}

type Field = keyof AuditFilters;
const FIELD_ORDER: Field[] = ['from', 'to', 'client_id', 'type'];

/** The audit view's filters; applied together, after they are checked. */
export function AuditFiltersForm({ applied, onApply }: AuditFiltersFormProps) {
  const [values, setValues] = useState<AuditFilters>(applied);
  const [errors, setErrors] = useState<AuditFilterErrors>({});
  const inputs = useRef<Partial<Record<Field, HTMLInputElement | null>>>({});

  // Back, Forward or a link changed the applied filters: show them.
  useEffect(() => {
    setValues(applied);
    setErrors({});
  }, [JSON.stringify(applied)]);

  const set = <K extends Field>(field: K, value: AuditFilters[K]) => {
    setValues((v) => ({ ...v, [field]: value }));
    setErrors((e) => ({ ...e, [field]: undefined }));
  };

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const found = validateAuditFilters(values);
    setErrors(found);
    const first = FIELD_ORDER.find((f) => found[f]);
    if (first) return inputs.current[first]?.focus();
    onApply({ ...values, client_id: values.client_id.trim(), type: values.type.trim() });
  };

  const ref = (field: Field) => (el: HTMLInputElement | null) => {
    inputs.current[field] = el;
  };

  return (
    <form onSubmit={submit} noValidate aria-label="Audit filters">
      <SimpleGrid cols={{ base: 1, xs: 2, md: 4 }} spacing="sm" verticalSpacing="sm">
        <NativeSelect
          label="Time range"
          value={values.range}
          onChange={(e) => set('range', e.currentTarget.value as AuditFilters['range'])}
          data={[
            ...RANGE_PRESETS.map((p) => ({ value: p.value, label: p.label })),
            { value: 'custom', label: 'Custom range' },
          ]}
        />
        <NativeSelect
          label="Outcome"
          value={values.outcome}
          onChange={(e) => set('outcome', e.currentTarget.value as AuditFilters['outcome'])}
          data={[
            { value: '', label: 'Any outcome' },
            ...AUDIT_OUTCOMES.map((o) => ({ value: o, label: o[0].toUpperCase() + o.slice(1) })),
          ]}
        />
        <TextInput
          ref={ref('client_id')}
          label="Client ID"
          placeholder="Any client"
          autoComplete="off"
          spellCheck={false}
          value={values.client_id}
          onChange={(e) => set('client_id', e.currentTarget.value)}
          error={errors.client_id}
        />
        <Autocomplete
          ref={ref('type')}
          label="Category or resource type"
          placeholder="Any, e.g. token or Patient"
          data={TYPE_SUGGESTIONS}
          value={values.type}
          onChange={(v) => set('type', v)}
          error={errors.type}
          comboboxProps={{ withinPortal: true }}
        />
        {values.range === 'custom' && (
          <>
            <TextInput
              ref={ref('from')}
              type="datetime-local"
              label="From"
              withAsterisk
              value={values.from}
              onChange={(e) => set('from', e.currentTarget.value)}
              error={errors.from}
            />
            <TextInput
              ref={ref('to')}
              type="datetime-local"
              label="To"
              withAsterisk
              value={values.to}
              onChange={(e) => set('to', e.currentTarget.value)}
              error={errors.to}
            />
          </>
        )}
      </SimpleGrid>
      <Group gap="sm" mt="sm">
        <Button type="submit">Apply filters</Button>
        <Button variant="default" onClick={() => onApply(DEFAULT_FILTERS)}>
          Reset
        </Button>
      </Group>
    </form>
  );
}
