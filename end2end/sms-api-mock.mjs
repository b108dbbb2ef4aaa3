// A stand-in for the SMS provider's API (Twilio's shape) for the browser
// tests: accepts every message with 201 and a new sid, and lists what it
// received at GET /received (the tests check who was texted).
import http from 'node:http';

const port = Number(process.env.SMS_MOCK_PORT ?? 3211);
const received = [];

http
  .createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/healthz') {
      res.end('ok');
      return;
    }
    if (req.method === 'GET' && req.url === '/received') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(received));
      return;
    }
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      received.push(Object.fromEntries(new URLSearchParams(body)));
      res.writeHead(201, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ sid: `SM${String(received.length).padStart(8, '0')}`, status: 'queued' }));
    });
  })
  .listen(port, '127.0.0.1');
