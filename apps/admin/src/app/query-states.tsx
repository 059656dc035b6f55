import { Alert, Button, Group, Loader, Stack, Text } from '@mantine/core';
import type { UseQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { errorMessage } from '../api/api-error';

/** Announced to screen readers as it appears; shown while a page's data loads. */
export function LoadingState({ label }: { label: string }) {
  return (
    <Group justify="center" py="xl" role="status" aria-live="polite">
      <Loader size="sm" aria-hidden="true" />
      <Text c="dimmed">{label}</Text>
    </Group>
  );
}

interface ErrorStateProps {
  title: string;
  error: unknown;
  onRetry?: () => void;
  retrying?: boolean;
}

/** A failed load: what failed, the server's words for why, and a way to try again. */
export function ErrorState({ title, error, onRetry, retrying }: ErrorStateProps) {
  return (
    <Alert color="red" variant="light" role="alert" title={title}>
      <Stack gap="xs" align="flex-start">
        <Text size="sm">{errorMessage(error)}</Text>
        {onRetry && (
          <Button size="xs" variant="light" color="red" onClick={onRetry} loading={retrying}>
            Try again
          </Button>
        )}
      </Stack>
    </Alert>
  );
}

/**
 * What a page shows for a query: `loading` while it loads, `failed` (with the server's reason and a retry) when it
 * failed, and `children` of its data once it is there.
 */
export function QueryStates<T>({
  query,
  loading,
  failed,
  children,
}: {
  query: UseQueryResult<T>;
  loading: string;
  failed: string;
  children: (data: T) => ReactNode;
}) {
  if (query.isPending) return <LoadingState label={loading} />;
  if (query.isError)
    return (
      <ErrorState title={failed} error={query.error} onRetry={() => query.refetch()} retrying={query.isFetching} />
    );
  return <>{children(query.data)}</>;
}

/** A dismissible result of an action: green for done, red for failed. */
export function Notice({
  tone,
  title,
  children,
  onClose,
}: {
  tone: 'success' | 'error';
  title?: string;
  children: ReactNode;
  onClose: () => void;
}) {
  return (
    <Alert
      color={tone === 'success' ? 'green' : 'red'}
      variant="light"
      role={tone === 'success' ? 'status' : 'alert'}
      title={title}
      withCloseButton
      closeButtonLabel="Dismiss"
      onClose={onClose}
    >
      {children}
    </Alert>
  );
}
