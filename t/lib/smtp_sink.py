#!/usr/bin/python3
"""A real SMTP peer for the alert tests: stores every message it accepts, with its envelope,
as one JSON file in a directory (name: arrival order), and offers no STARTTLS.

    smtp_sink.py --port N --dir D [--text]   (listens on 127.0.0.1 until SIGTERM)

--text also writes each message as NNNNNN.txt, decoded for a person to read (the demo's
mailbox): envelope, From, To, Subject and the body in UTF-8.
"""
import argparse
import email
import email.policy
import json
import os
import signal
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP


def readable(envelope):
    msg = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
    body = msg.get_body(preferencelist=('plain',))
    lines = ['Sobre (SMTP): de %s para %s' % (envelope.mail_from, ', '.join(envelope.rcpt_tos)),
             'De: %s' % msg.get('From', ''), 'Para: %s' % msg.get('To', ''),
             'Fecha: %s' % msg.get('Date', ''), 'Asunto: %s' % msg.get('Subject', ''), '',
             body.get_content() if body is not None else '']
    return '\n'.join(lines)


class Store:
    def __init__(self, directory, text=False):
        self.dir = directory
        self.text = text
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            n = len([f for f in os.listdir(self.dir) if f.endswith('.json')])
            tmp = os.path.join(self.dir, '.%06d.tmp' % n)
            with open(tmp, 'w', encoding='utf-8') as f:
                json.dump({
                    'mail_from': envelope.mail_from,
                    'rcpt_tos': envelope.rcpt_tos,
                    'peer': session.peer[0] if session.peer else '',
                    # the message is 7-bit by design; latin-1 keeps any byte as it came
                    'data': envelope.original_content.decode('latin-1'),
                }, f)
            if self.text:
                with open(os.path.join(self.dir, '%06d.txt' % n), 'w', encoding='utf-8') as f:
                    f.write(readable(envelope))
            os.rename(tmp, os.path.join(self.dir, '%06d.json' % n))
        return '250 OK stored'


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--port', type=int, required=True)
    ap.add_argument('--dir', required=True)
    ap.add_argument('--text', action='store_true')
    a = ap.parse_args()
    os.makedirs(a.dir, exist_ok=True)
    c = Controller(Store(a.dir, a.text), hostname='127.0.0.1', port=a.port,
                   server_hostname='sink.test', ready_timeout=10)
    c.start()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    print('ready', flush=True)
    stop.wait()
    c.stop()


if __name__ == '__main__':
    main()
