import { END_USER_PASSWORD_MIN_LENGTH } from '@ccri/contracts';

const USERNAME = /^[A-Za-z0-9._@-]{3,100}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function validateUsername(username: string): string | undefined {
  const text = username.trim();
  if (!text) return 'Enter a username';
  if (!USERNAME.test(text)) return 'Use 3 to 100 letters, digits, ".", "_", "@" or "-"';
  return undefined;
}

export function validateDisplayName(name: string): string | undefined {
  const text = name.trim();
  if (!text) return 'Enter the name shown to the person and in the audit log';
  if (text.length > 200) return 'Use at most 200 characters';
  return undefined;
}

export function validateEmail(email: string): string | undefined {
  const text = email.trim();
  return text && !EMAIL.test(text) ? 'Enter an email address like name@example.org' : undefined;
}

/** NIST SP 800-63B §3.1.1.2: length is what makes a password strong; no composition rules. */
export function validatePassword(password: string): string | undefined {
  if (!password) return 'Enter a password';
  if (password.length < END_USER_PASSWORD_MIN_LENGTH) return `Use at least ${END_USER_PASSWORD_MIN_LENGTH} characters`;
  return undefined;
}
