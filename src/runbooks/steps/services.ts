import type { ServiceStep } from '../model.js';

function serviceStep(state: ServiceStep['state'], services: string[]): ServiceStep {
  if (services.length === 0) throw new Error('a service step needs at least one service');
  const verb = state === 'started' ? 'Enable and start' : 'Restart';
  return {
    key: `${state === 'started' ? 'start' : 'restart'}-${services.join('-')}`,
    kind: 'service',
    title: `${verb} ${services.join(', ')}`,
    services,
    state,
    enabled: true,
  };
}

/** `systemctl enable` + `systemctl start`; ok when already enabled and active. */
export function ensureServices(...services: string[]): ServiceStep {
  return serviceStep('started', services);
}

/** `systemctl restart` (always changes: used where the seed restarts after enabling a plugin). */
export function restartServices(...services: string[]): ServiceStep {
  return serviceStep('restarted', services);
}
