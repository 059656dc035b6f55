import { createTheme } from '@mantine/core';

export const theme = createTheme({
  primaryColor: 'indigo',
  defaultRadius: 'sm',
  // Visible focus for keyboard users, not for mouse clicks.
  focusRing: 'auto',
});
