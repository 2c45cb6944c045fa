/**
 * The sprint review's test files as one Jest module. Each `*.cases.ts` is a describe block that
 * starts its own application (own database, Redis prefix, Atlassian sandbox where it needs one) and
 * stops it before the next file starts; what they share is the module graph, which Jest would
 * otherwise load again for every file (about 1.3 s of CPU each). review-page-screenshot.spec.ts
 * stays a file of its own: it drives Chromium.
 */
import { jest } from '@jest/globals';
import './sprint-board-down.cases.js';
import './sprint-board-points.cases.js';
import './sprint-review-data.cases.js';
import './sprint-review-publish.cases.js';

// Full-runbook deployments with JIRA and Confluence take minutes on a loaded machine.
jest.setTimeout(300_000);
