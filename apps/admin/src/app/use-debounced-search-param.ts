import { useDebouncedValue } from '@mantine/hooks';
import { useEffect, useState } from 'react';
import { useSearchParams } from 'react-router';

/**
 * A filter typed into a box and kept in the URL's query (`?client_id=…`): the box follows every keystroke, the URL
 * (and so the request) only the input settled for 300 ms, trimmed; going back in history puts the URL's value back
 * in the box. Returns the URL's value and the box's state.
 */
export function useDebouncedSearchParam(name: string): [value: string, input: string, setInput: (v: string) => void] {
  const [params, setParams] = useSearchParams();
  const value = params.get(name) ?? '';
  const [input, setInput] = useState(value);
  const [settled] = useDebouncedValue(input.trim(), 300);

  useEffect(() => {
    if (settled !== value) {
      setParams(
        (current) => {
          const next = new URLSearchParams(current);
          if (settled) next.set(name, settled);
          else next.delete(name);
          return next;
        },
        { replace: true },
      );
    }
  }, [settled]);
  useEffect(() => {
    if (value !== settled) setInput(value);
  }, [value]);

  return [value, input, setInput];
}
