import { neutralise } from '../../core/text.js';
import type { LogLine } from './model.js';
import { wrap } from './width.js';

/**
 * PM2 log lines as a person reads them: `16:46:00 FATAL gateway failed to start: SQLITE_NOTADB …`.
 * PM2 (`time: true`) prefixes each line with an ISO time; our processes write pino JSON after it.
 * Pure, so every shape of line is tested without a process.
 */

export type Level = 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'FATAL';

export interface LogEvent {
  /** Local HH:MM:SS, or '' when the line carries no time. */
  time: string;
  level: Level | null;
  text: string;
}

const LEVELS: Record<number, Level> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
const PM2_TIME = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)?): /;
/** pino's own fields, already shown as time, level and message. */
const QUIET = new Set(['level', 'time', 'pid', 'hostname', 'name', 'msg', 'err', 'v']);

const clock = (ms: number) => (Number.isFinite(ms) ? new Date(ms).toTimeString().slice(0, 8) : '');

function scalar(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

export function formatLogLine(raw: string, stream: LogLine['stream'] = 'out'): LogEvent {
  let rest = raw;
  let time = '';
  const prefix = PM2_TIME.exec(raw);
  if (prefix) {
    time = clock(Date.parse(prefix[1]!));
    rest = raw.slice(prefix[0].length);
  }
  if (rest.startsWith('{')) {
    try {
      const o = JSON.parse(rest) as Record<string, unknown>;
      if (typeof o === 'object' && o !== null && typeof o.level === 'number') {
        const err = o.err as { message?: unknown; code?: unknown } | undefined;
        let message = typeof o.msg === 'string' ? o.msg : '';
        if (err && typeof err.message === 'string') message = message ? `${message}: ${err.message}` : err.message;
        // The code (SQLITE_NOTADB, EADDRINUSE) is what an operator searches for: shown when the message lacks it.
        if (err && typeof err.code === 'string' && !message.includes(err.code)) message += ` (${err.code})`;
        const extra = Object.entries(o)
          .filter(([k]) => !QUIET.has(k))
          .map(([k, v]) => `${k}=${scalar(v)}`);
        const text = [message, ...extra].filter(Boolean).join(' ');
        return { time: typeof o.time === 'number' ? clock(o.time) : time, level: LEVELS[o.level] ?? null, text: neutralise(text) };
      }
    } catch {
      // Not JSON after all (a stack trace line starting with "{"): shown as it is.
    }
  }
  return { time, level: stream === 'err' ? 'ERROR' : null, text: neutralise(rest) };
}

// Each line is parsed once, not on every frame.
const cache = new WeakMap<LogLine, LogEvent>();
function formatted(l: LogLine): LogEvent {
  let e = cache.get(l);
  if (!e) cache.set(l, (e = formatLogLine(l.text, l.stream)));
  return e;
}

export const levelColor = (level: Level | null): string | undefined =>
  level === 'FATAL' || level === 'ERROR' ? 'red' : level === 'WARN' ? 'yellow' : level === 'DEBUG' || level === 'TRACE' ? 'gray' : undefined;

export const isError = (e: LogEvent) => e.level === 'ERROR' || e.level === 'FATAL';

/** One event as the text the log view prints; `process` is named in the combined view. */
export function renderEvent(e: LogEvent, process?: string): string {
  return [e.time, e.level?.padEnd(5), process, e.text].filter((p) => p !== undefined && p !== '').join(' ');
}

export interface ScreenRow {
  text: string;
  color: string | undefined;
}

/**
 * The rows the log view shows: matching `search` (case-insensitive) and, with errorsOnly, errors;
 * wrapped to `width`; `scroll` rows up from the newest. Walks back from the newest line and stops
 * once the screen is full, so a long combined log costs what fits on screen, not its length
 * (a search counts every match, so it reads them all).
 */
export function logScreen(lines: readonly LogLine[], opts: { width: number; height: number; scroll: number; errorsOnly: boolean; search: string; combined: boolean }): { rows: ScreenRow[]; scroll: number; matches: number } {
  const needle = opts.search.toLowerCase();
  const height = Math.max(1, opts.height);
  const want = height + Math.max(0, opts.scroll);
  const collected: ScreenRow[][] = [];
  let rowCount = 0;
  let matches = 0;
  for (let i = lines.length - 1; i >= 0; i--) {
    if (rowCount >= want && !needle) break;
    const l = lines[i]!;
    const e = formatted(l);
    if (opts.errorsOnly && !isError(e)) continue;
    const text = renderEvent(e, opts.combined ? l.process : undefined);
    if (needle && !text.toLowerCase().includes(needle)) continue;
    matches++;
    if (rowCount >= want) continue;
    const color = levelColor(e.level);
    const rows = wrap(text, opts.width).map((part) => ({ text: part, color }));
    collected.push(rows);
    rowCount += rows.length;
  }
  const all = collected.reverse().flat();
  // Scrolled past the oldest line: stop there.
  const scroll = Math.min(Math.max(0, opts.scroll), Math.max(0, all.length - height));
  return { rows: all.slice(Math.max(0, all.length - height - scroll), all.length - scroll), scroll, matches };
}
