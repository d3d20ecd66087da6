import { createExecutionContext, waitOnExecutionContext, SELF } from 'cloudflare:test';
import { env } from 'cloudflare:test';
import { it } from 'vitest';
import { NO_FAULTS } from './faults';
import soakWorker from './faulty-worker';
import { mapBounded, seedTenant, setFaults, soakPayload, statusCounts } from './soak-helpers';
import { standardSignature } from '../helpers/send';

it('probe', async () => {
  const t = await seedTenant('probe', 1);
  await setFaults({ seed: 'same-instance', rates: NO_FAULTS, refuseEvents: false });
  const direct = await soakWorker.fetch(new Request('https://soak.control/faults'), env, createExecutionContext());
  console.log('direct sees', JSON.stringify(await direct.json()));
  for (let round = 0; round < 8; round++) {
    const s = Date.now();
    await mapBounded(Array.from({ length: 100 }, (_, i) => i), 8, async (i) => {
      const body = JSON.stringify(soakPayload(i, false));
      const ctx = createExecutionContext();
      const r = await soakWorker.fetch(new Request(t.hook.url, { method: 'POST', headers: { 'content-type': 'application/json', ...standardSignature(t.secret, body, { id: `p-${round}-${i}` }) }, body }), env, ctx);
      await r.arrayBuffer();
      await waitOnExecutionContext(ctx);
      if (r.status !== 202) throw new Error(String(r.status));
    });
    console.log('round', round, Date.now() - s, JSON.stringify(await statusCounts(t.project)));
  }
  await new Promise((r) => setTimeout(r, 3000));
  console.log('after 3s', JSON.stringify(await statusCounts(t.project)));
  const s = Date.now();
  for (let i = 0; i < 20; i++) await (await SELF.fetch('https://soak.control/faults')).arrayBuffer();
  console.log('20 SELF', Date.now() - s);
});
