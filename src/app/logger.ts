import type { LoggerService } from '@nestjs/common';
import { pino, type Logger } from 'pino';

/**
 * Structured JSON logs. Redaction is a second line of defence: secrets are masked before they
 * reach any message, and these paths catch headers and fields that carry credentials.
 */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'opsprint' },
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'req.headers["x-hub-signature"]',
        '*.password',
        '*.secrets',
        '*.privateKey',
        '*.token',
        '*.apiToken',
      ],
      censor: '[redacted]',
    },
  });
}

/** Nest's own messages (start-up, routes, module logs) through the same pino logger. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, context?: string) {
    this.logger.info({ context }, String(message));
  }
  error(message: unknown, trace?: string, context?: string) {
    this.logger.error({ context, trace }, String(message));
  }
  warn(message: unknown, context?: string) {
    this.logger.warn({ context }, String(message));
  }
  debug(message: unknown, context?: string) {
    this.logger.debug({ context }, String(message));
  }
  verbose(message: unknown, context?: string) {
    this.logger.trace({ context }, String(message));
  }
}
