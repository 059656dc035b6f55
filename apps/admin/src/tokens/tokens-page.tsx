import { Divider, Stack } from '@mantine/core';
import { PageHeader } from '../app/page-header';
import { GrantsSection } from './grants-section';
import { LiveTokensSection } from './live-tokens-section';
import { SigningKeysSection } from './signing-keys-section';

export function TokensPage() {
  return (
    <>
      <PageHeader title="Tokens and keys" description="Access tokens in use, and the keys that sign them." />
      <Stack gap="xl">
        <LiveTokensSection />
        <Divider />
        <SigningKeysSection />
        <Divider />
        <GrantsSection />
      </Stack>
    </>
  );
}
