import { sendHtml } from '../http-io.js';
import type { Route, RouteContext } from '../route-context.js';
import { type ConfluenceStore, type StoredPage, latest } from '../store.js';
import { htmlPage } from '../../html-view.js';
import { escapeHtml, renderStorage } from './render-storage.js';

const layout = htmlPage;

function tree(store: ConfluenceStore, pages: StoredPage[]): string {
  if (pages.length === 0) return '';
  const items = pages.map(
    (page) =>
      `<li><a href="/wiki/view/${page.id}">${escapeHtml(latest(page).title)}</a> <small>v${latest(page).number}</small>${tree(store, store.children(page.id))}</li>`,
  );
  return `<ul class="tree">${items.join('')}</ul>`;
}

function renderIndex(ctx: RouteContext): void {
  const spaces = [...ctx.store.spaces.values()].map((space) => {
    const home = ctx.store.page(space.homepageId);
    return `<h2>${escapeHtml(space.name)} (${escapeHtml(space.key)})</h2>${tree(ctx.store, [home])}`;
  });
  sendHtml(ctx.res, 200, layout('Confluence sandbox', `<h1>Confluence sandbox</h1>${spaces.join('')}`));
}

function renderPage(ctx: RouteContext, id: string): void {
  const page = ctx.store.page(id);
  const current = latest(page);
  const crumbs = ctx.store
    .ancestors(page)
    .map((ancestor) => `<a href="/wiki/view/${ancestor.id}">${escapeHtml(latest(ancestor).title)}</a>`);
  const children = ctx.store.children(page.id);
  const attachments = page.attachmentIds.map((attachmentId) => ctx.store.attachments.get(attachmentId)!);
  const attachmentUrl = (filename: string) => `/wiki/download/attachments/${page.id}/${encodeURIComponent(filename)}`;
  const pageUrl = (title: string) => {
    const target = [...ctx.store.pages.values()].find(
      (candidate) => candidate.spaceKey === page.spaceKey && latest(candidate).title === title,
    );
    return target ? `/wiki/view/${target.id}` : undefined;
  };
  const html = [
    `<nav><a href="/wiki/view/">All pages</a> / ${crumbs.join(' / ')}</nav>`,
    `<h1>${escapeHtml(current.title)}</h1>`,
    `<p><small>Version ${current.number}, ${escapeHtml(current.when)} by ${escapeHtml(current.by.displayName)}</small></p>`,
    renderStorage(current.body, { attachmentUrl, pageUrl }),
    children.length ? `<h3>Child pages</h3>${tree(ctx.store, children)}` : '',
    attachments.length
      ? `<h3>Attachments</h3><ul>${attachments.map((a) => `<li><a href="${escapeHtml(attachmentUrl(a.title))}">${escapeHtml(a.title)}</a></li>`).join('')}</ul>`
      : '',
  ];
  sendHtml(ctx.res, 200, layout(current.title, html.join('')));
}

export const viewRoutes: Route[] = [
  { method: 'GET', pattern: /^\/wiki\/view\/?$/, handle: (ctx) => renderIndex(ctx) },
  { method: 'GET', pattern: /^\/wiki\/view\/(\d+)$/, handle: (ctx, [id]) => renderPage(ctx, id!) },
  // The addresses the product prints: the webui link and the classic viewpage.action.
  { method: 'GET', pattern: /^\/wiki\/spaces\/[^/]+\/pages\/(\d+)(?:\/[^/]*)?$/, handle: (ctx, [id]) => renderPage(ctx, id!) },
  {
    method: 'GET',
    pattern: /^\/wiki\/pages\/viewpage\.action$/,
    handle: (ctx) => renderPage(ctx, ctx.url.searchParams.get('pageId') ?? ''),
  },
];
