import type { TenantRow } from '../../console/tui/model.js';

/** A healthy tenant row, with the fields a test cares about overridden. */
export function row(id: string, over: Partial<TenantRow> = {}): TenantRow {
  return {
    id, name: `Shop ${id}`, port: 2900, transport: 'simulator', pm2: 'online', restarts: 0, uptimeSince: 0, wa: 'connected', handoff: false,
    messagesToday: 0, backlog: 0, failed: 0, lastSeen: null, lastDisconnect: null, parkedReason: null, escalations: 0, ...over,
  };
}
