#!/usr/bin/env bash
# SMTP throughput baselines on loopback, to set muster's own figures against: smtp-source -d on 1
# and 4 connections and Python smtplib over one reused connection, against Postfix's smtp-sink,
# plus muster's SMTPTransport alone (prebuilt messages, debug test build).
#
#   bench/smtp-baselines.sh [COUNT]      (default 20000 messages)
#
# The same run as bench/delivery.sh without muster tick; delivery.sh adds muster tick end to end
# (plan, render, enqueue, send, record) and the ratios against the goals.
set -euo pipefail
MUSTER_BENCH_TICK=0 MUSTER_BENCH_TRANSPORT="${MUSTER_BENCH_TRANSPORT:-1}" exec bash "$(dirname "$0")/delivery.sh" "$@"
