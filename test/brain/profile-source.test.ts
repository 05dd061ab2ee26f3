import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { minimalProfile } from '../../core/profile.js';
import { TenantDb } from '../../brain/db/tenant-db.js';
import { ProfileSource } from '../../brain/services/profile-store.js';
import { exampleProfile } from '../helpers/home.js';

let dir: string;
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('ProfileSource', () => {
  it('gives callers that arrive while profile.yaml is loading the new profile, not the fallback', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wr-profile-'));
    const file = path.join(dir, 'profile.yaml');
    fs.copyFileSync(exampleProfile, file);
    const db = await TenantDb.open(path.join(dir, 'tenant.db'));
    try {
      const source = new ProfileSource(file, db, minimalProfile('Fallback'), (err) => {
        throw err;
      });
      const seen = await Promise.all([source.refresh(), source.refresh(), source.refresh()]);
      expect(seen.map((p) => p.name)).toEqual(Array(3).fill('Sonrisa Dental Clinic'));
      expect(seen[1]).toBe(seen[0]);
    } finally {
      await db.close();
    }
  });
});
