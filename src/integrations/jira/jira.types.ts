/** The parts of JIRA's REST shapes OpSprint reads. */
export interface JiraStatus {
  id: string;
  name: string;
  statusCategory?: { key: string; name: string };
}

export interface JiraIssue {
  id: string;
  key: string;
  self?: string;
  fields: {
    summary?: string;
    labels?: string[];
    status?: JiraStatus;
    issuetype?: { name: string };
    parent?: { key: string };
    [field: string]: unknown;
  };
}

export interface JiraCreated {
  id: string;
  key: string;
  self: string;
}

export interface JiraTransition {
  id: string;
  name: string;
  to: JiraStatus;
}

export interface JiraSprint {
  id: number;
  name: string;
  state: 'future' | 'active' | 'closed';
  originBoardId?: number;
  startDate?: string;
  endDate?: string;
  /** When the sprint was closed. */
  completeDate?: string;
  goal?: string;
}

export interface JiraBoard {
  id: number;
  name: string;
  type: string;
}

/** An entry of GET /field. */
export interface JiraField {
  id: string;
  name: string;
  custom: boolean;
  schema?: { type: string; custom?: string; system?: string };
}

export interface JiraServerInfo {
  baseUrl: string;
  version: string;
  deploymentType?: string;
}

/** `fields` of a create or update call. */
export type JiraIssueFields = Record<string, unknown>;
