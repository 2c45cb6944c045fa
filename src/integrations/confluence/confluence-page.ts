/** What OpSprint needs of a Confluence page, whatever the API returned around it. */
export interface ConfluencePageRecord {
  id: string;
  title: string;
  version: number;
  spaceKey?: string;
  /** Storage-format body; empty when the answer did not expand body.storage. */
  body: string;
  ancestorIds: string[];
  labels: string[];
  /** Browser URL of the page. */
  url: string;
}

export interface AttachmentRecord {
  id: string;
  title: string;
  version: number;
}

interface ContentJson {
  id?: string;
  title?: string;
  version?: { number?: number };
  space?: { key?: string };
  body?: { storage?: { value?: string } };
  ancestors?: Array<{ id?: string }>;
  metadata?: { labels?: { results?: Array<{ name?: string }> } };
  _links?: { webui?: string; base?: string };
}

export function toPageRecord(json: unknown, baseUrl: string): ConfluencePageRecord {
  const content = (json ?? {}) as ContentJson;
  if (!content.id) throw new Error(`Confluence answered without a content id: ${JSON.stringify(json)?.slice(0, 200)}`);
  const base = content._links?.base ?? baseUrl;
  return {
    id: String(content.id),
    title: content.title ?? '',
    version: content.version?.number ?? 0,
    spaceKey: content.space?.key,
    body: content.body?.storage?.value ?? '',
    ancestorIds: (content.ancestors ?? []).map((ancestor) => String(ancestor.id)),
    labels: (content.metadata?.labels?.results ?? []).map((label) => label.name ?? '').filter(Boolean),
    url: content._links?.webui ? `${base}${content._links.webui}` : `${baseUrl}/pages/viewpage.action?pageId=${content.id}`,
  };
}

export function toAttachmentRecord(json: unknown): AttachmentRecord {
  const content = (json ?? {}) as ContentJson;
  return { id: String(content.id), title: content.title ?? '', version: content.version?.number ?? 0 };
}
