/**
 * One file per hole found by attacking a running service (issue 9), run as one Jest module: each
 * `*.cases.ts` is a describe block that starts its own application (own database, Redis prefix
 * and data directory) and stops it before the next file starts; what they share is the module
 * graph, which Jest would otherwise load again for every file (about 1.3 s of CPU each).
 * abuse-limits.spec.ts stays a test file of its own: it reads this process's /metrics counters,
 * in which earlier files would show.
 */
import './bad-bytes.cases.js';
import './derived-secrets.cases.js';
import './environment-changes.cases.js';
import './exposure.cases.js';
import './output-masking.cases.js';
import './trust-proxy.cases.js';
import './webhook-replay.cases.js';
