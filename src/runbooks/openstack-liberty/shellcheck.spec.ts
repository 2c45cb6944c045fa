import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { planDeployment } from '../plan.js';
import { generateSecrets } from '../secrets.js';
import { exampleInventory } from './example-inventory.js';
import { openstackLiberty } from './index.js';

const SHELLCHECK = '/usr/bin/shellcheck';

interface Finding {
  file: string;
  line: number;
  level: string;
  code: number;
  message: string;
}

/**
 * Every command and script the runbook renders for the example inventory (probes, changes,
 * verifications, on the controller and the compute node) passes shellcheck at severity warning:
 * quoting mistakes, word splitting of command substitutions, useless or broken constructs.
 */
describe('the rendered shell of the OpenStack Liberty runbook', () => {
  it('passes shellcheck at severity warning', () => {
    expect(existsSync(SHELLCHECK)).toBe(true);
    const plan = planDeployment(openstackLiberty, exampleInventory(), generateSecrets());
    const scripts = new Map<string, string>();
    for (const { phase, steps } of plan.phases) {
      for (const step of steps) {
        const at = `${phase.key}.${step.node.split('.')[0]}.${step.key}`;
        if (step.guard) scripts.set(`${at}.guard.sh`, step.guard);
        if (step.run) scripts.set(`${at}.${step.kind === 'verify' ? 'verify' : 'run'}.sh`, step.run);
      }
    }
    expect(scripts.size).toBeGreaterThan(200);

    const dir = mkdtempSync(join(tmpdir(), 'opsprint-shellcheck-'));
    try {
      for (const [name, script] of scripts) writeFileSync(join(dir, name), `${script}\n`, { mode: 0o600 });
      const result = spawnSync(SHELLCHECK, ['--shell=bash', '--severity=warning', '--format=json', ...scripts.keys()], {
        cwd: dir,
        encoding: 'utf8',
      });
      expect(result.error).toBeUndefined();
      const findings = JSON.parse(result.stdout || '[]') as Finding[];
      const described = findings.map((f) => `${f.file}:${f.line} SC${f.code} (${f.level}) ${f.message}\n  ${scripts.get(f.file)}`);
      expect(described).toEqual([]);
      expect(result.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
