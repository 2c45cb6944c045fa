import { Injectable, Optional } from '@nestjs/common';
import { Runtime } from './runtime.js';

/**
 * PUBLIC_URL: the address people open the service at (e.g. https://opsprint.example.com, or with a
 * path prefix behind a proxy). Throws a one-line error naming the setting for anything else.
 */
export function parsePublicUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new Error(`PUBLIC_URL: "${raw}" is not a URL (expected e.g. https://opsprint.example.com)`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new Error(`PUBLIC_URL: protocol must be https or http, got "${url.protocol}"`);
  if (url.username || url.password) throw new Error('PUBLIC_URL: must not carry a user name or password');
  if (url.search || url.hash) throw new Error('PUBLIC_URL: must not carry a query or fragment');
  return url;
}

/** The dashboard's deployment page for a deployment, under `publicUrl`; undefined without one. */
export function deploymentPageUrl(publicUrl: URL | null | undefined, deploymentId: string): string | undefined {
  if (!publicUrl) return undefined;
  return `${publicUrl.toString().replace(/\/+$/, '')}/dashboard/deployments/${encodeURIComponent(deploymentId)}`;
}

/**
 * Absolute links into the dashboard for what OpSprint writes elsewhere (Confluence pages, JIRA
 * comments): only when PUBLIC_URL is set, since the service cannot know the address people use.
 */
@Injectable()
export class PublicLinks {
  readonly base: URL | null;

  constructor(@Optional() runtime?: Runtime) {
    const raw = runtime?.config.app.PUBLIC_URL;
    this.base = raw ? parsePublicUrl(raw) : null;
  }

  deployment(deploymentId: string): string | undefined {
    return deploymentPageUrl(this.base, deploymentId);
  }
}
