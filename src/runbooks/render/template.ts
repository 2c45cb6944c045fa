import type { RenderContext, Template } from '../model.js';

export function resolveTemplate<T>(template: Template<T>, ctx: RenderContext): T {
  return typeof template === 'function' ? (template as (ctx: RenderContext) => T)(ctx) : template;
}

/** Build a template from other templates: the result is static only when every input is. */
export function mapTemplate<T, R>(template: Template<T>, map: (value: T, ctx: RenderContext) => R): (ctx: RenderContext) => R {
  return (ctx) => map(resolveTemplate(template, ctx), ctx);
}
