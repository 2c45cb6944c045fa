import type { PlannedStep } from '../runbooks/model.js';
import { type ExpectationOutcome, type ExpectationResult, checkExpectations, parseVerifyOutput } from '../runbooks/parse/index.js';
import { shownDigest } from '../runbooks/plan.js';
import { maskSecrets, sensitiveValues } from '../runbooks/secrets.js';
import { shellQuote } from '../runbooks/render/shell.js';
import { SshError, type CommandResult, type NodeSession, type RunOptions } from '../infra/ssh/executor.types.js';

export type StepStatus = 'ok' | 'changed' | 'would_change' | 'failed';

export interface StepArtifact {
  kind: 'rendered_file' | 'verification_table';
  name: string;
  language?: string;
  /** Still unmasked here: the ledger masks before anything is stored. */
  content: string;
  /** verification_table: the parsed table, and each expectation checked against it with its outcome. */
  data?: { columns: string[]; rows: Record<string, string>[]; expectations?: ExpectationOutcome[] };
}

export interface StepOutcome {
  status: StepStatus;
  exitCode: number | null;
  /** The guard (probe) that ran, if any: it decides whether the step is already done. */
  guard: string | null;
  /** What ran apart from the guard, in order (change, uploads, restarts): the exact commands for the runbook page. */
  commands: string[];
  stdout: string;
  stderr: string;
  artifacts: StepArtifact[];
}

export interface StepRunOptions extends Pick<RunOptions, 'signal' | 'onStdout' | 'onStderr' | 'timeoutMs'> {
  dryRun: boolean;
  /**
   * Called once the guard has said the host is not right yet, just before the step changes it
   * (never in check mode, never for a verification): the moment a story really has work.
   */
  beforeChange?: () => Promise<void>;
  /** Between verify attempts; injectable so tests need not wait. */
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Waits before each new attempt to reach a node whose connection dropped mid-step: the Linux bridge
 * agent moving the provider interface's address onto its bridge cuts the SSH session once, and the
 * node answers again a moment later.
 */
const RECONNECT_DELAYS_MS = [0, 1000, 2000, 4000, 8000, 15_000];

const connectionLost = (error: unknown) => error instanceof SshError && (error.code === 'connection-lost' || error.code === 'connect');

/** Runs `attempt` again on a fresh connection while the node cannot be reached; other errors, and cancels, end it. */
async function onFreshConnection<T>(attempt: () => Promise<T>, options: StepRunOptions, first: unknown): Promise<T> {
  const sleep = options.sleep ?? defaultSleep;
  let last = first;
  for (const delay of RECONNECT_DELAYS_MS) {
    if (options.signal?.aborted) break;
    if (delay > 0) await sleep(delay);
    try {
      return await attempt();
    } catch (error) {
      if (!connectionLost(error)) throw error;
      last = error;
    }
  }
  throw last;
}

/**
 * Runs one planned step on one node with the semantics every step shares: a guard that
 * succeeds means the host is already right (ok); otherwise make the change (changed), or in
 * check mode only report it (would_change). Verify steps parse and check their table.
 */
export async function runPlannedStep(step: PlannedStep, session: NodeSession, options: StepRunOptions): Promise<StepOutcome> {
  const outcome: StepOutcome = { status: 'ok', exitCode: 0, guard: null, commands: [], stdout: '', stderr: '', artifacts: [] };
  const sensitive = step.verify?.sensitive ?? [];
  // Output lines stream live before the table is parsed: a table holding credentials is shown only at the end, masked.
  const runOptions = sensitive.length > 0 ? { ...options, onStdout: undefined } : options;
  // The guard is recorded apart from the command: the runbook page and the API label them separately.
  const run = async (script: string): Promise<CommandResult> => {
    if (script === step.guard) outcome.guard = script;
    else outcome.commands.push(script);
    const result = await session.run(script, runOptions);
    outcome.stdout += result.stdout;
    outcome.stderr += result.stderr;
    outcome.exitCode = result.exitCode;
    return result;
  };
  /** Reads and idempotent commands are simply run again on a new connection when theirs dropped. */
  const rerunnable = async (script: string): Promise<CommandResult> => {
    try {
      return await run(script);
    } catch (error) {
      if (!connectionLost(error)) throw error;
      outcome.stdout += `(${reconnectNote(step)})\n`;
      return onFreshConnection(() => run(script), options, error);
    }
  };

  if (step.kind === 'verify') return maskSensitive(await verify(step, rerunnable, outcome, options), sensitive);

  if (step.guard) {
    const probe = await rerunnable(step.guard);
    if (probe.exitCode === 0) {
      if (step.file) outcome.artifacts.push(fileArtifact(step));
      return { ...outcome, status: 'ok' };
    }
  }
  if (options.dryRun) {
    if (step.file) outcome.artifacts.push(fileArtifact(step));
    return { ...outcome, status: 'would_change', exitCode: null };
  }

  await options.beforeChange?.();
  if (step.file) {
    outcome.commands.push(
      `# upload ${step.file.path} (${step.file.content.length} bytes, ${shownDigest(step.file)})${step.file.backup ? ', previous version backed up' : ''}`,
    );
    const file = step.file;
    // Staged in a temporary file and renamed into place: uploading again after a lost connection is safe.
    const upload = () =>
      session.upload(file.path, file.content, { mode: file.mode, owner: file.owner, group: file.group, backup: file.backup });
    const { backupPath } = await upload().catch((error: unknown) => {
      if (!connectionLost(error)) throw error;
      return onFreshConnection(upload, options, error);
    });
    if (backupPath) outcome.stdout += `previous version saved as ${backupPath}\n`;
    outcome.artifacts.push(fileArtifact(step));
  }
  if (step.run) {
    const change = step.file ? await rerunnable(step.run) : await changeOrConfirm(step, run, outcome, options);
    if (change.exitCode !== 0) return { ...outcome, status: 'failed' };
  }
  for (const service of step.file?.notify ?? []) {
    // Like a handler: restart only a service that runs, and only because its config changed.
    const restart = await rerunnable(
      `if systemctl is-active --quiet ${shellQuote(service)}; then systemctl restart ${shellQuote(service)}; fi`,
    );
    if (restart.exitCode !== 0) return { ...outcome, status: 'failed' };
  }
  return { ...outcome, status: 'changed', exitCode: outcome.exitCode ?? 0 };
}

function reconnectNote(step: PlannedStep): string {
  return `the connection to ${step.node} dropped while this ran; reconnected`;
}

/**
 * The step's change, which may not be safe to run twice. When the connection drops while it runs,
 * nobody knows whether it took effect: reconnect and ask the step's probe (its result check). The
 * probe passing means the change is in place; otherwise, or without a probe, the loss goes up to the
 * phase, whose retry starts again at this step.
 */
async function changeOrConfirm(
  step: PlannedStep,
  run: (script: string) => Promise<CommandResult>,
  outcome: StepOutcome,
  options: StepRunOptions,
): Promise<CommandResult> {
  try {
    return await run(step.run!);
  } catch (error) {
    if (!connectionLost(error) || !step.guard) throw error;
    const probe = await onFreshConnection(() => run(step.guard!), options, error);
    if (probe.exitCode !== 0) throw error;
    outcome.stdout += `${reconnectNote(step)}, and the step's probe confirms the change took effect\n`;
    return probe;
  }
}

async function verify(
  step: PlannedStep,
  run: (script: string) => Promise<CommandResult>,
  outcome: StepOutcome,
  options: StepRunOptions,
): Promise<StepOutcome> {
  const spec = step.verify!;
  // Check mode reads the same tables, once: what holds already is ok, what does not is what the run would change.
  const attempts = options.dryRun ? 1 : (spec.retry?.attempts ?? 1);
  const sleep = options.sleep ?? defaultSleep;
  let failures: string[] = [];
  let outcomes: ExpectationOutcome[] = [];
  for (let attempt = 1; attempt <= attempts; attempt++) {
    outcome.stdout = '';
    outcome.stderr = '';
    outcome.commands = [];
    const result = await run(step.run!);
    const rows = result.exitCode === 0 ? safeParse(spec.format, result.stdout) : [];
    const check: ExpectationResult =
      result.exitCode === 0
        ? checkExpectations(rows, spec.expect)
        : {
            ok: false,
            failures: [`exit code ${result.exitCode}`],
            outcomes: [{ name: 'the command succeeds', expected: 'exit code 0', actual: `exit code ${result.exitCode}`, passed: false }],
          };
    failures = check.failures;
    outcomes = check.outcomes;
    if (check.ok) {
      outcome.artifacts.push({
        kind: 'verification_table',
        name: step.title,
        content: result.stdout,
        data: { columns: columnsOf(rows), rows, expectations: outcomes },
      });
      return { ...outcome, status: 'ok' };
    }
    if (attempt < attempts) await sleep(spec.retry!.intervalMs);
  }
  const rows = safeParse(spec.format, outcome.stdout);
  outcome.artifacts.push({
    kind: 'verification_table',
    name: step.title,
    content: outcome.stdout,
    data: { columns: columnsOf(rows), rows, expectations: outcomes },
  });
  if (options.dryRun) {
    return { ...outcome, status: 'would_change', exitCode: null, stdout: `${outcome.stdout}not yet true: ${failures.join('; ')}\n` };
  }
  outcome.stderr += `${outcome.stderr.endsWith('\n') || !outcome.stderr ? '' : '\n'}verification failed: ${failures.join('; ')}\n`;
  return { ...outcome, status: 'failed', exitCode: outcome.exitCode === 0 ? 1 : outcome.exitCode };
}

function safeParse(format: NonNullable<PlannedStep['verify']>['format'], text: string): Record<string, string>[] {
  try {
    return parseVerifyOutput(format, text);
  } catch {
    return [];
  }
}

function columnsOf(rows: Record<string, string>[]): string[] {
  const columns: string[] = [];
  for (const row of rows) for (const key of Object.keys(row)) if (!columns.includes(key)) columns.push(key);
  return columns;
}

function fileArtifact(step: PlannedStep): StepArtifact {
  return { kind: 'rendered_file', name: step.file!.path, language: step.file!.language, content: step.file!.content };
}

/** The values of the step's sensitive columns replaced by ******** in its output, tables and raw text. */
function maskSensitive(outcome: StepOutcome, columns: string[]): StepOutcome {
  const values = sensitiveValues(
    outcome.artifacts.flatMap((artifact) => artifact.data?.rows ?? []),
    columns,
  );
  if (values.length === 0) return outcome;
  const mask = (text: string) => maskSecrets(text, values);
  const maskRow = (row: Record<string, string>) => Object.fromEntries(Object.entries(row).map(([column, value]) => [column, mask(value)]));
  return {
    ...outcome,
    stdout: mask(outcome.stdout),
    stderr: mask(outcome.stderr),
    artifacts: outcome.artifacts.map((artifact) => ({
      ...artifact,
      content: mask(artifact.content),
      ...(artifact.data
        ? {
            data: {
              columns: artifact.data.columns,
              rows: artifact.data.rows.map(maskRow),
              ...(artifact.data.expectations
                ? {
                    expectations: artifact.data.expectations.map((outcome) => ({
                      ...outcome,
                      expected: mask(outcome.expected),
                      actual: mask(outcome.actual),
                    })),
                  }
                : {}),
            },
          }
        : {}),
    })),
  };
}
