/**
 * Reads the authorization server's HTML pages as a browser would submit them: each form's action, method, fields
 * (hidden, text, ticked checkboxes) and submit buttons, and the text of the `<label for>` of each input. Enough for
 * the server's own simple, well-formed pages; not a general HTML parser.
 */
export interface HtmlButton {
  name: string | null;
  value: string | null;
  text: string;
}

export interface HtmlForm {
  action: string;
  method: string;
  /** What submitting sends besides the button: hidden and text inputs, ticked checkboxes (repeated names as arrays). */
  fields: Record<string, string | string[]>;
  /** Every checkbox, ticked or not. */
  checkboxes: { id: string | null; name: string; value: string; checked: boolean }[];
  buttons: HtmlButton[];
}

export function decodeEntities(s: string): string {
  return s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

function attr(tag: string, name: string): string | null {
  const m = new RegExp(`\\s${name}="([^"]*)"`).exec(tag);
  if (m) return decodeEntities(m[1]);
  return new RegExp(`\\s${name}(?=[\\s>])`).test(tag) ? '' : null;
}

function add(fields: Record<string, string | string[]>, name: string, value: string): void {
  const prev = fields[name];
  fields[name] = prev === undefined ? value : [...(Array.isArray(prev) ? prev : [prev]), value];
}

export function parseForms(html: string): HtmlForm[] {
  const forms: HtmlForm[] = [];
  for (const m of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/g)) {
    const [, head, body] = m;
    const form: HtmlForm = {
      action: attr(`<form${head}>`, 'action') ?? '',
      method: (attr(`<form${head}>`, 'method') ?? 'get').toLowerCase(),
      fields: {},
      checkboxes: [],
      buttons: [],
    };
    for (const i of body.matchAll(/<input\b[^>]*>/g)) {
      const tag = i[0];
      const name = attr(tag, 'name');
      if (!name) continue;
      const type = (attr(tag, 'type') ?? 'text').toLowerCase();
      const value = attr(tag, 'value') ?? '';
      if (type === 'checkbox') {
        const checked = attr(tag, 'checked') !== null;
        form.checkboxes.push({ id: attr(tag, 'id'), name, value, checked });
        if (checked) add(form.fields, name, value);
      } else {
        add(form.fields, name, value);
      }
    }
    for (const b of body.matchAll(/<button\b([^>]*)>([\s\S]*?)<\/button>/g)) {
      const tag = `<button${b[1]}>`;
      form.buttons.push({
        name: attr(tag, 'name'),
        value: attr(tag, 'value'),
        text: decodeEntities(b[2].replace(/<[^>]+>/g, '')).trim(),
      });
    }
    forms.push(form);
  }
  return forms;
}

/** The text of `<label for="{id}">`, tags stripped. */
export function labelFor(html: string, id: string): string | null {
  const m = new RegExp(`<label for="${id}">([\\s\\S]*?)</label>`).exec(html);
  return m
    ? decodeEntities(m[1].replace(/<[^>]+>/g, ''))
        .replace(/\s+/g, ' ')
        .trim()
    : null;
}

/** The form holding a button with this text. */
export function formWithButton(html: string, text: string): HtmlForm {
  const form = parseForms(html).find((f) => f.buttons.some((b) => b.text === text));
  if (!form) throw new Error(`No form with a "${text}" button in:\n${html}`);
  return form;
}

/** Fields to post for pressing the button with this text (its name/value added, as a browser does). */
export function press(form: HtmlForm, text: string, fields: Record<string, string | string[]> = form.fields) {
  const button = form.buttons.find((b) => b.text === text);
  if (!button) throw new Error(`No "${text}" button`);
  return button.name ? { ...fields, [button.name]: button.value ?? '' } : { ...fields };
}
