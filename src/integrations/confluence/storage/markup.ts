/**
 * Storage-format XHTML as values: a `Markup` is already-safe XML; any plain string that meets
 * it is escaped. Builders only ever concatenate Markup, so no caller can forget to escape.
 */
export class Markup {
  constructor(readonly xml: string) {}
  toString(): string {
    return this.xml;
  }
}

export type Content = string | number | Markup | null | undefined | false | readonly Content[];

export function escapeXml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;')
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '\uFFFD');
}

/** CDATA cannot contain `]]>`: close the section before the `>` and reopen it. */
export function cdata(value: string): Markup {
  const safe = value.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '\uFFFD');
  return new Markup(`<![CDATA[${safe.split(']]>').join(']]]]><![CDATA[>')}]]>`);
}

export function render(content: Content): string {
  if (content === null || content === undefined || content === false) return '';
  if (content instanceof Markup) return content.xml;
  if (Array.isArray(content)) return content.map(render).join('');
  return escapeXml(String(content));
}

export function text(value: string | number): Markup {
  return new Markup(escapeXml(String(value)));
}

export function fragment(...parts: Content[]): Markup {
  return new Markup(render(parts));
}

/** An element; attribute values are escaped, names are ours (never user data). */
export function element(name: string, attributes: Record<string, string | undefined>, ...children: Content[]): Markup {
  const attrs = Object.entries(attributes)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([key, val]) => ` ${key}="${escapeXml(val)}"`)
    .join('');
  const inner = render(children);
  return new Markup(inner === '' ? `<${name}${attrs}/>` : `<${name}${attrs}>${inner}</${name}>`);
}
