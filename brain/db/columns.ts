import type { SqlValue } from '../../core/sqlite/raw.js';

/**
 * How a tenant's store holds what SQL has no common type for, in one place for every repository.
 * On SQLite, times are ISO 8601 in UTC ("2026-03-16T10:00:00.000Z"): they sort as they read, so
 * range queries compare them as strings, and the sqlite3 tool's date functions read them.
 * PostgreSQL takes the same text into timestamptz columns and gives back a Date; JSON columns come
 * back parsed there, booleans as booleans.
 */

export function timeValue(d: Date): string {
  return d.toISOString();
}

export function timeOrNull(d: Date | null): string | null {
  return d && timeValue(d);
}

export function readTime(v: unknown): Date {
  return new Date(v as string | Date);
}

export function readTimeOrNull(v: unknown): Date | null {
  return v === null || v === undefined ? null : readTime(v);
}

export function jsonValue(v: unknown): string {
  return JSON.stringify(v);
}

export function readJson<T>(v: unknown): T {
  return (typeof v === 'string' ? JSON.parse(v) : v) as T;
}

export function boolValue(b: boolean): SqlValue {
  return b ? 1 : 0;
}

export type SqlRow = Record<string, unknown>;
