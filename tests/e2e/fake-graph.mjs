// A tiny stand-in for Meta's Graph API, for the inbox browser test. hudhud's Graph base URL is a
// start-up option (--graph-api-url), so run.sh starts this first and points the server at it:
//
//   node tests/e2e/fake-graph.mjs --port-file /tmp/x/graph-port      # prints nothing; writes the port
//
// It answers the calls the WhatsApp adapter makes and records every request:
//   POST /{version}/{phone_number_id}/messages      send → {"messaging_product","contacts","messages":[{"id":"wamid.…"}]}
//                                                   read receipt ({"status":"read"}) → {"success":true}
//   POST /{version}/{phone_number_id}/media         upload (multipart) → {"id":"…"}
//   GET  /{version}/{waba_id}/message_templates     one approved template with two body parameters
// and, for the test itself (never called by hudhud):
//   GET    /__requests   → [{method, path, query, body (parsed JSON or text), at}]
//   DELETE /__requests   → clears the record
import { writeFileSync } from 'node:fs';
import http from 'node:http';

export const FAKE_TEMPLATE = {
  id: '900000000000001',
  name: 'order_shipped',
  language: 'en',
  status: 'APPROVED',
  category: 'UTILITY',
  components: [
    { type: 'HEADER', format: 'TEXT', text: 'Order update' },
    { type: 'BODY', text: 'Hi {{1}}, your order {{2}} has shipped.' },
    { type: 'FOOTER', text: 'Acme Support' },
  ],
};

export function startFakeGraph(port = 0) {
  const requests = [];
  let sequence = 0;
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url, 'http://graph.invalid');
      const raw = Buffer.concat(chunks).toString('utf8');
      const send = (status, body) => {
        res.writeHead(status, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (url.pathname === '/__requests') {
        if (req.method === 'DELETE') requests.length = 0;
        return send(200, requests);
      }
      let body = raw;
      try {
        body = raw ? JSON.parse(raw) : null;
      } catch {
        // Multipart uploads and the like stay text.
      }
      requests.push({ method: req.method, path: url.pathname, query: url.search, body, authorization: req.headers.authorization ?? null, at: Date.now() });

      const parts = url.pathname.split('/').filter(Boolean); // [version, node, edge]
      if (req.method === 'POST' && parts.length === 3 && parts[2] === 'messages') {
        if (body && body.status === 'read') return send(200, { success: true });
        sequence += 1;
        const id = `wamid.FAKEOUT${String(sequence).padStart(6, '0')}${Date.now()}`;
        const to = body?.to ?? '';
        return send(200, { messaging_product: 'whatsapp', contacts: [{ input: to, wa_id: to.replace(/^\+/, '') }], messages: [{ id }] });
      }
      if (req.method === 'POST' && parts.length === 3 && parts[2] === 'media') {
        sequence += 1;
        return send(200, { id: `${9000000000000 + sequence}` });
      }
      if (req.method === 'GET' && parts.length === 3 && parts[2] === 'message_templates') {
        return send(200, { data: [FAKE_TEMPLATE], paging: { cursors: { before: 'b', after: 'a' } } });
      }
      send(404, { error: { message: `fake graph: no route for ${req.method} ${url.pathname}`, type: 'OAuthException', code: 100 } });
    });
  });
  return new Promise((resolve) => {
    server.listen(port, '127.0.0.1', () => {
      const actual = server.address().port;
      resolve({ url: `http://127.0.0.1:${actual}`, port: actual, requests, close: () => new Promise((r) => server.close(r)) });
    });
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const i = process.argv.indexOf('--port-file');
  const graph = await startFakeGraph(0);
  if (i > 0) writeFileSync(process.argv[i + 1], String(graph.port));
  else console.log(graph.url);
  const stop = () => void graph.close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
