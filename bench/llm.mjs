// The LLM engine's cost and failure figures, against a local OpenAI-compatible server: what one
// call sends after a long conversation, and how long customers wait while the provider hangs.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { makeHome, root, startProgram, wr } from './lib.mjs';

/** A chat-completions server that records each body and answers text, or never answers. */
function fakeProvider() {
  const state = { hang: false, bodies: [] };
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      state.bodies.push(body);
      if (state.hang) return;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ choices: [{ message: { role: 'assistant', content: 'Noted.' }, finish_reason: 'stop' }], usage: { prompt_tokens: Math.round(body.length / 4), completion_tokens: 3 } }));
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ state, url: `http://127.0.0.1:${server.address().port}`, close: () => (server.closeAllConnections(), server.close()) })));
}

export async function benchLlm() {
  const provider = await fakeProvider();
  const timeoutMs = 2000;
  const h = await makeHome({ LLM_PROVIDER: 'openai', LLM_BASE_URL: provider.url, LLM_MODEL: 'bench', LLM_API_KEY: 'sk-bench', LLM_TIMEOUT_MS: timeoutMs });
  wr(h.env, 'tenant', 'add', 'clinic', '--profile', path.join(root, 'examples/demo-dental.yaml'));
  const key = fs.readFileSync(path.join(h.home, 'tenants/clinic/secret'), 'utf8').trim();
  const brain = await startProgram(h.env, 'brain/main.js');
  const chat = async (message, sender) => {
    const started = performance.now();
    const res = await fetch(`${h.brainUrl}/api/chat`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}`, 'x-client-id': 'clinic' }, body: JSON.stringify({ message, sender }) });
    await res.json();
    return performance.now() - started;
  };
  try {
    // Ten customer messages of 4 KB each (the longest a message may be), then a short one.
    const long = Array.from({ length: 10 }, (_, i) => `${i} ${'my tooth hurts when I drink cold water '.repeat(105)}`.slice(0, 4000));
    for (const text of long) await chat(text, '+34600000001');
    provider.state.bodies.length = 0;
    await chat('so can I book a check-up?', '+34600000001');
    const body = JSON.parse(provider.state.bodies[0]);
    const history = body.messages.slice(1, -1);
    const sizes = {
      requestBytes: provider.state.bodies[0].length,
      toolsBytes: JSON.stringify(body.tools).length,
      systemBytes: JSON.stringify(body.messages[0]).length,
      historyMessages: history.length,
      historyBytes: JSON.stringify(history).length,
      /** What the same call carried before the trim: the last 10 stored messages in full. */
      untrimmedHistoryBytes: JSON.stringify(long.slice(5).flatMap((text) => [{ role: 'user', content: text }, { role: 'assistant', content: 'Noted.' }])).length,
    };
    // A hanging provider: each message waits for the turn budget until the breaker opens.
    provider.state.hang = true;
    const waits = [];
    for (let i = 0; i < 6; i++) waits.push(Math.round(await chat('where are you?', `+3460000010${i}`)));
    return { ...sizes, timeoutMs, hangingWaitsMs: waits };
  } finally {
    brain.kill('SIGTERM');
    provider.close();
    h.cleanup();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await benchLlm();
  console.log(`one call after ten 4 KB messages: ${r.requestBytes} bytes (tools ${r.toolsBytes}, system ${r.systemBytes}, history ${r.historyBytes} in ${r.historyMessages} messages; before the trim the history alone was ${r.untrimmedHistoryBytes})`);
  console.log(`provider hanging, turn budget ${r.timeoutMs} ms: customers waited ${r.hangingWaitsMs.join(', ')} ms (breaker opens after 3)`);
}
