import { GatewayHealthSchema, type GatewayHealth } from './contracts.js';

/** A program's GET /health body: when it answers 200, or 503 with JSON (up, and sick); null otherwise. */
export async function getHealth(url: string, timeoutMs: number): Promise<unknown> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    if (res.ok || (res.status === 503 && res.headers.get('content-type')?.includes('json'))) return await res.json();
    return null;
  } catch {
    return null;
  }
}

/**
 * A gateway's /health read with the contract. One that answers in another shape (a gateway of
 * another version) counts as not answering, and `problem` says why.
 */
export async function gatewayHealth(port: number, timeoutMs: number): Promise<{ health: GatewayHealth | null; problem?: string }> {
  const body = await getHealth(`http://127.0.0.1:${port}/health`, timeoutMs);
  if (body === null) return { health: null };
  const parsed = GatewayHealthSchema.safeParse(body);
  if (parsed.success) return { health: parsed.data };
  const issue = parsed.error.issues[0];
  return { health: null, problem: `/health answered in an unexpected shape (${issue?.path.join('.') || 'body'}: ${issue?.message})` };
}
