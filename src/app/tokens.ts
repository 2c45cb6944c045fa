/** Injection tokens for what is an interface rather than a class. */
export const RUNBOOK_CATALOG = Symbol('RUNBOOK_CATALOG');
export const SESSION_FACTORY = Symbol('SESSION_FACTORY');
export const RUNTIME = Symbol('RUNTIME');
