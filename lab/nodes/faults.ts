/** What happens to a command that a fault matches. */
export type FaultAction =
  | { kind: 'fail'; exitCode: number; stderr: string }
  | { kind: 'hang' }
  | { kind: 'hold'; released: Promise<void> }
  | { kind: 'drop'; afterRun: boolean };

export interface Fault {
  /** Undo the fault; later commands and connections behave normally again. */
  remove(): void;
}

/** A fault on commands, which also tells when commands met it. */
export interface CommandFaultHandle extends Fault {
  /**
   * Resolves once `times` commands (default 1) have met the fault: from then on a hung command is
   * hanging on the node, so a test waits for this instead of sleeping.
   */
  matched(times?: number): Promise<void>;
}

interface CommandFault {
  node?: string;
  pattern: string | RegExp;
  action: FaultAction;
  /** How many more commands it applies to (Infinity until removed). */
  remaining: number;
  /** How many commands met it so far, and who waits for a count. */
  hits?: number;
  waiters?: Array<{ times: number; resolve: () => void }>;
}

export interface ReachabilityControl {
  setReachable(reachable: boolean): Promise<void>;
}

/** Injected failures for the lab's nodes; every method returns a handle to remove it. */
export class LabFaults {
  private readonly commandFaults: CommandFault[] = [];
  private readonly unreachable = new Map<string, Fault>();

  constructor(private readonly nodes: ReadonlyMap<string, ReachabilityControl>) {}

  /** Commands whose text matches exit with `exitCode` and `stderr` instead of running. */
  failCommand(
    pattern: string | RegExp,
    options: { node?: string; exitCode?: number; stderr?: string; times?: number } = {},
  ): CommandFaultHandle {
    const exitCode = options.exitCode ?? 1;
    if (!Number.isInteger(exitCode) || exitCode < 1 || exitCode > 255) throw new Error(`exitCode: must be 1..255, got ${exitCode}`);
    return this.add({
      node: this.checkNode(options.node),
      pattern,
      action: { kind: 'fail', exitCode, stderr: options.stderr ?? `lab fault: ${String(pattern)} failed\n` },
      remaining: options.times ?? Infinity,
    });
  }

  /** Commands whose text matches never finish; they end only when the client closes the channel. */
  hangCommand(pattern: string | RegExp, options: { node?: string; times?: number } = {}): CommandFaultHandle {
    return this.add({ node: this.checkNode(options.node), pattern, action: { kind: 'hang' }, remaining: options.times ?? Infinity });
  }

  /**
   * Commands whose text matches wait until the fault is removed and then run as usual (a slow
   * command a test can end): e.g. to keep a deployment running while the test does something else.
   */
  holdCommand(pattern: string | RegExp, options: { node?: string; times?: number } = {}): CommandFaultHandle {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const handle = this.add({
      node: this.checkNode(options.node),
      pattern,
      action: { kind: 'hold', released },
      remaining: options.times ?? Infinity,
    });
    return {
      ...handle,
      remove: () => {
        handle.remove();
        release();
      },
    };
  }

  /**
   * The next command on `node` matching `pattern` (any command when omitted) cuts the TCP connection
   * instead of answering; with `afterRun` the command takes effect first and only its result is lost.
   */
  dropConnection(node: string, options: { pattern?: string | RegExp; afterRun?: boolean } = {}): CommandFaultHandle {
    return this.add({
      node: this.checkNode(node),
      pattern: options.pattern ?? /[\s\S]*/,
      action: { kind: 'drop', afterRun: options.afterRun ?? false },
      remaining: 1,
    });
  }

  /** Refuse new connections to `node` and cut its open ones, until removed. */
  async makeUnreachable(node: string): Promise<Fault> {
    const control = this.nodes.get(this.checkNode(node)!)!;
    const existing = this.unreachable.get(node);
    if (existing) return existing;
    await control.setReachable(false);
    const fault: Fault = {
      remove: () => {
        if (this.unreachable.get(node) !== fault) return;
        this.unreachable.delete(node);
        void control.setReachable(true);
      },
    };
    this.unreachable.set(node, fault);
    return fault;
  }

  /** Remove every fault. */
  clear(): void {
    this.commandFaults.length = 0;
    for (const fault of [...this.unreachable.values()]) fault.remove();
  }

  /** The action for `script` on `node`, consuming one use of the fault; undefined when none matches. */
  take(node: string, script: string): FaultAction | undefined {
    const fault = this.commandFaults.find(
      (f) => (!f.node || f.node === node) && (typeof f.pattern === 'string' ? script.includes(f.pattern) : f.pattern.test(script)),
    );
    if (!fault) return undefined;
    fault.hits = (fault.hits ?? 0) + 1;
    for (const waiter of fault.waiters?.filter((w) => w.times <= fault.hits!) ?? []) waiter.resolve();
    fault.remaining--;
    if (fault.remaining <= 0) this.commandFaults.splice(this.commandFaults.indexOf(fault), 1);
    return fault.action;
  }

  private add(fault: CommandFault): CommandFaultHandle {
    this.commandFaults.push(fault);
    return {
      remove: () => {
        const index = this.commandFaults.indexOf(fault);
        if (index >= 0) this.commandFaults.splice(index, 1);
      },
      matched: (times = 1) =>
        (fault.hits ?? 0) >= times
          ? Promise.resolve()
          : new Promise<void>((resolve) => {
              fault.waiters ??= [];
              fault.waiters.push({ times, resolve });
            }),
    };
  }

  private checkNode(node: string | undefined): string | undefined {
    if (node !== undefined && !this.nodes.has(node))
      throw new Error(`node: no lab node named "${node}" (known: ${[...this.nodes.keys()].join(', ')})`);
    return node;
  }
}
