import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { projectRoot } from '../../core/paths.js';
import { readTenantKey } from '../../core/keys.js';
import { parseProfileYaml } from '../../core/profile.js';
import { IntentClassifier } from '../../brain/receptionist/classifier.js';
import { ModelCache } from '../../brain/receptionist/model-cache.js';
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

  it('names the kind of business of the lines under a "# kind:" comment, up to the next one', () => {
    const dir = folder({ 'w.en.txt': 'hours | when are you open\n# kind: plumber\nbook | can you come fix a leak\n# a note\nhours | open sunday?\n# kind: notary\nfaq | do I bring my passport\n' });
    expect(loadCorpus(dir).en.map((u) => u.kind)).toEqual([undefined, 'plumber', 'plumber', 'notary']);
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
    const classifier = await IntentClassifier.train(profile, small, new ModelCache([folder({})]));
    const r = await classifier.classify(normalize('who won the football'), 'en');
    expect(r.intent).toBe('unknown');
    expect(r.coverage).toBe(0);
    expect((await classifier.classify(normalize('when do you open'), 'en')).intent).toBe('hours');
  });

  it('tenants share one model per corpus, and each keeps its own business words', async () => {
    const profile = parseProfileYaml(fs.readFileSync(exampleProfile, 'utf8'));
    const other = { ...profile, services: [{ ...profile.services[0]!, name: 'Balayage', aliases: ['ombre'] }], faq: [] };
    const small = loadCorpus(folder({ 'a.en.txt': 'hours | when are you open\nbook | I want to book\n' }));
    const cache = folder({});
    const mine = await IntentClassifier.train(profile, small, new ModelCache([cache]));
    const theirs = await IntentClassifier.train(other, small, new ModelCache([cache]));
    expect(mine['models']).toBe(theirs['models']);
    expect((await IntentClassifier.train(profile, loadCorpus(folder({ 'b.en.txt': 'hours | when are you open\n' })), new ModelCache([cache])))['models']).not.toBe(mine['models']);
    expect((await theirs.classify('balayage ombre', 'en')).coverage).toBe(1);
    expect((await mine.classify('balayage ombre', 'en')).coverage).toBe(0);
  });

  it("knows the corpus's receptionist words, not one trade's: a word of two lines or more and of two intents or more", async () => {
    const profile = { ...parseProfileYaml(fs.readFileSync(exampleProfile, 'utf8')), services: [], faq: [], name: 'Shop' };
    const small = loadCorpus(folder({
      'a.en.txt': 'services | new tyres fitted\nservices | how much are tyres\nhours | are you open late\nbook | can I come when you open\nbook | balayage friday\n',
    }));
    const classifier = await IntentClassifier.train(profile, small, new ModelCache([folder({})]));
    expect((await classifier.classify('open', 'en')).coverage).toBe(1);
    expect((await classifier.classify('tyres', 'en')).coverage).toBe(0);
    expect((await classifier.classify('balayage', 'en')).coverage).toBe(0);
  });

  it('keeps the trained model on disk, reads it at the next start, and trains again over a damaged file', async () => {
    const profile = parseProfileYaml(fs.readFileSync(exampleProfile, 'utf8'));
    const files = { 'a.en.txt': 'hours | when are you open\nhours | what time do you open\nbook | I want to book\nbook | can I make an appointment\n', 'a.es.txt': 'hours | cuándo abrís\n' };
    const cache = folder({});
    const first = await IntentClassifier.train(profile, loadCorpus(folder(files)), new ModelCache([cache]));
    const [file] = fs.readdirSync(cache);
    expect(file).toMatch(/^[0-9a-f]{32}\.json$/);
    const written = path.join(cache, file!);
    const old = new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000);
    fs.utimesSync(written, old, old);
    // A new corpus object with the same lines: a new process, as far as the in-memory cache knows.
    const second = await IntentClassifier.train(profile, loadCorpus(folder(files)), new ModelCache([cache]));
    expect(second['models']).not.toBe(first['models']);
    expect(fs.statSync(written).mtimeMs).toBe(old.getTime());
    expect(await second.scores('when do you open', 'en')).toEqual(await first.scores('when do you open', 'en'));
    fs.writeFileSync(written, '{ not json');
    const third = await IntentClassifier.train(profile, loadCorpus(folder(files)), new ModelCache([cache]));
    expect((await third.classify('when do you open', 'en')).intent).toBe('hours');
    expect(() => JSON.parse(fs.readFileSync(written, 'utf8'))).not.toThrow();
    expect(fs.readdirSync(cache)).toEqual([file]);
  });

  it('keeps both trained models in one cache file, and trains again over a file that lacks one (an older kind of file)', async () => {
    const profile = parseProfileYaml(fs.readFileSync(exampleProfile, 'utf8'));
    const files = { 'a.en.txt': 'hours | when are you open\nhours | what time do you open\nbook | I want to book\nbook | can I make an appointment\n', 'a.es.txt': 'hours | cuándo abrís\nbook | quiero reservar\n' };
    const cache = folder({});
    const first = await IntentClassifier.train(profile, loadCorpus(folder(files)), new ModelCache([cache]));
    const [file] = fs.readdirSync(cache);
    const written = path.join(cache, file!);
    const kept = JSON.parse(fs.readFileSync(written, 'utf8')) as { nlp: string; linear: Record<string, { labels: string[] }> };
    expect(typeof kept.nlp).toBe('string');
    expect(kept.linear.en!.labels).toEqual(['book', 'hours']);
    expect(kept.linear.es!.labels).toEqual(['book', 'hours']);
    // What an nlp.js-only cache held: valid JSON, no linear model. Read as is, the linear model would be missing.
    fs.writeFileSync(written, JSON.stringify({ nlp: kept.nlp }));
    const second = await IntentClassifier.train(profile, loadCorpus(folder(files)), new ModelCache([cache]));
    expect(await second.scores('when do you open', 'en')).toEqual(await first.scores('when do you open', 'en'));
    expect(JSON.parse(fs.readFileSync(written, 'utf8')).linear.en.labels).toEqual(['book', 'hours']);
  });

  it("keeps the model in WR_HOME's cache when node_modules' is not writable, and says once what to do when no folder is", async () => {
    const profile = parseProfileYaml(fs.readFileSync(exampleProfile, 'utf8'));
    const files = { 'a.en.txt': 'hours | when are you open\nbook | I want to book\n', 'a.es.txt': 'hours | cuándo abrís\n' };
    // A folder under a plain file cannot be created, whoever runs the test (root ignores modes).
    const readOnly = path.join(folder({ 'node_modules': 'a file' }), 'node_modules', '.cache', 'wr-classifier');
    // A WR_HOME the cache is the first to make: it gets WR_HOME's 0700, not the umask's 0755.
    const wrHome = path.join(folder({}), 'wr-home');
    const home = path.join(wrHome, 'cache', 'wr-classifier');
    const warnings: string[] = [];
    const cache = () => new ModelCache([readOnly, home], (line) => warnings.push(line));
    const first = await IntentClassifier.train(profile, loadCorpus(folder(files)), cache());
    const [file] = fs.readdirSync(home);
    expect(file).toMatch(/^[0-9a-f]{32}\.json$/);
    expect(warnings).toEqual([]);
    for (const dir of [wrHome, path.dirname(home), home]) expect((fs.statSync(dir).mode & 0o777).toString(8)).toBe('700');
    // The next start reads it there instead of training again.
    const inode = fs.statSync(path.join(home, file!)).ino;
    const second = await IntentClassifier.train(profile, loadCorpus(folder(files)), cache());
    expect(second['models']).not.toBe(first['models']);
    expect(fs.statSync(path.join(home, file!)).ino).toBe(inode);

    const nowhere = new ModelCache([readOnly, path.join(folder({ cache: 'a file' }), 'cache', 'wr-classifier')], (line) => warnings.push(line));
    await IntentClassifier.train(profile, loadCorpus(folder(files)), nowhere);
    await IntentClassifier.train(profile, loadCorpus(folder(files)), nowhere);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^the classifier's trained model cannot be kept in \S+node_modules\/\.cache\/wr-classifier \(ENOTDIR\) or \S+cache\/wr-classifier \(ENOTDIR\), so the brain trains it again at every start \(seconds of CPU\): make one of those folders writable by the user that runs wr$/);
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
