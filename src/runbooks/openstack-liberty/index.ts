import type { Runbook } from '../model.js';
import { base } from './base.js';
import { firstInstance } from './first-instance.js';
import { glance } from './glance.js';
import { keystone } from './keystone.js';
import { mariadb } from './mariadb.js';
import { neutronCompute } from './neutron-compute.js';
import { neutronController } from './neutron-controller.js';
import { novaCompute } from './nova-compute.js';
import { novaController } from './nova-controller.js';
import { providerNetwork } from './provider-network.js';
import { rabbitmq } from './rabbitmq.js';

/** The seed "OpenStack企业私有云实践": a two-node OpenStack Liberty private cloud on CentOS 7, in the seed's order. */
export const openstackLiberty: Runbook = {
  key: 'openstack-liberty',
  version: '1.0.0',
  title: 'OpenStack Liberty private cloud (controller + compute, CentOS 7)',
  phases: [
    base,
    mariadb,
    rabbitmq,
    keystone,
    glance,
    novaController,
    novaCompute,
    neutronController,
    neutronCompute,
    providerNetwork,
    firstInstance,
  ],
};

export { exampleInventory, type ExampleInventoryOptions } from './example-inventory.js';
