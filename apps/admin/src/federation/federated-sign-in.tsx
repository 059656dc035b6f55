import { Alert, Button, Divider, Group, Loader, Stack, Text } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { useLocation, useNavigate } from 'react-router';
import type { ApiClient } from '../api/api-client';
import { ApiError, errorMessage } from '../api/api-error';
import type { FederationAudience } from '@ccri/contracts';
import { listSignInProviders } from './federation-api';

export const signInProviderKeys = {
  list: (audience: FederationAudience) => ['sign-in-providers', audience] as const,
};

/**
 * The one-time code a federated sign-in brings back in the URL fragment (`#federation_code=…`). It is read once and
 * taken out of the address bar at once, so it is neither kept in the history nor shown.
 */
function useFederationCode(): string | null {
  const location = useLocation();
  const navigate = useNavigate();
  const [code] = useState(() => new URLSearchParams(location.hash.slice(1)).get('federation_code'));
  useEffect(() => {
    if (code)
      navigate({ pathname: location.pathname, search: location.search }, { replace: true, state: location.state });
  }, []);
  return code;
}

function exchangeErrorMessage(error: unknown): string {
  if (error instanceof ApiError && error.status === 401)
    return 'This sign-in link has expired or was already used. Sign in again.';
  return errorMessage(error);
}

interface FederatedSignInProps<T> {
  audience: FederationAudience;
  /** An API client without a session: both calls are public. */
  api: ApiClient;
  /** Trades the one-time code for the session of this audience. */
  exchange: (api: ApiClient, code: string) => Promise<T>;
  onSignedIn: (session: T) => void;
}

/**
 * "Sign in with {provider name}" for each external OpenID provider that serves this audience, and, on the way
 * back from one, the exchange of the fragment's one-time code for a session. Shows nothing when no provider does.
 */
export function FederatedSignIn<T>({ audience, api, exchange, onSignedIn }: FederatedSignInProps<T>) {
  const code = useFederationCode();
  const providers = useQuery({
    queryKey: signInProviderKeys.list(audience),
    queryFn: ({ signal }) => listSignInProviders(api, audience, signal),
    staleTime: 60_000,
  });
  const mutation = useMutation({ mutationFn: (c: string) => exchange(api, c), onSuccess: onSignedIn });
  const started = useRef(false);
  useEffect(() => {
    if (!code || started.current) return;
    started.current = true;
    mutation.mutate(code);
  }, [code]);

  const buttons = providers.data ?? [];
  return (
    <>
      {mutation.isPending && (
        <Group gap="sm" role="status" aria-live="polite">
          <Loader size="sm" aria-hidden="true" />
          <Text size="sm">Finishing your sign-in…</Text>
        </Group>
      )}
      {mutation.isError && (
        <Alert color="red" variant="light" role="alert" title="Sign-in with your provider failed">
          {exchangeErrorMessage(mutation.error)}
        </Alert>
      )}
      {buttons.length > 0 && (
        <>
          <Divider label="or" labelPosition="center" />
          <Stack gap="xs">
            {buttons.map((p) => (
              <Button key={p.id} component="a" href={p.start_url} variant="default" fullWidth>
                Sign in with {p.name}
              </Button>
            ))}
          </Stack>
        </>
      )}
    </>
  );
}
