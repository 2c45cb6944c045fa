/**
 * The runbook model: Runbook → Phase (a JIRA epic) → Story (a JIRA story) → Step.
 * Pure data and types; nothing here talks to a host. `plan.ts` turns a runbook plus an
 * environment's inventory and secrets into concrete PlannedSteps per node.
 */

export type NodeRole = 'controller' | 'compute';

export interface InventoryNode {
  /** Hostname as the seed uses it, e.g. linux-node1.example.com */
  name: string;
  roles: NodeRole[];
  /** Address on the management network (what /etc/hosts and the configs use). */
  managementIp: string;
  /** Interface bridged to the provider network (physnet1), e.g. eth0. */
  providerInterface: string;
  /** How OpSprint reaches the node; may differ from managementIp (NAT, lab ports). */
  ssh: { host: string; port: number; user: string; hostKeyFingerprint?: string };
}

export interface ProviderNetwork {
  /** Neutron network name (the seed: flat). */
  name: string;
  physicalNetwork: string;
  cidr: string;
  gateway: string;
  dns: string;
  allocationStart: string;
  allocationEnd: string;
}

/** One yum repository the base phase writes into /etc/yum.repos.d/opsprint.repo. */
export interface PackageRepository {
  /** yum's repository id, e.g. base. */
  id: string;
  name: string;
  /** http(s)://, ftp:// or file:// URL of the repository (where its repodata/ lives); yum's $basearch/$releasever may be used. */
  baseUrl: string;
  /** Signing key (file:// or http(s)://); without one the repository is written with gpgcheck=0. */
  gpgKey?: string;
}

export interface NetworkSettings {
  managementCidr: string;
  timezone: string;
  /** Upstream NTP servers for the controller's chrony. */
  ntpServers: string[];
  region: string;
  provider: ProviderNetwork;
  /** Where the cirros test image comes from. */
  imageUrl: string;
  /** `md5:<hex>` or `sha256:<hex>` of the image at imageUrl: the download and the Glance image are checked against it. */
  imageChecksum?: string;
  /**
   * Where every node installs packages from (a local mirror is the usual case in a data centre).
   * Omitted: the CentOS vault for CentOS 7.9 and RDO Liberty (see DEFAULT_REPOSITORIES).
   */
  repositories?: PackageRepository[];
}

export interface Inventory {
  environment: string;
  nodes: InventoryNode[];
  network: NetworkSettings;
}

/** Every secret the runbook needs; generated per environment, never the seed's demo values. */
export const SECRET_NAMES = [
  'ADMIN_TOKEN',
  'MYSQL_ROOT_PASS',
  'KEYSTONE_DBPASS',
  'GLANCE_DBPASS',
  'NOVA_DBPASS',
  'NEUTRON_DBPASS',
  'CINDER_DBPASS',
  'RABBIT_PASS',
  'ADMIN_PASS',
  'DEMO_PASS',
  'GLANCE_PASS',
  'NOVA_PASS',
  'NEUTRON_PASS',
  'METADATA_SECRET',
] as const;
export type SecretName = (typeof SECRET_NAMES)[number];
export type Secrets = Record<SecretName, string>;

/** What a template sees when it is rendered for one node. */
export interface RenderContext {
  inventory: Inventory;
  secrets: Secrets;
  controller: InventoryNode;
  computes: InventoryNode[];
  /** The node the step runs on. */
  node: InventoryNode;
}

export type Template<T> = T | ((ctx: RenderContext) => T);

interface StepBase {
  /** Unique within its phase, stable across versions (the step ledger is keyed by it). */
  key: string;
  title: string;
  /** Run on these roles instead of the phase's (e.g. a compute phase verified from the controller). */
  on?: NodeRole;
}

/** Run a command; `guard` is a probe whose exit 0 means "already done" (the step reports ok). */
export interface CommandStep extends StepBase {
  kind: 'command';
  run: Template<string>;
  guard?: Template<string>;
}

export type FileLanguage = 'ini' | 'bash' | 'apache' | 'conf' | 'text';

/** Write a rendered file (SFTP, previous version backed up); unchanged content hash → ok. */
export interface FileStep extends StepBase {
  kind: 'file';
  path: string;
  content: Template<string>;
  language: FileLanguage;
  mode: string;
  owner: string;
  group: string;
  /** Services restarted when (and only when) this file changed. */
  notify?: string[];
}

/** Ensure services are enabled and running (or restarted). */
export interface ServiceStep extends StepBase {
  kind: 'service';
  services: string[];
  state: 'started' | 'restarted';
  enabled: boolean;
}

export type TableFormat =
  /** `+----+` tables of openstack/nova/neutron/glance CLIs → rows */
  | 'table'
  /** Field/Value tables (`openstack token issue`, `... show`) → one row of field → value */
  | 'fieldValue'
  /** `netstat -lntup` / `ss -lnt` → rows with at least Proto, Local Address, Port, Program */
  | 'ports';

export type Expectation =
  /** Some row has these column values (string = exact, after trimming; RegExp = match). */
  | { kind: 'row'; match: Record<string, string | RegExp>; description?: string }
  /** Every row matches (e.g. every agent alive). */
  | { kind: 'everyRow'; match: Record<string, string | RegExp>; description?: string }
  | { kind: 'rowCount'; min?: number; max?: number; description?: string };

export interface VerifyStep extends StepBase {
  kind: 'verify';
  run: Template<string>;
  format: TableFormat;
  expect: Template<Expectation[]>;
  /** Poll until the expectations hold (e.g. instance ACTIVE). */
  retry?: { attempts: number; intervalMs: number };
  /**
   * Columns (fields) whose values are credentials, e.g. the `id` of `openstack token issue`: checked
   * like any other, then masked in the output, the table and the raw text before anything is stored.
   * `Url?token` masks only the `token` query parameter of the URL in column `Url`.
   */
  sensitive?: string[];
}

export type Step = CommandStep | FileStep | ServiceStep | VerifyStep;

export interface Story {
  key: string;
  title: string;
  /** "As an operator I want … so that …" */
  userStory: string;
  acceptanceCriteria: string[];
  steps: Step[];
}

export interface Phase {
  /** Stable key (JIRA label, ledger key), e.g. 'keystone'. */
  key: string;
  title: string;
  goal: string;
  dependsOn: string[];
  /** Roles the phase runs on by default. */
  on: NodeRole[];
  stories: Story[];
}

export interface Runbook {
  key: string;
  version: string;
  title: string;
  phases: Phase[];
}

/** A step made concrete for one node: everything the executor needs, already rendered. */
export interface PlannedStep {
  phaseKey: string;
  storyKey: string;
  key: string;
  /** Order within the phase for this node. */
  position: number;
  node: string;
  kind: Step['kind'];
  title: string;
  /** Probe: exit 0 → nothing to do. Files: compares the content hash. */
  guard?: string;
  /** The change (commands, or the post-upload chown/chmod for files). */
  run?: string;
  file?: {
    path: string;
    content: string;
    /** SHA-256 of the content: what the guard compares on the host. Never shown when the file holds a secret. */
    sha256: string;
    /** True when the content holds a secret: its plain hash would let anyone guess the secret offline. */
    holdsSecret: boolean;
    /** What may be shown: the SHA-256 of the content with its secrets masked (equal to sha256 when it holds none). */
    digest: string;
    mode: string;
    owner: string;
    group: string;
    language: FileLanguage;
    notify: string[];
    /**
     * Keep the previous version (root-only, outside /etc) before replacing it. False when the file
     * holds a secret: a backup would keep the old secret on the host after it was changed.
     */
    backup: boolean;
  };
  verify?: { format: TableFormat; expect: Expectation[]; retry?: { attempts: number; intervalMs: number }; sensitive?: string[] };
}

export interface PhasePlan {
  phase: Phase;
  /** Node names the phase touches. */
  nodes: string[];
  steps: PlannedStep[];
}

export interface DeploymentPlan {
  runbookKey: string;
  runbookVersion: string;
  /** Topological order. */
  phases: PhasePlan[];
}
