import { type Content, Markup, element, render, text } from './markup.js';

export const p = (...children: Content[]): Markup => element('p', {}, ...children);
export const strong = (...children: Content[]): Markup => element('strong', {}, ...children);
export const em = (...children: Content[]): Markup => element('em', {}, ...children);
export const inlineCode = (...children: Content[]): Markup => element('code', {}, ...children);
export const br = (): Markup => new Markup('<br/>');
export const ul = (items: Content[]): Markup => element('ul', {}, ...items.map((item) => element('li', {}, item)));

export function h(level: 1 | 2 | 3 | 4 | 5 | 6, ...children: Content[]): Markup {
  return element(`h${level}`, {}, ...children);
}

/** A cell holding bare text gets a paragraph, as the Confluence editor writes it. */
function cell(tag: 'th' | 'td', value: Content): Markup {
  // Block content (paragraphs, tables, code or panel macros) stands alone; inline content such as a status lozenge gets a paragraph.
  const isBlock = value instanceof Markup && /^<(p|table|ul|ol|h\d)[\s>/]|^<ac:structured-macro ac:name="(?!status")/.test(value.xml);
  return element(tag, {}, isBlock ? value : element('p', {}, value));
}

export function table(headers: Content[], rows: Content[][]): Markup {
  const head = element('tr', {}, ...headers.map((header) => cell('th', header)));
  const body = rows.map((row) => element('tr', {}, ...row.map((value) => cell('td', value))));
  return element('table', {}, element('tbody', {}, head, ...body));
}

const SAFE_URL = /^(https?:\/\/|mailto:|\/|#)/i;

/** Only http(s), mailto and relative links: anything else (javascript:, data:) stays plain text. */
export function link(url: string, label: Content = url): Markup {
  if (!SAFE_URL.test(url.trim())) return text(render(label) === '' ? url : stripTags(render(label)));
  return element('a', { href: url.trim() }, label);
}

export function jiraIssue(key: string, baseUrl?: string): Markup {
  if (!baseUrl) return element('code', {}, key);
  return link(`${baseUrl.replace(/\/+$/, '')}/browse/${encodeURIComponent(key)}`, key);
}

/**
 * A deployment on a page: its short id linking to its dashboard page when there is an address
 * for it (PUBLIC_URL), else its whole id as code, to look up in the API or the CLI.
 */
export function deploymentRef(deploymentId: string, url?: string): Markup {
  return url ? link(url, deploymentId.slice(0, 8)) : element('code', {}, deploymentId);
}

function stripTags(xml: string): string {
  return xml
    .replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}
