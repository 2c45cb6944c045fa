/**
 * Values derived from secrets stay hidden (issue 9, item 2): a plain SHA-256 of a rendered file
 * that holds a secret lets anyone guess the secret offline, and a token id a verification prints
 * is a credential. A viewer must find neither in the preview, the API's step output or the
 * Confluence pages.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { startAtlassianSandbox, type AtlassianSandbox } from '../../lab/atlassian/server.js';
import { DEFAULT_USERS } from '../../lab/atlassian/http.js';
import { EnvironmentsService } from '../../src/environments/environments.service.js';
import { RunbookCatalog } from '../../src/runbooks/catalog.js';
import type { Runbook } from '../../src/runbooks/model.js';
import { createLocalEnvironment, finished } from '../engine/support/engine-fixtures.js';
import { LocalSessionFactory } from '../support/local-sessions.js';
import { eventually, startTestApp, type TestApp } from '../support/test-app.js';

describe('derived-secrets', () => {
  const ADMIN = 'derived-secrets-admin-token-0123456789';
  const dir = mkdtempSync(path.join(os.tmpdir(), 'opsprint-derived-'));
  const SECRET_FILE = path.join(dir, 'secret.conf');
  const PLAIN_FILE = path.join(dir, 'plain.conf');
  const TOKEN_FILE = path.join(dir, 'token-id');
  const secretContent = (password: string) => `[database]\nconnection = mysql://keystone:${password}@controller/keystone\n`;
  const PLAIN_CONTENT = '[DEFAULT]\nverbose = True\n';

  const runbook: Runbook = {
    key: 'derived',
    version: '1.0.0',
    title: 'files and a token',
    phases: [
      {
        key: 'conf',
        title: 'configure',
        goal: 'write a file with a secret and issue a token',
        dependsOn: [],
        on: ['controller'],
        stories: [
          {
            key: 'conf-story',
            title: 'configure the service',
            userStory: 'As an operator I want the config written so that the service starts',
            acceptanceCriteria: ['the files are written', 'a token is issued'],
            steps: [
              {
                kind: 'file',
                key: 'secret-file',
                title: 'write the file holding a secret',
                path: SECRET_FILE,
                content: ({ secrets }) => secretContent(secrets.KEYSTONE_DBPASS),
                language: 'ini',
                mode: '0640',
                owner: 'root',
                group: 'root',
              },
              {
                kind: 'file',
                key: 'plain-file',
                title: 'write a file without secrets',
                path: PLAIN_FILE,
                content: PLAIN_CONTENT,
                language: 'ini',
                mode: '0644',
                owner: 'root',
                group: 'root',
              },
              {
                kind: 'verify',
                key: 'token',
                title: 'a token is issued',
                // Like `openstack token issue`: the host makes the token id, the command line never holds it.
                run: [
                  `id=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \\n'); printf '%s' "$id" > ${TOKEN_FILE}`,
                  `printf '+---------+----------------------------------+\\n| Field   | Value                            |\\n+---------+----------------------------------+\\n'`,
                  `printf '| expires | 2026-12-10T08:55:14.760284Z      |\\n| id      | %s |\\n' "$id"`,
                  `printf '+---------+----------------------------------+\\n'`,
                ].join('\n'),
                format: 'fieldValue',
                sensitive: ['id'],
                expect: [{ kind: 'row', match: { id: /^[0-9a-f]{32}$/ } }],
              },
            ],
          },
        ],
      },
    ],
  };

  const sessions = new LocalSessionFactory();
  let sandbox: AtlassianSandbox;
  let t: TestApp;
  let viewer: string;

  const asViewer = (url: string) => request(t.app.getHttpServer()).get(url).set('Authorization', `Bearer ${viewer}`);
  const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

  beforeAll(async () => {
    sandbox = await startAtlassianSandbox();
    const user = DEFAULT_USERS[0];
    t = await startTestApp({
      sessionFactory: sessions,
      catalog: RunbookCatalog.of([runbook]),
      env: {
        OPSPRINT_ADMIN_TOKEN: ADMIN,
        CONFLUENCE_BASE_URL: sandbox.confluenceBaseUrl,
        CONFLUENCE_USERNAME: user.email,
        CONFLUENCE_API_TOKEN: user.apiToken,
        CONFLUENCE_SPACE_KEY: 'OPS',
      },
    });
    await createLocalEnvironment(t);
    const created = await request(t.app.getHttpServer())
      .post('/api/v1/tokens')
      .set('Authorization', `Bearer ${ADMIN}`)
      .send({ name: 'a viewer', role: 'viewer' })
      .expect(201);
    viewer = created.body.token;
  });
  afterAll(async () => {
    await t?.close();
    await sandbox?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('what a viewer can read', () => {
    it('never holds the plain SHA-256 of a file with a secret, nor a token id: preview, step output, Confluence', async () => {
      const { secrets } = await t.app.get(EnvironmentsService).loadForDeployment({ name: 'local' });
      const secretHash = sha256(secretContent(secrets.KEYSTONE_DBPASS));

      const preview = await asViewer('/api/v1/runbooks/derived/preview?environment=local').expect(200);
      const previewText = JSON.stringify(preview.body);
      expect(previewText).toContain(SECRET_FILE);
      // A file without secrets keeps its plain hash: it is what the host compares, and gives nothing away.
      expect(previewText).toContain(sha256(PLAIN_CONTENT));

      const deployed = await request(t.app.getHttpServer())
        .post('/api/v1/deployments')
        .set('Authorization', `Bearer ${ADMIN}`)
        .send({ environment: 'local', runbook: 'derived' })
        .expect(201);
      expect((await finished(t.db.prisma, deployed.body.id)).status).toBe('succeeded');
      expect(readFileSync(SECRET_FILE, 'utf8')).toBe(secretContent(secrets.KEYSTONE_DBPASS));
      const tokenId = readFileSync(TOKEN_FILE, 'utf8');
      expect(tokenId).toMatch(/^[0-9a-f]{32}$/);

      const detail = await asViewer(`/api/v1/deployments/${deployed.body.id}`).expect(200);
      const steps = detail.body.phaseRuns.flatMap((phase: { steps: { id: string; stepKey: string }[] }) => phase.steps);
      const outputs = await Promise.all(
        steps.map(
          async (step: { id: string }) =>
            (await asViewer(`/api/v1/deployments/${deployed.body.id}/steps/${step.id}/output`).expect(200)).body,
        ),
      );
      const apiText = JSON.stringify([detail.body, outputs]);
      // The evidence is there, with the token id masked in the table and its raw text.
      const token = outputs.find((output: { stepKey: string }) => output.stepKey === 'token');
      expect(token.artifacts[0].data.rows[0]).toEqual({ expires: '2026-12-10T08:55:14.760284Z', id: '********' });
      expect(token.artifacts[0].content).toContain('********');

      const pages = await eventually(async () => {
        const published = await t.db.prisma.auditEvent.findFirst({ where: { action: 'confluence.published', target: deployed.body.id } });
        return published ? sandbox.confluence.pages() : undefined;
      });
      const confluenceText = JSON.stringify(pages);
      expect(confluenceText).toContain('verbose = True');

      const found = (text: string) => ({
        secretFileHash: text.includes(secretHash),
        tokenId: text.includes(tokenId),
        secret: text.includes(secrets.KEYSTONE_DBPASS),
      });
      const nothing = { secretFileHash: false, tokenId: false, secret: false };
      expect({ preview: found(previewText), api: found(apiText), confluence: found(confluenceText) }).toEqual({
        preview: nothing,
        api: nothing,
        confluence: nothing,
      });
    });
  });
});
