#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# lkl-uk-peer.py send HOST PORT BYTES   send BYTES of the test stream to the
#                                       unikernel's TCP test server, which
#                                       answers with the length and CRC-32
#                                       it received; they must match
# lkl-uk-peer.py recv HOST PORT BYTES   have it send BYTES of the stream and
#                                       check the length and CRC-32
# lkl-uk-peer.py rtt HOST PORT COUNT    COUNT 1-byte round trips through its
#                                       echo; prints the median in us
# lkl-uk-peer.py serve PORT COUNT       the same server natively (the
#                                       reference peer of the benchmark)
#
# The protocol and the test stream are described in
# tools/lkl/unikernel/tcptest.c. Each command prints one line starting
# with "# " and, for send and recv, the throughput; the exit status is 0
# when the data came through intact, 1 otherwise, 2 for bad usage.
import socket
import statistics
import struct
import sys
import time
import zlib

BLOCK = 4096
PAD = bytes((131 * j + 7) & 0xff for j in range(8, BLOCK))
TIMEOUT = 60


def stream(length):
    """The test stream, in chunks of up to 64 KiB."""
    off = 0
    while off < length:
        chunk = b''.join(struct.pack('<Q', k) + PAD
                         for k in range(off // BLOCK, off // BLOCK + 16))
        chunk = chunk[:min(len(chunk), length - off)]
        yield chunk
        off += len(chunk)


def stream_crc(length):
    crc = 0
    for chunk in stream(length):
        crc = zlib.crc32(chunk, crc)
    return crc


def connect(host, port):
    sock = socket.create_connection((host, port), timeout=TIMEOUT)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


def recv_all(sock):
    """Everything up to the end of the stream: its length and CRC-32."""
    total, crc = 0, 0
    while True:
        data = sock.recv(1 << 16)
        if not data:
            return total, crc
        total += len(data)
        crc = zlib.crc32(data, crc)


def rate(length, secs):
    return f'{length * 8 / secs / 1e6:.1f} Mbit/s' if secs > 0 else '-'


def cmd_send(host, port, length):
    sock = connect(host, port)
    t0 = time.monotonic()
    sock.sendall(b'R')
    crc = 0
    for chunk in stream(length):
        crc = zlib.crc32(chunk, crc)
        sock.sendall(chunk)
    sock.shutdown(socket.SHUT_WR)
    reply = b''
    while not reply.endswith(b'\n'):
        data = sock.recv(64)
        if not data:
            break
        reply += data
    secs = time.monotonic() - t0
    sock.close()
    want = f'{length} {crc:08x}'
    got = reply.decode(errors='replace').strip()
    print(f'# send: {length} bytes in {secs:.2f} s, {rate(length, secs)};'
          f' sent {want}, the peer got {got or "nothing"}')
    return got == want


def cmd_recv(host, port, length):
    sock = connect(host, port)
    t0 = time.monotonic()
    sock.sendall(b'S%d\n' % length)
    total, crc = recv_all(sock)
    secs = time.monotonic() - t0
    sock.close()
    want = stream_crc(length)
    print(f'# recv: {total} bytes in {secs:.2f} s, {rate(total, secs)};'
          f' crc32 {crc:08x}, the stream\'s {want:08x}')
    return total == length and crc == want


def cmd_rtt(host, port, count):
    sock = connect(host, port)
    sock.sendall(b'P')
    times = []
    for _ in range(count):
        t0 = time.monotonic()
        sock.sendall(b'x')
        if sock.recv(1) != b'x':
            print('# rtt: the echo broke off')
            return False
        times.append(time.monotonic() - t0)
    sock.close()
    print(f'# rtt: {count} round trips, median {statistics.median(times) * 1e6:.1f} us,'
          f' min {min(times) * 1e6:.1f} us')
    return True


def serve_one(conn):
    cmd = conn.recv(1)
    if cmd == b'R':
        total, crc = recv_all(conn)
        conn.sendall(f'{total} {crc:08x}\n'.encode())
    elif cmd == b'S':
        line = b''
        while not line.endswith(b'\n'):
            data = conn.recv(1)
            if not data:
                return
            line += data
        for chunk in stream(int(line)):
            conn.sendall(chunk)
    elif cmd == b'P':
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        while True:
            data = conn.recv(1 << 16)
            if not data:
                return
            conn.sendall(data)


def cmd_serve(port, count):
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(('0.0.0.0', port))
    srv.listen(4)
    srv.settimeout(TIMEOUT)
    print(f'# tcptest: listening on port {port}', flush=True)
    for _ in range(count):
        conn, _ = srv.accept()
        conn.settimeout(TIMEOUT)
        with conn:
            serve_one(conn)
    return True


def main(argv):
    try:
        if argv[1] in ('send', 'recv', 'rtt') and len(argv) == 5:
            fn = {'send': cmd_send, 'recv': cmd_recv, 'rtt': cmd_rtt}[argv[1]]
            ok = fn(argv[2], int(argv[3]), int(argv[4]))
        elif argv[1] == 'serve' and len(argv) == 4:
            ok = cmd_serve(int(argv[2]), int(argv[3]))
        else:
            raise IndexError
    except (IndexError, ValueError):
        print('usage: lkl-uk-peer.py send|recv|rtt HOST PORT N, or serve PORT COUNT',
              file=sys.stderr)
        return 2
    except OSError as err:
        print(f'# {argv[1]}: {err}')
        return 1
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main(sys.argv))
