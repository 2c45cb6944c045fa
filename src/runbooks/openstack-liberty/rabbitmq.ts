import type { Expectation, RenderContext } from '../model.js';
import { shellQuote } from '../render/shell.js';
import { command, ensureServices, expectRow, installPackages, phase, story, verifyTable } from '../steps/index.js';

/**
 * Seed, "消息队列RabbitMQ": the message bus every OpenStack service talks through ("the
 * traffic hub"). One `openstack` account with all permissions on every vhost, the web
 * management plugin on 15672, and the administrator tag the seed says must be added by
 * hand before that account can log in to the web UI.
 */

export const RABBIT_USER = 'openstack';

/** `ss -lntup` rows for a port owned by the Erlang VM (beam / beam.smp). */
function rabbitListensOn(port: number, what: string): Expectation[] {
  return [expectRow({ Proto: /^tcp/, Port: String(port), Program: /beam/ }, `${what} listens on ${port}`)];
}

const PORT_RETRY = { attempts: 10, intervalMs: 3000 };

/**
 * Does the openstack account log in with the generated password? Asked of the management API
 * (RabbitMQ 3.3 has no `rabbitmqctl authenticate_user`), with curl reading the credentials from
 * its config on stdin. Before the management plugin runs, the probe fails and the user step
 * sets the password again, which changes nothing.
 */
function rabbitPasswordWorks(ctx: RenderContext): string {
  return `curl -sf -o /dev/null -K - http://127.0.0.1:15672/api/whoami <<'OPSPRINT_CURL'\nuser = "${RABBIT_USER}:${ctx.secrets.RABBIT_PASS}"\nOPSPRINT_CURL`;
}

const server = story('rabbitmq-server', {
  title: 'Install and start RabbitMQ',
  userStory: 'As an operator I want RabbitMQ running on the controller so that Nova and Neutron services can exchange messages.',
  acceptanceCriteria: ['rabbitmq-server is installed, enabled and running', '`ss -lntup` shows port 5672 listening'],
  steps: [
    installPackages('rabbitmq-server'),
    ensureServices('rabbitmq-server'),
    verifyTable('verify-amqp-port', {
      title: 'RabbitMQ listens on 5672',
      run: 'ss -lntup',
      format: 'ports',
      expect: rabbitListensOn(5672, 'AMQP'),
      retry: PORT_RETRY,
    }),
  ],
});

const account = story('rabbitmq-account', {
  title: 'The openstack RabbitMQ account',
  userStory:
    "As an operator I want an `openstack` RabbitMQ user with the environment's generated password and full permissions so that services authenticate to the bus without the guest account.",
  acceptanceCriteria: [
    'user openstack exists and logs in with the generated RABBIT_PASS (not the seed\'s "openstack"); a changed secret is applied to it',
    'openstack has configure/write/read permissions ".*" ".*" ".*"',
  ],
  steps: [
    command('rabbitmq-user', {
      title: 'Create the openstack user, or give it its current password',
      // rabbitmqctl takes a password only as an argument; nothing else of the runbook does that with this one.
      run: (ctx) => {
        const password = shellQuote(ctx.secrets.RABBIT_PASS);
        return `rabbitmqctl add_user ${RABBIT_USER} ${password} 2>/dev/null || rabbitmqctl change_password ${RABBIT_USER} ${password}`;
      },
      guard: rabbitPasswordWorks,
    }),
    command('rabbitmq-permissions', {
      title: 'Give openstack all permissions',
      run: `rabbitmqctl set_permissions ${RABBIT_USER} ".*" ".*" ".*"`,
      guard: `rabbitmqctl list_permissions | grep -qxF ${shellQuote(`${RABBIT_USER}\t.*\t.*\t.*`)}`,
    }),
  ],
});

const management = story('rabbitmq-management', {
  title: 'RabbitMQ web management',
  userStory:
    "As an operator I want the RabbitMQ management plugin on port 15672 and the openstack user tagged administrator so that I can watch queues (the seed's monitoring through the HTTP API) with the service account.",
  acceptanceCriteria: [
    'rabbitmq_management is enabled; RabbitMQ is restarted only when it was just enabled',
    'user openstack has the administrator tag',
    '`ss -lntup` shows port 15672 listening',
  ],
  steps: [
    command('rabbitmq-management-plugin', {
      title: 'Enable rabbitmq_management and restart RabbitMQ',
      run: 'rabbitmq-plugins enable rabbitmq_management && systemctl restart rabbitmq-server.service',
      guard: "rabbitmq-plugins list | grep -qE '^\\[E\\*?\\] rabbitmq_management '",
    }),
    command('rabbitmq-administrator-tag', {
      title: 'Tag openstack as administrator (web UI login)',
      run: `rabbitmqctl set_user_tags ${RABBIT_USER} administrator`,
      guard: `rabbitmqctl list_users | grep -w ${RABBIT_USER} | grep -qw administrator`,
    }),
    verifyTable('verify-management-port', {
      title: 'RabbitMQ management listens on 15672',
      run: 'ss -lntup',
      format: 'ports',
      expect: [...rabbitListensOn(5672, 'AMQP'), ...rabbitListensOn(15672, 'the management web UI')],
      retry: PORT_RETRY,
    }),
  ],
});

export const rabbitmq = phase('rabbitmq', {
  title: 'RabbitMQ message queue',
  goal: 'RabbitMQ on the controller with an openstack account and the management UI.',
  dependsOn: ['base'],
  on: 'controller',
  stories: [server, account, management],
});
