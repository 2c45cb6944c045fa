/** A RabbitMQ broker's users, permissions and plugins. */
export interface RabbitUser {
  password: string;
  tags: string[];
}

export class RabbitState {
  readonly users = new Map<string, RabbitUser>([['guest', { password: 'guest', tags: ['administrator'] }]]);
  /** "vhost\tuser" → [configure, write, read] */
  readonly permissions = new Map<string, [string, string, string]>([['/\tguest', ['.*', '.*', '.*']]]);
  readonly plugins = new Set<string>();
}
