import { Shutdown } from '../../infra/lifecycle/shutdown.js';
import { answerLabel, metrics } from '../../infra/metrics/metrics.js';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { Inject, Injectable, Optional } from '@nestjs/common';
import Confluence from 'confluence-api';
import { ConfluenceConfig } from '../../config/confluence-config.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy, withRetry } from '../http/retry.js';
import { ConfluenceConflictError, ConfluenceHttpError, toConfluenceError } from './confluence-http-error.js';
import { type AttachmentRecord, type ConfluencePageRecord, toAttachmentRecord, toPageRecord } from './confluence-page.js';
import { sha256 } from './content-hash.js';

/** Injection token for the gateway's retry policy (tests and /health use short ones). */
export const CONFLUENCE_RETRY_POLICY = Symbol('CONFLUENCE_RETRY_POLICY');

const PAGE_EXPAND = ['body.storage', 'version', 'ancestors', 'space', 'metadata.labels'];

export interface UpdatePageOptions {
  /**
   * sha256 of the body we last wrote to this page. On a 409 the page is re-read; when its body
   * still hashes to this value nobody edited it since our last write (the version moved for
   * another reason, e.g. a concurrent OpSprint publish of the same content or a metadata
   * change), so the update is retried once on top of the current version. Anything else is a
   * human edit and is never overwritten: ConfluenceConflictError.
   */
  lastWrittenHash?: string;
  /**
   * The version our last write produced. Confluence normalises stored XHTML, so the hash check
   * above can miss on a real server; a page still at the version we wrote is ours as well.
   */
  lastWrittenVersion?: number;
}

/**
 * The one door to Confluence (confluence-api 1.4.0): promises instead of callbacks, encoded
 * titles and CQL (the library sends them raw), typed errors, and retries on 429/5xx.
 */
@Injectable()
export class ConfluenceGateway {
  private readonly client: Confluence;
  private readonly retry: RetryPolicy;

  constructor(
    @Inject(ConfluenceConfig) private readonly config: Pick<ConfluenceConfig, 'baseUrl' | 'username' | 'password'> & { spaceKey?: string },
    @Optional() @Inject(CONFLUENCE_RETRY_POLICY) retry: Partial<RetryPolicy> = {},
    @Optional() shutdown?: Shutdown,
  ) {
    this.client = new Confluence({ baseUrl: config.baseUrl, username: config.username, password: config.password });
    this.retry = {
      ...DEFAULT_RETRY_POLICY,
      signal: shutdown?.signal,
      ...retry,
      onRetry: (info) => {
        metrics.atlassianRetries.inc({ system: 'confluence' });
        retry.onRetry?.(info);
      },
    };
  }

  get baseUrl(): string {
    return this.config.baseUrl;
  }

  async findPageByTitle(space: string, title: string): Promise<ConfluencePageRecord | null> {
    const answer = await this.call<{ results?: unknown[] }>('find page by title', (cb) =>
      this.client.getContentByPageTitle(space, encodeURIComponent(title), cb),
    );
    const match = (answer.results ?? []).map((json) => toPageRecord(json, this.config.baseUrl)).find((page) => page.title === title);
    return match ? this.getPage(match.id) : null;
  }

  async getPage(id: string): Promise<ConfluencePageRecord> {
    const json = await this.call('get page', (cb) =>
      this.client.getCustomContentById({ id: encodeURIComponent(id), expanders: PAGE_EXPAND }, cb),
    );
    return toPageRecord(json, this.config.baseUrl);
  }

  async findPage(id: string): Promise<ConfluencePageRecord | null> {
    try {
      return await this.getPage(id);
    } catch (error) {
      if (error instanceof ConfluenceHttpError && error.status === 404) return null;
      throw error;
    }
  }

  /** Without a parent the page goes under the space home page (the library looks it up). */
  async createPage(space: string, title: string, body: string, parentId?: string): Promise<ConfluencePageRecord> {
    // A create that timed out or got a 5xx may have happened anyway: look before posting again.
    return withRetry(this.retry, async (attempt) => {
      if (attempt > 1) {
        const existing = await this.findPageByTitle(space, title);
        if (existing) return existing;
      }
      const json = await this.once('create page', (cb) => this.client.postContent(space, title, body, parentId ?? null, cb));
      return toPageRecord(json, this.config.baseUrl);
    });
  }

  /** `expectedVersion` is the version we read; Confluence wants expectedVersion + 1. */
  async updatePage(
    id: string,
    title: string,
    body: string,
    expectedVersion: number,
    options: UpdatePageOptions = {},
  ): Promise<ConfluencePageRecord> {
    try {
      return await this.put(id, title, body, expectedVersion);
    } catch (error) {
      if (!(error instanceof ConfluenceHttpError) || error.status !== 409) throw error;
      const current = await this.getPage(id);
      if (current.title === title && current.body === body) return current;
      const ours =
        current.version === options.lastWrittenVersion ||
        (options.lastWrittenHash !== undefined && sha256(current.body) === options.lastWrittenHash);
      if (!ours) {
        throw new ConfluenceConflictError(id, current.version);
      }
      return this.put(id, title, body, current.version);
    }
  }

  async children(parentId: string): Promise<ConfluencePageRecord[]> {
    return this.search(`parent=${cqlNumber(parentId)} and type=page`);
  }

  async search(cql: string, limit = 100): Promise<ConfluencePageRecord[]> {
    const answer = await this.call<{ results?: Array<{ content?: unknown }> }>('search', (cb) =>
      this.client.search(`cql=${encodeURIComponent(cql)}&limit=${limit}`, cb),
    );
    return (answer.results ?? []).filter((result) => result.content).map((result) => toPageRecord(result.content, this.config.baseUrl));
  }

  async addLabels(pageId: string, labels: string[]): Promise<void> {
    if (labels.length === 0) return;
    await this.call('add labels', (cb) =>
      this.client.postLabels(
        pageId,
        labels.map((name) => ({ prefix: 'global', name })),
        cb,
      ),
    );
  }

  async attachments(pageId: string): Promise<AttachmentRecord[]> {
    const answer = await this.call<{ results?: unknown[] }>('list attachments', (cb) =>
      this.client.getAttachments(this.space(), pageId, cb),
    );
    return (answer.results ?? []).map(toAttachmentRecord);
  }

  /** Creates the attachment, or adds a version when the page already has one of that name. */
  async putAttachment(pageId: string, filename: string, data: Buffer): Promise<AttachmentRecord> {
    const name = basename(filename);
    const directory = await mkdtemp(join(tmpdir(), 'opsprint-attachment-'));
    const path = join(directory, name);
    try {
      await writeFile(path, data);
      const existing = (await this.attachments(pageId)).find((attachment) => attachment.title === name);
      const answer = await this.call<{ results?: unknown[] } & object>('upload attachment', (cb) =>
        existing
          ? this.client.updateAttachmentData(this.space(), pageId, existing.id, path, cb)
          : this.client.createAttachment(this.space(), pageId, path, cb),
      );
      return toAttachmentRecord(Array.isArray(answer.results) ? answer.results[0] : answer);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  }

  private put(id: string, title: string, body: string, currentVersion: number): Promise<ConfluencePageRecord> {
    return this.call('update page', (cb) => this.client.putContent(this.space(), id, currentVersion + 1, title, body, cb)).then((json) =>
      toPageRecord(json, this.config.baseUrl),
    );
  }

  private space(): string {
    return this.config.spaceKey ?? '';
  }

  private call<T = unknown>(operation: string, invoke: (cb: (err: unknown, data?: unknown) => void) => void): Promise<T> {
    return withRetry(this.retry, () => this.once<T>(operation, invoke));
  }

  private once<T = unknown>(operation: string, invoke: (cb: (err: unknown, data?: unknown) => void) => void): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      invoke((err, data) => {
        const failure = err ? toConfluenceError(err, operation) : undefined;
        metrics.atlassianRequests.inc({ system: 'confluence', status: answerLabel(failure) });
        if (failure) reject(failure);
        else resolve(data as T);
      });
    });
  }
}

function cqlNumber(id: string): string {
  if (!/^\d+$/.test(id)) throw new Error(`Confluence page id must be digits, got "${id}"`);
  return id;
}

/** CQL string literal: double quotes, with backslashes and quotes escaped. */
export function cqlString(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}
