/**
 * The Confluence integration's test files as one Jest module. Each `*.cases.ts` is a describe block
 * with its own Atlassian sandbox, stopped before the next file starts; what they share is the
 * module graph, which Jest would otherwise load again for every file.
 */
import './gateway.cases.js';
import './publisher.cases.js';
import './sandbox-openapi.cases.js';
import './sandbox-view.cases.js';
