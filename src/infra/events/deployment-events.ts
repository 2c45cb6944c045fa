/**
 * What the engine tells the rest of the system while a deployment runs. JIRA sync and
 * Confluence publishing follow these events on their own queues, so a slow Atlassian API
 * never holds up SSH work. Output tails are already masked (no secret values).
 */
interface EventBase {
  deploymentId: string;
  environmentId: string;
  environmentName: string;
  /** Check mode: the events describe what would happen; followers that keep a record (JIRA, Confluence) leave it alone. */
  dryRun: boolean;
  at: string;
}

export type DeploymentEvent =
  | (EventBase & { type: 'deployment.started'; phases: string[] })
  | (EventBase & { type: 'deployment.finished'; status: 'succeeded' | 'failed' | 'cancelled'; error?: string })
  | (EventBase & { type: 'phase.started'; phaseKey: string })
  | (EventBase & {
      type: 'phase.finished';
      phaseKey: string;
      status: 'succeeded' | 'failed' | 'cancelled';
      /** Stories of the phase with a step that changed its host or failed in this run: the ones with work. */
      storiesWithWork: string[];
      /** Stories of the phase whose steps all passed (ok or changed) on every node. */
      storiesPassed: string[];
    })
  /**
   * A story has work: the first of its steps in this phase run whose guard found the host not
   * right is about to change it (never in check mode). Steps that only find everything in place
   * start nothing.
   */
  | (EventBase & {
      type: 'story.started';
      phaseKey: string;
      storyKey: string;
      node: string;
      stepKey: string;
      stepTitle: string;
      /** What the step is changing and why, secrets masked. */
      change: string;
    })
  /** Every step of the story passed (ok or changed) in a phase that succeeded. */
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
