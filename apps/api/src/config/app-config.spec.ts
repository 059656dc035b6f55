import { ConfigError, loadConfig } from './app-config';

describe('loadConfig', () => {
  it('runs with no environment at all: SQLite under data/, demo mode, port 3000', () => {
    const c = loadConfig({});
    expect(c.port).toBe(3000);
    expect(c.publicUrl).toBe('http://localhost:3000');
    expect(c.database).toEqual({ type: 'sqlite', database: 'data/ccri.sqlite' });
    expect(c.demoMode).toBe(true);
    expect(c.tokenTtlSeconds).toBe(3600);
    expect(c.strictPatientScopes).toBe(false);
  });

  it('derives PUBLIC_URL from PORT and drops a trailing slash', () => {
    expect(loadConfig({ PORT: '8080' }).publicUrl).toBe('http://localhost:8080');
    expect(loadConfig({ PUBLIC_URL: 'https://fhir.example.nhs.uk/' }).publicUrl).toBe('https://fhir.example.nhs.uk');
  });

  it.each([
    ['sqlite::memory:', { type: 'sqlite', database: ':memory:' }],
    ['sqlite:/var/lib/ccri/db.sqlite', { type: 'sqlite', database: '/var/lib/ccri/db.sqlite' }],
    ['mysql://ccri:pw@db:3306/ccri', { type: 'mysql', url: 'mysql://ccri:pw@db:3306/ccri', poolSize: 20 }],
  ])('DATABASE_URL %s', (url, expected) => {
    expect(loadConfig({ DATABASE_URL: url }).database).toEqual(expected);
  });

  const production = {
    NODE_ENV: 'production',
    ADMIN_PASSWORD: 'a-long-admin-password',
    CLIENT_SECRET_PEPPER: 'x'.repeat(40),
    DATABASE_URL: 'mysql://u:p@h:3306/d',
  };

  it('serves the built demo SMART app from apps/demo-app/dist unless DEMO_APP_STATIC_DIR says otherwise', () => {
    expect(loadConfig({}).demoAppStaticDir).toMatch(/[\\/]apps[\\/]demo-app[\\/]dist$/);
    expect(loadConfig({ DEMO_APP_STATIC_DIR: '' }).demoAppStaticDir).toBeNull();
    expect(loadConfig({ DEMO_APP_STATIC_DIR: '/srv/demo-app' }).demoAppStaticDir).toBe('/srv/demo-app');
  });

  it('keys secrets with the fixed demo pepper only in demo mode; outside it, with CLIENT_SECRET_PEPPER', () => {
    const pepper = 'p'.repeat(40);
    expect(loadConfig({ DEMO_MODE: 'false', CLIENT_SECRET_PEPPER: pepper }).secretPepper.toString()).toBe(pepper);
    expect(loadConfig({ DEMO_MODE: 'true', CLIENT_SECRET_PEPPER: pepper }).secretPepper.toString()).toBe(pepper);
    expect(loadConfig({ DEMO_MODE: 'true' }).secretPepper.toString()).toMatch(/^ccri-demo-pepper/);
  });

  it('names CLIENT_SECRET_PEPPER in the one-line refusal outside demo mode', () => {
    expect(() => loadConfig({ NODE_ENV: 'development', DEMO_MODE: 'false' })).toThrow(
      'CLIENT_SECRET_PEPPER: is required outside demo mode (DEMO_MODE=false)',
    );
  });

  it('turns demo mode off in production', () => {
    expect(loadConfig(production).demoMode).toBe(false);
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ PUBLIC_URL: 'ftp://x' }, 'PUBLIC_URL'],
    [{ DATABASE_URL: 'postgres://x/y' }, 'DATABASE_URL'],
    [{ DATABASE_URL: 'mysql://host-without-db' }, 'DATABASE_URL'],
    [{ TOKEN_TTL_SECONDS: '5' }, 'TOKEN_TTL_SECONDS'],
    [{ STRICT_PATIENT_SCOPES: 'maybe' }, 'STRICT_PATIENT_SCOPES'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ ACCESS_TOKEN_SIGNING_ALG: 'HS256' }, 'ACCESS_TOKEN_SIGNING_ALG'],
    [{ ACCESS_TOKEN_SIGNING_ALG: 'es256' }, 'ACCESS_TOKEN_SIGNING_ALG'],
    [{ ADMIN_PASSWORD: 'short' }, 'ADMIN_PASSWORD'],
    [{ DEMO_USER_PASSWORD: 'short' }, 'DEMO_USER_PASSWORD'],
    [{ PUBLIC_RESOURCE_TYPES: 'Organization,drop table' }, 'PUBLIC_RESOURCE_TYPES'],
    [{ ...production, DEMO_MODE: 'true' }, 'DEMO_MODE'],
    [{ ...production, ADMIN_PASSWORD: '' }, 'ADMIN_PASSWORD'],
    [{ ...production, CLIENT_SECRET_PEPPER: '' }, 'CLIENT_SECRET_PEPPER'],
    [{ OIDC_PROVIDERS: '[{"id": "google",' }, 'OIDC_PROVIDERS'],
    [{ OIDC_PROVIDERS: '{"id": "google"}' }, 'OIDC_PROVIDERS'],
    [{ OIDC_PROVIDERS: '[{"id": "google", "name": "Google"}]' }, 'OIDC_PROVIDERS'],
    [{ NODE_ENV: 'test', DEMO_MODE: 'false' }, 'CLIENT_SECRET_PEPPER'],
    [{ NODE_ENV: 'development', DEMO_MODE: 'false', CLIENT_SECRET_PEPPER: '' }, 'CLIENT_SECRET_PEPPER'],
    [{ DEMO_MODE: 'false', CLIENT_SECRET_PEPPER: 'too-short' }, 'CLIENT_SECRET_PEPPER'],
  ])('refuses %j naming %s', (env, variable) => {
    let error: unknown;
    try {
      loadConfig(env as Record<string, string>);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variable).toBe(variable);
    expect((error as ConfigError).message.startsWith(`${variable}: `)).toBe(true);
  });

  it('signs with RS256 unless ACCESS_TOKEN_SIGNING_ALG names another of the five algorithms', () => {
    expect(loadConfig({}).accessTokenSigningAlg).toBe('RS256');
    for (const alg of ['RS256', 'PS256', 'ES256', 'ES384', 'EdDSA'])
      expect(loadConfig({ ACCESS_TOKEN_SIGNING_ALG: alg }).accessTokenSigningAlg).toBe(alg);
    expect(() => loadConfig({ ACCESS_TOKEN_SIGNING_ALG: 'none' })).toThrow(
      'ACCESS_TOKEN_SIGNING_ALG: must be one of RS256, PS256, ES256, ES384, EdDSA, got "none"',
    );
  });

  it('reads OIDC_PROVIDERS with defaults, and names the bad entry', () => {
    const [p] = loadConfig({
      OIDC_PROVIDERS: JSON.stringify([
        {
          id: 'google',
          name: 'Google',
          issuer: 'https://accounts.google.com',
          client_id: 'cid',
          client_secret: 'shh',
          audiences: ['users', 'developers'],
          allowed_domains: ['Example.ORG '],
        },
      ]),
    }).oidcProviders;
    expect(p).toMatchObject({
      id: 'google',
      scopes: 'openid email profile',
      link_by_verified_email: false,
      auto_create: false,
      allowed_domains: ['example.org'],
      admin_allow_list: [],
    });
    expect(() => loadConfig({ OIDC_PROVIDERS: JSON.stringify([{ ...p, audiences: ['robots'] }]) })).toThrow(
      /^OIDC_PROVIDERS: entry 0: audiences must be/,
    );
    // The secret never appears in the message, even when the entry is wrong.
    expect(() => loadConfig({ OIDC_PROVIDERS: JSON.stringify([{ ...p, issuer: 'ftp://x' }]) })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('shh') }),
    );
  });
});
