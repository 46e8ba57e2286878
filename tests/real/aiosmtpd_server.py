#!/usr/bin/env python3
"""A real SMTP server for the integration tests: aiosmtpd on 127.0.0.1, port 0.

usage: aiosmtpd_server.py OUTDIR [MAX_MESSAGES] [TIME_LIMIT_SECONDS]

Prints the port on the first stdout line, stores message N as OUTDIR/msg-N.eml
(the exact bytes received, dot-stuffing removed) and OUTDIR/msg-N.json (envelope),
and exits after MAX_MESSAGES messages (default 1) or TIME_LIMIT seconds (default 20).
"""
import asyncio
import json
import os
import sys

from aiosmtpd.smtp import SMTP


class Store:
    def __init__(self, outdir, max_messages, done):
        self.outdir = outdir
        self.max = max_messages
        self.count = 0
        self.done = done

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        n = self.count
        base = os.path.join(self.outdir, 'msg-%d' % n)
        with open(base + '.eml', 'wb') as f:
            f.write(envelope.original_content or envelope.content)
        with open(base + '.json', 'w') as f:
            json.dump({'mail_from': envelope.mail_from, 'rcpt_tos': envelope.rcpt_tos,
                       'mail_options': envelope.mail_options, 'helo': session.host_name}, f)
        if self.count >= self.max:
            # Leave time for the reply and QUIT before stopping.
            asyncio.get_running_loop().call_later(1.0, self.done.set)
        return '250 2.0.0 Ok: queued as REAL%d' % n


async def main():
    outdir = sys.argv[1]
    max_messages = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    limit = float(sys.argv[3]) if len(sys.argv) > 3 else 20.0
    done = asyncio.Event()
    handler = Store(outdir, max_messages, done)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: SMTP(handler, decode_data=False, enable_SMTPUTF8=True, hostname='real.example'),
        host='127.0.0.1', port=0)
    print(server.sockets[0].getsockname()[1], flush=True)
    try:
        await asyncio.wait_for(done.wait(), timeout=limit)
    except asyncio.TimeoutError:
        print('time limit reached', file=sys.stderr)
    server.close()


if __name__ == '__main__':
    asyncio.run(main())
