import type { CommandStep } from '../model.js';
import { shellQuote } from '../render/shell.js';
import { command } from './command.js';

/** `su -s /bin/sh -c "<command>" <user>`: the service's tools run as the service, so the log files they create belong to it. */
export function asServiceUser(user: string, commandLine: string): string {
  return `su -s /bin/sh -c ${shellQuote(commandLine)} ${shellQuote(user)}`;
}

/**
 * sqlalchemy-migrate schemas (keystone, glance, nova): the version the tool reports is at least the
 * last migration of the release (later point releases may add backports above it).
 */
export function schemaVersionAtLeast(user: string, versionCommand: string, version: number): string {
  return `[ "$(${asServiceUser(user, versionCommand)} 2>/dev/null | tail -n 1)" -ge ${version} ] 2>/dev/null`;
}

/** Alembic schemas (neutron): `current` marks each branch that is at its head with "(head)". */
export function alembicAtHeads(user: string, currentCommand: string, branches: number): string {
  return `[ "$(${asServiceUser(user, currentCommand)} 2>&1 | grep -c ' (head)$')" -ge ${branches} ]`;
}

/**
 * Populate or upgrade a service database as the service's own user, like the seed's
 * `su -s /bin/sh -c "keystone-manage db_sync" keystone`. The probe asks the tool for the schema
 * version (any table would also be there after a sync that stopped half-way).
 */
export function dbSync(user: string, syncCommand: string, schemaAtRelease: string): CommandStep {
  return command(`db-sync-${user}`, {
    title: `Bring the ${user} database schema up to date (${syncCommand})`,
    run: asServiceUser(user, syncCommand),
    guard: schemaAtRelease,
  });
}
