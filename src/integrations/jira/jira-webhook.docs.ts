import { applyDecorators } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiHeader,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';

/** What the webhook answers JIRA (any status but 429). */
class JiraWebhookAnswerDto {
  @ApiProperty({
    enum: ['unauthorized', 'malformed', 'stale', 'duplicate', 'ignored', 'requested', 'request_failed', 'unavailable'],
  })
  outcome: string;
  @ApiPropertyOptional({ description: 'Why it was refused or ignored' }) reason?: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'The deployment it requested' }) deploymentId?: string;
}

const answer = (description: string) => ({ type: JiraWebhookAnswerDto, description });

/**
 * The OpenAPI description of POST /webhooks/jira, on both its controllers (JIRA on and off), so
 * the document does not change with the configuration.
 */
export function JiraWebhookDocs() {
  return applyDecorators(
    ApiTags('webhooks'),
    ApiOperation({
      summary: 'Receive a JIRA webhook delivery',
      description:
        'Signed with JIRA_WEBHOOK_SECRET (HMAC-SHA256 of the raw body); a transition to the trigger status requests a deployment.',
    }),
    ApiHeader({ name: 'X-Hub-Signature', required: true, description: 'sha256=<hex HMAC-SHA256 of the raw body>' }),
    ApiAcceptedResponse(answer('Recorded: requested, ignored, a duplicate delivery, or a request that failed')),
    ApiBadRequestResponse(answer('Not a JIRA webhook body, or its timestamp is outside the allowed window')),
    ApiUnauthorizedResponse(answer('The signature does not match')),
    ApiServiceUnavailableResponse(answer('The deployment cannot be queued now (JIRA retries), or the JIRA integration is off')),
    ApiTooManyRequestsResponse({
      // By reference: the error schema belongs to the API module, which integrations do not import.
      schema: { $ref: '#/components/schemas/ErrorResponseDto' },
      description:
        'This source address sent more than WEBHOOK_FAILURES_PER_MINUTE deliveries with a bad signature in a minute: ' +
        'every delivery from it is refused for 60 s (Retry-After says how long is left)',
      headers: { 'Retry-After': { description: 'Seconds until this source may try again', schema: { type: 'integer' } } },
    }),
  );
}
