import { bearer, createToken, environmentBody, startApiApp, type ApiTestApp } from './api-test-app.js';

describe('hostile-input', () => {
  // Every /api/v1 route, found in the OpenAPI document so a new route is covered without editing
  // this file, gets hostile path parameters, query values and body fields. Each must be refused
  // with 400 and a reason naming the field, and nothing may change.

  let t: ApiTestApp;
  let admin: string;
  let doc: { paths: Record<string, Record<string, Operation>> };
  const valid: Record<string, string> = {};

  interface Operation {
    parameters?: { name: string; in: 'path' | 'query'; required?: boolean }[];
    requestBody?: unknown;
  }

  /** Values no field accepts. Path and query values are one-line identifiers, so a line feed is hostile there too. */
  const CONTROL = {
    'a NUL byte': '\u0000',
    'a bell': '\u0007',
    'an escape sequence': '\u001b[31m',
    'a DEL': '\u007f',
    'a C1 control (NEL)': '\u0085',
  };
  const IN_IDENTIFIERS = { ...CONTROL, 'a line feed': '\n', 'a tab': '\t' };
  const LONG = 'a'.repeat(5000);
  /** Query values that are lists may be given as `?phases=a,b` or `?phases=a&phases=b`. */
  const LISTS = new Set(['phases']);
  /** Query values that are free text (a token's name may be any printable line, "-1" included). */
  const FREE_TEXT = new Set(['actor']);

  const FINGERPRINT = `SHA256:${'A'.repeat(43)}`;
  function environmentSample(name: string) {
    const body = environmentBody(name, { ADMIN_PASS: 'Hostile-admin-pass-1' });
    body.nodes[1] = { ...body.nodes[1], ssh: { ...body.nodes[1].ssh, hostKeyFingerprint: FINGERPRINT } };
    return { ...body, trustOnFirstUse: false };
  }

  /** A valid body per route; each hostile variant changes exactly one field of it. */
  function sampleBody(method: string, path: string): Record<string, unknown> {
    const { name: _name, ...update } = environmentSample('lab');
    const samples: Record<string, Record<string, unknown>> = {
      'post /api/v1/tokens': { name: 'hostile-client', role: 'viewer' },
      'post /api/v1/environments': environmentSample('hostile'),
      'put /api/v1/environments/{name}': update,
      'post /api/v1/deployments': { environment: 'lab', runbook: 'openstack-liberty', phases: ['base'], dryRun: true },
      'post /api/v1/schedules': {
        environment: 'lab',
        name: 'hostile-nightly',
        cron: '0 3 * * *',
        timezone: 'Asia/Shanghai',
        phases: ['base'],
      },
      'patch /api/v1/schedules/{id}': { enabled: false, cron: '0 4 * * *' },
      'post /api/v1/sprints': { name: 'Hostile sprint', goal: 'Refuse bad input', endAt: '2099-01-01T00:00:00.000Z', environment: 'lab' },
    };
    const sample = samples[`${method} ${path}`];
    if (!sample) throw new Error(`no sample body for ${method} ${path}: add one so its fields are tested`);
    return structuredClone(sample);
  }

  function operations(): { method: string; path: string; op: Operation }[] {
    return Object.entries(doc.paths)
      .filter(([path]) => path.startsWith('/api/v1/'))
      .flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ method, path, op })));
  }

  function url(path: string, params: Record<string, string> = {}): string {
    return path.replace(/\{(\w+)\}/g, (_all, name: string) => {
      const value = params[name] ?? (path.startsWith('/api/v1/tokens') && name === 'id' ? valid.tokenId : valid[name]);
      return encodeURIComponent(value);
    });
  }

  function send(method: string, target: string, options: { query?: Record<string, string | string[]>; body?: unknown } = {}) {
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(options.query ?? {})) for (const v of [value].flat()) search.append(key, v);
    const full = search.size > 0 ? `${target}?${search}` : target;
    const request = (t.http() as unknown as Record<string, (url: string) => import('supertest').Test>)[method](full).set(bearer(admin));
    return options.body === undefined ? request : request.send(options.body as object);
  }

  const requiredQuery = (op: Operation) =>
    Object.fromEntries((op.parameters ?? []).filter((p) => p.in === 'query' && p.required).map((p) => [p.name, valid[p.name]]));

  const regexEscape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

  /**
   * True when a reason names the field, in the notations the API uses: `nodes[1].ssh.port: ...`
   * (service, control characters), `nodes.1.ssh.port must be ...` (class-validator), and for a list
   * item or nested object its key: `phases must list ...`, `network.each value in ntpServers must be ...`.
   */
  function names(reason: string, field: (string | number)[]): boolean {
    const dotted = (path: (string | number)[]) => path.join('.');
    const bracketed = (path: (string | number)[]) =>
      path.reduce<string>((at, key) => (typeof key === 'number' ? `${at}[${key}]` : at ? `${at}.${key}` : key), '');
    const keyAt = field.findLastIndex((key) => typeof key === 'string');
    const key = regexEscape(String(field[keyAt]));
    const parent = regexEscape(dotted(field.slice(0, keyAt)));
    const paths = [dotted(field), bracketed(field), dotted(field.slice(0, keyAt + 1)), bracketed(field.slice(0, keyAt + 1))];
    return (
      paths.some((path) => new RegExp(`(^|[\\s,;])${regexEscape(path)}($|[\\s:,;])`).test(reason)) ||
      new RegExp(`^${parent ? `${parent}\\.` : ''}(${key}\\.)?(each value in |nested property )+${key} `).test(reason)
    );
  }

  /** Sends the request and expects a 400 whose reasons name the field. */
  async function expectRefused(
    method: string,
    target: string,
    options: Parameters<typeof send>[2],
    field: (string | number)[],
    what: string,
  ): Promise<void> {
    const response = await send(method, target, options);
    const summary = `${method.toUpperCase()} ${target.slice(0, 120)} with ${what} in ${field.join('.')}`;
    if (response.status !== 400) throw new Error(`${summary} answered ${response.status}: ${response.text.slice(0, 300)}`);
    const reasons: string[] = response.body.reasons ?? [];
    if (!reasons.some((reason) => names(reason, field)))
      throw new Error(`${summary}: no reason names the field: ${JSON.stringify(reasons)}`);
  }

  /** Every path into the body: containers and leaves, with the value found there. */
  function fieldsOf(value: unknown, at: (string | number)[] = []): { field: (string | number)[]; value: unknown }[] {
    const here = at.length > 0 ? [{ field: at, value }] : [];
    if (Array.isArray(value)) return [...here, ...value.flatMap((item, i) => fieldsOf(item, [...at, i]))];
    if (value && typeof value === 'object')
      return [...here, ...Object.entries(value).flatMap(([key, item]) => fieldsOf(item, [...at, key]))];
    return here;
  }

  function withField(body: Record<string, unknown>, field: (string | number)[], value: unknown): Record<string, unknown> {
    const copy = structuredClone(body);
    let target = copy as Record<string | number, unknown>;
    for (const key of field.slice(0, -1)) target = target[key] as Record<string | number, unknown>;
    target[field.at(-1)!] = value;
    return copy;
  }

  /** A value of another type than the one the field holds. */
  function wrongType(value: unknown): unknown {
    if (typeof value === 'string') return 42;
    if (typeof value === 'number') return 'forty-two';
    if (typeof value === 'boolean') return 'yes';
    return 'not-a-list-or-object';
  }

  async function snapshot() {
    const db = t.db.prisma;
    return {
      environments: await db.environment.findMany({ orderBy: { name: 'asc' }, select: { name: true, updatedAt: true, description: true } }),
      nodes: await db.node.count(),
      secrets: await db.secret.findMany({ orderBy: [{ environmentId: 'asc' }, { name: 'asc' }], select: { name: true, ciphertext: true } }),
      deployments: await db.deployment.findMany({ orderBy: { createdAt: 'asc' }, select: { id: true, status: true } }),
      tokens: await db.apiToken.findMany({ orderBy: { createdAt: 'asc' }, select: { id: true, revokedAt: true } }),
      auditEvents: await db.auditEvent.count(),
    };
  }

  let before: Awaited<ReturnType<typeof snapshot>>;
  beforeAll(async () => {
    t = await startApiApp();
    admin = (await createToken(t, 'hostile-admin', 'admin')).token;
    await t.http().post('/api/v1/environments').set(bearer(admin)).send(environmentSample('lab')).expect(201);
    const deployment = await t
      .http()
      .post('/api/v1/deployments')
      .set(bearer(admin))
      .send({ environment: 'lab', phases: ['base'] })
      .expect(201);
    Object.assign(valid, {
      id: deployment.body.id,
      stepRunId: deployment.body.phaseRuns[0].steps[0].id,
      tokenId: (await createToken(t, 'hostile-victim', 'viewer')).id,
      name: 'lab',
      key: 'openstack-liberty',
      environment: 'lab',
    });
    doc = (await t.http().get('/api/docs-json').expect(200)).body;
    before = await snapshot();
  });
  afterAll(async () => {
    await t?.close();
  });

  describe('hostile input on every /api/v1 route', () => {
    it('covers the routes the API has', () => {
      expect(operations().length).toBeGreaterThanOrEqual(15);
    });

    it('refuses control characters, very long values and non-identifiers in path parameters (400 naming the parameter)', async () => {
      for (const { method, path, op } of operations()) {
        for (const param of (op.parameters ?? []).filter((p) => p.in === 'path')) {
          const hostile = {
            ...Object.fromEntries(
              Object.entries(IN_IDENTIFIERS).map(([what, char]) => [what, `${valid[param.name] ?? valid.tokenId}${char}`]),
            ),
            'a 5000-character value': LONG,
            'a path': '../../etc/passwd',
            'upper case and spaces': 'Not An Identifier',
          };
          for (const [what, value] of Object.entries(hostile)) {
            const body = op.requestBody ? sampleBody(method, path) : undefined;
            await expectRefused(method, url(path, { [param.name]: value }), { query: requiredQuery(op), body }, [param.name], what);
          }
        }
      }
    });

    it('refuses control characters, very long values, repeated keys and wrong types in query values (400 naming the key)', async () => {
      for (const { method, path, op } of operations()) {
        for (const param of (op.parameters ?? []).filter((p) => p.in === 'query')) {
          const plausible = valid[param.name] ?? (param.name === 'phases' ? 'base' : param.name === 'limit' ? '5' : 'queued');
          const hostile: Record<string, string | string[]> = {
            ...Object.fromEntries(Object.entries(IN_IDENTIFIERS).map(([what, char]) => [what, `${plausible}${char}`])),
            'a 5000-character value': LONG,
            ...(LISTS.has(param.name) ? {} : { 'the key twice': [plausible, plausible] }),
            ...(FREE_TEXT.has(param.name)
              ? {}
              : { 'a number where a name or a name where a number belongs': param.name === 'limit' ? 'fifty' : '-1' }),
          };
          for (const [what, value] of Object.entries(hostile)) {
            const query = { ...requiredQuery(op), [param.name]: value };
            await expectRefused(method, url(path), { query }, [param.name], what);
          }
        }
      }
    });

    it('refuses control characters, very long values and wrong types in every body field (400 naming the field)', async () => {
      for (const { method, path } of operations().filter(({ op }) => op.requestBody)) {
        const sample = sampleBody(method, path);
        for (const { field, value } of fieldsOf(sample)) {
          const variants: Record<string, unknown> = { 'a value of the wrong type': wrongType(value) };
          if (typeof value === 'string') {
            for (const [what, char] of Object.entries(CONTROL)) variants[what] = `${value.slice(0, 3)}${char}${value.slice(3)}`;
            variants['a 70000-character value'] = `${value}${'a'.repeat(70_000)}`;
          }
          for (const [what, hostile] of Object.entries(variants)) {
            await expectRefused(method, url(path), { body: withField(sample, field, hostile) }, field, what);
          }
        }
      }
    });

    it('refuses a token name that is more than one line of printable text', async () => {
      for (const name of ['first\nsecond', 'tab\there', '']) {
        await expectRefused('post', '/api/v1/tokens', { body: { name, role: 'viewer' } }, ['name'], JSON.stringify(name));
      }
    });

    it('refuses a body that is not a JSON object with 400, not 500', async () => {
      for (const { method, path } of operations().filter(({ op }) => op.requestBody)) {
        for (const raw of ['[]', '"text"', '42', 'null', '{"unterminated":', '\u0000']) {
          const response = await send(method, url(path)).set('Content-Type', 'application/json').send(raw);
          expect({ route: `${method} ${path}`, raw, status: response.status }).toEqual({ route: `${method} ${path}`, raw, status: 400 });
        }
      }
    });

    it('changed nothing: no environment, secret, deployment, token or audit event was written', async () => {
      expect(await snapshot()).toEqual(before);
    });
  });
});
