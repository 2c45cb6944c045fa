/**
 * The API's test files as one Jest module. Each `*.cases.ts` is a describe block that starts its
 * own application with its own database, Redis prefix and data directory, and stops it before the
 * next file starts, as separate test files did; what they share is the module graph (Nest,
 * Prisma, the whole application), which Jest would otherwise load again for every file (about
 * 1.3 s of CPU each). Files that read this process's /metrics counters stay test files of their
 * own (metrics, log-stream-hub): those counters belong to the process, so earlier files would
 * show in them. deployments.spec.ts stays apart too: CI runs it alone on a second Node version.
 */
import './auth.cases.js';
import './environments.cases.js';
import './hostile-input.cases.js';
import './live-deployment.cases.js';
import './log-stream.cases.js';
import './openapi.cases.js';
import './queue-board.cases.js';
import './runbooks.cases.js';
