import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject } from 'ajv';
import addFormatsModule from 'ajv-formats';

const SPECS = fileURLToPath(new URL('../../../lab/atlassian/specs', import.meta.url));
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

type OpenApi = {
  paths: Record<
    string,
    Record<string, { responses: Record<string, { content?: Record<string, { schema?: unknown; example?: string }> }> }>
  >;
};

/**
 * Validates a response body against the response schema of its operation in Atlassian's
 * OpenAPI document ($refs resolved inside the document). The sandbox serves REST v2; the
 * platform document is v3 with the same paths and shapes apart from rich text.
 */
export class OpenApiResponses {
  private readonly ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
  private readonly docs = new Map<string, OpenApi>();

  constructor() {
    addFormats(this.ajv);
    for (const name of ['jira-platform', 'jira-software']) {
      const doc = JSON.parse(readFileSync(`${SPECS}/${name}.openapi.json`, 'utf8')) as OpenApi;
      this.docs.set(name, doc);
      this.ajv.addSchema(doc as object, name);
    }
  }

  /** Errors (empty = valid) of `body` as the `status` answer of `method path` (v3 path template). */
  validate(doc: 'jira-platform' | 'jira-software', method: string, path: string, status: number, body: unknown): string[] {
    const response = this.response(doc, method, path, status);
    if (!response.schema) throw new Error(`${doc} ${method} ${path} ${status} has no schema`);
    const pointer = `${doc}#/paths/${path.replace(/~/g, '~0').replace(/\//g, '~1')}/${method.toLowerCase()}/responses/${status}/content/application~1json/schema`;
    const validate = this.ajv.getSchema(pointer) ?? this.ajv.compile({ $ref: pointer });
    return validate(body)
      ? []
      : (validate.errors ?? []).map((e: ErrorObject) => `${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`);
  }

  /** Errors (empty = valid) of `body` as the JSON request body of `method path`. */
  validateRequest(doc: 'jira-platform' | 'jira-software', method: string, path: string, body: unknown): string[] {
    const operation = this.docs.get(doc)?.paths[path]?.[method.toLowerCase()] as { requestBody?: unknown } | undefined;
    if (!operation?.requestBody) throw new Error(`${doc} ${method} ${path} documents no request body`);
    const pointer = `${doc}#/paths/${path.replace(/~/g, '~0').replace(/\//g, '~1')}/${method.toLowerCase()}/requestBody/content/application~1json/schema`;
    const validate = this.ajv.getSchema(pointer) ?? this.ajv.compile({ $ref: pointer });
    return validate(body)
      ? []
      : (validate.errors ?? []).map((e: ErrorObject) => `${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`);
  }

  /** For operations documented by example only: the documented example, parsed. */
  example(doc: 'jira-platform' | 'jira-software', method: string, path: string, status: number): unknown {
    const example = this.response(doc, method, path, status).example;
    if (!example) throw new Error(`${doc} ${method} ${path} ${status} has no example`);
    return JSON.parse(example);
  }

  private response(doc: string, method: string, path: string, status: number) {
    const operation = this.docs.get(doc)?.paths[path]?.[method.toLowerCase()];
    if (!operation) throw new Error(`${doc} has no operation ${method} ${path}`);
    const content = operation.responses[String(status)]?.content?.['application/json'];
    if (!content) throw new Error(`${doc} ${method} ${path} documents no JSON ${status}`);
    return content;
  }
}

/** Differences between `actual` and a documented example: unknown fields or other JSON types. */
export function shapeDifferences(actual: unknown, example: unknown, path = ''): string[] {
  const kind = (v: unknown) => (Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v);
  if (kind(actual) !== kind(example)) return [`${path || '/'}: ${kind(actual)} where the example has ${kind(example)}`];
  if (Array.isArray(actual) && Array.isArray(example))
    return example.length ? actual.flatMap((item, i) => shapeDifferences(item, example[0], `${path}/${i}`)) : [];
  if (kind(actual) !== 'object') return [];
  const documented = example as Record<string, unknown>;
  return Object.entries(actual as Record<string, unknown>).flatMap(([key, value]) =>
    key in documented ? shapeDifferences(value, documented[key], `${path}/${key}`) : [`${path}/${key}: not in the documented example`],
  );
}
