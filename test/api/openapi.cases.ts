import { Ajv, type ErrorObject } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { ADMIN_TOKEN, bearer, closeAsWorker, createToken, environmentBody, startApiApp, type ApiTestApp } from './api-test-app.js';
import { SseReader } from './sse-reader.js';

describe('openapi', () => {
  // ajv-formats is CommonJS: under native ESM its default export may arrive wrapped.
  const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

  type Schema = Record<string, unknown>;
  interface Operation {
    summary?: string;
    description?: string;
    security?: Record<string, string[]>[];
    parameters?: { name: string; in: string }[];
    requestBody?: unknown;
    responses: Record<string, { description?: string; headers?: Record<string, unknown>; content?: Record<string, { schema?: Schema }> }>;
  }
  interface OpenApiDocument {
    paths: Record<string, Record<string, Operation>>;
    components: { schemas: Record<string, Schema>; securitySchemes: Record<string, Schema> };
  }

  const ROLES = ['viewer', 'operator', 'admin'] as const;
  type Role = (typeof ROLES)[number];

  let t: ApiTestApp;
  let doc: OpenApiDocument;
  const tokens = {} as Record<Role, string>;

  beforeAll(async () => {
    t = await startApiApp();
    for (const role of ROLES) tokens[role] = (await createToken(t, `openapi-${role}`, role)).token;
    doc = (await t.http().get('/api/docs-json').expect(200)).body;
  });
  afterAll(async () => {
    await t?.close();
  });

  const apiOperations = () =>
    Object.entries(doc.paths)
      .filter(([path]) => path.startsWith('/api/v1/'))
      .flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ method, path, op, name: `${method.toUpperCase()} ${path}` })));

  const roleOf = (op: Operation) => /(?:^|\n)Role: (viewer|operator|admin)$/m.exec(op.description ?? '')?.[1] as Role | undefined;

  describe('the OpenAPI document at /api/docs-json', () => {
    it('describes the bearer scheme as opaque API tokens, not JWT', () => {
      const scheme = doc.components.securitySchemes.bearer;
      expect(scheme).toMatchObject({ type: 'http', scheme: 'bearer' });
      expect(scheme).not.toHaveProperty('bearerFormat');
      expect(scheme.description).toMatch(/opaque/i);
      expect(scheme.description).toContain('POST /api/v1/tokens');
      expect(scheme.description).toContain('OPSPRINT_ADMIN_TOKEN');
    });

    it('gives every /api/v1 route a summary, its role, the bearer scheme, a 2xx schema and its 4xx answers', () => {
      const problems: string[] = [];
      for (const { method, path, op, name } of apiOperations()) {
        const problem = (text: string) => problems.push(`${name}: ${text}`);
        if (!op.summary?.trim()) problem('no summary');
        const role = roleOf(op);
        if (!role) problem('no "Role: viewer|operator|admin" line in the description');
        if (JSON.stringify(op.security) !== JSON.stringify([{ bearer: [] }])) problem('not secured by the bearer scheme');

        const success = Object.entries(op.responses).filter(([status]) => /^2\d\d$/.test(status));
        if (success.length !== 1) problem(`${success.length} success answers documented`);
        for (const [status, response] of success) {
          const stream = response.content?.['text/event-stream'];
          const json = response.content?.['application/json']?.schema;
          // 204 No Content (a deletion) has no body at all.
          if (status !== '204' && !stream && !(json && resolvesToObject(json)))
            problem(`${status} has no JSON object schema (nor text/event-stream)`);
        }

        // Every route authenticates, and failed authentication is rate-limited per source.
        const expected = new Set(['401', '429']);
        if (role && role !== 'viewer') expected.add('403');
        if (op.requestBody || (op.parameters ?? []).length > 0) expected.add('400');
        if (path.includes('{')) expected.add('404');
        if (method === 'post' && /^\/api\/v1\/deployments(\/\{id\}\/(cancel|retry))?$/.test(path)) expected.add('409');
        if (method === 'post' && /^\/api\/v1\/sprints(\/\{id\}\/(publish|close))?$/.test(path)) expected.add('409');
        // An environment does not change or go away while it deploys.
        if ((method === 'put' || method === 'delete') && path === '/api/v1/environments/{name}') expected.add('409');
        // A schedule's name is unique per environment.
        if ((method === 'post' || method === 'patch') && /^\/api\/v1\/schedules(\/\{id\})?$/.test(path)) expected.add('409');
        const documented = Object.keys(op.responses).filter((status) => /^4\d\d$/.test(status));
        for (const status of expected) if (!documented.includes(status)) problem(`${status} not documented`);
        for (const status of documented) {
          if (!expected.has(status)) problem(`${status} documented where it cannot happen`);
          const schema = op.responses[status].content?.['application/json']?.schema;
          if (schema?.$ref !== '#/components/schemas/ErrorResponseDto') problem(`${status} is not an ErrorResponseDto in JSON`);
        }
        const tooMany = op.responses['429'];
        if (tooMany && !tooMany.headers?.['Retry-After']) problem('429 does not document its Retry-After header');
        if (tooMany && !tooMany.description?.includes('AUTH_FAILURES_PER_MINUTE')) problem('429 does not name AUTH_FAILURES_PER_MINUTE');
        if (path.endsWith('/logs/stream') && !tooMany?.description?.includes('SSE_STREAMS_PER_TOKEN'))
          problem('429 does not name the per-token stream cap SSE_STREAMS_PER_TOKEN');
      }
      expect(problems).toEqual([]);
      expect(apiOperations().length).toBeGreaterThanOrEqual(15);
    });

    it('documents the JIRA webhook, with its 429 for a source sending bad signatures', () => {
      const op = doc.paths['/webhooks/jira']?.post;
      expect(op).toBeDefined();
      expect(op.summary).toBeTruthy();
      expect(Object.keys(op.responses).sort()).toEqual(['202', '400', '401', '429', '503']);
      const tooMany = op.responses['429'];
      expect(tooMany.content?.['application/json']?.schema).toEqual({ $ref: '#/components/schemas/ErrorResponseDto' });
      expect(tooMany.headers?.['Retry-After']).toBeDefined();
      expect(tooMany.description).toContain('WEBHOOK_FAILURES_PER_MINUTE');
    });

    it('states the role the guard enforces: a token one role below gets 403, the stated role gets past the guard', async () => {
      for (const { method, path, op, name } of apiOperations()) {
        const role = roleOf(op)!;
        // Valid-looking but unknown ids, and empty bodies: past the guard a route refuses or finds nothing, so nothing changes.
        const target = path.replace(/\{(\w+)\}/g, (_all, param: string) =>
          ['name', 'key'].includes(param) ? 'no-such-thing' : '00000000-0000-0000-0000-000000000000',
        );
        const call = (token?: string) => {
          const request = (t.http() as unknown as Record<string, (url: string) => import('supertest').Test>)[method](target);
          return token ? request.set(bearer(token)) : request;
        };
        const anonymous = await call();
        expect({ name, status: anonymous.status }).toEqual({ name, status: 401 });
        const below = ROLES[ROLES.indexOf(role) - 1];
        if (below) expect({ name, status: (await call(tokens[below])).status }).toEqual({ name, status: 403 });
        const allowed = (await call(tokens[role])).status;
        if ([401, 403].includes(allowed))
          throw new Error(`${name} refused a ${role} token (${allowed}) although the document says Role: ${role}`);
      }
      expect(await t.db.prisma.deployment.count()).toBe(0);
      expect(await t.db.prisma.environment.count()).toBe(0);
    });
  });

  describe('answers match the documented schemas (no undocumented field, ISO dates, UUIDs)', () => {
    let validator: ResponseValidator;
    const checked = new Set<string>();
    beforeAll(() => {
      validator = new ResponseValidator(doc);
    });

    /** Sends `method path` (a template of the document), expects `status` and validates the body against the documented schema. */
    async function call(
      method: 'get' | 'post' | 'put' | 'patch' | 'delete',
      template: string,
      status: number,
      options: { params?: Record<string, string>; query?: string; body?: object; token?: string } = {},
    ) {
      const path = template.replace(/\{(\w+)\}/g, (_all, name: string) => options.params![name]);
      const url = options.query ? `${path}?${options.query}` : path;
      let request = (t.http() as unknown as Record<string, (url: string) => import('supertest').Test>)
        [method](url)
        .set(bearer(options.token ?? ADMIN_TOKEN));
      if (options.body) request = request.send(options.body);
      const response = await request;
      expect({ route: `${method} ${url}`, status: response.status }).toEqual({ route: `${method} ${url}`, status });
      if (status === 204) {
        expect(response.text).toBe('');
        checked.add(`${method.toUpperCase()} ${template}`);
        return undefined;
      }
      expect({ route: `${method} ${template} ${status}`, errors: validator.validate(method, template, status, response.body) }).toEqual({
        route: `${method} ${template} ${status}`,
        errors: [],
      });
      if (status < 300) checked.add(`${method.toUpperCase()} ${template}`);
      return response.body;
    }

    it('for every route, on a real environment, deployment and token', async () => {
      const created = await call('post', '/api/v1/tokens', 201, { body: { name: 'schema-check', role: 'viewer' } });
      expect(created.token).toMatch(/^ops_/);
      const listed = await call('get', '/api/v1/tokens', 200);
      expect(JSON.stringify(listed)).not.toContain(created.token);
      const revoked = await call('delete', '/api/v1/tokens/{id}', 200, { params: { id: created.id } });
      expect(revoked).not.toHaveProperty('token');

      const body = environmentBody('lab', { ADMIN_PASS: 'Schema-admin-pass-31' });
      await call('post', '/api/v1/environments', 201, { body });
      await call('get', '/api/v1/environments', 200);
      await call('get', '/api/v1/environments/{name}', 200, { params: { name: 'lab' } });
      const { name: _name, ...update } = body;
      const updated = await call('put', '/api/v1/environments/{name}', 200, { params: { name: 'lab' }, body: update });
      expect(JSON.stringify(updated)).not.toContain('Schema-admin-pass-31');

      await call('get', '/api/v1/runbooks', 200);
      await call('get', '/api/v1/runbooks/{key}', 200, { params: { key: 'openstack-liberty' } });
      await call('get', '/api/v1/runbooks/{key}/preview', 200, {
        params: { key: 'openstack-liberty' },
        query: 'environment=lab&phases=keystone',
      });

      const deployment = await call('post', '/api/v1/deployments', 201, { body: { environment: 'lab', phases: ['base', 'mariadb'] } });
      const id: string = deployment.id;
      // What a worker leaves after a verification: output and a parsed table.
      const step = await t.db.prisma.stepRun.findFirstOrThrow({ where: { deploymentId: id }, orderBy: { position: 'asc' } });
      const finishedAt = new Date();
      await t.db.prisma.stepRun.update({
        where: { id: step.id },
        data: { status: 'ok', exitCode: 0, stdout: 'Name | Status\n', startedAt: finishedAt, finishedAt, durationMs: 12 },
      });
      await t.db.prisma.artifact.create({
        data: {
          deploymentId: id,
          stepRunId: step.id,
          phaseKey: 'base',
          node: step.node,
          kind: 'verification_table',
          name: step.title,
          content: 'Name | Status\n',
          data: { columns: ['Name', 'Status'], rows: [{ Name: 'cirros', Status: 'active' }] },
        },
      });
      const output = await call('get', '/api/v1/deployments/{id}/steps/{stepRunId}/output', 200, { params: { id, stepRunId: step.id } });
      expect(output.finishedAt).toBe(finishedAt.toISOString());
      expect(output.artifacts[0]).toMatchObject({ kind: 'verification_table', data: { columns: ['Name', 'Status'] } });
      await call('get', '/api/v1/deployments', 200, { query: 'environment=lab' });
      const got = await call('get', '/api/v1/deployments/{id}', 200, { params: { id } });
      expect(got.phaseRuns[0].steps[0]).toMatchObject({ id: step.id, status: 'ok', finishedAt: finishedAt.toISOString() });
      await call('post', '/api/v1/deployments/{id}/cancel', 200, { params: { id } });
      // No workers here: close the cancelled deployment as its worker would, so its log stream ends.
      await closeAsWorker(t, id);

      const stream = await fetch(`${await listening()}/api/v1/deployments/${id}/logs/stream`, { headers: bearer(ADMIN_TOKEN) });
      expect(stream.headers.get('content-type')).toMatch(/^text\/event-stream/);
      const events = new SseReader(stream.body!.getReader());
      while (await events.next());
      checked.add('GET /api/v1/deployments/{id}/logs/stream');

      await call('post', '/api/v1/deployments/{id}/retry', 200, { params: { id } });
      await call('put', '/api/v1/environments/{name}', 409, { params: { name: 'lab' }, body: update });
      await call('delete', '/api/v1/environments/{name}', 409, { params: { name: 'lab' } });
      await call('post', '/api/v1/environments', 201, { body: environmentBody('gone') });
      await call('delete', '/api/v1/environments/{name}', 204, { params: { name: 'gone' } });

      // Sprints (no JIRA board here: created through the API) and their review; the cancelled deployment above ran before it.
      const sprint = await call('post', '/api/v1/sprints', 201, {
        body: {
          name: 'Sprint 1',
          goal: 'Schema check',
          endAt: new Date(Date.now() + 86_400_000).toISOString(),
          environment: 'lab',
          phases: ['base'],
        },
      });
      expect(sprint).toMatchObject({ state: 'active', source: 'opsprint', environment: 'lab', reviewPageUrl: null });
      await call('get', '/api/v1/sprints', 200);
      const report = await call('get', '/api/v1/sprints/{id}/report', 200, { params: { id: sprint.id } });
      expect(report.scope.committed.stories).toBeGreaterThan(0);
      // Without Confluence there is nothing to publish to (the 200 answer is checked in test/reports/sprint-review-publish.spec.ts).
      await call('post', '/api/v1/sprints/{id}/publish', 409, { params: { id: sprint.id } });
      checked.add('POST /api/v1/sprints/{id}/publish');
      const closed = await call('post', '/api/v1/sprints/{id}/close', 200, { params: { id: sprint.id } });
      expect(closed.state).toBe('closed');
      const audit = await call('get', '/api/v1/audit', 200, { query: 'action=sprint.close&limit=5' });
      expect(audit.items).toEqual([expect.objectContaining({ action: 'sprint.close', target: sprint.id })]);

      const schedule = await call('post', '/api/v1/schedules', 201, { body: { environment: 'lab', name: 'nightly', cron: '0 3 * * *' } });
      await call('get', '/api/v1/schedules', 200);
      await call('get', '/api/v1/schedules/{key}', 200, { params: { key: 'drift-check' } });
      await call('patch', '/api/v1/schedules/{id}', 200, { params: { id: schedule.key }, body: { enabled: false } });
      await call('post', '/api/v1/schedules/{key}/run', 202, { params: { key: schedule.key } });
      await call('get', '/api/v1/schedules/{key}/runs', 200, { params: { key: schedule.key } });
      await call('delete', '/api/v1/schedules/{id}', 200, { params: { id: schedule.key } });
      await call('get', '/api/v1/environments/{name}/drift', 200, { params: { name: 'lab' } });

      expect([...checked].sort()).toEqual(
        apiOperations()
          .map((o) => o.name)
          .sort(),
      );
    });

    // After the test above: "lab" exists and has an active (retried) deployment.
    it('for the error answers: 400, 401, 403, 404 and 409', async () => {
      await call('get', '/api/v1/deployments/{id}', 400, { params: { id: 'not-a-uuid' } });
      await call('post', '/api/v1/deployments', 400, { body: { environment: 'lab', phases: ['warp-drive'] } });
      await call('get', '/api/v1/environments', 401, { token: 'nobody-issued-this' });
      await call('post', '/api/v1/environments', 403, { token: tokens.viewer, body: {} });
      await call('get', '/api/v1/runbooks/{key}', 404, { params: { key: 'no-such-runbook' } });
      await call('post', '/api/v1/deployments', 409, { body: { environment: 'lab', phases: ['base'] } });
    });

    // Last: it blocks this source for a minute.
    it('for the 429 answer of a source that failed authentication too often', async () => {
      let status = 401;
      for (let i = 0; status === 401 && i < 100; i++)
        status = (
          await t
            .http()
            .get('/api/v1/environments')
            .set(bearer(`guess-${i}`))
        ).status;
      expect(status).toBe(429);
      await call('get', '/api/v1/environments', 429, { token: 'one-guess-too-many' });
    });

    let url: string | undefined;
    async function listening(): Promise<string> {
      if (!url) {
        await t.app.listen(0, '127.0.0.1');
        url = (await t.app.getUrl()).replace('[::1]', '127.0.0.1');
      }
      return url;
    }
  });

  /** A JSON body validated against the document, strictly: objects may carry only the documented properties. */
  class ResponseValidator {
    private readonly ajv = new Ajv({ strict: false, allErrors: true });

    constructor(private readonly doc: OpenApiDocument) {
      addFormats(this.ajv);
      const schemas = Object.fromEntries(Object.entries(doc.components.schemas).map(([name, schema]) => [name, toJsonSchema(schema)]));
      this.ajv.addSchema({ components: { schemas } }, 'api');
    }

    validate(method: string, path: string, status: number, body: unknown): string[] {
      const schema = this.doc.paths[path]?.[method]?.responses[String(status)]?.content?.['application/json']?.schema;
      if (!schema) return [`${method} ${path} documents no JSON ${status}`];
      const validate = this.ajv.compile(toJsonSchema(schema, 'api') as object);
      return validate(body)
        ? []
        : (validate.errors ?? []).map((e: ErrorObject) => `${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`);
    }
  }

  /** OpenAPI 3.0 → JSON Schema for ajv: `nullable` as a null type, closed objects, $refs into the registered document. */
  function toJsonSchema(schema: unknown, documentId = ''): unknown {
    if (Array.isArray(schema)) return schema.map((item) => toJsonSchema(item, documentId));
    if (!schema || typeof schema !== 'object') return schema;
    const source = schema as Schema;
    const out: Schema = Object.fromEntries(
      Object.entries(source)
        .filter(([key]) => !['nullable', 'example', 'examples', 'writeOnly'].includes(key))
        .map(([key, value]) => [key, key === 'properties' ? mapValues(value as Schema, documentId) : toJsonSchema(value, documentId)]),
    );
    if (typeof out.$ref === 'string') out.$ref = `${documentId}${out.$ref}`;
    if (out.properties && !('additionalProperties' in out)) out.additionalProperties = false;
    if (!source.nullable) return out;
    if (typeof out.type === 'string')
      return { ...out, type: [out.type, 'null'], ...(out.enum ? { enum: [...(out.enum as unknown[]), null] } : {}) };
    return { anyOf: [out, { type: 'null' }] };
  }

  const mapValues = (properties: Schema, documentId: string) =>
    Object.fromEntries(Object.entries(properties).map(([key, value]) => [key, toJsonSchema(value, documentId)]));

  function resolvesToObject(schema: Schema): boolean {
    const ref = (schema.items as Schema | undefined)?.$ref ?? schema.$ref;
    if (typeof ref !== 'string') return false;
    const target = doc.components.schemas[ref.replace('#/components/schemas/', '')];
    return Boolean(target?.properties && Object.keys(target.properties as Schema).length > 0);
  }
});
