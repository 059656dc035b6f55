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
