// The codes of an authenticator app (RFC 6238: HMAC-SHA1, 6 digits, 30 s), for tests that set
// up and use a second factor as a person with a phone would.
//
//   const secret = secretFromPage(html);        // the key the setup page shows for typing
//   const code = totpCode(secret);              // what the app shows now
//   const next = totpCode(secret, { steps: 1 }) // what it shows in the next 30 s
import { createHmac } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export function base32Decode(text) {
	const clean = text.replace(/[\s=]/g, '').toUpperCase();
	let bits = 0;
	let value = 0;
	const out = [];
	for (const ch of clean) {
		const v = ALPHABET.indexOf(ch);
		if (v < 0) throw new Error(`not base32: ${ch}`);
		value = (value << 5) | v;
		bits += 5;
		if (bits >= 8) {
			out.push((value >>> (bits - 8)) & 0xff);
			bits -= 8;
		}
	}
	return Buffer.from(out);
}

export function totpCode(secret, { at = Date.now() / 1000, steps = 0 } = {}) {
	const counter = Math.floor(at / 30) + steps;
	const msg = Buffer.alloc(8);
	msg.writeBigUInt64BE(BigInt(counter));
	const h = createHmac('sha1', base32Decode(secret)).update(msg).digest();
	const o = h[h.length - 1] & 15;
	const n = (h.readUInt32BE(o) & 0x7fffffff) % 1000000;
	return String(n).padStart(6, '0');
}

// The key the two-step setup page shows, for typing into an app.
export function secretFromPage(html) {
	const m = /class="app-secret"><code>([A-Z2-7 ]+)<\/code>/.exec(html);
	if (!m) throw new Error('the page shows no key to type');
	return m[1];
}
