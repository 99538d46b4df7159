/** OpenAPI 3.1 document generated from the operation table's zod schemas. */
import { z } from 'zod';
import { operations, type OpName } from './index';

const errorSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string' },
        message: { type: 'string' },
        details: {
          type: 'object',
          properties: {
            fields: { type: 'array', items: { type: 'object', properties: { path: { type: 'string' }, message: { type: 'string' } } } },
          },
        },
      },
    },
  },
};

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  try {
    const s = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'openapi-3.0' }) as Record<string, unknown>;
    delete s.$schema;
    return s;
  } catch {
    return {};
  }
}

export function buildOpenApi(version: string): Record<string, unknown> {
  const paths: Record<string, unknown> = {};
  for (const name of Object.keys(operations) as OpName[]) {
    const def = operations[name];
    paths[`/api/${name}`] = {
      post: {
        operationId: name,
        summary: def.summary,
        tags: [name.split('.')[0]],
        'x-mutating': def.mutating,
        security: [{ bearer: [] }],
        requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(def.input, 'input') } } },
        responses: {
          '200': { description: 'OK', content: { 'application/json': { schema: jsonSchema(def.output, 'output') } } },
          '400': { description: 'Malformed request', content: { 'application/json': { schema: errorSchema } } },
          '401': { description: 'Missing or wrong token', content: { 'application/json': { schema: errorSchema } } },
          '403': { description: 'Foreign origin or host', content: { 'application/json': { schema: errorSchema } } },
          '404': { description: 'Not found', content: { 'application/json': { schema: errorSchema } } },
          '409': { description: 'Conflict', content: { 'application/json': { schema: errorSchema } } },
          '422': { description: 'Validation failed; details.fields names each field', content: { 'application/json': { schema: errorSchema } } },
        },
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Cadence API', version, description: 'Every operation of the Cadence operation table. POST a JSON body to /api/<operation>.' },
    servers: [{ url: '/' }],
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    paths,
  };
}
