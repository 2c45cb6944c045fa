export { type ConfluenceConfig, ConfluenceConfigError, loadConfluenceConfig } from '../../config/confluence-config.js';
export { ConfluenceGateway, type UpdatePageOptions, cqlString } from './confluence.gateway.js';
export { ConfluenceConflictError, ConfluenceHttpError } from './confluence-http-error.js';
export type { AttachmentRecord, ConfluencePageRecord } from './confluence-page.js';
export {
  ConfluencePublisher,
  type PublishAction,
  type PublishResult,
  type PublishedPage,
  type PublisherOptions,
} from './publisher.service.js';
export { SecretLeakError, type SecretValues } from './publisher/secret-guard.js';
export type { RetryPolicy } from '../http/retry.js';
