/** A RabbitMQ broker's users, permissions and plugins. */
export interface RabbitUser {
  password: string;
  tags: string[];
}

export class RabbitState {
  readonly users = new Map<string, RabbitUser>([['guest', { password: 'guest', tags: ['administrator'] }]]);
  /** "vhost\tuser" → [configure, write, read] */
  readonly permissions = new Map<string, [string, string, string]>([['/\tguest', ['.*', '.*', '.*']]]);
  /** Enabled in the plugins file; they only take effect when the broker (re)starts. */
  readonly plugins = new Set<string>();
  readonly runningPlugins = new Set<string>();

  syncRunningPlugins(): void {
    this.runningPlugins.clear();
    for (const plugin of this.plugins) this.runningPlugins.add(plugin);
  }
}
