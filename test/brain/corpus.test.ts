import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { projectRoot } from '../../core/paths.js';
import { readTenantKey } from '../../core/keys.js';
import { parseProfileYaml } from '../../core/profile.js';
import { IntentClassifier } from '../../brain/receptionist/classifier.js';
import { normalize } from '../../brain/receptionist/text.js';
import { CORPUS_DIR, CorpusError, corpus, loadCorpus } from '../../brain/receptionist/utterances.js';
import { cli, exampleProfile, freePort, makeHome, type TestHome } from '../helpers/home.js';

const dirs: string[] = [];
let t: TestHome | undefined;
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  t?.cleanup();
  t = undefined;
});

function folder(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wr-corpus-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  return dir;
}

describe('the classifier corpus', () => {
  it('reads every <name>.<language>.txt file of the folder, out-of-scope lines included', () => {
    const dir = folder({
      'base.en.txt': '# a comment\n\nhours | when are you open\nbook | can I | pipe stays\n',
      'written.en.txt': 'unknown | what is the weather like\n',
      'written.es.txt': 'hours | a qué hora abrís\n',
      'README.md': 'not a corpus file',
    });
    expect(loadCorpus(dir)).toEqual({
      en: [
        { intent: 'hours', text: 'when are you open', file: 'base.en.txt' },
        { intent: 'book', text: 'can I | pipe stays', file: 'base.en.txt' },
        { intent: 'unknown', text: 'what is the weather like', file: 'written.en.txt' },
      ],
      es: [{ intent: 'hours', text: 'a qué hora abrís', file: 'written.es.txt' }],
    });
  });

  it('names every bad line and file, with what to write instead', () => {
    const dir = folder({ 'base.en.txt': 'hours | ok\nhoras | typo\nno bar here\nbook |\n', 'extra.fr.txt': 'hours | quand\n', 'notes.txt': '' });
    let error: CorpusError | undefined;
    try {
      loadCorpus(dir);
    } catch (e) {
      error = e as CorpusError;
    }
    expect(error).toBeInstanceOf(CorpusError);
    expect(error!.problems).toEqual([
      `${dir}/base.en.txt:2: unknown intent "horas" (expected one of greeting, hours, location, services, book, cancel, reschedule, my_bookings, faq, human, thanks, smalltalk, unknown)`,
      `${dir}/base.en.txt:3: expected "<intent> | <text>", got "no bar here"`,
      `${dir}/base.en.txt:4: no text after "book |"`,
      `${dir}/extra.fr.txt: a corpus file is named <name>.<language>.txt with a language of en, es`,
      `${dir}/notes.txt: a corpus file is named <name>.<language>.txt with a language of en, es`,
    ]);
    expect(() => loadCorpus(path.join(dir, 'missing'))).toThrow('run `npm run build`');
  });

  it('trains out-of-scope lines into the model and keeps their words out of the vocabulary', async () => {
    const profile = parseProfileYaml(fs.readFileSync(exampleProfile, 'utf8'));
    const small = loadCorpus(folder({
      'a.en.txt': 'hours | when are you open\nhours | what time do you open\nbook | I want to book\nbook | can I make an appointment\nunknown | who won the football match\nunknown | football scores tonight\n',
      'a.es.txt': 'hours | cuándo abrís\n',
    }));
    const classifier = await IntentClassifier.train(profile, small);
    const r = await classifier.classify(normalize('who won the football'), 'en');
    expect(r.intent).toBe('unknown');
    expect(r.coverage).toBe(0);
    expect((await classifier.classify(normalize('when do you open'), 'en')).intent).toBe('hours');
  });

  it('tenants share one model per corpus, and each keeps its own business words', async () => {
    const profile = parseProfileYaml(fs.readFileSync(exampleProfile, 'utf8'));
    const other = { ...profile, services: [{ ...profile.services[0]!, name: 'Balayage', aliases: ['ombre'] }], faq: [] };
    const small = loadCorpus(folder({ 'a.en.txt': 'hours | when are you open\nbook | I want to book\n' }));
    const mine = await IntentClassifier.train(profile, small);
    const theirs = await IntentClassifier.train(other, small);
    expect(mine['nlp']).toBe(theirs['nlp']);
    expect((await IntentClassifier.train(profile, loadCorpus(folder({ 'b.en.txt': 'hours | when are you open\n' }))))['nlp']).not.toBe(mine['nlp']);
    expect((await theirs.classify('balayage ombre', 'en')).coverage).toBe(1);
    expect((await mine.classify('balayage ombre', 'en')).coverage).toBe(0);
  });

  it('the built brain (dist/, as PM2 runs it) reads the same corpus and answers from it', async () => {
    const built = path.join(projectRoot, 'dist/brain/receptionist/corpus');
    expect(fs.readdirSync(built).sort()).toEqual(fs.readdirSync(CORPUS_DIR).sort());
    expect(loadCorpus(built)).toEqual(corpus());
    t = makeHome();
    await cli(t.env, 'tenant', 'add', 'clinic', '--profile', exampleProfile);
    const port = await freePort();
    const child = spawn(process.execPath, [path.join(projectRoot, 'dist/brain/main.js')], { env: { ...t.env, BRAIN_PORT: String(port) }, stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
    const exited = new Promise((r) => child.once('exit', r));
    try {
      await new Promise<void>((resolve, reject) => {
        child.on('message', (m) => m === 'ready' && resolve());
        child.once('exit', (code) => reject(new Error(`the built brain exited with ${code}`)));
      });
      const res = await fetch(`http://127.0.0.1:${port}/api/chat`, {
        method: 'POST',
        headers: { authorization: `Bearer ${readTenantKey(t.config.paths, 'clinic')}`, 'x-client-id': 'clinic', 'content-type': 'application/json' },
        body: JSON.stringify({ message: 'hours please', sender: '+34600111222', messageId: 'corpus-1' }),
      });
      expect(res.status).toBe(200);
      expect(((await res.json()) as { intent: string }).intent).toBe('hours');
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  }, 30_000);
});
