/**
 * Fault cases that run in this process, as one Jest module. Each `*.cases.ts` is a describe block
 * that starts its own application, database, Redis prefix and fault (a proxy, a redis-server, a
 * sandbox) and stops them before the next file starts; what they share is the module graph,
 * which Jest would otherwise load again for every file (about 1.3 s of CPU each). The cases that
 * kill processes (orphaned-deployment, webhook-restart) and the soak test stay files of their own.
 */
import './atlassian-errors.cases.js';
import './node-unreachable.cases.js';
import './postgres-outage.cases.js';
import './redis-down.cases.js';
import './redis-restart.cases.js';
