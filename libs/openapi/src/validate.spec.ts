import { z } from 'zod';
import { ValidationError } from '@tp/errors';
import { validate } from './validate';

const schema = z
  .object({
    name: z.string().min(1),
    userIds: z.object({ allow: z.array(z.string().min(1)).optional() }).strict().default({}),
    size: z.coerce.number().int().default(10),
  })
  .strict();

function failure(run: () => unknown): ValidationError {
  try {
    run();
  } catch (err) {
    if (err instanceof ValidationError) return err;
    throw err;
  }
  throw new Error('expected a ValidationError');
}

describe('validate', () => {
  it('returns the parsed value with defaults applied', () => {
    expect(validate(schema, { name: 'a' })).toEqual({ name: 'a', userIds: {}, size: 10 });
  });

  it('throws a 400 ValidationError naming a nested field with its index', () => {
    const err = failure(() => validate(schema, { name: 'a', userIds: { allow: ['ok', ''] } }));
    expect(err.status).toBe(400);
    expect(err.code).toBe('validation_failed');
    expect(err.message).toMatch(/^userIds\.allow\[1\]: /);
  });

  it('names unknown keys of a strict object', () => {
    expect(failure(() => validate(schema, { name: 'a', extra: 1 })).message).toMatch(/^extra: /);
  });

  it('names every failing field, first to last', () => {
    expect(failure(() => validate(schema, { size: 'many' }, 'query')).message).toMatch(/^name: .*; size: /);
  });

  it('names the request part when the whole value is wrong', () => {
    expect(failure(() => validate(schema, 'text', 'query')).message).toMatch(/^query: /);
  });

  it('refuses a NUL character anywhere in the parsed value (Postgres text refuses it), naming the field', () => {
    const err = failure(() => validate(schema, { name: 'a', userIds: { allow: ['ok', 'b\u0000c'] } }));
    expect(err.status).toBe(400);
    expect(err.message).toBe('userIds.allow[1]: must not contain the NUL character (U+0000)');
    expect(failure(() => validate(z.object({ key: z.string() }), { key: 'a\u0000b' }, 'params')).message).toMatch(/^key: must not contain/);
  });

  it('treats a missing body as an empty object', () => {
    expect(failure(() => validate(schema, undefined)).message).toMatch(/^name: /);
  });
});
