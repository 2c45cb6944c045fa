/**
 * The JQL subset OpSprint sends: clauses joined by AND (field = v, field != v, field in (…),
 * field not in (…)), then an optional ORDER BY. Unknown syntax is a 400, as in JIRA.
 */
export interface JqlClause {
  field: string;
  negated: boolean;
  values: string[];
}

export interface JqlQuery {
  clauses: JqlClause[];
  orderBy: { field: string; direction: 'ASC' | 'DESC' } | null;
}

const TOKEN = /\s*("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|!=|=|\(|\)|,|[^\s=!(),"']+)/y;

function tokenize(jql: string): string[] {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  let match: RegExpExecArray | null;
  while (TOKEN.lastIndex < jql.length && (match = TOKEN.exec(jql))) tokens.push(match[1]);
  if (jql.slice(TOKEN.lastIndex).trim())
    throw new JqlError(`Error in the JQL Query: unexpected text near "${jql.slice(TOKEN.lastIndex, TOKEN.lastIndex + 20)}"`);
  return tokens;
}

export class JqlError extends Error {}

function unquote(token: string): string {
  if (/^["']/.test(token)) return token.slice(1, -1).replace(/\\(.)/g, '$1');
  return token;
}

export function parseJql(jql: string): JqlQuery {
  const tokens = tokenize(jql);
  const clauses: JqlClause[] = [];
  let i = 0;
  const peek = (offset = 0) => tokens[i + offset]?.toUpperCase();
  while (i < tokens.length && peek() !== 'ORDER') {
    if (clauses.length > 0) {
      if (peek() !== 'AND') throw new JqlError(`Error in the JQL Query: expected AND, found "${tokens[i]}"`);
      i++;
    }
    const field = tokens[i++]?.toLowerCase();
    if (!field) throw new JqlError('Error in the JQL Query: expected a field');
    let negated = false;
    let values: string[];
    if (peek() === '=' || peek() === '!=') {
      negated = tokens[i++] === '!=';
      const value = tokens[i++];
      if (value === undefined) throw new JqlError(`Error in the JQL Query: expected a value after "${field}"`);
      values = [unquote(value)];
    } else {
      if (peek() === 'NOT') {
        negated = true;
        i++;
      }
      if (peek() !== 'IN' || tokens[i + 1] !== '(')
        throw new JqlError(`Error in the JQL Query: unsupported operator near "${tokens[i] ?? ''}"`);
      i += 2;
      values = [];
      while (tokens[i] !== ')') {
        if (tokens[i] === undefined) throw new JqlError('Error in the JQL Query: missing ")"');
        if (tokens[i] !== ',') values.push(unquote(tokens[i]));
        i++;
      }
      i++;
    }
    clauses.push({ field, negated, values });
  }
  let orderBy: JqlQuery['orderBy'] = null;
  if (peek() === 'ORDER') {
    if (peek(1) !== 'BY' || !tokens[i + 2]) throw new JqlError('Error in the JQL Query: expected ORDER BY <field>');
    const direction = peek(3) === 'DESC' ? 'DESC' : 'ASC';
    orderBy = { field: tokens[i + 2].toLowerCase(), direction };
  }
  return { clauses, orderBy };
}
