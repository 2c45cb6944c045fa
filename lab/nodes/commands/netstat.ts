import { ok, type LabCommandHandler } from '../lab-host.js';
import { listeningPorts, type ListeningPort } from '../service-ports.js';

/** A stable fake PID per program, so repeated listings agree. */
const pid = (program: string) => 1000 + ([...program].reduce((sum, c) => sum + c.charCodeAt(0) * 7, 0) % 8000);

function wants(args: string[], port: ListeningPort): boolean {
  const flags = args.filter((a) => /^-[a-z]+$/.test(a)).join('');
  const tcp = flags.includes('t');
  const udp = flags.includes('u');
  return (!tcp && !udp) || (port.proto === 'tcp' ? tcp : udp);
}

export const netstat: LabCommandHandler = async (args, { host }) => {
  const showPrograms = args.some((a) => /^-[a-z]*p/.test(a));
  const ports = (await listeningPorts(host)).filter((p) => wants(args, p));
  const rows = ports.map((p) => {
    const v6 = p.address.includes(':');
    const proto = `${p.proto}${v6 ? '6' : ''}`;
    const local = `${p.address}${v6 ? '' : ':'}${p.port}`;
    const foreign = v6 ? ':::*' : '0.0.0.0:*';
    const state = p.proto === 'tcp' ? 'LISTEN' : '';
    const program = showPrograms ? `${pid(p.program)}/${p.program}` : '';
    return `${proto.padEnd(6)}${'0'.padStart(4)}${'0'.padStart(7)} ${local.padEnd(24)}${foreign.padEnd(24)}${state.padEnd(12)}${program}`;
  });
  const header = [
    'Active Internet connections (only servers)',
    `Proto Recv-Q Send-Q Local Address           Foreign Address         State       ${showPrograms ? 'PID/Program name' : ''}`,
  ];
  return ok(`${[...header, ...rows].join('\n')}\n`);
};

export const ss: LabCommandHandler = async (args, { host }) => {
  const showPrograms = args.some((a) => /^-[a-z]*p/.test(a));
  const ports = (await listeningPorts(host)).filter((p) => wants(args, p));
  const rows = ports.map((p) => {
    const local = `${p.address === '0.0.0.0' ? '*' : p.address === ':::' ? ':::' : p.address}${p.address === ':::' ? '' : ':'}${p.port}`;
    const state = p.proto === 'tcp' ? 'LISTEN' : 'UNCONN';
    const users = showPrograms ? `users:(("${p.program}",pid=${pid(p.program)},fd=3))` : '';
    const peer = p.address === ':::' ? ':::*' : '*:*';
    return `${state.padEnd(11)}0      128    ${local.padStart(20)}${''.padEnd(18)}${peer.padEnd(24)}${users}`;
  });
  return ok(`${[`State      Recv-Q Send-Q Local Address:Port               Peer Address:Port`, ...rows].join('\n')}\n`);
};
