import { currentIdentity } from '../identity.js';
import { fail, ok, type LabCommandHandler, type LabCommandResult } from '../lab-host.js';

const MANAGEMENT_DEPENDENCIES = [
  'mochiweb',
  'webmachine',
  'rabbitmq_web_dispatch',
  'amqp_client',
  'rabbitmq_management_agent',
  'rabbitmq_management',
];
const KNOWN_PLUGINS = [...MANAGEMENT_DEPENDENCIES, 'rabbitmq_shovel', 'rabbitmq_federation', 'rabbitmq_mqtt', 'rabbitmq_stomp'].sort();

const nodeDown = (hostname: string): LabCommandResult =>
  fail(
    `Error: unable to connect to node 'rabbit@${hostname.split('.')[0]}': nodedown\n\nDIAGNOSTICS\n===========\n\nattempted to contact: ['rabbit@${hostname.split('.')[0]}']`,
    2,
  );

const notRabbitUser = () => !['root', 'rabbitmq'].includes(currentIdentity().user);

export const rabbitmqctl: LabCommandHandler = async (args, { host }) => {
  if (notRabbitUser()) return fail('Only root or rabbitmq should run rabbitmqctl');
  if (!host.isActive('rabbitmq-server')) return nodeDown(host.hostname);
  const rabbit = host.rabbit;
  let vhost = '/';
  const words: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '-p') vhost = args[++i] ?? '/';
    else if (args[i] !== '-q') words.push(args[i]!);
  }
  const [verb, ...rest] = words;
  const noSuchUser = (user: string) => fail(`Error: no_such_user: ${user}`, 2);
  switch (verb) {
    case 'add_user': {
      const [user, password] = rest;
      if (!user || password === undefined) return fail('Error: could not recognise command', 64);
      if (rabbit.users.has(user)) return fail(`Creating user "${user}" ...\nError: user_already_exists: ${user}`, 2);
      rabbit.users.set(user, { password, tags: [] });
      return ok(`Creating user "${user}" ...\n`);
    }
    case 'change_password': {
      const user = rabbit.users.get(rest[0] ?? '');
      if (!user) return noSuchUser(rest[0] ?? '');
      user.password = rest[1] ?? '';
      return ok(`Changing password for user "${rest[0]}" ...\n`);
    }
    case 'delete_user':
      if (!rabbit.users.delete(rest[0] ?? '')) return noSuchUser(rest[0] ?? '');
      return ok(`Deleting user "${rest[0]}" ...\n`);
    case 'set_user_tags': {
      const [name = '', ...tags] = rest;
      const user = rabbit.users.get(name);
      if (!user) return noSuchUser(name);
      user.tags = tags;
      return ok(`Setting tags for user "${name}" to [${tags.join(',')}] ...\n`);
    }
    case 'set_permissions': {
      const [user = '', configure, write, read] = rest;
      if (read === undefined || configure === undefined || write === undefined) return fail('Error: could not recognise command', 64);
      if (!rabbit.users.has(user)) return noSuchUser(user);
      rabbit.permissions.set(`${vhost}\t${user}`, [configure, write, read]);
      return ok(`Setting permissions for user "${user}" in vhost "${vhost}" ...\n`);
    }
    case 'list_users':
      return ok(`Listing users ...\n${[...rabbit.users].map(([name, u]) => `${name}\t[${u.tags.join(', ')}]\n`).join('')}`);
    case 'list_permissions': {
      const rows = [...rabbit.permissions]
        .filter(([key]) => key.startsWith(`${vhost}\t`))
        .map(([key, p]) => `${key.split('\t')[1]}\t${p.join('\t')}\n`);
      return ok(`Listing permissions in vhost "${vhost}" ...\n${rows.join('')}`);
    }
    case 'list_vhosts':
      return ok('Listing vhosts ...\n/\n');
    case 'status':
      return ok(
        `Status of node 'rabbit@${host.hostname.split('.')[0]}' ...\n[{pid,2161},\n {running_applications,[{rabbit,"RabbitMQ","3.3.5"}]}]\n`,
      );
    default:
      return fail(`Error: could not recognise command ${verb ?? ''}`, 64);
  }
};

export const rabbitmqPlugins: LabCommandHandler = async (args, { host }) => {
  if (notRabbitUser()) return fail('Only root or rabbitmq should run rabbitmq-plugins');
  const [verb, ...names] = args.filter((a) => !a.startsWith('-'));
  const rabbit = host.rabbit;
  if (verb === 'list') {
    const rows = KNOWN_PLUGINS.map((p) => `[${rabbit.plugins.has(p) ? 'E' : ' '}] ${p.padEnd(30)} 3.3.5`);
    return ok(`${rows.join('\n')}\n`);
  }
  if (verb !== 'enable' && verb !== 'disable') return fail(`Error: could not recognise command ${verb ?? ''}`, 64);
  const unknown = names.filter((n) => !KNOWN_PLUGINS.includes(n));
  if (unknown.length) return fail(`Error: The following plugins could not be found:\n  ${unknown.join('\n  ')}`, 2);
  const affected = names
    .flatMap((n) => (n === 'rabbitmq_management' ? MANAGEMENT_DEPENDENCIES : [n]))
    .filter((p) => rabbit.plugins.has(p) !== (verb === 'enable'));
  if (affected.length === 0) return ok('Plugin configuration unchanged.\n');
  for (const p of affected) {
    if (verb === 'enable') rabbit.plugins.add(p);
    else rabbit.plugins.delete(p);
  }
  const word = verb === 'enable' ? 'enabled' : 'disabled';
  return ok(
    `The following plugins have been ${word}:\n  ${affected.join('\n  ')}\n\nApplying plugin configuration to rabbit@${host.hostname.split('.')[0]}... Plugin configuration has changed. Restart RabbitMQ for changes to take effect.\n`,
  );
};
