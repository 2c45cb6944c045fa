/**
 * The JIRA integration's test files as one Jest module. Each `*.cases.ts` is a describe block with
 * its own Atlassian sandbox (and application, database and Redis prefix where it needs them),
 * stopped before the next file starts; what they share is the module graph, which Jest would
 * otherwise load again for every file (about 1.3 s of CPU for a file that loads the application).
 */
import './backlog-sync.cases.js';
import './final-errors.cases.js';
import './gateway.cases.js';
import './graceful-stop.cases.js';
import './sandbox-browse.cases.js';
import './sandbox-openapi.cases.js';
import './sprint-lifecycle.cases.js';
import './status-sync.cases.js';
import './transition-cli.cases.js';
import './webhook.cases.js';
