import { type Content, Markup, cdata, element } from './markup.js';

const parameter = (name: string, value: string): Markup => element('ac:parameter', { 'ac:name': name }, value);

function macro(name: string, parameters: Record<string, string | undefined>, body?: Markup): Markup {
  const params = Object.entries(parameters)
    .filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== '')
    .map(([key, value]) => parameter(key, value));
  return element('ac:structured-macro', { 'ac:name': name }, ...params, body);
}

const richText = (...children: Content[]): Markup => element('ac:rich-text-body', {}, ...children);

export function code(options: { language?: string; title?: string; body: string; collapse?: boolean }): Markup {
  return macro(
    'code',
    { language: options.language, title: options.title, collapse: options.collapse ? 'true' : undefined },
    element('ac:plain-text-body', {}, cdata(options.body)),
  );
}

export type StatusColour = 'Grey' | 'Red' | 'Yellow' | 'Green' | 'Blue';

export function status(options: { colour: StatusColour; title: string }): Markup {
  return macro('status', { colour: options.colour, title: options.title });
}

export type PanelKind = 'info' | 'tip' | 'note' | 'warning';

export function panel(kind: PanelKind, body: Content, title?: string): Markup {
  return macro(kind, { title }, richText(body));
}

export const info = (body: Content, title?: string): Markup => panel('info', body, title);
export const tip = (body: Content, title?: string): Markup => panel('tip', body, title);
export const note = (body: Content, title?: string): Markup => panel('note', body, title);
export const warning = (body: Content, title?: string): Markup => panel('warning', body, title);

export function expand(title: string, body: Content): Markup {
  return macro('expand', { title }, richText(body));
}

/** An image attached to the page (upload the attachment first). */
export function attachedImage(filename: string, alt?: string): Markup {
  return element('ac:image', { 'ac:alt': alt }, element('ri:attachment', { 'ri:filename': filename }));
}

/** A link to another page of the same space, by title (Confluence resolves it, and keeps it on rename). */
export function pageLink(title: string, label: string = title): Markup {
  return element('ac:link', {}, element('ri:page', { 'ri:content-title': title }), element('ac:plain-text-link-body', {}, cdata(label)));
}
