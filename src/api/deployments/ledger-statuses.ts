// The values of the ledger's enums (prisma/schema.prisma) as the API documents and filters them.
// Kept here rather than imported from @prisma/client, which only src/persistence may import.

export const DEPLOYMENT_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;
export const PHASE_RUN_STATUSES = ['pending', 'running', 'succeeded', 'failed', 'cancelled', 'skipped'] as const;
export const STEP_RUN_STATUSES = ['pending', 'running', 'ok', 'changed', 'would_change', 'failed', 'cancelled'] as const;
export const DEPLOYMENT_TRIGGERS = ['api', 'jira_webhook', 'jira_poll', 'schedule', 'demo'] as const;
export const ARTIFACT_KINDS = ['rendered_file', 'verification_table', 'command_output'] as const;
