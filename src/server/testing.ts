// A bare HTTP client of the server for tests: connection tokens and procedure calls with fetch,
// answering the status, the headers and the envelope.
import type { Result } from '../shared/errors';

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
