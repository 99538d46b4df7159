/**
 * The three-way merge of a pulled record (pure: no I/O, no clock).
 *
 * Per field, with the owner of the field:
 *   - the ERP did not send the field            → nothing (the pull does not manage it)
 *   - 'cadence'                                 → Cadence's value is kept
 *   - both sides already have the same value    → nothing (an open conflict on it is closed as 'agreed')
 *   - 'erp'                                     → the ERP's value overwrites Cadence's
 *   - 'shared', a conflict on it is still open  → stays a conflict (its values are refreshed), never auto-applied
 *   - 'shared', no previous pull (no base)      → conflict (nobody can tell which side changed)
 *   - 'shared', both changed since the last pull → conflict
 *   - 'shared', only the ERP changed            → the ERP's value is taken
 *   - 'shared', only Cadence changed (or neither, the values already differed) → Cadence's value is kept
 *     (Cadence's own outbox row carries it to the ERP).
 *
 * "Changed" compares with the bases stored at the previous pull: the ERP's values as pulled then, and Cadence's values
 * right after that pull was applied.
 */

export type FieldOwner = 'erp' | 'cadence' | 'shared';

/** Stable JSON (object keys sorted) used to compare and hash values; undefined and null are both "null". */
export function canonical(v: unknown): string {
  if (v === undefined || v === null) return 'null';
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o).filter((k) => o[k] !== undefined).sort().map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

export const sameValue = (a: unknown, b: unknown): boolean => canonical(a) === canonical(b);

export interface FieldMergeInput {
  owner: FieldOwner;
  /** The ERP's value now; undefined = the ERP did not send this field. */
  erp: unknown;
  /** Cadence's value now. */
  cadence: unknown;
  /** The bases from the previous pull; null when this record was never pulled before. */
  base: { erp: unknown; cadence: unknown } | null;
  /** A conflict on this field of this record is still open. */
  openConflict?: boolean;
}

export type FieldDecision =
  | { kind: 'none' }
  | { kind: 'take_erp'; value: unknown }
  | { kind: 'keep_cadence'; reason: 'cadence_owned' | 'cadence_changed' | 'unchanged' }
  | { kind: 'conflict'; cadence: unknown; erp: unknown; base: unknown }
  /** Both sides now agree: an open conflict is closed. */
  | { kind: 'agreed' };

export function mergeField(i: FieldMergeInput): FieldDecision {
  if (i.erp === undefined) return { kind: 'none' };
  if (i.owner === 'cadence') return sameValue(i.erp, i.cadence) && i.openConflict ? { kind: 'agreed' } : { kind: 'keep_cadence', reason: 'cadence_owned' };
  if (sameValue(i.erp, i.cadence)) return i.openConflict ? { kind: 'agreed' } : { kind: 'none' };
  const conflict = (): FieldDecision => ({ kind: 'conflict', cadence: i.cadence, erp: i.erp, base: i.base ? (i.base.cadence ?? null) : null });
  // a field with an open conflict is never applied automatically, even once the ERP owns it: the user decides
  if (i.owner === 'erp') return i.openConflict ? conflict() : { kind: 'take_erp', value: i.erp };
  if (i.openConflict || !i.base) return conflict();
  const erpChanged = !sameValue(i.erp, i.base.erp);
  const cadenceChanged = !sameValue(i.cadence, i.base.cadence);
  if (erpChanged && cadenceChanged) return conflict();
  if (erpChanged) return { kind: 'take_erp', value: i.erp };
  return { kind: 'keep_cadence', reason: cadenceChanged ? 'cadence_changed' : 'unchanged' };
}

export interface RecordMergeInput {
  /** The fields the pull manages, with their owners. Fields of `erp` not listed here are ignored. */
  ownership: Record<string, FieldOwner>;
  erp: Record<string, unknown>;
  cadence: Record<string, unknown>;
  base: { erp: Record<string, unknown>; cadence: Record<string, unknown> } | null;
  /** Fields with an open conflict on this record. */
  openConflicts?: ReadonlySet<string>;
}

export interface RecordMergeResult {
  /** Field → ERP value to write into Cadence. */
  patch: Record<string, unknown>;
  conflicts: { field: string; cadence: unknown; erp: unknown; base: unknown }[];
  /** Open conflicts whose sides now agree. */
  agreed: string[];
  /** Fields where the ERP differs and Cadence's value stays. */
  kept: string[];
  decisions: Record<string, FieldDecision>;
}

export function mergeRecord(i: RecordMergeInput): RecordMergeResult {
  const out: RecordMergeResult = { patch: {}, conflicts: [], agreed: [], kept: [], decisions: {} };
  for (const [field, owner] of Object.entries(i.ownership)) {
    const d = mergeField({
      owner,
      erp: i.erp[field],
      cadence: i.cadence[field],
      base: i.base ? { erp: i.base.erp[field], cadence: i.base.cadence[field] } : null,
      openConflict: i.openConflicts?.has(field) ?? false,
    });
    out.decisions[field] = d;
    if (d.kind === 'take_erp') out.patch[field] = d.value;
    else if (d.kind === 'conflict') out.conflicts.push({ field, cadence: d.cadence, erp: d.erp, base: d.base });
    else if (d.kind === 'agreed') out.agreed.push(field);
    else if (d.kind === 'keep_cadence' && !sameValue(i.erp[field], i.cadence[field])) out.kept.push(field);
  }
  return out;
}
