import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';

/**
 * Swagger UI at /api/docs and the document at /api/docs-json; both public, the API itself is not.
 * The document is built on its first request, not at start-up: scanning every route and DTO costs
 * about 0.3 s of CPU, paid by every process start (and every test app) though few ever ask for it.
 */
export function setupOpenApi(app: INestApplication): void {
  const config = new DocumentBuilder()
    .setTitle('OpSprint API')
    .setDescription(
      'Environments, runbooks and deployments of OpSprint. Every /api/v1 route needs a bearer token (roles: viewer < operator < admin).',
    )
    .setVersion('1')
    // addSecurity, not addBearerAuth: the latter adds bearerFormat JWT, and these tokens are opaque.
    .addSecurity('bearer', {
      type: 'http',
      scheme: 'bearer',
      description:
        'An opaque API token: one created with POST /api/v1/tokens (shown once, stored only as a hash) or the OPSPRINT_ADMIN_TOKEN ' +
        'the service was started with. Roles: viewer reads; operator also deploys and edits environments; admin also manages tokens.',
    })
    .build();
  SwaggerModule.setup('api/docs', app, () => SwaggerModule.createDocument(app, config));
}
