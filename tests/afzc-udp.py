#! /usr/bin/env python3
# afzc-udp.py -- sends or counts numbered UDP datagrams, for the checksum
# tests.
#
#   afzc-udp.py recv ADDRESS PORT COUNT SECONDS
#       Binds ADDRESS:PORT, prints "ready", then receives until COUNT
#       distinct datagrams arrived or SECONDS passed, and prints
#       "received N" (datagrams that the kernel took, i.e. whose checksum
#       verified, with the expected content).
#   afzc-udp.py send ADDRESS PORT COUNT SIZE [GSO-SEGMENTS]
#       Sends COUNT datagrams of SIZE bytes to ADDRESS:PORT, numbered from
#       0.  With GSO-SEGMENTS, sends them GSO-SEGMENTS at a time in one
#       sendmsg() with the UDP_SEGMENT option (UDP GSO, Linux 4.18 and
#       later), so that the kernel or the device cuts them apart.
#
# Licensed under the Apache License, Version 2.0.

import socket
import struct
import sys
import time

UDP_SEGMENT = 103               # From <linux/udp.h>.


def payload(seq, size):
    """Returns datagram 'seq' of 'size' bytes: its number, then bytes that
    depend on it, so that a datagram cut or mixed up does not count."""
    head = struct.pack("!I", seq)
    body = bytes((seq + i) & 0xff for i in range(size - len(head)))
    return head + body


def family_of(address):
    return socket.AF_INET6 if ":" in address else socket.AF_INET


def recv(address, port, count, seconds):
    s = socket.socket(family_of(address), socket.SOCK_DGRAM)
    # Room for every datagram, so that a receiver that is slow to be
    # scheduled loses none (SO_RCVBUFFORCE: root may exceed rmem_max).
    try:
        s.setsockopt(socket.SOL_SOCKET, 33, 8 << 20)
    except OSError:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
    s.bind((address, port))
    print("ready", flush=True)
    seen = set()
    deadline = time.monotonic() + seconds
    while len(seen) < count:
        left = deadline - time.monotonic()
        if left <= 0:
            break
        s.settimeout(left)
        try:
            data = s.recv(65536)
        except socket.timeout:
            break
        if len(data) < 4:
            continue
        seq = struct.unpack("!I", data[:4])[0]
        if seq < count and data == payload(seq, len(data)):
            seen.add(seq)
    print("received %d" % len(seen), flush=True)


def send(address, port, count, size, segments):
    s = socket.socket(family_of(address), socket.SOCK_DGRAM)
    s.connect((address, port))
    seq = 0
    while seq < count:
        if segments:
            n = min(segments, count - seq)
            buf = b"".join(payload(seq + i, size) for i in range(n))
            s.sendmsg([buf], [(socket.SOL_UDP, UDP_SEGMENT,
                               struct.pack("=H", size))])
            seq += n
        else:
            s.send(payload(seq, size))
            seq += 1
        # Gently: the receiver's socket buffer is the only limit tested.
        time.sleep(0.001)


def main():
    args = sys.argv[1:]
    if len(args) == 5 and args[0] == "recv":
        recv(args[1], int(args[2]), int(args[3]), float(args[4]))
    elif len(args) in (5, 6) and args[0] == "send":
        send(args[1], int(args[2]), int(args[3]), int(args[4]),
             int(args[5]) if len(args) == 6 else 0)
    else:
        sys.stderr.write(__doc__ if __doc__ else "bad arguments\n")
        sys.exit(2)


if __name__ == "__main__":
    main()
