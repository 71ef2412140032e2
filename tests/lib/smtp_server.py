#!/usr/bin/env python3
"""smtp_server.py - a real SMTP server for the mail tests (Debian's python3-aiosmtpd).

    smtp_server.py --port PORT --dir DIR [--delay MS] [--hang SECONDS]

Listens on 127.0.0.1:PORT and takes every message.  Each one it takes is written to DIR as
NNNN.json (written under another name and then renamed, so a reader never sees half a
file): the envelope (mail_from, rcpt_tos), the raw message, and what Python's email package
reads from it (the headers decoded, the body decoded from its transfer encoding and charset).
--delay waits MS milliseconds before taking each message, so that a test can have several
senders compete; --hang takes a message whose subject contains "[hang]" at once but waits
SECONDS before replying, so that a test can stop the sender while it waits for the reply to
the message's end.  It offers AUTH without TLS (and no STARTTLS) and refuses every attempt, writing each to
DIR/../auth.log (mechanism and user), so that a test can see whether a client ever sent a
password in clear.  Prints "ready" on standard output once it listens; stops on SIGTERM or
SIGINT.
"""
import argparse
import asyncio
import json
import os
import signal
import threading

from email import policy
from email.parser import BytesParser

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult


class Keeper:
    def __init__(self, folder, delay_ms, hang_s):
        self.folder = folder
        self.delay = delay_ms / 1000.0
        self.hang = hang_s
        self.lock = threading.Lock()
        self.count = 0

    def write(self, envelope):
        raw = envelope.original_content or envelope.content
        if isinstance(raw, str):
            raw = raw.encode('utf-8')
        msg = BytesParser(policy=policy.default).parsebytes(raw)
        record = {
            'mail_from': envelope.mail_from,
            'rcpt_tos': list(envelope.rcpt_tos),
            'raw': raw.decode('utf-8', errors='replace'),
            'headers': {k.lower(): str(v) for k, v in msg.items()},
            'content_type': msg.get_content_type(),
            'charset': msg.get_content_charset(),
            'transfer_encoding': msg.get('Content-Transfer-Encoding', ''),
            'body': msg.get_content(),
            'defects': [str(d) for d in msg.defects],
        }
        with self.lock:
            self.count += 1
            name = '%04d.json' % self.count
        tmp = os.path.join(self.folder, '.' + name + '.tmp')
        with open(tmp, 'w', encoding='utf-8') as f:
            json.dump(record, f)
        os.rename(tmp, os.path.join(self.folder, name))

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content or b''
        if self.hang and b'[hang]' in raw:
            # Taken, and the reply slow to come: the sender may be gone before it does (and
            # then this coroutine is cancelled, but the message is kept).
            self.write(envelope)
            await asyncio.sleep(self.hang)
            return '250 Message accepted for delivery'
        if self.delay:
            await asyncio.sleep(self.delay)
        self.write(envelope)
        return '250 Message accepted for delivery'


class AuthLog:
    """Refuses every sign-in, and notes that one was tried."""

    def __init__(self, path):
        self.path = path

    def __call__(self, server, session, envelope, mechanism, auth_data):
        login = getattr(auth_data, 'login', b'') or b''
        with open(self.path, 'a', encoding='utf-8') as f:
            f.write('%s %s\n' % (mechanism, login.decode('utf-8', errors='replace')))
        return AuthResult(success=False, handled=False)


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--port', type=int, required=True)
    p.add_argument('--dir', required=True)
    p.add_argument('--delay', type=int, default=0)
    p.add_argument('--hang', type=float, default=0)
    a = p.parse_args()
    os.makedirs(a.dir, exist_ok=True)
    controller = Controller(Keeper(a.dir, a.delay, a.hang), hostname='127.0.0.1', port=a.port,
                            decode_data=False, auth_require_tls=False,
                            authenticator=AuthLog(os.path.join(os.path.dirname(a.dir),
                                                               'auth.log')))
    controller.start()
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    print('ready', flush=True)
    stop.wait()
    controller.stop()


if __name__ == '__main__':
    main()
