import type { ScopeCatalogEntry } from '@ccri/contracts';
import { isValidScope, parseScope } from '@ccri/smart-scopes';
import { Alert, Button, Checkbox, Group, Modal, Stack, Textarea, TextInput } from '@mantine/core';
import { useEffect, useState, type FormEvent } from 'react';
import { errorMessage } from '../api/api-error';
import { useServerValidatedForm, type FormErrors } from '../app/use-server-validated-form';
import { usePutScope } from './scopes-queries';

export interface ScopeFormValues {
  scope: string;
  description: string;
  resource_types: string;
  self_service: boolean;
}

type Field = keyof ScopeFormValues;
export type ScopeFormErrors = FormErrors<Field>;

const RESOURCE_TYPE = /^(\*|[A-Z][A-Za-z]{1,63})$/;

export function splitResourceTypes(text: string): string[] {
  return [...new Set(text.split(/[\s,]+/).filter(Boolean))];
}

export function validateScopeForm(values: ScopeFormValues, adding: boolean): ScopeFormErrors {
  const errors: ScopeFormErrors = {};
  const scope = values.scope.trim();
  if (adding) {
    if (!scope) errors.scope = 'Enter the scope';
    else if (!isValidScope(scope)) errors.scope = `"${scope}" is not a valid SMART scope`;
  }
  if (values.description.trim().length > 1000) errors.description = 'Use at most 1000 characters';
  const bad = splitResourceTypes(values.resource_types).filter((t) => !RESOURCE_TYPE.test(t));
  if (bad.length > 0)
    errors.resource_types = `Not resource type names: ${bad.join(', ')} (use names such as Patient, or *)`;
  return errors;
}

/** The resource type a resource scope names, to prefill a new entry. */
function resourceTypeOf(scope: string): string {
  const parsed = parseScope(scope.trim());
  return parsed?.kind === 'resource' ? parsed.resourceType : '';
}

interface EditScopeModalProps {
  /** The entry to edit; null with `adding` to add one; null without it: closed. */
  entry: ScopeCatalogEntry | null;
  adding?: boolean;
  onClose: () => void;
  onSaved: (entry: ScopeCatalogEntry) => void;
}

export function EditScopeModal({ entry, adding = false, onClose, onSaved }: EditScopeModalProps) {
  const opened = adding || entry !== null;
  const save = usePutScope();
  const form = useServerValidatedForm<ScopeFormValues, Field>({
    initial: { scope: '', description: '', resource_types: '', self_service: false },
    fields: ['scope', 'description', 'resource_types'],
  });
  const { values, errors } = form;
  const [typesEdited, setTypesEdited] = useState(false);

  useEffect(() => {
    if (!opened) return;
    form.setValues({
      scope: entry?.scope ?? '',
      description: entry?.description ?? '',
      resource_types: entry?.resource_types.join(', ') ?? '',
      self_service: entry?.self_service ?? false,
    });
    form.setErrors({});
    setTypesEdited(false);
    save.reset();
  }, [opened, entry]);

  const set = <K extends Field>(field: K, value: ScopeFormValues[K]) => {
    form.set(field, value);
    if (field === 'scope' && !typesEdited)
      form.setValues((v) => ({ ...v, resource_types: resourceTypeOf(String(value)) }));
    if (field === 'resource_types') setTypesEdited(true);
  };

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!form.show(validateScopeForm(values, adding))) return;
    save.mutate(
      {
        scope: values.scope.trim(),
        change: {
          description: values.description.trim(),
          resource_types: splitResourceTypes(values.resource_types),
          self_service: values.self_service,
        },
      },
      {
        onSuccess: (saved) => {
          onSaved(saved);
          onClose();
        },
        onError: form.showServerErrors,
      },
    );
  };

  return (
    <Modal opened={opened} onClose={onClose} title={adding ? 'Add scope' : 'Edit scope'} centered size="lg">
      <form onSubmit={submit} noValidate aria-label={adding ? 'Add scope' : 'Edit scope'}>
        <Stack gap="md">
          {save.isError && !form.placed(save.error) && (
            <Alert color="red" variant="light" role="alert" title="Could not save the scope">
              {errorMessage(save.error)}
            </Alert>
          )}
          <TextInput
            ref={form.ref('scope')}
            label="Scope"
            description={adding ? 'A SMART scope, e.g. patient/Observation.rs' : undefined}
            withAsterisk={adding}
            readOnly={!adding}
            data-autofocus={adding || undefined}
            spellCheck={false}
            autoCapitalize="none"
            autoComplete="off"
            styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
            value={values.scope}
            onChange={(e) => set('scope', e.currentTarget.value)}
            error={errors.scope}
          />
          <Textarea
            ref={form.ref('description')}
            label="Description"
            description="What an integrator or administrator reads when choosing it."
            data-autofocus={!adding || undefined}
            autosize
            minRows={2}
            value={values.description}
            onChange={(e) => set('description', e.currentTarget.value)}
            error={errors.description}
          />
          <TextInput
            ref={form.ref('resource_types')}
            label="Resource types"
            description="Separated by commas; * for every type; empty for scopes about no resource."
            autoComplete="off"
            spellCheck={false}
            value={values.resource_types}
            onChange={(e) => set('resource_types', e.currentTarget.value)}
            error={errors.resource_types}
          />
          <Checkbox
            label="Offered for self-service registration"
            description="Until the registration settings are first saved, the self-service allow-list is made of the scopes flagged here."
            checked={values.self_service}
            onChange={(e) => set('self_service', e.currentTarget.checked)}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={save.isPending}>
              {adding ? 'Add scope' : 'Save scope'}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
