import { type StorageNode, attributesOf, childrenOf, macroParameters, parseStorage, tagName, textOf } from '../storage-xml.js';

import { escapeHtml } from '../../html-view.js';

const PLAIN_TAGS = new Set([
  'p',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'table',
  'thead',
  'tbody',
  'tr',
  'th',
  'td',
  'strong',
  'em',
  'code',
  'ul',
  'ol',
  'li',
  'pre',
  'blockquote',
  'span',
  'div',
  'sub',
  'sup',
  'u',
  's',
]);
const VOID_TAGS = new Set(['br', 'hr']);
const LOZENGE_COLOURS: Record<string, string> = { grey: '#dfe1e6', red: '#ffbdad', yellow: '#fff0b3', green: '#abf5d1', blue: '#b3d4ff' };
const PANEL_COLOURS: Record<string, string> = { info: '#deebff', tip: '#e3fcef', note: '#eae6ff', warning: '#ffebe6' };

export interface RenderOptions {
  /** Where `<ri:attachment>` images are downloaded from. */
  attachmentUrl(filename: string): string;
  /** Where a `<ri:page ri:content-title>` link goes; undefined when no such page exists. */
  pageUrl(title: string): string | undefined;
}

/** Storage format → HTML for reading in a browser; every text and attribute is escaped again. */
export function renderStorage(storage: string, options: RenderOptions): string {
  let nodes: StorageNode[];
  try {
    nodes = parseStorage(storage);
  } catch (error) {
    return `<pre class="broken">${escapeHtml((error as Error).message)}</pre>`;
  }
  return renderNodes(nodes, options);
}

function renderNodes(nodes: StorageNode[], options: RenderOptions): string {
  return nodes.map((node) => renderNode(node, options)).join('');
}

function renderNode(node: StorageNode, options: RenderOptions): string {
  if (typeof node['#text'] === 'string') return escapeHtml(node['#text']);
  const name = tagName(node) ?? '';
  const children = childrenOf(node);
  if (name === '#cdata') return escapeHtml(textOf(children));
  if (VOID_TAGS.has(name)) return `<${name}>`;
  if (PLAIN_TAGS.has(name)) return `<${name}>${renderNodes(children, options)}</${name}>`;
  if (name === 'a') {
    const href = attributesOf(node).href ?? '';
    const safe = /^(https?:|mailto:|\/|#)/i.test(href) ? ` href="${escapeHtml(href)}"` : '';
    return `<a${safe}>${renderNodes(children, options)}</a>`;
  }
  if (name === 'ac:structured-macro') return renderMacro(node, options);
  if (name === 'ac:link') {
    const target = children.find((child) => tagName(child) === 'ri:page');
    const title = target ? (attributesOf(target)['ri:content-title'] ?? '') : '';
    const labelNode = children.find((child) => tagName(child) === 'ac:plain-text-link-body' || tagName(child) === 'ac:link-body');
    const label = labelNode ? renderNodes(childrenOf(labelNode), options) : escapeHtml(title);
    const href = options.pageUrl(title);
    return href ? `<a href="${escapeHtml(href)}">${label}</a>` : `<span class="missing-page">${label}</span>`;
  }
  if (name === 'ac:image') {
    const attachment = children.find((child) => tagName(child) === 'ri:attachment');
    const filename = attachment ? (attributesOf(attachment)['ri:filename'] ?? '') : '';
    return `<img alt="${escapeHtml(attributesOf(node)['ac:alt'] ?? filename)}" src="${escapeHtml(options.attachmentUrl(filename))}">`;
  }
  return renderNodes(children, options);
}

function richBody(macro: StorageNode, options: RenderOptions): string {
  const body = childrenOf(macro).find((child) => tagName(child) === 'ac:rich-text-body');
  return body ? renderNodes(childrenOf(body), options) : '';
}

function renderMacro(macro: StorageNode, options: RenderOptions): string {
  const name = attributesOf(macro)['ac:name'] ?? '';
  const parameters = macroParameters(macro);
  switch (name) {
    case 'code': {
      const body = childrenOf(macro).find((child) => tagName(child) === 'ac:plain-text-body');
      const title = parameters.title ? `<div class="code-title">${escapeHtml(parameters.title)}</div>` : '';
      const language = escapeHtml(parameters.language ?? 'text');
      return `<div class="code">${title}<pre data-language="${language}"><code>${escapeHtml(body ? textOf(childrenOf(body)) : '')}</code></pre></div>`;
    }
    case 'status': {
      const colour = LOZENGE_COLOURS[(parameters.colour ?? 'grey').toLowerCase()] ?? LOZENGE_COLOURS.grey;
      return `<span class="lozenge" style="background:${colour}">${escapeHtml((parameters.title ?? '').toUpperCase())}</span>`;
    }
    case 'info':
    case 'tip':
    case 'note':
    case 'warning': {
      const title = parameters.title ? `<strong>${escapeHtml(parameters.title)}</strong>` : '';
      return `<div class="panel panel-${name}" style="background:${PANEL_COLOURS[name]}">${title}${richBody(macro, options)}</div>`;
    }
    case 'expand':
      return `<details><summary>${escapeHtml(parameters.title ?? 'Click here to expand...')}</summary>${richBody(macro, options)}</details>`;
    default:
      return `<div class="macro">[${escapeHtml(name)} macro]${richBody(macro, options)}</div>`;
  }
}

export { escapeHtml, STYLE } from '../../html-view.js';
