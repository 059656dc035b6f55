import type { TokenEndpointAuthMethod } from '@ccri/contracts';
import { NativeSelect, Textarea, TextInput } from '@mantine/core';
import type { FieldRef, FormErrors } from '../app/use-server-validated-form';
import { AUTH_METHODS } from './auth-methods';
import type { ClientCredentialValues, ClientIdentityValues, KeySource } from './client-form-model';
import { ClientKeysFields } from './client-keys-fields';

/** A client's name and description, as the administrators' and the developer portal's client forms ask for them. */
export function ClientIdentityFields({
  values,
  errors,
  onChange,
  inputRef,
  descriptionHelp,
}: {
  values: ClientIdentityValues;
  errors: FormErrors<keyof ClientIdentityValues>;
  onChange: (field: keyof ClientIdentityValues, value: string) => void;
  inputRef: (field: keyof ClientIdentityValues) => FieldRef;
  /** What the description is for, shown under its label. */
  descriptionHelp?: string;
}) {
  return (
    <>
      <TextInput
        ref={inputRef('client_name')}
        label="Name"
        description="Shown to administrators and in the audit log."
        withAsterisk
        autoComplete="off"
        value={values.client_name}
        onChange={(e) => onChange('client_name', e.currentTarget.value)}
        error={errors.client_name}
      />
      <Textarea
        ref={inputRef('description')}
        label="Description"
        description={descriptionHelp}
        autosize
        minRows={2}
        value={values.description}
        onChange={(e) => onChange('description', e.currentTarget.value)}
        error={errors.description}
      />
    </>
  );
}

type ConfidentialMethod = Exclude<TokenEndpointAuthMethod, 'none'>;

/** How a confidential client authenticates, and its public keys when it signs assertions (private_key_jwt). */
export function ClientCredentialFields({
  values,
  errors,
  onMethodChange,
  onKeySourceChange,
  onChange,
  inputRef,
}: {
  values: ClientCredentialValues;
  errors: FormErrors<'token_endpoint_auth_method' | 'jwks' | 'jwks_uri'>;
  onMethodChange: (method: ConfidentialMethod) => void;
  onKeySourceChange: (source: KeySource) => void;
  onChange: (field: 'jwks' | 'jwks_uri', value: string) => void;
  inputRef: (field: 'token_endpoint_auth_method' | 'jwks' | 'jwks_uri') => FieldRef;
}) {
  return (
    <>
      <NativeSelect
        ref={inputRef('token_endpoint_auth_method')}
        label="Client authentication"
        data={AUTH_METHODS}
        value={values.token_endpoint_auth_method}
        onChange={(e) => onMethodChange(e.currentTarget.value as ConfidentialMethod)}
        error={errors.token_endpoint_auth_method}
      />
      {values.token_endpoint_auth_method === 'private_key_jwt' && (
        <ClientKeysFields
          source={values.key_source}
          jwks={values.jwks}
          jwksUri={values.jwks_uri}
          errors={errors}
          onSourceChange={onKeySourceChange}
          onJwksChange={(v) => onChange('jwks', v)}
          onJwksUriChange={(v) => onChange('jwks_uri', v)}
          jwksRef={inputRef('jwks')}
          jwksUriRef={inputRef('jwks_uri')}
        />
      )}
    </>
  );
}
