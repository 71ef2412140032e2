// A first visit on a phone: the demo's Bury pharmacy poll opened from a link, with an empty
// cache, must cost under 100 KB on the wire, everything it loads included (the page, the
// NHS.UK stylesheet and script, our own, icons).  Chromium reports what each response took
// on the wire (headers and body as sent, compressed or not) in Network.loadingFinished's
// encodedDataLength; the sum is printed.  Without compression the stylesheet alone is 277 KB.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { launchBrowser, newPage } from '../lib/browser.mjs';
import { startServer } from '../lib/server.mjs';

const BUDGET = 100 * 1024; // bytes

let server;
let browser;

before(async () => {
	server = await startServer({ args: ['--demo'] });
	browser = await launchBrowser();
});

after(async () => {
	await browser?.close();
	await server?.stop();
});

test('a first visit to the Bury poll moves under 100 KB', async () => {
	const home = await (await fetch(`${server.url}/o/bury/`)).text();
	const link = home.match(/href="(\/o\/bury\/polls\/\d+)"/);
	assert.ok(link, 'the Bury home page links its poll');
	const path = link[1];

	const page = await newPage(browser, { viewport: { width: 320, height: 640 }, isMobile: true });
	const cdp = await page.context().newCDPSession(page);
	const responses = new Map(); // requestId -> {url, encoding}
	const bytes = new Map(); // requestId -> bytes on the wire
	const failed = [];
	cdp.on('Network.responseReceived', (e) => responses.set(e.requestId, {
		url: e.response.url,
		status: e.response.status,
		encoding: Object.entries(e.response.headers)
			.find(([k]) => k.toLowerCase() === 'content-encoding')?.[1],
	}));
	cdp.on('Network.loadingFinished', (e) => bytes.set(e.requestId, e.encodedDataLength));
	cdp.on('Network.loadingFailed', (e) => failed.push(e.errorText));
	await cdp.send('Network.enable');
	await cdp.send('Network.clearBrowserCache');

	const res = await page.goto(server.url + path, { waitUntil: 'networkidle' });
	assert.equal(res.status(), 200);
	assert.match(await page.locator('h1').innerText(), /pharmacy services/);
	assert.deepEqual(failed, []);
	assert.deepEqual(page.consoleErrors, []);

	let total = 0;
	const lines = [];
	for (const [id, r] of responses) {
		const n = bytes.get(id);
		assert.ok(n !== undefined, `${r.url} finished loading`);
		assert.ok(n > 0, `${r.url}: ${n} bytes`);
		total += n;
		lines.push(`  ${String(n).padStart(7)}  ${r.status} ${r.encoding || 'identity'}  ${new URL(r.url).pathname}`);
	}
	console.log(`first visit to ${path}: ${total} bytes in ${responses.size} responses\n${lines.join('\n')}`);

	// What the page is made of came, and compressed: the test measures the real thing.
	const names = [...responses.values()].map((r) => new URL(r.url).pathname);
	for (const file of ['nhsuk-frontend.min.css', 'nhsuk-frontend.min.js', 'app.css', 'app.js']) {
		assert.ok(names.some((n) => n.endsWith(`/${file}`)), `${file} was loaded`);
	}
	const css = [...responses.values()].find((r) => r.url.endsWith('/nhsuk-frontend.min.css'));
	assert.equal(css.encoding, 'br', 'Chromium gets the stylesheet with brotli');
	assert.ok(total < BUDGET, `${total} bytes moved; the budget is ${BUDGET}`);
	await page.context().close();
});
