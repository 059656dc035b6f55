import type { ScopeCatalogEntry } from '@ccri/contracts';
import { splitScopes } from '@ccri/smart-scopes';
import { Autocomplete, Stack, Text } from '@mantine/core';
import { useState } from 'react';

interface ScopeCatalogPickerProps {
  catalog: ScopeCatalogEntry[] | undefined;
  /** The scopes already chosen (space-separated); they are not offered again. */
  chosen: string;
  onPick: (scope: string) => void;
  /** Set when the catalog could not be loaded; the scopes can still be typed. */
  unavailable?: boolean;
}

/** Picks a scope from the catalog and adds it to the typed list: the typed list stays the one source of truth. */
export function ScopeCatalogPicker({ catalog, chosen, onPick, unavailable }: ScopeCatalogPickerProps) {
  const [search, setSearch] = useState('');
  const taken = new Set(splitScopes(chosen));
  const entries = (catalog ?? []).filter((e) => !taken.has(e.scope));
  const descriptions = new Map(entries.map((e) => [e.scope, e.description]));

  return (
    <Autocomplete
      label="Add a scope from the catalog"
      placeholder={unavailable ? 'The catalog could not be loaded; type scopes above' : 'Type to search, e.g. Patient'}
      disabled={unavailable}
      data={entries.map((e) => e.scope)}
      value={search}
      onChange={setSearch}
      onOptionSubmit={(scope) => {
        onPick(scope);
        // Cleared after Mantine has written the chosen option into the input.
        setTimeout(() => setSearch(''), 0);
      }}
      limit={50}
      maxDropdownHeight={280}
      comboboxProps={{ withinPortal: true }}
      renderOption={({ option }) => (
        <Stack gap={0}>
          <Text size="sm" ff="monospace">
            {option.value}
          </Text>
          {descriptions.get(option.value) && (
            <Text size="xs" c="dimmed">
              {descriptions.get(option.value)}
            </Text>
          )}
        </Stack>
      )}
    />
  );
}
