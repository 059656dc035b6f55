import { useRef, useState } from 'react';
import { ApiError } from '../api/api-error';

/** A message beside each form field in error. */
export type FormErrors<F extends PropertyKey> = Partial<Record<F, string>>;

/** A ref callback that lets the form put the focus on a field. */
export type FieldRef = (el: HTMLElement | null) => void;

interface ServerValidatedFormOptions<V, F extends keyof V> {
  initial: V;
  /** The fields that show messages, in the order they stand on the page: the first in error takes the focus. */
  fields: readonly F[];
  /**
   * The form field a server field path (`errors[].field` of the problem details) belongs to where the form names it
   * otherwise. Any other path goes to the field named by its first segment (`grant_types.0` → `grant_types`); a
   * message for no field of the form is left to the form's general alert.
   */
  fieldOf?: (path: string) => F | undefined;
}

export interface ServerValidatedForm<V, F extends keyof V> {
  values: V;
  errors: FormErrors<F>;
  setValues: React.Dispatch<React.SetStateAction<V>>;
  setErrors: React.Dispatch<React.SetStateAction<FormErrors<F>>>;
  /** Changes a field and clears its message. */
  set: <K extends keyof V>(field: K, value: V[K]) => void;
  /** Registers a field's input so that it can take the focus. */
  ref: (field: F) => FieldRef;
  /** Shows the messages found (and only those) and focuses the first field in error; true when there was none. */
  show: (found: FormErrors<F>) => boolean;
  /** Puts a failed request's field messages (RFC 9457 problem details `errors`) beside their fields. */
  showServerErrors: (error: unknown) => void;
  /** True when the error's messages stand beside fields, so no general alert is needed. */
  placed: (error: unknown) => boolean;
  /** Back to the initial values, with no message. */
  reset: () => void;
}

/**
 * The state of a form checked in the browser first and then by the server: values, a message per field, the focus on
 * the first field in error, and the server's field messages (ProblemDetails `errors`) mapped onto the form's fields.
 * What the form sends, and when, stays with the form.
 */
export function useServerValidatedForm<V extends object, F extends keyof V = keyof V>({
  initial,
  fields,
  fieldOf,
}: ServerValidatedFormOptions<V, F>): ServerValidatedForm<V, F> {
  const [values, setValues] = useState<V>(initial);
  const [errors, setErrors] = useState<FormErrors<F>>({});
  const inputs = useRef<Partial<Record<F, HTMLElement | null>>>({});

  const fieldFor = (path: string): F | undefined => {
    const head = path.split('.')[0];
    return fieldOf?.(path) ?? fields.find((f) => f === head);
  };

  const serverErrors = (error: unknown): FormErrors<F> => {
    const found: FormErrors<F> = {};
    if (!(error instanceof ApiError)) return found;
    for (const [path, message] of Object.entries(error.fieldErrors)) {
      const field = fieldFor(path);
      if (field !== undefined) found[field] = found[field] ? `${found[field]} ${message}` : message;
    }
    return found;
  };

  const show = (found: FormErrors<F>): boolean => {
    setErrors(found);
    const first = fields.find((f) => found[f]);
    if (first !== undefined) inputs.current[first]?.focus();
    return first === undefined;
  };

  return {
    values,
    errors,
    setValues,
    setErrors,
    set: (field, value) => {
      setValues((v) => ({ ...v, [field]: value }));
      setErrors((e) => ({ ...e, [field]: undefined }));
    },
    ref: (field) => (el) => {
      inputs.current[field] = el;
    },
    show,
    showServerErrors: (error) => {
      if (error instanceof ApiError) show(serverErrors(error));
    },
    placed: (error) => Object.keys(serverErrors(error)).length > 0,
    reset: () => {
      setValues(initial);
      setErrors({});
    },
  };
}
