/**
 * Route schemas are the zod/mini schemas of src/domain/wire.ts, the ones the app's messages are
 * typed from: this compiler lets Fastify check a body or query with them before the handler
 * runs (a refusal becomes a 400 in the spec's shape, see errors.ts), and the type provider gives
 * the handler the checked value's type.
 */
import type { FastifySchemaCompiler, FastifyTypeProvider } from 'fastify';
import type * as z from 'zod/mini';

export interface ZodTypeProvider extends FastifyTypeProvider {
  validator: this['schema'] extends z.ZodMiniType ? z.output<this['schema']> : unknown;
  serializer: this['schema'] extends z.ZodMiniType ? z.input<this['schema']> : unknown;
}

/** At most this many problems are named in the answer; the first one is what a developer needs. */
const SHOWN_ISSUES = 3;

export const zodValidator: FastifySchemaCompiler<z.ZodMiniType> =
  ({ schema, httpPart }) =>
  (data) => {
    const r = schema.safeParse(data);
    if (r.success) return { value: r.data };
    const message = r.error.issues
      .slice(0, SHOWN_ISSUES)
      .map((issue) => `${[httpPart ?? 'request', ...issue.path.map(String)].join('.')}: ${issue.message}`)
      .join('; ');
    return { error: new Error(message) };
  };
