import type { IncomingMessage, ServerResponse } from 'node:http';

/** Small node:http helpers shared by the JIRA and Confluence sandboxes. */

export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (status === 204 || body === undefined) {
    res.writeHead(status, headers).end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json;charset=UTF-8', 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** Atlassian's error body: `{errorMessages: [...], errors: {field: message}}`. */
export function sendError(
  res: ServerResponse,
  status: number,
  messages: string[],
  errors: Record<string, string> = {},
  headers: Record<string, string> = {},
): void {
  sendJson(res, status, { errorMessages: messages, errors }, headers);
}

export class BadRequest extends Error {
  constructor(
    readonly messages: string[],
    readonly errors: Record<string, string> = {},
    readonly status = 400,
  ) {
    super(messages.concat(Object.values(errors)).join('; '));
  }
}

export function parseJsonBody(body: Buffer): Record<string, unknown> {
  if (body.length === 0) throw new BadRequest(['No content to map due to end-of-input']);
  try {
    const value = JSON.parse(body.toString('utf8'));
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not an object');
    return value as Record<string, unknown>;
  } catch {
    throw new BadRequest(['Unexpected character in request body: not a JSON object']);
  }
}

export interface SandboxUser {
  accountId: string;
  displayName: string;
  email: string;
  /** Data Center user name. */
  name: string;
  apiToken: string;
  /** Data Center personal access token (Bearer). */
  pat: string;
}

export const DEFAULT_USERS: SandboxUser[] = [
  {
    accountId: '5b10ac8d82e05b22cc7d4ef5',
    displayName: 'Olga Operator',
    email: 'ops@example.com',
    name: 'olga',
    apiToken: 'sandbox-api-token',
    pat: 'sandbox-pat',
  },
];

/** Basic (email + API token) or Bearer (PAT); null = 401. */
export function authenticate(req: IncomingMessage, users: SandboxUser[]): SandboxUser | null {
  const header = req.headers.authorization ?? '';
  const [scheme, value] = header.split(' ', 2);
  if (scheme?.toLowerCase() === 'basic' && value) {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const email = decoded.slice(0, colon);
    const token = decoded.slice(colon + 1);
    return users.find((u) => (u.email === email || u.name === email) && u.apiToken === token) ?? null;
  }
  if (scheme?.toLowerCase() === 'bearer' && value) return users.find((u) => u.pat === value) ?? null;
  return null;
}
