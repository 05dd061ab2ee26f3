import type { SqlValue } from '../../core/sqlite/raw.js';

/**
 * How tenant.db stores what SQL has no common type for, in one place for every repository.
 * Times are UTC text that sorts as it reads ("2026-03-16 10:00:00.000 +00:00", the format every
 * tenant.db has held since the first release), so range queries compare them as strings and the
 * sqlite3 tool's date functions read them.
 */

export function timeValue(d: Date): string {
  return `${d.toISOString().slice(0, 23).replace('T', ' ')} +00:00`;
}

export function timeOrNull(d: Date | null): string | null {
  return d && timeValue(d);
}

export function readTime(v: unknown): Date {
  return new Date(v as string);
}

export function readTimeOrNull(v: unknown): Date | null {
  return v === null || v === undefined ? null : readTime(v);
}

export function jsonValue(v: unknown): string {
  return JSON.stringify(v);
}

export function readJson<T>(v: unknown): T {
  return JSON.parse(v as string) as T;
}

export function boolValue(b: boolean): SqlValue {
  return b ? 1 : 0;
}

export type SqlRow = Record<string, unknown>;
