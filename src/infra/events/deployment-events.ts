/**
 * What the engine tells the rest of the system while a deployment runs. JIRA sync and
 * Confluence publishing follow these events on their own queues, so a slow Atlassian API
 * never holds up SSH work. Output tails are already masked (no secret values).
 */
interface EventBase {
  deploymentId: string;
  environmentId: string;
  environmentName: string;
  at: string;
}

export type DeploymentEvent =
  | (EventBase & { type: 'deployment.started'; phases: string[] })
  | (EventBase & { type: 'deployment.finished'; status: 'succeeded' | 'failed' | 'cancelled'; error?: string })
  | (EventBase & { type: 'phase.started'; phaseKey: string })
  | (EventBase & { type: 'phase.finished'; phaseKey: string; status: 'succeeded' | 'failed' | 'cancelled' })
  | (EventBase & { type: 'story.started'; phaseKey: string; storyKey: string })
  | (EventBase & { type: 'story.succeeded'; phaseKey: string; storyKey: string })
  | (EventBase & {
      type: 'story.failed';
      phaseKey: string;
      storyKey: string;
      node: string;
      stepKey: string;
      stepTitle: string;
      exitCode: number | null;
      /** Last lines of stdout+stderr, secrets masked. */
      outputTail: string;
    });

export type DeploymentEventType = DeploymentEvent['type'];

/** An event before it is stamped with `at`. */
export type DeploymentEventInput = DeploymentEvent extends infer E ? (E extends DeploymentEvent ? Omit<E, 'at'> : never) : never;
