#!/bin/sh
# A check that only asks whether the zone resolves: its SOA through a validating resolver, as
# many uptime monitors do. Exit statuses of the monitoring-plugins convention: 0 OK,
# 2 CRITICAL, 3 UNKNOWN. Usage: resolves.sh RESOLVER ZONE
resolver=$1
zone=$2
if ! out=$(dig +time=2 +tries=1 +dnssec "@$resolver" "$zone" SOA 2>&1); then
    echo "RESOLVES UNKNOWN - dig @$resolver $zone SOA failed: $(printf '%s' "$out" | head -n 1)"
    exit 3
fi
status=$(printf '%s\n' "$out" | sed -n 's/.*status: \([A-Z]*\),.*/\1/p')
case $status in
NOERROR)
    echo "RESOLVES OK - $zone SOA answered by $resolver"
    exit 0
    ;;
"")
    echo "RESOLVES UNKNOWN - no answer from $resolver"
    exit 3
    ;;
*)
    echo "RESOLVES CRITICAL - $zone SOA: $status from $resolver"
    exit 2
    ;;
esac
