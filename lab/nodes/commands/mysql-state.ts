/** A MariaDB server's catalog as the runbook touches it: databases, accounts, grants. */
export interface MysqlAccount {
  user: string;
  host: string;
  password: string;
}

export interface MysqlGrant {
  database: string;
  user: string;
  host: string;
}

export class MysqlState {
  /** Fresh MariaDB: root has no password until mysql_secure_installation sets one. */
  readonly databases = new Map<string, Set<string>>([
    ['information_schema', new Set()],
    ['mysql', new Set(['user', 'db'])],
    ['performance_schema', new Set()],
    ['test', new Set()],
  ]);
  readonly accounts: MysqlAccount[] = [
    { user: 'root', host: 'localhost', password: '' },
    { user: 'root', host: '127.0.0.1', password: '' },
    { user: '', host: 'localhost', password: '' },
  ];
  readonly grants: MysqlGrant[] = [];
  /** Migration state a service's db sync left in its database: sqlalchemy-migrate's version, or alembic's head revisions. */
  readonly schemaVersions = new Map<string, string>();

  account(user: string, host: string): MysqlAccount | undefined {
    return this.accounts.find((a) => a.user === user && a.host === host);
  }

  /** The password a login from localhost must present, or undefined when no such account exists. */
  loginPassword(user: string): string | undefined {
    return (this.account(user, 'localhost') ?? this.account(user, '%'))?.password;
  }

  hasGrant(database: string, user: string, host: string): boolean {
    return this.grants.some((g) => (g.database === database || g.database === '*') && g.user === user && g.host === host);
  }

  /** Could `user` log in with `password` from a remote service and use `database`? (what a `[database] connection` needs) */
  canLogin(user: string, password: string, database: string): boolean {
    return this.accounts.some((a) => a.user === user && a.password === password && this.hasGrant(database, user, a.host));
  }
}
