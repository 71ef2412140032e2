// browser.mjs - drives Debian's Chromium for the browser tests, and checks pages with axe.
//
// playwright-core brings no browser of its own; it drives Chromium's headless shell from Debian's
// chromium-headless-shell, /usr/lib/chromium/chromium-headless-shell (CHROMIUM_PATH overrides):
// the same Chromium as the chromium package, without the browser's own windows and pages around
// the tab, which in the full browser's headless mode took about as much of the machine again
// (axe finds the same on every page either way).  When it is missing, launchBrowser throws, so
// every browser test fails rather than being skipped.
//
//   const browser = await launchBrowser();
//   const page = await newPage(browser);          // own cookies; records console errors
//   await page.goto(server.url + '/p/abc');
//   await checkAxe(page);                          // throws listing every violation
//   assert.deepEqual(page.consoleErrors, []);
//   await browser.close();
//
//   const off = await newPage(browser, { javaScriptEnabled: false });  // JavaScript off
//   await checkAxe(off);                           // checked through a twin (see axeTwin)
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

// axe as its package builds it for pages: the minified axe.min.js, half the size of the axe.js
// that `import 'axe-core'` gives (its `source` is that), and every byte of it is sent and
// compiled again in each page checked.
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
	'utf8');
// What every frame axe goes into is told: it talks only to frames of its page's own origin.
const AXE_CONFIGURE = "axe.configure({ allowedOrigins: ['<same_origin>'] });";

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ||
	'/usr/lib/chromium/chromium-headless-shell';

// WCAG 2.2 AA, as the NHS service standard asks: axe's tags for each level up to it.
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

// Flags that keep a headless Chromium quiet and able to run as root in a container: no
// sandbox (root cannot use it), no /dev/shm (small in containers), and no calls home.
const CHROMIUM_ARGS = [
	'--no-sandbox',
	'--disable-dev-shm-usage',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
];

export async function launchBrowser(options = {}) {
	if (!existsSync(CHROMIUM_PATH)) {
		throw new Error(`Chromium not found at ${CHROMIUM_PATH}: run scripts/install-deps.sh check`);
	}
	return chromium.launch({
		executablePath: CHROMIUM_PATH,
		args: CHROMIUM_ARGS,
		timeout: 30000,
		...options,
	});
}

// A page in a fresh context (its own cookies and storage).  page.consoleErrors collects
// console errors and uncaught page errors (where CSP violations show up) and sub-resources
// that failed to load; a page that is itself an error (404, 422) adds nothing there.
// options.blockScripts: the page's scripts are not fetched, to see the page as a browser
// without JavaScript does.  options.javaScriptEnabled: false turns JavaScript off in Chromium
// itself, as a person who has switched it off has it; checkAxe then checks such a page through
// a twin (axeTwin below), since axe cannot run where scripts are off.  Other options go to
// browser.newContext (viewport, ...).
export async function newPage(browser, options = {}) {
	const { blockScripts, ...contextOptions } = options;
	const settings = { viewport: { width: 1024, height: 768 }, ...contextOptions };
	const context = await browser.newContext(settings);
	const page = await context.newPage();
	page.consoleErrors = [];
	if (settings.javaScriptEnabled === false) {
		page.twinSettings = { ...settings, javaScriptEnabled: true };
	}
	if (blockScripts) {
		await page.route('**/*', (route) => route.request().resourceType() === 'script' ?
			route.fulfill({ status: 200, contentType: 'text/javascript', body: '' }) :
			route.continue());
	}
	// Chromium logs "Failed to load resource" for every status >= 400, the page itself
	// included, and an error page (404, 422) is often what a test asks for.  So those messages
	// are left out, and failed sub-resources (a missing stylesheet, a blocked script) are
	// recorded from the network instead, with their URL.
	page.on('console', (msg) => {
		if (msg.type() !== 'error') return;
		if (msg.text().startsWith('Failed to load resource')) return;
		page.consoleErrors.push(msg.text());
	});
	page.on('pageerror', (err) => page.consoleErrors.push(String(err)));
	page.on('response', (res) => {
		if (res.status() >= 400 && !res.request().isNavigationRequest()) {
			page.consoleErrors.push(`${res.status()} ${res.url()}`);
		}
	});
	page.on('requestfailed', (req) => {
		const why = req.failure()?.errorText || 'failed';
		// Leaving a page cancels what it was still loading (ERR_ABORTED): not a fault.
		if (req.isNavigationRequest() || why === 'net::ERR_ABORTED') return;
		// With JavaScript off, Chromium refuses to fetch scripts at all (a modulepreload too,
		// reported as "csp"): what the page is for a person who has switched it off.
		if (page.twinSettings && req.resourceType() === 'script') return;
		page.consoleErrors.push(`${why} ${req.url()}`);
	});
	return page;
}

// axe is itself a script, and in a page with JavaScript off its timers never fire, so it never
// finishes.  Such a page is checked through its twin: a page in a context of its own with the
// same settings but JavaScript on for axe alone, given the same URL and, for it, the document
// exactly as it stands in the original (page.content(): whatever the server sent, as Chromium
// built it with scripts off).  None of the page's scripts run in the twin (its policy allows
// none: axe comes in through the DevTools protocol, as in any page), as none ran in the
// original, and its stylesheets, images and fonts come from the server as the original's did,
// so axe sees what the person sees.  The twin ends with the original's context.  Every
// document of the twin is for axe, so axe is put in as each begins, without a round trip.
async function axeTwin(page) {
	if (!page.twin) {
		const context = await page.context().browser().newContext(page.twinSettings);
		await context.addInitScript({ content: `${AXE_SOURCE}\n;${AXE_CONFIGURE}` });
		const twin = await context.newPage();
		await twin.route('**/*', (route) => {
			const req = route.request();
			if (req.isNavigationRequest() && req.frame() === twin.mainFrame()) {
				return route.fulfill({
					status: 200,
					contentType: 'text/html; charset=utf-8',
					headers: { 'Content-Security-Policy': "script-src 'none'" },
					body: twin.document,
				});
			}
			return route.continue();
		});
		page.context().once('close', () => context.close().catch(() => {}));
		page.twin = twin;
	}
	page.twin.document = await page.content();
	await page.twin.goto(page.url().replace(/#.*/, ''));
	return page.twin;
}

// axe into every frame of the page that does not have it yet (a new document).  Sent and
// compiled once per document, not twice per check with a blank page to finish in (as
// @axe-core/playwright's AxeBuilder did, used here before), a check costs a third of the time.
// A frame that cannot be reached (gone, or of another origin) is left out, as axe leaves it.
async function injectAxe(page) {
	for (const frame of page.frames()) {
		try {
			if (await frame.evaluate(() => typeof window.axe?.run === 'function')) continue;
			await frame.evaluate(`${AXE_SOURCE}\n;${AXE_CONFIGURE}`);
		} catch (err) {
			if (frame === page.mainFrame()) throw err;
		}
	}
}

// Runs axe on the page as it is now.  Resolves with axe's results when there is no
// violation; otherwise throws an Error whose message lists each rule broken and where.
// options.exclude: selectors to leave out; options.disableRules: rule ids to switch off
// (say why beside the call).  A page with JavaScript off is checked through its twin.
// axe.run in the page, with the rules of AXE_TAGS, is AxeBuilder's legacy mode; its default
// mode (each frame on its own, the results put together in a blank page) found exactly the same
// on every page the browser tests check, which have no frames of another origin.
export async function checkAxe(page, options = {}) {
	const target = page.twinSettings ? await axeTwin(page) : page;
	const runOptions = { runOnly: { type: 'tag', values: AXE_TAGS } };
	if (options.disableRules && options.disableRules.length) {
		runOptions.rules = Object.fromEntries(options.disableRules.map((id) =>
			[id, { enabled: false }]));
	}
	const context = { include: [], exclude: [...(options.exclude || [])] };
	await injectAxe(target);
	const { error, results } = await target.evaluate(({ context, options }) =>
		window.axe.run(context, options).then((results) => ({ error: null, results }),
			(err) => ({ error: err.message, results: null })), { context, options: runOptions });
	if (error) throw new Error(`axe could not check ${page.url()}: ${error}`);
	if (results.violations.length > 0) {
		throw new Error(`axe: ${results.violations.length} accessibility violation(s) on ` +
			`${page.url()}\n${formatViolations(results.violations)}`);
	}
	return results;
}

// Console errors other than the browser's note of a 4xx reply, which error pages and refused
// forms give on purpose: a CSP violation or a script error.
export function scriptErrors(page) {
	return page.consoleErrors.filter((e) =>
		!/^Failed to load resource: the server responded with a status of 4\d\d/.test(e));
}

export function formatViolations(violations) {
	const lines = [];
	for (const v of violations) {
		lines.push(`- ${v.id} (${v.impact || 'unknown impact'}): ${v.help}`);
		lines.push(`  ${v.helpUrl}`);
		for (const node of v.nodes.slice(0, 10)) {
			lines.push(`    at ${node.target.join(' ')}`);
			lines.push(`      ${node.html.slice(0, 200)}`);
			if (node.failureSummary) {
				for (const s of node.failureSummary.split('\n')) lines.push(`      ${s}`);
			}
		}
		if (v.nodes.length > 10) lines.push(`    ... and ${v.nodes.length - 10} more`);
	}
	return lines.join('\n');
}
