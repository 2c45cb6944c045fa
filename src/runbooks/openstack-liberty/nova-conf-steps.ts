import type { CommandStep, FileStep, RenderContext } from '../model.js';
import { sha256 } from '../plan-step.js';
import { renderIni } from '../render/ini.js';
import { shellQuote } from '../render/shell.js';
import { command } from '../steps/command.js';
import { writeIni } from '../steps/files.js';
import { computeNovaConf, controllerNovaConf, NOVA_CONF, type VirtType } from './nova-config.js';

/** nova.conf holds database and service passwords: readable by the nova group only. */
const NOVA_CONF_OWNERSHIP = { owner: 'root', group: 'nova', mode: '0640' } as const;

/** The seed's check for hardware virtualisation: a non-zero count means KVM can be used. */
export const HARDWARE_VIRT_PROBE = `[ "$(egrep -c '(vmx|svm)' /proc/cpuinfo)" -gt 0 ]`;

/** Where earlier versions staged both renderings; they hold every Nova secret and are removed. */
export const STAGED_NOVA_CONFS = [`${NOVA_CONF}.kvm`, `${NOVA_CONF}.qemu`];

export function controllerNovaConfStep(key: string, notify: string[]): FileStep {
  return writeIni(NOVA_CONF, controllerNovaConf, {
    ...NOVA_CONF_OWNERSHIP,
    key,
    title: `Write ${NOVA_CONF} for the controller (database, RabbitMQ, Keystone, Neutron, VNC, Glance)`,
    notify,
  });
}

const VIRT_TYPES: VirtType[] = ['kvm', 'qemu'];
// Not `if …; then v=kvm; else v=qemu; fi`: just-bash (the lab's shell) leaves $? of a bare
// assignment at the previous status, so that line fails there; a command substitution does not.
const CHOOSE_VIRT_TYPE = `virt_type=$(${HARDWARE_VIRT_PROBE} && echo kvm || echo qemu)`;

function heredocDelimiter(virtType: VirtType): string {
  return `OPSPRINT_NOVA_CONF_${virtType.toUpperCase()}`;
}

/**
 * A compute node's nova.conf depends on its CPU (virt_type kvm, or qemu without VT-x/AMD-V),
 * which is only known on the node. Both renderings travel in the step's script; the node probes
 * its CPU and writes the matching one through a root-only temporary file in /etc/nova (a quoted
 * here-document: the secrets never become arguments), with owner and mode set before it replaces
 * nova.conf. The probe compares the installed file with the rendering for this CPU, so a rerun is
 * idempotent on either kind of CPU, which a "write kvm, then sed to qemu" pair would not be.
 */
export function computeNovaConfStep(key: string): CommandStep {
  const rendering = (ctx: RenderContext, virtType: VirtType) => renderIni(computeNovaConf(ctx, virtType));
  const conf = shellQuote(NOVA_CONF);
  const { owner, group, mode } = NOVA_CONF_OWNERSHIP;
  const staged = STAGED_NOVA_CONFS.map(shellQuote).join(' ');
  return command(key, {
    title:
      'Write nova.conf for this compute node with libvirt virt_type kvm (vmx/svm in /proc/cpuinfo) or qemu, and restart nova-compute if it runs',
    guard: (ctx) => {
      const cases = VIRT_TYPES.map((virtType) => `${virtType}:${sha256(rendering(ctx, virtType))}`).join('|');
      return [
        CHOOSE_VIRT_TYPE,
        `case "$virt_type:$(sha256sum ${conf} 2>/dev/null | cut -c1-64)" in ${cases}) ;; *) exit 1 ;; esac`,
        `[ "$(stat -c '%U:%G %a' ${conf})" = ${shellQuote(`${owner}:${group} ${Number.parseInt(mode, 8).toString(8)}`)} ]`,
        ...STAGED_NOVA_CONFS.map((path) => `[ ! -e ${shellQuote(path)} ]`),
      ].join(' && ');
    },
    run: (ctx) => {
      const write = (virtType: VirtType) => {
        const content = rendering(ctx, virtType);
        const delimiter = heredocDelimiter(virtType);
        if (content.split('\n').includes(delimiter)) throw new Error(`nova.conf contains the line ${delimiter}`);
        return `cat > "$tmp" <<'${delimiter}'\n${content}${delimiter}`;
      };
      return [
        CHOOSE_VIRT_TYPE,
        `tmp=$(mktemp ${shellQuote(`${NOVA_CONF.slice(0, NOVA_CONF.lastIndexOf('/'))}/.nova.conf.`)}XXXXXX) || exit 1`,
        `if [ "$virt_type" = kvm ]; then\n${write('kvm')}\nelse\n${write('qemu')}\nfi`,
        `chown ${owner}:${group} "$tmp" && chmod ${mode} "$tmp" && mv -f "$tmp" ${conf} || { rm -f "$tmp"; exit 1; }`,
        `rm -f ${staged}`,
        '{ ! systemctl is-active --quiet openstack-nova-compute || systemctl restart openstack-nova-compute; }',
        'echo "libvirt virt_type = $virt_type"',
      ].join('\n');
    },
  });
}
