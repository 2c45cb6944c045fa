/**
 * Environment names, runbook keys and phase keys: lower-case letters, digits and '-', at most 63.
 * The same rule as EnvironmentsService uses for new environments, so a reference that breaks it
 * can never name anything and gets a 400 instead of a lookup.
 */
export const SLUG = /^[a-z0-9][a-z0-9-]{0,62}$/;
export const SLUG_RULE = "lower-case letters, digits and '-' (at most 63, starting with a letter or digit)";
