import { badRequest } from './sandbox-error.js';
import { type ConfluenceStore, type StoredPage, latest } from './store.js';

interface Clause {
  field: string;
  operator: '=' | '!=' | '~' | 'in';
  values: string[];
}

const FIELDS = new Set(['space', 'title', 'parent', 'ancestor', 'label', 'type', 'id']);
const TOKEN = /\s*("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|!=|=|~|\(|\)|,|[^\s=!~(),"']+)/y;

function tokenize(cql: string): string[] {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  let match: RegExpExecArray | null;
  while (TOKEN.lastIndex < cql.length && (match = TOKEN.exec(cql))) tokens.push(match[1]!);
  if (cql.slice(TOKEN.lastIndex).trim()) throw badRequest(`Could not parse cql : ${cql}`);
  return tokens;
}

function unquote(token: string): string {
  if (/^["']/.test(token)) return token.slice(1, -1).replace(/\\(.)/g, '$1');
  return token;
}

/** The CQL subset OpSprint needs: field (=, !=, ~, in) value clauses joined by AND. */
export function parseCql(cql: string): Clause[] {
  const tokens = tokenize(cql);
  const clauses: Clause[] = [];
  let index = 0;
  while (index < tokens.length) {
    const field = tokens[index++]!.toLowerCase();
    if (!FIELDS.has(field)) throw badRequest(`Could not parse cql : ${cql} (unsupported field '${field}')`);
    const operator = tokens[index++]?.toLowerCase();
    if (operator === 'in') {
      if (tokens[index++] !== '(') throw badRequest(`Could not parse cql : ${cql}`);
      const values: string[] = [];
      while (tokens[index] !== ')') {
        if (index >= tokens.length) throw badRequest(`Could not parse cql : ${cql}`);
        const token = tokens[index++]!;
        if (token !== ',') values.push(unquote(token));
      }
      index++;
      clauses.push({ field, operator: 'in', values });
    } else if (operator === '=' || operator === '!=' || operator === '~') {
      const value = tokens[index++];
      if (value === undefined) throw badRequest(`Could not parse cql : ${cql}`);
      clauses.push({ field, operator, values: [unquote(value)] });
    } else {
      throw badRequest(`Could not parse cql : ${cql}`);
    }
    const joiner = tokens[index];
    if (joiner === undefined) break;
    if (joiner.toLowerCase() !== 'and') throw badRequest(`Could not parse cql : ${cql} (only AND is supported)`);
    index++;
  }
  return clauses;
}

function fieldValues(store: ConfluenceStore, page: StoredPage, field: string): string[] {
  switch (field) {
    case 'space':
      return [page.spaceKey];
    case 'title':
      return [latest(page).title];
    case 'parent':
      return page.parentId ? [page.parentId] : [];
    case 'ancestor':
      return store.ancestors(page).map((ancestor) => ancestor.id);
    case 'label':
      return page.labels;
    case 'type':
      return ['page'];
    default:
      return [page.id];
  }
}

function matches(store: ConfluenceStore, page: StoredPage, clause: Clause): boolean {
  const actual = fieldValues(store, page, clause.field).map((value) => value.toLowerCase());
  const wanted = clause.values.map((value) => value.toLowerCase());
  switch (clause.operator) {
    case '=':
    case 'in':
      return wanted.some((value) => actual.includes(value));
    case '!=':
      return !wanted.some((value) => actual.includes(value));
    case '~':
      return wanted.some((value) => actual.some((candidate) => candidate.includes(value.replace(/\*/g, ''))));
  }
}

export function searchPages(store: ConfluenceStore, cql: string): StoredPage[] {
  const clauses = parseCql(cql);
  return [...store.pages.values()].filter((page) => clauses.every((clause) => matches(store, page, clause)));
}
