import { fail, ok, type LabCommandHandler, type LabCommandResult, type LabHost } from '../lab-host.js';
import { isRoot } from '../identity.js';
import { startVeto } from '../service-rules.js';

const unitName = (unit: string) => unit.replace(/\.service$/, '');

async function start(host: LabHost, unit: string): Promise<LabCommandResult> {
  const state = host.services.get(unit);
  if (!state) return fail(`Failed to start ${unit}.service: Unit ${unit}.service not found.`, 5);
  const veto = await startVeto(unit, host);
  if (veto) {
    state.active = false;
    state.failure = veto;
    return fail(
      `Job for ${unit}.service failed because the control process exited with error code. See "systemctl status ${unit}.service" and "journalctl -xe" for details.`,
    );
  }
  if (!state.active) state.since = new Date();
  state.active = true;
  state.failure = undefined;
  if (unit === 'rabbitmq-server') host.rabbit.syncRunningPlugins();
  return ok();
}

function status(host: LabHost, unit: string): LabCommandResult {
  const state = host.services.get(unit);
  if (!state) return { stdout: '', stderr: `Unit ${unit}.service could not be found.\n`, exitCode: 4 };
  const enabled = state.enabled ? 'enabled' : 'disabled';
  const active = state.active
    ? `active (running) since ${state.since?.toUTCString() ?? ''}`
    : state.failure
      ? 'failed (Result: exit-code)'
      : 'inactive (dead)';
  const lines = [
    `● ${unit}.service`,
    `   Loaded: loaded (/usr/lib/systemd/system/${unit}.service; ${enabled}; vendor preset: disabled)`,
    `   Active: ${active}`,
  ];
  if (state.failure) lines.push('', `${host.hostname.split('.')[0]} systemd[1]: ${unit}.service: ${state.failure}`);
  return { stdout: `${lines.join('\n')}\n`, stderr: '', exitCode: state.active ? 0 : 3 };
}

function listUnitFiles(host: LabHost): LabCommandResult {
  const units = [...host.services.entries()].sort(([a], [b]) => a.localeCompare(b));
  const rows = units.map(([unit, s]) => `${`${unit}.service`.padEnd(45)} ${s.enabled ? 'enabled' : 'disabled'}`);
  return ok(`${'UNIT FILE'.padEnd(45)} STATE\n${rows.join('\n')}\n\n${rows.length} unit files listed.\n`);
}

/** Run `verb` on every unit like systemctl does: all are tried, the last failure decides the exit code. */
async function eachUnit(units: string[], action: (unit: string) => Promise<LabCommandResult> | LabCommandResult) {
  const out: LabCommandResult = { stdout: '', stderr: '', exitCode: 0 };
  for (const unit of units) {
    const result = await action(unitName(unit));
    out.stdout += result.stdout;
    out.stderr += result.stderr;
    if (result.exitCode !== 0) out.exitCode = result.exitCode;
  }
  return out;
}

export const systemctl: LabCommandHandler = async (args, { host }) => {
  const now = args.includes('--now');
  const quiet = args.includes('--quiet') || args.includes('-q');
  const say = (text: string) => (quiet ? '' : text);
  const [verb, ...units] = args.filter((a) => !a.startsWith('-'));
  // polkit asks a non-root caller for root's password, which a channel without a terminal cannot give.
  const manages = ['start', 'stop', 'restart', 'reload', 'try-restart', 'enable', 'disable', 'daemon-reload'].includes(verb ?? '');
  if (manages && !isRoot())
    return fail(`Failed to ${verb} ${units.map((u) => `${unitName(u)}.service`).join(' ')}: Interactive authentication required.`);
  switch (verb) {
    case 'daemon-reload':
      return ok();
    case 'list-unit-files':
      return listUnitFiles(host);
    case 'start':
      return eachUnit(units, (unit) => start(host, unit));
    case 'restart':
    case 'reload':
    case 'try-restart':
      return eachUnit(units, async (unit) => {
        const state = host.services.get(unit);
        if (state) state.active = false;
        return start(host, unit);
      });
    case 'stop':
      return eachUnit(units, (unit) => {
        const state = host.services.get(unit);
        if (!state) return fail(`Failed to stop ${unit}.service: Unit ${unit}.service not loaded.`, 5);
        state.active = false;
        return ok();
      });
    case 'enable':
    case 'disable':
      return eachUnit(units, async (unit) => {
        const state = host.services.get(unit);
        if (!state) return fail('Failed to execute operation: No such file or directory');
        const link = `/etc/systemd/system/multi-user.target.wants/${unit}.service`;
        const message =
          verb === 'enable' && !state.enabled
            ? `Created symlink from ${link} to /usr/lib/systemd/system/${unit}.service.\n`
            : verb === 'disable' && state.enabled
              ? `Removed symlink ${link}.\n`
              : '';
        state.enabled = verb === 'enable';
        const started = now && verb === 'enable' ? await start(host, unit) : ok();
        return { stdout: '', stderr: message + started.stderr, exitCode: started.exitCode };
      });
    case 'status':
      return eachUnit(units, (unit) => status(host, unit));
    case 'is-active':
      return eachUnit(units, (unit) => {
        const state = host.services.get(unit);
        const word = state?.active ? 'active' : state?.failure ? 'failed' : state ? 'inactive' : 'unknown';
        return { stdout: say(`${word}\n`), stderr: '', exitCode: state?.active ? 0 : 3 };
      });
    case 'is-enabled':
      return eachUnit(units, (unit) => {
        const state = host.services.get(unit);
        if (!state)
          return quiet
            ? { stdout: '', stderr: '', exitCode: 1 }
            : fail(`Failed to get unit file state for ${unit}.service: No such file or directory`);
        return { stdout: say(`${state.enabled ? 'enabled' : 'disabled'}\n`), stderr: '', exitCode: state.enabled ? 0 : 1 };
      });
    default:
      return fail(`Unknown operation '${verb ?? ''}'.`);
  }
};
