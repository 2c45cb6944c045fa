import type { ConfluencePageVersion } from './deployment-record.js';

/** Where a report item points to; the dashboard and the Confluence page turn these into URLs. */
export interface Links {
  issueKey: string | null;
  epicKey: string | null;
  deploymentId: string | null;
  confluencePage: ConfluencePageVersion | null;
}

export function links(parts: Partial<Links>): Links {
  return { issueKey: null, epicKey: null, deploymentId: null, confluencePage: null, ...parts };
}
