import { Divider, Paper, Stack } from '@mantine/core';
import { PageHeader } from '../app/page-header';
import { QueryStates } from '../app/query-states';
import { InitialAccessTokensSection } from './initial-access-tokens-section';
import { RegistrationPolicyForm } from './registration-policy-form';
import { useRegistrationSettings, useSaveRegistrationSettings } from './registration-queries';

/** Self-registration: who may register clients (dynamic registration and the developer portal), with which scopes. */
export function RegistrationSettingsPage() {
  const settings = useRegistrationSettings();
  const save = useSaveRegistrationSettings();

  return (
    <>
      <PageHeader
        title="Registration"
        description="Who may register clients by themselves — through RFC 7591 dynamic registration or the developer portal — and with which scopes."
      />
      <Stack gap="xl">
        <Paper withBorder radius="md" p={{ base: 'md', sm: 'lg' }}>
          <QueryStates
            query={settings}
            loading="Loading the registration settings…"
            failed="Could not load the registration settings"
          >
            {(data) => <RegistrationPolicyForm settings={data} onSave={(next) => save.mutateAsync(next)} />}
          </QueryStates>
        </Paper>
        <Divider />
        <InitialAccessTokensSection />
      </Stack>
    </>
  );
}
