import type { OptionKind, ParsedArgs } from './cli-args.js';
import type { CommandOutput } from './cliff-output.js';
import type { Cloud } from './cloud.js';
import type { CliContext } from './host-port.js';
import type { Session } from './service-access.js';

export interface OpenstackCommandEnv {
  cloud: Cloud;
  session: Session;
  ctx: CliContext;
}

/** One `openstack <words>` command of python-openstackclient. */
export interface OpenstackCommand {
  words: string;
  options: Record<string, OptionKind>;
  /** Lister commands take list formatting options, ShowOne commands record ones. */
  output: 'list' | 'record' | 'none';
  /** Identity commands talk to Keystone directly (OS_URL or OS_AUTH_URL); v3-only options need OS_IDENTITY_API_VERSION=3. */
  identity: boolean;
  /** Token issue only needs the token to be issued, not validated again. */
  tokenIssue?: boolean;
  run(args: ParsedArgs, env: OpenstackCommandEnv): Promise<CommandOutput>;
}
