import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import {
  DEFAULT_PUBLIC_RESOURCE_TYPES,
  FEDERATION_AUDIENCES,
  type FederationAudience,
  type IdentityProviderSettings,
} from '@ccri/contracts';

/** Everything the server reads from its environment, validated once at start-up (DESIGN.md §Configuration). */
export interface AppConfig {
  port: number;
  host: string;
  publicUrl: string;
  database: DatabaseConfig;
  nodeEnv: string;
  production: boolean;
  demoMode: boolean;
  adminUsername: string;
  /** Unset in demo mode means "generate one and print it once". */
  adminPassword: string | null;
  /** Password of the demo end users (`patient`, `practitioner`); unset means "generate one and print it once". */
  demoUserPassword: string | null;
  tokenTtlSeconds: number;
  /** Lifetime of `offline_access` refresh tokens (REFRESH_TOKEN_TTL_SECONDS, default 90 days). */
  refreshTokenTtlSeconds: number;
  /** Worker threads that sign tokens (0: sign on the event loop). */
  signingWorkers: number;
  /** ACCESS_TOKEN_SIGNING_ALG: the JWS algorithm of access tokens and the server's other JWTs (id_tokens: RS256). */
  accessTokenSigningAlg: SigningAlg;
  /** Worker threads that validate Bundles and large writes (0: validate on the event loop). */
  validationWorkers: number;
  /** Seconds a stop waits for busy connections before cutting them. */
  shutdownGraceSeconds: number;
  /** Rotate the signing key when the active one is older than this (0: only on request). */
  keyRotationDays: number;
  adminSessionTtlSeconds: number;
  strictPatientScopes: boolean;
  logLevel: string;
  /** Server-side key of the client secret HMAC (DESIGN.md §Secrets). */
  secretPepper: Buffer;
  publicResourceTypes: string[];
  bodyLimitBytes: number;
  /** Serve the built dashboard from this folder at /admin (null: not served). */
  adminStaticDir: string | null;
  /** Serve the built demo SMART app from this folder at /demo-app/, in demo mode only (null: not served). */
  demoAppStaticDir: string | null;
  trustProxy: boolean;
  /** Hosts (`host` or `host:port`) from which clients' `jwks_uri` key sets may be fetched. */
  jwksUriAllowedHosts: string[];
  /** CORS_ALLOWED_ORIGINS: browser origins allowed besides those of registered redirect URIs (common/http/cors.ts). */
  corsAllowedOrigins: string[];
  rateLimit: { tokenPerMinute: number; clientPerMinute: number; registerPerMinute: number };
  /** OIDC_PROVIDERS: external OpenID providers bootstrapped at start (federated sign-in). */
  oidcProviders: OidcProviderConfig[];
  /** FHIR Bulk Data export ($export): where files live, how long, how many jobs at once. */
  bulkExport: BulkExportConfig;
}

export interface BulkExportConfig {
  /** BULK_EXPORT_DIR: folder of the NDJSON files (default: `bulk-export` beside the SQLite file, else `data/bulk-export`). */
  dir: string;
  /** BULK_EXPORT_RETENTION_HOURS (24): a finished job and its files are deleted this long after completion. */
  retentionHours: number;
  /** BULK_EXPORT_CONCURRENCY (2): jobs one instance runs at once. */
  concurrency: number;
  /** BULK_EXPORT_MAX_ACTIVE_PER_CLIENT (3): queued or running jobs a client may have (429 beyond). */
  maxActivePerClient: number;
  /** BULK_EXPORT_FILE_MAX_BYTES (256 MiB): an NDJSON file is split once it reaches this size. */
  fileMaxBytes: number;
  /** BULK_EXPORT_RETRY_AFTER_SECONDS (2): the Retry-After of a running job's status; faster polling gets 429. */
  retryAfterSeconds: number;
  /** BULK_EXPORT_LEASE_SECONDS (30): a running job whose instance stops renewing its lease this long is taken over. */
  leaseSeconds: number;
}

/** The JWS algorithms ACCESS_TOKEN_SIGNING_ALG may name (RFC 7518 §3.1, RFC 8037 §3.1 for EdDSA with Ed25519). */
export const SIGNING_ALGS = ['RS256', 'PS256', 'ES256', 'ES384', 'EdDSA'] as const;
export type SigningAlg = (typeof SIGNING_ALGS)[number];

function signingAlg(env: Env): SigningAlg {
  const raw = env.ACCESS_TOKEN_SIGNING_ALG;
  if (raw === undefined || raw === '') return 'RS256';
  if (!(SIGNING_ALGS as readonly string[]).includes(raw))
    throw new ConfigError('ACCESS_TOKEN_SIGNING_ALG', `must be one of ${SIGNING_ALGS.join(', ')}, got "${raw}"`);
  return raw as SigningAlg;
}

/** One external OpenID provider, as in OIDC_PROVIDERS and `/api/identity-providers` (DESIGN.md), with its secret. */
export interface OidcProviderConfig extends IdentityProviderSettings {
  client_secret: string;
}

export type DatabaseConfig = { type: 'sqlite'; database: string } | { type: 'mysql'; url: string; poolSize: number };

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
  }
}

/** Keys client secrets and the signing-key encryption in demo mode only, when no CLIENT_SECRET_PEPPER is set. */
const DEMO_PEPPER = 'ccri-demo-pepper-not-for-production-use-0000';

type Env = Record<string, string | undefined>;

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `must be a whole number, got "${raw}"`);
  const n = Number(raw);
  if (n < min || n > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${n}`);
  return n;
}

function bool(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  throw new ConfigError(name, `must be true or false, got "${raw}"`);
}

export function parseDatabaseUrl(raw: string, poolSize = 20): DatabaseConfig {
  if (raw.startsWith('sqlite:')) {
    const database = raw.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (!database) throw new ConfigError('DATABASE_URL', 'sqlite: needs a file path or :memory:');
    return { type: 'sqlite', database };
  }
  if (/^(mysql|mariadb):\/\//.test(raw)) {
    let url: URL;
    try {
      url = new URL(raw.replace(/^mariadb:/, 'mysql:'));
    } catch {
      throw new ConfigError('DATABASE_URL', 'is not a valid mysql:// URL');
    }
    if (!url.hostname || url.pathname.length < 2) {
      throw new ConfigError('DATABASE_URL', 'mysql:// URL needs a host and a database name');
    }
    return { type: 'mysql', url: url.toString(), poolSize };
  }
  throw new ConfigError('DATABASE_URL', 'must start with sqlite: or mysql://');
}

/** Reads and validates the environment. Throws a ConfigError naming the first bad variable. */
export function loadConfig(env: Env = process.env): AppConfig {
  const nodeEnv = env.NODE_ENV ?? 'development';
  const production = nodeEnv === 'production';
  const port = int(env, 'PORT', 3000, 0, 65535);
  const publicUrlRaw = env.PUBLIC_URL || `http://localhost:${port}`;
  let publicUrl: string;
  try {
    const u = new URL(publicUrlRaw);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error();
    publicUrl = u.toString().replace(/\/+$/, '');
  } catch {
    throw new ConfigError('PUBLIC_URL', `must be an absolute http(s) URL, got "${publicUrlRaw}"`);
  }
  const database = parseDatabaseUrl(
    env.DATABASE_URL || 'sqlite:data/ccri.sqlite',
    int(env, 'DATABASE_POOL_SIZE', 20, 1, 1000),
  );
  const demoMode = bool(env, 'DEMO_MODE', !production);
  if (demoMode && production) {
    throw new ConfigError(
      'DEMO_MODE',
      'demo mode publishes well-known secrets and is refused when NODE_ENV=production',
    );
  }
  const adminPassword = env.ADMIN_PASSWORD || null;
  if (adminPassword !== null && adminPassword.length < 12) {
    throw new ConfigError('ADMIN_PASSWORD', 'must be at least 12 characters');
  }
  const demoUserPassword = env.DEMO_USER_PASSWORD || null;
  if (demoUserPassword !== null && demoUserPassword.length < 12) {
    throw new ConfigError('DEMO_USER_PASSWORD', 'must be at least 12 characters');
  }
  if (production && adminPassword === null && env.ADMIN_BOOTSTRAP !== 'skip') {
    // Production never invents a credential it would have to print.
    throw new ConfigError(
      'ADMIN_PASSWORD',
      'is required when NODE_ENV=production (or set ADMIN_BOOTSTRAP=skip once an administrator exists)',
    );
  }
  const pepperRaw = env.CLIENT_SECRET_PEPPER;
  let secretPepper: Buffer;
  if (pepperRaw) {
    if (pepperRaw.length < 32) throw new ConfigError('CLIENT_SECRET_PEPPER', 'must be at least 32 characters');
    secretPepper = Buffer.from(pepperRaw, 'utf8');
  } else if (production) {
    throw new ConfigError('CLIENT_SECRET_PEPPER', 'is required when NODE_ENV=production');
  } else if (!demoMode) {
    // The fixed demo pepper is published: outside demo mode it would key real client secrets and signing keys.
    throw new ConfigError('CLIENT_SECRET_PEPPER', 'is required outside demo mode (DEMO_MODE=false)');
  } else {
    secretPepper = Buffer.from(DEMO_PEPPER, 'utf8');
  }
  const publicTypes = (env.PUBLIC_RESOURCE_TYPES ?? DEFAULT_PUBLIC_RESOURCE_TYPES.join(','))
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const t of publicTypes) {
    if (!/^[A-Z][A-Za-z]+$/.test(t)) throw new ConfigError('PUBLIC_RESOURCE_TYPES', `"${t}" is not a resource type`);
  }
  const logLevel = env.LOG_LEVEL || (env.NODE_ENV === 'test' ? 'silent' : 'info');
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(logLevel)) {
    throw new ConfigError(
      'LOG_LEVEL',
      `must be one of fatal, error, warn, info, debug, trace, silent; got "${logLevel}"`,
    );
  }
  return {
    port,
    host: env.HOST || '0.0.0.0',
    publicUrl,
    database,
    nodeEnv,
    production,
    demoMode,
    adminUsername: env.ADMIN_USERNAME || 'admin',
    adminPassword,
    demoUserPassword,
    tokenTtlSeconds: int(env, 'TOKEN_TTL_SECONDS', 3600, 60, 86400),
    refreshTokenTtlSeconds: int(env, 'REFRESH_TOKEN_TTL_SECONDS', 90 * 86400, 60, 3650 * 86400),
    keyRotationDays: int(env, 'KEY_ROTATION_DAYS', 90, 0, 3650),
    signingWorkers: int(env, 'SIGNING_WORKERS', availableParallelism(), 0, 64),
    accessTokenSigningAlg: signingAlg(env),
    validationWorkers: int(env, 'VALIDATION_WORKERS', availableParallelism(), 0, 64),
    shutdownGraceSeconds: int(env, 'SHUTDOWN_GRACE_SECONDS', 10, 0, 3600),
    adminSessionTtlSeconds: int(env, 'ADMIN_SESSION_TTL_SECONDS', 3600, 60, 86400),
    strictPatientScopes: bool(env, 'STRICT_PATIENT_SCOPES', false),
    logLevel,
    secretPepper,
    publicResourceTypes: publicTypes,
    bodyLimitBytes: int(env, 'BODY_LIMIT_BYTES', 16 * 1024 * 1024, 1024, 512 * 1024 * 1024),
    // Built dashboard: apps/admin/dist, the same two levels up from src/config and dist/config.
    adminStaticDir:
      env.ADMIN_STATIC_DIR === '' ? null : resolve(env.ADMIN_STATIC_DIR ?? resolve(__dirname, '../../../admin/dist')),
    demoAppStaticDir:
      env.DEMO_APP_STATIC_DIR === ''
        ? null
        : resolve(env.DEMO_APP_STATIC_DIR ?? resolve(__dirname, '../../../demo-app/dist')),
    trustProxy: bool(env, 'TRUST_PROXY', false),
    jwksUriAllowedHosts: (env.JWKS_URI_ALLOWED_HOSTS ?? '')
      .split(',')
      .map((h) => h.trim().toLowerCase())
      .filter(Boolean),
    corsAllowedOrigins: corsOrigins(env.CORS_ALLOWED_ORIGINS),
    rateLimit: {
      tokenPerMinute: int(env, 'RATE_LIMIT_TOKEN_PER_MINUTE', 6000, 1, 10_000_000),
      clientPerMinute: int(env, 'RATE_LIMIT_CLIENT_PER_MINUTE', 6000, 1, 10_000_000),
      registerPerMinute: int(env, 'RATE_LIMIT_REGISTER_PER_MINUTE', 60, 1, 10_000_000),
    },
    oidcProviders: oidcProviders(env.OIDC_PROVIDERS),
    bulkExport: {
      dir: resolve(
        env.BULK_EXPORT_DIR ||
          (database.type === 'sqlite' && database.database !== ':memory:'
            ? join(dirname(database.database), 'bulk-export')
            : 'data/bulk-export'),
      ),
      retentionHours: int(env, 'BULK_EXPORT_RETENTION_HOURS', 24, 1, 24 * 365),
      concurrency: int(env, 'BULK_EXPORT_CONCURRENCY', 2, 1, 64),
      maxActivePerClient: int(env, 'BULK_EXPORT_MAX_ACTIVE_PER_CLIENT', 3, 1, 1000),
      fileMaxBytes: int(env, 'BULK_EXPORT_FILE_MAX_BYTES', 256 * 1024 * 1024, 1024, 16 * 1024 * 1024 * 1024),
      retryAfterSeconds: int(env, 'BULK_EXPORT_RETRY_AFTER_SECONDS', 2, 1, 3600),
      leaseSeconds: int(env, 'BULK_EXPORT_LEASE_SECONDS', 30, 2, 3600),
    },
  };
}

/** Fetch standard §3.2: an origin is scheme://host[:port], nothing more; `*` is refused (credentials never flow, but the allow-list is the point). */
function corsOrigins(raw: string | undefined): string[] {
  const out: string[] = [];
  for (const item of (raw ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const url = URL.canParse(item) ? new URL(item) : null;
    if (!url || !['http:', 'https:'].includes(url.protocol) || url.origin !== item.replace(/\/$/, '')) {
      throw new ConfigError('CORS_ALLOWED_ORIGINS', `"${item}" is not an origin like https://app.example.org`);
    }
    out.push(url.origin);
  }
  return out;
}

export const PROVIDER_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** The problem with one provider's fields, or null; shared by OIDC_PROVIDERS and the API's validation. */
export function providerProblem(p: Record<string, unknown>): string | null {
  const str = (k: string, max: number) =>
    typeof p[k] === 'string' && (p[k] as string).length > 0 && (p[k] as string).length <= max;
  if (typeof p.id !== 'string' || !PROVIDER_ID_PATTERN.test(p.id))
    return 'id must be 1 to 63 lower-case letters, digits or -';
  if (!str('name', 100)) return 'name is required (at most 100 characters)';
  if (
    !str('issuer', 500) ||
    !URL.canParse(p.issuer as string) ||
    !/^https?:$/.test(new URL(p.issuer as string).protocol)
  )
    return 'issuer must be an absolute http(s) URL';
  if (!str('client_id', 255)) return 'client_id is required';
  if (!str('client_secret', 1000)) return 'client_secret is required';
  if (p.scopes !== undefined && (typeof p.scopes !== 'string' || !/^[\x21-\x7e ]{0,500}$/.test(p.scopes)))
    return 'scopes must be a space-separated string';
  if (
    !Array.isArray(p.audiences) ||
    p.audiences.length === 0 ||
    p.audiences.some((a) => !(FEDERATION_AUDIENCES as readonly unknown[]).includes(a))
  )
    return 'audiences must be a non-empty array of users, developers, admins';
  for (const k of ['link_by_verified_email', 'auto_create'])
    if (p[k] !== undefined && typeof p[k] !== 'boolean') return `${k} must be true or false`;
  for (const k of ['allowed_domains', 'admin_allow_list'])
    if (
      p[k] !== undefined &&
      (!Array.isArray(p[k]) ||
        (p[k] as unknown[]).some((v) => typeof v !== 'string' || v.length === 0 || v.length > 255))
    )
      return `${k} must be an array of strings`;
  return null;
}

/** OIDC_PROVIDERS: a JSON array of providers (DESIGN.md `/api/identity-providers` fields). */
function oidcProviders(raw: string | undefined): OidcProviderConfig[] {
  if (raw === undefined || raw.trim() === '') return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new ConfigError('OIDC_PROVIDERS', 'is not valid JSON (expected an array of providers)');
  }
  if (!Array.isArray(parsed)) throw new ConfigError('OIDC_PROVIDERS', 'must be a JSON array of providers');
  const seen = new Set<string>();
  return parsed.map((item: unknown, i) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item))
      throw new ConfigError('OIDC_PROVIDERS', `entry ${i} is not an object`);
    const p = item as Record<string, unknown>;
    const problem = providerProblem(p);
    if (problem) throw new ConfigError('OIDC_PROVIDERS', `entry ${i}: ${problem}`);
    if (seen.has(p.id as string)) throw new ConfigError('OIDC_PROVIDERS', `entry ${i}: id "${p.id}" is repeated`);
    seen.add(p.id as string);
    return normaliseProvider(p);
  });
}

export function normaliseProvider(p: Record<string, unknown>): OidcProviderConfig {
  const list = (k: string) => ((p[k] as string[] | undefined) ?? []).map((v) => v.trim().toLowerCase());
  return {
    id: p.id as string,
    name: p.name as string,
    issuer: p.issuer as string,
    client_id: p.client_id as string,
    client_secret: p.client_secret as string,
    scopes: ((p.scopes as string | undefined) ?? 'openid email profile').trim() || 'openid email profile',
    audiences: [...new Set(p.audiences as FederationAudience[])],
    link_by_verified_email: (p.link_by_verified_email as boolean | undefined) ?? false,
    auto_create: (p.auto_create as boolean | undefined) ?? false,
    allowed_domains: list('allowed_domains'),
    admin_allow_list: ((p.admin_allow_list as string[] | undefined) ?? []).map((v) => v.trim()),
  };
}
