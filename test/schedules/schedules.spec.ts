/**
 * The schedules' test files as one Jest module. Each `*.cases.ts` is a describe block that starts
 * its own application (own database, Redis prefix, lab where it needs one) and stops it before the
 * next file starts; what they share is the module graph, which Jest would otherwise load again
 * for every file (about 1.3 s of CPU each).
 */
import { jest } from '@jest/globals';
import './digest.cases.js';
import './drift.cases.js';
import './schedules.cases.js';

// Lab deployments and sprint reviews take minutes on a loaded machine.
jest.setTimeout(300_000);
