import { commandContext } from './command-context.js';

/**
 * Who a command on a lab node runs as. just-bash has one virtual process per node, so the
 * identity is carried with the async work of a command: an SSH login sets it, `sudo` and `su`
 * change it for what they run, and commands and the filesystem ask it instead of $USER (which a
 * script can set to anything).
 */
export interface Identity {
  user: string;
  /** Whether the session has a terminal (sudo's requiretty). */
  tty: boolean;
}

const store = commandContext<Identity>();
const ROOT: Identity = { user: 'root', tty: false };

export function currentIdentity(): Identity {
  return store.getStore() ?? ROOT;
}

export function isRoot(): boolean {
  return currentIdentity().user === 'root';
}

export function runAs<T>(identity: Identity, work: () => T): T {
  return store.run(identity, work);
}
