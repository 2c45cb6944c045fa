import { randomUUID } from 'node:crypto';
import { ValidationPipe, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import cookieParser from 'cookie-parser';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import { setupOpenApi } from '../api/openapi.js';
import { RejectControlCharactersPipe } from '../common/control-characters.pipe.js';
import { DomainErrorFilter } from '../common/domain-error.filter.js';
import { AdminAccess } from '../dashboard/session/admin-access.js';
import { JobQueue } from '../infra/queue/job-queue.js';
import { QUEUE_BOARD_PATH, queueBoard } from '../infra/queue/queue-board.js';
import { type AppOverrides, AppModule } from './app.module.js';
import { createLogger, PinoNestLogger } from './logger.js';
import type { Runtime } from '../config/runtime.js';

/** Builds the Nest application for a resolved runtime; the caller decides whether to listen. */
export async function createApp(runtime: Runtime, overrides: AppOverrides = {}): Promise<INestApplication> {
  const logger = createLogger(runtime.config.app.LOG_LEVEL);
  const app = await NestFactory.create(AppModule.forRoot(runtime, overrides), {
    // The JIRA webhook signature is computed over the exact bytes received.
    rawBody: true,
    logger: new PinoNestLogger(logger),
  });
  const trustProxy = runtime.config.app.TRUST_PROXY?.trim();
  if (trustProxy) {
    // Express reads a bare number as a hop count and anything else as a list of trusted proxies.
    app
      .getHttpAdapter()
      .getInstance()
      .set('trust proxy', /^\d+$/.test(trustProxy) ? Number(trustProxy) : trustProxy);
  }
  app.use(
    pinoHttp({
      logger,
      genReqId: (req, res) => {
        const given = req.headers['x-request-id'];
        const id = typeof given === 'string' && /^[\w.-]{1,100}$/.test(given) ? given : randomUUID();
        res.setHeader('X-Request-Id', id);
        return id;
      },
      autoLogging: { ignore: (req) => req.url === '/health' },
    }),
  );
  // Security headers on every answer (CSP, nosniff, frame options…); helmet also drops X-Powered-By.
  // No upgrade-insecure-requests: the service is often reached over plain HTTP on an internal network.
  app.use(helmet({ contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } } }));
  // The dashboard's session cookie; the API itself only reads bearer tokens.
  app.use(cookieParser());
  app.useGlobalFilters(new DomainErrorFilter());
  // Control characters first, on the values as received: transforms (Number(), trimming) would hide them.
  app.useGlobalPipes(
    new RejectControlCharactersPipe(),
    new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }),
  );
  // No enableShutdownHooks(): main.ts and worker.ts own SIGTERM/SIGINT, close the app and then
  // stop the embedded services they started (Nest's hook would re-raise the signal first).
  // Before init: Swagger's routes must be registered ahead of Nest's 404 handler.
  if (runtime.serveHttp) {
    setupOpenApi(app);
    // The queue view (bull-board) for admins: bearer token or dashboard session, checked on every request.
    const access = app.get(AdminAccess);
    app.use(QUEUE_BOARD_PATH, ...queueBoard(app.get(JobQueue), (request) => access.check(request)));
  }
  // init() finds the job handlers and event followers, then starts the workers (when this process runs them).
  await app.init();
  return app;
}
