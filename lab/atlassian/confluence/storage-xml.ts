import { XMLParser, XMLValidator } from 'fast-xml-parser';

/** A parsed storage document: ordered nodes as fast-xml-parser's preserveOrder mode gives them. */
export type StorageNode = Record<string, unknown> & { ':@'?: Record<string, string> };

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  cdataPropName: '#cdata',
  trimValues: false,
  parseTagValue: false,
  parseAttributeValue: false,
  processEntities: true,
  htmlEntities: true,
});

/** Storage format is a fragment with namespaced macros: wrap it so it parses as one XML document. */
export function parseStorage(storage: string): StorageNode[] {
  const document = `<storage xmlns:ac="http://atlassian.com/content" xmlns:ri="http://atlassian.com/resource/identifier">${storage}</storage>`;
  const valid = XMLValidator.validate(document);
  if (valid !== true) {
    throw new Error(`storage format is not well-formed XML: ${valid.err.msg} (line ${valid.err.line})`);
  }
  const [root] = parser.parse(document) as StorageNode[];
  return (root?.storage as StorageNode[]) ?? [];
}

export function tagName(node: StorageNode): string | undefined {
  return Object.keys(node).find((key) => key !== ':@');
}

export function childrenOf(node: StorageNode): StorageNode[] {
  const name = tagName(node);
  const value = name ? node[name] : undefined;
  return Array.isArray(value) ? (value as StorageNode[]) : [];
}

/** The text a reader sees: text nodes and CDATA, concatenated in document order. */
export function textOf(nodes: StorageNode[] | StorageNode): string {
  const list = Array.isArray(nodes) ? nodes : [nodes];
  return list
    .map((node) => {
      if (typeof node['#text'] === 'string') return node['#text'];
      if (tagName(node) === '#cdata') return textOf(childrenOf(node));
      return textOf(childrenOf(node));
    })
    .join('');
}

/** Depth-first search for elements by tag name. */
export function findAll(nodes: StorageNode[], name: string): StorageNode[] {
  const found: StorageNode[] = [];
  for (const node of nodes) {
    if (tagName(node) === name) found.push(node);
    found.push(...findAll(childrenOf(node), name));
  }
  return found;
}

export function attributesOf(node: StorageNode): Record<string, string> {
  return node[':@'] ?? {};
}

/** `<ac:parameter ac:name="…">` values of a macro. */
export function macroParameters(macro: StorageNode): Record<string, string> {
  const parameters: Record<string, string> = {};
  for (const child of childrenOf(macro)) {
    if (tagName(child) === 'ac:parameter') parameters[attributesOf(child)['ac:name'] ?? ''] = textOf(childrenOf(child));
  }
  return parameters;
}

/** Rows of a `<table>` as arrays of cell texts (header row included). */
export function tableRows(table: StorageNode): string[][] {
  return findAll(childrenOf(table), 'tr').map((row) =>
    childrenOf(row)
      .filter((cell) => tagName(cell) === 'th' || tagName(cell) === 'td')
      .map((cell) => textOf(childrenOf(cell)).trim()),
  );
}
