#! /usr/bin/env python3
# Licensed under the Apache License, Version 2.0.
#
# Packet senders for the afzc system tests:
#
#   afzc-send.py udp ADDRESS COUNT
#       Sends COUNT one-byte UDP datagrams to port 9 of ADDRESS.
#   afzc-send.py tagged DEV DST-MAC SRC-MAC VID SRC-IP DST-IP COUNT
#       Writes COUNT 802.1Q-tagged UDP frames (to port 9) on DEV through a
#       packet socket, for namespaces where no VLAN device can be made.

import socket
import struct
import sys


def checksum(data):
    """Returns the Internet checksum of 'data' (of even length)."""
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    total = (total >> 16) + (total & 0xffff)
    return ~(total + (total >> 16)) & 0xffff


def send_udp(address, count):
    """Sends 'count' datagrams to 'address', port 9."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    for _ in range(count):
        s.sendto(b"x", (address, 9))


def send_tagged(dev, dst_mac, src_mac, vid, src_ip, dst_ip, count):
    """Writes 'count' tagged UDP frames on 'dev'."""
    udp = struct.pack("!HHHH", 1000, 9, 9, 0) + b"x"
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 1, 0, 64, 17,
                     0, socket.inet_aton(src_ip), socket.inet_aton(dst_ip))
    ip = ip[:10] + struct.pack("!H", checksum(ip)) + ip[12:]
    eth = (bytes.fromhex(dst_mac.replace(":", ""))
           + bytes.fromhex(src_mac.replace(":", ""))
           + struct.pack("!HHH", 0x8100, vid, 0x0800))
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((dev, 0))
    for _ in range(count):
        s.send(eth + ip + udp)


def main():
    if sys.argv[1] == "udp":
        send_udp(sys.argv[2], int(sys.argv[3]))
    elif sys.argv[1] == "tagged":
        send_tagged(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]),
                    sys.argv[6], sys.argv[7], int(sys.argv[8]))
    else:
        sys.stderr.write("unknown command %s\n" % sys.argv[1])
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
