import { ApiProperty } from '@nestjs/swagger';
import type { EnvironmentView } from '../../environments/environments.service.js';
import type { InventoryNode, NetworkSettings } from '../../runbooks/model.js';
import { isoDate } from '../common/iso-date.js';
import { InventoryNodeDto, NetworkSettingsDto } from './inventory.dto.js';

// The network and node shapes are the ones an environment is written with (inventory.dto.ts).

export class EnvironmentResponseDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'lab' }) name: string;
  @ApiProperty({ nullable: true, type: String }) description: string | null;
  @ApiProperty({ type: NetworkSettingsDto }) network: NetworkSettingsDto;
  @ApiProperty({ description: 'Whether a node without a pinned host key gets the key it presents first pinned' })
  trustOnFirstUse: boolean;
  @ApiProperty({ type: [InventoryNodeDto] }) nodes: InventoryNodeDto[];
  @ApiProperty({
    type: [String],
    description: 'Names of the stored secrets; values are never returned',
    example: ['ADMIN_PASS', 'SSH_PRIVATE_KEY'],
  })
  secrets: string[];
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export function toEnvironmentResponse(environment: EnvironmentView): EnvironmentResponseDto {
  return {
    id: environment.id,
    name: environment.name,
    description: environment.description,
    network: toNetworkResponse(environment.network),
    trustOnFirstUse: environment.trustOnFirstUse,
    nodes: environment.nodes.map(toNodeResponse),
    secrets: [...environment.secrets],
    createdAt: isoDate(environment.createdAt),
    updatedAt: isoDate(environment.updatedAt),
  };
}

// Field by field: the settings are stored as JSON, and whatever else a row may carry stays out.
function toNetworkResponse(network: NetworkSettings): NetworkSettingsDto {
  const { provider } = network;
  return {
    managementCidr: network.managementCidr,
    timezone: network.timezone,
    ntpServers: [...network.ntpServers],
    region: network.region,
    provider: {
      name: provider.name,
      physicalNetwork: provider.physicalNetwork,
      cidr: provider.cidr,
      gateway: provider.gateway,
      dns: provider.dns,
      allocationStart: provider.allocationStart,
      allocationEnd: provider.allocationEnd,
    },
    imageUrl: network.imageUrl,
    ...(network.imageChecksum ? { imageChecksum: network.imageChecksum } : {}),
    ...(network.repositories
      ? {
          repositories: network.repositories.map(({ id, name, baseUrl, gpgKey }) => ({ id, name, baseUrl, ...(gpgKey ? { gpgKey } : {}) })),
        }
      : {}),
  };
}

function toNodeResponse(node: InventoryNode): InventoryNodeDto {
  const { host, port, user, hostKeyFingerprint } = node.ssh;
  return {
    name: node.name,
    roles: [...node.roles],
    managementIp: node.managementIp,
    providerInterface: node.providerInterface,
    ssh: { host, port, user, ...(hostKeyFingerprint ? { hostKeyFingerprint } : {}) },
  };
}
