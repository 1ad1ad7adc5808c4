/**
 * A scripted Kraken v2 server whose book checksum never matches: every `subscribe` is answered with a
 * `BTC/USD` snapshot whose checksum is off by one bit (as after a proxy re-serialized the numbers).
 * Records when each subscribe arrived.
 */
import { krakenBookChecksum } from '../../src/adapters/kraken/checksum.js';
import { type ScriptedServer, startScriptedServer } from './ws-scripted-server.js';

/** Starts the server; `subscribes` holds the `performance.now()` of each subscribe received. */
export async function krakenAlwaysBadChecksum(): Promise<{ server: ScriptedServer; subscribes: number[] }> {
  const subscribes: number[] = [];
  const toCk = (p: string, q: string) => [{ priceText: p, qtyText: q }];
  const sum = krakenBookChecksum(toCk('100.20', '2.50000000'), toCk('100.10', '1.00000000')) ^ 1;
  const snapshot = `{"channel":"book","type":"snapshot","data":[{"symbol":"BTC/USD","bids":[{"price":100.10,"qty":1.00000000}],"asks":[{"price":100.20,"qty":2.50000000}],"checksum":${sum}}]}`;
  const server = await startScriptedServer({
    onConnection: (c) => {
      c.ws.on('message', (data) => {
        const m = JSON.parse(String(data)) as { method: string };
        if (m.method !== 'subscribe') return;
        subscribes.push(performance.now());
        c.ws.send(snapshot);
      });
    },
  });
  return { server, subscribes };
}
