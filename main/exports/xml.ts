/** Small helpers shared by the XML exporters (built on xmlbuilder2, never string concatenation). */
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces';

/** Adds a namespaced child element with optional text and attributes; returns the child. */
export function child(
  parent: XMLBuilder,
  ns: string,
  qname: string,
  text?: string | number,
  attrs?: Record<string, string>,
): XMLBuilder {
  const el = parent.ele(ns, qname, attrs);
  if (text !== undefined) el.txt(String(text));
  return el;
}

/** Like child, but only when the text is present and non-empty; returns the parent. */
export function opt(
  parent: XMLBuilder,
  ns: string,
  qname: string,
  text: string | number | undefined | null,
  attrs?: Record<string, string>,
): XMLBuilder {
  if (text !== undefined && text !== null && String(text).trim() !== '') child(parent, ns, qname, text, attrs);
  return parent;
}

/** Trims and drops empty strings. */
export function clean(s: string | undefined | null): string | undefined {
  const t = s?.trim();
  return t ? t : undefined;
}

/** "2025-06-01" → "20250601" (UN/CEFACT date format 102). */
export const date102 = (iso: string): string => iso.replace(/-/g, '');

/** IBAN/BIC without spaces, upper case. */
export const compactId = (s: string): string => s.replace(/\s+/g, '').toUpperCase();
