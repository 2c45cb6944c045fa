import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsInt, IsOptional, IsString, Matches, MaxLength, ValidateNested } from 'class-validator';

// Shape and size only: addresses, CIDRs, roles and their coherence are checked by the service,
// which reports every problem at once with the field it concerns. The lengths are only bounds
// (a host name's 253 characters, a Linux user name's 32) so that no value grows without limit.

const HOST_KEY = /^SHA256:[A-Za-z0-9+/]{43}$/;

export class ProviderNetworkDto {
  @ApiProperty({ example: 'flat' }) @IsString() @MaxLength(253) name: string;
  @ApiProperty({ example: 'physnet1' }) @IsString() @MaxLength(253) physicalNetwork: string;
  @ApiProperty({ example: '192.168.56.0/24' }) @IsString() @MaxLength(253) cidr: string;
  @ApiProperty({ example: '192.168.56.2' }) @IsString() @MaxLength(253) gateway: string;
  @ApiProperty({ example: '192.168.56.2' }) @IsString() @MaxLength(253) dns: string;
  @ApiProperty({ example: '192.168.56.100' }) @IsString() @MaxLength(253) allocationStart: string;
  @ApiProperty({ example: '192.168.56.200' }) @IsString() @MaxLength(253) allocationEnd: string;
}

export class PackageRepositoryDto {
  @ApiProperty({ example: 'base' }) @IsString() @MaxLength(253) id: string;
  @ApiProperty({ example: 'CentOS-7.9.2009 - Base (local mirror)' }) @IsString() @MaxLength(253) name: string;
  @ApiProperty({ example: 'http://mirror.example.com/centos/7.9.2009/os/$basearch/' }) @IsString() @MaxLength(2048) baseUrl: string;
  @ApiPropertyOptional({ example: 'file:///etc/pki/rpm-gpg/RPM-GPG-KEY-CentOS-7', description: 'signing key; without one, gpgcheck=0' })
  @IsOptional()
  @IsString()
  @MaxLength(2048)
  gpgKey?: string;
}

export class NetworkSettingsDto {
  @ApiProperty({ example: '192.168.56.0/24' }) @IsString() @MaxLength(253) managementCidr: string;
  @ApiProperty({ example: 'Asia/Shanghai' }) @IsString() @MaxLength(253) timezone: string;
  @ApiProperty({ example: ['ntp1.aliyun.com'] })
  @IsArray()
  @ArrayMaxSize(16)
  @IsString({ each: true })
  @MaxLength(253, { each: true })
  ntpServers: string[];
  @ApiProperty({ example: 'RegionOne' }) @IsString() @MaxLength(253) region: string;
  @ApiProperty({ type: ProviderNetworkDto }) @ValidateNested() @Type(() => ProviderNetworkDto) provider: ProviderNetworkDto;
  @ApiProperty({ example: 'http://download.cirros-cloud.net/0.3.4/cirros-0.3.4-x86_64-disk.img' })
  @IsString()
  @MaxLength(2048)
  imageUrl: string;
  @ApiPropertyOptional({ example: 'md5:ee1eca47dc88f4879d8a229cc70a07c6', description: 'md5:<hex> or sha256:<hex> of the image' })
  @IsOptional()
  @IsString()
  @MaxLength(80)
  imageChecksum?: string;
  @ApiPropertyOptional({
    type: [PackageRepositoryDto],
    description: 'yum repositories every node installs from; default: the CentOS vault (7.9.2009 base/updates/extras, RDO Liberty)',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(32)
  @ValidateNested({ each: true })
  @Type(() => PackageRepositoryDto)
  repositories?: PackageRepositoryDto[];
}

export class SshTargetDto {
  @ApiProperty({ example: '192.168.56.11' }) @IsString() @MaxLength(253) host: string;
  @ApiProperty({ example: 22 }) @IsInt() port: number;
  @ApiProperty({ example: 'root' }) @IsString() @MaxLength(32) user: string;
  @ApiPropertyOptional({
    description: 'Pinned host key as OpenSSH prints it, "SHA256:" + 43 characters of base64',
    pattern: HOST_KEY.source,
  })
  @IsOptional()
  @IsString()
  @Matches(HOST_KEY, { message: 'hostKeyFingerprint must be "SHA256:" followed by 43 characters of base64, as ssh-keygen -lf prints it' })
  hostKeyFingerprint?: string;
}

export class InventoryNodeDto {
  @ApiProperty({ example: 'linux-node1.example.com' }) @IsString() @MaxLength(253) name: string;
  @ApiProperty({ example: ['controller'], description: 'controller and/or compute' })
  @IsArray()
  @ArrayMaxSize(8)
  @IsString({ each: true })
  @MaxLength(16, { each: true })
  roles: string[];
  @ApiProperty({ example: '192.168.56.11' }) @IsString() @MaxLength(253) managementIp: string;
  @ApiProperty({ example: 'eth0' }) @IsString() @MaxLength(253) providerInterface: string;
  @ApiProperty({ type: SshTargetDto }) @ValidateNested() @Type(() => SshTargetDto) ssh: SshTargetDto;
}
