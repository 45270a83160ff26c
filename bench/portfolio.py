#!/usr/bin/env python3
"""Writes a portfolio scenario: N zones under com., listed one by one, each with its own ZSK
rolls (pre-publication, every 30 days; the starts spread over the first 29 days (fewer in a
short run), whole days
as an operator's daily job starts them, so that the zones rolling on one day change at the
same instants and reach the servers in one reload), daily probes
of one name in every zone, a warm Unbound only. With --pool NAME:S the zones share a server
pool of S servers; without, each zone has servers of its own.

    bench/portfolio.py --zones 240 --days 365 --pool provider:2 > /tmp/portfolio.yaml
"""
import argparse
import sys


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--zones", type=int, default=240, help="zones under com. (default 240)")
    ap.add_argument("--days", type=int, default=365, help="duration in days (default 365)")
    ap.add_argument("--pool", default="provider:2", help="NAME:SERVERS, or 'none' for servers of their own")
    ap.add_argument("--every", default="30d", help="ZSK roll interval (default 30d)")
    args = ap.parse_args()

    out = sys.stdout
    out.write(f"name: Portfolio of {args.zones} zones, ZSK rolls for {args.days} days\n")
    out.write("start: 2027-01-01T00:00:00Z\n")
    out.write(f"duration: {args.days}d\n")
    servers = "1"
    if args.pool != "none":
        name, count = args.pool.split(":")
        out.write(f"server-pools: {{ {name}: {count} }}\n")
        servers = name
    out.write("zones:\n")
    out.write("  com.: { ttl: { default: 1h, ds: 1h, dnskey: 1h }, signing: { validity: 14d, refresh: 7d } }\n")
    names = [f"shop{i}.com." for i in range(1, args.zones + 1)]
    for n in names:
        out.write(f"  {n}: {{ servers: {servers}, records: ['www A 192.0.2.1'], "
                  "ttl: { default: 1h, dnskey: 1h }, signing: { validity: 14d, refresh: 7d } }\n")
    out.write("rollover:\n")
    for i, n in enumerate(names):
        # Each zone's first roll ends within the run: the starts span at most days - 8 (a roll takes about 5 days here).
        start_day = 1 + i * max(1, min(29, args.days - 8)) // len(names)
        out.write(f"  - {{ zone: {n}, method: zsk-prepublish, key: zsk, start: +{start_day}d, every: {args.every} }}\n")
    out.write("probes:\n  every: 1d\n  names:\n")
    for n in names:
        out.write(f"    - www.{n} A\n")
    out.write("resolvers:\n  warm: { kind: unbound }\n")
    out.write("expect:\n  - { no-failures: true }\n")


if __name__ == "__main__":
    main()
