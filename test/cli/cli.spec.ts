import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startLab, type Lab } from '../../lab/nodes/lab.js';
import { DeploymentLogHub } from '../../src/deployments/deployment-log-hub.js';
import { freePort } from '../../src/infra/local-services/local-services.js';
import { labInventory } from '../../lab/nodes/lab-inventory.js';
import { ensureBuilt } from '../../scripts/build/build.mjs';
import { ADMIN_TOKEN, bearer, createToken, startApiApp, type ApiTestApp } from '../api/api-test-app.js';
import { eventually } from '../support/test-app.js';
import { killLeftoverCliProcesses, ROOT, runCli, startCli } from './run-cli.js';

const CONTROLLER = 'linux-node1.example.com';
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/;

let lab: Lab;
let t: ApiTestApp;
let baseUrl: string;
let operator: string;
let viewer: string;
const configDir = mkdtempSync(path.join(os.tmpdir(), 'opsprint-cli-'));
/** The CLI as an operator's pipeline runs it: URL and token from the environment. */
let asOperator: Record<string, string>;

beforeAll(async () => {
  await ensureBuilt();
  lab = await startLab({ computeNodes: 1 });
  t = await startApiApp({ runWorkers: true });
  await t.app.listen(0, '127.0.0.1');
  baseUrl = (await t.app.getUrl()).replace('[::1]', '127.0.0.1');
  operator = (await createToken(t, 'pipeline', 'operator')).token;
  viewer = (await createToken(t, 'auditor', 'viewer')).token;
  const inventory = labInventory(lab);
  await t
    .http()
    .post('/api/v1/environments')
    .set(bearer(operator))
    .send({ name: 'lab', network: inventory.network, nodes: inventory.nodes, secrets: { SSH_PRIVATE_KEY: lab.clientPrivateKey! } })
    .expect(201);
  asOperator = { OPSPRINT_URL: baseUrl, OPSPRINT_TOKEN: operator, OPSPRINT_CONFIG: path.join(configDir, 'unused.json') };
}, 120_000);
afterAll(async () => {
  killLeftoverCliProcesses();
  await t?.close();
  await lab?.stop();
});

async function deploymentStatus(id: string): Promise<string> {
  const response = await t.http().get(`/api/v1/deployments/${id}`).set(bearer(ADMIN_TOKEN)).expect(200);
  return response.body.status;
}

describe('opsprint login', () => {
  const config = path.join(configDir, 'login', 'config.json');

  it('refuses a token the service does not know, and stores nothing', async () => {
    const result = await runCli(['login', '--url', baseUrl, '--token-stdin'], { OPSPRINT_CONFIG: config }, 'not-a-token\n');
    expect(result.code).toBe(5);
    expect(result.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^opsprint: GET \/api\/v1\/runbooks: 401 Unauthorized: unknown or revoked bearer token$/),
    ]);
    expect(() => statSync(config)).toThrow();
  });

  it('keeps the URL and an accepted token in a file only the user can read, and later commands use it', async () => {
    const result = await runCli(['login', '--url', `${baseUrl}/`, '--token-stdin'], { OPSPRINT_CONFIG: config }, `${viewer}\n`);
    expect(result.code).toBe(0);
    expect(statSync(config).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(config, 'utf8'))).toEqual({ url: baseUrl, token: viewer });

    const listed = await runCli(['environments'], { OPSPRINT_CONFIG: config });
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/^lab\s+linux-node1\.example\.com \(controller\), linux-node2\.example\.com \(compute\)/m);

    // A viewer may read but not deploy: 403, told in one line.
    const refused = await runCli(['deploy', 'lab'], { OPSPRINT_CONFIG: config });
    expect(refused.code).toBe(5);
    expect(refused.stderr).toMatch(
      /^opsprint: POST \/api\/v1\/deployments: 403 Forbidden: this needs the operator role; token "auditor" has viewer\n$/,
    );

    expect((await runCli(['logout'], { OPSPRINT_CONFIG: config })).code).toBe(0);
    const after = await runCli(['runbooks'], { OPSPRINT_CONFIG: config });
    expect(after.code).toBe(5);
    expect(after.stderr).toMatch(/not logged in/);
  });
});

describe('opsprint reading', () => {
  it('lists runbooks, previews a plan with secrets masked, and prints JSON on request', async () => {
    const runbooks = await runCli(['runbooks'], asOperator);
    expect(runbooks.code).toBe(0);
    expect(runbooks.stdout).toMatch(/^openstack-liberty \S+: /m);
    expect(runbooks.stdout).toMatch(/^ {2}keystone\s+Keystone identity service\s+mariadb\s+controller\s+5$/m);

    const preview = await runCli(['preview', 'lab', '--phases', 'base'], asOperator);
    expect(preview.code).toBe(0);
    expect(preview.stdout).toMatch(/== base: /);
    expect(preview.stdout).toContain('timedatectl set-timezone');
    expect(preview.stdout).not.toContain('BEGIN OPENSSH PRIVATE KEY');

    const json = await runCli(['preview', 'lab', '--phases', 'base', '--json'], asOperator);
    expect(JSON.parse(json.stdout).phases.map((p: { key: string }) => p.key)).toEqual(['base']);

    const unknown = await runCli(['preview', 'nowhere'], asOperator);
    expect(unknown.code).toBe(4);
    expect(unknown.stderr).toMatch(
      /^opsprint: GET \/api\/v1\/runbooks\/openstack-liberty\/preview\?environment=nowhere: 400 Bad Request: environment: environment nowhere does not exist\n$/,
    );
  });
});

describe('opsprint deploy --follow on lab nodes', () => {
  it('is cancelled from another terminal: the follower and `logs --follow` exit 3; retry --follow resumes and exits 0', async () => {
    const hang = lab.faults.hangCommand('setenforce 0', { node: CONTROLLER });
    const deploy = startCli(['deploy', 'lab', '--phases', 'base', '--follow'], asOperator);
    const [, id] = (await deploy.waitForOutput(
      new RegExp(`Deployment (${UUID.source}) created: 1 phase\\(s\\) of openstack-liberty on lab`),
    )) as string[];
    const logs = startCli(['logs', id, '--follow', '--node', 'linux-node1'], asOperator);
    await deploy.waitForOutput(/^▶ base running on linux-node1, linux-node2$/m);
    // The hanging step has started on the controller (the ledger says so; its live "▶" line may
    // have gone out before the logs command subscribed).
    await eventually(async () => {
      const { body } = await t.http().get(`/api/v1/deployments/${id}`).set(bearer(ADMIN_TOKEN)).expect(200);
      const steps: { node: string; stepKey: string; status: string }[] = body.phaseRuns[0].steps;
      return steps.some((s) => s.node === CONTROLLER && s.stepKey === 'selinux-permissive' && s.status === 'running') || undefined;
    }, 120_000);

    // The log stream is cut (the service restarting behind a proxy does this): `logs --follow`
    // reconnects by itself and does not print again the lines of the steps it already showed.
    await logs.waitForOutput(/^\[base linux-node1\] ✓ /m);
    t.app.get(DeploymentLogHub).beforeApplicationShutdown();
    await eventually(async () => /reconnecting/.test(logs.stderr()) || undefined);

    const cancel = await runCli(['cancel', id], asOperator);
    expect(cancel).toMatchObject({ code: 0, stdout: `Deployment ${id} is cancelled.\n` });
    expect(await deploy.exited).toBe(3);
    expect(deploy.stdout()).toMatch(new RegExp(`^deployment ${id} cancelled in .*$`, 'm'));
    expect(await logs.exited).toBe(3);
    expect(logs.stdout()).toMatch(new RegExp(`^deployment ${id} cancelled`, 'm'));
    expect(logs.stdout()).toMatch(/^\[base linux-node1\] ✗ Stop SELinux enforcing now and after reboot/m);
    // --node filtered the stream down to the controller.
    expect(logs.stdout()).not.toMatch(/^\[base linux-node2\]/m);
    const statusLines = logs
      .stdout()
      .split('\n')
      .filter((line) => /^\[base linux-node1\] [✓✗] /.test(line));
    expect(new Set(statusLines).size).toBe(statusLines.length);
    expect(logs.stderr()).toMatch(/^opsprint: the stream closed before the deployment finished; reconnecting$/m);
    expect(logs.stdout().match(/following its log/g)).toHaveLength(1);
    hang.remove();

    const again = await runCli(['cancel', id], asOperator);
    expect(again.code).toBe(4);
    expect(again.stderr).toMatch(/409 Conflict: deployment .* is cancelled; only a queued or running deployment can be cancelled\n$/);

    const retry = await runCli(['retry', id, '--follow'], asOperator);
    expect(retry.code).toBe(0);
    expect(retry.stdout).toMatch(/^✓ base succeeded in .* \(.*changed.*\)$/m);
    expect(retry.stdout).toMatch(new RegExp(`^deployment ${id} succeeded in `, 'm'));
    expect(await deploymentStatus(id)).toBe('succeeded');

    const shown = await runCli(['show', id], asOperator);
    expect(shown.stdout).toMatch(/^status\s+succeeded/m);
    // The one human time format of the pages and the dashboard, not the API's ISO 8601.
    expect(shown.stdout).toMatch(/^requested\s+\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC by /m);
    expect(shown.stdout).toMatch(/^base\s+succeeded\s+(\d+)\/\1\s/m);
    const listed = await runCli(['deployments', '--env', 'lab', '--status', 'succeeded'], asOperator);
    expect(listed.stdout).toContain(id);
  }, 240_000);

  it('a failing step: exit 1, the failed step with its command and output, and `logs` shows it again', async () => {
    const fault = lab.faults.failCommand('secure --no-defaults -u root', {
      node: CONTROLLER,
      exitCode: 9,
      stderr: 'ERROR 2002: lab fault\n',
    });
    try {
      const result = await runCli(['deploy', 'lab', '--phases', 'mariadb', '--follow'], asOperator);
      expect(result.code).toBe(1);
      expect(result.stdout).toMatch(/^ {2}✗ mariadb · linux-node1 · .*: failed \(exit code 9\)$/m);
      expect(result.stdout).toMatch(/^✗ mariadb failed in /m);
      // The command as it ran, with the root password masked wherever it appears.
      // The guard first, labelled (its login as root fails on a fresh install), then the command.
      expect(result.stdout).toMatch(
        /^# guard\n\$ cnf=\$\(mktemp\) \|\| exit 1; printf '\[client\]\\nuser=%s\\npassword=%s\\n' root \*{8} > "\$cnf"/m,
      );
      expect(result.stdout).toMatch(/^# command\n\$ secure\(\) \{ mysql "\$@" <<'OPSPRINT_SQL'$/m);
      expect(result.stdout).toContain("UPDATE mysql.user SET Password=PASSWORD('********')");
      expect(result.stdout).toContain('ERROR 2002: lab fault');
      const id = result.stdout.match(UUID)![0];
      expect(result.stdout).toMatch(new RegExp(`^deployment ${id} failed in .*: `, 'm'));

      const logs = await runCli(['logs', id, '--phase', 'mariadb'], asOperator);
      expect(logs.code).toBe(0);
      expect(logs.stdout).toMatch(/^== mariadb · linux-node1\.example\.com · .*: failed \(exit 9, /m);
      expect(logs.stdout).toContain('ERROR 2002: lab fault');
    } finally {
      fault.remove();
    }
  }, 240_000);

  it('check mode exits 0 and says nothing was changed; a second deployment while one runs is refused with exit 4', async () => {
    // The check run's timezone check waits on the controller until released: the run holds the
    // environment for as long as the test needs, and then ends as usual.
    const hold = lab.faults.holdCommand('timedatectl', { node: CONTROLLER, times: 1 });
    const blocking = startCli(['deploy', 'lab', '--phases', 'base', '--dry-run', '--follow'], asOperator);
    const [, id] = (await blocking.waitForOutput(new RegExp(`Deployment (${UUID.source}) created`))) as string[];
    await hold.matched();
    const refused = await runCli(['deploy', 'lab', '--phases', 'base'], asOperator);
    expect(refused.code).toBe(4);
    expect(refused.stderr).toMatch(
      new RegExp(
        `^opsprint: POST /api/v1/deployments: 409 Conflict: environment lab already has an active deployment \\(${id}, (queued|running), a check-mode run requested by pipeline\\); wait for it or cancel it\\n$`,
      ),
    );
    hold.remove();
    expect(await blocking.exited).toBe(0);
    expect(blocking.stdout()).toMatch(new RegExp(`^deployment ${id} succeeded in .* \\(check mode: nothing was changed\\)$`, 'm'));
  }, 240_000);
});

describe('opsprint deploy --follow on a terminal', () => {
  it('redraws one bar per phase in place, then prints the outcome', async () => {
    // util-linux `script` gives the CLI a real pseudo-terminal of 40 × 110.
    const command = `stty rows 40 cols 110; exec ${process.execPath} bin/opsprint.mjs deploy lab --phases base --dry-run --follow`;
    // Not spawnSync: the service under test runs in this process and must keep answering.
    const child = spawn('script', ['-qec', command, '/dev/null'], { cwd: ROOT, env: { ...process.env, ...asOperator } });
    let screen = '';
    child.stdout.on('data', (chunk: Buffer) => {
      screen += chunk.toString();
    });
    const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect({ status, screen }).toMatchObject({ status: 0 });
    // A frame, then the cursor moved up over it and the lines erased for the next one.
    expect(screen).toMatch(/✓\S* base\s+█{20} 100%\s+(\d+)\/\1/);
    expect(screen).toContain('\u001b[2K\u001b[1A');
    expect(screen).toMatch(/deployment \S+ succeeded in .* \(check mode: nothing was changed\)/);
  }, 240_000);
});

describe('opsprint errors', () => {
  it('connection refused, unknown deployment and bad flags: one line each and distinct exit codes', async () => {
    const port = await freePort();
    const down = await runCli(['deployments'], { ...asOperator, OPSPRINT_URL: `http://127.0.0.1:${port}` });
    expect(down.code).toBe(6);
    expect(down.stderr).toBe(
      `opsprint: cannot reach OpSprint at http://127.0.0.1:${port}: connection refused (is the service running? check --url or OPSPRINT_URL)\n`,
    );

    const missing = await runCli(['show', '00000000-0000-0000-0000-000000000000'], asOperator);
    expect(missing.code).toBe(4);
    expect(missing.stderr).toBe(
      'opsprint: GET /api/v1/deployments/00000000-0000-0000-0000-000000000000: 404 Not Found: deployment 00000000-0000-0000-0000-000000000000 does not exist\n',
    );

    const bad = await runCli(['deployments', '--limit', 'lots'], asOperator);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(
      /^Usage: opsprint deployments \[options\]\nopsprint deployments: option '--limit <n>' argument 'lots' is invalid\. expected a whole number from 1 to 500\n/,
    );
    expect(bad.stderr).not.toMatch(/\n\s+at /);
  });
});
