import { createRequire } from 'node:module';
import { TRANSPORT_TAG, type TaggedHttpFailure, type TaggedNetworkFailure } from './jira-http-error.js';

interface PostmanResponse {
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}
type PostmanRequest = (options: Record<string, unknown>, cb: (err: NodeJS.ErrnoException | null, res: PostmanResponse) => void) => void;

// jira-client's own transport; pinned through package.json `overrides`. Loaded on the first JIRA
// call, like jira-client itself: its module graph (tough-cookie, sshpk, the public suffix list)
// costs about 0.5 s of CPU, paid by every process start although most never talk to JIRA.
let postmanRequest: PostmanRequest | undefined;
function loadPostmanRequest(): PostmanRequest {
  postmanRequest ??= createRequire(import.meta.url)('postman-request') as PostmanRequest;
  return postmanRequest;
}

/**
 * The `request` option handed to jira-client: same transport as the library's default, but a
 * failure keeps its status, headers and body (the default rejects with the body alone).
 */
export function jiraTransport(options: Record<string, unknown>): Promise<unknown> {
  return new Promise((resolve, reject) => {
    loadPostmanRequest()(options, (err, res) => {
      if (err) {
        const failure: TaggedNetworkFailure = { tag: TRANSPORT_TAG, networkError: err.code ?? 'ERROR', message: err.message };
        reject(failure);
      } else if (res.statusCode >= 400) {
        const failure: TaggedHttpFailure = {
          tag: TRANSPORT_TAG,
          statusCode: res.statusCode,
          headers: res.headers,
          body: res.body,
          request: describeRequest(options),
        };
        reject(failure);
      } else {
        resolve(res.body);
      }
    });
  });
}

/** `POST /rest/api/2/search`: method and path, without the query string (it may carry JQL). */
function describeRequest(options: Record<string, unknown>): string {
  const method = typeof options.method === 'string' ? options.method.toUpperCase() : 'GET';
  const uri = typeof options.uri === 'string' ? options.uri : String(options.url ?? '');
  let path = uri;
  try {
    path = new URL(uri).pathname;
  } catch {
    path = uri.split('?')[0];
  }
  return `${method} ${path}`;
}
