/**
 * The boundaries of ../DESIGN.md, checked in CI (`npm run lint:deps`): what may import what.
 * Spec files may reach into the lab for test helpers; production code may not.
 */
const FEATURES = 'src/(deployments|workers|integrations|api|reports|dashboard|environments|health|auth|cli)/';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Import cycles make modules impossible to read or test alone (with --collapse: folders that import each other).',
      from: { path: '^(src|lab)/' },
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'runbooks-are-pure',
      severity: 'error',
      comment: 'src/runbooks is data plus pure functions; it imports nothing else of ours.',
      from: { path: '^src/runbooks/' },
      to: { path: '^(src|lab)/', pathNot: '^src/runbooks/' },
    },
    {
      name: 'prisma-only-in-persistence',
      severity: 'error',
      comment: 'Repositories in src/persistence are the only code that talks to the database.',
      from: { path: '^(src|lab|scripts|bench)/', pathNot: '^src/persistence/' },
      to: { path: '@prisma/client|@prisma/adapter-pg' },
    },
    {
      name: 'no-feature-imports-app',
      severity: 'error',
      comment: 'Only the entry points import the Nest wiring.',
      from: { path: '^src/', pathNot: '^src/(app/|main\\.ts|worker\\.ts)' },
      to: { path: '^src/app/' },
    },
    {
      name: 'no-lab-in-production',
      severity: 'error',
      comment: 'The lab (simulated nodes, Atlassian sandbox) is wired by the demo and the tests only.',
      from: { path: '^src/', pathNot: '\\.spec\\.ts$' },
      to: { path: '^lab/' },
    },
    {
      name: 'infra-is-shared',
      severity: 'error',
      comment: 'Shared infrastructure (queues, signals, SSH, config) knows no feature.',
      from: { path: '^src/(infra|persistence|common|config)/' },
      to: { path: `^${FEATURES}` },
    },
    {
      name: 'integrations-know-no-orchestration',
      severity: 'error',
      comment: 'JIRA and Confluence follow events and may ask for a deployment; they never reach into the engine or the API.',
      from: { path: '^src/integrations/' },
      to: { path: '^src/(workers|api|dashboard)/' },
    },
    {
      name: 'engine-does-not-call-up',
      severity: 'error',
      comment: 'The engine publishes events; integrations, reports and the API follow them.',
      from: { path: '^src/workers/' },
      to: { path: '^src/(api|dashboard|integrations|reports)/' },
    },
    {
      name: 'use-cases-do-not-import-the-engine',
      severity: 'error',
      comment: 'Deployments enqueue through the shared queue; the engine is the consumer.',
      from: { path: '^src/deployments/' },
      to: { path: '^src/(workers|api|dashboard)/' },
    },
    {
      name: 'cli-talks-http-only',
      severity: 'error',
      comment: 'The opsprint CLI reaches the service through its REST API only; it shares the argument parser and the duration and timestamp formats, nothing else.',
      from: { path: '^src/cli/' },
      to: { path: '^(src|lab)/', pathNot: '^src/(cli/|common/(command-line|format-duration|format-timestamp)\\.ts$)' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^dist/' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.js', '.mjs'] },
  },
};
