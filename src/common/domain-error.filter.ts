import { ArgumentsHost, Catch, HttpException, Logger, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { ConflictError, InputError, NotFoundError, ServiceUnavailableError } from './errors.js';

/** One error shape for the whole API: `{ statusCode, error, message, reasons? }` (ErrorResponseDto in the docs). */
@Catch()
export class DomainErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    if (response.headersSent) return;
    if (exception instanceof InputError) {
      response.status(400).json({ statusCode: 400, error: 'Bad Request', message: 'invalid input', reasons: exception.reasons });
    } else if (exception instanceof NotFoundError) {
      response.status(404).json({ statusCode: 404, error: 'Not Found', message: exception.message });
    } else if (exception instanceof ConflictError) {
      response.status(409).json({ statusCode: 409, error: 'Conflict', message: exception.message });
    } else if (exception instanceof ServiceUnavailableError) {
      response.status(503).json({ statusCode: 503, error: 'Service Unavailable', message: exception.message });
    } else if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const body = exception.getResponse();
      const payload = typeof body === 'string' ? { statusCode: status, message: body } : (body as Record<string, unknown>);
      // ValidationPipe puts its messages in `message`: move them to `reasons`, so `message` is always one string.
      if (Array.isArray(payload.message)) Object.assign(payload, { message: 'invalid input', reasons: payload.message });
      response.status(status).json(payload);
    } else {
      this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
      response.status(500).json({ statusCode: 500, error: 'Internal Server Error', message: 'internal error' });
    }
  }
}
