#! /usr/bin/env python3
# Licensed under the Apache License, Version 2.0.
#
# Packet senders for the afzc system tests:
#
#   afzc-send.py udp ADDRESS COUNT
#       Sends COUNT one-byte UDP datagrams to port 9 of ADDRESS (IPv4 or
#       IPv6).
#   afzc-send.py tagged DEV DST-MAC SRC-MAC VID SRC-IP DST-IP COUNT
#       Writes COUNT 802.1Q-tagged UDP frames (to port 9, IPv4 or IPv6 as
#       the addresses are) on DEV through a packet socket, for namespaces
#       where no VLAN device can be made.
#   afzc-send.py frames DEV DST-MAC SRC-MAC SRC-IPS DST-IP COUNT
#       The same without a tag, from each of the comma-separated SRC-IPS
#       in turn: COUNT frames from each, interleaved.
#   afzc-send.py arp DEV SRC-MAC SRC-IP TARGET-IP COUNT
#       Writes COUNT broadcast ARP requests for TARGET-IP on DEV.
#   afzc-send.py ports ADDRESS FIRST N COUNT [SECONDS]
#       Sends a one-byte UDP datagram to each of the N ports of ADDRESS
#       from FIRST, COUNT rounds; with SECONDS, rounds go on until that
#       long has passed instead, a millisecond apart.

import socket
import struct
import sys
import time


def checksum(data):
    """Returns the Internet checksum of 'data' (of even length)."""
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    total = (total >> 16) + (total & 0xffff)
    return ~(total + (total >> 16)) & 0xffff


def send_udp(address, count):
    """Sends 'count' datagrams to 'address' (IPv4 or IPv6), port 9."""
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    s = socket.socket(family, socket.SOCK_DGRAM)
    for _ in range(count):
        s.sendto(b"x", (address, 9))


def send_ports(address, first, n, count, seconds):
    """Sends one datagram to each port of 'address' from 'first' to
    'first' + 'n' - 1, 'count' rounds, or for 'seconds' if nonzero."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    end = time.monotonic() + seconds
    rounds = 0
    while (time.monotonic() < end) if seconds else (rounds < count):
        for port in range(first, first + n):
            s.sendto(b"x", (address, port))
        rounds += 1
        if seconds:
            time.sleep(0.001)


def udp_frame(dst_mac, src_mac, vid, src_ip, dst_ip):
    """Returns a UDP frame, IPv6 if the addresses are, IPv4 otherwise,
    tagged with 'vid' unless it is None."""
    udp = struct.pack("!HHHH", 1000, 9, 9, 0) + b"x"
    if ":" in src_ip:
        src = socket.inet_pton(socket.AF_INET6, src_ip)
        dst = socket.inet_pton(socket.AF_INET6, dst_ip)
        pseudo = src + dst + struct.pack("!IxxxB", len(udp), 17)
        udp_csum = checksum(pseudo + udp + b"\0") or 0xffff
        udp = udp[:6] + struct.pack("!H", udp_csum) + udp[8:]
        ip = struct.pack("!IHBB16s16s", 0x60000000, len(udp), 17, 64,
                         src, dst)
        eth_type = 0x86dd
    else:
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 1, 0, 64,
                         17, 0, socket.inet_aton(src_ip),
                         socket.inet_aton(dst_ip))
        ip = ip[:10] + struct.pack("!H", checksum(ip)) + ip[12:]
        eth_type = 0x0800
    eth = (bytes.fromhex(dst_mac.replace(":", ""))
           + bytes.fromhex(src_mac.replace(":", "")))
    if vid is not None:
        eth += struct.pack("!HH", 0x8100, vid)
    return eth + struct.pack("!H", eth_type) + ip + udp


def arp_request(src_mac, src_ip, target_ip):
    """Returns a broadcast ARP request for 'target_ip' from 'src_mac',
    'src_ip'."""
    mac = bytes.fromhex(src_mac.replace(":", ""))
    arp = (struct.pack("!HHBBH", 1, 0x0800, 6, 4, 1) + mac
           + socket.inet_aton(src_ip) + b"\0" * 6
           + socket.inet_aton(target_ip))
    return b"\xff" * 6 + mac + struct.pack("!H", 0x0806) + arp


def send_frames(dev, frames, count):
    """Writes each of 'frames' in turn on 'dev', 'count' rounds."""
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((dev, 0))
    for _ in range(count):
        for frame in frames:
            s.send(frame)


def main():
    if sys.argv[1] == "udp":
        send_udp(sys.argv[2], int(sys.argv[3]))
    elif sys.argv[1] == "tagged":
        frame = udp_frame(sys.argv[3], sys.argv[4], int(sys.argv[5]),
                          sys.argv[6], sys.argv[7])
        send_frames(sys.argv[2], [frame], int(sys.argv[8]))
    elif sys.argv[1] == "frames":
        frames = [udp_frame(sys.argv[3], sys.argv[4], None, src, sys.argv[6])
                  for src in sys.argv[5].split(",")]
        send_frames(sys.argv[2], frames, int(sys.argv[7]))
    elif sys.argv[1] == "ports":
        send_ports(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]),
                   int(sys.argv[5]),
                   float(sys.argv[6]) if len(sys.argv) > 6 else 0)
    elif sys.argv[1] == "arp":
        frame = arp_request(sys.argv[3], sys.argv[4], sys.argv[5])
        send_frames(sys.argv[2], [frame], int(sys.argv[6]))
    else:
        sys.stderr.write("unknown command %s\n" % sys.argv[1])
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
