import { pageWebUi } from './page-address.js';
import { type ConfluenceStore, type SandboxUser, type StoredAttachment, type StoredPage, type StoredSpace, latest } from './store.js';

/** Turns stored content into Confluence REST v1 JSON; `base` is the absolute …/wiki URL. */
export class ContentSerializer {
  constructor(
    private readonly store: ConfluenceStore,
    readonly base: string,
  ) {}

  user(user: SandboxUser): object {
    return {
      type: 'known',
      accountId: user.accountId,
      accountType: 'atlassian',
      email: user.username,
      publicName: user.displayName,
      displayName: user.displayName,
      isExternalCollaborator: false,
      _expandable: { operations: '', personalSpace: '' },
      _links: { self: `${this.base}/rest/api/user?accountId=${user.accountId}` },
    };
  }

  page(page: StoredPage, expand: Set<string>): object {
    const current = latest(page);
    const json: Record<string, unknown> = {
      id: page.id,
      type: 'page',
      status: 'current',
      title: current.title,
    };
    const expandable: Record<string, string> = {
      container: `/rest/api/space/${page.spaceKey}`,
      metadata: '',
      operations: '',
      children: `/rest/api/content/${page.id}/child`,
      restrictions: `/rest/api/content/${page.id}/restriction/byOperation`,
      history: `/rest/api/content/${page.id}/history`,
      ancestors: '',
      body: '',
      version: '',
      descendants: `/rest/api/content/${page.id}/descendant`,
      space: `/rest/api/space/${page.spaceKey}`,
    };
    if (expand.has('space')) json.space = this.space(this.store.space(page.spaceKey));
    if (expand.has('version')) json.version = this.version(page, current.number);
    if (expand.has('ancestors')) json.ancestors = this.store.ancestors(page).map((ancestor) => this.page(ancestor, new Set()));
    if ([...expand].some((key) => key.startsWith('body'))) {
      json.body = {
        ...(expand.has('body.storage')
          ? {
              storage: {
                value: current.body,
                representation: 'storage',
                embeddedContent: [],
                _expandable: { content: `/rest/api/content/${page.id}` },
              },
            }
          : {}),
        _expandable: {
          editor: '',
          view: '',
          export_view: '',
          styled_view: '',
          dynamic: '',
          storage: '',
          editor2: '',
          anonymous_export_view: '',
          atlas_doc_format: '',
          wiki: '',
        },
      };
    }
    if (expand.has('metadata.labels')) json.metadata = { labels: this.labels(page), _expandable: {} };
    for (const key of Object.keys(json)) delete expandable[key];
    json.extensions = { position: 0 };
    json._expandable = expandable;
    json._links = this.pageLinks(page);
    return json;
  }

  version(page: StoredPage, number: number): object {
    const version = page.versions.find((candidate) => candidate.number === number)!;
    return {
      by: this.user(version.by),
      when: version.when,
      friendlyWhen: 'just a moment ago',
      message: '',
      number: version.number,
      minorEdit: false,
      contentTypeModified: false,
      _expandable: { collaborators: '', content: `/rest/api/content/${page.id}` },
      _links: { self: `${this.base}/rest/api/content/${page.id}/version/${version.number}` },
    };
  }

  labels(page: StoredPage): object {
    return {
      results: page.labels.map((name, index) => ({ prefix: 'global', name, id: String(1000 + index), label: name })),
      start: 0,
      limit: 200,
      size: page.labels.length,
      _links: { self: `${this.base}/rest/api/content/${page.id}/label` },
    };
  }

  space(space: StoredSpace): object {
    return {
      id: space.id,
      key: space.key,
      name: space.name,
      type: 'global',
      status: 'current',
      _expandable: {
        settings: `/rest/api/space/${space.key}/settings`,
        metadata: '',
        operations: '',
        lookAndFeel: `/rest/api/settings/lookandfeel?spaceKey=${space.key}`,
        identifiers: '',
        permissions: '',
        icon: '',
        description: '',
        theme: `/rest/api/space/${space.key}/theme`,
        history: '',
        homepage: `/rest/api/content/${space.homepageId}`,
      },
      _links: { webui: `/spaces/${space.key}`, self: `${this.base}/rest/api/space/${space.key}` },
    };
  }

  attachment(attachment: StoredAttachment): object {
    const version = attachment.versions[attachment.versions.length - 1]!;
    const page = this.store.page(attachment.pageId);
    return {
      id: attachment.id,
      type: 'attachment',
      status: 'current',
      title: attachment.title,
      version: {
        by: this.user(version.by),
        when: version.when,
        message: '',
        number: version.number,
        minorEdit: false,
        _links: {},
      },
      container: this.page(page, new Set()),
      metadata: { mediaType: attachment.mediaType, _expandable: {} },
      extensions: { mediaType: attachment.mediaType, fileSize: version.data.length, comment: '' },
      _expandable: { space: `/rest/api/space/${page.spaceKey}` },
      _links: {
        webui: `/view/${page.id}`,
        download: `/download/attachments/${page.id}/${encodeURIComponent(attachment.title)}?version=${version.number}`,
        self: `${this.base}/rest/api/content/${attachment.id}`,
      },
    };
  }

  array(results: object[], self: string, start = 0, limit = 25): object {
    return { results, start, limit, size: results.length, _links: { base: this.base, context: '/wiki', self } };
  }

  /** GET /rest/api/search answers wrap each content in a search result. */
  searchResult(page: StoredPage): object {
    const current = latest(page);
    const space = this.store.space(page.spaceKey);
    return {
      content: this.page(page, new Set()),
      title: current.title,
      excerpt: '',
      url: pageWebUi(page.spaceKey, page.id, current.title),
      resultGlobalContainer: { title: space.name, displayUrl: `/spaces/${space.key}` },
      breadcrumbs: [],
      entityType: 'content',
      iconCssClass: 'aui-icon content-type-page',
      lastModified: current.when,
      friendlyLastModified: 'just a moment ago',
      score: 0,
    };
  }

  private pageLinks(page: StoredPage): object {
    return {
      webui: pageWebUi(page.spaceKey, page.id, latest(page).title),
      edit: `/pages/resumedraft.action?draftId=${page.id}`,
      tinyui: `/x/${Buffer.from(page.id).toString('base64url')}`,
      self: `${this.base}/rest/api/content/${page.id}`,
      base: this.base,
      context: '/wiki',
    };
  }
}
