/**
 * Whether a node's OpenStack service can talk to RabbitMQ with what its config says
 * ([oslo_messaging_rabbit], oslo.messaging's defaults otherwise). A service that cannot
 * keeps running under systemd but never reports: Nova lists it down, Neutron never sees the agent.
 */
import type { Cloud } from './cloud.js';
import { type CloudHost, readIfExists } from './host-port.js';
import { iniValue, parseIni } from './ini-file.js';

export async function messagingWorks(cloud: Cloud, host: CloudHost, configPath: string): Promise<boolean> {
  const text = await readIfExists(host.fs, configPath);
  if (text === undefined) return false;
  const ini = parseIni(text);
  const brokerAddress = iniValue(ini, 'oslo_messaging_rabbit', 'rabbit_host') ?? 'localhost';
  const user = iniValue(ini, 'oslo_messaging_rabbit', 'rabbit_userid') ?? 'guest';
  const password = iniValue(ini, 'oslo_messaging_rabbit', 'rabbit_password') ?? 'guest';
  const local = brokerAddress === 'localhost' || brokerAddress === '127.0.0.1';
  const broker = local ? host : cloud.hostByAddress(brokerAddress);
  if (!broker?.isActive('rabbitmq-server')) return false;
  const account = broker.rabbit.users.get(user);
  if (!account || account.password !== password) return false;
  // RabbitMQ 3.3+ lets guest in from localhost only (loopback_users).
  if (user === 'guest' && broker.name !== host.name) return false;
  return broker.rabbit.permissions.has(`/\t${user}`);
}
