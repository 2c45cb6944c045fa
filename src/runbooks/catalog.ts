import type { Runbook } from './model.js';
import { openstackLiberty } from './openstack-liberty/index.js';

/** The runbooks this build ships, by key (a class, so it can be injected by name). */
export class RunbookCatalog extends Map<string, Runbook> {
  static of(runbooks: Iterable<Runbook>): RunbookCatalog {
    return new RunbookCatalog([...runbooks].map((runbook) => [runbook.key, runbook]));
  }
}

export function defaultRunbookCatalog(): RunbookCatalog {
  return RunbookCatalog.of([openstackLiberty]);
}
