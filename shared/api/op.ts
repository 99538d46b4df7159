import { z } from 'zod';
import { AppError, type FieldIssue } from './errors';

/** One operation of the table: declared once here, handled once in main/. */
export interface OpDef<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  name: string;
  summary: string;
  /** Mutating operations run one at a time, each in one transaction. */
  mutating: boolean;
  /**
   * The handler writes but manages its own short transactions (long runs, sync pushes that wait on the network):
   * the backend does not wrap it in one transaction. Its writes still go through the backend's write lock.
   */
  selfManaged?: boolean;
  input: I;
  output: O;
}

export function op<I extends z.ZodType, O extends z.ZodType>(def: OpDef<I, O>): OpDef<I, O> {
  return def;
}

export function zodIssuesToFields(error: z.ZodError): FieldIssue[] {
  return error.issues.map((i) => ({ path: i.path.map(String).join('.') || '(input)', message: i.message, code: i.code }));
}

export function validationError(error: z.ZodError): AppError {
  const fields = zodIssuesToFields(error);
  const first = fields[0];
  const msg = first ? `Invalid ${first.path}: ${first.message}` : 'Invalid input';
  return new AppError('VALIDATION', fields.length > 1 ? `${msg} (and ${fields.length - 1} more)` : msg, { fields });
}

/** Parses input against an operation's schema, throwing an AppError naming each bad field. */
export function parseInput<I extends z.ZodType>(def: OpDef<I, z.ZodType>, raw: unknown): z.output<I> {
  const r = def.input.safeParse(raw ?? {});
  if (!r.success) throw validationError(r.error);
  return r.data;
}
