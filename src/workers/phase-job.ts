/**
 * The BullMQ job id of one attempt of one phase: adding it twice runs the phase once, and a
 * retried deployment (attempt + 1) gets a new one.
 */
export function phaseJobId(deploymentId: string, phaseKey: string, attempt: number): string {
  return `${deploymentId}:${phaseKey}:${attempt}`;
}
