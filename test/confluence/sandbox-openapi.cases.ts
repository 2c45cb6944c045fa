import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { type RunningConfluenceSandbox, startConfluenceSandbox } from '../../lab/atlassian/confluence/index.js';

describe('sandbox-openapi', () => {
  const SPEC_PATH = fileURLToPath(new URL('../../lab/atlassian/specs/confluence-v1.openapi.json', import.meta.url));
  const USER = { username: 'opsprint@example.com', password: 'sandbox-api-token' };
  const AUTH = `Basic ${Buffer.from(`${USER.username}:${USER.password}`).toString('base64')}`;

  type Spec = { paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: object }> }> }>> };
  const spec = JSON.parse(readFileSync(SPEC_PATH, 'utf8')) as Spec;
  // ajv-formats is CommonJS: under native ESM its default export may arrive wrapped.
  const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (
    ajv: Ajv,
  ) => Ajv;
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema(spec as object, 'confluence');

  /** The 200 application/json schema the official document gives for an operation. */
  function validatorFor(path: string, method: string): ValidateFunction {
    const schema = spec.paths[path]?.[method]?.responses['200']?.content?.['application/json']?.schema as { $ref?: string } | undefined;
    if (!schema?.$ref) throw new Error(`no 200 JSON schema for ${method.toUpperCase()} ${path}`);
    return ajv.compile({ $ref: `confluence${schema.$ref}` });
  }

  describe('Confluence sandbox answers match the official OpenAPI document', () => {
    let sandbox: RunningConfluenceSandbox;

    const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
      const response = await fetch(`${sandbox.baseUrl}${path}`, {
        method,
        headers: {
          authorization: AUTH,
          ...(body !== undefined && !(body instanceof FormData) ? { 'content-type': 'application/json' } : {}),
          ...headers,
        },
        body: body === undefined ? undefined : body instanceof FormData ? body : JSON.stringify(body),
      });
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      return { status: response.status, json: (await response.json()) as Record<string, any> };
    };

    const expectValid = (path: string, method: string, json: unknown) => {
      const validate = validatorFor(path, method);
      const valid = validate(json);
      expect(valid ? [] : validate.errors).toEqual([]);
    };

    beforeAll(async () => {
      sandbox = await startConfluenceSandbox({ users: [USER], spaces: ['OPS'] });
    });
    afterAll(() => sandbox.close());

    it('rejects answers that break the document (the validators are not vacuous)', () => {
      const validate = validatorFor('/wiki/rest/api/content/{id}', 'get');
      expect(validate({ id: '1', title: 'no status, no type' })).toBe(false);
      expect(validate({ id: '1', type: 'page', status: 'current', version: { number: 'two' } })).toBe(false);
      expect(validatorFor('/wiki/rest/api/search', 'get')({ results: [] })).toBe(false);
    });

    it('validates create, get, update, list by title, search, children, labels, attachments and spaces', async () => {
      const home = sandbox.spaceHomePageId('OPS');
      const created = await call('POST', '/rest/api/content', {
        type: 'page',
        title: 'lab — Keystone identity service',
        space: { key: 'OPS' },
        ancestors: [{ id: home }],
        body: { storage: { value: '<p>hello &amp; welcome</p>', representation: 'storage' } },
      });
      expect(created.status).toBe(200);
      expectValid('/wiki/rest/api/content', 'post', created.json);
      const id = created.json.id as string;

      const fetched = await call('GET', `/rest/api/content/${id}?expand=body.storage,version,ancestors,space,metadata.labels`);
      expectValid('/wiki/rest/api/content/{id}', 'get', fetched.json);
      expect(fetched.json.ancestors.map((a: { id: string }) => a.id)).toEqual([home]);

      const updated = await call('PUT', `/rest/api/content/${id}?expand=body.storage,version`, {
        id,
        type: 'page',
        title: 'lab — Keystone identity service',
        space: { key: 'OPS' },
        version: { number: 2, minorEdit: false },
        body: { storage: { value: '<p>v2</p>', representation: 'storage' } },
      });
      expect(updated.json.version.number).toBe(2);
      expectValid('/wiki/rest/api/content/{id}', 'put', updated.json);

      const byTitle = await call(
        'GET',
        `/rest/api/content?spaceKey=OPS&title=${encodeURIComponent('lab — Keystone identity service')}&expand=body.storage,version`,
      );
      expect(byTitle.json.results).toHaveLength(1);
      expectValid('/wiki/rest/api/content', 'get', byTitle.json);

      const search = await call('GET', `/rest/api/search?cql=${encodeURIComponent(`parent=${home} and type=page`)}`);
      expect(search.json.results.map((r: { content: { id: string } }) => r.content.id)).toEqual([id]);
      expectValid('/wiki/rest/api/search', 'get', search.json);

      const contentSearch = await call(
        'GET',
        `/rest/api/content/search?cql=${encodeURIComponent('space=OPS and title="lab — Keystone identity service"')}`,
      );
      expect(contentSearch.json.results.map((r: { id: string }) => r.id)).toEqual([id]);
      expectValid('/wiki/rest/api/content/search', 'get', contentSearch.json);

      const children = await call('GET', `/rest/api/content/${home}/child/page?expand=version`);
      expect(children.json.results.map((r: { id: string }) => r.id)).toEqual([id]);
      expectValid('/wiki/rest/api/content/{id}/child/{type}', 'get', children.json);

      const labels = await call('POST', `/rest/api/content/${id}/label`, [{ prefix: 'global', name: 'opsprint' }]);
      expect(labels.json.results.map((l: { name: string }) => l.name)).toEqual(['opsprint']);
      expectValid('/wiki/rest/api/content/{id}/label', 'post', labels.json);

      const form = new FormData();
      form.append('file', new Blob([Buffer.from('png-bytes')], { type: 'image/png' }), 'burndown.png');
      const attachment = await call('POST', `/rest/api/content/${id}/child/attachment`, form, { 'X-Atlassian-Token': 'nocheck' });
      expect(attachment.json.results[0].title).toBe('burndown.png');
      expectValid('/wiki/rest/api/content/{id}/child/attachment', 'post', attachment.json);

      const spaces = await call('GET', '/rest/api/space?spaceKey=OPS');
      expect(spaces.json.results[0]._expandable.homepage).toBe(`/rest/api/content/${home}`);
      expectValid('/wiki/rest/api/space', 'get', spaces.json);
    });

    it('answers errors with Confluence-shaped JSON bodies', async () => {
      const home = sandbox.spaceHomePageId('OPS');
      const stale = await call('PUT', `/rest/api/content/${home}`, {
        type: 'page',
        title: 'OPS Home',
        version: { number: 1 },
        body: { storage: { value: '<p>x</p>', representation: 'storage' } },
      });
      expect(stale).toEqual({
        status: 409,
        json: expect.objectContaining({
          statusCode: 409,
          message: 'Version must be incremented on update. Current version is: 1',
          data: expect.objectContaining({ successful: false }),
        }),
      });

      const broken = await call('POST', '/rest/api/content', {
        type: 'page',
        title: 'Broken',
        space: { key: 'OPS' },
        body: { storage: { value: '<p>unclosed', representation: 'storage' } },
      });
      expect(broken.status).toBe(400);
      expect(broken.json.message).toMatch(/^Error parsing xhtml/);

      const missing = await call('GET', '/rest/api/content/999999');
      expect(missing.json).toMatchObject({ statusCode: 404, message: 'No content found with id: ContentId{id=999999}' });

      const noXsrf = await call('POST', `/rest/api/content/${home}/child/attachment`, new FormData());
      expect(noXsrf.status).toBe(403);

      const response = await fetch(`${sandbox.baseUrl}/rest/api/content/${home}`);
      expect(response.status).toBe(401);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      expect(await response.json()).toMatchObject({ statusCode: 401 });
    });
  });
});
