import { createHash } from 'node:crypto';

/** Escapes text for an HTML element body or a double-quoted attribute value. */
export function escapeHtml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** A fragment of HTML already escaped; only `html` and the page helpers make one. */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

/** A tagged template that escapes every interpolated value unless it is SafeHtml (or an array of them). */
export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let out = strings[0];
  values.forEach((v, i) => {
    out += render(v) + strings[i + 1];
  });
  return new SafeHtml(out);
}

function render(v: unknown): string {
  if (v === null || v === undefined || v === false) return '';
  if (v instanceof SafeHtml) return v.value;
  if (Array.isArray(v)) return v.map(render).join('');
  return escapeHtml(String(v));
}

/** The dashboard's look, kept small and inline (the CSP allows exactly this stylesheet by its hash). */
const STYLE = `
*{box-sizing:border-box}
body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#f8f9fa;color:#212529;line-height:1.5}
main{max-width:28rem;margin:2rem auto;padding:1.5rem;background:#fff;border:1px solid #dee2e6;border-radius:8px;box-shadow:0 1px 3px rgba(0,0,0,.05)}
h1{font-size:1.35rem;margin:0 0 1rem}
h2{font-size:1.1rem;margin:1.25rem 0 .5rem}
p{margin:.5rem 0 1rem}
label{display:block;font-weight:600;margin:.75rem 0 .25rem}
input[type=text],input[type=password],input[type=search]{width:100%;padding:.55rem .7rem;font-size:1rem;border:1px solid #ced4da;border-radius:4px}
input:focus,button:focus{outline:3px solid #74c0fc;outline-offset:1px}
button{font-size:1rem;padding:.55rem 1.1rem;border-radius:4px;border:1px solid #228be6;background:#228be6;color:#fff;cursor:pointer;margin-top:1rem}
button.secondary{background:#fff;color:#228be6}
.actions{display:flex;gap:.75rem;flex-wrap:wrap}
.scope{display:flex;gap:.6rem;align-items:flex-start;padding:.5rem 0;border-bottom:1px solid #f1f3f5}
.scope label{margin:0;font-weight:400}
.scope code{font-weight:600}
.error{background:#fff5f5;border:1px solid #ffc9c9;color:#c92a2a;padding:.6rem .8rem;border-radius:4px}
.federated{margin-top:1.5rem;border-top:1px solid #dee2e6;padding-top:.5rem}
.federated button{width:100%;background:#fff;color:#212529;border-color:#ced4da}
.patient{display:block;width:100%;text-align:left;background:#fff;color:#212529;border-color:#ced4da;margin-top:.5rem}
.muted{color:#868e96;font-size:.9rem}
.grant{border:1px solid #dee2e6;border-radius:6px;padding:.75rem 1rem;margin:.75rem 0}
.grant h3{font-size:1.05rem;margin:0 0 .25rem}
.grant ul{margin:.25rem 0;padding-left:1.1rem}
fieldset{border:0;padding:0;margin:0}
`.trim();

const STYLE_HASH = createHash('sha256').update(STYLE).digest('base64');

/**
 * Headers for every page (RFC 9700 §4.16 clickjacking: `frame-ancestors 'none'` and X-Frame-Options; nothing cached,
 * as the pages carry CSRF tokens and personal data). Forms post to this server; no script runs.
 */
export const PAGE_HEADERS: Record<string, string> = {
  'content-security-policy': `default-src 'none'; style-src 'sha256-${STYLE_HASH}'; img-src 'self' data:; base-uri 'none'; frame-ancestors 'none'`,
  'x-frame-options': 'DENY',
  'cache-control': 'no-store',
  pragma: 'no-cache',
  'referrer-policy': 'no-referrer',
  'content-type': 'text/html; charset=utf-8',
};

/** A whole page: readable on a phone (viewport), in English, one heading. */
export function page(title: string, body: SafeHtml): string {
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${title}</title>
        <style>
          ${new SafeHtml(STYLE)}
        </style>
      </head>
      <body>
        <main>${body}</main>
      </body>
    </html> `.value;
}
