// Signing in safely, in Chromium with JavaScript off, as staff do it with a browser: setting up
// two-step verification when the organisation requires it, signing in with the app's code or a
// recovery code (each works once), the page after too many wrong passwords, an administrator
// disabling an account (its open session ends at once; the last administrator cannot be
// disabled), and the setting of whom two-step verification is required.  axe (WCAG 2.2 AA)
// checks every page on the way.
//
// The tests run in order and share the organisations below: NHS Bury requires two-step
// verification of administrators, and its administrator sets it up in the first test and signs
// in with it in later ones; NHS Leeds requires it of nobody.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { checkAxe, launchBrowser, newPage } from '../lib/browser.mjs';
import { STAFF_PASSWORD, createOrg, makeStaff } from '../lib/fixtures.mjs';
import { startServer } from '../lib/server.mjs';
import { secretFromPage, totpCode } from '../lib/totp.mjs';

const BURY_ADMIN = 'admin@bury.example';
const BURY_OFFICER = 'officer@bury.example';
const LEEDS_ADMIN = 'admin@leeds.example';
const LEEDS_LEAVER = 'leaver@leeds.example';
const LEEDS_FORGETFUL = 'forgetful@leeds.example';
const WRONG_PASSWORD = 'not the password at all';
const NOT_CORRECT = 'The email address or password is not correct';

let server;
let browser;
// What Bury's administrator keeps after setting up two-step verification: the key their app
// holds, and their recovery codes (used up from the front).
const buryAdmin = { secret: null, recoveryCodes: [] };

before(async () => {
	server = await startServer();
	await createOrg(server, 'bury', 'NHS Bury', 'administrators');
	await makeStaff(server, { org: 'bury', email: BURY_ADMIN, role: 'administrator' });
	await makeStaff(server, { org: 'bury', email: BURY_OFFICER, role: 'engagement_officer' });
	await createOrg(server, 'leeds', 'NHS Leeds', 'none');
	await makeStaff(server, { org: 'leeds', email: LEEDS_ADMIN, role: 'administrator' });
	await makeStaff(server, { org: 'leeds', email: LEEDS_LEAVER, role: 'engagement_officer' });
	await makeStaff(server, { org: 'leeds', email: LEEDS_FORGETFUL, role: 'engagement_officer' });
	browser = await launchBrowser();
});

after(async () => {
	await browser?.close();
	await server?.stop();
});

// ---- helpers ----------------------------------------------------------------------------

// A page of its own (own cookies) in a browser with JavaScript switched off.
const openPage = () => newPage(browser, { javaScriptEnabled: false });

const pathOf = (page) => new URL(page.url()).pathname;

// The page's heading as it reads aloud: a caption before it is followed by " - ".
const heading = async (page) => (await page.locator('h1').innerText()).replace(/\s+/g, ' ').trim();

// Goes to path; resolves the response (after any redirects).
const visit = (page, path) => page.goto(server.url + path);

// Clicks what `target` finds (a button or a link) and resolves the response to the navigation
// it starts: for a form, the last after any redirects.
async function press(page, target) {
	const [res] = await Promise.all([page.waitForNavigation(), target.click()]);
	return res;
}

const pressButton = (page, name) => press(page, page.getByRole('button', { name, exact: true }));

// The text of the NHS.UK error summary, after checking what comes with one: the page's title
// starts "Error: ", and each of its links leads to something on the page.
async function errorSummary(page) {
	const summary = page.locator('.nhsuk-error-summary');
	assert.equal(await summary.count(), 1, `an error summary on ${page.url()}`);
	assert.match(await page.title(), /^Error: /);
	const links = await summary.locator('a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
	for (const href of links) {
		assert.match(href, /^#./, 'the summary links within the page');
		assert.equal(await page.locator(href).count(), 1, `${href} leads to a field on the page`);
	}
	return summary.innerText();
}

// The password step of signing in, from the sign-in page (checked with axe); resolves the
// response the browser ends on.
async function enterPassword(page, email, password = STAFF_PASSWORD) {
	const res = await visit(page, '/staff/login');
	assert.equal(res.status(), 200);
	await checkAxe(page);
	await page.getByLabel('Email address').fill(email);
	await page.getByLabel('Password').fill(password);
	return pressButton(page, 'Sign in');
}

// Signs in with a password where no second factor is asked for; ends on the dashboard.
async function signIn(page, email) {
	const res = await enterPassword(page, email);
	assert.equal(res.status(), 200);
	assert.equal(pathOf(page), '/staff/');
}

// The security code step; resolves the response.
async function enterCode(page, code) {
	assert.equal(pathOf(page), '/staff/login/code');
	await page.getByLabel('Security code').fill(code);
	return pressButton(page, 'Continue');
}

// Signs Bury's administrator in with their password and then `code`; resolves the response to
// the code.
async function signInWithCode(page, code) {
	const res = await enterPassword(page, BURY_ADMIN);
	assert.equal(res.status(), 200);
	assert.equal(pathOf(page), '/staff/login/code', 'a code is asked for after the password');
	assert.ok((await page.locator('main').innerText()).includes(`You are signing in as ${BURY_ADMIN}`));
	await checkAxe(page);
	return enterCode(page, code);
}

// With the Sign out button in the page's header; ends on the sign-in page.
async function signOut(page) {
	const header = page.getByRole('navigation', { name: 'Account' });
	const res = await press(page, header.getByRole('button', { name: 'Sign out' }));
	assert.equal(res.status(), 200);
	assert.equal(pathOf(page), '/staff/login');
}

async function onDashboard(page, res, org) {
	assert.equal(res.status(), 200);
	assert.equal(pathOf(page), '/staff/');
	assert.equal(await heading(page), `${org} - Polls`);
	await checkAxe(page);
}

// Every page loaded all it asked for (no stylesheet, image or font failed); then closes them.
async function finish(...pages) {
	for (const page of pages) {
		assert.deepEqual(page.consoleErrors, [], `what ${page.url()} loaded`);
		await page.context().close();
	}
}

// A six-digit code that the app shows at no time near now.
function wrongCode(secret) {
	const near = [-1, 0, 1, 2].map((steps) => totpCode(secret, { steps }));
	for (let n = 123456; ; n++) {
		const code = String(n).padStart(6, '0');
		if (!near.includes(code)) return code;
	}
}

// ---- two-step verification --------------------------------------------------------------

test('an administrator sets up two-step verification when the organisation requires it', async () => {
	const page = await openPage();
	const res = await enterPassword(page, BURY_ADMIN);
	assert.equal(res.status(), 200);
	assert.equal(pathOf(page), '/staff/account/two-step', 'sent to set up a second factor first');
	assert.equal(await heading(page), 'Set up two-step verification');
	assert.match(await page.locator('.nhsuk-inset-text').innerText(),
		/Your organisation asks everyone in your role to use two-step verification/);
	// JavaScript is off: the script that starts the NHS.UK frontend has not run.
	const started = await page.evaluate(() => document.body.classList.contains('nhsuk-frontend-supported'));
	assert.equal(started, false);
	const qr = page.locator('.app-qr svg[role="img"]');
	assert.equal(await qr.count(), 1, 'a QR code to scan');
	assert.ok((await qr.getAttribute('aria-label')).length > 0, 'the QR code has a text equivalent');
	await checkAxe(page);

	// Anything else in the staff pages waits until it is set up.
	assert.equal((await visit(page, '/staff/polls/new')).status(), 200);
	assert.equal(pathOf(page), '/staff/account/two-step');

	const secret = secretFromPage(await page.content());
	assert.equal(await page.locator('.app-secret').innerText(), secret, 'the key is shown as text');

	// A wrong code: the error summary, and the same key to try again with.
	await page.getByLabel('Security code').fill(wrongCode(secret));
	const wrong = await pressButton(page, 'Turn on two-step verification');
	assert.equal(wrong.status(), 422);
	assert.match(await errorSummary(page), /The code is not correct/);
	assert.match(await page.locator('#code-error').innerText(), /The code is not correct/);
	assert.equal(secretFromPage(await page.content()), secret, 'the same key, still to be confirmed');
	await checkAxe(page);

	await page.getByLabel('Security code').fill(totpCode(secret));
	const done = await pressButton(page, 'Turn on two-step verification');
	assert.equal(done.status(), 200);
	assert.equal(await heading(page), 'Save your recovery codes');
	assert.match(await page.locator('.nhsuk-notification-banner').innerText(),
		/Two-step verification is on/);
	const codes = await page.locator('.app-recovery-codes code').allInnerTexts();
	assert.equal(codes.length, 10);
	for (const code of codes) assert.match(code, /^[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}$/);
	assert.equal(new Set(codes).size, 10, 'ten different codes');
	await checkAxe(page);
	buryAdmin.secret = secret;
	buryAdmin.recoveryCodes = codes;

	// Saved: on to the polls, and the account page says it is on.
	const saved = await press(page, page.getByRole('button', { name: 'I have saved my codes' }));
	await onDashboard(page, saved, 'NHS Bury');
	assert.equal((await visit(page, '/staff/account/two-step')).status(), 200);
	assert.equal(await heading(page), 'Two-step verification');
	assert.match(await page.locator('main').innerText(), /You have 10 unused recovery codes/);
	await checkAxe(page);
	await signOut(page);
	await finish(page);
});

test('signing in asks for the app\'s code, and each code works once', async () => {
	assert.ok(buryAdmin.secret, 'two-step verification was set up');
	const page = await openPage();
	// The code the app shows next: the one it showed while setting up has been used.
	const code = totpCode(buryAdmin.secret, { steps: 1 });
	await onDashboard(page, await signInWithCode(page, code), 'NHS Bury');
	await signOut(page);

	// Signed out, the staff pages ask to sign in.
	await visit(page, '/staff/');
	assert.equal(pathOf(page), '/staff/login');

	const again = await signInWithCode(page, code);
	// Still a code of the steps the server accepts now, so it is refused for being used.
	const current = [-1, 0, 1].map((steps) => totpCode(buryAdmin.secret, { steps }));
	assert.ok(current.includes(code), 'the code has not yet expired');
	assert.equal(again.status(), 422);
	assert.equal(pathOf(page), '/staff/login/code');
	assert.match(await errorSummary(page), /has been used/);
	await checkAxe(page);
	// Not signed in: the dashboard still asks for the code.
	await visit(page, '/staff/');
	assert.equal(pathOf(page), '/staff/login/code');

	const cancel = await pressButton(page, 'Cancel and sign out');
	assert.equal(cancel.status(), 200);
	assert.equal(pathOf(page), '/staff/login');
	await visit(page, '/staff/');
	assert.equal(pathOf(page), '/staff/login', 'cancelling signed the browser out');
	await finish(page);
});

test('a recovery code signs in instead of the app\'s code, once', async () => {
	assert.equal(buryAdmin.recoveryCodes.length, 10, 'the recovery codes were saved');
	const page = await openPage();
	const code = buryAdmin.recoveryCodes.shift();
	await onDashboard(page, await signInWithCode(page, code), 'NHS Bury');
	await visit(page, '/staff/account/two-step');
	assert.match(await page.locator('main').innerText(), /You have 9 unused recovery codes/);
	await signOut(page);

	// Typed in capitals and without its hyphens, it is still the code used already.
	const again = await signInWithCode(page, code.replace(/-/g, '').toUpperCase());
	assert.equal(again.status(), 422);
	assert.match(await errorSummary(page), /has been used/);
	await checkAxe(page);
	await pressButton(page, 'Cancel and sign out');
	await finish(page);
});

// ---- too many attempts ------------------------------------------------------------------

test('after five wrong passwords the sixth attempt waits, until the throttle is lifted', async () => {
	const page = await openPage();
	// Each refusal keeps the email typed; the password is typed again on the same page.
	let res = await enterPassword(page, LEEDS_FORGETFUL, WRONG_PASSWORD);
	for (let i = 1; i <= 5; i++) {
		if (i > 1) {
			await page.getByLabel('Password').fill(WRONG_PASSWORD);
			res = await pressButton(page, 'Sign in');
		}
		assert.equal(res.status(), 422, `wrong password ${i}`);
		assert.match(await errorSummary(page), new RegExp(NOT_CORRECT));
		assert.equal(await page.getByLabel('Email address').inputValue(), LEEDS_FORGETFUL);
	}
	await checkAxe(page);

	// The right password now waits too, and the page says until when.
	await page.getByLabel('Password').fill(STAFF_PASSWORD);
	res = await pressButton(page, 'Sign in');
	assert.equal(res.status(), 429);
	assert.equal(pathOf(page), '/staff/login');
	const wait = Number(res.headers()['retry-after']);
	assert.ok(wait > 10 * 60 && wait <= 15 * 60, `Retry-After: ${wait}`);
	const summary = await errorSummary(page);
	assert.match(summary, /There have been too many attempts to sign in to this account/);
	const minutes = Math.ceil(wait / 60);
	const when = String.raw`\d{1,2} \w+ \d{4} at \d{1,2}(:\d\d)?(am|pm)`;
	assert.match(summary, new RegExp(`Try again after ${when} \\(in ${minutes} minutes\\)`));
	assert.equal(await page.getByLabel('Email address').inputValue(), LEEDS_FORGETFUL);
	await checkAxe(page);
	await visit(page, '/staff/');
	assert.equal(pathOf(page), '/staff/login', 'not signed in');

	const r = await server.cli(['user', 'unblock', '--email', LEEDS_FORGETFUL]);
	assert.equal(r.code, 0, r.stderr);
	await signIn(page, LEEDS_FORGETFUL);
	await checkAxe(page);
	await finish(page);
});

// ---- accounts ---------------------------------------------------------------------------

// Follows the link to `email` on the staff page, from there "Disable this account", and
// resolves the confirmation page's response.
async function openDisable(admin, email) {
	assert.equal((await visit(admin, '/staff/users')).status(), 200);
	await checkAxe(admin);
	const user = await press(admin, admin.getByRole('link', { name: email, exact: true }));
	assert.equal(user.status(), 200);
	assert.match(pathOf(admin), /^\/staff\/users\/\d+$/);
	assert.equal(await heading(admin), `Staff - ${email}`);
	await checkAxe(admin);
	const confirm = await press(admin, admin.getByRole('link', { name: 'Disable this account' }));
	assert.equal(confirm.status(), 200);
	assert.match(pathOf(admin), /^\/staff\/users\/\d+\/disable$/);
	assert.equal(await heading(admin), `${email} - Disable this account?`);
	await checkAxe(admin);
	return confirm;
}

test('an administrator disables an account, and its open session ends at once', async () => {
	// The leaver is signed in, in a browser of their own.
	const leaver = await openPage();
	await signIn(leaver, LEEDS_LEAVER);

	const admin = await openPage();
	await signIn(admin, LEEDS_ADMIN);
	await openDisable(admin, LEEDS_LEAVER);
	const done = await pressButton(admin, 'Disable account');
	assert.equal(done.status(), 200);
	assert.match(pathOf(admin), /^\/staff\/users\/\d+$/);
	assert.match(await admin.locator('.nhsuk-notification-banner').innerText(),
		/The account has been disabled/);
	assert.match(await admin.locator('.nhsuk-summary-list').innerText(), /Disabled: cannot sign in/);
	await checkAxe(admin);
	await visit(admin, '/staff/users');
	const row = admin.getByRole('row').filter({ hasText: LEEDS_LEAVER });
	assert.match(await row.innerText(), /Disabled/);

	// The leaver's next page asks them to sign in, and their password no longer works: they are
	// told just what a wrong password would tell them.
	const next = await visit(leaver, '/staff/');
	assert.equal(next.status(), 200);
	assert.equal(pathOf(leaver), '/staff/login');
	const refused = await enterPassword(leaver, LEEDS_LEAVER);
	assert.equal(refused.status(), 422);
	const disabledSays = await errorSummary(leaver);
	assert.match(disabledSays, new RegExp(NOT_CORRECT));
	await checkAxe(leaver);
	await enterPassword(leaver, LEEDS_LEAVER, WRONG_PASSWORD);
	assert.equal(await errorSummary(leaver), disabledSays);
	await finish(leaver, admin);
});

test('the last administrator cannot disable their own account', async () => {
	const admin = await openPage();
	await signIn(admin, LEEDS_ADMIN);
	await openDisable(admin, LEEDS_ADMIN);
	const refused = await pressButton(admin, 'Disable account');
	assert.equal(refused.status(), 409);
	assert.match(await errorSummary(admin), /is the organisation's only administrator/);
	await checkAxe(admin);

	// Still an administrator who can sign in.
	await visit(admin, '/staff/users');
	const row = admin.getByRole('row').filter({ hasText: LEEDS_ADMIN });
	assert.match(await row.innerText(), /Can sign in/);
	await finish(admin);
});

// ---- the organisation's settings --------------------------------------------------------

test('when everyone must use two-step verification, an officer is sent to set it up', async () => {
	const admin = await openPage();
	const code = buryAdmin.recoveryCodes.shift();
	assert.ok(code, 'a recovery code is left');
	await onDashboard(admin, await signInWithCode(admin, code), 'NHS Bury');

	assert.equal((await visit(admin, '/staff/settings')).status(), 200);
	await checkAxe(admin);
	const policy = admin.getByRole('group', { name: 'Who must use two-step verification?' });
	assert.equal(await policy.getByLabel('Administrators').isChecked(), true, 'as it is now');
	await policy.getByLabel('Everyone').check();
	const saved = await pressButton(admin, 'Save settings');
	assert.equal(saved.status(), 200);
	assert.equal(pathOf(admin), '/staff/users');
	assert.match(await admin.locator('.nhsuk-notification-banner').innerText(),
		/The settings have been saved/);
	assert.match(await admin.locator('main').innerText(),
		/Two-step verification is required of: Everyone/);
	await checkAxe(admin);

	const officer = await openPage();
	const res = await enterPassword(officer, BURY_OFFICER);
	assert.equal(res.status(), 200);
	assert.equal(pathOf(officer), '/staff/account/two-step');
	assert.match(await officer.locator('.nhsuk-inset-text').innerText(),
		/Your organisation asks everyone in your role to use two-step verification/);
	assert.equal(await officer.locator('.app-qr svg[role="img"]').count(), 1);
	await checkAxe(officer);
	await visit(officer, '/staff/');
	assert.equal(pathOf(officer), '/staff/account/two-step', 'nothing else until it is set up');
	await finish(officer, admin);
});
