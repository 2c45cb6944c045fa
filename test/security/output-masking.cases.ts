/**
 * Step output is kept to its last 64 KiB. A secret printed where that cut falls must still be
 * masked: the whole output is masked first, then cut (issue 9, item 4).
 */
import { DeploymentsService } from '../../src/deployments/deployments.service.js';
import { EnvironmentsService } from '../../src/environments/environments.service.js';
import { RunbookCatalog } from '../../src/runbooks/catalog.js';
import type { Runbook } from '../../src/runbooks/model.js';
import { createLocalEnvironment, finished, stepsByKey } from '../engine/support/engine-fixtures.js';
import { LocalSessionFactory } from '../support/local-sessions.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

describe('output-masking', () => {
  const LIMIT = 64 * 1024;
  const TAIL = 6;

  /** Prints ADMIN_PASS, then enough padding that the 64 KiB cut leaves only the secret's last TAIL characters. */
  const secretAtTheCut: Runbook = {
    key: 'secret-at-cut',
    version: '1.0.0',
    title: 'a secret where the output is cut',
    phases: [
      {
        key: 'p',
        title: 'phase p',
        goal: 'print a secret at the cut',
        dependsOn: [],
        on: ['controller'],
        stories: [
          {
            key: 'p-story',
            title: 'story',
            userStory: 'As an operator I want long output kept without its secrets so that nobody reads them',
            acceptanceCriteria: ['the output is masked'],
            steps: [
              {
                kind: 'command',
                key: 'print',
                title: 'print a secret, then padding',
                run: ({ secrets }) =>
                  `printf '%s' '${secrets.ADMIN_PASS}'; head -c ${LIMIT - TAIL} /dev/zero | tr '\\0' x; echo 'late secret' >&2`,
              },
            ],
          },
        ],
      },
    ],
  };

  const sessions = new LocalSessionFactory();
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ sessionFactory: sessions, catalog: RunbookCatalog.of([secretAtTheCut]) });
    await createLocalEnvironment(t);
  });
  afterAll(async () => {
    await t?.close();
  });

  describe('step output longer than the limit', () => {
    it('is masked before it is cut: no part of a secret at the cut is kept', async () => {
      const { secrets } = await t.app.get(EnvironmentsService).loadForDeployment({ name: 'local' });
      const created = await t.app
        .get(DeploymentsService)
        .create({ environment: 'local', runbook: 'secret-at-cut', trigger: 'api', requester: 'security-test' });
      expect((await finished(t.db.prisma, created.id)).status).toBe('succeeded');
      const step = (await stepsByKey(t.db.prisma, created.id)).get('print')!;
      expect(step.stdout!.endsWith('x'.repeat(100))).toBe(true);
      // Without masking first, the last characters of the secret survive the cut.
      expect({ secretTailKept: step.stdout!.includes(secrets.ADMIN_PASS.slice(-TAIL)), head: step.stdout!.slice(0, 40) }).toEqual({
        secretTailKept: false,
        head: expect.stringMatching(/^\[… \d+ bytes cut\]\n\*+x/),
      });
      expect(step.command).not.toContain(secrets.ADMIN_PASS);
    });
  });
});
