import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * Ink builds every frame into a fresh Output whose caches (each line's ANSI tokens and widths)
 * start empty, so each frame tokenises every line on screen again, though nearly all of them are
 * the lines of the frame before: 40–70 ms a frame with 100 tenants and a log beside them, where
 * the target is 16. One cache shared by every frame (bounded: cleared past MAX_LINES) takes the
 * frame to about 10 ms (`npm run bench console`). Ink does not export Output, so it is reached by
 * its file; an Ink of another shape is left alone, and frames are only slower.
 */

const MAX_LINES = 20_000;

interface Caches {
  styledChars: Map<string, unknown>;
  widths: Map<string, number>;
  blockWidths: Map<string, number>;
}
interface OutputClass {
  new (size: { width: number; height: number }): { caches: Caches };
  prototype: { get(this: { caches: Caches }): unknown };
}

async function share(): Promise<boolean> {
  let Output: OutputClass;
  try {
    const ink = createRequire(import.meta.url).resolve('ink');
    Output = ((await import(pathToFileURL(path.join(path.dirname(ink), 'output.js')).href)) as { default: OutputClass }).default;
    const probe = new Output({ width: 1, height: 1 }).caches;
    if (!(probe.styledChars instanceof Map && probe.widths instanceof Map && probe.blockWidths instanceof Map) || typeof Output.prototype.get !== 'function') return false;
  } catch {
    return false;
  }
  const shared = new Output({ width: 1, height: 1 }).caches;
  const get = Output.prototype.get;
  Output.prototype.get = function sharedCachesGet() {
    if (shared.styledChars.size > MAX_LINES || shared.widths.size > MAX_LINES * 4) {
      shared.styledChars.clear();
      shared.widths.clear();
      shared.blockWidths.clear();
    }
    this.caches = shared;
    return get.call(this);
  };
  return true;
}

/** Whether frames share Ink's output caches (false: an Ink this was not written for). */
export const inkCachesShared = await share();
