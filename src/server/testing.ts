// A bare HTTP client of the server for tests: connection tokens and procedure calls with fetch,
// answering the status, the headers and the envelope.
import pino from 'pino';
import type { Result } from '../shared/errors';
import { createServerApp } from './http';

export interface RpcAnswer {
  readonly status: number;
  readonly headers: Headers;
  readonly result: Result<unknown>;
}

export function httpClient(base: string) {
  return {
    async connect(): Promise<string> {
      const response = await fetch(`${base}/v1/connections`, { method: 'POST' });
      if (response.status !== 200) throw new Error(`POST /v1/connections answered ${response.status}`);
      return ((await response.json()) as { token: string }).token;
    },
    async rpc(token: string | null, name: string, body: unknown = {}): Promise<RpcAnswer> {
      const response = await fetch(`${base}/v1/rpc/${name}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token && { authorization: `Bearer ${token}` }) },
        body: JSON.stringify(body),
      });
      return { status: response.status, headers: response.headers, result: (await response.json()) as Result<unknown> };
    },
  };
}

/**
 * A server whose router answers only when its call is cancelled, listening on 127.0.0.1: `seen`
 * resolves once the cancel arrived (the real router's cancels are tested with each long call).
 */
export async function serverWaitingForCancel(tokenKey: Buffer) {
  let cancelled: () => void = () => undefined;
  const seen = new Promise<void>((resolve) => (cancelled = resolve));
  const app = createServerApp({
    router: {
      call: (_name, _input, options) =>
        new Promise((resolve) =>
          options?.signal?.addEventListener('abort', () => {
            cancelled();
            resolve({ ok: true, value: null });
          }),
        ),
    },
    ready: async () => undefined,
    tokenKey,
    logger: pino({ level: 'silent' }),
  });
  return { app, url: await app.listen({ host: '127.0.0.1', port: 0 }), seen };
}
