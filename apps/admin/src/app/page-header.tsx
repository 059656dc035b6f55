import { Group, Stack, Text, Title } from '@mantine/core';
import { useDocumentTitle } from '@mantine/hooks';
import { useEffect, useRef, type ReactNode } from 'react';

interface PageHeaderProps {
  title: string;
  description?: ReactNode;
  /** Buttons shown beside the title (below it on a phone). */
  actions?: ReactNode;
  /** The site named in the document title. */
  site?: string;
}

/**
 * The page's one h1. It takes focus when the page opens, so keyboard and screen reader users
 * start at the new page after a client-side navigation instead of wherever the last one left them.
 */
export function PageHeader({ title, description, actions, site = 'CCRI Admin' }: PageHeaderProps) {
  useDocumentTitle(`${title} · ${site}`);
  const headingRef = useRef<HTMLHeadingElement>(null);
  useEffect(() => headingRef.current?.focus({ preventScroll: true }), []);

  return (
    <Group justify="space-between" align="flex-end" gap="sm" mb="lg" wrap="wrap">
      <Stack gap={4}>
        <Title order={1} size="h2" ref={headingRef} tabIndex={-1} style={{ outline: 'none' }}>
          {title}
        </Title>
        {description && (
          <Text c="dimmed" size="sm">
            {description}
          </Text>
        )}
      </Stack>
      {actions && <Group gap="sm">{actions}</Group>}
    </Group>
  );
}
