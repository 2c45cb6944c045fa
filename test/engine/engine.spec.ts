/**
 * The engine's smaller test files as one Jest module. Each `*.cases.ts` is a describe block that
 * starts its own lab, application, database and Redis prefix and stops them before the next file
 * starts; what they share is the module graph (Nest, Prisma, the lab), which Jest would otherwise
 * load again for every file (about 1.3 s of CPU each). The full-runbook files, the separate worker
 * processes and dag-order.spec.ts (CI runs it alone on Node 24) stay test files of their own.
 */
import './cancel-retry.cases.js';
import './connection-loss.cases.js';
import './host-keys.cases.js';
import './runner-ledger.cases.js';
import './step-resume.cases.js';
import './strict-lab.cases.js';
import './verification-evidence.cases.js';
