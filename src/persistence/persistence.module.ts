import { Global, Module } from '@nestjs/common';
import { PrismaService } from './prisma.service.js';
import { ApiTokenRepository } from './repositories/api-token.repository.js';
import { AuditRepository } from './repositories/audit.repository.js';
import { ConfluencePageRepository } from './repositories/confluence-page.repository.js';
import { DeploymentRepository } from './repositories/deployment.repository.js';
import { DriftRepository } from './repositories/drift.repository.js';
import { EnvironmentRepository } from './repositories/environment.repository.js';
import { JiraLinkRepository } from './repositories/jira-link.repository.js';
import { LedgerRepository } from './repositories/ledger.repository.js';
import { SprintRepository } from './repositories/sprint.repository.js';
import { StoryStatusRepository } from './repositories/story-status.repository.js';
import { ScheduleRepository } from './repositories/schedule.repository.js';
import { WebhookDeliveryRepository } from './repositories/webhook-delivery.repository.js';

const repositories = [
  ApiTokenRepository,
  AuditRepository,
  ConfluencePageRepository,
  DeploymentRepository,
  DriftRepository,
  EnvironmentRepository,
  JiraLinkRepository,
  LedgerRepository,
  SprintRepository,
  StoryStatusRepository,
  ScheduleRepository,
  WebhookDeliveryRepository,
];

/** The database client and one repository per aggregate; the only door to PostgreSQL. */
@Global()
@Module({
  providers: [PrismaService, ...repositories],
  exports: [PrismaService, ...repositories],
})
export class PersistenceModule {}
