import net from 'node:net';

/**
 * A TCP proxy in front of a server (PostgreSQL or Redis in the fault tests): `cut()` drops every open
 * connection and refuses new ones, as when the server goes away; `restore()` lets them through again;
 * `hold()` leaves the connections open but silent, as when the server hangs.
 */
export class TcpProxy {
  private readonly sockets = new Set<net.Socket>();
  private open = true;

  private constructor(
    private readonly server: net.Server,
    readonly port: number,
  ) {}

  static async start(target: { host: string; port: number }): Promise<TcpProxy> {
    let proxy: TcpProxy | undefined;
    const server = net.createServer((client) => {
      if (!proxy!.open) return void client.destroy();
      const upstream = net.connect(target);
      for (const socket of [client, upstream]) {
        proxy!.sockets.add(socket);
        socket.on('close', () => proxy!.sockets.delete(socket));
        socket.on('error', () => undefined);
      }
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    proxy = new TcpProxy(server, (server.address() as net.AddressInfo).port);
    return proxy;
  }

  /** Stops moving bytes either way on the open connections without closing them: the server seems to hang. */
  hold(): void {
    for (const socket of this.sockets) socket.pause();
  }

  cut(): void {
    this.open = false;
    for (const socket of this.sockets) socket.destroy();
  }

  restore(): void {
    this.open = true;
  }

  /** `url` with its host and port replaced by the proxy's. */
  route(url: string): string {
    const parsed = new URL(url);
    parsed.hostname = '127.0.0.1';
    parsed.port = String(this.port);
    return parsed.toString();
  }

  close(): void {
    this.cut();
    this.server.close();
  }
}
