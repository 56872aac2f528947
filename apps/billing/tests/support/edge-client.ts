import { signPaddlePayload } from '../../src/webhooks/paddle-signature';
import type { PaddleEventBody } from './paddle-fixtures';
import { MB, uploadFiles, type Reply } from './upload-client';

/** What a client and Paddle do through the edge: signed webhooks, profile/limits, uploads. */
export function edgeClient(edgeUrl: string, webhookSecret: string) {
  const uploadUrl = `${edgeUrl}/api/v1/upload`;
  const get = async (path: string, token: string): Promise<Record<string, unknown>> => {
    const response = await fetch(`${edgeUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
    if (response.status !== 200) throw new Error(`GET ${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as Record<string, unknown>;
  };
  return {
    get,
    tierOf: async (token: string) => (await get('/api/v1/user/limits', token))['tier'],
    /** Sends a signed event; resolves with the reply and when its answer arrived. */
    webhook: async (event: PaddleEventBody): Promise<Reply & { at: number }> => {
      const raw = JSON.stringify(event);
      const response = await fetch(`${edgeUrl}/api/v1/webhooks/paddle`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'paddle-signature': signPaddlePayload(raw, webhookSecret) },
        body: raw,
      });
      const at = Date.now();
      return { status: response.status, body: (await response.json()) as Record<string, unknown>, at };
    },
    batch: (token: string) =>
      uploadFiles(uploadUrl, token, [
        { field: 'files', name: 'a.txt', size: 10 },
        { field: 'files', name: 'b.txt', size: 10 },
      ]),
    big: (token: string) => uploadFiles(uploadUrl, token, [{ name: 'big.bin', size: 40 * MB }]),
  };
}
