import 'reflect-metadata';
import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  Validate,
  type ValidationArguments,
  ValidatorConstraint,
  type ValidatorConstraintInterface,
  validateSync,
} from 'class-validator';
import { parsePublicUrl } from './public-url.js';

const toInt = ({ value }: { value: unknown }) => (value === undefined || value === '' ? undefined : Number(value));
/**
 * An integer setting: parsed from its text, named in its one-line error, within [min, max].
 * Applied in the order the stacked decorators ran (bottom-up), so a value that is no integer at
 * all is still reported as "must be an integer" (loadAppConfig shows the last constraint).
 */
function IntSetting(limits: { min: number; max?: number }): PropertyDecorator {
  return (target, key) => {
    if (limits.max !== undefined) Max(limits.max)(target, key as string);
    Min(limits.min)(target, key as string);
    IsInt({ message: `${String(key)} must be an integer` })(target, key as string);
    Transform(toInt)(target, key as string);
  };
}

const toBool = ({ value }: { value: unknown }) =>
  value === undefined || value === ''
    ? undefined
    : ['1', 'true', 'yes', 'on'].includes(String(value).toLowerCase())
      ? true
      : ['0', 'false', 'no', 'off'].includes(String(value).toLowerCase())
        ? false
        : value;

/** PUBLIC_URL is a plain http(s) URL; the message is parsePublicUrl's one line without its "PUBLIC_URL: " prefix. */
@ValidatorConstraint({ name: 'publicUrl' })
class PublicUrlRule implements ValidatorConstraintInterface {
  private problem = '';
  validate(value: unknown): boolean {
    try {
      parsePublicUrl(String(value));
      return true;
    } catch (error) {
      this.problem = (error as Error).message.replace(/^PUBLIC_URL: /, '');
      return false;
    }
  }
  defaultMessage(_args: ValidationArguments): string {
    return this.problem;
  }
}

/**
 * Every setting the service reads from the environment, validated once at start-up.
 * `.env.example` documents each one; JIRA_* and CONFLUENCE_* are parsed beside it (see config.ts).
 */
export class AppConfig {
  /** postgresql://user:pass@host:port/db[?schema=name]; unset → local PostgreSQL, else embedded. */
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/[^\s]+$/, { message: 'DATABASE_URL must be a postgresql:// URL' })
  DATABASE_URL?: string;

  /** redis://[:password@]host:port[/db]; unset → local Redis, else redis-server from PATH. */
  @IsOptional()
  @Matches(/^rediss?:\/\/[^\s]+$/, { message: 'REDIS_URL must be a redis:// or rediss:// URL' })
  REDIS_URL?: string;

  @IntSetting({ min: 0, max: 65535 })
  PORT: number = 3000;

  /** Address the HTTP server listens on: 0.0.0.0 = every IPv4 interface, 127.0.0.1 = this machine only. */
  @Matches(/^[A-Za-z0-9.:_-]{1,253}$/, { message: 'HOST must be an IP address or a host name' })
  HOST: string = '0.0.0.0';

  /**
   * Where people open the service (e.g. https://opsprint.example.com): links to dashboard pages in
   * Confluence and JIRA are built on it; unset → those show the deployment id without a link.
   */
  @IsOptional()
  @IsString()
  @Validate(PublicUrlRule)
  PUBLIC_URL?: string;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL: string = 'info';

  /** Key that encrypts environment secrets at rest (64 hex chars); unset → generated under .data/. */
  @IsOptional()
  @Matches(/^[0-9a-fA-F]{64}$/, { message: 'OPSPRINT_SECRET_KEY must be 64 hexadecimal characters (32 bytes)' })
  OPSPRINT_SECRET_KEY?: string;

  /** Bootstrap admin bearer token for the API (at least 24 characters). */
  @IsOptional()
  @IsString()
  @Matches(/^\S{24,}$/, { message: 'OPSPRINT_ADMIN_TOKEN must be at least 24 characters without spaces' })
  OPSPRINT_ADMIN_TOKEN?: string;

  /** Run the BullMQ workers inside the API process (the default); false when workers run apart. */
  @Transform(toBool)
  @IsBoolean({ message: 'OPSPRINT_RUN_WORKERS must be true or false' })
  OPSPRINT_RUN_WORKERS: boolean = true;

  /** Nodes of one phase worked on at the same time. */
  @IntSetting({ min: 1, max: 500 })
  PHASE_NODE_CONCURRENCY: number = 10;

  /** Phase jobs one worker process runs at the same time. */
  @IntSetting({ min: 1, max: 100 })
  WORKER_CONCURRENCY: number = 4;

  @IntSetting({ min: 1000 })
  STEP_TIMEOUT_MS: number = 15 * 60 * 1000;

  @IntSetting({ min: 100 })
  SSH_CONNECT_TIMEOUT_MS: number = 20_000;

  /**
   * The wait before a phase is tried again after a failure worth retrying (a node that could not
   * be reached, a dropped connection); doubled at each of the next retries (4 attempts in all).
   */
  @IntSetting({ min: 100, max: 600_000 })
  PHASE_RETRY_DELAY_MS: number = 2000;

  /** A worker that stops renewing its job lock for this long is presumed dead; its phase is resumed elsewhere. */
  @IntSetting({ min: 1000 })
  JOB_LOCK_MS: number = 30_000;

  /**
   * How often the reconciler looks for deployments whose jobs are gone from Redis (data lost,
   * workers killed): it queues their unfinished phases again, or fails them with the reason.
   */
  @IntSetting({ min: 500 })
  RECONCILE_INTERVAL_MS: number = 60_000;

  /**
   * How long a request waits for Redis before it answers 503 (and writes nothing), and how long
   * start-up waits for Redis to answer before it stops with one line.
   */
  @IntSetting({ min: 100, max: 120_000 })
  REDIS_TIMEOUT_MS: number = 3000;

  /**
   * Networks (CIDR, comma-separated) whose addresses may read /metrics without a token, e.g. the
   * Prometheus server's: `10.0.3.0/24,127.0.0.1/32`. Unset: /metrics needs a bearer token (any role).
   * The address is the TCP peer's: behind a proxy, that is the proxy.
   */
  @IsOptional()
  @Matches(/^\s*[0-9A-Fa-f:.]+\/\d{1,3}(\s*,\s*[0-9A-Fa-f:.]+\/\d{1,3})*\s*$/, {
    message: 'METRICS_ALLOW_NETWORKS must be networks in CIDR form separated by commas (e.g. 10.0.0.0/8,127.0.0.1/32)',
  })
  METRICS_ALLOW_NETWORKS?: string;

  /**
   * Which proxies in front of the service to believe about the client's address (X-Forwarded-For),
   * as Express's `trust proxy` takes it: a hop count (`1`), or addresses / CIDR networks / the names
   * `loopback`, `linklocal`, `uniquelocal`, comma-separated. Unset: no proxy is trusted and the TCP
   * peer is the client, so a caller cannot dodge the per-source limits by sending the header itself.
   * Behind a reverse proxy, set it: otherwise every client shares the proxy's address and one
   * guesser blocks everybody.
   */
  @IsOptional()
  @Matches(
    /^\s*(\d{1,2}|(loopback|linklocal|uniquelocal|[0-9A-Fa-f:.]+(\/\d{1,3})?)(\s*,\s*(loopback|linklocal|uniquelocal|[0-9A-Fa-f:.]+(\/\d{1,3})?))*)\s*$/,
    {
      message:
        'TRUST_PROXY must be a hop count (e.g. 1) or addresses, CIDR networks, loopback, linklocal or uniquelocal separated by commas',
    },
  )
  TRUST_PROXY?: string;

  /** Prefix of every Redis key (BullMQ queues, log channels), so several installations can share one Redis. */
  @IsString()
  @Matches(/^[A-Za-z0-9:_-]{1,64}$/, { message: 'QUEUE_PREFIX may hold letters, digits, ":", "_" and "-" only' })
  QUEUE_PREFIX: string = 'opsprint';

  /** Failed bearer-token / dashboard sign-in attempts one source IP may make per minute before it is blocked for a minute. */
  @IntSetting({ min: 1, max: 100000 })
  AUTH_FAILURES_PER_MINUTE: number = 20;

  /** Webhook deliveries with a bad signature one source IP may send per minute before it is blocked for a minute. */
  @IntSetting({ min: 1, max: 100000 })
  WEBHOOK_FAILURES_PER_MINUTE: number = 20;

  /** Live log streams (SSE) one API token may hold open at the same time. */
  @IntSetting({ min: 1, max: 10000 })
  SSE_STREAMS_PER_TOKEN: number = 10;
}

/** One line per bad value, each starting with the variable's name. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'ConfigError';
  }
}

/** Runs each parse, keeping every failure's message instead of stopping at the first. */
export class Problems {
  readonly list: string[] = [];

  take<T>(parse: () => T): T | undefined {
    try {
      return parse();
    } catch (error) {
      if (error instanceof ConfigError) this.list.push(...error.problems);
      else this.list.push((error as Error).message);
      return undefined;
    }
  }

  throwIfAny(): void {
    if (this.list.length > 0) throw new ConfigError(this.list);
  }
}

const APP_CONFIG_KEYS = [
  'DATABASE_URL',
  'REDIS_URL',
  'PORT',
  'HOST',
  'LOG_LEVEL',
  'OPSPRINT_SECRET_KEY',
  'OPSPRINT_ADMIN_TOKEN',
  'OPSPRINT_RUN_WORKERS',
  'PHASE_NODE_CONCURRENCY',
  'WORKER_CONCURRENCY',
  'STEP_TIMEOUT_MS',
  'SSH_CONNECT_TIMEOUT_MS',
  'PHASE_RETRY_DELAY_MS',
  'JOB_LOCK_MS',
  'REDIS_TIMEOUT_MS',
  'RECONCILE_INTERVAL_MS',
  'QUEUE_PREFIX',
  'METRICS_ALLOW_NETWORKS',
  'TRUST_PROXY',
  'AUTH_FAILURES_PER_MINUTE',
  'WEBHOOK_FAILURES_PER_MINUTE',
  'SSE_STREAMS_PER_TOKEN',
  'PUBLIC_URL',
] as const satisfies readonly (keyof AppConfig)[];

/** Reads and validates the environment; throws ConfigError with one line per bad value. */
export function loadAppConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const raw = Object.fromEntries(APP_CONFIG_KEYS.filter((key) => env[key] !== undefined && env[key] !== '').map((key) => [key, env[key]]));
  const config = plainToInstance(AppConfig, raw);
  const errors = validateSync(config);
  if (errors.length > 0) {
    throw new ConfigError(errors.map((e) => `${e.property}: ${Object.values(e.constraints ?? {}).at(-1) ?? 'invalid value'}`));
  }
  return config;
}
