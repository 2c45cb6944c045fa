/**
 * The one SWC configuration: Jest compiles the tests with it and `npm run build` compiles dist/
 * with it, so what runs in production is what the tests ran (decorator metadata on for Nest DI).
 */
export const SWC_JSC = {
  target: 'es2022',
  parser: { syntax: 'typescript', decorators: true },
  transform: { legacyDecorator: true, decoratorMetadata: true },
  keepClassNames: true,
};
