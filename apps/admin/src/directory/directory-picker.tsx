import type { DirectoryEntry, EndUserRole } from '@ccri/contracts';
import { Button, Group, Paper, Stack, Text, TextInput, UnstyledButton } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useState, type Ref } from 'react';
import { errorMessage } from '../api/api-error';
import { useDirectorySearch } from './directory-queries';

const NOUN: Record<EndUserRole, { one: string; many: string }> = {
  patient: { one: 'patient', many: 'patients' },
  practitioner: { one: 'practitioner', many: 'practitioners' },
};

/** Name, birth date and NHS number: enough to tell two people of the same name apart. */
export function DirectoryEntryText({ entry }: { entry: DirectoryEntry }) {
  const details = [
    entry.birth_date && `born ${entry.birth_date}`,
    entry.nhs_number && `NHS number ${entry.nhs_number}`,
    entry.reference,
  ].filter(Boolean);
  return (
    <>
      <Text size="sm" fw={500} component="span" display="block">
        {entry.display}
      </Text>
      <Text size="xs" c="dimmed" component="span" display="block">
        {details.join(' · ')}
      </Text>
    </>
  );
}

interface DirectoryPickerProps {
  role: EndUserRole;
  value: DirectoryEntry | null;
  onChange: (entry: DirectoryEntry | null) => void;
  error?: string;
  inputRef?: Ref<HTMLInputElement>;
  /** The search field's label; "Search patients" by default. */
  label?: string;
  withAsterisk?: boolean;
}

/**
 * Finds a person in the FHIR store: a search field and one button per match. The chosen person replaces the
 * search until "Change" is pressed.
 */
export function DirectoryPicker({ role, value, onChange, error, inputRef, label, withAsterisk }: DirectoryPickerProps) {
  const noun = NOUN[role];
  const [input, setInput] = useState('');
  const [search] = useDebouncedValue(input.trim(), 250);
  const results = useDirectorySearch(role, search);

  if (value) {
    return (
      <Stack gap={4}>
        <Text size="sm" fw={500}>
          Chosen {noun.one}
        </Text>
        <Paper withBorder p="xs" radius="sm" aria-label={`Chosen ${noun.one}`} role="group">
          <Group justify="space-between" wrap="nowrap">
            <div>
              <DirectoryEntryText entry={value} />
            </div>
            <Button variant="subtle" size="xs" onClick={() => onChange(null)}>
              Change
            </Button>
          </Group>
        </Paper>
        {error && (
          <Text size="xs" c="red" role="alert">
            {error}
          </Text>
        )}
      </Stack>
    );
  }

  const entries = results.data ?? [];
  return (
    <Stack gap="xs">
      <TextInput
        ref={inputRef}
        label={label ?? `Search ${noun.many}`}
        description="Name or NHS number"
        type="search"
        withAsterisk={withAsterisk}
        autoComplete="off"
        value={input}
        onChange={(e) => setInput(e.currentTarget.value)}
        error={error}
      />
      {search && results.isError && (
        <Text size="sm" c="red" role="alert">
          Could not search the {noun.many}: {errorMessage(results.error)}
        </Text>
      )}
      {search && results.isSuccess && entries.length === 0 && (
        <Text size="sm" c="dimmed" role="status">
          No {noun.many} match “{search}”.
        </Text>
      )}
      {search && entries.length > 0 && (
        <Stack component="ul" gap={4} m={0} p={0} aria-label={`Matching ${noun.many}`} style={{ listStyle: 'none' }}>
          {entries.map((entry) => (
            <li key={entry.reference}>
              <UnstyledButton
                onClick={() => onChange(entry)}
                w="100%"
                p="xs"
                style={{ border: '1px solid var(--mantine-color-default-border)', borderRadius: 4 }}
              >
                <DirectoryEntryText entry={entry} />
              </UnstyledButton>
            </li>
          ))}
        </Stack>
      )}
    </Stack>
  );
}
