import type { CommandStep, FileStep } from '../model.js';
import { shellQuote } from '../render/shell.js';
import { command } from '../steps/command.js';
import { writeIni } from '../steps/files.js';
import { computeNovaConf, controllerNovaConf, NOVA_CONF, type VirtType } from './nova-config.js';

/** nova.conf holds database and service passwords: readable by the nova group only. */
const NOVA_CONF_OWNERSHIP = { owner: 'root', group: 'nova', mode: '0640' } as const;

/** The seed's check for hardware virtualisation: a non-zero count means KVM can be used. */
export const HARDWARE_VIRT_PROBE = `[ "$(egrep -c '(vmx|svm)' /proc/cpuinfo)" -gt 0 ]`;

export function renderedNovaConfPath(virtType: VirtType): string {
  return `${NOVA_CONF}.${virtType}`;
}

export function controllerNovaConfStep(key: string, notify: string[]): FileStep {
  return writeIni(NOVA_CONF, controllerNovaConf, {
    ...NOVA_CONF_OWNERSHIP,
    key,
    title: `Write ${NOVA_CONF} for the controller (database, RabbitMQ, Keystone, Neutron, VNC, Glance)`,
    notify,
  });
}

/**
 * A compute node's nova.conf depends on its CPU (virt_type kvm, or qemu without VT-x/AMD-V),
 * which is only known on the node. Both renderings are written as ordinary file steps (hashed,
 * backed up, shown on the runbook page), then one step probes the CPU and installs the
 * matching one. A rerun compares the installed file with the matching rendering, so it is
 * idempotent on either kind of CPU, which a "write kvm, then sed to qemu" pair would not be.
 */
export function computeNovaConfSteps(keyPrefix: string): [FileStep, FileStep, CommandStep] {
  const rendering = (virtType: VirtType) =>
    writeIni(renderedNovaConfPath(virtType), (ctx) => computeNovaConf(ctx, virtType), {
      ...NOVA_CONF_OWNERSHIP,
      key: `${keyPrefix}-${virtType}`,
      title: `Render nova.conf for this compute node with libvirt virt_type = ${virtType}`,
    });
  const conf = shellQuote(NOVA_CONF);
  // Not `if …; then v=kvm; else v=qemu; fi`: just-bash (the lab's shell) leaves $? of a bare
  // assignment at the previous status, so that line fails there; a command substitution does not.
  const chooseVirtType = `virt_type=$(${HARDWARE_VIRT_PROBE} && echo kvm || echo qemu)`;
  const install = command(`${keyPrefix}-install`, {
    title: `Install the nova.conf rendering matching the CPU (kvm with vmx/svm, else qemu) and restart nova-compute if it runs`,
    guard: `${chooseVirtType} && [ "$(cat ${conf}.$virt_type)" = "$(cat ${conf} 2>/dev/null)" ]`,
    run: [
      chooseVirtType,
      `cat ${conf}.$virt_type > ${conf}`,
      `chown ${NOVA_CONF_OWNERSHIP.owner}:${NOVA_CONF_OWNERSHIP.group} ${conf}`,
      `chmod ${NOVA_CONF_OWNERSHIP.mode} ${conf}`,
      `{ ! systemctl is-active --quiet openstack-nova-compute || systemctl restart openstack-nova-compute; }`,
      `echo "libvirt virt_type = $virt_type"`,
    ].join(' && '),
  });
  return [rendering('kvm'), rendering('qemu'), install];
}
