import { Group, Radio, Stack, Textarea, TextInput } from '@mantine/core';
import type { Ref } from 'react';
import type { KeySource } from './client-form-model';

interface ClientKeysFieldsProps {
  source: KeySource;
  jwks: string;
  jwksUri: string;
  errors: { jwks?: string; jwks_uri?: string };
  onSourceChange: (source: KeySource) => void;
  onJwksChange: (value: string) => void;
  onJwksUriChange: (value: string) => void;
  jwksRef?: Ref<HTMLTextAreaElement>;
  jwksUriRef?: Ref<HTMLInputElement>;
}

const MONOSPACE = { input: { fontFamily: 'var(--mantine-font-family-monospace)' } };

/**
 * The public keys a private_key_jwt client signs its assertions with (SMART Backend Services): an inline JWK Set,
 * or the URL the server fetches it from.
 */
export function ClientKeysFields(props: ClientKeysFieldsProps) {
  const { source, errors } = props;
  return (
    <Stack gap="sm">
      <Radio.Group
        label="Public keys"
        description="The server checks the client's signed assertions with these keys."
        value={source}
        onChange={(value) => props.onSourceChange(value as KeySource)}
      >
        <Group gap="lg" mt={6}>
          <Radio value="jwks" label="Paste a JWK Set" />
          <Radio value="jwks_uri" label="JWK Set URL" />
        </Group>
      </Radio.Group>
      {source === 'jwks' ? (
        <Textarea
          ref={props.jwksRef}
          label="JWK Set"
          description='Public keys only, e.g. {"keys": [{"kty": "RSA", "n": "…", "e": "AQAB", "kid": "…"}]}'
          withAsterisk
          autosize
          minRows={4}
          maxRows={14}
          spellCheck={false}
          autoCapitalize="none"
          styles={MONOSPACE}
          value={props.jwks}
          onChange={(e) => props.onJwksChange(e.currentTarget.value)}
          error={errors.jwks}
        />
      ) : (
        <TextInput
          ref={props.jwksUriRef}
          label="JWK Set URL"
          description="Fetched only from hosts an administrator allowed (JWKS_URI_ALLOWED_HOSTS)."
          withAsterisk
          type="url"
          autoComplete="off"
          spellCheck={false}
          value={props.jwksUri}
          onChange={(e) => props.onJwksUriChange(e.currentTarget.value)}
          error={errors.jwks_uri}
        />
      )}
    </Stack>
  );
}
