/**
 * Figure group 4, API latency: autocannon at a fixed 200 requests/s against the deployment list,
 * one deployment's detail and the dashboard overview while a deployment runs (a generated runbook
 * of slow steps on a lab node, so it keeps logging), then the detail again with 200 Server-Sent
 * Events log streams open on the running deployment.
 */
import { execFile } from 'node:child_process';
import http from 'node:http';
import { createRequire } from 'node:module';
import type autocannon from 'autocannon';
import { type Budget, reasonOf } from './budget.js';
import { BenchEngine, type DeploymentSummary } from './engine.js';
import { startFleet } from './sshd-fleet.js';
import type { Report } from './report.js';

const RATE = 200;

export async function signInToDashboard(engine: BenchEngine): Promise<string> {
  const form = await fetch(`${engine.baseUrl}/dashboard/sign-in`);
  const csrfCookie = /opsprint_sign_in=([^;]+)/.exec(form.headers.get('set-cookie') ?? '')?.[1];
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())?.[1];
  if (!csrfCookie || !csrf) throw new Error('dashboard sign-in form without its CSRF token');
  const answer = await fetch(`${engine.baseUrl}/dashboard/sign-in`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `opsprint_sign_in=${csrfCookie}` },
    body: new URLSearchParams({ token: engine.token, _csrf: csrf, next: '/dashboard' }).toString(),
  });
  const session = /opsprint_session=([^;]+)/.exec(answer.headers.get('set-cookie') ?? '')?.[1];
  if (!session) throw new Error(`dashboard sign-in answered ${answer.status} without a session`);
  return `opsprint_session=${session}`;
}

/**
 * autocannon in its own process: in the service's process its timers and HTTP parsing would take
 * the event loop from the pages it measures.
 */
async function autocannonRun(url: string, headers: Record<string, string>, durationS: number): Promise<autocannon.Result> {
  const cli = createRequire(import.meta.url).resolve('autocannon/autocannon.js');
  const args = [cli, '--json', '-c', '20', '-R', String(RATE), '-d', String(durationS), url];
  for (const [key, value] of Object.entries(headers)) args.push('-H', `${key}=${value}`);
  const stdout = await new Promise<string>((resolve, reject) =>
    execFile(process.execPath, args, { maxBuffer: 16 * 2 ** 20, timeout: (durationS + 30) * 1000 }, (error, out) =>
      error ? reject(error) : resolve(out),
    ),
  );
  return JSON.parse(stdout) as autocannon.Result;
}

async function load(url: string, headers: Record<string, string>, durationS: number) {
  const result = await autocannonRun(url, headers, durationS);
  if (result.requests.total === 0 || result.latency.p99 === 0) throw new Error(`${url}: no request was answered within ${durationS} s`);
  const failed = result.non2xx + result.errors + result.timeouts;
  if (failed > 0 && failed > result.requests.total / 100) throw new Error(`${url}: ${failed} of ${result.requests.total} requests failed`);
  return result;
}

/** Opens n SSE streams (plain HTTP/1.1 connections); resolves once every one has answered 200. */
async function openStreams(url: string, token: string, n: number): Promise<{ received: () => number; close: () => void }> {
  const requests: http.ClientRequest[] = [];
  let bytes = 0;
  const agent = new http.Agent({ keepAlive: false, maxSockets: n + 10 });
  await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<void>((resolve, reject) => {
          const request = http.get(
            url,
            { agent, headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' } },
            (response) => {
              if (response.statusCode !== 200) return reject(new Error(`SSE stream answered ${response.statusCode}`));
              response.on('data', (chunk: Buffer) => (bytes += chunk.length));
              response.on('error', () => undefined);
              resolve();
            },
          );
          request.on('error', (error) => (requests.includes(request) ? undefined : reject(error)));
          requests.push(request);
        }),
    ),
  );
  return {
    received: () => bytes,
    close: () => {
      for (const request of requests) request.destroy();
      agent.destroy();
    },
  };
}

export async function apiFigures(report: Report, options: { durationS: number; streams: number; budget: Budget }): Promise<void> {
  // The running deployment's host is a real sshd (not the lab's node simulator, whose shell
  // interpreter would run in this process and take CPU from the service under test).
  const fleet = await startFleet(1);
  const steps = Array.from({ length: 600 }, (_, i) => `echo "step ${i} of a long deployment"; sleep 0.2`);
  // The bench's one token holds all the streams: lift the per-token cap (10 by default) above them.
  const engine = await BenchEngine.start([{ key: 'long', phases: [{ key: 'work', steps }] }], {
    SSE_STREAMS_PER_TOKEN: String(options.streams + 10),
  });
  try {
    await engine.createEnvironment('lab', fleet.targets);
    const cookie = await signInToDashboard(engine);
    const deployment = await engine.call<DeploymentSummary>('POST', '/api/v1/deployments', { environment: 'lab', runbook: 'long' });
    const bearer = { authorization: `Bearer ${engine.token}` };
    const pages: Array<[string, string, Record<string, string>]> = [
      ['deployment list (GET /api/v1/deployments)', '/api/v1/deployments', bearer],
      ['deployment detail (GET /api/v1/deployments/:id)', `/api/v1/deployments/${deployment.id}`, bearer],
      ['dashboard overview (GET /dashboard)', '/dashboard', { cookie }],
      ['dashboard deployment page (GET /dashboard/deployments/:id)', `/dashboard/deployments/${deployment.id}`, { cookie }],
    ];
    const record = (label: string, result: autocannon.Result, note: string) => {
      const prefix = `4 API at ${RATE} req/s, ${label}`;
      report.add({ name: `${prefix}: p50`, value: result.latency.p50, unit: 'ms' });
      report.add({ name: `${prefix}: p99`, value: result.latency.p99, unit: 'ms', note }, { of: 'value', op: '<', bound: 50 });
      report.add({ name: `${prefix}: throughput`, value: result.requests.average, unit: 'req/s' });
    };
    const running = async () => {
      const detail = await engine.call<DeploymentSummary>('GET', `/api/v1/deployments/${deployment.id}`);
      return detail.finishedAt ? 'the deployment had finished by the end' : 'while the deployment ran';
    };
    for (const [label, url, headers] of pages) {
      try {
        options.budget.allow(options.durationS * 1000 + 2_000, label);
        const result = await load(`${engine.baseUrl}${url}`, headers, options.durationS);
        record(label, result, await running());
      } catch (error) {
        report.missing(`4 API at ${RATE} req/s, ${label}: p99`, 'ms', reasonOf(error));
      }
    }
    options.budget.allow(options.durationS * 1000 + 5_000, `${options.streams} SSE streams`);
    const streams = await options.budget.within(
      openStreams(`${engine.baseUrl}/api/v1/deployments/${deployment.id}/logs/stream`, engine.token, options.streams),
      `opening ${options.streams} SSE streams`,
    );
    try {
      const before = streams.received();
      const result = await load(`${engine.baseUrl}/api/v1/deployments/${deployment.id}`, bearer, options.durationS).catch(
        (error: Error) => {
          report.missing(`4 API at ${RATE} req/s, deployment detail with ${options.streams} SSE log streams open`, 'ms', error.message);
          return undefined;
        },
      );
      if (result)
        record(
          `deployment detail with ${options.streams} SSE log streams open`,
          result,
          `${await running()}; the streams received ${((streams.received() - before) / 1024).toFixed(0)} KiB meanwhile`,
        );
    } finally {
      streams.close();
    }
    await engine.call('POST', `/api/v1/deployments/${deployment.id}/cancel`).catch(() => undefined);
    await engine.waitFor(deployment.id, 60_000).catch(() => undefined);
  } finally {
    await engine.stop();
    await fleet.stop();
  }
}
