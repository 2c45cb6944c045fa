import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsArray, IsInt, IsOptional, IsString, ValidateNested } from 'class-validator';

// Shape only: addresses, CIDRs, roles and their coherence are checked by the service,
// which reports every problem at once with the field it concerns.

export class ProviderNetworkDto {
  @ApiProperty({ example: 'flat' }) @IsString() name: string;
  @ApiProperty({ example: 'physnet1' }) @IsString() physicalNetwork: string;
  @ApiProperty({ example: '192.168.56.0/24' }) @IsString() cidr: string;
  @ApiProperty({ example: '192.168.56.2' }) @IsString() gateway: string;
  @ApiProperty({ example: '192.168.56.2' }) @IsString() dns: string;
  @ApiProperty({ example: '192.168.56.100' }) @IsString() allocationStart: string;
  @ApiProperty({ example: '192.168.56.200' }) @IsString() allocationEnd: string;
}

export class PackageRepositoryDto {
  @ApiProperty({ example: 'base' }) @IsString() id: string;
  @ApiProperty({ example: 'CentOS-7.9.2009 - Base (local mirror)' }) @IsString() name: string;
  @ApiProperty({ example: 'http://mirror.example.com/centos/7.9.2009/os/$basearch/' }) @IsString() baseUrl: string;
  @ApiPropertyOptional({ example: 'file:///etc/pki/rpm-gpg/RPM-GPG-KEY-CentOS-7', description: 'signing key; without one, gpgcheck=0' })
  @IsOptional()
  @IsString()
  gpgKey?: string;
}

export class NetworkSettingsDto {
  @ApiProperty({ example: '192.168.56.0/24' }) @IsString() managementCidr: string;
  @ApiProperty({ example: 'Asia/Shanghai' }) @IsString() timezone: string;
  @ApiProperty({ example: ['ntp1.aliyun.com'] }) @IsArray() @IsString({ each: true }) ntpServers: string[];
  @ApiProperty({ example: 'RegionOne' }) @IsString() region: string;
  @ApiProperty({ type: ProviderNetworkDto }) @ValidateNested() @Type(() => ProviderNetworkDto) provider: ProviderNetworkDto;
  @ApiProperty({ example: 'http://download.cirros-cloud.net/0.3.4/cirros-0.3.4-x86_64-disk.img' }) @IsString() imageUrl: string;
  @ApiPropertyOptional({ example: 'md5:ee1eca47dc88f4879d8a229cc70a07c6', description: 'md5:<hex> or sha256:<hex> of the image' })
  @IsOptional()
  @IsString()
  imageChecksum?: string;
  @ApiPropertyOptional({
    type: [PackageRepositoryDto],
    description: 'yum repositories every node installs from; default: the CentOS vault (7.9.2009 base/updates/extras, RDO Liberty)',
  })
  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => PackageRepositoryDto)
  repositories?: PackageRepositoryDto[];
}

export class SshTargetDto {
  @ApiProperty({ example: '192.168.56.11' }) @IsString() host: string;
  @ApiProperty({ example: 22 }) @IsInt() port: number;
  @ApiProperty({ example: 'root' }) @IsString() user: string;
  @ApiPropertyOptional({ description: 'Pinned host key, "SHA256:..."' }) @IsOptional() @IsString() hostKeyFingerprint?: string;
}

export class InventoryNodeDto {
  @ApiProperty({ example: 'linux-node1.example.com' }) @IsString() name: string;
  @ApiProperty({ example: ['controller'], description: 'controller and/or compute' }) @IsArray() @IsString({ each: true }) roles: string[];
  @ApiProperty({ example: '192.168.56.11' }) @IsString() managementIp: string;
  @ApiProperty({ example: 'eth0' }) @IsString() providerInterface: string;
  @ApiProperty({ type: SshTargetDto }) @ValidateNested() @Type(() => SshTargetDto) ssh: SshTargetDto;
}
