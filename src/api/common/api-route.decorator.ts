import { applyDecorators } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOperation,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { type ApiRole, Roles } from '../../auth/roles.js';
import { ErrorResponseDto } from './error-response.dto.js';

export interface ApiRouteDoc {
  summary: string;
  /** The least role the route needs: enforced by ApiAuthGuard and stated in the OpenAPI description. */
  role: ApiRole;
  description?: string;
  /** When the route answers 400 / 404 / 409; 401 (and 403 above viewer) hold for every route. */
  badRequest?: string;
  notFound?: string;
  conflict?: string;
  /** A reason for 429 besides the failed-authentication block that every route has. */
  tooManyRequests?: string;
}

/** The header every failure-limiter 429 carries (see FailureLimiter). */
export const RETRY_AFTER_HEADER = {
  'Retry-After': { description: 'Seconds until this source may try again', schema: { type: 'integer' } },
};

/**
 * Declares an /api/v1 route once: the role it needs (guard and docs from the same value), its
 * summary and its error answers. Success answers stay with the standard
 * @ApiOkResponse/@ApiCreatedResponse next to the handler.
 */
export function ApiRoute(doc: ApiRouteDoc) {
  const error = (description: string) => ({ type: ErrorResponseDto, description });
  const decorators = [
    Roles(doc.role),
    ApiBearerAuth(),
    ApiOperation({ summary: doc.summary, description: [doc.description, `Role: ${doc.role}`].filter(Boolean).join('\n\n') }),
    ApiUnauthorizedResponse(error('No bearer token, or an unknown or revoked one')),
    ApiTooManyRequestsResponse({
      ...error(
        [
          'This source address sent more than AUTH_FAILURES_PER_MINUTE unknown or revoked tokens in a minute: every request from it, ' +
            'a good token too, is refused for 60 s (Retry-After says how long is left)',
          doc.tooManyRequests,
        ]
          .filter(Boolean)
          .join('; or '),
      ),
      headers: RETRY_AFTER_HEADER,
    }),
  ];
  if (doc.role !== 'viewer') decorators.push(ApiForbiddenResponse(error(`The token's role is below ${doc.role}`)));
  if (doc.badRequest) decorators.push(ApiBadRequestResponse(error(doc.badRequest)));
  if (doc.notFound) decorators.push(ApiNotFoundResponse(error(doc.notFound)));
  if (doc.conflict) decorators.push(ApiConflictResponse(error(doc.conflict)));
  return applyDecorators(...decorators);
}
