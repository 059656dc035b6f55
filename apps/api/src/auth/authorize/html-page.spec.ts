import { escapeHtml, html, PAGE_HEADERS } from './html-page';
import { cookie, parseCookies } from './interaction.service';

describe('page templates', () => {
  it('escapes every interpolated value, attributes included', () => {
    const name = `"><script>alert('x')</script>&`;
    const out = html`<input value="${name}" />
      <p>${name}</p>`.value;
    expect(out).not.toContain('<script>');
    expect(out).toContain('&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;');
    expect(escapeHtml('a&b')).toBe('a&amp;b');
  });

  it('nests fragments without escaping them twice', () => {
    const inner = html`<b>${'<i>'}</b>`;
    expect(html`<p>${[inner, inner]}</p>`.value).toBe('<p><b>&lt;i&gt;</b><b>&lt;i&gt;</b></p>');
  });

  it('page headers forbid framing (RFC 9700 §4.16) and caching', () => {
    expect(PAGE_HEADERS['content-security-policy']).toMatch(/frame-ancestors 'none'/);
    expect(PAGE_HEADERS['x-frame-options']).toBe('DENY');
    expect(PAGE_HEADERS['cache-control']).toBe('no-store');
  });
});

describe('cookies', () => {
  it('are HttpOnly, SameSite=Lax, Path=/auth, and Secure only when asked (PUBLIC_URL https)', () => {
    expect(cookie('a', 'b', { secure: false })).toBe('a=b; Path=/auth; HttpOnly; SameSite=Lax');
    expect(cookie('a', 'b', { secure: true, maxAge: 60 })).toBe(
      'a=b; Path=/auth; HttpOnly; SameSite=Lax; Max-Age=60; Secure',
    );
  });

  it('parses a Cookie header, first value wins', () => {
    expect(parseCookies('x=1; ccri_csrf=abc; x=2; bad; y="q%20r"')).toEqual({ x: '1', ccri_csrf: 'abc', y: 'q r' });
    expect(parseCookies(undefined)).toEqual({});
  });
});
