import { formWithButton, parseForms, press, type HtmlForm } from './html-forms';

export interface Page {
  url: string;
  status: number;
  html: string;
}

/**
 * A person's browser, as far as the authorization server's pages need one: it keeps cookies (by name, for the one
 * server it talks to), follows redirects one hop at a time until it leaves `stopAt` (the app's origin) or lands on
 * a page, and submits forms as a browser would.
 */
export class BrowserSession {
  private readonly cookies = new Map<string, string>();

  constructor(private readonly stopAt: string) {}

  /** Follows redirects from `url`; resolves to the page it lands on, or to the first URL at the app's origin. */
  async go(url: string, init: { method?: string; body?: URLSearchParams } = {}): Promise<Page> {
    let next = url;
    let method = init.method ?? 'GET';
    let body: URLSearchParams | undefined = init.body;
    for (let hop = 0; hop < 15; hop++) {
      if (next.startsWith(this.stopAt)) return { url: next, status: 0, html: '' };
      const res = await fetch(next, {
        method,
        redirect: 'manual',
        headers: {
          cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
          ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
        },
        body,
      });
      for (const c of res.headers.getSetCookie()) {
        const [pair] = c.split(';');
        const i = pair.indexOf('=');
        this.cookies.set(pair.slice(0, i).trim(), pair.slice(i + 1));
      }
      const location = res.headers.get('location');
      if (res.status >= 300 && res.status < 400 && location) {
        next = new URL(location, next).toString();
        method = 'GET';
        body = undefined;
        continue;
      }
      return { url: next, status: res.status, html: await res.text() };
    }
    throw new Error(`too many redirects from ${url}`);
  }

  /** Submits `form` from `page` by pressing the button with `text`, with the fields as given (default: the form's). */
  submit(page: Page, form: HtmlForm, text: string, fields: Record<string, string | string[]> = form.fields) {
    const data = new URLSearchParams();
    for (const [k, v] of Object.entries(press(form, text, fields)))
      for (const value of Array.isArray(v) ? v : [v]) data.append(k, value);
    const action = new URL(form.action || page.url, page.url);
    if (form.method === 'get') {
      for (const [k, v] of data) action.searchParams.append(k, v);
      return this.go(action.toString());
    }
    return this.go(action.toString(), { method: 'POST', body: data });
  }

  /** Signs in on the sign-in page with the labelled Username and Password fields. */
  signIn(page: Page, username: string, password: string): Promise<Page> {
    const form = formWithButton(page.html, 'Sign in');
    return this.submit(page, form, 'Sign in', { ...form.fields, username, password });
  }

  /** Presses Allow on the consent page, with every scope checkbox left as it is except those in `uncheck`. */
  allow(page: Page, uncheck: string[] = []): Promise<Page> {
    const form = formWithButton(page.html, 'Allow');
    const scopes = form.checkboxes.filter((c) => c.checked && !uncheck.includes(c.value)).map((c) => c.value);
    return this.submit(page, form, 'Allow', { ...form.fields, scope: scopes });
  }

  /** On the patient picker, searches and picks the first match whose button text contains `text`. */
  async pickPatient(page: Page, search: string, text: string): Promise<Page> {
    const searchForm = parseForms(page.html).find((f) => f.action.endsWith('/auth/authorize/patients'));
    if (!searchForm) throw new Error(`No patient search on:\n${page.html}`);
    const results = await this.submit(page, searchForm, 'Search', { ...searchForm.fields, search });
    const form = parseForms(results.html).find((f) => f.buttons.some((b) => b.text.includes(text)));
    if (!form) throw new Error(`No patient "${text}" in:\n${results.html}`);
    const button = form.buttons.find((b) => b.text.includes(text))!;
    return this.submit(results, form, button.text);
  }
}
