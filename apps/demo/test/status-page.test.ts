import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type DevCluster, startCluster } from '@keyslot/dev-cluster';
import { type Browser, chromium, type Page } from 'playwright-core';
import request from 'supertest';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildFastifyApp } from '../src/fastify/fastify-app.js';
import { type DemoServer, startDemoServer } from './support/demo-server.js';
import { ensureChromium } from './support/ensure-chromium.js';

/** The root `test-results/` folder (git-ignored), where the screenshot goes. */
const RESULTS = fileURLToPath(new URL('../../../test-results/', import.meta.url));

// Its own cluster: this file kills a primary.
let cluster: DevCluster;
let server: DemoServer;
let browser: Browser;
let page: Page;
beforeAll(async () => {
  // Installs Debian's chromium when it is missing (as root with apt-get): that can take minutes, hence the timeout.
  const executablePath = await ensureChromium();
  cluster = await startCluster({ primaries: 3, replicasPerPrimary: 1 });
  server = await startDemoServer(buildFastifyApp, { nodes: cluster.seeds });
  browser = await chromium.launch({
    executablePath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  page = await browser.newPage({ viewport: { width: 1280, height: 560 } });
}, 15 * 60_000);
afterAll(async () => {
  await browser?.close();
  await server?.close();
  await cluster?.stop();
});

// Functions passed to page.waitForFunction/evaluate run in the browser. This package's TypeScript has no DOM
// library, so they are typed against the little of the DOM they use.
interface PageRow {
  dataset: { address?: string; role?: string; state?: string; health?: string };
}
declare const document: {
  querySelectorAll(selector: string): ArrayLike<PageRow>;
  querySelector(selector: string): (PageRow & { textContent: string | null }) | null;
};

/** What the page's table shows, row by row. */
function rows(): Promise<{ address: string; role: string; state: string }[]> {
  return page.evaluate(() =>
    Array.from(document.querySelectorAll('#nodes tr'), (tr) => ({
      address: tr.dataset.address ?? '',
      role: tr.dataset.role ?? '',
      state: tr.dataset.state ?? '',
    })),
  );
}

it('shows the cluster, then a primary going down and its replica taking over, as it happens', async () => {
  // A freshly started demo has talked to no replica yet: the page still shows every node up, as the cluster sees
  // it, and says the replicas' connections are not needed yet (it used to show them down).
  await page.goto(`${server.url}/`);
  expect(await page.title()).toBe('keyslot demo: cluster status');
  const allUp = () =>
    page.waitForFunction(
      () => {
        const trs = Array.from(document.querySelectorAll('#nodes tr'));
        return (
          trs.length === 6 &&
          trs.filter((tr) => tr.dataset.role === 'primary').length === 3 &&
          trs.every((tr) => tr.dataset.state === 'up')
        );
      },
      undefined,
      { timeout: 15_000 },
    );
  await allUp();
  await expect(page.textContent('#nodes')).resolves.toContain('not needed yet');

  // Some traffic (reads go to replicas): every node is used, and still up.
  const http = request(server.url);
  for (let i = 0; i < 30; i++) {
    const created = await http
      .post('/links')
      .set('x-client-id', `page-${i}`)
      .send({ url: `https://example.com/${i}` });
    expect(created.status).toBe(201);
    await http.get(`/links/${created.body.code}/info`);
  }
  await allUp();
  expect((await rows()).map((row) => row.address).sort()).toEqual(
    cluster.nodes.map((node) => node.address).sort(),
  );
  await expect(page.textContent('#summary')).resolves.toContain('16384 of 16384 slots served');
  // The client-side cache's counters: the /info reads above went through it.
  await expect(page.textContent('#cache')).resolves.toMatch(
    /client-side cache: \d+ hits · \d+ misses · \d+ invalidations/,
  );

  const victim = cluster.primaries[0]!;
  const [heir] = cluster.replicasOf(victim);
  await cluster.kill(victim);

  // The page follows by itself: the dead primary shows as down (listed as failed while the cluster still names it,
  // gone once it stops), its former replica as a primary that is up, and the cluster has three live primaries again.
  await page.waitForFunction(
    ({ victim, heir }) => {
      const trs = Array.from(document.querySelectorAll('#nodes tr'));
      const row = (address: string) => trs.find((tr) => tr.dataset.address === address);
      return (
        row(victim)?.dataset.state === 'down' &&
        (row(victim)?.dataset.role === 'gone' || row(victim)?.dataset.health === 'failed') &&
        row(heir)?.dataset.role === 'primary' &&
        row(heir)?.dataset.state === 'up' &&
        trs.filter((tr) => tr.dataset.role === 'primary' && tr.dataset.state === 'up').length === 3
      );
    },
    { victim: victim.address, heir: heir!.address },
    { timeout: 20_000 },
  );
  expect(await rows()).toHaveLength(6);
  await page.waitForFunction(
    () => document.querySelector('#summary')?.textContent?.includes('16384 of 16384 slots served'),
    undefined,
    { timeout: 15_000 },
  );
  expect(await page.textContent('#error')).toBe('');

  mkdirSync(RESULTS, { recursive: true });
  await page.screenshot({ path: path.join(RESULTS, 'status-page.png'), fullPage: true });
});
