import type { CommandStep, FileStep } from '../model.js';
import { shellQuote } from '../render/shell.js';
import { command } from '../steps/command.js';
import { writeIni } from '../steps/files.js';
import {
  LINUXBRIDGE_AGENT_INI,
  linuxbridgeAgentConf,
  ML2_CONF,
  ml2Conf,
  NEUTRON_CONF,
  neutronConf,
  PLUGIN_INI_LINK,
} from './neutron-config.js';

/** Neutron's files hold service passwords: readable by the neutron group only. */
export const NEUTRON_FILE_OWNERSHIP = { owner: 'root', group: 'neutron', mode: '0640' } as const;

/**
 * neutron.conf, ml2_conf.ini and linuxbridge_agent.ini: the files both the controller and
 * the compute nodes have (the seed copies the first two from the controller with scp).
 */
export function neutronCommonFileSteps(notify: string[]): FileStep[] {
  const options = { ...NEUTRON_FILE_OWNERSHIP, notify };
  return [
    writeIni(NEUTRON_CONF, neutronConf, {
      ...options,
      key: 'neutron-conf',
      title: `Write ${NEUTRON_CONF} (ml2 core plugin, database, RabbitMQ, Keystone, Nova notifications)`,
    }),
    writeIni(ML2_CONF, ml2Conf, {
      ...options,
      key: 'ml2-conf',
      title: `Write ${ML2_CONF} (flat provider network, linuxbridge mechanism, port security, ipset)`,
    }),
    writeIni(LINUXBRIDGE_AGENT_INI, linuxbridgeAgentConf, {
      ...options,
      key: 'linuxbridge-agent-ini',
      title: `Write ${LINUXBRIDGE_AGENT_INI} (provider network on this node's interface, no VXLAN)`,
    }),
  ];
}

/** The ML2 plugin's config under the name neutron-server expects (seed: ln -s …). */
export function pluginIniLinkStep(): CommandStep {
  return command('plugin-ini-link', {
    title: `Link ${PLUGIN_INI_LINK} to ${ML2_CONF}`,
    run: `ln -sfn ${shellQuote(ML2_CONF)} ${shellQuote(PLUGIN_INI_LINK)}`,
    // A link elsewhere (or a copy) would hand neutron-server another plugin configuration.
    guard: `test -L ${shellQuote(PLUGIN_INI_LINK)} && [ "$(readlink ${shellQuote(PLUGIN_INI_LINK)})" = ${shellQuote(ML2_CONF)} ]`,
  });
}
