import { Injectable } from '@nestjs/common';
import { Runtime } from '../config/runtime.js';

/** Where a JIRA issue or a Confluence page opens for a person, when the integration is on. */
@Injectable()
export class DashboardLinks {
  private readonly jira?: string;
  private readonly confluence?: string;

  constructor(runtime: Runtime) {
    this.jira = runtime.config.jira?.baseUrl.toString().replace(/\/+$/, '');
    this.confluence = runtime.config.confluence?.baseUrl;
  }

  issue(key: string | undefined): string | undefined {
    return key && this.jira ? `${this.jira}/browse/${encodeURIComponent(key)}` : undefined;
  }

  page(pageId: string | undefined): string | undefined {
    return pageId && this.confluence ? `${this.confluence}/pages/viewpage.action?pageId=${encodeURIComponent(pageId)}` : undefined;
  }
}
