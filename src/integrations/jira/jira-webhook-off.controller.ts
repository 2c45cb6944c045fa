import { Controller, HttpCode, Post, ServiceUnavailableException } from '@nestjs/common';
import { JiraWebhookDocs } from './jira-webhook.docs.js';

/** POST /webhooks/jira while JIRA is off: a clear 503 (JIRA retries 5xx, so turning JIRA on later loses nothing). */
@Controller('webhooks/jira')
export class JiraWebhookOffController {
  @Post()
  @HttpCode(503)
  @JiraWebhookDocs()
  receive(): never {
    throw new ServiceUnavailableException('the JIRA integration is off: JIRA_BASE_URL is not set on this OpSprint instance');
  }
}
