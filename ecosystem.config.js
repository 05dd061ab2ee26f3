// PM2's app list, built from the tenant registry each time PM2 loads this file:
//   pm2 start ecosystem.config.js      (wr-console start does the same through PM2's API)
// It reads dist/: run `npm run build` first.
import { buildApps } from './dist/core/apps.js';

export const apps = buildApps({ demo: process.env.WR_DEMO === '1' });
