/**
 * Listening sockets from `netstat -lntup` (and `ss -lntup`, its successor) as rows:
 * Proto, Local Address (as printed), Address, Port, State, PID, Program.
 */

export interface ListeningPortRow extends Record<string, string> {
  Proto: string;
  'Local Address': string;
  /** Host part of the local address, e.g. 0.0.0.0, ::, 192.168.56.11 */
  Address: string;
  Port: string;
  'Foreign Address': string;
  /** Empty for UDP sockets (netstat prints no state for them). */
  State: string;
  PID: string;
  Program: string;
}

/** `0.0.0.0:5672`, `:::5672`, `[::]:22`, `*:123` → host and port. */
function splitAddress(address: string): { host: string; port: string } {
  const colon = address.lastIndexOf(':');
  if (colon < 0) return { host: address, port: '' };
  return { host: address.slice(0, colon), port: address.slice(colon + 1) };
}

/** `1234/beam.smp` or `-` (no permission to see the process). */
function splitPidProgram(value: string): { pid: string; program: string } {
  const slash = value.indexOf('/');
  if (slash < 0) return { pid: '', program: value === '-' ? '' : value };
  return { pid: value.slice(0, slash), program: value.slice(slash + 1) };
}

/** ss -p prints `users:(("sshd",pid=812,fd=3),…)`. */
function splitSsProcess(value: string): { pid: string; program: string } {
  const match = /\(\("([^"]*)",pid=(\d+)/.exec(value);
  return match ? { pid: match[2], program: match[1] } : { pid: '', program: '' };
}

const SOCKET_STATE = /^[A-Z][A-Z0-9_-]*$/;

function netstatRow(tokens: string[]): ListeningPortRow | undefined {
  const [proto, , , local, foreign, ...rest] = tokens;
  if (!/^(tcp|udp|raw)6?$/.test(proto) || local === undefined) return undefined;
  const state = rest.length > 0 && SOCKET_STATE.test(rest[0]) ? (rest.shift() as string) : '';
  const { host, port } = splitAddress(local);
  // Program names may hold spaces (`1234/nginx: master`), so the rest is one field.
  const { pid, program } = splitPidProgram(rest.join(' '));
  return {
    Proto: proto,
    'Local Address': local,
    Address: host,
    Port: port,
    'Foreign Address': foreign ?? '',
    State: state,
    PID: pid,
    Program: program,
  };
}

function ssRow(tokens: string[], hasNetid: boolean): ListeningPortRow | undefined {
  const fields = hasNetid ? tokens : ['tcp', ...tokens];
  const [proto, state, , , local, peer, ...process] = fields;
  if (!/^(tcp|udp|raw)$/.test(proto) || local === undefined) return undefined;
  const { host, port } = splitAddress(local);
  const { pid, program } = splitSsProcess(process.join(' '));
  return {
    Proto: proto,
    'Local Address': local,
    Address: host,
    Port: port,
    'Foreign Address': peer ?? '',
    State: state === 'UNCONN' ? '' : state,
    PID: pid,
    Program: program,
  };
}

export function parseListeningPorts(text: string): ListeningPortRow[] {
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== '');
  const ssHeader = lines.find((line) => /^\s*(Netid\s+)?State\s+Recv-Q\s+Send-Q/.test(line));
  const rows: ListeningPortRow[] = [];
  for (const line of lines) {
    const tokens = line.trim().split(/\s+/);
    const row = ssHeader ? ssRow(tokens, /^\s*Netid/.test(ssHeader)) : netstatRow(tokens);
    if (row) rows.push(row);
  }
  return rows;
}
