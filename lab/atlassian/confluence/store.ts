import { SandboxError, badRequest, notFound } from './sandbox-error.js';

export interface SandboxUser {
  username: string;
  accountId: string;
  displayName: string;
}

export interface PageVersion {
  number: number;
  title: string;
  body: string;
  when: string;
  by: SandboxUser;
}

export interface StoredPage {
  id: string;
  spaceKey: string;
  parentId?: string;
  labels: string[];
  versions: PageVersion[];
  attachmentIds: string[];
}

export interface StoredAttachment {
  id: string;
  pageId: string;
  title: string;
  mediaType: string;
  versions: Array<{ number: number; data: Buffer; when: string; by: SandboxUser }>;
}

export interface StoredSpace {
  id: number;
  key: string;
  name: string;
  homepageId: string;
}

export const latest = (page: StoredPage): PageVersion => page.versions[page.versions.length - 1]!;

/** Confluence's content model, as far as OpSprint uses it: pages in spaces, versions, labels, attachments. */
export class ConfluenceStore {
  readonly spaces = new Map<string, StoredSpace>();
  readonly pages = new Map<string, StoredPage>();
  readonly attachments = new Map<string, StoredAttachment>();
  private nextId = 65_537;

  addSpace(key: string, owner: SandboxUser): StoredSpace {
    const homepageId = this.newId();
    const space: StoredSpace = { id: this.spaces.size + 1, key, name: `${key} space`, homepageId };
    this.spaces.set(key, space);
    this.pages.set(homepageId, {
      id: homepageId,
      spaceKey: key,
      labels: [],
      attachmentIds: [],
      versions: [{ number: 1, title: `${key} Home`, body: '<p>Welcome to the space.</p>', when: new Date().toISOString(), by: owner }],
    });
    return space;
  }

  space(key: string): StoredSpace {
    const space = this.spaces.get(key);
    if (!space) throw new SandboxError(404, `No space with key : ${key}`);
    return space;
  }

  page(id: string): StoredPage {
    const page = this.pages.get(id);
    if (!page) throw notFound(id);
    return page;
  }

  createPage(input: { spaceKey: string; title: string; body: string; parentId?: string; by: SandboxUser }): StoredPage {
    this.space(input.spaceKey);
    if (!input.title.trim()) throw badRequest('Title is required');
    this.assertTitleFree(input.spaceKey, input.title);
    if (input.parentId !== undefined) {
      const parent = this.pages.get(input.parentId);
      if (!parent) throw badRequest(`Could not find parent page with id ${input.parentId}`);
      if (parent.spaceKey !== input.spaceKey) throw badRequest('Parent page is in another space');
    }
    const page: StoredPage = {
      id: this.newId(),
      spaceKey: input.spaceKey,
      parentId: input.parentId ?? this.space(input.spaceKey).homepageId,
      labels: [],
      attachmentIds: [],
      versions: [{ number: 1, title: input.title, body: input.body, when: new Date().toISOString(), by: input.by }],
    };
    this.pages.set(page.id, page);
    return page;
  }

  /** `number` must be the current version + 1, as on Confluence Cloud. */
  updatePage(id: string, input: { title: string; body: string; number: number; by: SandboxUser }): StoredPage {
    const page = this.page(id);
    const current = latest(page);
    if (input.number !== current.number + 1) {
      throw new SandboxError(409, `Version must be incremented on update. Current version is: ${current.number}`);
    }
    if (input.title !== current.title) this.assertTitleFree(page.spaceKey, input.title);
    page.versions.push({ number: input.number, title: input.title, body: input.body, when: new Date().toISOString(), by: input.by });
    return page;
  }

  deletePage(id: string): void {
    const page = this.page(id);
    for (const child of this.children(id)) child.parentId = page.parentId;
    this.pages.delete(id);
  }

  children(id: string): StoredPage[] {
    return [...this.pages.values()].filter((page) => page.parentId === id);
  }

  ancestors(page: StoredPage): StoredPage[] {
    const chain: StoredPage[] = [];
    for (let id = page.parentId; id !== undefined; id = this.pages.get(id)?.parentId) {
      const ancestor = this.pages.get(id);
      if (!ancestor) break;
      chain.unshift(ancestor);
    }
    return chain;
  }

  addLabels(id: string, names: string[]): string[] {
    const page = this.page(id);
    for (const name of names) {
      if (!/^[^\s:]+$/.test(name)) throw badRequest(`Label '${name}' contains an invalid character`);
      const normalised = name.toLowerCase();
      if (!page.labels.includes(normalised)) page.labels.push(normalised);
    }
    return page.labels;
  }

  addAttachment(pageId: string, file: { filename: string; mediaType: string; data: Buffer }, by: SandboxUser): StoredAttachment {
    const page = this.page(pageId);
    if (page.attachmentIds.some((id) => this.attachments.get(id)?.title === file.filename)) {
      throw badRequest(`Cannot add a new attachment with same file name as an existing attachment: ${file.filename}`);
    }
    const attachment: StoredAttachment = {
      id: `att${this.newId()}`,
      pageId,
      title: file.filename,
      mediaType: file.mediaType,
      versions: [{ number: 1, data: file.data, when: new Date().toISOString(), by }],
    };
    this.attachments.set(attachment.id, attachment);
    page.attachmentIds.push(attachment.id);
    return attachment;
  }

  updateAttachment(pageId: string, attachmentId: string, file: { mediaType: string; data: Buffer }, by: SandboxUser): StoredAttachment {
    const attachment = this.attachments.get(attachmentId);
    if (!attachment || attachment.pageId !== pageId) throw notFound(attachmentId);
    attachment.mediaType = file.mediaType;
    attachment.versions.push({ number: attachment.versions.length + 1, data: file.data, when: new Date().toISOString(), by });
    return attachment;
  }

  private assertTitleFree(spaceKey: string, title: string): void {
    const taken = [...this.pages.values()].some(
      (page) => page.spaceKey === spaceKey && latest(page).title.toLowerCase() === title.toLowerCase(),
    );
    if (taken) throw badRequest(`A page with this title already exists: A page already exists with the same TITLE in this space`);
  }

  private newId(): string {
    return String(this.nextId++);
  }
}
