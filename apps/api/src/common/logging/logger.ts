import { LoggerService } from '@nestjs/common';
import pino, { Logger } from 'pino';

/**
 * Structured JSON logs (pino). Credentials never reach a log line: request logs carry method, URL path and status,
 * never headers or bodies, and the headers that could carry a secret are redacted should anything log them.
 */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'ccri-api' },
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'headers.authorization',
        '*.client_secret',
        '*.password',
        '*.access_token',
        '*.client_assertion',
      ],
      censor: '[redacted]',
    },
    serializers: {
      req: (req: { method?: string; url?: string; id?: string; ip?: string }) => ({
        id: req.id,
        method: req.method,
        // The query string is dropped: it may hold search values about patients.
        path: typeof req.url === 'string' ? req.url.split('?')[0] : undefined,
        ip: req.ip,
      }),
      res: (res: { statusCode?: number }) => ({ status: res.statusCode }),
    },
  });
}

/** Nest's own messages, through the same pino logger. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, context?: string): void {
    this.logger.info({ context }, String(message));
  }

  error(message: unknown, trace?: string, context?: string): void {
    this.logger.error({ context, trace }, String(message));
  }

  warn(message: unknown, context?: string): void {
    this.logger.warn({ context }, String(message));
  }

  debug(message: unknown, context?: string): void {
    this.logger.debug({ context }, String(message));
  }

  verbose(message: unknown, context?: string): void {
    this.logger.trace({ context }, String(message));
  }
}

type LogFn = (...args: unknown[]) => void;
type ChildLogger = Record<'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent', LogFn> & {
  level: string;
  child(bindings: Record<string, unknown>, options?: Record<string, unknown>): ChildLogger;
  isLevelEnabled?(level: string): boolean;
};

/**
 * Fastify's `childLoggerFactory`: the per-request logger (bound to the request id) is made only when something
 * logs through it. Fastify makes one for every request, and pino's `child()` (bindings, redaction, serializers)
 * costs more than most of our handlers when, as usual, nothing is logged.
 */
export function lazyChildLoggerFactory(
  logger: ChildLogger,
  bindings: Record<string, unknown>,
  options: Record<string, unknown>,
): ChildLogger {
  return new LazyChildLogger(logger, bindings, options) as unknown as ChildLogger;
}

class LazyChildLogger {
  private made: ChildLogger | null = null;

  constructor(
    private readonly parent: ChildLogger,
    private readonly bindings: Record<string, unknown>,
    private readonly options: Record<string, unknown>,
  ) {}

  get level(): string {
    return this.made?.level ?? (this.options.level as string | undefined) ?? this.parent.level;
  }

  set level(level: string) {
    this.real().level = level;
  }

  fatal(...args: unknown[]): void {
    this.log('fatal', args);
  }
  error(...args: unknown[]): void {
    this.log('error', args);
  }
  warn(...args: unknown[]): void {
    this.log('warn', args);
  }
  info(...args: unknown[]): void {
    this.log('info', args);
  }
  debug(...args: unknown[]): void {
    this.log('debug', args);
  }
  trace(...args: unknown[]): void {
    this.log('trace', args);
  }
  silent(): void {}

  child(bindings: Record<string, unknown>, options?: Record<string, unknown>): ChildLogger {
    return this.real().child(bindings, options);
  }

  isLevelEnabled(level: string): boolean {
    return this.real().isLevelEnabled?.(level) ?? true;
  }

  private log(level: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace', args: unknown[]): void {
    // A level the logger would drop costs no child.
    if (!this.made && !this.options.level && this.parent.isLevelEnabled && !this.parent.isLevelEnabled(level)) return;
    this.real()[level](...args);
  }

  private real(): ChildLogger {
    return (this.made ??= this.parent.child(this.bindings, this.options));
  }
}
