#!/usr/bin/env python3
"""Writes N distinct signed WhatsApp webhook deliveries for wrk (bench/wrk/whatsapp_webhook.lua):
one line per delivery, "<X-Hub-Signature-256 value> <compact JSON body>". Each body carries one
Arabic text message (~1.2 KB) with a unique wamid from one of 500 customers, so the server ingests
real new messages rather than platform retries.
    bench/gen_webhooks.py N APP_SECRET OUT_FILE"""
import hashlib
import hmac
import json
import sys
import time

n, secret, out = int(sys.argv[1]), sys.argv[2].encode(), sys.argv[3]
now = str(int(time.time()))
text = "مرحبا، أريد أن أسأل عن حالة طلبي وعن موعد التوصيل المتوقع، شكرا جزيلا. " * 6
with open(out, "w", encoding="utf-8") as f:
    for i in range(n):
        wa_id = str(971500000000 + i % 500)
        body = json.dumps({
            "object": "whatsapp_business_account",
            "entry": [{"id": "100000000000001", "changes": [{"field": "messages", "value": {
                "messaging_product": "whatsapp",
                "metadata": {"display_phone_number": "14155550100",
                             "phone_number_id": "100000000000002"},
                "contacts": [{"profile": {"name": "عميل " + str(i % 500)}, "wa_id": wa_id}],
                "messages": [{"from": wa_id, "id": "wamid.BENCH%s.%d" % (now, i),
                              "timestamp": now, "type": "text",
                              "text": {"body": text + str(i)}}]}}]}]},
            ensure_ascii=False, separators=(",", ":"))
        sig = "sha256=" + hmac.new(secret, body.encode(), hashlib.sha256).hexdigest()
        f.write(sig + " " + body + "\n")
