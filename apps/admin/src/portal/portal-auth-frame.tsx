import { Center, Paper, Stack, Text, Title } from '@mantine/core';
import { useDocumentTitle } from '@mantine/hooks';
import type { ReactNode } from 'react';

export const PORTAL_SITE = 'CCRI Developer Portal';

/** The signed-out pages of the portal: a card in the middle of the screen, with the page's one h1. */
export function PortalAuthFrame({ title, intro, children }: { title: string; intro: ReactNode; children: ReactNode }) {
  useDocumentTitle(`${title} · ${PORTAL_SITE}`);
  return (
    <Center mih="100dvh" p="md">
      <Paper withBorder shadow="sm" radius="md" p={{ base: 'lg', sm: 'xl' }} w="100%" maw={460} component="main">
        <Stack gap="lg">
          <div>
            <Text size="sm" fw={600} c="dimmed">
              {PORTAL_SITE}
            </Text>
            <Title order={1} size="h2">
              {title}
            </Title>
            <Text c="dimmed" size="sm">
              {intro}
            </Text>
          </div>
          {children}
        </Stack>
      </Paper>
    </Center>
  );
}
