import { Controller, HttpCode, Inject, Post, Req, Res, type RawBodyRequest } from '@nestjs/common';
import type { Request, Response } from 'express';
import { FailureLimiter } from '../../infra/kv/failure-limiter.js';
import { JiraWebhookDocs } from './jira-webhook.docs.js';
import { JiraWebhookService } from './webhook.service.js';

/**
 * POST /webhooks/jira. Needs the raw bytes for the signature (`rawBody: true` on the app). The
 * service only records and enqueues, so JIRA gets its 202 well inside its timeout.
 */
@Controller('webhooks/jira')
export class JiraWebhookController {
  constructor(
    @Inject(JiraWebhookService) private readonly webhooks: JiraWebhookService,
    @Inject(FailureLimiter) private readonly failures: FailureLimiter,
  ) {}

  @Post()
  @HttpCode(202)
  @JiraWebhookDocs()
  async receive(
    @Req() req: RawBodyRequest<Request>,
    @Res({ passthrough: true }) res: Response,
  ): Promise<{ outcome: string; reason?: string; deploymentId?: string }> {
    // A source that keeps sending bad signatures is blocked for a minute (429 + Retry-After).
    await this.failures.assertNotBlocked('webhook', req.ip, res);
    const answer = await this.webhooks.receive({ headers: req.headers, rawBody: req.rawBody });
    if (answer.outcome === 'unauthorized') await this.failures.recordFailure('webhook', req.ip, res);
    res.status(answer.status);
    return {
      outcome: answer.outcome,
      ...(answer.reason ? { reason: answer.reason } : {}),
      ...(answer.deploymentId ? { deploymentId: answer.deploymentId } : {}),
    };
  }
}
