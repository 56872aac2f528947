import { z } from 'zod';

export type JsonSchema = Record<string, unknown>;

const INT32 = 2 ** 31;

/** The longest text of a fixed-shape format (its pattern already bounds it): stated as maxLength too. */
const FORMAT_MAX_LENGTH: Record<string, number> = { 'date-time': 35, uuid: 36 };

/**
 * Integers say their width (int32 when the bounds fit, else int64), as OpenAPI's formats name
 * them; strings of a fixed-shape format say their longest length.
 */
function withFormats(node: unknown): void {
  if (Array.isArray(node)) {
    node.forEach(withFormats);
    return;
  }
  if (typeof node !== 'object' || node === null) return;
  const schema = node as JsonSchema;
  const format = typeof schema['format'] === 'string' ? schema['format'] : undefined;
  if (schema['type'] === 'string' && format && FORMAT_MAX_LENGTH[format] && schema['maxLength'] === undefined) schema['maxLength'] = FORMAT_MAX_LENGTH[format];
  if (schema['type'] === 'integer' && format === undefined) {
    const { minimum, maximum } = schema as { minimum?: number; maximum?: number };
    const fits = minimum !== undefined && maximum !== undefined && minimum >= -INT32 && maximum < INT32;
    schema['format'] = fits ? 'int32' : 'int64';
  }
  Object.values(schema).forEach(withFormats);
}

/**
 * A zod schema as an OpenAPI 3.1 schema object (JSON Schema 2020-12). Requests are described
 * as the input the schema accepts (defaults make a field optional), responses as its output.
 */
export function toOpenApiSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  // A type without a JSON form fails here, so the document never says "anything" (`{}`) by accident.
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'throw' }) as JsonSchema;
  withFormats(rest);
  return rest;
}
