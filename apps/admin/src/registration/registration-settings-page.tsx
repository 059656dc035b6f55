import { Divider, Paper, Stack } from '@mantine/core';
import { PageHeader } from '../app/page-header';
import { ErrorState, LoadingState } from '../app/query-states';
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
          {settings.isPending ? (
            <LoadingState label="Loading the registration settings…" />
          ) : settings.isError ? (
            <ErrorState
              title="Could not load the registration settings"
              error={settings.error}
              onRetry={() => settings.refetch()}
              retrying={settings.isFetching}
            />
          ) : (
            <RegistrationPolicyForm settings={settings.data} onSave={(next) => save.mutateAsync(next)} />
          )}
        </Paper>
        <Divider />
        <InitialAccessTokensSection />
      </Stack>
    </>
  );
}
