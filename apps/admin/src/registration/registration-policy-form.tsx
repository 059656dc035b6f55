import { REGISTRATION_POLICIES, type RegistrationPolicy, type RegistrationSettings } from '@ccri/contracts';
import { parseScopes, splitScopes } from '@ccri/smart-scopes';
import { Alert, Button, Group, Radio, Stack, Text, Textarea } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { errorMessage } from '../api/api-error';
import { useServerValidatedForm, type FormErrors } from '../app/use-server-validated-form';
import { ScopeCatalogPicker } from '../clients/scope-catalog-picker';
import { useScopeCatalog } from '../scopes/scopes-queries';

export const POLICY_TEXT: Record<RegistrationPolicy, { label: string; description: string }> = {
  closed: {
    label: 'Closed',
    description:
      'Only administrators create clients. Dynamic registration and the developer portal’s “New client” are refused.',
  },
  'initial-token': {
    label: 'Initial access token required',
    description:
      'Dynamic registration (RFC 7591) needs an initial access token issued below. Signed-in developer-portal accounts register directly.',
  },
  'open-with-approval': {
    label: 'Open, with approval',
    description:
      'Anyone may register; new clients stay pending until an administrator approves them on the Clients page.',
  },
};

export interface PolicyFormValues {
  policy: RegistrationPolicy;
  scopes: string;
}

export type PolicyFormErrors = FormErrors<keyof PolicyFormValues>;

export function validatePolicyForm(values: PolicyFormValues): PolicyFormErrors {
  const { invalid } = parseScopes(values.scopes);
  if (invalid.length === 1) return { scopes: `"${invalid[0]}" is not a valid SMART scope` };
  if (invalid.length > 1) return { scopes: `Not valid SMART scopes: ${invalid.map((s) => `"${s}"`).join(', ')}` };
  return {};
}

/** The registration policy and the self-service allow-list, saved together. */
export function RegistrationPolicyForm({
  settings,
  onSave,
}: {
  settings: RegistrationSettings;
  onSave: (settings: RegistrationSettings) => Promise<unknown>;
}) {
  const catalog = useScopeCatalog();
  const save = useMutation({ mutationFn: onSave });
  const form = useServerValidatedForm<PolicyFormValues, keyof PolicyFormValues>({
    initial: { policy: settings.policy, scopes: settings.self_service_scopes.join(' ') },
    fields: ['policy', 'scopes'],
    fieldOf: (path) => (path.startsWith('self_service_scopes') ? 'scopes' : undefined),
  });
  const { values, errors } = form;
  const [saved, setSaved] = useState(false);

  const set = <K extends keyof PolicyFormValues>(field: K, value: PolicyFormValues[K]) => {
    form.setValues((v) => ({ ...v, [field]: value }));
    setSaved(false);
    // The allow-list is checked as it is typed, once a message has been shown.
    form.setErrors((e) => ({
      ...e,
      [field]:
        field === 'scopes' && e.scopes ? validatePolicyForm({ ...values, scopes: String(value) }).scopes : undefined,
    }));
  };

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!form.show(validatePolicyForm(values))) return;
    save.mutate(
      { policy: values.policy, self_service_scopes: splitScopes(values.scopes) },
      { onSuccess: () => setSaved(true), onError: form.showServerErrors },
    );
  };

  return (
    <form onSubmit={submit} noValidate aria-label="Registration policy">
      <Stack gap="lg" maw={720}>
        {save.isError && !form.placed(save.error) && (
          <Alert color="red" variant="light" role="alert" title="Could not save the settings">
            {errorMessage(save.error)}
          </Alert>
        )}
        {saved && (
          <Alert
            color="green"
            variant="light"
            role="status"
            withCloseButton
            closeButtonLabel="Dismiss"
            onClose={() => setSaved(false)}
          >
            Saved. New registrations follow these settings now.
          </Alert>
        )}
        <Radio.Group
          label="Who may register clients"
          value={values.policy}
          onChange={(v) => set('policy', v as RegistrationPolicy)}
          error={errors.policy}
        >
          <Stack gap="sm" mt="xs">
            {REGISTRATION_POLICIES.map((policy) => (
              <Radio
                key={policy}
                value={policy}
                label={POLICY_TEXT[policy].label}
                description={POLICY_TEXT[policy].description}
              />
            ))}
          </Stack>
        </Radio.Group>
        <Stack gap="xs">
          <Textarea
            ref={form.ref('scopes')}
            label="Self-service scopes"
            description="The only scopes self-registered clients may ask for, separated by spaces. A wildcard such as patient/*.read also allows narrower scopes."
            autosize
            minRows={3}
            spellCheck={false}
            autoCapitalize="none"
            styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
            value={values.scopes}
            onChange={(e) => set('scopes', e.currentTarget.value)}
            error={errors.scopes}
          />
          {splitScopes(values.scopes).length === 0 && !errors.scopes && (
            <Text size="sm" c="yellow.8" role="note">
              With no self-service scopes, self-registered clients can ask for nothing.
            </Text>
          )}
          <ScopeCatalogPicker
            catalog={Array.isArray(catalog.data) ? catalog.data : undefined}
            unavailable={catalog.isError}
            chosen={values.scopes}
            onPick={(scope) => set('scopes', [...splitScopes(values.scopes), scope].join(' '))}
          />
        </Stack>
        <Group justify="flex-end">
          <Button type="submit" loading={save.isPending}>
            Save settings
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
